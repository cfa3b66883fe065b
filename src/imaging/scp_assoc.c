/* SPDX-License-Identifier: Apache-2.0 */
/* One association of the C-STORE SCP (PS3.8 §9, PS3.7 §9.1): A-ASSOCIATE-RQ → the calling AE
 * title names the organisation (or the association is rejected) → AC; then P-DATA-TF carrying
 * C-ECHO and C-STORE requests, each answered; A-RELEASE or A-ABORT ends it. Anything malformed
 * or out of order aborts the association (A-ABORT) and stores nothing of the message. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "audit/audit.h"
#include "core/arena.h"
#include "core/log.h"
#include "dicom/dicom.h"
#include "dicom/dimse.h"
#include "dicom/ul.h"
#include "imaging_int.h"
#include "scp_int.h"

#define VERIFICATION_SOP_CLASS "1.2.840.10008.1.1"
#define STORAGE_SOP_CLASS_PREFIX "1.2.840.10008.5.1.4.1.1."
#define IMPLEMENTATION_CLASS_UID "1.2.826.0.1.3680043.10.1432.1" /* tsunagu */
#define IMPLEMENTATION_VERSION "TSUNAGU_010"
#define MAX_COMMAND (64 * 1024)
#define MAX_RQ_PDU (256 * 1024)

struct assoc {
    int fd;
    const struct op_env *env;
    const struct imaging_scp_config *cfg;
    struct store_conn *conn;
    struct ul_associate *rq; /* heap: about 150 KB */
    char org_id[UUID_STR_LEN];
    char client[160]; /* "dicom:AET@address" for the audit */
    uint8_t *pdu;     /* receive buffer of cfg->max_pdu bytes */
    /* the message being received */
    uint8_t context;
    struct strbuf command;
    bool awaiting_data;
    struct dimse_command cmd;
    struct strbuf data; /* the Part 10 file being assembled: File Meta, then the data set */
    size_t data_header; /* bytes of data before the data set */
};

static bool read_full(int fd, uint8_t *buf, size_t n)
{
    while (n > 0) {
        ssize_t r = recv(fd, buf, n, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return false;
        buf += r;
        n -= (size_t)r;
    }
    return true;
}

static bool write_full(int fd, const void *data, size_t n)
{
    const uint8_t *p = data;
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        p += w;
        n -= (size_t)w;
    }
    return true;
}

/* Reads one PDU into buf (at most max body bytes). False on EOF, time-out or a bad header
 * (err set for the latter). */
static bool read_pdu(struct error *err, int fd, uint8_t *buf, uint32_t max, enum ul_pdu_type *type,
                     uint32_t *len)
{
    uint8_t h[UL_PDU_HEADER_LENGTH];
    if (!read_full(fd, h, sizeof h))
        return false;
    if (!ul_pdu_header_parse(err, h, max, type, len))
        return false;
    return read_full(fd, buf, *len);
}

static void send_abort(struct assoc *a, uint8_t reason)
{
    uint8_t pdu[10];
    ul_abort_write(pdu, 2, reason);
    write_full(a->fd, pdu, sizeof pdu);
}

void scp_reject_busy(int fd)
{
    static _Thread_local uint8_t buf[64 * 1024];
    struct error err = {0};
    enum ul_pdu_type type;
    uint32_t len;
    if (read_pdu(&err, fd, buf, sizeof buf, &type, &len) && type == UL_PDU_ASSOCIATE_RQ) {
        uint8_t pdu[10];
        ul_associate_rj_write(pdu, UL_RJ_TRANSIENT, UL_RJ_SOURCE_PRESENTATION, UL_RJ_CONGESTION);
        write_full(fd, pdu, sizeof pdu);
    }
}

static bool ts_supported(const char *ts, bool verification)
{
    if (strcmp(ts, DICOM_TS_IMPLICIT_VR_LE) == 0 || strcmp(ts, DICOM_TS_EXPLICIT_VR_LE) == 0)
        return true;
    if (verification)
        return false;
    /* stored as received: the parser reads every one of these */
    return strcmp(ts, DICOM_TS_EXPLICIT_VR_BE) == 0 ||
           strcmp(ts, DICOM_TS_DEFLATED_EXPLICIT_VR_LE) == 0 || strcmp(ts, DICOM_TS_RLE) == 0 ||
           strncmp(ts, "1.2.840.10008.1.2.4.", 20) == 0;
}

/* Answers each proposed context (PS3.8 §9.3.3.2): Verification and the storage SOP classes, in
 * the first proposed transfer syntax we take (the requestor lists its preference first). */
