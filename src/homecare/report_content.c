/* SPDX-License-Identifier: Apache-2.0 */
/* The monthly 訪問看護報告書: who writes it (a nurse of the visiting nursing station on the care
 * team), to whom (an organisation of physicians on the team), the month, the content checked
 * field by field, and the draft prefilled from the month's visit records of the station: the
 * visits made (dates and kinds), the observations (病状の経過), the care given (看護の内容), the
 * instructions (家庭での介護の状況), the hand-overs (特記すべき事項) and a summary of the vitals.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access/access.h"
#include "core/clock.h"
#include "core/jsonv.h"
#include "core/strbuf.h"
#include "core/text.h"
#include "homecare_int.h"

enum {
    TEXT_MAX = 4000,  /* code points of a text field */
    VISITS_MAX = 62,  /* visits listed in one month (two a day) */
    RECORDS_MAX = 200 /* records of a month read for the prefill */
};

/* The organisation types whose physicians a report is addressed to. */
#define PHYSICIAN_ORG_TYPES                                                                        \
    "('home_care_clinic', 'clinic', 'acute_hospital', 'recovery_hospital', 'chronic_hospital')"

/* ---- the month -------------------------------------------------------------------------- */

bool report_month_range(const char *month, int64_t *from, int64_t *until)
{
    int y, m;
    if (!month || strlen(month) != 7 || !clock_digits(month, 4, &y) || month[4] != '-' ||
        !clock_digits(month + 5, 2, &m) || y < 2000 || y > 2999 || m < 1 || m > 12)
        return false;
    *from = schedule_local_ms(clock_days_from_civil(y, m, 1), 0);
    *until =
        schedule_local_ms(clock_days_from_civil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1), 0);
    return true;
}

bool report_month_check(struct error *err, const char *field, const char *month, bool query)
{
    int64_t from, until;
    if (!report_month_range(month, &from, &until))
        return error_set(err, query ? ERR_BAD_QUERY : ERR_FIELD_VALUE, "%s: expected YYYY-MM",
                         field);
    if (schedule_ms_days(from) > schedule_today())
        return error_set(err, ERR_HOMECARE_REPORT_MONTH, "%s: %s", field, month);
    return true;
}

/* ---- who writes, to whom ------------------------------------------------------------------ */

bool report_may_write(struct error *err, struct op *op, const char *patient_id)
{
    struct store_stmt *s =
        store_query(err, op->conn, "SELECT type FROM orgs WHERE id = ?", "t", op->principal.org_id);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    bool station = r == STORE_ROW && strcmp(store_text(s, 0), "visiting_nursing") == 0;
    store_done(s);
    bool on_team = false;
    if (r == STORE_FAIL || (station && !timeline_org_on_team(err, op->conn, op->principal.org_id,
                                                             patient_id, &on_team)))
        return false;
    if (!station || !on_team)
        return error_set(err, ERR_HOMECARE_REPORT_NOT_STATION, NULL);
    if (strcmp(op->principal.profession, "nurse") != 0)
        return error_set(err, ERR_HOMECARE_REPORT_PROFESSION, "%s", op->principal.profession);
    return true;
}

/* The organisations of physicians on the patient's team with consent: [{id, name, type}], the
 * home-care clinics first. */
static json_t *addressees(struct error *err, struct op *op, const char *patient_id)
{
    struct store_stmt *s = store_query(
        err, op->conn,
        "SELECT o.id, o.name, o.type FROM orgs o WHERE o.type IN " PHYSICIAN_ORG_TYPES
        " AND o.id IN (SELECT c.org_id FROM care_team c WHERE c.patient_id = ? AND "
        "c.removed_at IS NULL) ORDER BY CASE o.type WHEN 'home_care_clinic' THEN 0 ELSE 1 END, "
        "o.name, o.id",
        "t", patient_id);
    if (!s)
        return NULL;
    json_t *out = json_array();
    enum store_step_result r;
    while ((r = store_step(err, s)) == STORE_ROW && json_array_size(out) < HOMECARE_TEAM_MAX)
        json_array_append_new(out, json_pack("{s:s, s:s, s:s}", "id", store_text(s, 0), "name",
                                             store_text(s, 1), "type", store_text(s, 2)));
    store_done(s);
    for (size_t i = 0; r != STORE_FAIL && i < json_array_size(out);) {
        bool on_team;
        const char *id = json_string_value(json_object_get(json_array_get(out, i), "id"));
        if (!timeline_org_on_team(err, op->conn, id, patient_id, &on_team)) {
            r = STORE_FAIL;
            break;
        }
        if (on_team)
            i++;
        else
            json_array_remove(out, i);
    }
    if (r == STORE_FAIL) {
        json_decref(out);
        return NULL;
    }
    return out;
}

bool report_addressee_check(struct error *err, struct op *op, const char *patient_id,
                            const char *to_org_id)
{
    json_t *list = addressees(err, op, patient_id);
    if (!list)
        return false;
    bool found = false;
    for (size_t i = 0; i < json_array_size(list) && !found; i++)
        found = strcmp(json_string_value(json_object_get(json_array_get(list, i), "id")),
                       to_org_id) == 0;
    json_decref(list);
    return found || error_set(err, ERR_HOMECARE_REPORT_ADDRESSEE, "to_org_id: %s", to_org_id);
}

