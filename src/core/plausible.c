/* SPDX-License-Identifier: Apache-2.0 */
/* The ranges of plausible values, in one table (docs/api.md, "Plausible values", shows it). */
#include "plausible.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"

#define DAY_MS (86400LL * 1000)
#define TOKYO_OFFSET_MS (9LL * 3600 * 1000) /* JST, no DST: fixed, for any year */

struct rule {
    const char *name;
    const char *floor; /* dates: the earliest, "YYYY-MM-DD" (Tokyo), or NULL */
    bool after_birth;  /* dates: not before the patient's birth date */
    int ahead_days;    /* dates: at most today + this (APPOINTMENT: now + this; PERIOD_END:
                          the start + this) */
    double min, max;   /* numbers: the range (PHONE: digits; BEDS_FREE: max is the limit) */
};

/* THE table. The reasons for each bound are in docs/api.md. */
static const struct rule rules[PLAUSIBLE__COUNT] = {
    [PLAUSIBLE_BIRTH_DATE] = {"birth_date", "1900-01-01", false, 0, 0, 0},
    [PLAUSIBLE_EVENT_DATE] = {"event_date", "1900-01-01", true, 0, 0, 0},
    [PLAUSIBLE_PLAN_START] = {"plan_start", "1900-01-01", true, 366, 0, 0},
    [PLAUSIBLE_PERIOD_END] = {"period_end", NULL, false, 3660, 0, 0},
    [PLAUSIBLE_APPOINTMENT] = {"appointment", NULL, false, 366, 0, 0},
    [PLAUSIBLE_PHONE] = {"phone", NULL, false, 0, 6, 15},
    [PLAUSIBLE_DOSE] = {"dose", NULL, false, 0, 0, 0}, /* > 0, at most plausible_dose_units */
    [PLAUSIBLE_BEDS_REGISTERED] = {"beds_registered", NULL, false, 0, 0, 3000},
    [PLAUSIBLE_BEDS_FREE] = {"beds_free", NULL, false, 0, 0, 0}, /* at most ctx->limit */
    [PLAUSIBLE_COUNT] = {"count", NULL, false, 0, 0, 9999},
    [PLAUSIBLE_VITAL] = {"vital", NULL, false, 0, 0, 0}, /* by name: plausible_vitals */
};

/* The plausible range of each vital sign measured at a home visit: wide enough for the very
 * ill (a pulse of 30, a glucose of 900), narrow enough to catch a slip of the finger. */
const struct plausible_vital plausible_vitals[] = {
    {"bp_systolic", "mm[Hg]", 40, 280}, {"bp_diastolic", "mm[Hg]", 25, 180},
    {"pulse", "/min", 20, 250},         {"spo2", "%", 50, 100},
    {"temperature", "Cel", 30, 43},     {"respiratory_rate", "/min", 3, 80},
    {"weight", "kg", 1, 300},           {"blood_glucose", "mg/dL", 10, 1500},
    {"pain_nrs", "{score}", 0, 10},     {NULL, NULL, 0, 0},
};

/* The largest plausible single dose by unit (package inserts' maxima with room to spare). */
const struct plausible_dose_unit plausible_dose_units[] = {
    {"錠", 20},      {"カプセル", 20}, {"Cap", 20},   {"包", 10},    {"袋", 10},    {"本", 10},
    {"枚", 10},      {"個", 10},       {"滴", 20},    {"吸入", 8},   {"パフ", 8},   {"mg", 5000},
    {"g", 150},      {"mL", 2000},     {"ml", 2000},  {"μg", 10000}, {"µg", 10000}, {"mcg", 10000},
    {"単位", 50000}, {"IU", 50000},    {NULL, 10000}, /* any other unit */
};