static void negotiate(struct ul_associate *rq)
{
    for (int i = 0; i < rq->context_count; i++) {
        struct ul_context *c = &rq->contexts[i];
        bool verification = strcmp(c->abstract_syntax, VERIFICATION_SOP_CLASS) == 0;
        if (!verification && strncmp(c->abstract_syntax, STORAGE_SOP_CLASS_PREFIX,
                                     strlen(STORAGE_SOP_CLASS_PREFIX)) != 0) {
            c->result = UL_CONTEXT_ABSTRACT_SYNTAX_NOT_SUPPORTED;
            continue;
        }
        c->result = UL_CONTEXT_TRANSFER_SYNTAXES_NOT_SUPPORTED;
        for (int t = 0; t < c->transfer_syntax_count; t++)
            if (ts_supported(c->transfer_syntaxes[t], verification)) {
                c->result = UL_CONTEXT_ACCEPTED;
                memcpy(c->accepted_transfer_syntax, c->transfer_syntaxes[t], 65);
                break;
            }
    }
}

static bool reject(struct assoc *a, uint8_t result, uint8_t source, uint8_t reason, const char *why)
{
    uint8_t pdu[10];
    ul_associate_rj_write(pdu, result, source, reason);
    write_full(a->fd, pdu, sizeof pdu);
    log_msg(LOG_WARN, "dicom.rejected", "association from %s rejected: %s", a->client, why);
    return false;
}

/* The peer's address as inet_ntop writes it; an IPv4 client of an IPv6 socket as IPv4. */
static void peer_name(int fd, char *out, size_t n)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof ss;
    snprintf(out, n, "?");
    if (getpeername(fd, (struct sockaddr *)&ss, &len) != 0)
        return;
    if (ss.ss_family == AF_INET6) {
        const struct in6_addr *a6 = &((struct sockaddr_in6 *)&ss)->sin6_addr;
        if (IN6_IS_ADDR_V4MAPPED(a6))
            inet_ntop(AF_INET, a6->s6_addr + 12, out, (socklen_t)n);
        else
            inet_ntop(AF_INET6, a6, out, (socklen_t)n);
    } else if (ss.ss_family == AF_INET) {
        inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, out, (socklen_t)n);
    }
}

/* An unknown sender is a failed sign-in: audited like one (the group-commit writer). */
static void audit_refusal(struct assoc *a)
{
    char login[72];
    snprintf(login, sizeof login, "dicom:%s", a->rq->calling_ae);
    struct audit_record rec = {.event_id = "dicom.associate",
                               .action = 'E',
                               .outcome = AUDIT_SERIOUS_FAILURE,
                               .user_login = login,
                               .client = a->client,
                               .object_type = "dicom_ae",
                               .object_id = a->rq->calling_ae,
                               .detail = "association rejected: calling AE title not registered "
                                         "for this address"};
    struct error err = {0};
    if (!audit_append_durable(&err, a->env->store, &rec, 1))
        log_msg(LOG_ERROR, "dicom.audit", "%s: %s", a->client, err.detail);
}

/* A-ASSOCIATE-RQ → AC or RJ. False when the association does not go on. */
static bool associate(struct assoc *a)
{
    struct error err = {0};
    enum ul_pdu_type type = UL_PDU_ASSOCIATE_RQ;
    uint32_t len = 0;
    char host[64];
    peer_name(a->fd, host, sizeof host);
    snprintf(a->client, sizeof a->client, "dicom:?@%s", host);
    if (!read_pdu(&err, a->fd, a->pdu, MAX_RQ_PDU, &type, &len)) {
        if (err.code == ERR_NONE)
            return false; /* closed or silent */
    } else if (type != UL_PDU_ASSOCIATE_RQ) {
        error_set(&err, ERR_DICOM_INVALID, "PDU type %u before A-ASSOCIATE-RQ", type);
    } else {
        ul_associate_rq_parse(&err, a->pdu, len, a->rq);
    }
    if (err.code != ERR_NONE) {
        send_abort(a, UL_ABORT_UNEXPECTED_PDU);
        log_msg(LOG_WARN, "dicom.aborted", "connection from %s aborted: %s", host, err.detail);
        return false;
    }
    snprintf(a->client, sizeof a->client, "dicom:%s@%s", a->rq->calling_ae, host);
    if (!(a->rq->protocol_version & 1))
        return reject(a, UL_RJ_PERMANENT, UL_RJ_SOURCE_ACSE, UL_RJ_PROTOCOL_VERSION,
                      "protocol version");
    if (strcmp(a->rq->application_context, UL_APPLICATION_CONTEXT) != 0)
        return reject(a, UL_RJ_PERMANENT, UL_RJ_SOURCE_USER, UL_RJ_APPLICATION_CONTEXT,
                      "application context");
    bool known = false;
    if (!imaging_ae_lookup(&err, a->conn, a->rq->calling_ae, host, a->org_id, &known))
        return reject(a, UL_RJ_TRANSIENT, UL_RJ_SOURCE_USER, UL_RJ_NO_REASON, err.detail);
    if (!known) {
        audit_refusal(a);
        return reject(a, UL_RJ_PERMANENT, UL_RJ_SOURCE_USER, UL_RJ_CALLING_AE,
                      "calling AE title not registered for this address (tsunagu imaging ae "
                      "add)");
    }
    negotiate(a->rq);
    struct strbuf ac = {0};
    ul_associate_ac_write(a->rq, a->cfg->max_pdu, IMPLEMENTATION_CLASS_UID, IMPLEMENTATION_VERSION,
                          &ac);
    bool ok = write_full(a->fd, ac.buf, ac.len);
    strbuf_release(&ac);
    if (ok)
        log_msg(LOG_INFO, "dicom.associated", "association from %s (called %s)", a->client,
                a->rq->called_ae);
    return ok;
}