/* ---- the content -------------------------------------------------------------------------- */

static const char *const text_fields[] = {"condition", "care_given", "home_care", "remarks", NULL};

static const struct jfield content_fields[] = {
    {"visits", JV_OBJECT_ARRAY, false, VISITS_MAX, NULL},
    {"condition", JV_STRING, false, TEXT_MAX, NULL},  /* 病状の経過 */
    {"care_given", JV_STRING, false, TEXT_MAX, NULL}, /* 看護の内容 */
    {"home_care", JV_STRING, false, TEXT_MAX, NULL},  /* 家庭での介護の状況 */
    {"remarks", JV_STRING, false, TEXT_MAX, NULL},    /* 特記すべき事項 */
    {NULL, 0, false, 0, NULL},
};

static const struct jfield visit_fields[] = {
    {"date", JV_DATE, true, 0, NULL},
    {"kind", JV_STRING, true, 40, NULL},
    {NULL, 0, false, 0, NULL},
};

static int by_date(const void *a, const void *b)
{
    const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
    return strcmp(jsonv_str(x, "date"), jsonv_str(y, "date"));
}

/* The visits checked (each in the month and not ahead, of a known kind), sorted by date. */
static json_t *visits_check(struct error *err, const json_t *visits, const char *month)
{
    size_t n = json_array_size(visits);
    json_t **items = calloc(n + 1, sizeof *items);
    if (!items) {
        error_set(err, ERR_NOMEM, NULL);
        return NULL;
    }
    char today[11];
    schedule_days_date(schedule_today(), today);
    bool ok = true;
    for (size_t i = 0; ok && i < n; i++) {
        const json_t *v = json_array_get(visits, i);
        char path[48];
        snprintf(path, sizeof path, "content.visits[%zu]", i);
        if (!jsonv_check_at(err, v, visit_fields, path))
            ok = false;
        else if (strncmp(jsonv_str(v, "date"), month, 7) != 0)
            ok = error_set(err, ERR_FIELD_VALUE, "%s.date: not in %s", path, month);
        else if (strcmp(jsonv_str(v, "date"), today) > 0)
            ok = error_set(err, ERR_FIELD_RANGE, "%s.date: in the future", path);
        else if (!homecare_kind_find(jsonv_str(v, "kind")))
            ok = error_set(err, ERR_FIELD_VALUE, "%s.kind: unknown kind of visit", path);
        else
            items[i] =
                json_pack("{s:s, s:s}", "date", jsonv_str(v, "date"), "kind", jsonv_str(v, "kind"));
    }
    json_t *out = ok ? json_array() : NULL;
    if (ok) {
        qsort(items, n, sizeof *items, by_date);
        for (size_t i = 0; i < n; i++)
            json_array_append(out, items[i]);
    }
    for (size_t i = 0; i < n; i++)
        json_decref(items[i]);
    free(items);
    return out;
}

json_t *report_content_check(struct error *err, const json_t *content, const char *month)
{
    if (!json_is_object(content)) {
        error_set(err, ERR_FIELD_TYPE, "content: expected an object");
        return NULL;
    }
    if (!jsonv_check_at(err, content, content_fields, "content"))
        return NULL;
    json_t *visits = visits_check(err, json_object_get(content, "visits"), month);
    if (!visits)
        return NULL;
    json_t *out = json_pack("{s:o}", "visits", visits);
    for (const char *const *f = text_fields; *f; f++) {
        const char *v = jsonv_str(content, *f);
        json_object_set_new(out, *f, json_string(v ? v : ""));
    }
    return out;
}

/* ---- the vitals summary ------------------------------------------------------------------- */

struct vital_acc {
    int count;
    double min, max, last;
};

static void vitals_add(struct vital_acc *acc, const json_t *vitals)
{
    int i = 0;
    for (const struct homecare_vital *v = homecare_vitals; v->name; v++, i++) {
        const json_t *x = json_object_get(vitals, v->name);
        if (!json_is_number(x))
            continue;
        double d = json_number_value(x);
        if (acc[i].count == 0 || d < acc[i].min)
            acc[i].min = d;
        if (acc[i].count == 0 || d > acc[i].max)
            acc[i].max = d;
        acc[i].last = d;
        acc[i].count++;
    }
}

static json_t *vitals_json(const struct vital_acc *acc)
{
    json_t *out = json_array();
    int i = 0;
    for (const struct homecare_vital *v = homecare_vitals; v->name; v++, i++)
        if (acc[i].count > 0)
            json_array_append_new(out, json_pack("{s:s, s:s, s:s?, s:i, s:f, s:f, s:f}", "vital",
                                                 v->name, "ja", v->ja, "unit", v->unit, "count",
                                                 acc[i].count, "min", acc[i].min, "max", acc[i].max,
                                                 "last", acc[i].last));
    return out;
}