/* THE table of reasons: English for the log and English readers, Japanese for the others. */
const struct plausible_reason_text plausible_reasons[PLAUSIBLE_WHY__COUNT] = {
    [PLAUSIBLE_WHY_BEFORE_FLOOR] = {"before {1}", "{2}より前です"},
    [PLAUSIBLE_WHY_BEFORE_BIRTH] = {"before the patient's birth date",
                                    "患者の生年月日より前の日付です"},
    [PLAUSIBLE_WHY_IN_PAST] = {"in the past", "過去の日時です"},
    [PLAUSIBLE_WHY_IN_FUTURE] = {"in the future", "未来の日付です"},
    [PLAUSIBLE_WHY_DAYS_AHEAD] = {"more than {1} days ahead", "{1}日より先の日付です"},
    [PLAUSIBLE_WHY_BEFORE_START] = {"before the start", "開始日より前です"},
    [PLAUSIBLE_WHY_YEARS_AFTER] = {"more than {1} years after the start",
                                   "開始日から{1}年を超えています"},
    [PLAUSIBLE_WHY_NOT_DATE] = {"not a date", "日付ではありません"},
    [PLAUSIBLE_WHY_NOT_DATE_KIND] = {"not a date kind", "日付の項目ではありません"},
    [PLAUSIBLE_WHY_PLUS_AT_START] = {"+ only at the start", "+は先頭にだけ書けます"},
    [PLAUSIBLE_WHY_PHONE_CHARS] =
        {"only digits, hyphens, spaces, parentheses and a leading +",
         "電話番号は数字・ハイフン・空白・括弧・先頭の+のみで入力してください"},
    [PLAUSIBLE_WHY_PHONE_DIGITS] = {"{1} to {2} digits", "電話番号は{1}〜{2}桁で入力してください"},
    [PLAUSIBLE_WHY_NOT_POSITIVE] = {"must be more than 0", "0より大きい値にしてください"},
    [PLAUSIBLE_WHY_DOSE_MAX] = {"more than {1} in one dose", "1回量が上限({1})を超えています"},
    [PLAUSIBLE_WHY_BEDS_FREE] = {"more than the {1} beds registered",
                                 "登録病床数({1}床)を超えています"},
    [PLAUSIBLE_WHY_RANGE] = {"{1} to {2}", "{1}〜{2}の範囲で入力してください"},
    [PLAUSIBLE_WHY_NOT_NUMBER_KIND] = {"not a number kind", "数値の項目ではありません"},
};

/* Writes template into out, {1} and {2} replaced by a1 and a2 ("" when NULL). */
static void fill(char *out, size_t size, const char *template, const char *a1, const char *a2)
{
    size_t n = 0;
    for (const char *t = template; *t && n + 1 < size; t++) {
        const char *arg = NULL;
        if (t[0] == '{' && (t[1] == '1' || t[1] == '2') && t[2] == '}') {
            arg = t[1] == '1' ? a1 : a2;
            t += 2;
        }
        if (!arg) {
            out[n++] = *t;
            continue;
        }
        for (; *arg && n + 1 < size; arg++)
            out[n++] = *arg;
    }
    out[n] = '\0';
}

const char *plausible_say(struct plausible_why *why, enum plausible_reason reason, const char *a1,
                          const char *a2)
{
    if ((int)reason < 0 || reason >= PLAUSIBLE_WHY__COUNT)
        reason = PLAUSIBLE_WHY_NOT_DATE_KIND;
    fill(why->en, sizeof why->en, plausible_reasons[reason].en, a1, a2);
    fill(why->ja, sizeof why->ja, plausible_reasons[reason].ja, a1, a2);
    return why->en;
}

/* A number as the reasons write it ("200", "0.5"). */
static const char *number_text(char out[32], double value)
{
    snprintf(out, 32, "%g", value);
    return out;
}

bool plausible_error(struct error *err, enum error_code code, const char *field,
                     const struct plausible_why *why)
{
    char en[sizeof err->detail], ja[sizeof err->detail_ja];
    snprintf(en, sizeof en, "%s: %s", field, why->en);
    snprintf(ja, sizeof ja, "%s: %s", field, why->ja);
    return error_set_bilingual(err, code, en, ja);
}

