/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka needs the headers above first */
#include <cmocka.h>

#include <string.h>

#include "core/clock.h"
#include "core/plausible.h"

/* 2026-12-07 12:00 in Tokyo (03:00 UTC): the "now" of every check below. */
static int64_t now_ms(void)
{
    return clock_days_from_civil(2026, 12, 7) * 86400000LL + 3 * 3600000LL;
}

static const char *date_why(enum plausible_kind kind, const char *value, const char *birth,
                            const char *start)
{
    static struct plausible_why why_buf;
    struct plausible_why *why = &why_buf;
    struct plausible_ctx ctx = {.now_ms = now_ms(), .birth_date = birth, .start = start};
    return plausible_date(kind, value, &ctx, why);
}

static void birth_dates_from_1900_to_today(void **state)
{
    (void)state;
    assert_string_equal(date_why(PLAUSIBLE_BIRTH_DATE, "1899-12-31", NULL, NULL),
                        "before 1900-01-01");
    assert_null(date_why(PLAUSIBLE_BIRTH_DATE, "1900-01-01", NULL, NULL));
    assert_null(date_why(PLAUSIBLE_BIRTH_DATE, "2026-12-07", NULL, NULL));
    assert_string_equal(date_why(PLAUSIBLE_BIRTH_DATE, "2026-12-08", NULL, NULL), "in the future");
    assert_string_equal(date_why(PLAUSIBLE_BIRTH_DATE, "1800-01-01", NULL, NULL),
                        "before 1900-01-01");
}

static void clinical_events_between_birth_and_today(void **state)
{
    (void)state;
    const char *birth = "1941-05-03";
    assert_string_equal(date_why(PLAUSIBLE_EVENT_DATE, "1941-05-02", birth, NULL),
                        "before the patient's birth date");
    assert_null(date_why(PLAUSIBLE_EVENT_DATE, "1941-05-03", birth, NULL));
    // a partial date passes if some day of it fits: 1941 and 1941-05 hold the birth date
    assert_null(date_why(PLAUSIBLE_EVENT_DATE, "1941", birth, NULL));
    assert_null(date_why(PLAUSIBLE_EVENT_DATE, "1941-05", birth, NULL));
    assert_non_null(date_why(PLAUSIBLE_EVENT_DATE, "1941-04", birth, NULL));
    // a date-time is read in Tokyo: 15:00Z on the 2nd is midnight of the 3rd
    assert_null(date_why(PLAUSIBLE_EVENT_DATE, "1941-05-02T15:00:00Z", birth, NULL));
    assert_non_null(date_why(PLAUSIBLE_EVENT_DATE, "1941-05-02T14:59:59Z", birth, NULL));
    // today is fine all day long in Tokyo, tomorrow is not
    assert_null(date_why(PLAUSIBLE_EVENT_DATE, "2026-12-07T23:59:00+09:00", birth, NULL));
    assert_string_equal(date_why(PLAUSIBLE_EVENT_DATE, "2026-12-08", birth, NULL), "in the future");
    // without a patient the floor is 1900
    assert_non_null(date_why(PLAUSIBLE_EVENT_DATE, "1800-01-01", NULL, NULL));
    assert_null(date_why(PLAUSIBLE_EVENT_DATE, "1900-01-01", NULL, NULL));
}

static void plans_and_periods(void **state)
{
    (void)state;
    assert_null(date_why(PLAUSIBLE_PLAN_START, "2027-12-08", NULL, NULL));
    assert_string_equal(date_why(PLAUSIBLE_PLAN_START, "2027-12-09", NULL, NULL),
                        "more than 366 days ahead");
    assert_null(date_why(PLAUSIBLE_PERIOD_END, "2026-12-07", NULL, "2026-12-07"));
    assert_string_equal(date_why(PLAUSIBLE_PERIOD_END, "2026-12-06", NULL, "2026-12-07"),
                        "before the start");
    assert_non_null(date_why(PLAUSIBLE_PERIOD_END, "2040-01-01", NULL, "2026-12-07"));
    // no start: the period starts now (a restriction's end)
    assert_null(date_why(PLAUSIBLE_PERIOD_END, "2026-12-07", NULL, NULL));
    assert_string_equal(date_why(PLAUSIBLE_PERIOD_END, "1800-01-01", NULL, NULL), "in the past");
}

