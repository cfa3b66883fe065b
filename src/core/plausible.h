/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_CORE_PLAUSIBLE_H
#define TSUNAGU_CORE_PLAUSIBLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "errors.h"

/**
 * Plausible values: the range each kind of field may take, so that a birth date in 1800, a
 * lab result before the patient was born, an appointment in the past, "abc" as a phone number,
 * 1回100錠 or 9999 free beds in a 400-bed hospital are refused. One table (plausible.c) holds
 * every range; docs/api.md shows it. The checks are pure (no I/O): the caller gives what the
 * rule needs (the patient's birth date, the period's start, the registered beds) and the time.
 */
enum plausible_kind {
    PLAUSIBLE_BIRTH_DATE,      /* a person's birth date */
    PLAUSIBLE_EVENT_DATE,      /* a clinical event (consent, result, onset, prescription) */
    PLAUSIBLE_PLAN_START,      /* the start of a planned period (a prescription's start) */
    PLAUSIBLE_PERIOD_END,      /* the end of a period, given its start */
    PLAUSIBLE_APPOINTMENT,     /* an appointment or a slot: an instant to come */
    PLAUSIBLE_PHONE,           /* a telephone or fax number */
    PLAUSIBLE_DOSE,            /* one dose of a medication, by its unit */
    PLAUSIBLE_BEDS_REGISTERED, /* beds of one kind an organisation has */
    PLAUSIBLE_BEDS_FREE,       /* free beds of one kind, at most those registered */
    PLAUSIBLE_COUNT,           /* a count people report (new home-care patients this month) */
    PLAUSIBLE_VITAL,           /* a vital sign, by its name (plausible_vitals) */
    PLAUSIBLE__COUNT
};

/** What a rule needs besides the value. Zero-initialise and fill what applies. */
struct plausible_ctx {
    int64_t now_ms;         /* the time to judge by; 0: clock_now_ms() */
    const char *birth_date; /* the patient's "YYYY-MM-DD", for EVENT_DATE and PLAN_START */
    const char *start;      /* PERIOD_END: the start (date or date-time); NULL: now */
    int64_t limit;          /* BEDS_FREE: the beds registered of that kind */
};

/**
 * Why a value was refused, written for English readers (en: the log, the API's English detail)
 * and Japanese readers (ja), from the table of reasons below.
 */
struct plausible_why {
    char en[96];
    char ja[192];
};

/** The reasons a check gives. */
enum plausible_reason {
    PLAUSIBLE_WHY_BEFORE_FLOOR,    /* {1}: the earliest date "YYYY-MM-DD", {2}: it in Japanese */
    PLAUSIBLE_WHY_BEFORE_BIRTH,    /* before the patient's birth date */
    PLAUSIBLE_WHY_IN_PAST,         /* in the past */
    PLAUSIBLE_WHY_IN_FUTURE,       /* in the future */
    PLAUSIBLE_WHY_DAYS_AHEAD,      /* {1}: days ahead at most */
    PLAUSIBLE_WHY_BEFORE_START,    /* before the period's start */
    PLAUSIBLE_WHY_YEARS_AFTER,     /* {1}: years after the start at most */
    PLAUSIBLE_WHY_NOT_DATE,        /* not a date */
    PLAUSIBLE_WHY_NOT_DATE_KIND,   /* a caller's mistake: not a date kind */
    PLAUSIBLE_WHY_PLUS_AT_START,   /* a phone's + elsewhere than at the start */
    PLAUSIBLE_WHY_PHONE_CHARS,     /* a phone with other characters */
    PLAUSIBLE_WHY_PHONE_DIGITS,    /* {1}, {2}: the fewest and most digits of a phone */
    PLAUSIBLE_WHY_NOT_POSITIVE,    /* a dose of 0 or less */
    PLAUSIBLE_WHY_DOSE_MAX,        /* {1}: the largest dose with its unit ("20錠") */
    PLAUSIBLE_WHY_BEDS_FREE,       /* {1}: the beds registered */
    PLAUSIBLE_WHY_RANGE,           /* {1} to {2} */
    PLAUSIBLE_WHY_NOT_NUMBER_KIND, /* a caller's mistake: not a number kind */
    PLAUSIBLE_WHY__COUNT
};

