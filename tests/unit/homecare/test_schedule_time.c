/* SPDX-License-Identifier: Apache-2.0 */
/* The schedule's calendar (src/homecare/schedule_time.c): days and dates across month ends and
 * leap years, weekdays, and Asia/Tokyo local times as UTC instants. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka needs the headers above first */
#include <cmocka.h>

#include <string.h>

#include "homecare/homecare_int.h"

static int64_t days(const char *date)
{
    int64_t d = -1;
    assert_true(schedule_date_days(date, &d));
    return d;
}

static void dates_round_trip_across_month_ends(void **state)
{
    (void)state;
    static const char *const dates[] = {"1970-01-01", "2026-01-31", "2026-02-28", "2026-03-01",
                                        "2028-02-29", "2028-03-01", "2026-12-31", "2027-01-01",
                                        "2100-02-28", "2100-03-01", "2000-02-29"};
    for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++) {
        char out[11];
        schedule_days_date(days(dates[i]), out);
        assert_string_equal(out, dates[i]);
    }
    assert_int_equal(days("1970-01-01"), 0);
    assert_int_equal(days("2026-03-01") - days("2026-02-28"), 1);
    assert_int_equal(days("2028-03-01") - days("2028-02-28"), 2); /* 2028 is a leap year */
    assert_int_equal(days("2100-03-01") - days("2100-02-28"), 1); /* 2100 is not */
    int64_t d;
    assert_false(schedule_date_days("2026-02-29", &d));
    assert_false(schedule_date_days("2026-04-31", &d));
    assert_false(schedule_date_days("2026-1-01", &d));
    assert_false(schedule_date_days(NULL, &d));
}

static void weekdays_start_on_monday(void **state)
{
    (void)state;
    assert_int_equal(schedule_weekday(days("1970-01-01")), 3); /* a Thursday */
    assert_int_equal(schedule_weekday(days("2026-12-07")), 0); /* a Monday */
    assert_int_equal(schedule_weekday(days("2026-12-13")), 6); /* a Sunday */
    assert_int_equal(schedule_weekday(days("2027-02-28")), 6);
    assert_int_equal(schedule_weekday(days("1969-12-31")), 2); /* before the epoch too */
}

static void tokyo_is_utc_plus_nine_all_year(void **state)
{
    (void)state;
    /* 2026-12-08 10:00 JST = 2026-12-08T01:00:00Z; 08:00 JST is 23:00 UTC the day before */
    int64_t d = days("2026-12-08");
    assert_int_equal(schedule_local_ms(d, 600), (d * 86400 + 3600) * 1000LL);
    assert_int_equal(schedule_local_ms(d, 480), (d * 86400 - 3600) * 1000LL);
    /* the same offset in summer: no daylight saving time */
    int64_t summer = days("2026-07-01");
    assert_int_equal(schedule_local_ms(summer, 0), (summer * 86400 - 9 * 3600) * 1000LL);
    assert_int_equal(schedule_ms_days(schedule_local_ms(d, 0)), d);
    assert_int_equal(schedule_ms_days(schedule_local_ms(d, 1439)), d);
    assert_int_equal(schedule_ms_days(schedule_local_ms(d, 0) - 1), d - 1);
    char hhmm[6];
    schedule_hhmm_format(schedule_local_ms(d, 23 * 60 + 59), hhmm);
    assert_string_equal(hhmm, "23:59");
    schedule_hhmm_format(schedule_local_ms(d, 0), hhmm);
    assert_string_equal(hhmm, "00:00");
}

static void times_are_hh_colon_mm(void **state)
{
    (void)state;
    int m = -1;
    assert_true(schedule_hhmm_parse("00:00", &m));
    assert_int_equal(m, 0);
    assert_true(schedule_hhmm_parse("23:59", &m));
    assert_int_equal(m, 1439);
    static const char *const bad[] = {"24:00", "12:60", "9:00", "09:0", "09:000",
                                      "0900",  "09-00", "",     "ab:cd"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_false(schedule_hhmm_parse(bad[i], &m));
    assert_false(schedule_hhmm_parse(NULL, &m));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dates_round_trip_across_month_ends),
        cmocka_unit_test(weekdays_start_on_monday),
        cmocka_unit_test(tokyo_is_utc_plus_nine_all_year),
        cmocka_unit_test(times_are_hh_colon_mm),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
