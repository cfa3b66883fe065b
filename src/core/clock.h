/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_CORE_CLOCK_H
#define TSUNAGU_CORE_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

/** Wall-clock time in milliseconds since the Unix epoch (UTC), plus the test shift. Every
 *  "now" of the program (and SQLite's 'now', see store/sqlite.c) comes from here. */
int64_t clock_now_ms(void);
/**
 * Moves the program's wall clock ms ahead (or back), for tests that run the server on another
 * date. Only a test build (meson -Dtest_clock=true) honours it: elsewhere it returns false for
 * any shift but 0. Call once at start-up, before any thread runs.
 */
bool clock_shift_set(int64_t ms);
/** Moves the running program's wall clock ms (≥ 0) ahead, in a test build only (false
 *  elsewhere): the tests of what happens at a time of day or after N minutes (digests,
 *  escalations) use it through POST /api/test/clock. Time never goes back. */
bool clock_advance(int64_t ms);
/** The shift clock_shift_set and clock_advance gave (0 in a production build). */
int64_t clock_shift_ms(void);
/** Monotonic milliseconds, for durations. */
int64_t clock_mono_ms(void);
struct timespec;
/** The absolute CLOCK_REALTIME time us microseconds from now, for pthread_cond_timedwait. */
void clock_deadline_in(struct timespec *out, int64_t us);
/** Formats ms as "2026-11-22T03:04:05.678Z" (out needs 25 bytes). */
void clock_format_iso(int64_t ms, char out[32]);
/** Calendar arithmetic (proleptic Gregorian), shared by every date parser. */
bool clock_is_leap_year(int y);
/** Days of month m (1–12) of year y. */
int clock_days_in_month(int y, int m);
/** Days since 1970-01-01 (Howard Hinnant's days_from_civil). */
int64_t clock_days_from_civil(int y, int m, int d);
/** Reads exactly n ASCII digits at s into *out; false if any is not a digit. */
bool clock_digits(const char *s, int n, int *out);

/** Parses "YYYY-MM-DD" (a real calendar date); fills y/m/d. */
bool clock_parse_date(const char *s, int *y, int *m, int *d);
/** Parses an ISO 8601 date or date-time ("YYYY-MM-DD", "YYYY-MM-DDThh:mm[:ss[.fff]](Z|±hh:mm)")
 *  into UTC milliseconds. */
bool clock_parse_iso(const char *s, int64_t *ms);
/** Today's date in Asia/Tokyo as "YYYY-MM-DD" (out needs 11 bytes). */
void clock_today_tokyo(char out[11]);
/** Age in whole years on today's date in Asia/Tokyo, or -1 if birth_date is not a date. */
int clock_age_years(const char *birth_date);

#endif