const char *plausible_kind_name(enum plausible_kind kind)
{
    return kind >= 0 && kind < PLAUSIBLE__COUNT ? rules[kind].name : "?";
}

/* ---- dates as spans of instants -------------------------------------------------------- */

struct span {
    int64_t lo, hi; /* the first and last millisecond the value may mean */
};

static int64_t tokyo_midnight(int y, int m, int d)
{
    return clock_days_from_civil(y, m, d) * DAY_MS - TOKYO_OFFSET_MS;
}

/* YYYY, YYYY-MM, YYYY-MM-DD (Tokyo days) or a date-time with offset. */
static bool span_of(const char *v, struct span *out)
{
    int y, m = 1, d = 1;
    size_t n = v ? strlen(v) : 0;
    if (n == 4 || n == 7) {
        if (!clock_digits(v, 4, &y) || y < 1 ||
            (n == 7 && (v[4] != '-' || !clock_digits(v + 5, 2, &m) || m < 1 || m > 12)))
            return false;
        out->lo = tokyo_midnight(y, m, 1);
        out->hi = n == 4 ? tokyo_midnight(y + 1, 1, 1) - 1
                         : out->lo + clock_days_in_month(y, m) * DAY_MS - 1;
        return true;
    }
    if (n == 10) {
        if (!clock_parse_date(v, &y, &m, &d))
            return false;
        out->lo = tokyo_midnight(y, m, d);
        out->hi = out->lo + DAY_MS - 1;
        return true;
    }
    if (n < 20 || v[10] != 'T' || !clock_parse_iso(v, &out->lo))
        return false;
    out->hi = out->lo;
    return true;
}

/* The end of today's Tokyo day plus days. */
static int64_t end_of_day_after(int64_t now, int days)
{
    int64_t local = now + TOKYO_OFFSET_MS;
    int64_t day = local >= 0 ? local / DAY_MS : -((-local + DAY_MS - 1) / DAY_MS);
    return (day + 1 + days) * DAY_MS - TOKYO_OFFSET_MS - 1;
}

static const char *say(struct plausible_why *why, enum plausible_reason reason)
{
    return plausible_say(why, reason, NULL, NULL);
}

/* "1900-01-01" as Japanese write it: "1900年1月1日". */
static const char *date_ja(char out[32], const char *iso)
{
    int y, m, d;
    if (clock_parse_date(iso, &y, &m, &d))
        snprintf(out, 32, "%d年%d月%d日", y, m, d);
    else
        snprintf(out, 32, "%s", iso);
    return out;
}

static const char *check_span(enum plausible_kind kind, struct span v,
                              const struct plausible_ctx *ctx, struct plausible_why *why)
{
    const struct rule *r = &rules[kind];
    int64_t now = ctx && ctx->now_ms ? ctx->now_ms : clock_now_ms();
    struct span floor;
    if (r->floor && span_of(r->floor, &floor) && v.hi < floor.lo) {
        char ja[32];
        return plausible_say(why, PLAUSIBLE_WHY_BEFORE_FLOOR, r->floor, date_ja(ja, r->floor));
    }
    if (r->after_birth && ctx && ctx->birth_date && span_of(ctx->birth_date, &floor) &&
        v.hi < floor.lo)
        return say(why, PLAUSIBLE_WHY_BEFORE_BIRTH);
    if (kind == PLAUSIBLE_APPOINTMENT) {
        if (v.hi < now)
            return say(why, PLAUSIBLE_WHY_IN_PAST);
        if (v.lo > now + r->ahead_days * DAY_MS)
            return plausible_say(why, PLAUSIBLE_WHY_DAYS_AHEAD, "366", NULL);
        return NULL;
    }
    if (kind == PLAUSIBLE_PERIOD_END) {
        struct span start = {now, now};
        if (ctx && ctx->start && !span_of(ctx->start, &start))
            return NULL; /* the start is refused on its own */
        if (v.hi < start.lo)
            return say(why, ctx && ctx->start ? PLAUSIBLE_WHY_BEFORE_START : PLAUSIBLE_WHY_IN_PAST);
        if (v.lo > start.hi + r->ahead_days * DAY_MS)
            return plausible_say(why, PLAUSIBLE_WHY_YEARS_AFTER, "10", NULL);
        return NULL;
    }
    if (v.lo > end_of_day_after(now, r->ahead_days))
        return r->ahead_days ? plausible_say(why, PLAUSIBLE_WHY_DAYS_AHEAD, "366", NULL)
                             : say(why, PLAUSIBLE_WHY_IN_FUTURE);
    return NULL;
}

