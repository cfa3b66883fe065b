/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_IMAGING_SCP_H
#define TSUNAGU_IMAGING_SCP_H

/*
 * The DICOM C-STORE SCP (PS3.4 Annex B, PS3.7, PS3.8): `tsunagu serve --dicom-port N` accepts
 * associations from the application entities registered for an organisation (calling AE title →
 * organisation, migration 019) and stores every received instance through
 * imaging_store_instance, in an op acting for that organisation. C-ECHO answers too. Off unless
 * a port is given.
 */

#include <stdbool.h>
#include <stdint.h>

#include "core/errors.h"
#include "core/ids.h"
#include "op/op.h"
#include "store/store.h"

/** Settings of the SCP (flags of `tsunagu serve`). Zero fields take the defaults. */
struct imaging_scp_config {
    const char *host;     /* address to listen on (the --listen host), e.g. "127.0.0.1" */
    int port;             /* TCP port; 0 picks a free one (imaging_scp_port tells which) */
    int max_associations; /* at once; more are rejected (transient). Default 8 */
    uint32_t max_pdu;     /* the largest PDU we receive (announced). Default 256 KiB */
    int timeout_s;        /* a silent peer is dropped after this. Default 30 */
    size_t max_object;    /* the largest data set of one C-STORE. Default 512 MiB */
    const char *aet;      /* our AE title, for the logs and the File Meta. "TSUNAGU" */
};

/** Starts the listener and the association threads. env must outlive imaging_scp_stop. */
bool imaging_scp_start(struct error *err, const struct op_env *env,
                       const struct imaging_scp_config *cfg);
/** Stops accepting, ends the open associations (their sockets are shut down) and joins every
 *  thread. Nothing happens when it was not started. */
void imaging_scp_stop(void);
/** The port it listens on (0 when not running). */
int imaging_scp_port(void);

/** The organisation a registered, not removed calling AE title sends for, when it calls from
 *  peer (an address literal; a title pinned to another address does not match): *found false
 *  when none. False only when the store fails. */
bool imaging_ae_lookup(struct error *err, struct store_conn *conn, const char *aet,
                       const char *peer, char org_id[UUID_STR_LEN], bool *found);
/** A title to register: aet (valid, see below), its organisation, a description and the only
 *  address it may call from ("" for any; imaging_ae_host_valid). */
struct imaging_ae {
    const char *aet, *org_id, *description, *host;
};
/** Registers ae in the open write transaction; *added is false when the title is registered
 *  (and not removed) already. */
bool imaging_ae_insert(struct error *err, struct store_conn *conn, const struct imaging_ae *ae,
                       int64_t now, bool *added);
/** Whether host is "" or an IPv4 or IPv6 address literal (written as inet_ntop would). */
bool imaging_ae_host_valid(const char *host);
/** Whether aet is an AE title tsunagu registers: 1 to 16 letters, digits, '-', '_' or '.' (a
 *  subset of PS3.5 §6.2 AE, which also allows spaces and other symbols: kept out so that a
 *  title is safe in a URL path and in logs). */
bool imaging_ae_title_valid(const char *aet);
#define IMAGING_AE_TITLE_RULE "1 to 16 letters, digits, '-', '_' or '.'"

/** `tsunagu imaging ae add|list|remove` (the module's command). */
int imaging_cli(int argc, char **argv);

#endif