static const struct ul_context *accepted_context(const struct assoc *a, uint8_t id)
{
    for (int i = 0; i < a->rq->context_count; i++)
        if (a->rq->contexts[i].id == id && a->rq->contexts[i].result == UL_CONTEXT_ACCEPTED)
            return &a->rq->contexts[i];
    return NULL;
}

static bool respond(struct assoc *a, uint16_t status, const char *comment)
{
    struct strbuf cmd = {0}, pdu = {0};
    dimse_response_write(&a->cmd, status, comment, &cmd);
    ul_pdata_write(&pdu, a->context, true, true, (const uint8_t *)cmd.buf, cmd.len);
    bool ok = write_full(a->fd, pdu.buf, pdu.len);
    strbuf_release(&cmd);
    strbuf_release(&pdu);
    return ok;
}

/* Stores the assembled Part 10 file in an op acting for the AE's organisation. */
static uint16_t store(struct assoc *a, const char **comment)
{
    struct arena *arena = arena_new();
    if (!arena)
        return IMAGING_STATUS_OUT_OF_RESOURCES;
    struct principal who = {0};
    snprintf(who.login, sizeof who.login, "dicom:%s", a->rq->calling_ae);
    snprintf(who.name, sizeof who.name, "DICOM %s", a->rq->calling_ae);
    snprintf(who.org_id, sizeof who.org_id, "%s", a->org_id);
    snprintf(who.state, sizeof who.state, "%s", SESSION_ACTIVE);
    struct op op;
    op_init(&op, arena, a->env, a->conn, &who, OP_JOB, a->client);
    struct error err = {0};
    struct imaging_stored out = {0};
    bool ok =
        imaging_store_instance(&err, &op, a->data.buf, a->data.len, &out) && op_commit(&err, &op);
    uint16_t status = IMAGING_STATUS_OK;
    if (!ok) {
        op_rollback(&op);
        status = out.status ? out.status : IMAGING_STATUS_PROCESSING_FAILURE;
        /* Error Comment (0000,0902) is an LO: at most 64 characters of the default repertoire */
        static _Thread_local char why[65];
        const char *reason = out.reason ? out.reason : err.detail;
        size_t n = 0;
        for (; reason[n] && n < 64; n++)
            why[n] = reason[n] >= 0x20 && reason[n] < 0x7f && reason[n] != '\\' ? reason[n] : '?';
        why[n] = 0;
        *comment = why;
        log_msg(LOG_WARN, "dicom.store_failed", "%s: %s %s (0x%04x)", a->client,
                a->cmd.affected_sop_instance, out.reason ? out.reason : err.detail, status);
    } else if (out.status == IMAGING_STATUS_NOT_LINKED) {
        status = IMAGING_STATUS_NOT_LINKED; /* stored; its study waits for reconciliation */
    }
    arena_free(arena);
    return status;
}

/* A whole message has arrived: answer it. */
static bool dispatch(struct assoc *a)
{
    const struct ul_context *ctx = accepted_context(a, a->context);
    const char *comment = NULL;
    if (a->cmd.command_field == DIMSE_C_ECHO_RQ)
        return respond(a, DIMSE_SUCCESS, NULL);
    if (a->cmd.command_field != DIMSE_C_STORE_RQ)
        return respond(a, DIMSE_UNRECOGNIZED_OPERATION, "only C-ECHO and C-STORE");
    if (strcmp(a->cmd.affected_sop_class, ctx->abstract_syntax) != 0)
        return respond(a, DIMSE_DATA_SET_MISMATCH, "SOP class differs from the context's");
    uint16_t status = store(a, &comment);
    return respond(a, status, comment);
}

static void message_reset(struct assoc *a)
{
    a->command.len = 0;
    a->data.len = 0;
    a->awaiting_data = false;
    a->context = 0;
}

