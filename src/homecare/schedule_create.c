/* SPDX-License-Identifier: Apache-2.0 */
/* Scheduling a home visit: a one-off visit, or a recurring plan (a weekly pattern with
 * exceptions and an end date) expanded into visits for a rolling window. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonv.h"
#include "core/text.h"
#include "homecare_int.h"

enum {
    NOTE_MAX = 1000,
    PAST_DAYS_MAX = 31,   /* a visit may be recorded up to a month late */
    AHEAD_DAYS_MAX = 366, /* and planned up to a year ahead */
    EXCEPTIONS_MAX = 100,
    GAP_DAYS_MAX = 60,
};

static const char *const weekday_codes[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun", NULL};

/* A date field within the plausible range of a visit: a month back to a year ahead. */
static bool plausible_day(struct error *err, const char *field, const char *date, int64_t *day)
{
    if (!schedule_date_days(date, day))
        return error_set(err, ERR_FIELD_VALUE, "%s", field);
    int64_t today = schedule_today();
    if (*day < today - PAST_DAYS_MAX || *day > today + AHEAD_DAYS_MAX)
        return error_set(err, ERR_HOMECARE_SCHEDULE_TIME, "%s", field);
    return true;
}

/* start and end ("HH:MM") of a visit on one day: end after start. */
static bool times(struct error *err, const json_t *body, int *start, int *end)
{
    if (!schedule_hhmm_parse(jsonv_str(body, "start"), start))
        return error_set(err, ERR_HOMECARE_SCHEDULE_TIME, "start");
    if (!schedule_hhmm_parse(jsonv_str(body, "end"), end))
        return error_set(err, ERR_HOMECARE_SCHEDULE_TIME, "end");
    if (*end <= *start)
        return error_set(err, ERR_HOMECARE_SCHEDULE_ENDS_BEFORE_START, "end");
    return true;
}

const char *homecare_trimmed(struct op *op, const char *s)
{
    const char *start;
    size_t n;
    if (!s)
        return NULL;
    if (!text_visible(s))
        return "";
    text_trim(s, &start, &n);
    return arena_strndup(op->arena, start, n);
}

/* The body's note, trimmed, or "". */
static const char *note_of(struct op *op, const json_t *body)
{
    const char *note = homecare_trimmed(op, jsonv_str(body, "note"));
    return note ? note : "";
}

bool homecare_visits_create(struct error *err, struct request *req)
{
    static const struct jfield fields[] = {
        {"kind", JV_STRING, true, 24, NULL},
        {"date", JV_DATE, true, 0, NULL},
        {"start", JV_STRING, true, 5, NULL},
        {"end", JV_STRING, true, 5, NULL},
        {"staff_user_id", JV_UUID, false, 0, NULL},
        {"note", JV_STRING, false, NOTE_MAX, NULL},
        {NULL, 0, false, 0, NULL},
    };
    int64_t day;
    int start, end;
    if (!request_require_org(err, req))
        return false;
    if (!req->json)
        return error_set(err, ERR_FIELD_MISSING, "kind");
    const char *kind = jsonv_str(req->json, "kind"), *staff = jsonv_str(req->json, "staff_user_id");
    if (!jsonv_check(err, req->json, fields) ||
        !plausible_day(err, "date", jsonv_str(req->json, "date"), &day) ||
        !times(err, req->json, &start, &end) || !op_write_begin(err, &req->op) ||
        !schedule_kind_check(err, &req->op, kind, staff))
        return false;
    char id[UUID_STR_LEN], date[11];
    ids_uuid_new(id);
    schedule_days_date(day, date);
    const char *user = req->op.principal.user_id;
    req->object_type = "homecare_visit";
    req->object_id = arena_strdup(req->op.arena, id);
    if (!store_exec(err, req->op.conn, NULL,
                    "INSERT INTO homecare_visits (id, patient_id, org_id, kind, staff_user_id, "
                    "local_date, starts_at, ends_at, status, note, created_by, created_at, "
                    "updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'planned', ?, ?, ?, "
                    "?, ?)",
                    "ttttttiittiti", id, req->patient_id, req->op.principal.org_id, kind, staff,
                    date, schedule_local_ms(day, start), schedule_local_ms(day, end),
                    note_of(&req->op, req->json), user, req->op.now_ms, user, req->op.now_ms) ||
        !schedule_sync_appointment(err, &req->op, id) ||
        !schedule_change_done(err, &req->op, req->patient_id, id, NULL, "created", NULL, NULL,
                              false))
        return false;
    json_t *v = schedule_visit_json(err, req->op.conn, id);
    if (!v)
        return false;
    response_json(req, 201, v);
    return true;
}

/* ---- plans ---------------------------------------------------------------------------------- */

/* The weekdays as a bit set (bit 0 Monday). */
static int weekday_bits(const json_t *days)
{
    int bits = 0;
    size_t i;
    json_t *d;
    json_array_foreach(days, i, d) for (int w = 0; weekday_codes[w];
                                        w++) if (strcmp(json_string_value(d), weekday_codes[w]) ==
                                                 0) bits |= 1 << w;
    return bits;
}

/* The exceptions: real dates, returned as compact JSON text (malloc'd). */
static char *exceptions_text(struct error *err, const json_t *exceptions)
{
    size_t i;
    json_t *e;
    int64_t day;
    json_array_foreach(exceptions, i, e) if (!schedule_date_days(json_string_value(e), &day))
    {
        error_set(err, ERR_FIELD_VALUE, "exceptions[%zu]", i);
        return NULL;
    }
    char *text = exceptions ? json_dumps(exceptions, JSON_COMPACT) : strdup("[]");
    if (!text)
        error_set(err, ERR_NOMEM, "exceptions");
    return text;
}

/* The plan's range and its first expansion: [first, until], within the limits. */
static bool plan_range(struct error *err, const json_t *body, int64_t *first, int64_t *until)
{
    int64_t last = 0;
    json_t *window = json_object_get(body, "window_days");
    int64_t window_days = window ? json_integer_value(window) : SCHEDULE_WINDOW_DAYS;
    const char *end_date = jsonv_str(body, "end_date");
    if (!plausible_day(err, "first_date", jsonv_str(body, "first_date"), first))
        return false;
    if (end_date && !schedule_date_days(end_date, &last))
        return error_set(err, ERR_FIELD_VALUE, "end_date");
    if (end_date && last < *first)
        return error_set(err, ERR_HOMECARE_SCHEDULE_ENDS_BEFORE_START, "end_date");
    if (window_days < 1 || window_days > SCHEDULE_EXPAND_MAX_DAYS)
        return error_set(err, ERR_HOMECARE_SCHEDULE_EXPANSION_LIMIT, "window_days");
    int64_t from = *first > schedule_today() ? *first : schedule_today();
    *until = from + window_days - 1;
    if (end_date && last < *until)
        *until = last;
    if (*until - *first + 1 > SCHEDULE_EXPAND_MAX_DAYS)
        return error_set(err, ERR_HOMECARE_SCHEDULE_EXPANSION_LIMIT, "window_days");
    return true;
}

/* The number of occurrences of the pattern in [first, until] (before exceptions). */
static int64_t occurrences(int bits, int64_t first, int64_t until)
{
    int64_t n = 0;
    for (int64_t d = first; d <= until; d++)
        n += (bits >> schedule_weekday(d)) & 1;
    return n;
}

static bool plan_check(struct error *err, const json_t *body, int *bits, int *start, int *end,
                       int64_t *first, int64_t *until)
{
    static const struct jfield fields[] = {
        {"kind", JV_STRING, true, 24, NULL},
        {"weekdays", JV_STRING_ARRAY, true, 7, weekday_codes},
        {"start", JV_STRING, true, 5, NULL},
        {"end", JV_STRING, true, 5, NULL},
        {"first_date", JV_DATE, true, 0, NULL},
        {"end_date", JV_DATE, false, 0, NULL},
        {"exceptions", JV_STRING_ARRAY, false, EXCEPTIONS_MAX, NULL},
        {"gap_days", JV_INT, false, 0, NULL},
        {"window_days", JV_INT, false, 0, NULL},
        {"staff_user_id", JV_UUID, false, 0, NULL},
        {"note", JV_STRING, false, NOTE_MAX, NULL},
        {NULL, 0, false, 0, NULL},
    };
    if (!body)
        return error_set(err, ERR_FIELD_MISSING, "kind");
    if (!jsonv_check(err, body, fields) || !times(err, body, start, end))
        return false;
    *bits = weekday_bits(json_object_get(body, "weekdays"));
    if (!*bits)
        return error_set(err, ERR_FIELD_VALUE, "weekdays");
    json_t *gap = json_object_get(body, "gap_days");
    if (gap && (json_integer_value(gap) < 1 || json_integer_value(gap) > GAP_DAYS_MAX))
        return error_set(err, ERR_FIELD_VALUE, "gap_days");
    if (!plan_range(err, body, first, until))
        return false;
    if (occurrences(*bits, *first, *until) > SCHEDULE_EXPAND_MAX_VISITS)
        return error_set(err, ERR_HOMECARE_SCHEDULE_EXPANSION_LIMIT, "weekdays");
    return true;
}

static bool insert_plan(struct error *err, struct op *op, const char *patient_id,
                        const json_t *body, const char *id, int bits, int start, int end,
                        int64_t first, const char *exceptions)
{
    char first_date[11];
    schedule_days_date(first, first_date);
    json_t *gap = json_object_get(body, "gap_days");
    const char *user = op->principal.user_id;
    /* expanded_until starts the day before first_date: schedule_plan_expand moves it */
    char before[11];
    schedule_days_date(first - 1, before);
    if (!store_exec(err, op->conn, NULL,
                    "INSERT INTO homecare_plans (id, patient_id, org_id, kind, staff_user_id, "
                    "weekdays, start_minute, duration_minutes, first_date, end_date, exceptions, "
                    "note, expanded_until, created_by, created_at, updated_by, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    "tttttiiittttttiti", id, patient_id, op->principal.org_id,
                    jsonv_str(body, "kind"), jsonv_str(body, "staff_user_id"), (int64_t)bits,
                    (int64_t)start, (int64_t)(end - start), first_date, jsonv_str(body, "end_date"),
                    exceptions, note_of(op, body), before, user, op->now_ms, user, op->now_ms))
        return false;
    return !gap ||
           store_exec(err, op->conn, NULL, "UPDATE homecare_plans SET gap_days = ? WHERE id = ?",
                      "it", (int64_t)json_integer_value(gap), id);
}

/* The plan as the API shows it (a new object). */
json_t *schedule_plan_json(struct error *err, struct store_conn *conn, const char *id)
{
    struct store_stmt *s = store_query(
        err, conn,
        "SELECT id, kind, org_id, staff_user_id, weekdays, start_minute, duration_minutes, "
        "first_date, end_date, exceptions, gap_days, note, expanded_until FROM homecare_plans "
        "WHERE id = ?",
        "t", id);
    if (!s)
        return NULL;
    json_t *j = NULL;
    enum store_step_result r = store_step(err, s);
    if (r == STORE_ROW) {
        json_t *days = json_array();
        for (int w = 0; weekday_codes[w]; w++)
            if ((store_int(s, 4) >> w) & 1)
                json_array_append_new(days, json_string(weekday_codes[w]));
        int start = (int)store_int(s, 5), end = start + (int)store_int(s, 6);
        char hhmm[2][24];
        snprintf(hhmm[0], sizeof hhmm[0], "%02d:%02d", start / 60, start % 60);
        snprintf(hhmm[1], sizeof hhmm[1], "%02d:%02d", end / 60 % 24, end % 60);
        j = json_pack(
            "{s:s, s:s, s:s, s:s?, s:o, s:s, s:s, s:s, s:s?, s:o, s:I, s:s, s:s}", "id",
            store_text(s, 0), "kind", store_text(s, 1), "org_id", store_text(s, 2), "staff_user_id",
            store_is_null(s, 3) ? NULL : store_text(s, 3), "weekdays", days, "start", hhmm[0],
            "end", hhmm[1], "first_date", store_text(s, 7), "end_date",
            store_is_null(s, 8) ? NULL : store_text(s, 8), "exceptions",
            json_loads(store_text(s, 9), 0, NULL), "gap_days",
            (json_int_t)(store_is_null(s, 10) ? SCHEDULE_GAP_DAYS_DEFAULT : store_int(s, 10)),
            "note", store_text(s, 11), "expanded_until", store_text(s, 12));
        if (!j)
            error_set(err, ERR_NOMEM, "plan");
    } else if (r == STORE_DONE) {
        error_set(err, ERR_HOMECARE_SCHEDULE_NOT_FOUND, NULL);
    }
    store_done(s);
    return j;
}

bool homecare_plan_create(struct error *err, struct op *op, const char *patient_id,
                          const json_t *body, char id[UUID_STR_LEN])
{
    int bits, start, end;
    int64_t first, until;
    if (!op->principal.org_id[0])
        return error_set(err, ERR_NO_ORG, NULL);
    if (!plan_check(err, body, &bits, &start, &end, &first, &until))
        return false;
    char *exceptions = exceptions_text(err, json_object_get(body, "exceptions"));
    if (!exceptions)
        return false;
    arena_cleanup_add(op->arena, free, exceptions);
    if (!op_write_begin(err, op) ||
        !schedule_kind_check(err, op, jsonv_str(body, "kind"), jsonv_str(body, "staff_user_id")))
        return false;
    ids_uuid_new(id);
    return insert_plan(err, op, patient_id, body, id, bits, start, end, first, exceptions) &&
           schedule_plan_expand(err, op, id, first, until) &&
           schedule_change_done(err, op, patient_id, NULL, id, "plan_created", NULL, NULL, false);
}

bool homecare_plans_create(struct error *err, struct request *req)
{
    char id[UUID_STR_LEN];
    if (!homecare_plan_create(err, &req->op, req->patient_id, req->json, id))
        return false;
    req->object_type = "homecare_plan";
    req->object_id = arena_strdup(req->op.arena, id);
    json_t *plan = schedule_plan_json(err, req->op.conn, id);
    if (!plan)
        return false;
    json_t *visits = json_array();
    json_object_set_new(plan, "visits", visits);
    struct store_stmt *s =
        store_query(err, req->op.conn,
                    "SELECT id FROM homecare_visits WHERE plan_id = ? ORDER BY starts_at", "t", id);
    enum store_step_result r = s ? store_step(err, s) : STORE_FAIL;
    for (; r == STORE_ROW; r = store_step(err, s))
        json_array_append_new(visits, schedule_visit_json(err, req->op.conn, store_text(s, 0)));
    if (s)
        store_done(s);
    if (r == STORE_FAIL) {
        json_decref(plan);
        return false;
    }
    response_json(req, 201, plan);
    return true;
}
