/* SPDX-License-Identifier: Apache-2.0 */
/* Referral figures (実績): counts and distinct patients per month in SQL, over a table of the
 * requested months given as a VALUES list (portable SQL, no date functions: the months'
 * boundaries in Asia/Tokyo are computed here); medians in C over the intervals SQL returns
 * (neither SQLite nor portable SQL has a median). Definitions: docs/api/referral-stats.md. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/strbuf.h"
#include "stats_int.h"

enum { MS_PER_DAY = 86400 * 1000, TOKYO_OFFSET_MS = 9 * 3600 * 1000, MS_PER_TENTH_HOUR = 360000 };

bool rs_month_parse(const char *s, int *year, int *month)
{
    if (!s || strlen(s) != 7 || s[4] != '-' || !clock_digits(s, 4, year) ||
        !clock_digits(s + 5, 2, month))
        return false;
    return *year >= 2000 && *year <= 2999 && *month >= 1 && *month <= 12;
}

/* The first instant of a month in Asia/Tokyo (UTC+9 all year, no daylight saving time). */
static int64_t month_start(int year, int month)
{
    return clock_days_from_civil(year, month, 1) * MS_PER_DAY - TOKYO_OFFSET_MS;
}

void rs_months_fill(struct rs_report *r, int year, int month, int count)
{
    r->count = count < RS_MAX_MONTHS ? count : RS_MAX_MONTHS;
    for (int i = 0; i < r->count; i++) {
        struct rs_month *m = &r->months[i];
        memset(m, 0, sizeof(*m));
        snprintf(m->month, sizeof(m->month), "%04u-%02u", (unsigned)year % 10000u,
                 (unsigned)month % 100u);
        m->start = month_start(year, month);
        if (++month > 12) {
            month = 1;
            year++;
        }
        m->end = month_start(year, month);
        m->first_visits = -1;
        for (int k = 0; k < RS_MEDIAN_COUNT; k++)
            m->median_tenths[k] = -1;
    }
}

int64_t rs_rate_tenths(int64_t patients, int64_t first_visits)
{
    if (first_visits <= 0)
        return -1;
    return (patients * 2000 + first_visits) / (2 * first_visits);
}

void rs_report_release(struct rs_report *r)
{
    json_decref(r->referring);
    json_decref(r->receiving);
    r->referring = r->receiving = NULL;
}

/* ---- the months as a table ---------------------------------------------------------------- */

/* A query over "months (m, s, e)": the CTE, then sql; the month arguments, then org_args
 * copies of org_id. */
static struct store_stmt *months_query(struct error *err, struct store_conn *conn,
                                       const struct rs_report *r, const char *sql,
                                       const char *org_id, int org_args)
{
    struct store_arg args[RS_MAX_MONTHS * 3 + 4];
    struct strbuf q = {0};
    int n = 0;
    strbuf_puts(&q, "WITH months (m, s, e) AS (VALUES ");
    for (int i = 0; i < r->count; i++) {
        strbuf_puts(&q, i ? ", (?, ?, ?)" : "(?, ?, ?)");
        args[n++] = (struct store_arg){.type = 't', .text = r->months[i].month};
        args[n++] = (struct store_arg){.type = 'i', .i = r->months[i].start};
        args[n++] = (struct store_arg){.type = 'i', .i = r->months[i].end};
    }
    strbuf_printf(&q, ") %s", sql);
    for (int i = 0; i < org_args && i < 4; i++)
        args[n++] = (struct store_arg){.type = 't', .text = org_id};
    struct store_stmt *s = store_query_args(err, conn, q.buf, args, n);
    strbuf_release(&q);
    return s;
}

static struct rs_month *month_named(struct rs_report *r, const char *name)
{
    for (int i = 0; i < r->count; i++)
        if (strcmp(r->months[i].month, name) == 0)
            return &r->months[i];
    return NULL;
}

/* Runs a months query whose columns after the month are counts, stored in the fields at the
 * given offsets of struct rs_month. */