/* The command is complete: parse it; start the Part 10 file if a data set follows. */
static bool command_done(struct error *err, struct assoc *a)
{
    if (!dimse_command_parse(err, (const uint8_t *)a->command.buf, a->command.len, &a->cmd))
        return false;
    if (a->cmd.data_set_type == DIMSE_NO_DATA_SET) {
        if (a->cmd.command_field == DIMSE_C_STORE_RQ)
            return error_set(err, ERR_DICOM_INVALID, "C-STORE-RQ without a data set");
        bool ok = dispatch(a);
        message_reset(a);
        return ok || error_set(err, ERR_DICOM_INVALID, "cannot send the response");
    }
    const struct ul_context *ctx = accepted_context(a, a->context);
    struct dimse_part10_meta meta = {
        .transfer_syntax = ctx->accepted_transfer_syntax,
        .sop_class_uid = a->cmd.affected_sop_class,
        .sop_instance_uid = a->cmd.affected_sop_instance,
        .implementation_class_uid = IMPLEMENTATION_CLASS_UID,
        .implementation_version = IMPLEMENTATION_VERSION,
        .source_ae = a->rq->calling_ae,
    };
    a->data.len = 0;
    dimse_part10_wrap(&meta, NULL, 0, &a->data);
    a->data_header = a->data.len;
    a->awaiting_data = true;
    return true;
}

/* One PDV (PS3.8 Annex E): fragments of a command, then of its data set, on one context. */
static bool pdv_take(struct error *err, struct assoc *a, const struct ul_pdv *v)
{
    if (!accepted_context(a, v->context_id))
        return error_set(err, ERR_DICOM_INVALID, "PDV on presentation context %u, not accepted",
                         v->context_id);
    if ((a->command.len || a->awaiting_data) && v->context_id != a->context)
        return error_set(err, ERR_DICOM_INVALID, "PDV changes context inside a message");
    a->context = v->context_id;
    if (v->command) {
        if (a->awaiting_data)
            return error_set(err, ERR_DICOM_INVALID, "command fragment while a data set is due");
        if (a->command.len + v->len > MAX_COMMAND)
            return error_set(err, ERR_DICOM_INVALID, "command set over %d bytes", MAX_COMMAND);
        strbuf_append(&a->command, (const char *)v->data, v->len);
        return !v->last || command_done(err, a);
    }
    if (!a->awaiting_data)
        return error_set(err, ERR_DICOM_INVALID, "data set fragment without its command");
    if (a->data.len - a->data_header + v->len > a->cfg->max_object)
        return error_set(err, ERR_DICOM_INVALID, "data set over %zu bytes", a->cfg->max_object);
    strbuf_append(&a->data, (const char *)v->data, v->len);
    if (!v->last)
        return true;
    bool ok = dispatch(a);
    message_reset(a);
    return ok || error_set(err, ERR_DICOM_INVALID, "cannot send the response");
}

/* Data transfer until release or abort. */
static void transfer(struct assoc *a)
{
    for (;;) {
        struct error err = {0};
        enum ul_pdu_type type;
        uint32_t len;
        if (!read_pdu(&err, a->fd, a->pdu, a->cfg->max_pdu, &type, &len)) {
            if (err.code != ERR_NONE) {
                send_abort(a, UL_ABORT_INVALID_PARAMETER);
                log_msg(LOG_WARN, "dicom.aborted", "%s: %s", a->client, err.detail);
            }
            return;
        }
        if (type == UL_PDU_RELEASE_RQ) {
            uint8_t rp[10];
            ul_release_rp_write(rp);
            write_full(a->fd, rp, sizeof rp);
            return;
        }
        if (type == UL_PDU_ABORT)
            return;
        if (type != UL_PDU_P_DATA_TF) {
            send_abort(a, UL_ABORT_UNEXPECTED_PDU);
            log_msg(LOG_WARN, "dicom.aborted", "%s: unexpected PDU type %u", a->client, type);
            return;
        }
        size_t pos = 0;
        struct ul_pdv v;
        while (ul_pdata_next(&err, a->pdu, len, &pos, &v))
            if (!pdv_take(&err, a, &v))
                break;
        if (err.code != ERR_NONE) {
            send_abort(a, UL_ABORT_INVALID_PARAMETER);
            log_msg(LOG_WARN, "dicom.aborted", "%s: %s", a->client, err.detail);
            return;
        }
    }
}

void scp_association_run(int fd, const struct op_env *env, const struct imaging_scp_config *cfg,
                         struct store_conn *conn)
{
    struct assoc a = {.fd = fd, .env = env, .cfg = cfg, .conn = conn};
    size_t buf = cfg->max_pdu > MAX_RQ_PDU ? cfg->max_pdu : MAX_RQ_PDU;
    a.rq = malloc(sizeof *a.rq);
    a.pdu = malloc(buf);
    if (a.rq && a.pdu && associate(&a))
        transfer(&a);
    strbuf_release(&a.command);
    strbuf_release(&a.data);
    free(a.pdu);
    free(a.rq);
}
