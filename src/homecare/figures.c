/* SPDX-License-Identifier: Apache-2.0 */
/* Visit figures (経営の安定: 訪問件数) of an organisation for one calendar month in Asia/Tokyo:
 * visits made, cancelled and signed by kind, patients under care, new and ended patients by
 * referral source, and next month's planned visits. Counts only, never a patient: the
 * organisation's members and the network admin read them, and each read is audited once.
 * Definitions: docs/api/homecare.md, "Visit figures". */
#include <stdio.h>
#include <string.h>

#include "accounts/accounts.h"
#include "core/clock.h"
#include "core/ids.h"
#include "core/strbuf.h"
#include "homecare_int.h"

enum { FIG_KINDS_MAX = 16, FIG_SOURCES_MAX = 64 };

struct fig_source {
    char id[40]; /* empty: unknown */
    char name[256];
    int64_t count;
};

struct fig_sources {
    struct fig_source items[FIG_SOURCES_MAX];
    int count;
    int64_t total;
};

struct fig_report {
    char month[8], next_month[8];
    int64_t start, end, next_end, now; /* UTC ms: [start, end) the month, [end, next_end) next */
    int64_t made[FIG_KINDS_MAX], cancelled[FIG_KINDS_MAX], signed_records[FIG_KINDS_MAX],
        planned_next[FIG_KINDS_MAX];
    int64_t under_care;
    struct fig_sources new_patients, ended_patients;
};

/* ---- the month -------------------------------------------------------------------------- */

static int64_t month_start(int year, int month)
{
    return schedule_local_ms(clock_days_from_civil(year, month, 1), 0);
}

static bool month_parse(const char *s, int *year, int *month)
{
    if (!s || strlen(s) != 7 || s[4] != '-' || !clock_digits(s, 4, year) ||
        !clock_digits(s + 5, 2, month))
        return false;
    return *year >= 2000 && *year <= 2999 && *month >= 1 && *month <= 12;
}