const char *plausible_date(enum plausible_kind kind, const char *value,
                           const struct plausible_ctx *ctx, struct plausible_why *why)
{
    struct span v;
    if (kind < 0 || kind > PLAUSIBLE_APPOINTMENT)
        return say(why, PLAUSIBLE_WHY_NOT_DATE_KIND);
    if (!span_of(value, &v))
        return say(why, PLAUSIBLE_WHY_NOT_DATE);
    return check_span(kind, v, ctx, why);
}

const char *plausible_instant(enum plausible_kind kind, int64_t ms, const struct plausible_ctx *ctx,
                              struct plausible_why *why)
{
    if (kind < 0 || kind > PLAUSIBLE_APPOINTMENT)
        return say(why, PLAUSIBLE_WHY_NOT_DATE_KIND);
    return check_span(kind, (struct span){ms, ms}, ctx, why);
}

/* ---- phone numbers ----------------------------------------------------------------------- */

const char *plausible_phone(const char *value, struct plausible_why *why)
{
    int digits = 0;
    const struct rule *r = &rules[PLAUSIBLE_PHONE];
    if (!value || !value[0])
        return NULL;
    for (const char *c = value; *c; c++) {
        if (*c >= '0' && *c <= '9')
            digits++;
        else if (*c == '+' && c != value)
            return say(why, PLAUSIBLE_WHY_PLUS_AT_START);
        else if (!strchr("+-() ", *c))
            return say(why, PLAUSIBLE_WHY_PHONE_CHARS);
    }
    if (digits < r->min || digits > r->max) {
        char lo[32], hi[32];
        return plausible_say(why, PLAUSIBLE_WHY_PHONE_DIGITS, number_text(lo, r->min),
                             number_text(hi, r->max));
    }
    return NULL;
}

/* ---- numbers ------------------------------------------------------------------------------- */

static const struct plausible_dose_unit *dose_unit(const char *unit)
{
    const struct plausible_dose_unit *u = plausible_dose_units;
    for (; u->unit; u++)
        if (unit && strcmp(u->unit, unit) == 0)
            return u;
    return u;
}

const char *plausible_number(enum plausible_kind kind, double value, const char *unit,
                             const struct plausible_ctx *ctx, struct plausible_why *why)
{
    double min = rules[kind].min, max = rules[kind].max;
    if (kind == PLAUSIBLE_DOSE) {
        const struct plausible_dose_unit *u = dose_unit(unit);
        if (value <= 0)
            return say(why, PLAUSIBLE_WHY_NOT_POSITIVE);
        if (value > u->max) {
            char most[64];
            snprintf(most, sizeof most, "%g%s", u->max, u->unit ? u->unit : "");
            return plausible_say(why, PLAUSIBLE_WHY_DOSE_MAX, most, NULL);
        }
        return NULL;
    }
    if (kind == PLAUSIBLE_VITAL) {
        const struct plausible_vital *v = plausible_vitals;
        while (v->name && (!unit || strcmp(v->name, unit) != 0))
            v++;
        if (!v->name)
            return say(why, PLAUSIBLE_WHY_NOT_NUMBER_KIND);
        min = v->min;
        max = v->max;
    } else if (kind == PLAUSIBLE_BEDS_FREE)
        max = ctx ? (double)ctx->limit : 0;
    else if (kind != PLAUSIBLE_BEDS_REGISTERED && kind != PLAUSIBLE_COUNT)
        return say(why, PLAUSIBLE_WHY_NOT_NUMBER_KIND);
    char lo[32], hi[32];
    if (value < min || value > max)
        return kind == PLAUSIBLE_BEDS_FREE
                   ? plausible_say(why, PLAUSIBLE_WHY_BEDS_FREE, number_text(hi, max), NULL)
                   : plausible_say(why, PLAUSIBLE_WHY_RANGE, number_text(lo, min),
                                   number_text(hi, max));
    return NULL;
}

