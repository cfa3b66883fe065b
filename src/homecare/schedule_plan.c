/* SPDX-License-Identifier: Apache-2.0 */
/* Ending or changing a visit plan: a new end date cancels the planned occurrences after it (or
 * expands the plan further), new exceptions cancel the occurrences on those days, a new staff
 * member takes the occurrences to come. Past visits stay as they were. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonv.h"
#include "homecare_int.h"

enum { REASON_MAX = 500, NOTE_MAX = 1000, EXCEPTIONS_MAX = 100, GAP_DAYS_MAX = 60 };

struct plan_row {
    char org_id[UUID_STR_LEN], kind[24], first_date[11], end_date[11], expanded_until[11];
};

static bool plan_load(struct error *err, struct request *req, const char *id, struct plan_row *p)
{
    struct store_stmt *s = store_query(err, req->op.conn,
                                       "SELECT org_id, kind, first_date, COALESCE(end_date, ''), "
                                       "expanded_until FROM homecare_plans WHERE id = ? AND "
                                       "patient_id = ?",
                                       "tt", id, req->patient_id);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    if (r == STORE_ROW) {
        snprintf(p->org_id, sizeof p->org_id, "%s", store_text(s, 0));
        snprintf(p->kind, sizeof p->kind, "%s", store_text(s, 1));
        snprintf(p->first_date, sizeof p->first_date, "%s", store_text(s, 2));
        snprintf(p->end_date, sizeof p->end_date, "%s", store_text(s, 3));
        snprintf(p->expanded_until, sizeof p->expanded_until, "%s", store_text(s, 4));
    }
    store_done(s);
    if (r != STORE_ROW)
        return r == STORE_FAIL ? false : error_set(err, ERR_HOMECARE_SCHEDULE_NOT_FOUND, NULL);
    if (strcmp(p->org_id, req->op.principal.org_id) != 0)
        return error_set(err, ERR_HOMECARE_SCHEDULE_NOT_OWN, NULL);
    return true;
}

/* Cancels the plan's planned occurrences to come that match cond (an SQL condition on the
 * visit's plan_date with one text parameter). */
static bool cancel_where(struct error *err, struct request *req, const char *plan_id,
                         const char *sql, const char *arg, const char *reason)
{
    return store_exec(err, req->op.conn, NULL, sql, "ttitit", reason, req->op.principal.user_id,
                      req->op.now_ms, plan_id, req->op.now_ms, arg);
}

#define CANCEL_SQL(cond)                                                                           \
    "UPDATE homecare_visits SET status = 'cancelled', cancel_reason = ?, updated_by = ?, "         \
    "updated_at = ? WHERE plan_id = ? AND status = 'planned' AND starts_at >= ? AND " cond

/* The patient's home care ends with its last plan: when plan id gets its first end and no other
 * plan of any organisation goes on past end_date, the team hears of the end of care (a team
 * event: the sharing rules decide who, docs/api/sharing.md). */
static bool care_ends(struct error *err, struct request *req, const char *id,
                      const struct plan_row *p, const char *end_date, const char *reason)
{
    if (p->end_date[0])
        return true; /* ended before: told then */
    struct store_stmt *s =
        store_query(err, req->op.conn,
                    "SELECT 1 FROM homecare_plans WHERE patient_id = ? AND id <> ? AND (end_date "
                    "IS NULL OR end_date > ?) LIMIT 1",
                    "ttt", req->patient_id, id, end_date);
    enum store_step_result r = s ? store_step(err, s) : STORE_FAIL;
    if (s)
        store_done(s);
    if (r != STORE_DONE)
        return r == STORE_ROW;
    json_t *summary =
        json_pack("{s:s, s:s, s:s}", "end_date", end_date, "reason", reason, "plan_id", id);
    bool ok = summary && modules_team_event(err, &req->op,
                                            &(struct team_event){.kind = "end_of_care",
                                                                 .patient_id = req->patient_id,
                                                                 .ref_id = id,
                                                                 .summary = summary});
    json_decref(summary);
    return ok;
}

static bool set_end(struct error *err, struct request *req, const char *id,
                    const struct plan_row *p, const char *end_date, const char *reason)
{
    int64_t first, end, expanded, today = schedule_today();
    if (!schedule_date_days(end_date, &end) || !schedule_date_days(p->first_date, &first) ||
        !schedule_date_days(p->expanded_until, &expanded))
        return error_set(err, ERR_FIELD_VALUE, "end_date");
    if (end < first)
        return error_set(err, ERR_HOMECARE_SCHEDULE_ENDS_BEFORE_START, "end_date");
    if (end > today + 5 * 366)
        return error_set(err, ERR_HOMECARE_SCHEDULE_TIME, "end_date");
    if (!store_exec(err, req->op.conn, NULL, "UPDATE homecare_plans SET end_date = ? WHERE id = ?",
                    "tt", end_date, id) ||
        !cancel_where(err, req, id, CANCEL_SQL("plan_date > ?"), end_date, reason) ||
        !care_ends(err, req, id, p, end_date, reason))
        return false;
    int64_t from = expanded + 1,
            window_end = (first > today ? first : today) + SCHEDULE_WINDOW_DAYS - 1;
    int64_t until = end < window_end ? end : window_end;
    return from > until || schedule_plan_expand(err, &req->op, id, from, until);
}

