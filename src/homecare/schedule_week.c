/* SPDX-License-Identifier: Apache-2.0 */
/* The patient's week across all organisations, and the flags the whole team sees: two visits
 * overlapping, a gap without a nursing visit where a nursing plan expects one, and a visit while
 * the patient is in hospital (an Encounter of class IMP in the record). */
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "fhir/rest.h"
#include "homecare_int.h"

enum { WEEK_VISITS_MAX = 500, ADMISSIONS_MAX = 64, GAP_LOOK_DAYS = 61 };

/* ---- in hospital ------------------------------------------------------------------------------
 */

struct admission {
    char ref[80];
    int64_t start, end; /* end INT64_MAX while open */
};

struct admissions {
    struct admission a[ADMISSIONS_MAX];
    int n;
};

/* A FHIR date or dateTime as an instant: a date alone is its Asia/Tokyo day (its start, or the
 * start of the next day for an end). */
static bool period_ms(const char *s, bool end, int64_t *ms)
{
    int64_t day;
    if (strlen(s) == 10 && schedule_date_days(s, &day)) {
        *ms = schedule_local_ms(day + (end ? 1 : 0), 0);
        return true;
    }
    return clock_parse_iso(s, ms);
}

static bool add_admission(struct error *err, struct request *req, json_t *res, void *arg)
{
    (void)err, (void)req;
    struct admissions *list = arg;
    const char *status = fhir_json_str(res, "status");
    const json_t *period = json_object_get(res, "period");
    struct admission *a = &list->a[list->n];
    if (list->n >= ADMISSIONS_MAX || strcmp(status, "cancelled") == 0 ||
        strcmp(status, "entered-in-error") == 0 ||
        !period_ms(fhir_json_str(period, "start"), false, &a->start))
        return true;
    const char *end = fhir_json_str(period, "end");
    if (!end[0])
        a->end = INT64_MAX;
    else if (!period_ms(end, true, &a->end))
        return true;
    snprintf(a->ref, sizeof a->ref, "Encounter/%s", fhir_json_str(res, "id"));
    list->n++;
    return true;
}

/* ---- the visits of the week ------------------------------------------------------------------ */

struct week_visit {
    json_t *json; /* borrowed from the visits array */
    const char *id;
    bool planned;
    int64_t starts, ends;
};

static void flag(json_t *visit, json_t *flags, json_t *f)
{
    json_array_append(json_object_get(visit, "flags"), f);
    json_t *all = json_deep_copy(f);
    json_object_set_new(all, "visit_id", json_deep_copy(json_object_get(visit, "id")));
    json_array_append_new(flags, all);
    json_decref(f);
}

static void overlap_flags(struct week_visit *w, int n, json_t *flags)
{
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            if (w[i].planned && w[j].planned && w[i].starts < w[j].ends &&
                w[j].starts < w[i].ends) {
                flag(w[i].json, flags, json_pack("{s:s, s:s}", "type", "overlap", "with", w[j].id));
                flag(w[j].json, flags, json_pack("{s:s, s:s}", "type", "overlap", "with", w[i].id));
            }
}

static void hospital_flags(struct week_visit *w, int n, const struct admissions *adm, json_t *flags)
{
    for (int i = 0; i < n; i++)
        for (int k = 0; w[i].planned && k < adm->n; k++)
            if (adm->a[k].start < w[i].ends && w[i].starts < adm->a[k].end) {
                flag(w[i].json, flags,
                     json_pack("{s:s, s:s}", "type", "in_hospital", "encounter", adm->a[k].ref));
                break;
            }
}

static json_t *week_visits(struct error *err, struct request *req, const char *monday,
                           const char *sunday)
{
    json_t *visits = json_array();
    struct store_stmt *s = store_query(err, req->op.conn,
                                       "SELECT id FROM homecare_visits WHERE patient_id = ? AND "
                                       "local_date BETWEEN ? AND ? ORDER BY starts_at, id",
                                       "ttt", req->patient_id, monday, sunday);
    if (!s || !visits) {
        json_decref(visits);
        return NULL;
    }
    enum store_step_result r;
    while ((r = store_step(err, s)) == STORE_ROW && json_array_size(visits) < WEEK_VISITS_MAX) {
        json_t *v = schedule_visit_json(err, req->op.conn, store_text(s, 0));
        if (!v) {
            r = STORE_FAIL;
            break;
        }
        json_array_append_new(visits, v);
    }
    store_done(s);
    if (r == STORE_FAIL) {
        json_decref(visits);
        return NULL;
    }
    return visits;
}

/* ---- gaps ------------------------------------------------------------------------------------ */

/* The nursing plans that may matter to the week, each: id, first day, last day (end date or
 * expanded_until, whichever is earlier), N. */
struct nursing_plan {
    char id[UUID_STR_LEN];
    int64_t first, last;
    int gap;
};