static void appointments_are_to_come(void **state)
{
    (void)state;
    struct plausible_why why_buf, *why = &why_buf;
    struct plausible_ctx ctx = {.now_ms = now_ms()};
    assert_string_equal(plausible_instant(PLAUSIBLE_APPOINTMENT, now_ms() - 60000, &ctx, why),
                        "in the past");
    assert_null(plausible_instant(PLAUSIBLE_APPOINTMENT, now_ms() + 60000, &ctx, why));
    assert_null(date_why(PLAUSIBLE_APPOINTMENT, "2027-12-01T10:30:00+09:00", NULL, NULL));
    assert_string_equal(date_why(PLAUSIBLE_APPOINTMENT, "1800-01-01T10:18:00+09:00", NULL, NULL),
                        "in the past");
    assert_string_equal(date_why(PLAUSIBLE_APPOINTMENT, "2028-01-01T10:00:00+09:00", NULL, NULL),
                        "more than 366 days ahead");
}

static void phone_numbers(void **state)
{
    (void)state;
    struct plausible_why why_buf, *why = &why_buf;
    assert_null(plausible_phone("099-555-0101", why));
    assert_null(plausible_phone("+81 (99) 555-0101", why));
    assert_null(plausible_phone("", why));
    assert_non_null(plausible_phone("abc", why));
    assert_non_null(plausible_phone("12345", why));                  /* 5 digits */
    assert_non_null(plausible_phone("1234567890123456", why));       /* 16 digits */
    assert_non_null(plausible_phone("099+555+0101", why));           /* + inside */
    assert_non_null(plausible_phone("０９９-５５５-０１０１", why)); /* full-width */
}

static void doses_and_counts(void **state)
{
    (void)state;
    struct plausible_why why_buf, *why = &why_buf;
    struct plausible_ctx beds = {.limit = 400};
    assert_null(plausible_number(PLAUSIBLE_DOSE, 20, "錠", NULL, why));
    assert_string_equal(plausible_number(PLAUSIBLE_DOSE, 100, "錠", NULL, why),
                        "more than 20錠 in one dose");
    assert_non_null(plausible_number(PLAUSIBLE_DOSE, 0, "mg", NULL, why));
    assert_null(plausible_number(PLAUSIBLE_DOSE, 5000, "mg", NULL, why));
    assert_non_null(plausible_number(PLAUSIBLE_DOSE, 10001, "unknown-unit", NULL, why));
    assert_null(plausible_number(PLAUSIBLE_BEDS_FREE, 400, NULL, &beds, why));
    assert_string_equal(plausible_number(PLAUSIBLE_BEDS_FREE, 9999, NULL, &beds, why),
                        "more than the 400 beds registered");
    assert_non_null(plausible_number(PLAUSIBLE_BEDS_FREE, -1, NULL, &beds, why));
    assert_non_null(plausible_number(PLAUSIBLE_BEDS_REGISTERED, 3001, NULL, NULL, why));
    assert_non_null(plausible_number(PLAUSIBLE_COUNT, 10000, NULL, NULL, why));
}

