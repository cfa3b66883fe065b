/* SPDX-License-Identifier: Apache-2.0 */
/* The sharing engine's pure parts (src/sharing/engine.c, rules.c): when a digest is due (the
 * next Tokyo time of day, on a weekday) and the condition lists. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka needs the headers above first */
#include <cmocka.h>

#include "core/clock.h"
#include "sharing/sharing_int.h"

#define HOUR_MS 3600000LL
#define DAY_MS (24 * HOUR_MS)

/* ms of a Tokyo local time (UTC+9). */
static int64_t tokyo(int y, int m, int d, int hh, int mm)
{
    return clock_days_from_civil(y, m, d) * DAY_MS + (hh - 9) * HOUR_MS + mm * 60000LL;
}

static void daily_is_the_next_time_of_day_in_tokyo(void **state)
{
    (void)state;
    /* 17:59 Tokyo → 18:00 the same day; 18:00 exactly → the next day; 23:30 → the next day */
    assert_int_equal(sharing_next_due(tokyo(2026, 12, 7, 17, 59), 18 * 60, 0),
                     tokyo(2026, 12, 7, 18, 0));
    assert_int_equal(sharing_next_due(tokyo(2026, 12, 7, 18, 0), 18 * 60, 0),
                     tokyo(2026, 12, 8, 18, 0));
    assert_int_equal(sharing_next_due(tokyo(2026, 12, 31, 23, 30), 18 * 60, 0),
                     tokyo(2027, 1, 1, 18, 0));
    /* 08:00 Tokyo is 23:00 UTC the day before: the Tokyo day counts, not the UTC one */
    assert_int_equal(sharing_next_due(tokyo(2026, 12, 7, 7, 0), 8 * 60, 0),
                     tokyo(2026, 12, 7, 8, 0));
    assert_int_equal(sharing_next_due(tokyo(2026, 12, 7, 1, 0), 0, 0), tokyo(2026, 12, 8, 0, 0));
}

static void weekly_is_the_next_weekday(void **state)
{
    (void)state;
    /* 2026-12-07 is a Monday */
    assert_int_equal(sharing_next_due(tokyo(2026, 12, 7, 9, 0), 8 * 60 + 30, 1),
                     tokyo(2026, 12, 14, 8, 30));
    assert_int_equal(sharing_next_due(tokyo(2026, 12, 7, 8, 0), 8 * 60 + 30, 1),
                     tokyo(2026, 12, 7, 8, 30));
    assert_int_equal(sharing_next_due(tokyo(2026, 12, 7, 9, 0), 17 * 60, 5),
                     tokyo(2026, 12, 11, 17, 0));
    assert_int_equal(sharing_next_due(tokyo(2026, 12, 13, 23, 59), 0, 7),
                     tokyo(2026, 12, 20, 0, 0));
}

static void condition_lists_match_whole_codes(void **state)
{
    (void)state;
    assert_true(sharing_in_list("", "nurse"));
    assert_true(sharing_in_list("", NULL));
    assert_true(sharing_in_list("physician nurse", "nurse"));
    assert_true(sharing_in_list("nurse physician", "nurse"));
    assert_false(sharing_in_list("physician", "phys"));
    assert_false(sharing_in_list("care_manager", "manager"));
    assert_false(sharing_in_list("high", NULL));
    assert_false(sharing_in_list("high", ""));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(daily_is_the_next_time_of_day_in_tokyo),
        cmocka_unit_test(weekly_is_the_next_weekday),
        cmocka_unit_test(condition_lists_match_whole_codes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
