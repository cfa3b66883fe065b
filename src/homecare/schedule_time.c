/* SPDX-License-Identifier: Apache-2.0 */
/* The schedule's calendar: Asia/Tokyo is UTC+9 all year (Japan has had no daylight saving
 * time since 1951), so a local time is a fixed offset from UTC and a day is always 24 hours. */
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "homecare_int.h"

enum { TOKYO_OFFSET_MS = 9 * 3600 * 1000, DAY_MS = 24 * 3600 * 1000 };

bool schedule_date_days(const char *date, int64_t *days)
{
    int y, m, d;
    if (!date || !clock_parse_date(date, &y, &m, &d))
        return false;
    *days = clock_days_from_civil(y, m, d);
    return true;
}

/* Howard Hinnant's civil_from_days. */
void schedule_days_date(int64_t days, char out[11])
{
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int d = (int)(doy - (153 * mp + 2) / 5 + 1);
    int m = (int)(mp < 10 ? mp + 3 : mp - 9);
    int y = (int)(yoe + era * 400 + (m <= 2));
    char buf[40];
    snprintf(buf, sizeof buf, "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
    memcpy(out, buf, 10);
    out[10] = '\0';
}

int schedule_weekday(int64_t days)
{
    int w = (int)((days + 3) % 7); /* 1970-01-01 was a Thursday */
    return w < 0 ? w + 7 : w;
}

int64_t schedule_local_ms(int64_t days, int minute)
{
    return days * DAY_MS + (int64_t)minute * 60000 - TOKYO_OFFSET_MS;
}

int64_t schedule_ms_days(int64_t ms)
{
    int64_t local = ms + TOKYO_OFFSET_MS;
    return local >= 0 ? local / DAY_MS : (local - DAY_MS + 1) / DAY_MS;
}

int64_t schedule_today(void)
{
    return schedule_ms_days(clock_now_ms());
}

bool schedule_hhmm_parse(const char *s, int *minute)
{
    int h, m;
    if (!s || !clock_digits(s, 2, &h) || s[2] != ':' || !clock_digits(s + 3, 2, &m) || s[5] ||
        h > 23 || m > 59)
        return false;
    *minute = h * 60 + m;
    return true;
}

void schedule_hhmm_format(int64_t ms, char out[6])
{
    int64_t local = ms + TOKYO_OFFSET_MS;
    int64_t minute = ((local % DAY_MS) + DAY_MS) % DAY_MS / 60000;
    snprintf(out, 6, "%02d:%02d", (int)(minute / 60), (int)(minute % 60));
}
