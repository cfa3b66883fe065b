/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_STATS_STATS_INT_H
#define TSUNAGU_STATS_STATS_INT_H

/* Referral figures (実績) of one organisation per calendar month in Asia/Tokyo: the numbers of
 * referral_stats_compute.c, shared by the JSON and the CSV answers of referral_stats.c.
 * Definitions: docs/api/referral-stats.md. */
#include <stdint.h>

#include "http/api.h"
#include "modules/module.h"

#define ROUTE ROUTE_DECLARE
#include "stats/routes.def"
#undef ROUTE

enum { RS_MAX_MONTHS = 36, RS_TOP_PARTNERS = 5 };

/** The median intervals, in the order of the answer's median_hours. */
enum rs_median { RS_SENT_TO_ACCEPTED, RS_SENT_TO_SEEN, RS_SEEN_TO_REPLIED, RS_MEDIAN_COUNT };

struct rs_month {
    char month[8];      /* "YYYY-MM" */
    int64_t start, end; /* [start, end): the month in Asia/Tokyo as UTC milliseconds */
    int64_t received, sent, reverse_sent, reverse_received;
    int64_t referred_patients, reverse_patients;
    int64_t first_visits;                   /* 初診患者数, -1 when not entered */
    int64_t median_tenths[RS_MEDIAN_COUNT]; /* hours × 10 (rounded), -1 when none */
};

struct rs_report {
    struct rs_month months[RS_MAX_MONTHS];
    int count;
    json_t *referring; /* [{org:{id,name}, count, referrals, reverse}], best first */
    json_t *receiving;
};

/** Parses "YYYY-MM" (years 2000–2999, months 01–12). */
bool rs_month_parse(const char *s, int *year, int *month);
/** Sets r->months to count consecutive months from year/month (count <= RS_MAX_MONTHS). */
void rs_months_fill(struct rs_report *r, int year, int month, int count);
/** Computes every figure of r's months for org_id (partners over the whole range). On success
 *  the caller releases r with rs_report_release. */
bool rs_compute(struct error *err, struct store_conn *conn, const char *org_id,
                struct rs_report *r);
void rs_report_release(struct rs_report *r);
/** patients / first_visits × 100 in tenths, rounded half up; -1 when first_visits is missing
 *  or 0. */
int64_t rs_rate_tenths(int64_t patients, int64_t first_visits);

/** Sets the number of first visits (初診患者数) of organisation org_id in month ("YYYY-MM",
 *  checked by the caller), entered by op's user at op's time. */
bool stats_first_visits_put(struct error *err, struct op *op, const char *org_id, const char *month,
                            int64_t count);

/** The module's part of the demo region (demo.c). */
bool stats_demo_load(struct error *err, struct op *op);

#endif
