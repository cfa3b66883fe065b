/* SPDX-License-Identifier: Apache-2.0 */
/* Changing the schedule: a visit moved or cancelled, a plan ended or changed. Every change is
 * recorded (who, what, when, why), published live to the team and, for a change or
 * cancellation, written to the other organisations' notification inboxes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access/access.h"
#include "core/jsonv.h"
#include "homecare_int.h"
#include "notify/notify.h"

enum { REASON_MAX = 500, NOTE_MAX = 1000 };

static bool tell_org(struct error *err, struct op *op, const char *patient_id, const char *org_id,
                     const json_t *summary, const json_t *event, bool notify)
{
    bool sees;
    if (!access_org_sees(err, op->conn, org_id, patient_id, DATA_CLINICAL, &sees))
        return false;
    if (!sees)
        return true;
    op_publish_json(op, "homecare.schedule", org_id, json_deep_copy(event));
    if (!notify || strcmp(org_id, op->principal.org_id) == 0)
        return true;
    struct notify_message m = {.kind = "homecare_schedule",
                               .patient_id = patient_id,
                               .ref_id = json_string_value(json_object_get(event, "visit_id")),
                               .summary = summary,
                               .event = event};
    return notify_org(err, op, org_id, &m);
}

static const char *org_name(struct error *err, struct op *op)
{
    struct store_stmt *s =
        store_query(err, op->conn, "SELECT name FROM orgs WHERE id = ?", "t", op->principal.org_id);
    if (!s)
        return NULL;
    const char *name = store_step(err, s) == STORE_ROW ? arena_strdup(op->arena, store_text(s, 0))
                                                       : arena_strdup(op->arena, "");
    store_done(s);
    return name;
}

bool schedule_change_done(struct error *err, struct op *op, const char *patient_id,
                          const char *visit_id, const char *plan_id, const char *what,
                          const char *reason, const json_t *detail, bool notify)
{
    if (!schedule_roll_forward(err, op, patient_id))
        return false;
    char *text = detail ? json_dumps(detail, JSON_COMPACT) : strdup("{}");
    if (!text)
        return error_set(err, ERR_NOMEM, "change");
    arena_cleanup_add(op->arena, free, text);
    char(*orgs)[UUID_STR_LEN] = arena_alloc(op->arena, HOMECARE_TEAM_MAX * UUID_STR_LEN);
    const char *by_org = org_name(err, op);
    if (!by_org || !orgs ||
        !store_exec(err, op->conn, NULL,
                    "INSERT INTO homecare_schedule_changes (patient_id, visit_id, plan_id, what, "
                    "reason, detail, at, user_id, org_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    "ttttttitt", patient_id, visit_id, plan_id, what, reason, text, op->now_ms,
                    op->principal.user_id, op->principal.org_id))
        return orgs ? false : error_set(err, ERR_NOMEM, "team");
    int n = homecare_team_orgs(err, op->conn, patient_id, orgs);
    /* no event names a patient (docs/architecture.md, "Real time"): an open schedule reloads
     * through its audited route */
    json_t *event =
        json_pack("{s:s, s:s?, s:s?}", "event", what, "visit_id", visit_id, "plan_id", plan_id);
    json_t *summary =
        json_pack("{s:s, s:s?, s:s?, s:s?, s:s, s:s, s:O?}", "event", what, "visit_id", visit_id,
                  "plan_id", plan_id, "reason", reason, "org_name", by_org, "user_name",
                  op->principal.name, "detail", detail);
    bool ok = n >= 0 && event && summary;
    if (n >= 0 && (!event || !summary))
        error_set(err, ERR_NOMEM, "change");
    for (int i = 0; ok && i < n; i++)
        ok = tell_org(err, op, patient_id, orgs[i], summary, event, notify);
    json_decref(event);
    json_decref(summary);
    return ok;
}

/* ---- a visit -------------------------------------------------------------------------------- */

/* The caller's organisation's visit, still planned. */
static bool own_visit(struct error *err, struct request *req, struct schedule_visit *v)
{
    if (!request_require_org(err, req) ||
        !schedule_visit_load(err, req->op.conn, req->patient_id, request_param(req, 1), v))
        return false;
    if (strcmp(v->org_id, req->op.principal.org_id) != 0)
        return error_set(err, ERR_HOMECARE_SCHEDULE_NOT_OWN, NULL);
    if (strcmp(v->status, "planned") != 0)
        return error_set(err, ERR_HOMECARE_SCHEDULE_CANCELLED, NULL);
    req->object_type = "homecare_visit";
    req->object_id = arena_strdup(req->op.arena, v->id);
    return true;
}

static json_t *visit_state(const struct schedule_visit *v, const char *date, int64_t starts,
                           int64_t ends, const char *staff)
{
    char start[6], end[6];
    schedule_hhmm_format(starts, start);
    schedule_hhmm_format(ends, end);
    return json_pack("{s:s, s:s, s:s, s:s, s:s?}", "kind", v->kind, "date", date, "start", start,
                     "end", end, "staff_user_id", staff && staff[0] ? staff : NULL);
}

