/* SPDX-License-Identifier: Apache-2.0 */
/* Notifications to an organisation: emergency access to one of its team's patients
 * (kind "emergency_access"), a step of a referral it is party to (kind "referral", no patient;
 * ref_id is the referral). The rendering is generic: kind, patient, ref_id and the summary
 * object. Unread first, newest first; any member may mark one read for the organisation. */
#include "api.h"
#include "core/clock.h"

static const char sql_list[] =
    "SELECT n.id, n.kind, n.patient_id, p.name, n.ref_id, n.summary, n.created_at, n.read_at, "
    "n.read_by, u.name FROM notifications n LEFT JOIN patients p ON p.id = n.patient_id "
    "LEFT JOIN users u ON u.id = n.read_by WHERE n.org_id = ? "
    "ORDER BY n.read_at IS NOT NULL, n.created_at DESC, n.id LIMIT 200";

static json_t *row_json(struct store_stmt *s)
{
    json_t *summary = json_loads(store_text(s, 5), 0, NULL);
    json_t *patient = store_is_null(s, 2) ? json_null()
                                          : json_pack("{s:s, s:o}", "id", store_text(s, 2), "name",
                                                      api_text_or_null(s, 3));
    json_t *read_by = store_is_null(s, 8) ? json_null()
                                          : json_pack("{s:s, s:o}", "id", store_text(s, 8), "name",
                                                      api_text_or_null(s, 9));
    return json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o}", "id", store_text(s, 0), "kind",
                     store_text(s, 1), "patient", patient, "ref_id", api_text_or_null(s, 4),
                     "summary", summary ? summary : json_object(), "created_at",
                     api_time_or_null(s, 6), "read_at", api_time_or_null(s, 7), "read_by", read_by);
}

bool notifications_list(struct error *err, struct request *req)
{
    if (!request_query_check(err, req, (const char *const[]){NULL}) ||
        !request_require_org(err, req))
        return false;
    json_t *items =
        api_rows(err, store_query(err, req->conn, sql_list, "t", req->principal.org_id), row_json);
    if (!items)
        return false;
    size_t unread = 0, i;
    json_t *n;
    json_array_foreach(items, i, n) unread += json_is_null(json_object_get(n, "read_at"));
    response_json(req, 200, json_pack("{s:o, s:I}", "items", items, "unread", (json_int_t)unread));
    return true;
}

bool notifications_read(struct error *err, struct request *req)
{
    const char *id = request_param(req, 0);
    int64_t changed = 0;
    if (!api_no_fields(err, req) || !request_require_org(err, req))
        return false;
    if (!ids_uuid_valid(id))
        return error_set(err, ERR_NOTIFICATION_NOT_FOUND, NULL);
    req->object_type = "notification";
    req->object_id = id;
    if (!request_write_begin(err, req) ||
        !store_exec(err, req->conn, &changed,
                    "UPDATE notifications SET read_at = COALESCE(read_at, ?), "
                    "read_by = COALESCE(read_by, ?) WHERE id = ? AND org_id = ?",
                    "ittt", clock_now_ms(), req->principal.user_id, id, req->principal.org_id))
        return false;
    if (changed != 1)
        return error_set(err, ERR_NOTIFICATION_NOT_FOUND, NULL);
    response_empty(req, 204);
    return true;
}
