/* SPDX-License-Identifier: Apache-2.0 */
/* The review of emergency (break-the-glass) accesses: every grant used by an organisation's
 * users stays on its administrators' list until one of them closes it with a comment. */
#include <string.h>

#include "audit/audit.h"
#include "core/clock.h"
#include "core/jsonv.h"
#include "emergency_int.h"
#include "transfer/transfer.h"

static const char *const reviews_query[] = {"status", NULL};

bool emergency_reviews(struct error *err, struct request *req)
{
    if (!request_query_check(err, req, reviews_query) || !request_require_org(err, req))
        return false;
    const char *status = request_query(req, "status");
    if (!status)
        status = "open";
    int which = strcmp(status, "open") == 0 ? 0 : strcmp(status, "closed") == 0 ? 1 : 2;
    if (which == 2 && strcmp(status, "all") != 0)
        return error_set(err, ERR_BAD_QUERY, "status: open, closed or all");
    json_t *items = api_rows(
        err,
        store_query(err, req->op.conn,
                    EMERGENCY_GRANT_SELECT
                    "WHERE e.org_id = ?1 AND (?2 = 2 OR (?2 = 0 AND e.review_closed_at IS NULL) "
                    "OR (?2 = 1 AND e.review_closed_at IS NOT NULL)) ORDER BY e.started_at DESC "
                    "LIMIT 500",
                    "ti", req->op.principal.org_id, (int64_t)which),
        emergency_grant_row);
    if (!items)
        return false;
    /* alongside: emergency image shares made without consent (救急画像送信, issue 15) */
    json_t *shares = transfer_reviews(err, &req->op, req->op.principal.org_id, which);
    if (!shares) {
        json_decref(items);
        return false;
    }
    req->object_type = "emergency_access";
    req->audit_detail =
        arena_printf(req->op.arena, "emergency reviews status=%s results=%zu image shares=%zu",
                     status, json_array_size(items), json_array_size(shares));
    response_json(req, 200, json_pack("{s:o, s:o}", "items", items, "image_shares", shares));
    return true;
}

bool emergency_review_close(struct error *err, struct request *req)
{
    static const struct jfield fields[] = {
        {"comment", JV_STRING, false, 1000, NULL},
        {NULL, 0, false, 0, NULL},
    };
    const char *gid = request_param(req, 0);
    if (!request_require_org(err, req) || !jsonv_check(err, req->json, fields))
        return false;
    if (!ids_uuid_valid(gid))
        return error_set(err, ERR_EMERGENCY_NOT_FOUND, NULL);
    const char *comment = api_trimmed(req, jsonv_str(req->json, "comment"));
    struct store_stmt *s = store_query(err, req->op.conn,
                                       "SELECT patient_id, review_closed_at IS NOT NULL, "
                                       "ended_at IS NULL AND expires_at > ? FROM emergency_access "
                                       "WHERE id = ? AND org_id = ?",
                                       "itt", clock_now_ms(), gid, req->op.principal.org_id);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    const char *patient = r == STORE_ROW ? arena_strdup(req->op.arena, store_text(s, 0)) : NULL;
    bool closed = r == STORE_ROW && store_int(s, 1), active = r == STORE_ROW && store_int(s, 2);
    store_done(s);
    if (r != STORE_ROW)
        return r == STORE_FAIL ? false : error_set(err, ERR_EMERGENCY_NOT_FOUND, NULL);
    req->patient_id = patient;
    req->object_type = "emergency_access";
    req->object_id = gid;
    if (closed)
        return error_set(err, ERR_EMERGENCY_REVIEW_CLOSED, NULL);
    if (active)
        return error_set(err, ERR_EMERGENCY_STILL_ACTIVE, NULL);
    if (!comment || !*comment)
        return error_set(err, ERR_EMERGENCY_COMMENT_REQUIRED, "comment");
    if (!access_emergency_review_close(err, &req->op, gid, comment) ||
        !op_audit(err, &req->op, "emergency.review", 'U', patient, "emergency_access", gid,
                  arena_printf(req->op.arena, "emergency review closed: %s", comment)))
        return false;
    json_t *items = api_rows(
        err, store_query(err, req->op.conn, EMERGENCY_GRANT_SELECT "WHERE e.id = ?", "t", gid),
        emergency_grant_row);
    if (!items)
        return false;
    response_json(req, 200, json_incref(json_array_get(items, 0)));
    json_decref(items);
    return true;
}

/* ---- what a grant opened ----------------------------------------------------------------------
 * The records its user read or changed through it, from the audit: the router marks each with
 * the detail "emergency access <grant id>" (request_emergency). Found through the patient's
 * index, then the user's records of the grant. */

static const char sql_opened[] =
    "SELECT a.seq, a.time, a.event_id, a.action, a.object_type, a.object_id FROM audit a "
    "WHERE a.patient_id = ?1 AND a.user_id = ?2 AND a.outcome = 0 AND "
    "substr(a.detail, 1, " EMERGENCY_DETAIL_LEN ") = 'emergency access ' || ?3 "
    "ORDER BY a.seq LIMIT 1000";

static json_t *opened_row(struct store_stmt *s)
{
    json_t *o =
        json_pack("{s:I, s:s, s:s, s:s}", "seq", (json_int_t)store_int(s, 0), "time",
                  store_text(s, 1), "event_id", store_text(s, 2), "action", store_text(s, 3));
    json_object_set_new(o, "object_type", api_text_or_null(s, 4));
    json_object_set_new(o, "object_id", api_text_or_null(s, 5));
    return o;
}

bool emergency_opened(struct error *err, struct request *req)
{
    const char *gid = request_param(req, 0);
    if (!request_query_check(err, req, (const char *const[]){NULL}) ||
        !request_require_org(err, req))
        return false;
    if (!ids_uuid_valid(gid))
        return error_set(err, ERR_EMERGENCY_NOT_FOUND, NULL);
    struct store_stmt *s =
        store_query(err, req->op.conn,
                    "SELECT patient_id, user_id FROM emergency_access WHERE id = ? AND org_id = ?",
                    "tt", gid, req->op.principal.org_id);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    const char *patient = r == STORE_ROW ? arena_strdup(req->op.arena, store_text(s, 0)) : NULL;
    const char *user = r == STORE_ROW ? arena_strdup(req->op.arena, store_text(s, 1)) : NULL;
    store_done(s);
    if (r != STORE_ROW)
        return r == STORE_FAIL ? false : error_set(err, ERR_EMERGENCY_NOT_FOUND, NULL);
    if (!audit_index_sync(err, req->op.conn))
        return false;
    json_t *items = api_rows(
        err, store_query(err, req->op.conn, sql_opened, "ttt", patient, user, gid), opened_row);
    if (!items)
        return false;
    req->patient_id = patient;
    req->object_type = "emergency_access";
    req->object_id = gid;
    req->audit_detail = arena_printf(req->op.arena, "emergency review: what it opened, results=%zu",
                                     json_array_size(items));
    return api_respond_items(req, items);
}
