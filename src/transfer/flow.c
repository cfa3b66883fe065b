/* SPDX-License-Identifier: Apache-2.0 */
/* An emergency transfer after it is sent: reading it (the summary to the receiver while it is
 * open), the receiving ER's list, acknowledging, closing (its image shares end), the end by
 * time, and the review of an emergency share made without consent. */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "core/clock.h"
#include "core/jsonv.h"
#include "imaging/imaging.h"
#include "notify/notify.h"
#include "transfer/transfer.h"
#include "transfer_int.h"

bool transfer_load(struct error *err, struct store_conn *conn, const char *id,
                   struct transfer_row *out)
{
    struct store_stmt *s = store_query(err, conn,
                                       "SELECT id, patient_id, from_org_id, to_org_id, status, "
                                       "consent_free, expires_at FROM transfers WHERE id = ?",
                                       "t", id);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    if (r == STORE_ROW) {
        snprintf(out->id, sizeof out->id, "%s", store_text(s, 0));
        snprintf(out->patient_id, sizeof out->patient_id, "%s", store_text(s, 1));
        snprintf(out->from_org, sizeof out->from_org, "%s", store_text(s, 2));
        snprintf(out->to_org, sizeof out->to_org, "%s", store_text(s, 3));
        snprintf(out->status, sizeof out->status, "%s", store_text(s, 4));
        out->consent_free = store_int(s, 5) != 0;
        out->expires_at = store_int(s, 6);
    }
    store_done(s);
    if (r == STORE_FAIL)
        return false;
    return r == STORE_ROW || error_set(err, ERR_TRANSFER_NOT_FOUND, NULL);
}

bool transfer_event(struct error *err, struct op *op, const struct transfer_row *t,
                    const char *event, const json_t *detail)
{
    if (!notify_timeline_append(err, op, &transfer_case, t->id, event, detail))
        return false;
    op_publish_json(op, "transfer", t->from_org,
                    json_pack("{s:s, s:s}", "transfer_id", t->id, "event", event));
    op_publish_json(op, "transfer", t->to_org,
                    json_pack("{s:s, s:s}", "transfer_id", t->id, "event", event));
    return true;
}

bool transfer_end(struct error *err, struct op *op, const struct transfer_row *t,
                  const char *reason)
{
    const char *user = op->principal.user_id[0] ? op->principal.user_id : NULL;
    int64_t changed = 0;
    int ended = 0;
    if (!store_exec(err, op->conn, &changed,
                    "UPDATE transfers SET status = 'closed', closed_at = ?, closed_by = ?, "
                    "close_reason = ? WHERE id = ? AND status <> 'closed'",
                    "ittt", op->now_ms, user, reason, t->id))
        return false;
    if (changed != 1)
        return error_set(err, ERR_TRANSFER_INVALID_STATE, "closed already");
    json_t *detail = json_pack("{s:s}", "reason", reason);
    bool ok = imaging_share_end(err, op, IMAGING_SHARE_TRANSFER, t->id, reason, &ended) &&
              transfer_event(err, op, t, "closed", detail) &&
              op_audit(err, op, "transfer.close", 'U', t->patient_id, "transfer", t->id,
                       arena_printf(op->arena, "%s; %d image shares ended", reason, ended));
    json_decref(detail);
    return ok;
}

/* ---- reading ---------------------------------------------------------------------------------
 */

#define TRANSFER_SELECT                                                                            \
    "SELECT t.id, t.status, t.patient_id, t.patient_name, t.patient_name_kana, "                   \
    "t.patient_birth_date, t.patient_sex, t.from_org_id, fo.name, t.from_user_id, fu.name, "       \
    "t.to_org_id, tor.name, t.note, t.consent_free, t.reason, t.created_at, t.expires_at, "        \
    "t.accepted_at, t.closed_at, t.close_reason, t.review_closed_at, t.review_comment, "           \
    "(SELECT count(*) FROM imaging_shares sh WHERE sh.source_kind = 'transfer' AND "               \
    "sh.source_id = t.id), t.summary, (t.status <> 'closed' AND t.expires_at > ?1) "
