/* SPDX-License-Identifier: Apache-2.0 */
/* The shared visit schedule (issue 16): one-off visits and recurring plans of the organisations
 * on a patient's team, what every route of the schedule shares (the checks of a kind of visit
 * and its staff, the visit as JSON), and a plan's expansion into visits. */
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/jsonv.h"
#include "core/text.h"
#include "homecare_int.h"

/* The text of column 0 of the first row of sql with one text argument, into out ("" if none). */
static bool first_text(struct error *err, struct store_conn *conn, const char *sql, const char *a,
                       const char *b, char *out, size_t cap, bool *found)
{
    struct store_stmt *s =
        b ? store_query(err, conn, sql, "tt", a, b) : store_query(err, conn, sql, "t", a);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    *found = r == STORE_ROW;
    text_copy(out, cap, r == STORE_ROW ? store_text(s, 0) : "");
    store_done(s);
    return r != STORE_FAIL;
}

bool schedule_kind_check(struct error *err, struct op *op, const char *kind,
                         const char *staff_user_id)
{
    const struct homecare_kind *k = homecare_kind_find(kind);
    if (!k)
        return error_set(err, ERR_HOMECARE_KIND_UNKNOWN, "kind");
    char type[64], profession[32];
    bool found;
    if (!first_text(err, op->conn, "SELECT type FROM orgs WHERE id = ?", op->principal.org_id, NULL,
                    type, sizeof type, &found))
        return false;
    if (!text_word_listed(k->org_types, type))
        return error_set(err, ERR_HOMECARE_SCHEDULE_KIND_ORG, "%s (%s)", kind, type);
    if (!staff_user_id)
        return true;
    if (!first_text(err, op->conn,
                    "SELECT u.profession FROM users u JOIN memberships m ON m.user_id = u.id "
                    "WHERE u.id = ? AND m.org_id = ? AND u.disabled = 0",
                    staff_user_id, op->principal.org_id, profession, sizeof profession, &found))
        return false;
    if (!found)
        return error_set(err, ERR_HOMECARE_SCHEDULE_STAFF_UNKNOWN, "staff_user_id");
    if (!homecare_kind_profession(k, profession))
        return error_set(err, ERR_HOMECARE_SCHEDULE_KIND_STAFF, "%s (%s)", kind, profession);
    return true;
}

static const char sql_visit[] =
    "SELECT v.id, v.patient_id, v.org_id, v.kind, COALESCE(v.staff_user_id, ''), "
    "COALESCE(v.plan_id, ''), v.status, v.local_date, v.starts_at, v.ends_at FROM "
    "homecare_visits v WHERE v.id = ? AND v.patient_id = ?";

bool schedule_visit_load(struct error *err, struct store_conn *conn, const char *patient_id,
                         const char *id, struct schedule_visit *v)
{
    struct store_stmt *s = store_query(err, conn, sql_visit, "tt", id, patient_id);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    if (r == STORE_ROW) {
        text_copy(v->id, sizeof v->id, store_text(s, 0));
        text_copy(v->patient_id, sizeof v->patient_id, store_text(s, 1));
        text_copy(v->org_id, sizeof v->org_id, store_text(s, 2));
        text_copy(v->kind, sizeof v->kind, store_text(s, 3));
        text_copy(v->staff, sizeof v->staff, store_text(s, 4));
        text_copy(v->plan_id, sizeof v->plan_id, store_text(s, 5));
        text_copy(v->status, sizeof v->status, store_text(s, 6));
        text_copy(v->local_date, sizeof v->local_date, store_text(s, 7));
        v->starts_at = store_int(s, 8);
        v->ends_at = store_int(s, 9);
    }
    store_done(s);
    if (r != STORE_ROW)
        return r == STORE_FAIL ? false : error_set(err, ERR_HOMECARE_SCHEDULE_NOT_FOUND, NULL);
    return true;
}

