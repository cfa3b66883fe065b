/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_TRANSFER_TRANSFER_INT_H
#define TSUNAGU_TRANSFER_TRANSFER_INT_H

/* Emergency transfers (救急画像送信, issue 15): what the files of the transfer module share. A
 * transfer lives in transfers (migration 033); its images are imaging shares of kind "transfer";
 * every step appends a case event, and topic "transfer" {"transfer_id", "event"} goes to both
 * organisations (naming no patient). */

#include "http/api.h"
#include "modules/module.h"

#define ROUTE ROUTE_DECLARE
#include "transfer/routes.def"
#undef ROUTE

#include "core/ids.h"
#include "http/router.h"

/** The transfer as a case (access_decide_case): its patient, sender and receiver. */
extern const struct access_case_kind transfer_case;
/** Routes whose first path parameter is a transfer id. */
extern const struct route_locator transfer_locator;
#define PAT_TRANSFER (&transfer_locator)

/** How long an emergency transfer's images stay shared at most. */
#define TRANSFER_SHARE_MS (24LL * 3600 * 1000)
/** The most studies one transfer sends, and the longest note and reason (characters). */
enum { TRANSFER_STUDIES_MAX = 20, TRANSFER_NOTE_MAX = 500, TRANSFER_REASON_MAX = 500 };

/** A transfer as the steps need it. */
struct transfer_row {
    char id[UUID_STR_LEN], patient_id[UUID_STR_LEN];
    char from_org[UUID_STR_LEN], to_org[UUID_STR_LEN];
    char status[16];
    bool consent_free;
    int64_t expires_at;
};

/** Loads transfer id (ERR_TRANSFER_NOT_FOUND when there is none). */
bool transfer_load(struct error *err, struct store_conn *conn, const char *id,
                   struct transfer_row *out);
/** The full transfer as the principal of req sees it (a new object), or NULL with err set. */
json_t *transfer_json(struct error *err, struct request *req, const char *id);
/** Appends event to the transfer's timeline (detail borrowed, NULL: {}) and queues topic
 *  "transfer" {"transfer_id", "event"} to both organisations, for after the commit. */
bool transfer_event(struct error *err, struct op *op, const struct transfer_row *t,
                    const char *event, const json_t *detail);
/** Ends transfer t (status closed, reason) and its image shares, at op->now_ms; by is the user
 *  who closed it or NULL (expired). Audited. In op's write transaction. */
bool transfer_end(struct error *err, struct op *op, const struct transfer_row *t,
                  const char *reason);
/** Closes transfers whose time is up (the sweeper). */
bool transfer_sweep(struct error *err, struct op *op);
/** The module's part of the demo region (demo.c). */
bool transfer_demo_load(struct error *err, struct op *op);

#endif
