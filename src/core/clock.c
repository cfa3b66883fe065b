/* SPDX-License-Identifier: Apache-2.0 */
#include "clock.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Zero but in a test build told otherwise (clock_shift_set at start-up, clock_advance later). */
static _Atomic int64_t shift_ms;

int64_t clock_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + shift_ms;
}

int64_t clock_shift_ms(void)
{
    return shift_ms;
}

bool clock_shift_set(int64_t ms)
{
#ifdef TSUNAGU_TEST_CLOCK
    shift_ms = ms;
    return true;
#else
    return ms == 0;
#endif
}

bool clock_advance(int64_t ms)
{
#ifdef TSUNAGU_TEST_CLOCK
    if (ms < 0)
        return false;
    shift_ms += ms;
    return true;
#else
    (void)ms;
    return false;
#endif
}

int64_t clock_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void clock_deadline_in(struct timespec *out, int64_t us)
{
    clock_gettime(CLOCK_REALTIME, out);
    int64_t ns = out->tv_nsec + us * 1000;
    out->tv_sec += (time_t)(ns / 1000000000);
    out->tv_nsec = (long)(ns % 1000000000);
}

/* value's last width decimal digits at out, zero-padded (the audit record and the answers
 * format a time on every request: this is a tenth of snprintf's cost). */
static void put_digits(char *out, int value, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        out[i] = (char)('0' + value % 10);
        value /= 10;
    }
}

/* YYYY-MM-DD of tm at out (10 characters, no NUL). */
static void put_date(char *out, const struct tm *tm)
{
    put_digits(out, tm->tm_year + 1900, 4);
    out[4] = '-';
    put_digits(out + 5, tm->tm_mon + 1, 2);
    out[7] = '-';
    put_digits(out + 8, tm->tm_mday, 2);
}

void clock_format_iso(int64_t ms, char out[32])
{
    time_t secs = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    if (tm.tm_year + 1900 < 0 || tm.tm_year + 1900 > 9999 || ms < 0) {
        /* outside what four digits and a positive millisecond hold: as printf writes it */
        char buf[96];
        snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ms % 1000));
        memcpy(out, buf, 24);
        out[24] = '\0';
        return;
    }
    put_date(out, &tm);
    out[10] = 'T';
    put_digits(out + 11, tm.tm_hour, 2);
    out[13] = ':';
    put_digits(out + 14, tm.tm_min, 2);
    out[16] = ':';
    put_digits(out + 17, tm.tm_sec, 2);
    out[19] = '.';
    put_digits(out + 20, (int)(ms % 1000), 3);
    out[23] = 'Z';
    out[24] = '\0';
}

bool clock_is_leap_year(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int clock_days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && clock_is_leap_year(y) ? 29 : days[m - 1];
}

bool clock_digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

static bool parse_date_prefix(const char *s, int *y, int *m, int *d)
{
    if (!clock_digits(s, 4, y) || s[4] != '-' || !clock_digits(s + 5, 2, m) || s[7] != '-' ||
        !clock_digits(s + 8, 2, d))
        return false;
    return *y >= 1800 && *y <= 2200 && *m >= 1 && *m <= 12 && *d >= 1 &&
           *d <= clock_days_in_month(*y, *m);
}

bool clock_parse_date(const char *s, int *y, int *m, int *d)
{
    return s && strlen(s) == 10 && parse_date_prefix(s, y, m, d);
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
int64_t clock_days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static bool parse_time_part(const char *p, int64_t *ms_of_day, int *offset_min)
{
    int hh, mi, ss = 0, frac = 0;
    if (!clock_digits(p, 2, &hh) || p[2] != ':' || !clock_digits(p + 3, 2, &mi) || hh > 23 ||
        mi > 59)
        return false;
    p += 5;
    if (*p == ':') {
        if (!clock_digits(p + 1, 2, &ss) || ss > 59)
            return false;
        p += 3;
        if (*p == '.') {
            p++;
            int n = 0, scale = 1000;
            while (*p >= '0' && *p <= '9' && n < 9) {
                scale /= 10;
                frac += (*p - '0') * (scale ? scale : 0);
                p++, n++;
            }
            if (n == 0)
                return false;
        }
    }
    if (*p == 'Z' && p[1] == '\0') {
        *offset_min = 0;
    } else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
        int oh, om;
        if (!clock_digits(p + 1, 2, &oh) || !clock_digits(p + 4, 2, &om) || oh > 14 || om > 59)
            return false;
        *offset_min = (*p == '-' ? -1 : 1) * (oh * 60 + om);
    } else {
        return false;
    }
    *ms_of_day = ((int64_t)hh * 3600 + mi * 60 + ss) * 1000 + frac;
    return true;
}

bool clock_parse_iso(const char *s, int64_t *ms)
{
    int y, m, d;
    if (!s || strlen(s) < 10 || !parse_date_prefix(s, &y, &m, &d))
        return false;
    int64_t day_ms = clock_days_from_civil(y, m, d) * 86400000LL;
    if (s[10] == '\0') {
        *ms = day_ms;
        return true;
    }
    if (s[10] != 'T')
        return false;
    int64_t tod;
    int offset;
    if (!parse_time_part(s + 11, &tod, &offset))
        return false;
    *ms = day_ms + tod - (int64_t)offset * 60000;
    return true;
}

void clock_today_tokyo(char out[11])
{
    time_t secs = (time_t)(clock_now_ms() / 1000) + 9 * 3600; /* JST has no DST */
    struct tm tm;
    gmtime_r(&secs, &tm);
    put_date(out, &tm);
    out[10] = '\0';
}

int clock_age_years(const char *birth_date)
{
    int by, bm, bd, ty, tm, td;
    char today[11];
    clock_today_tokyo(today);
    if (!clock_parse_date(birth_date, &by, &bm, &bd) || !clock_parse_date(today, &ty, &tm, &td))
        return -1;
    int age = ty - by;
    if (tm < bm || (tm == bm && td < bd))
        age--;
    return age < 0 ? -1 : age;
}