json_t *schedule_visit_json(struct error *err, struct store_conn *conn, const char *id)
{
    struct store_stmt *s = store_query(
        err, conn,
        "SELECT v.id, v.plan_id, v.kind, v.org_id, o.name, v.staff_user_id, u.name, "
        "v.local_date, v.starts_at, v.ends_at, v.status, v.note, v.cancel_reason, v.updated_at "
        "FROM homecare_visits v JOIN orgs o ON o.id = v.org_id "
        "LEFT JOIN users u ON u.id = v.staff_user_id WHERE v.id = ?",
        "t", id);
    if (!s)
        return NULL;
    json_t *j = NULL;
    enum store_step_result r = store_step(err, s);
    if (r == STORE_ROW) {
        char start[6], end[6], starts[32], ends[32];
        schedule_hhmm_format(store_int(s, 8), start);
        schedule_hhmm_format(store_int(s, 9), end);
        clock_format_iso(store_int(s, 8), starts);
        clock_format_iso(store_int(s, 9), ends);
        const struct homecare_kind *k = homecare_kind_find(store_text(s, 2));
        j = json_pack(
            "{s:s, s:s?, s:{s:s, s:s?, s:s?, s:b}, s:{s:s, s:s}, s:o, s:s, s:s, s:s, "
            "s:s, s:s, s:s, s:s, s:s?, s:[]}",
            "id", store_text(s, 0), "plan_id", store_is_null(s, 1) ? NULL : store_text(s, 1),
            "kind", "code", store_text(s, 2), "ja", k ? k->ja : NULL, "en", k ? k->en : NULL,
            "nursing", k && k->nursing, "org", "id", store_text(s, 3), "name", store_text(s, 4),
            "staff",
            store_is_null(s, 5)
                ? json_null()
                : json_pack("{s:s, s:s}", "id", store_text(s, 5), "name", store_text(s, 6)),
            "date", store_text(s, 7), "start", start, "end", end, "starts_at", starts, "ends_at",
            ends, "status", store_text(s, 10), "note", store_text(s, 11), "cancel_reason",
            store_is_null(s, 12) ? NULL : store_text(s, 12), "flags");
        if (!j)
            error_set(err, ERR_NOMEM, "visit");
    } else if (r == STORE_DONE) {
        error_set(err, ERR_HOMECARE_SCHEDULE_NOT_FOUND, NULL);
    }
    store_done(s);
    return j;
}

/* ---- the plan's expansion ------------------------------------------------------------------ */

struct plan_pattern {
    char patient_id[UUID_STR_LEN], org_id[UUID_STR_LEN], kind[24], staff[UUID_STR_LEN];
    char updated_by[UUID_STR_LEN];
    int weekdays, start_minute, duration;
    json_t *exceptions; /* owned */
};

static bool plan_pattern_load(struct error *err, struct store_conn *conn, const char *plan_id,
                              struct plan_pattern *p)
{
    struct store_stmt *s =
        store_query(err, conn,
                    "SELECT patient_id, org_id, kind, COALESCE(staff_user_id, ''), weekdays, "
                    "start_minute, duration_minutes, exceptions, updated_by FROM homecare_plans "
                    "WHERE id = ?",
                    "t", plan_id);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    if (r == STORE_ROW) {
        text_copy(p->patient_id, sizeof p->patient_id, store_text(s, 0));
        text_copy(p->org_id, sizeof p->org_id, store_text(s, 1));
        text_copy(p->kind, sizeof p->kind, store_text(s, 2));
        text_copy(p->staff, sizeof p->staff, store_text(s, 3));
        p->weekdays = (int)store_int(s, 4);
        p->start_minute = (int)store_int(s, 5);
        p->duration = (int)store_int(s, 6);
        p->exceptions = json_loads(store_text(s, 7), 0, NULL);
        text_copy(p->updated_by, sizeof p->updated_by, store_text(s, 8));
    }
    store_done(s);
    if (r != STORE_ROW)
        return r == STORE_FAIL ? false : error_set(err, ERR_HOMECARE_SCHEDULE_NOT_FOUND, NULL);
    return true;
}

static bool skipped(const json_t *exceptions, const char *date)
{
    size_t i;
    json_t *e;
    json_array_foreach(exceptions, i, e) if (json_is_string(e) &&
                                             strcmp(json_string_value(e), date) == 0) return true;
    return false;
}

static bool insert_occurrence(struct error *err, struct op *op, const char *plan_id,
                              const struct plan_pattern *p, int64_t day)
{
    char id[UUID_STR_LEN], date[11];
    ids_uuid_new(id);
    schedule_days_date(day, date);
    int64_t starts = schedule_local_ms(day, p->start_minute);
    int64_t ends = starts + (int64_t)p->duration * 60000;
    /* made by whoever wrote to the schedule; by the sweep (nobody), in the name of the plan's
     * last author */
    const char *user = op->principal.user_id[0] ? op->principal.user_id : p->updated_by;
    return store_exec(err, op->conn, NULL,
                      "INSERT INTO homecare_visits (id, patient_id, org_id, kind, staff_user_id, "
                      "plan_id, plan_date, local_date, starts_at, ends_at, status, created_by, "
                      "created_at, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                      "'planned', ?, ?, ?, ?)",
                      "ttttttttiititi", id, p->patient_id, p->org_id, p->kind,
                      p->staff[0] ? p->staff : NULL, plan_id, date, date, starts, ends, user,
                      op->now_ms, user, op->now_ms);
}