/* The vitals of a home-care visit record: the impossible values are refused. */
static void vital_signs(void **state)
{
    (void)state;
    struct plausible_why why_buf, *why = &why_buf;
    assert_null(plausible_number(PLAUSIBLE_VITAL, 96, "spo2", NULL, why));
    assert_string_equal(plausible_number(PLAUSIBLE_VITAL, 140, "spo2", NULL, why), "50 to 100");
    assert_non_null(plausible_number(PLAUSIBLE_VITAL, 300, "bp_systolic", NULL, why));
    assert_non_null(plausible_number(PLAUSIBLE_VITAL, 20, "bp_diastolic", NULL, why));
    assert_non_null(plausible_number(PLAUSIBLE_VITAL, 45, "temperature", NULL, why));
    assert_null(plausible_number(PLAUSIBLE_VITAL, 36.5, "temperature", NULL, why));
    assert_null(plausible_number(PLAUSIBLE_VITAL, 0, "pain_nrs", NULL, why));
    assert_non_null(plausible_number(PLAUSIBLE_VITAL, 5, "unknown-vital", NULL, why));
    assert_non_null(plausible_number(PLAUSIBLE_VITAL, 5, NULL, NULL, why));
}

static void doses_written_as_text(void **state)
{
    (void)state;
    struct plausible_why why_buf, *why = &why_buf;
    assert_null(plausible_dose_text("1回1錠 1日3回 毎食後", why));
    assert_null(plausible_dose_text("1日1回 朝食後", why));
    assert_null(plausible_dose_text("1日11回2錠", why)); /* not "1回": 11回 */
    assert_non_null(plausible_dose_text("1回100錠 1日3回", why));
    assert_non_null(plausible_dose_text("１回　３０錠", why));
    assert_non_null(plausible_dose_text("朝 1回量 6000mg", why));
    assert_null(plausible_dose_text("1回 2.5mL", why));
}

/* Every reason has an English and a Japanese text; the Japanese has no English word in it. */
static void every_reason_in_both_languages(void **state)
{
    (void)state;
    for (int i = 0; i < PLAUSIBLE_WHY__COUNT; i++) {
        const struct plausible_reason_text *r = &plausible_reasons[i];
        assert_non_null(r->en);
        assert_non_null(r->ja);
        assert_true(r->en[0] && r->ja[0]);
        for (const char *c = r->en; *c; c++)
            assert_true((unsigned char)*c < 0x80); /* English: ASCII */
        for (const char *c = r->ja; *c; c++)
            assert_false((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z'));
    }
}

static void reasons_are_written_for_each_reader(void **state)
{
    (void)state;
    struct plausible_why why;
    struct plausible_ctx ctx = {.now_ms = now_ms(), .limit = 200};
    assert_non_null(plausible_number(PLAUSIBLE_BEDS_FREE, 9999, NULL, &ctx, &why));
    assert_string_equal(why.en, "more than the 200 beds registered");
    assert_string_equal(why.ja, "登録病床数(200床)を超えています");
    assert_non_null(plausible_date(PLAUSIBLE_BIRTH_DATE, "1800-01-01", &ctx, &why));
    assert_string_equal(why.en, "before 1900-01-01");
    assert_string_equal(why.ja, "1900年1月1日より前です");
    assert_non_null(plausible_number(PLAUSIBLE_DOSE, 100, "錠", NULL, &why));
    assert_string_equal(why.en, "more than 20錠 in one dose");
    assert_string_equal(why.ja, "1回量が上限(20錠)を超えています");
    ctx.birth_date = "1941-05-03";
    assert_non_null(plausible_date(PLAUSIBLE_EVENT_DATE, "1941-05-02", &ctx, &why));
    assert_string_equal(why.ja, "患者の生年月日より前の日付です");
    assert_non_null(plausible_phone("12345", &why));
    assert_string_equal(why.en, "6 to 15 digits");
    assert_string_equal(why.ja, "電話番号は6〜15桁で入力してください");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(birth_dates_from_1900_to_today),
        cmocka_unit_test(clinical_events_between_birth_and_today),
        cmocka_unit_test(plans_and_periods),
        cmocka_unit_test(appointments_are_to_come),
        cmocka_unit_test(phone_numbers),
        cmocka_unit_test(doses_and_counts),
        cmocka_unit_test(vital_signs),
        cmocka_unit_test(doses_written_as_text),
        cmocka_unit_test(every_reason_in_both_languages),
        cmocka_unit_test(reasons_are_written_for_each_reader),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