#define TRANSFER_FROM                                                                              \
    "FROM transfers t JOIN orgs fo ON fo.id = t.from_org_id JOIN users fu ON "                     \
    "fu.id = t.from_user_id JOIN orgs tor ON tor.id = t.to_org_id "

static json_t *transfer_row_json(struct store_stmt *s)
{
    json_t *patient = json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", store_text(s, 2), "name",
                                store_text(s, 3), "name_kana", store_text(s, 4), "birth_date",
                                store_text(s, 5), "sex", store_text(s, 6));
    return json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:s, s:b, s:o, s:o, s:o, s:o, s:o, s:o, "
                     "s:o, s:o, s:I, s:b}",
                     "id", store_text(s, 0), "status", store_text(s, 1), "patient", patient,
                     "from_org", api_id_name(s, 7, 8), "from_user", api_id_name(s, 9, 10), "to_org",
                     api_id_name(s, 11, 12), "note", store_text(s, 13), "consent_free",
                     (int)store_int(s, 14), "reason", api_text_or_null(s, 15), "created_at",
                     api_time_or_null(s, 16), "expires_at", api_time_or_null(s, 17), "accepted_at",
                     api_time_or_null(s, 18), "closed_at", api_time_or_null(s, 19), "close_reason",
                     api_text_or_null(s, 20), "review_closed_at", api_time_or_null(s, 21),
                     "review_comment", api_text_or_null(s, 22), "number_of_studies",
                     (json_int_t)store_int(s, 23), "open", (int)store_int(s, 25));
}

/* The steps the principal's organisation may take on a transfer in status. */
static json_t *actions(const struct principal *p, const char *status, const char *from,
                       const char *to, bool open)
{
    json_t *out = json_array();
    bool receiver = strcmp(p->org_id, to) == 0, sender = strcmp(p->org_id, from) == 0;
    if (!open || p->via_token)
        return out;
    if (receiver && strcmp(status, "sent") == 0)
        json_array_append_new(out, json_string("accept"));
    if (receiver || sender)
        json_array_append_new(out, json_string("close"));
    return out;
}

json_t *transfer_json(struct error *err, struct request *req, const char *id)
{
    struct store_stmt *s =
        store_query(err, req->op.conn, TRANSFER_SELECT TRANSFER_FROM "WHERE t.id = ?2", "it",
                    req->op.now_ms, id);
    if (!s)
        return NULL;
    enum store_step_result r = store_step(err, s);
    json_t *out = NULL;
    if (r == STORE_ROW) {
        out = transfer_row_json(s);
        const char *from = store_text(s, 7), *to = store_text(s, 11);
        bool open = store_int(s, 25) != 0;
        /* the snapshot: to the sender always, to the receiver while the transfer is open */
        bool sees = strcmp(req->op.principal.org_id, from) == 0 ||
                    (open && strcmp(req->op.principal.org_id, to) == 0);
        json_object_set_new(out, "summary",
                            sees ? json_loads(store_text(s, 24), 0, NULL) : json_null());
        json_object_set_new(out, "actions",
                            actions(&req->op.principal, store_text(s, 1), from, to, open));
    }
    store_done(s);
    if (!out) {
        if (r == STORE_DONE)
            error_set(err, ERR_TRANSFER_NOT_FOUND, NULL);
        return NULL;
    }
    json_t *studies = imaging_shares_of(err, &req->op, IMAGING_SHARE_TRANSFER, id);
    json_t *timeline = studies ? notify_timeline(err, req->op.conn, &transfer_case, id) : NULL;
    if (!timeline) {
        json_decref(studies);
        json_decref(out);
        return NULL;
    }
    json_object_set_new(out, "studies", studies);
    json_object_set_new(out, "timeline", timeline);
    return out;
}