static bool month_counts(struct error *err, struct store_conn *conn, struct rs_report *r,
                         const char *org_id, const char *sql, const size_t *fields, int nfields)
{
    struct store_stmt *s = months_query(err, conn, r, sql, org_id, 1);
    if (!s)
        return false;
    enum store_step_result step;
    while ((step = store_step(err, s)) == STORE_ROW) {
        struct rs_month *m = month_named(r, store_text(s, 0));
        for (int k = 0; m && k < nfields; k++)
            *(int64_t *)((char *)m + fields[k]) = store_int(s, k + 1);
    }
    store_done(s);
    return step == STORE_DONE;
}

static bool counts(struct error *err, struct store_conn *conn, struct rs_report *r,
                   const char *org_id)
{
    /* Received: referrals and reverse referrals to the organisation, by month sent. */
    static const size_t to_fields[] = {offsetof(struct rs_month, received),
                                       offsetof(struct rs_month, reverse_received)};
    /* Sent: by the organisation, by month sent; reverse referrals' distinct patients. */
    static const size_t from_fields[] = {offsetof(struct rs_month, sent),
                                         offsetof(struct rs_month, reverse_sent),
                                         offsetof(struct rs_month, reverse_patients)};
    /* 紹介患者数: distinct patients referred to the organisation, by month seen. */
    static const size_t seen_fields[] = {offsetof(struct rs_month, referred_patients)};
    return month_counts(err, conn, r, org_id,
                        "SELECT months.m, COUNT(CASE WHEN r.kind = 'referral' THEN 1 END), "
                        "COUNT(CASE WHEN r.kind = 'reverse' THEN 1 END) FROM months LEFT JOIN "
                        "referrals r ON r.to_org_id = ? AND r.sent_at >= months.s AND "
                        "r.sent_at < months.e GROUP BY months.m",
                        to_fields, 2) &&
           month_counts(err, conn, r, org_id,
                        "SELECT months.m, COUNT(CASE WHEN r.kind = 'referral' THEN 1 END), "
                        "COUNT(CASE WHEN r.kind = 'reverse' THEN 1 END), COUNT(DISTINCT CASE "
                        "WHEN r.kind = 'reverse' THEN r.patient_id END) FROM months LEFT JOIN "
                        "referrals r ON r.from_org_id = ? AND r.sent_at >= months.s AND "
                        "r.sent_at < months.e GROUP BY months.m",
                        from_fields, 3) &&
           month_counts(err, conn, r, org_id,
                        "SELECT months.m, COUNT(DISTINCT r.patient_id) FROM months LEFT JOIN "
                        "referrals r ON r.to_org_id = ? AND r.kind = 'referral' AND r.seen_at "
                        ">= months.s AND r.seen_at < months.e GROUP BY months.m",
                        seen_fields, 1);
}

static bool first_visits(struct error *err, struct store_conn *conn, struct rs_report *r,
                         const char *org_id)
{
    struct store_stmt *s = store_query(
        err, conn,
        "SELECT month, count FROM org_first_visits WHERE org_id = ? AND month >= ? AND month <= ?",
        "ttt", org_id, r->months[0].month, r->months[r->count - 1].month);
    if (!s)
        return false;
    enum store_step_result step;
    while ((step = store_step(err, s)) == STORE_ROW) {
        struct rs_month *m = month_named(r, store_text(s, 0));
        if (m)
            m->first_visits = store_int(s, 1);
    }
    store_done(s);
    return step == STORE_DONE;
}

/* ---- medians ---------------------------------------------------------------------------- */

struct durations {
    int64_t *v;
    size_t n, cap;
};

static void durations_add(struct durations *d, int64_t ms)
{
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 64;
        int64_t *grown = realloc(d->v, d->cap * sizeof(*d->v));
        if (!grown)
            abort(); /* like strbuf and the arena */
        d->v = grown;
    }
    d->v[d->n++] = ms;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* The median in tenths of an hour, rounded half up (the mean of the middle two for an even
 * count); -1 when there is none. Empties d. */
static int64_t median_tenths(struct durations *d)
{
    if (d->n == 0)
        return -1;
    qsort(d->v, d->n, sizeof(*d->v), cmp_i64);
    int64_t twice = d->n % 2 ? 2 * d->v[d->n / 2] : d->v[d->n / 2 - 1] + d->v[d->n / 2];
    d->n = 0;
    int64_t unit = 2 * MS_PER_TENTH_HOUR;
    return twice >= 0 ? (twice + MS_PER_TENTH_HOUR) / unit : -((-twice + MS_PER_TENTH_HOUR) / unit);
}