bool schedule_plan_expand(struct error *err, struct op *op, const char *plan_id, int64_t from,
                          int64_t until)
{
    struct plan_pattern p = {0};
    if (!plan_pattern_load(err, op->conn, plan_id, &p))
        return false;
    bool ok = true;
    for (int64_t day = from; ok && day <= until; day++) {
        char date[11];
        schedule_days_date(day, date);
        if ((p.weekdays >> schedule_weekday(day)) & 1 && !skipped(p.exceptions, date))
            ok = insert_occurrence(err, op, plan_id, &p, day);
    }
    json_decref(p.exceptions);
    char last[11];
    schedule_days_date(until, last);
    return ok &&
           store_exec(err, op->conn, NULL,
                      "UPDATE homecare_plans SET expanded_until = ? WHERE id = ? AND "
                      "expanded_until < ?",
                      "ttt", last, plan_id, last) &&
           schedule_sync_plan_visits(err, op, plan_id);
}

/* ---- the rolling window ---------------------------------------------------------------------- */

enum { ROLL_PLANS_MAX = 32 };

bool schedule_roll_forward(struct error *err, struct op *op, const char *patient_id)
{
    char horizon[11];
    int64_t today = schedule_today(), last = today + SCHEDULE_WINDOW_DAYS - 1;
    schedule_days_date(last, horizon);
    struct store_stmt *s =
        store_query(err, op->conn,
                    "SELECT id, COALESCE(end_date, ''), expanded_until FROM homecare_plans WHERE "
                    "patient_id = ? AND expanded_until < ? AND (end_date IS NULL OR end_date > "
                    "expanded_until) ORDER BY id LIMIT 32",
                    "tt", patient_id, horizon);
    if (!s)
        return false;
    struct {
        char id[UUID_STR_LEN];
        int64_t from, until;
    } plans[ROLL_PLANS_MAX];
    int n = 0;
    enum store_step_result r;
    while ((r = store_step(err, s)) == STORE_ROW && n < ROLL_PLANS_MAX) {
        int64_t end = last, expanded;
        if (store_text(s, 1)[0] && schedule_date_days(store_text(s, 1), &end) && end > last)
            end = last;
        if (!schedule_date_days(store_text(s, 2), &expanded))
            continue;
        snprintf(plans[n].id, sizeof plans[n].id, "%s", store_text(s, 0));
        /* a window that lapsed restarts today: days gone by are not filled in */
        plans[n].from = expanded + 1 > today ? expanded + 1 : today;
        plans[n].until = end;
        n++;
    }
    store_done(s);
    bool ok = r != STORE_FAIL;
    for (int i = 0; ok && i < n; i++)
        ok = plans[i].from > plans[i].until ||
             schedule_plan_expand(err, op, plans[i].id, plans[i].from, plans[i].until);
    return ok;
}

/* ---- the window moves by itself -------------------------------------------------------------- */

enum { SWEEP_PATIENTS_MAX = 16 };

/* The Tokyo day on which every window was found moved (-1: not yet); the sweeper thread alone
 * reads and writes it. */
static int64_t swept_day = -1;

/* Up to SWEEP_PATIENTS_MAX patients with a plan whose window lags behind the horizon and that
 * still has days to come; *n gets how many. */
static bool lagging_patients(struct error *err, struct op *op, int64_t today,
                             char ids[][UUID_STR_LEN], int *n)
{
    char horizon[11], first[11];
    schedule_days_date(today + SCHEDULE_WINDOW_DAYS - 1, horizon);
    schedule_days_date(today, first);
    struct store_stmt *s =
        store_query(err, op->conn,
                    "SELECT DISTINCT patient_id FROM homecare_plans WHERE expanded_until < ? AND "
                    "(end_date IS NULL OR (end_date > expanded_until AND end_date >= ?)) "
                    "ORDER BY patient_id LIMIT 16",
                    "tt", horizon, first);
    if (!s)
        return false;
    enum store_step_result r = STORE_DONE;
    *n = 0;
    while (*n < SWEEP_PATIENTS_MAX && (r = store_step(err, s)) == STORE_ROW)
        snprintf(ids[(*n)++], UUID_STR_LEN, "%s", store_text(s, 0));
    store_done(s);
    return *n == SWEEP_PATIENTS_MAX || r == STORE_DONE;
}

bool schedule_sweep(struct error *err, struct op *op)
{
    int64_t today = schedule_today();
    if (today == swept_day)
        return true;
    char ids[SWEEP_PATIENTS_MAX][UUID_STR_LEN], horizon[11];
    int n = 0;
    if (!lagging_patients(err, op, today, ids, &n))
        return false;
    if (n == 0) {
        swept_day = today;
        return true;
    }
    schedule_days_date(today + SCHEDULE_WINDOW_DAYS - 1, horizon);
    const char *detail = arena_printf(op->arena, "rolling window to %s", horizon);
    bool ok = detail && op_write_begin(err, op);
    for (int i = 0; ok && i < n; i++)
        ok = schedule_roll_forward(err, op, ids[i]) &&
             op_audit(err, op, "homecare_schedule_rolled", 'C', ids[i], "homecare_plan", NULL,
                      detail);
    return ok;
}