bool transfers_read(struct error *err, struct request *req)
{
    if (!request_query_check(err, req, (const char *const[]){NULL}))
        return false;
    json_t *out = transfer_json(err, req, request_param(req, 0));
    if (!out)
        return false;
    response_json(req, 200, out);
    return true;
}

bool transfers_list(struct error *err, struct request *req)
{
    static const char *const query[] = {"box", "state", "limit", "cursor", NULL};
    int64_t limit, offset;
    enum error_code refusal = access_search_refusal(&req->op.principal);
    if (refusal != ERR_NONE)
        return error_set(err, refusal, NULL);
    if (!request_query_check(err, req, query) || !request_page(err, req, &limit, &offset))
        return false;
    const char *box = request_query(req, "box"), *state = request_query(req, "state");
    box = box ? box : "incoming";
    state = state ? state : "open";
    if (strcmp(box, "incoming") != 0 && strcmp(box, "outgoing") != 0)
        return error_set(err, ERR_BAD_QUERY, "box: incoming or outgoing");
    if (strcmp(state, "open") != 0 && strcmp(state, "all") != 0)
        return error_set(err, ERR_BAD_QUERY, "state: open or all");
    struct store_stmt *s = store_query(
        err, req->op.conn,
        TRANSFER_SELECT TRANSFER_FROM
        "WHERE (CASE WHEN ?3 = 'incoming' THEN t.to_org_id ELSE t.from_org_id END) "
        "= ?2 AND (?4 = 'all' OR (t.status <> 'closed' AND t.expires_at > ?1)) "
        "ORDER BY t.created_at DESC, t.id LIMIT ?5 OFFSET ?6",
        "itttii", req->op.now_ms, req->op.principal.org_id, box, state, limit + 1, offset);
    if (!s)
        return false;
    json_t *items = json_array();
    enum store_step_result r;
    while ((r = store_step(err, s)) == STORE_ROW) {
        json_t *item = transfer_row_json(s);
        json_object_set_new(item, "actions",
                            actions(&req->op.principal, store_text(s, 1), store_text(s, 7),
                                    store_text(s, 11), store_int(s, 25) != 0));
        json_array_append_new(items, item);
        if (json_array_size(items) <= (size_t)limit)
            op_audit_read(&req->op, req->route->handler_name, AUDIT_SUCCESS, store_text(s, 2),
                          "transfer", store_text(s, 0), "listed");
    }
    store_done(s);
    if (r == STORE_FAIL) {
        json_decref(items);
        return false;
    }
    return request_respond_page(req, items, offset, limit);
}

/* ---- steps -----------------------------------------------------------------------------------
 */

/* The transfer of the route, open, in the write transaction, for a step by the receiver (or
 * either party when receiver_only is false). */
static bool step_begin(struct error *err, struct request *req, bool receiver_only,
                       struct transfer_row *t)
{
    if (!api_no_fields(err, req) || !op_write_begin(err, &req->op) ||
        !transfer_load(err, req->op.conn, request_param(req, 0), t))
        return false;
    bool receiver = strcmp(req->op.principal.org_id, t->to_org) == 0;
    if (req->op.principal.via_token ||
        (receiver_only ? !receiver : !receiver && strcmp(req->op.principal.org_id, t->from_org)))
        return error_set(err, ERR_FORBIDDEN, "not a party to this transfer");
    if (strcmp(t->status, "closed") == 0 || t->expires_at <= req->op.now_ms)
        return error_set(err, ERR_TRANSFER_INVALID_STATE, "%s", t->status);
    return true;
}

static bool respond(struct error *err, struct request *req, const char *id)
{
    json_t *out = transfer_json(err, req, id);
    if (!out)
        return false;
    response_json(req, 200, out);
    return true;
}

