/* SPDX-License-Identifier: Apache-2.0 */
/* Notifications to an organisation: emergency access to one of its team's patients
 * (kind "emergency_access"), a step of a referral it is party to (kind "referral", naming its
 * patient; ref_id is the referral), a step of a shared-equipment booking (kind "booking", ref_id
 * the booking), an account of the organisation reset (kind "account_reset", for its administrators
 * only). One may be addressed to one member (user_id): only that member lists or marks it. The
 * rendering is generic: kind, patient, ref_id and the summary. Unread first, newest first; any
 * member may mark one read for the organisation. One naming a patient is shown only while the
 * access rule lets the reader see it (the case's rule when its kind is a module's case kind and
 * ref_id the case, as for a referral or a booking), and each patient shown is audited. */
#include <stdio.h>
#include <string.h>

#include "access/access.h"
#include "core/clock.h"
#include "http/router.h"
#include "notify_int.h"

static const char sql_list[] =
    "SELECT n.id, n.kind, n.patient_id, p.name, n.ref_id, n.summary, n.created_at, n.read_at, "
    "n.read_by, u.name FROM notifications n LEFT JOIN patients p ON p.id = n.patient_id "
    "LEFT JOIN users u ON u.id = n.read_by WHERE n.org_id = ?1 AND (n.audience = 'members' OR "
    "?2) AND (n.user_id IS NULL OR n.user_id = ?3) "
    "ORDER BY n.read_at IS NOT NULL, n.created_at DESC, n.id LIMIT 200";

static json_t *row_json(struct store_stmt *s)
{
    json_t *summary = json_loads(store_text(s, 5), 0, NULL);
    json_t *patient = api_id_name(s, 2, 3), *read_by = api_id_name(s, 8, 9);
    return json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o}", "id", store_text(s, 0), "kind",
                     store_text(s, 1), "patient", patient, "ref_id", api_text_or_null(s, 4),
                     "summary", summary ? summary : json_object(), "created_at",
                     api_time_or_null(s, 6), "read_at", api_time_or_null(s, 7), "read_by", read_by);
}

/* Whether the reader may see notification n (its patient, if it names one); a patient shown is
 * audited. */
static bool visible(struct error *err, struct request *req, const char *kind, const char *patient,
                    const char *ref_id, const char *id, bool *shown)
{
    *shown = true;
    if (!patient)
        return true; /* addressed to the organisation, naming nobody */
    struct access_decision d;
    char case_patient[UUID_STR_LEN];
    /* about a case (kind names a module's case kind): the case's rule */
    const struct access_case_kind *case_kind = ref_id ? modules_case_kind(kind) : NULL;
    bool ok = case_kind ? access_decide_case(err, req->op.conn, &req->op.principal, case_kind,
                                             ref_id, ACCESS_READ, &d, case_patient)
                        : access_decide(err, req->op.conn, &req->op.principal, patient, ACCESS_READ,
                                        DATA_DEMOGRAPHICS, &d);
    if (!ok)
        return false;
    *shown = d.allow;
    if (d.allow)
        op_audit_read(&req->op, req->route->handler_name, AUDIT_SUCCESS, patient, "notification",
                      id, d.emergency ? request_emergency(req, d.grant_id, NULL) : NULL);
    return true;
}

/* Whether the reader also gets the notifications for administrators (an account of the
 * organisation was reset). */
static bool admin_reads(const struct request *req)
{
    return strcmp(req->op.principal.org_role, "org_admin") == 0 && !req->op.principal.pending;
}

static const char *text_of(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

bool notifications_list(struct error *err, struct request *req)
{
    if (!request_query_check(err, req, (const char *const[]){NULL}) ||
        !request_require_org(err, req))
        return false;
    json_t *items =
        api_rows(err,
                 store_query(err, req->op.conn, sql_list, "tbt", req->op.principal.org_id,
                             admin_reads(req), req->op.principal.user_id),
                 row_json);
    if (!items)
        return false;
    size_t unread = 0, i;
    json_t *n;
    for (i = json_array_size(items); i-- > 0;) {
        n = json_array_get(items, i);
        bool shown;
        if (!visible(err, req, text_of(n, "kind"), text_of(json_object_get(n, "patient"), "id"),
                     text_of(n, "ref_id"), text_of(n, "id"), &shown)) {
            json_decref(items);
            return false;
        }
        if (!shown)
            json_array_remove(items, i);
    }
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
    struct store_stmt *s = store_query(err, req->op.conn,
                                       "SELECT kind, patient_id, ref_id FROM notifications "
                                       "WHERE id = ? AND org_id = ? AND (audience = 'members' "
                                       "OR ?) AND (user_id IS NULL OR user_id = ?)",
                                       "ttbt", id, req->op.principal.org_id, admin_reads(req),
                                       req->op.principal.user_id);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    bool shown = false, ok = r != STORE_FAIL;
    if (r == STORE_ROW) {
        char kind[40], patient[UUID_STR_LEN], ref[UUID_STR_LEN];
        snprintf(kind, sizeof kind, "%s", store_text(s, 0));
        snprintf(patient, sizeof patient, "%s", store_is_null(s, 1) ? "" : store_text(s, 1));
        snprintf(ref, sizeof ref, "%s", store_is_null(s, 2) ? "" : store_text(s, 2));
        store_done(s);
        ok = visible(err, req, kind, patient[0] ? patient : NULL, ref[0] ? ref : NULL, id, &shown);
    } else {
        store_done(s);
    }
    if (!ok)
        return false;
    if (!shown)
        return error_set(err, ERR_NOTIFICATION_NOT_FOUND, NULL);
    if (!op_write_begin(err, &req->op) ||
        !store_exec(err, req->op.conn, &changed,
                    "UPDATE notifications SET read_at = COALESCE(read_at, ?), "
                    "read_by = COALESCE(read_by, ?) WHERE id = ? AND org_id = ?",
                    "ittt", clock_now_ms(), req->op.principal.user_id, id,
                    req->op.principal.org_id))
        return false;
    if (changed != 1)
        return error_set(err, ERR_NOTIFICATION_NOT_FOUND, NULL);
    response_empty(req, 204);
    return true;
}