/* The current versions of the station's records of the month, oldest visit first. */
static struct store_stmt *month_records(struct error *err, struct op *op, const char *patient_id,
                                        const char *org_id, const char *month)
{
    int64_t from, until;
    if (!report_month_range(month, &from, &until)) {
        error_set(err, ERR_FIELD_VALUE, "month: expected YYYY-MM");
        return NULL;
    }
    return store_query(
        err, op->conn,
        "SELECT r.record_id, r.kind, r.visit_start, r.content, r.handover FROM homecare_records r "
        "WHERE r.patient_id = ? AND r.org_id = ? AND r.visit_start >= ? AND r.visit_start < ? "
        "AND r.version = (SELECT MAX(x.version) FROM homecare_records x "
        "WHERE x.record_id = r.record_id) ORDER BY r.visit_start, r.record_id LIMIT ?",
        "ttiii", patient_id, org_id, from, until, (int64_t)RECORDS_MAX);
}

json_t *report_vitals(struct error *err, struct op *op, const char *patient_id, const char *org_id,
                      const char *month)
{
    struct vital_acc acc[16] = {{0}};
    struct store_stmt *s = month_records(err, op, patient_id, org_id, month);
    if (!s)
        return NULL;
    enum store_step_result r;
    while ((r = store_step(err, s)) == STORE_ROW) {
        json_t *content = json_loads(store_text(s, 3), 0, NULL);
        vitals_add(acc, json_object_get(content, "vitals"));
        json_decref(content);
    }
    store_done(s);
    return r == STORE_FAIL ? NULL : vitals_json(acc);
}

/* ---- the prefill ------------------------------------------------------------------------ */

/* The texts being gathered, one per field of the report. */
struct gathered {
    struct strbuf text[4]; /* condition, care_given, home_care, remarks */
    size_t chars[4];
};

/* Adds "12/1 text" as a line of field i, while it stays within TEXT_MAX. */
static void gather(struct gathered *g, int i, const char *day, const char *text)
{
    if (!text || !text_visible(text))
        return;
    const char *start;
    size_t len;
    text_trim(text, &start, &len);
    char *line = NULL;
    int n = asprintf(&line, "%s%d/%d %.*s", g->text[i].len ? "\n" : "", atoi(day + 5),
                     atoi(day + 8), (int)len, start);
    if (n < 0)
        return;
    size_t chars = utf8_length(line);
    if (g->chars[i] + chars <= TEXT_MAX) {
        strbuf_puts(&g->text[i], line);
        g->chars[i] += chars;
    }
    free(line);
}

static void gather_record(struct gathered *g, json_t *visits, struct store_stmt *s)
{
    char iso[32], day[11];
    clock_format_iso(store_int(s, 2) + 9LL * 3600 * 1000, iso); /* JST has no DST */
    snprintf(day, sizeof day, "%.10s", iso);
    json_array_append_new(visits, json_pack("{s:s, s:s}", "date", day, "kind", store_text(s, 1)));
    json_t *c = json_loads(store_text(s, 3), 0, NULL);
    gather(g, 0, day, jsonv_str(c, "observation"));
    gather(g, 0, day, jsonv_str(c, "function")); /* a rehabilitation visit's 心身機能 */
    gather(g, 1, day, jsonv_str(c, "care_given"));
    gather(g, 2, day, jsonv_str(c, "instructions"));
    gather(g, 3, day, store_text(s, 4));
    json_decref(c);
}

/* The content and the records it was made from. */
static json_t *prefill_content(struct error *err, struct op *op, const char *patient_id,
                               const char *month, json_t **records)
{
    struct store_stmt *s = month_records(err, op, patient_id, op->principal.org_id, month);
    if (!s)
        return NULL;
    struct gathered g = {0};
    json_t *visits = json_array();
    *records = json_array();
    enum store_step_result r;
    while ((r = store_step(err, s)) == STORE_ROW && json_array_size(visits) < VISITS_MAX) {
        gather_record(&g, visits, s);
        json_array_append_new(*records, json_string(store_text(s, 0)));
    }
    store_done(s);
    json_t *out = r == STORE_FAIL ? NULL : json_pack("{s:O}", "visits", visits);
    for (int i = 0; i < 4; i++) {
        if (out)
            json_object_set_new(out, text_fields[i],
                                json_string(g.text[i].buf ? g.text[i].buf : ""));
        strbuf_release(&g.text[i]);
    }
    json_decref(visits);
    return out;
}

json_t *report_prefill(struct error *err, struct op *op, const char *patient_id, const char *month)
{
    json_t *records = NULL;
    json_t *content = prefill_content(err, op, patient_id, month, &records);
    json_t *vitals =
        content ? report_vitals(err, op, patient_id, op->principal.org_id, month) : NULL;
    json_t *to_orgs = vitals ? addressees(err, op, patient_id) : NULL;
    if (!to_orgs) {
        json_decref(content);
        json_decref(records);
        json_decref(vitals);
        return NULL;
    }
    json_t *first = json_array_get(to_orgs, 0);
    return json_pack("{s:s, s:O?, s:o, s:o, s:o, s:o}", "month", month, "to_org", first, "to_orgs",
                     to_orgs, "content", content, "vitals", vitals, "records", records);
}