bool transfers_accept(struct error *err, struct request *req)
{
    struct transfer_row t;
    if (!step_begin(err, req, true, &t))
        return false;
    if (strcmp(t.status, "sent") != 0)
        return error_set(err, ERR_TRANSFER_INVALID_STATE, "%s", t.status);
    if (!store_exec(err, req->op.conn, NULL,
                    "UPDATE transfers SET status = 'accepted', accepted_at = ?, accepted_by = ? "
                    "WHERE id = ?",
                    "itt", req->op.now_ms, req->op.principal.user_id, t.id) ||
        !transfer_event(err, &req->op, &t, "accepted", NULL))
        return false;
    req->audit_detail = "accepted";
    return respond(err, req, t.id);
}

bool transfers_close(struct error *err, struct request *req)
{
    struct transfer_row t;
    return step_begin(err, req, false, &t) && transfer_end(err, &req->op, &t, "closed") &&
           respond(err, req, t.id);
}

/* ---- the end by time -------------------------------------------------------------------------
 */

bool transfer_sweep(struct error *err, struct op *op)
{
    struct store_stmt *s = store_query(err, op->conn,
                                       "SELECT id FROM transfers WHERE status <> 'closed' AND "
                                       "expires_at <= ? ORDER BY expires_at LIMIT 20",
                                       "i", op->now_ms);
    if (!s)
        return false;
    char ids[20][UUID_STR_LEN];
    int n = 0;
    enum store_step_result r;
    while ((r = store_step(err, s)) == STORE_ROW && n < 20)
        snprintf(ids[n++], UUID_STR_LEN, "%s", store_text(s, 0));
    store_done(s);
    if (r == STORE_FAIL)
        return false;
    if (n > 0 && !op_write_begin(err, op))
        return false;
    for (int i = 0; i < n; i++) {
        struct transfer_row t;
        if (!transfer_load(err, op->conn, ids[i], &t) || !transfer_end(err, op, &t, "expired"))
            return false;
    }
    return true;
}

/* ---- the review of emergency shares without consent -------------------------------------------
 */

static json_t *review_row(struct store_stmt *s)
{
    json_t *out = transfer_row_json(s);
    json_object_set_new(out, "review_closed_by", api_id_name(s, 26, 27));
    return out;
}

json_t *transfer_reviews(struct error *err, struct op *op, const char *org_id, int which)
{
    return api_rows(
        err,
        store_query(err, op->conn,
                    TRANSFER_SELECT
                    ", ru.id, ru.name " /* columns 26, 27 */
                    TRANSFER_FROM "LEFT JOIN users ru ON ru.id = t.review_closed_by "
                    "WHERE t.from_org_id = ?2 AND t.consent_free = 1 AND (?3 = 2 OR "
                    "(?3 = 0 AND t.review_closed_at IS NULL) OR (?3 = 1 AND t.review_closed_at "
                    "IS NOT NULL)) ORDER BY t.created_at DESC LIMIT 500",
                    "iti", op->now_ms, org_id, (int64_t)which),
        review_row);
}