static void close_month(struct rs_month *m, struct durations *d)
{
    for (int k = 0; m && k < RS_MEDIAN_COUNT; k++)
        m->median_tenths[k] = median_tenths(&d[k]);
}

/* Intervals of the referrals received, by month sent; rows come month by month. */
static bool medians(struct error *err, struct store_conn *conn, struct rs_report *r,
                    const char *org_id)
{
    struct store_stmt *s = months_query(
        err, conn, r,
        "SELECT months.m, r.accepted_at - r.sent_at, r.seen_at - r.sent_at, r.replied_at - "
        "r.seen_at FROM months JOIN referrals r ON r.to_org_id = ? AND r.kind = 'referral' AND "
        "r.sent_at >= months.s AND r.sent_at < months.e ORDER BY months.m",
        org_id, 1);
    if (!s)
        return false;
    struct durations d[RS_MEDIAN_COUNT] = {{0}};
    struct rs_month *current = NULL;
    enum store_step_result step;
    while ((step = store_step(err, s)) == STORE_ROW) {
        struct rs_month *m = month_named(r, store_text(s, 0));
        if (m != current) {
            close_month(current, d);
            current = m;
        }
        for (int k = 0; k < RS_MEDIAN_COUNT; k++)
            if (!store_is_null(s, k + 1))
                durations_add(&d[k], store_int(s, k + 1));
    }
    store_done(s);
    close_month(current, d);
    for (int k = 0; k < RS_MEDIAN_COUNT; k++)
        free(d[k].v);
    return step == STORE_DONE;
}

/* ---- partners --------------------------------------------------------------------------- */

static json_t *partner_row(struct store_stmt *s)
{
    return json_pack("{s:{s:s, s:s}, s:I, s:I, s:I}", "org", "id", store_text(s, 0), "name",
                     store_text(s, 1), "count", (json_int_t)store_int(s, 2), "referrals",
                     (json_int_t)store_int(s, 3), "reverse", (json_int_t)store_int(s, 4));
}

/* The top partners over the whole range: who sent to the organisation (referring) and to whom
 * it sent (receiving), both kinds, most first, then by name. */
static json_t *partners(struct error *err, struct store_conn *conn, const struct rs_report *r,
                        const char *org_id, bool referring)
{
    const char *sql =
        referring
            ? "SELECT o.id, o.name, COUNT(*), COUNT(CASE WHEN r.kind = 'referral' THEN 1 END), "
              "COUNT(CASE WHEN r.kind = 'reverse' THEN 1 END) FROM referrals r JOIN orgs o ON "
              "o.id = r.from_org_id WHERE r.to_org_id = ? AND r.sent_at >= ? AND r.sent_at < ? "
              "GROUP BY o.id, o.name ORDER BY COUNT(*) DESC, o.name, o.id LIMIT ?"
            : "SELECT o.id, o.name, COUNT(*), COUNT(CASE WHEN r.kind = 'referral' THEN 1 END), "
              "COUNT(CASE WHEN r.kind = 'reverse' THEN 1 END) FROM referrals r JOIN orgs o ON "
              "o.id = r.to_org_id WHERE r.from_org_id = ? AND r.sent_at >= ? AND r.sent_at < ? "
              "GROUP BY o.id, o.name ORDER BY COUNT(*) DESC, o.name, o.id LIMIT ?";
    return api_rows(err,
                    store_query(err, conn, sql, "tiii", org_id, r->months[0].start,
                                r->months[r->count - 1].end, (int64_t)RS_TOP_PARTNERS),
                    partner_row);
}

bool rs_compute(struct error *err, struct store_conn *conn, const char *org_id, struct rs_report *r)
{
    r->referring = r->receiving = NULL;
    if (r->count < 1)
        return error_set(err, ERR_INTERNAL, "referral stats: no month");
    if (!counts(err, conn, r, org_id) || !first_visits(err, conn, r, org_id) ||
        !medians(err, conn, r, org_id))
        return false;
    r->referring = partners(err, conn, r, org_id, true);
    r->receiving = r->referring ? partners(err, conn, r, org_id, false) : NULL;
    if (!r->receiving) {
        rs_report_release(r);
        return false;
    }
    return true;
}