/** One reason in both languages; {1} and {2} stand for its arguments. */
struct plausible_reason_text {
    const char *en;
    const char *ja;
};
/** THE table of reasons (plausible.c), indexed by enum plausible_reason. */
extern const struct plausible_reason_text plausible_reasons[PLAUSIBLE_WHY__COUNT];

/** Writes reason with its arguments (NULL: none) into why; returns why->en. */
const char *plausible_say(struct plausible_why *why, enum plausible_reason reason, const char *a1,
                          const char *a2);
/** Sets err (code, detail "<field>: <why->en>", detail_ja "<field>: <why->ja>"); false. */
bool plausible_error(struct error *err, enum error_code code, const char *field,
                     const struct plausible_why *why);

/** The name of a kind as docs/api.md shows it ("birth_date", "event_date", …). */
const char *plausible_kind_name(enum plausible_kind kind);

/**
 * Checks a date, partial date (YYYY, YYYY-MM) or date-time with offset against the range of
 * kind (any of the date kinds and APPOINTMENT). A partial date passes if some day of it fits.
 * Returns NULL when it fits, else why not: why->en, with why filled in both languages.
 * A value that is no date at all is "not a date" (the format checks come before this one).
 */
const char *plausible_date(enum plausible_kind kind, const char *value,
                           const struct plausible_ctx *ctx, struct plausible_why *why);
/** The same for an instant in milliseconds since the epoch (APPOINTMENT, PERIOD_END). */
const char *plausible_instant(enum plausible_kind kind, int64_t ms, const struct plausible_ctx *ctx,
                              struct plausible_why *why);
/** A phone number: ASCII digits, hyphens, spaces and parentheses, an optional leading +, and
 *  6 to 15 digits. "" (no number) passes. */
const char *plausible_phone(const char *value, struct plausible_why *why);
/** A number of kind DOSE (unit: the dose's unit, e.g. "錠", "mg"; NULL or unknown: the default
 *  row), BEDS_REGISTERED, BEDS_FREE (ctx->limit), COUNT or VITAL (unit: the vital's name in
 *  plausible_vitals; an unknown name is refused). */
const char *plausible_number(enum plausible_kind kind, double value, const char *unit,
                             const struct plausible_ctx *ctx, struct plausible_why *why);
/**
 * Reads the doses written as text ("1回2錠 1日3回"): each "1回" followed by a number and a
 * unit is checked as a DOSE. Full-width digits count.
 */
const char *plausible_dose_text(const char *text, struct plausible_why *why);

/**
 * The API's form of the checks above: on failure sets err (ERR_FIELD_RANGE, plausible_error)
 * and returns false. value NULL passes (an absent optional field).
 */
bool plausible_check_date(struct error *err, const char *field, enum plausible_kind kind,
                          const char *value, const struct plausible_ctx *ctx);
bool plausible_check_phone(struct error *err, const char *field, const char *value);

/** One row of the table of units of a dose, for the docs and the tests. */
struct plausible_dose_unit {
    const char *unit; /* as written after the number ("錠", "mg", "mL") */
    double max;       /* the largest plausible single dose in that unit */
};
/** The units of the DOSE table, ending with the default row (unit NULL). */
extern const struct plausible_dose_unit plausible_dose_units[];

/** One row of the table of vital signs (home-care visit records): the range a measurement at
 *  the bedside may take. Values outside are typing errors (SpO2 140 %, BP 300/20, 45 °C). */
struct plausible_vital {
    const char *name; /* the record's field: "spo2", "bp_systolic", ... */
    const char *unit; /* UCUM */
    double min, max;
};
/** The vital signs, ending with a row whose name is NULL. */
extern const struct plausible_vital plausible_vitals[];

#endif