bool transfers_review_close(struct error *err, struct request *req)
{
    static const struct jfield fields[] = {
        {"comment", JV_STRING, false, 1000, NULL},
        {NULL, 0, false, 0, NULL},
    };
    struct transfer_row t;
    const char *tid = request_param(req, 0);
    if (!request_require_org(err, req) || !jsonv_check(err, req->json, fields))
        return false;
    if (!ids_uuid_valid(tid) || !op_write_begin(err, &req->op) ||
        !transfer_load(err, req->op.conn, tid, &t))
        return err->code == ERR_NONE ? error_set(err, ERR_TRANSFER_NOT_FOUND, NULL) : false;
    if (strcmp(t.from_org, req->op.principal.org_id) != 0 || !t.consent_free)
        return error_set(err, ERR_TRANSFER_NOT_FOUND, NULL);
    req->patient_id = arena_strdup(req->op.arena, t.patient_id);
    req->object_type = "transfer";
    req->object_id = arena_strdup(req->op.arena, t.id);
    const char *comment = api_trimmed(req, jsonv_str(req->json, "comment"));
    if (!comment || !comment[0])
        return error_set(err, ERR_TRANSFER_COMMENT_REQUIRED, "comment");
    int64_t changed = 0;
    if (!store_exec(err, req->op.conn, &changed,
                    "UPDATE transfers SET review_closed_at = ?, review_closed_by = ?, "
                    "review_comment = ? WHERE id = ? AND review_closed_at IS NULL",
                    "ittt", req->op.now_ms, req->op.principal.user_id, comment, t.id))
        return false;
    if (changed != 1)
        return error_set(err, ERR_TRANSFER_REVIEW_CLOSED, NULL);
    if (!op_audit(err, &req->op, "transfer.review", 'U', t.patient_id, "transfer", t.id,
                  arena_printf(req->op.arena, "emergency share review closed: %s", comment)))
        return false;
    return respond(err, req, t.id);
}

/* ---- what an emergency share opened ------------------------------------------------------------
 * The reads through the transfer's image shares, from the audit: the router and QIDO mark each
 * with the detail "emergency image share <share id>" (router_grant_detail). Found through the
 * patient's index, then the shares of the transfer. */

static const char sql_opened[] =
    "SELECT a.seq, a.time, a.event_id, a.action, a.object_type, a.object_id, a.user_id, "
    "a.user_login, a.org_id, o.name FROM audit a JOIN imaging_shares ish ON ish.source_kind = "
    "'transfer' AND ish.source_id = ?2 AND substr(a.detail, 1, 58) = 'emergency image share ' || "
    "ish.id LEFT JOIN orgs o ON o.id = a.org_id WHERE a.patient_id = ?1 AND a.outcome = 0 "
    "ORDER BY a.seq LIMIT 1000";

static json_t *opened_row(struct store_stmt *s)
{
    json_t *o =
        json_pack("{s:I, s:s, s:s, s:s}", "seq", (json_int_t)store_int(s, 0), "time",
                  store_text(s, 1), "event_id", store_text(s, 2), "action", store_text(s, 3));
    json_object_set_new(o, "object_type", api_text_or_null(s, 4));
    json_object_set_new(o, "object_id", api_text_or_null(s, 5));
    json_object_set_new(o, "user_id", api_text_or_null(s, 6));
    json_object_set_new(o, "user_login", api_text_or_null(s, 7));
    json_object_set_new(o, "org", api_id_name(s, 8, 9));
    return o;
}

bool transfers_opened(struct error *err, struct request *req)
{
    struct transfer_row t;
    const char *tid = request_param(req, 0);
    if (!request_query_check(err, req, (const char *const[]){NULL}) ||
        !request_require_org(err, req))
        return false;
    if (!ids_uuid_valid(tid) || !transfer_load(err, req->op.conn, tid, &t))
        return err->code == ERR_NONE ? error_set(err, ERR_TRANSFER_NOT_FOUND, NULL) : false;
    /* the sending organisation reviews the shares it made without consent; to anyone else the
     * transfer does not exist here */
    if (strcmp(t.from_org, req->op.principal.org_id) != 0 || !t.consent_free)
        return error_set(err, ERR_TRANSFER_NOT_FOUND, NULL);
    if (!audit_index_sync(err, req->op.conn))
        return false;
    json_t *items = api_rows(
        err, store_query(err, req->op.conn, sql_opened, "tt", t.patient_id, t.id), opened_row);
    if (!items)
        return false;
    req->patient_id = arena_strdup(req->op.arena, t.patient_id);
    req->object_type = "transfer";
    req->object_id = arena_strdup(req->op.arena, t.id);
    req->audit_detail = arena_printf(req->op.arena,
                                     "emergency share review: what it opened, "
                                     "results=%zu",
                                     json_array_size(items));
    return api_respond_items(req, items);
}