/* month= (YYYY-MM, default the current month in Asia/Tokyo) into r's bounds. */
static bool month_param(struct error *err, struct request *req, struct fig_report *r)
{
    int y, m, d;
    const char *v = request_query(req, "month");
    if (v) {
        if (!month_parse(v, &y, &m))
            return error_set(err, ERR_BAD_QUERY, "month: a month YYYY-MM");
    } else {
        char today[11];
        clock_today_tokyo(today);
        clock_parse_date(today, &y, &m, &d);
    }
    snprintf(r->month, sizeof(r->month), "%04u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u);
    r->start = month_start(y, m);
    int ny = m == 12 ? y + 1 : y, nm = m == 12 ? 1 : m + 1;
    snprintf(r->next_month, sizeof(r->next_month), "%04u-%02u", (unsigned)ny % 10000u,
             (unsigned)nm % 100u);
    r->end = month_start(ny, nm);
    r->next_end = month_start(nm == 12 ? ny + 1 : ny, nm == 12 ? 1 : nm + 1);
    r->now = req->op.now_ms;
    return true;
}

/* ---- who may read ----------------------------------------------------------------------- */

/* ---- counting --------------------------------------------------------------------------- */

static int kind_index(const char *code)
{
    for (int i = 0; homecare_kinds[i].code && i < FIG_KINDS_MAX; i++)
        if (strcmp(homecare_kinds[i].code, code) == 0)
            return i;
    return -1;
}

/* Rows (kind, count) of s into counts by kind; s is done afterwards. */
static bool count_by_kind(struct error *err, struct store_stmt *s, int64_t counts[FIG_KINDS_MAX])
{
    if (!s)
        return false;
    enum store_step_result res;
    while ((res = store_step(err, s)) == STORE_ROW) {
        int k = kind_index(store_text(s, 0));
        if (k >= 0)
            counts[k] += store_int(s, 1);
    }
    store_done(s);
    return res == STORE_DONE;
}

/* A visit made: planned (not cancelled), starting in the month, and over by now. */
#define MADE_IN_MONTH                                                                              \
    "v.org_id = ? AND v.status = 'planned' AND v.starts_at >= ? AND v.starts_at < ? AND "          \
    "v.ends_at <= ?"

static bool count_visits(struct error *err, struct store_conn *c, const char *org,
                         struct fig_report *r)
{
    return count_by_kind(
               err,
               store_query(err, c,
                           "SELECT v.kind, COUNT(*) FROM homecare_visits v WHERE " MADE_IN_MONTH
                           " GROUP BY v.kind",
                           "tiii", org, r->start, r->end, r->now),
               r->made) &&
           count_by_kind(err,
                         store_query(err, c,
                                     "SELECT kind, COUNT(*) FROM homecare_visits WHERE org_id = ? "
                                     "AND status = 'cancelled' AND starts_at >= ? AND starts_at "
                                     "< ? GROUP BY kind",
                                     "tii", org, r->start, r->end),
                         r->cancelled) &&
           count_by_kind(err,
                         store_query(err, c,
                                     "SELECT kind, COUNT(*) FROM homecare_visits WHERE org_id = ? "
                                     "AND status = 'planned' AND starts_at >= ? AND starts_at < ? "
                                     "GROUP BY kind",
                                     "tii", org, r->end, r->next_end),
                         r->planned_next) &&
           count_by_kind(err,
                         store_query(err, c,
                                     "SELECT r.kind, COUNT(*) FROM homecare_records r WHERE "
                                     "r.org_id = ? AND r.status = 'signed' AND r.visit_start >= "
                                     "? AND r.visit_start < ? AND r.version = (SELECT "
                                     "MAX(x.version) FROM homecare_records x WHERE x.record_id "
                                     "= r.record_id) GROUP BY r.kind",
                                     "tii", org, r->start, r->end),
                         r->signed_records);
}

/* Rows (source org id or NULL, its name, count) of s into out; s is done afterwards. */
static bool read_sources(struct error *err, struct store_stmt *s, struct fig_sources *out)
{
    if (!s)
        return false;
    enum store_step_result res;
    while ((res = store_step(err, s)) == STORE_ROW) {
        int64_t n = store_int(s, 2);
        out->total += n;
        if (out->count == FIG_SOURCES_MAX)
            continue; // counted in the total; a network has far fewer referrers
        struct fig_source *src = &out->items[out->count++];
        const char *id = store_text(s, 0), *name = store_text(s, 1);
        snprintf(src->id, sizeof(src->id), "%s", id ? id : "");
        snprintf(src->name, sizeof(src->name), "%s", name ? name : "");
        src->count = n;
    }
    store_done(s);
    return res == STORE_DONE;
}

/* The patients made visits in the month without another visit of the organisation (planned,
 * not cancelled) that matches WHICH, by referral source: the sender of the latest referral to
 * the organisation sent before the month's end that was not declined, redirected or cancelled.
 * WHICH binds one instant. The texts are static: the store caches statements by their text's
 * address. */
#define SOURCES_SQL(WHICH)                                                                         \
    "SELECT t.src, o.name, COUNT(*) FROM (SELECT p.patient_id, (SELECT rf.from_org_id FROM "       \
    "referrals rf WHERE rf.patient_id = p.patient_id AND rf.to_org_id = ? AND rf.kind = "          \
    "'referral' AND rf.sent_at < ? AND rf.status NOT IN ('declined', 'redirected', 'cancelled') "  \
    "ORDER BY rf.sent_at DESC, rf.id LIMIT 1) AS src FROM (SELECT DISTINCT v.patient_id FROM "     \
    "homecare_visits v WHERE " MADE_IN_MONTH " AND NOT EXISTS (SELECT 1 FROM homecare_visits w "   \
    "WHERE w.patient_id = v.patient_id AND w.org_id = v.org_id AND w.status = 'planned' "          \
    "AND " WHICH                                                                                   \
    ")) p) t LEFT JOIN orgs o ON o.id = t.src GROUP BY t.src, o.name ORDER BY COUNT(*) "           \
    "DESC, CASE WHEN t.src IS NULL THEN 1 ELSE 0 END, o.name"

static bool count_sources(struct error *err, struct store_conn *c, const char *org,
                          const struct fig_report *r, const char *sql, int64_t at,
                          struct fig_sources *out)
{
    return read_sources(
        err, store_query(err, c, sql, "titiiii", org, r->end, org, r->start, r->end, r->now, at),
        out);
}

static bool count_patients(struct error *err, struct store_conn *c, const char *org,
                           struct fig_report *r)
{
    struct store_stmt *s = store_query(
        err, c, "SELECT COUNT(DISTINCT v.patient_id) FROM homecare_visits v WHERE " MADE_IN_MONTH,
        "tiii", org, r->start, r->end, r->now);
    if (!s)
        return false;
    enum store_step_result res = store_step(err, s);
    if (res == STORE_ROW)
        r->under_care = store_int(s, 0);
    store_done(s);
    return res == STORE_ROW &&
           count_sources(err, c, org, r, SOURCES_SQL("w.starts_at < ?"), r->start,
                         &r->new_patients) &&
           count_sources(err, c, org, r, SOURCES_SQL("w.starts_at >= ?"), r->end,
                         &r->ended_patients);
}

static bool fig_compute(struct error *err, struct store_conn *c, const char *org,
                        struct fig_report *r)
{
    return count_visits(err, c, org, r) && count_patients(err, c, org, r);
}

/* The organisation and the figures of the request (shared by JSON and CSV); audited once as a
 * read of the organisation's figures. */
static json_t *load_figures(struct error *err, struct request *req, struct fig_report *r)
{
    static const char *const query[] = {"org_id", "month", NULL};
    memset(r, 0, sizeof(*r));
    if (!request_query_check(err, req, query) || !month_param(err, req, r))
        return NULL;
    json_t *org = accounts_org_asked_for_member(err, req);
    if (!org)
        return NULL;
    const char *org_id = json_string_value(json_object_get(org, "id"));
    req->object_type = "homecare_figures";
    req->object_id = arena_printf(req->op.arena, "%s", org_id);
    req->audit_detail = arena_printf(req->op.arena, "month=%s", r->month);
    if (!fig_compute(err, req->op.conn, org_id, r)) {
        json_decref(org);
        return NULL;
    }
    return org;
}

/* ---- JSON ------------------------------------------------------------------------------- */

static const struct api_text definitions[] = {
    {"month", "暦月(日本時間)。", "Calendar month in Japan time (Asia/Tokyo)."},
    {"made",
     "実施訪問数: "
     "この事業所の訪問予定のうち、開始がその月で、取り消されておらず、終了時刻を過ぎたもの"
     "(種別ごと)。取り消されなかった予定を実施とみなします。",
     "Visits made: the organisation's scheduled visits starting in the month that were not "
     "cancelled and have ended (by kind); a visit not cancelled counts as made."},
    {"cancelled", "取消数: この事業所の訪問予定のうち、開始がその月で取り消されたもの(種別ごと)。",
     "Cancellations: the organisation's scheduled visits starting in the month that were "
     "cancelled (by kind)."},
    {"signed_records",
     "署名済み訪問記録数: 訪問開始がその月の訪問記録のうち、最新の版が署名済みのもの(種別ごと)。",
     "Signed visit records: the organisation's visit records of visits starting in the month "
     "whose current version is signed (by kind)."},
    {"patients_under_care", "利用者数: その月に実施訪問が1回以上あった患者の実人数。",
     "Patients under care: distinct patients with at least one visit made in the month."},
    {"new_patients",
     "新規利用者数: "
     "その月の利用者のうち、それより前にこの事業所の実施訪問がなかった患者。紹介元は、"
     "月末までにこの事業所宛てに送られた最新の紹介(お断り・転送・取消を除く)"
     "の送り元、無ければ不明。",
     "New patients: patients under care in the month without an earlier visit of the "
     "organisation. Their source is the sender of the latest referral to the organisation sent "
     "before the month's end (not declined, redirected or cancelled), else unknown."},
    {"ended_patients",
     "終了利用者数: "
     "その月の利用者のうち、翌月以降にこの事業所の訪問予定(取消を除く)がない患者。紹介元は"
     "新規と同じ。",
     "Ended patients: patients under care in the month with no visit of the organisation "
     "planned (not cancelled) after the month; source as for new patients."},
    {"next_month_planned",
     "翌月予定数: "
     "翌月に開始する、取り消されていない訪問予定(種別ごと)。繰り返しの予定は56日先まで展開"
     "されたものだけを数えます。",
     "Next month's planned visits: visits starting next month that are not cancelled (by kind); "
     "recurring plans count as far as they are expanded (56 days ahead)."},
};

static json_t *by_kind_json(const int64_t counts[FIG_KINDS_MAX])
{
    json_t *items = json_array();
    int64_t total = 0;
    for (int i = 0; homecare_kinds[i].code && i < FIG_KINDS_MAX; i++) {
        total += counts[i];
        json_array_append_new(items,
                              json_pack("{s:s, s:s, s:s, s:I}", "kind", homecare_kinds[i].code,
                                        "ja", homecare_kinds[i].ja, "en", homecare_kinds[i].en,
                                        "count", (json_int_t)counts[i]));
    }
    return json_pack("{s:I, s:o}", "total", (json_int_t)total, "by_kind", items);
}

static json_t *sources_json(const struct fig_sources *s)
{
    json_t *items = json_array();
    for (int i = 0; i < s->count; i++) {
        const struct fig_source *src = &s->items[i];
        json_t *org =
            src->id[0] ? json_pack("{s:s, s:s}", "id", src->id, "name", src->name) : json_null();
        json_array_append_new(
            items, json_pack("{s:o, s:I}", "source", org, "count", (json_int_t)src->count));
    }
    return json_pack("{s:I, s:o}", "total", (json_int_t)s->total, "by_source", items);
}

bool homecare_figures_get(struct error *err, struct request *req)
{
    struct fig_report r;
    json_t *org = load_figures(err, req, &r);
    if (!org)
        return false;
    response_json(
        req, 200,
        json_pack("{s:o, s:s, s:s, s:o, s:o, s:o, s:o, s:{s:I, s:o, s:o}, s:o}", "org", org,
                  "month", r.month, "next_month", r.next_month, "made", by_kind_json(r.made),
                  "cancelled", by_kind_json(r.cancelled), "signed_records",
                  by_kind_json(r.signed_records), "next_month_planned",
                  by_kind_json(r.planned_next), "patients", "under_care", (json_int_t)r.under_care,
                  "new", sources_json(&r.new_patients), "ended", sources_json(&r.ended_patients),
                  "definitions",
                  api_texts(req, definitions, sizeof definitions / sizeof definitions[0])));
    return true;
}

/* ---- CSV -------------------------------------------------------------------------------- */

/* A text cell: quoted, quotes doubled, and a leading = + - @ tab or CR neutralised with a
 * leading apostrophe so that a spreadsheet never reads it as a formula. */
static void csv_text_cell(struct strbuf *b, const char *text)
{
    strbuf_puts(b, "\"");
    if (text[0] && strchr("=+-@\t\r", text[0]))
        strbuf_puts(b, "'");
    for (const char *c = text; *c; c++)
        strbuf_puts(b, *c == '"' ? "\"\"" : (char[2]){*c, '\0'});
    strbuf_puts(b, "\"");
}

static void csv_row(struct strbuf *b, const char *section, const char *item, int64_t count)
{
    csv_text_cell(b, section);
    strbuf_puts(b, ",");
    csv_text_cell(b, item);
    strbuf_printf(b, ",%lld\r\n", (long long)count);
}

static void csv_kinds(struct strbuf *b, const char *section, const int64_t counts[FIG_KINDS_MAX])
{
    int64_t total = 0;
    for (int i = 0; homecare_kinds[i].code && i < FIG_KINDS_MAX; i++) {
        csv_row(b, section, homecare_kinds[i].ja, counts[i]);
        total += counts[i];
    }
    csv_row(b, section, "合計", total);
}

static void csv_sources(struct strbuf *b, const char *section, const struct fig_sources *s)
{
    for (int i = 0; i < s->count; i++)
        csv_row(b, section, s->items[i].id[0] ? s->items[i].name : "不明", s->items[i].count);
    csv_row(b, section, "合計", s->total);
}

/* UTF-8 with BOM, CRLF, Japanese headers: 区分, 項目, 件数; the month in the file name. */
static char *csv_text(const struct fig_report *r, size_t *len)
{
    struct strbuf b = {0};
    strbuf_puts(&b, "\xEF\xBB\xBF"
                    "区分,項目,件数\r\n");
    csv_kinds(&b, "実施訪問", r->made);
    csv_kinds(&b, "取消", r->cancelled);
    csv_kinds(&b, "署名済み訪問記録", r->signed_records);
    csv_row(&b, "利用者", "利用者数", r->under_care);
    csv_sources(&b, "新規利用者(紹介元)", &r->new_patients);
    csv_sources(&b, "終了利用者(紹介元)", &r->ended_patients);
    csv_kinds(&b, "翌月予定", r->planned_next);
    *len = b.len;
    return strbuf_steal(&b);
}

bool homecare_figures_csv(struct error *err, struct request *req)
{
    struct fig_report r;
    json_t *org = load_figures(err, req, &r);
    if (!org)
        return false;
    size_t len = 0;
    char *text = csv_text(&r, &len);
    char *name = arena_printf(req->op.arena, "homecare-figures_%s_%s.csv",
                              json_string_value(json_object_get(org, "code")), r.month);
    for (char *c = name; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
              *c == '.' || *c == '-' || *c == '_'))
            *c = '_';
    response_csv(req, text, len, name);
    json_decref(org);
    return true;
}
