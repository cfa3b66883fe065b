/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka needs the headers above first */
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"

/* clock_format_iso writes what strftime and printf write, and clock_parse_iso reads it back
 * (in the years it takes). */
static void iso_times_round_trip(void **state)
{
    (void)state;
    const int64_t times[] = {0,
                             999,
                             951782400000,     /* 2000-02-29T00:00:00Z, a leap day */
                             1798761599999,    /* 2026-12-31T23:59:59.999Z */
                             1798761600000,    /* 2027-01-01T00:00:00.000Z */
                             4102444800123,    /* 2100-01-01 */
                             253402300799999}; /* 9999-12-31T23:59:59.999Z */
    for (size_t i = 0; i < sizeof times / sizeof times[0]; i++) {
        char ours[32], expected[40], date[24];
        clock_format_iso(times[i], ours);
        time_t secs = (time_t)(times[i] / 1000);
        struct tm tm;
        gmtime_r(&secs, &tm);
        strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
        snprintf(expected, sizeof expected, "%s.%03dZ", date, (int)(times[i] % 1000));
        assert_string_equal(ours, expected);
        if (tm.tm_year + 1900 > 2200)
            continue; /* clock_parse_iso takes the years 1800 to 2200 only */
        int64_t back = -1;
        assert_true(clock_parse_iso(ours, &back));
        assert_int_equal(back, times[i]);
    }
}

/* Today in Tokyo is a date that parses, the same day as the UTC time nine hours on. */
static void today_in_tokyo(void **state)
{
    (void)state;
    char today[11], expected[11];
    clock_today_tokyo(today);
    time_t secs = (time_t)(clock_now_ms() / 1000) + 9 * 3600;
    struct tm tm;
    gmtime_r(&secs, &tm);
    strftime(expected, sizeof expected, "%Y-%m-%d", &tm);
    assert_string_equal(today, expected);
    int y, m, d;
    assert_true(clock_parse_date(today, &y, &m, &d));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(iso_times_round_trip),
        cmocka_unit_test(today_in_tokyo),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
