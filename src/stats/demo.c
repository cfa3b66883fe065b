/* SPDX-License-Identifier: Apache-2.0 */
/* The demo region's 初診患者数 (first visits) of the two hospitals for the 12 months before the
 * current one: a little more than the referred patients each saw that month (the referral
 * history of the referral module's demo part, loaded before this one), so that 紹介率 looks like
 * a hospital's although the demo region is small. Deterministic; fictional. */
#include <stdio.h>
#include <time.h>

#include "core/clock.h"
#include "demo/demo.h"
#include "demo/demo_clinical.h"
#include "stats_int.h"

enum { HISTORY_MONTHS = 12 };

#define HOUR_MS INT64_C(3600000)
#define DAY_MS INT64_C(86400000)

struct month0 {
    int year, month; /* the first month of the history */
};

/* The month index (0 = the first month of the history) of a time, or -1 outside it. */
static int month_index(const struct month0 *m0, int64_t at)
{
    time_t t = (time_t)((at + 9 * HOUR_MS) / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    int i = (tm.tm_year + 1900 - m0->year) * 12 + (tm.tm_mon + 1 - m0->month);
    return i >= 0 && i < HISTORY_MONTHS ? i : -1;
}

/* Referrals (not reverse ones) that org saw, per month of the history. */
static bool count_seen(struct error *err, struct store_conn *conn, const char *org,
                       const struct month0 *m0, int seen[HISTORY_MONTHS])
{
    struct store_stmt *s = store_query(err, conn,
                                       "SELECT seen_at FROM referrals WHERE to_org_id = ? AND "
                                       "kind = 'referral' AND seen_at IS NOT NULL",
                                       "t", org);
    if (!s)
        return false;
    enum store_step_result r;
    while ((r = store_step(err, s)) == STORE_ROW) {
        int i = month_index(m0, store_int(s, 0));
        if (i >= 0)
            seen[i]++;
    }
    store_done(s);
    return r == STORE_DONE;
}

static bool load_org(struct error *err, struct op *op, const char *org_code,
                     const char *admin_login, const struct month0 *m0, int salt)
{
    char org[UUID_STR_LEN];
    demo_clinical_uuid(org, "org", org_code);
    int64_t load_time = op->now_ms;
    int seen[HISTORY_MONTHS] = {0};
    if (!count_seen(err, op->conn, org, m0, seen))
        return false;
    for (int i = 0; i < HISTORY_MONTHS; i++) {
        int y = m0->year + (m0->month - 1 + i) / 12;
        int m = (m0->month - 1 + i) % 12 + 1;
        char month[8];
        snprintf(month, sizeof(month), "%04u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u);
        int64_t count = seen[i] * 5 / 4 + 1 + (i * 7 + salt) % 3;
        /* entered in the first days of the following month, before the load */
        int64_t at = clock_days_from_civil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 3) * DAY_MS;
        demo_act(op, admin_login, org_code, at < load_time - HOUR_MS ? at : load_time - HOUR_MS);
        if (!stats_first_visits_put(err, op, org, month, count))
            return false;
    }
    return true;
}

bool stats_demo_load(struct error *err, struct op *op)
{
    /* The history covers the 12 months before the current one (Asia/Tokyo). */
    time_t t = (time_t)((op->now_ms + 9 * HOUR_MS) / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    struct month0 m0 = {tm.tm_year + 1900 - 1, tm.tm_mon + 1};
    return load_org(err, op, "minami-gh", "gh.admin", &m0, 1) &&
           load_org(err, op, "minami-uh", "uh.admin", &m0, 2);
}