static bool gap_flags_of(struct error *err, struct request *req, const struct nursing_plan *p,
                         int64_t monday, json_t *flags)
{
    int64_t from = p->first > monday - GAP_LOOK_DAYS ? p->first : monday - GAP_LOOK_DAYS;
    int64_t to = p->last < monday + 6 + GAP_LOOK_DAYS ? p->last : monday + 6 + GAP_LOOK_DAYS;
    if (from > to)
        return true;
    bool visited[7 + 2 * GAP_LOOK_DAYS + 1] = {false};
    char a[11], b[11];
    schedule_days_date(from, a);
    schedule_days_date(to, b);
    struct store_stmt *s = store_query(err, req->op.conn,
                                       "SELECT local_date, kind FROM homecare_visits WHERE "
                                       "patient_id = ? AND status = 'planned' AND local_date "
                                       "BETWEEN ? AND ?",
                                       "ttt", req->patient_id, a, b);
    if (!s)
        return false;
    enum store_step_result r;
    int64_t day;
    while ((r = store_step(err, s)) == STORE_ROW) {
        const struct homecare_kind *k = homecare_kind_find(store_text(s, 1));
        if (k && k->nursing && schedule_date_days(store_text(s, 0), &day))
            visited[day - from] = true;
    }
    store_done(s);
    if (r == STORE_FAIL)
        return false;
    for (int64_t d = from; d <= to;) {
        int64_t run = d;
        while (run <= to && !visited[run - from])
            run++;
        /* [d, run) has no nursing visit */
        if (run - d > p->gap && run - 1 >= monday && d <= monday + 6) {
            schedule_days_date(d, a);
            schedule_days_date(run - 1, b);
            json_array_append_new(flags, json_pack("{s:s, s:s, s:s, s:s, s:I, s:i}", "type", "gap",
                                                   "plan_id", p->id, "from", a, "to", b, "days",
                                                   (json_int_t)(run - d), "gap_days", p->gap));
        }
        d = run + 1;
    }
    return true;
}

static bool gap_flags(struct error *err, struct request *req, int64_t monday, json_t *flags)
{
    char sunday[11];
    schedule_days_date(monday + 6, sunday);
    struct store_stmt *s = store_query(
        err, req->op.conn,
        "SELECT id, kind, first_date, end_date, expanded_until, gap_days FROM homecare_plans "
        "WHERE patient_id = ? AND first_date <= ? ORDER BY first_date, id",
        "tt", req->patient_id, sunday);
    if (!s)
        return false;
    struct nursing_plan plans[16];
    int n = 0;
    enum store_step_result r;
    while ((r = store_step(err, s)) == STORE_ROW && n < 16) {
        const struct homecare_kind *k = homecare_kind_find(store_text(s, 1));
        struct nursing_plan *p = &plans[n];
        int64_t end;
        if (!k || !k->nursing || !schedule_date_days(store_text(s, 2), &p->first) ||
            !schedule_date_days(store_text(s, 4), &p->last))
            continue;
        if (!store_is_null(s, 3) && schedule_date_days(store_text(s, 3), &end) && end < p->last)
            p->last = end;
        if (p->last < monday - GAP_LOOK_DAYS)
            continue;
        snprintf(p->id, sizeof p->id, "%s", store_text(s, 0));
        p->gap = store_is_null(s, 5) ? SCHEDULE_GAP_DAYS_DEFAULT : (int)store_int(s, 5);
        n++;
    }
    store_done(s);
    bool ok = r != STORE_FAIL;
    for (int i = 0; ok && i < n; i++)
        ok = gap_flags_of(err, req, &plans[i], monday, flags);
    return ok;
}

/* ---- the route ------------------------------------------------------------------------------- */

static bool week_of(struct error *err, struct request *req, int64_t *monday)
{
    if (!request_query_check(err, req, (const char *const[]){"week", NULL}))
        return false;
    const char *week = request_query(req, "week");
    int64_t day = schedule_today();
    if (week && !schedule_date_days(week, &day))
        return error_set(err, ERR_FIELD_VALUE, "week");
    int64_t today = schedule_today();
    if (day < today - 5 * 366 || day > today + 5 * 366)
        return error_set(err, ERR_HOMECARE_SCHEDULE_TIME, "week");
    *monday = day - schedule_weekday(day);
    return true;
}

bool homecare_schedule_week(struct error *err, struct request *req)
{
    int64_t monday;
    if (!week_of(err, req, &monday))
        return false;
    char first[11], last[11];
    schedule_days_date(monday, first);
    schedule_days_date(monday + 6, last);
    json_t *visits = week_visits(err, req, first, last);
    json_t *flags = json_array();
    json_t *body = json_pack("{s:s, s:s, s:o, s:o}", "week_start", first, "week_end", last,
                             "visits", visits, "flags", flags);
    if (!body)
        return visits ? error_set(err, ERR_NOMEM, "week") : false;
    arena_cleanup_add(req->op.arena, (arena_cleanup_fn)json_decref, body);
    int n = (int)json_array_size(visits);
    struct week_visit *w = arena_alloc(req->op.arena, sizeof *w * (size_t)(n ? n : 1));
    struct admissions *adm = arena_alloc(req->op.arena, sizeof *adm);
    if (!w || !adm)
        return error_set(err, ERR_NOMEM, "week");
    for (int i = 0; i < n; i++) {
        json_t *v = json_array_get(visits, (size_t)i);
        w[i].json = v;
        w[i].id = json_string_value(json_object_get(v, "id"));
        w[i].planned = strcmp(json_string_value(json_object_get(v, "status")), "planned") == 0;
        clock_parse_iso(json_string_value(json_object_get(v, "starts_at")), &w[i].starts);
        clock_parse_iso(json_string_value(json_object_get(v, "ends_at")), &w[i].ends);
    }
    adm->n = 0;
    const struct fhir_qparam imp[] = {{"class", "IMP"}, {"_count", "100"}};
    if (!fhir_record_each(err, req, "Encounter", imp, 2, add_admission, adm) ||
        !gap_flags(err, req, monday, flags))
        return false;
    overlap_flags(w, n, flags);
    hospital_flags(w, n, adm, flags);
    response_json(req, 200, json_incref(body));
    return true;
}