/* Reads a number at *p (ASCII or full-width digits and point) into out; advances *p. */
static bool read_number(const char **p, double *out)
{
    char buf[32];
    size_t n = 0;
    const unsigned char *s = (const unsigned char *)*p;
    while (n < sizeof buf - 1) {
        if ((*s >= '0' && *s <= '9') || *s == '.') {
            buf[n++] = (char)*s++;
        } else if (s[0] == 0xEF && s[1] == 0xBC && s[2] >= 0x90 && s[2] <= 0x99) {
            buf[n++] = (char)('0' + s[2] - 0x90); /* ０-９ */
            s += 3;
        } else if (s[0] == 0xEF && s[1] == 0xBC && s[2] == 0x8E) {
            buf[n++] = '.'; /* ． */
            s += 3;
        } else {
            break;
        }
    }
    buf[n] = '\0';
    *p = (const char *)s;
    if (n == 0 || buf[0] == '.')
        return false;
    *out = strtod(buf, NULL);
    return true;
}

static void skip_spaces(const char **p)
{
    for (;;) {
        if (**p == ' ')
            (*p)++;
        else if (strncmp(*p, "\u3000", 3) == 0 || strncmp(*p, "量", 3) == 0)
            *p += 3; /* ideographic space; 1回量 */
        else
            return;
    }
}

static bool digit_before(const char *text, const char *at)
{
    if (at > text && at[-1] >= '0' && at[-1] <= '9')
        return true;
    const unsigned char *u = (const unsigned char *)at;
    return at - text >= 3 && u[-3] == 0xEF && u[-2] == 0xBC && u[-1] >= 0x90 && u[-1] <= 0x99;
}

/* The unit written at p, from the table (the longest match), or NULL. */
static const char *unit_at(const char *p)
{
    const char *best = NULL;
    for (const struct plausible_dose_unit *u = plausible_dose_units; u->unit; u++)
        if (strncmp(p, u->unit, strlen(u->unit)) == 0 && (!best || strlen(u->unit) > strlen(best)))
            best = u->unit;
    return best;
}

const char *plausible_dose_text(const char *text, struct plausible_why *why)
{
    static const char *const once[] = {"1回", "１回"};
    for (size_t k = 0; text && k < 2; k++) {
        for (const char *at = strstr(text, once[k]); at; at = strstr(at + 1, once[k])) {
            if (digit_before(text, at))
                continue;
            const char *p = at + strlen(once[k]);
            double value;
            skip_spaces(&p);
            if (!read_number(&p, &value))
                continue;
            skip_spaces(&p);
            const char *unit = unit_at(p);
            if (unit && plausible_number(PLAUSIBLE_DOSE, value, unit, NULL, why))
                return why->en;
        }
    }
    return NULL;
}

/* ---- the API's form ---------------------------------------------------------------------- */

bool plausible_check_date(struct error *err, const char *field, enum plausible_kind kind,
                          const char *value, const struct plausible_ctx *ctx)
{
    struct plausible_why why;
    if (!value || !plausible_date(kind, value, ctx, &why))
        return true;
    return plausible_error(err, ERR_FIELD_RANGE, field, &why);
}

bool plausible_check_phone(struct error *err, const char *field, const char *value)
{
    struct plausible_why why;
    if (!plausible_phone(value, &why))
        return true;
    return plausible_error(err, ERR_FIELD_RANGE, field, &why);
}
