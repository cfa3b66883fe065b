/* SPDX-License-Identifier: Apache-2.0 */
/* REFERRAL_SUMMARY and REFERRAL (full) as JSON: the contract in docs/api/referrals.md. */
#include <string.h>

#include "core/clock.h"
#include "imaging/imaging.h"
#include "referral_int.h"

json_t *referral_summary_row(struct store_stmt *s)
{
    json_t *patient = json_pack("{s:s, s:s, s:s, s:s, s:s}", "id", store_text(s, 5), "name",
                                store_text(s, 6), "name_kana", store_text(s, 7), "birth_date",
                                store_text(s, 8), "sex", store_text(s, 9));
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:s, s:o, s:o, s:o}", "id",
                     store_text(s, 0), "kind", store_text(s, 1), "status", store_text(s, 2),
                     "urgency", store_text(s, 3), "purpose", store_text(s, 4), "patient", patient,
                     "from_org", api_id_name(s, 10, 11), "from_user", api_id_name(s, 12, 13),
                     "to_org", api_id_name(s, 14, 15), "to_department", store_text(s, 16),
                     "sent_at", api_time_or_null(s, 17), "updated_at", api_time_or_null(s, 18),
                     "scheduled_for", api_time_or_null(s, 19));
}

/* The first row of a query mapped by fn, or NULL with err set (ERR_REFERRAL_NOT_FOUND when
 * there is none). */
static json_t *one_row(struct error *err, struct store_stmt *s, api_row_fn fn)
{
    json_t *items = api_rows(err, s, fn);
    if (!items)
        return NULL;
    json_t *row = json_incref(json_array_get(items, 0));
    json_decref(items);
    if (!row)
        error_set(err, ERR_REFERRAL_NOT_FOUND, NULL);
    return row;
}

static json_t *parsed_or_null(struct store_stmt *s, int col)
{
    json_t *j = store_is_null(s, col) ? NULL : json_loads(store_text(s, col), 0, NULL);
    return j ? j : json_null();
}

json_t *referral_reply_communication(struct store_stmt *s, int col)
{
    json_t *detail = store_is_null(s, col) ? NULL : json_loads(store_text(s, col), 0, NULL);
    json_t *id = json_object_get(detail, "communication");
    json_t *out = json_is_string(id) ? json_incref(id) : json_null();
    json_decref(detail);
    return out;
}

static const char sql_detail[] =
    "SELECT r.parent_id, r.redirected_to, r.letter, r.letter_sha256, r.signed_at, r.accepted_at, "
    "r.seen_at, r.replied_at, r.closed_at, r.decline_reason, r.reply, rb.id, rb.name, "
    "r.record_shared, r.fhir_service_request_id, r.fhir_task_id, r.fhir_composition_id, "
    "s.expires_at, s.ended_at, s.end_reason, " NOTIFY_LAST_DETAIL_SQL(
        "referral", "r.id",
        "replied") " "
                   "FROM referrals r LEFT JOIN users rb ON rb.id = r.reply_by "
                   "LEFT JOIN record_shares s ON s.id = (SELECT id FROM record_shares WHERE "
                   "source_kind = 'referral' AND source_id = r.id ORDER BY started_at DESC LIMIT "
                   "1) "
                   "WHERE r.id = ?";

static json_t *detail_row(struct store_stmt *s)
{
    json_t *share = json_pack("{s:b, s:o, s:o, s:o}", "record_shared", (int)store_int(s, 13),
                              "expires_at", api_time_or_null(s, 17), "ended_at",
                              api_time_or_null(s, 18), "end_reason", api_text_or_null(s, 19));
    json_t *fhir =
        json_pack("{s:o, s:o, s:o, s:o}", "service_request", api_text_or_null(s, 14), "task",
                  api_text_or_null(s, 15), "composition", api_text_or_null(s, 16), "communication",
                  referral_reply_communication(s, 20));
    return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
                     "parent_id", api_text_or_null(s, 0), "redirected_to", api_text_or_null(s, 1),
                     "letter", parsed_or_null(s, 2), "letter_sha256", api_text_or_null(s, 3),
                     "signed_at", api_time_or_null(s, 4), "accepted_at", api_time_or_null(s, 5),
                     "seen_at", api_time_or_null(s, 6), "replied_at", api_time_or_null(s, 7),
                     "closed_at", api_time_or_null(s, 8), "decline_reason", api_text_or_null(s, 9),
                     "reply", parsed_or_null(s, 10), "reply_by", api_id_name(s, 11, 12), "share",
                     share, "fhir", fhir);
}

static json_t *child_row(struct store_stmt *s)
{
    return json_pack("{s:s, s:s, s:s, s:o, s:o}", "id", store_text(s, 0), "kind", store_text(s, 1),
                     "status", store_text(s, 2), "to_org", api_id_name(s, 3, 4), "sent_at",
                     api_time_or_null(s, 5));
}

static const char sql_children[] =
    "SELECT r.id, r.kind, r.status, r.to_org_id, o.name, r.sent_at FROM referrals r "
    "JOIN orgs o ON o.id = r.to_org_id WHERE r.parent_id = ? ORDER BY r.sent_at, r.id";
/* Sets key of out to the rows of sql for id; false with err set when the store fails. */
static bool set_rows(struct error *err, struct request *req, json_t *out, const char *key,
                     const char *sql, const char *id, api_row_fn fn)
{
    json_t *rows = api_rows(err, store_query(err, req->op.conn, sql, "t", id), fn);
    return rows && json_object_set_new(out, key, rows) == 0;
}

json_t *referral_json(struct error *err, struct request *req, const char *id)
{
    json_t *out = one_row(
        err, store_query(err, req->op.conn, REFERRAL_SUMMARY_SELECT "WHERE r.id = ?", "t", id),
        referral_summary_row);
    if (!out)
        return NULL;
    json_t *detail = one_row(err, store_query(err, req->op.conn, sql_detail, "t", id), detail_row);
    if (!detail || json_object_update(out, detail) != 0 ||
        !set_rows(err, req, out, "children", sql_children, id, child_row) ||
        json_object_set_new(out, "timeline",
                            notify_timeline(err, req->op.conn, &referral_case, id)) != 0 ||
        json_object_set_new(out, "shared_studies",
                            imaging_shares_of(err, &req->op, IMAGING_SHARE_REFERRAL, id)) != 0) {
        json_decref(detail);
        json_decref(out);
        return NULL;
    }
    json_decref(detail);
    const char *kind = json_string_value(json_object_get(out, "kind"));
    const char *status = json_string_value(json_object_get(out, "status"));
    const char *from = json_string_value(json_object_get(json_object_get(out, "from_org"), "id"));
    const char *to = json_string_value(json_object_get(json_object_get(out, "to_org"), "id"));
    json_object_set_new(out, "actions",
                        referral_actions(&req->op.principal, kind, status, from, to));
    int64_t appointment = 0;
    const char *at = json_string_value(json_object_get(out, "scheduled_for"));
    if (at && !clock_parse_iso(at, &appointment))
        appointment = 0;
    json_object_set_new(
        out, "early_actions",
        referral_early_actions(&req->op.principal, kind, status, from, to, appointment));
    return out;
}