static bool set_exceptions(struct error *err, struct request *req, const char *id,
                           const json_t *exceptions, const char *reason)
{
    size_t i;
    json_t *e;
    int64_t day;
    json_array_foreach(exceptions, i,
                       e) if (!schedule_date_days(json_string_value(e),
                                                  &day)) return error_set(err, ERR_FIELD_VALUE,
                                                                          "exceptions[%zu]", i);
    char *text = json_dumps(exceptions, JSON_COMPACT);
    if (!text)
        return error_set(err, ERR_NOMEM, "exceptions");
    arena_cleanup_add(req->op.arena, free, text);
    if (!store_exec(err, req->op.conn, NULL,
                    "UPDATE homecare_plans SET exceptions = ? WHERE id = ?", "tt", text, id))
        return false;
    json_array_foreach(exceptions, i,
                       e) if (!cancel_where(err, req, id, CANCEL_SQL("plan_date = ?"),
                                            json_string_value(e), reason)) return false;
    return true;
}

static bool set_fields(struct error *err, struct request *req, const char *id,
                       const struct plan_row *p)
{
    const char *staff = jsonv_str(req->json, "staff_user_id");
    json_t *gap = json_object_get(req->json, "gap_days");
    if (gap && (json_integer_value(gap) < 1 || json_integer_value(gap) > GAP_DAYS_MAX))
        return error_set(err, ERR_FIELD_VALUE, "gap_days");
    if (staff &&
        (!schedule_kind_check(err, &req->op, p->kind, staff) ||
         !store_exec(err, req->op.conn, NULL,
                     "UPDATE homecare_plans SET staff_user_id = ? WHERE id = ?", "tt", staff, id) ||
         !store_exec(err, req->op.conn, NULL,
                     "UPDATE homecare_visits SET staff_user_id = ?, updated_by = ?, "
                     "updated_at = ? WHERE plan_id = ? AND status = 'planned' AND "
                     "starts_at >= ?",
                     "ttiti", staff, req->op.principal.user_id, req->op.now_ms, id,
                     req->op.now_ms)))
        return false;
    if (gap &&
        !store_exec(err, req->op.conn, NULL, "UPDATE homecare_plans SET gap_days = ? WHERE id = ?",
                    "it", (int64_t)json_integer_value(gap), id))
        return false;
    const char *note = jsonv_str(req->json, "note");
    return store_exec(err, req->op.conn, NULL,
                      "UPDATE homecare_plans SET note = COALESCE(?, note), updated_by = ?, "
                      "updated_at = ? WHERE id = ?",
                      "ttit", note, req->op.principal.user_id, req->op.now_ms, id);
}

bool homecare_plans_change(struct error *err, struct request *req)
{
    static const struct jfield fields[] = {
        {"end_date", JV_DATE, false, 0, NULL},
        {"exceptions", JV_STRING_ARRAY, false, EXCEPTIONS_MAX, NULL},
        {"staff_user_id", JV_UUID, false, 0, NULL},
        {"note", JV_STRING, false, NOTE_MAX, NULL},
        {"gap_days", JV_INT, false, 0, NULL},
        {"reason", JV_TEXT, true, REASON_MAX, NULL},
        {NULL, 0, false, 0, NULL},
    };
    struct plan_row p;
    const char *id = request_param(req, 1);
    if (!req->json)
        return error_set(err, ERR_FIELD_MISSING, "reason");
    if (!request_require_org(err, req) || !jsonv_check(err, req->json, fields))
        return false;
    if (json_object_size(req->json) < 2)
        return error_set(err, ERR_HOMECARE_SCHEDULE_NOTHING, NULL);
    if (!op_write_begin(err, &req->op) || !plan_load(err, req, id, &p))
        return false;
    req->object_type = "homecare_plan";
    req->object_id = arena_strdup(req->op.arena, id);
    const char *reason = api_trimmed(req, jsonv_str(req->json, "reason"));
    const char *end_date = jsonv_str(req->json, "end_date");
    json_t *exceptions = json_object_get(req->json, "exceptions");
    if ((end_date && !set_end(err, req, id, &p, end_date, reason)) ||
        (exceptions && !set_exceptions(err, req, id, exceptions, reason)) ||
        !set_fields(err, req, id, &p))
        return false;
    json_t *detail = json_deep_copy(req->json);
    json_object_del(detail, "reason");
    arena_cleanup_add(req->op.arena, (arena_cleanup_fn)json_decref, detail);
    if (!schedule_sync_plan_visits(err, &req->op, id) ||
        !schedule_change_done(err, &req->op, req->patient_id, NULL, id, "plan_changed", reason,
                              detail, true))
        return false;
    json_t *plan = schedule_plan_json(err, req->op.conn, id);
    if (!plan)
        return false;
    response_json(req, 200, plan);
    return true;
}