/* The visit's new date and times from the body, defaulting to the current ones. */
static bool new_times(struct error *err, struct request *req, const struct schedule_visit *v,
                      int64_t *day, int64_t *starts, int64_t *ends)
{
    const char *date = jsonv_str(req->json, "date");
    int start, end;
    char cur[2][6];
    schedule_hhmm_format(v->starts_at, cur[0]);
    schedule_hhmm_format(v->ends_at, cur[1]);
    const char *s = jsonv_str(req->json, "start"), *e = jsonv_str(req->json, "end");
    if (!schedule_date_days(date ? date : v->local_date, day))
        return error_set(err, ERR_FIELD_VALUE, "date");
    int64_t today = schedule_today();
    if (date && (*day < today - 31 || *day > today + 366))
        return error_set(err, ERR_HOMECARE_SCHEDULE_TIME, "date");
    if (!schedule_hhmm_parse(s ? s : cur[0], &start))
        return error_set(err, ERR_HOMECARE_SCHEDULE_TIME, "start");
    if (!schedule_hhmm_parse(e ? e : cur[1], &end))
        return error_set(err, ERR_HOMECARE_SCHEDULE_TIME, "end");
    if (end <= start)
        return error_set(err, ERR_HOMECARE_SCHEDULE_ENDS_BEFORE_START, "end");
    *starts = schedule_local_ms(*day, start);
    *ends = schedule_local_ms(*day, end);
    return true;
}

static bool visit_respond(struct error *err, struct request *req, const char *id)
{
    json_t *v = schedule_visit_json(err, req->op.conn, id);
    if (!v)
        return false;
    response_json(req, 200, v);
    return true;
}

bool homecare_visits_change(struct error *err, struct request *req)
{
    static const struct jfield fields[] = {
        {"date", JV_DATE, false, 0, NULL},
        {"start", JV_STRING, false, 5, NULL},
        {"end", JV_STRING, false, 5, NULL},
        {"staff_user_id", JV_UUID, false, 0, NULL},
        {"note", JV_STRING, false, NOTE_MAX, NULL},
        {"reason", JV_TEXT, true, REASON_MAX, NULL},
        {NULL, 0, false, 0, NULL},
    };
    struct schedule_visit v;
    int64_t day, starts, ends;
    if (!req->json)
        return error_set(err, ERR_FIELD_MISSING, "reason");
    if (!jsonv_check(err, req->json, fields))
        return false;
    if (json_object_size(req->json) < 2)
        return error_set(err, ERR_HOMECARE_SCHEDULE_NOTHING, NULL);
    const char *staff = jsonv_str(req->json, "staff_user_id");
    if (!op_write_begin(err, &req->op) || !own_visit(err, req, &v) ||
        !new_times(err, req, &v, &day, &starts, &ends) ||
        !schedule_kind_check(err, &req->op, v.kind, staff ? staff : (v.staff[0] ? v.staff : NULL)))
        return false;
    char date[11];
    schedule_days_date(day, date);
    const char *note = jsonv_str(req->json, "note");
    json_t *detail = json_pack(
        "{s:o, s:o}", "before", visit_state(&v, v.local_date, v.starts_at, v.ends_at, v.staff),
        "after", visit_state(&v, date, starts, ends, staff ? staff : v.staff));
    arena_cleanup_add(req->op.arena, (arena_cleanup_fn)json_decref, detail);
    const char *reason = api_trimmed(req, jsonv_str(req->json, "reason"));
    return store_exec(err, req->op.conn, NULL,
                      "UPDATE homecare_visits SET local_date = ?, starts_at = ?, ends_at = ?, "
                      "staff_user_id = COALESCE(?, staff_user_id), note = COALESCE(?, note), "
                      "updated_by = ?, updated_at = ? WHERE id = ?",
                      "tiitttit", date, starts, ends, staff, note, req->op.principal.user_id,
                      req->op.now_ms, v.id) &&
           schedule_sync_appointment(err, &req->op, v.id) &&
           schedule_change_done(err, &req->op, req->patient_id, v.id,
                                v.plan_id[0] ? v.plan_id : NULL, "changed", reason, detail, true) &&
           visit_respond(err, req, v.id);
}

bool homecare_visits_cancel(struct error *err, struct request *req)
{
    static const struct jfield fields[] = {
        {"reason", JV_TEXT, true, REASON_MAX, NULL},
        {NULL, 0, false, 0, NULL},
    };
    struct schedule_visit v;
    if (!req->json)
        return error_set(err, ERR_FIELD_MISSING, "reason");
    if (!jsonv_check(err, req->json, fields) || !op_write_begin(err, &req->op) ||
        !own_visit(err, req, &v))
        return false;
    const char *reason = api_trimmed(req, jsonv_str(req->json, "reason"));
    json_t *detail = json_pack("{s:o}", "before",
                               visit_state(&v, v.local_date, v.starts_at, v.ends_at, v.staff));
    arena_cleanup_add(req->op.arena, (arena_cleanup_fn)json_decref, detail);
    return store_exec(err, req->op.conn, NULL,
                      "UPDATE homecare_visits SET status = 'cancelled', cancel_reason = ?, "
                      "updated_by = ?, updated_at = ? WHERE id = ?",
                      "ttit", reason, req->op.principal.user_id, req->op.now_ms, v.id) &&
           schedule_sync_appointment(err, &req->op, v.id) &&
           schedule_change_done(err, &req->op, req->patient_id, v.id,
                                v.plan_id[0] ? v.plan_id : NULL, "cancelled", reason, detail,
                                true) &&
           visit_respond(err, req, v.id);
}
