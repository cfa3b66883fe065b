/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_FHIR_SEARCH_PARAMS_H
#define TSUNAGU_FHIR_SEARCH_PARAMS_H

/* The declared FHIR R4 search parameters of each resource type (one C table per type, see
 * DESIGN.md "Data model") and the extraction of their index values from a resource. Pure: a
 * jansson json_t in, values out; no store, no HTTP. */

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/errors.h"

/** FHIR R4 search §3.1.1.4: the parameter types we index. */
enum fhir_param_type {
    FHIR_PARAM_TOKEN,
    FHIR_PARAM_STRING,
    FHIR_PARAM_DATE,
    FHIR_PARAM_REFERENCE,
    FHIR_PARAM_QUANTITY,
    FHIR_PARAM_NUMBER,
    FHIR_PARAM_URI,
};

/**
 * One declared parameter. path is a dotted element path from the resource root ("code.coding"
 * is written "code": the extractor reads CodeableConcept, Coding, Identifier, ContactPoint,
 * HumanName, Address, Period and Reference by their JSON shape). Alternatives are separated by
 * '|'; a choice element names the types it indexes ("effectiveDateTime|effectivePeriod").
 * Arrays met on the way are walked element by element.
 * where narrows the values: for a reference, the only target type indexed ("Patient" for the
 * `patient` parameters); for a token on a ContactPoint, the required ContactPoint.system
 * ("phone"). NULL means no restriction.
 */
struct fhir_search_param {
    const char *resource_type;
    const char *name;
    enum fhir_param_type type;
    const char *path;
    const char *where;
};

/** The parameters declared for resource_type, ending with an entry whose name is NULL; the
 *  first two are always _id and _lastUpdated. NULL for a type we do not store. Static data. */
const struct fhir_search_param *fhir_search_params(const char *resource_type);
/** The parameter name of resource_type, or NULL. Static data. */
const struct fhir_search_param *fhir_search_param_find(const char *resource_type, const char *name);

/** Open ends of a Period (and the bounds of a search range with no limit on that side). */
#define FHIR_DATE_MIN INT64_MIN
#define FHIR_DATE_MAX INT64_MAX

/** An inclusive range of UTC milliseconds. */
struct fhir_date_range {
    int64_t low_ms;
    int64_t high_ms;
};

/**
 * One extracted index value. Only the members of param->type are set; the others are zero.
 * Lifetime: every pointer points into the resource json (valid while the resource lives) except
 * string.key, which the extractor frees after emit returns, and reference (a buffer in this
 * struct). So a value is valid during the emit call only: copy what you keep.
 */
struct fhir_index_value {
    const struct fhir_search_param *param;
    /** token: system may be NULL (no system given); code is never NULL. */
    struct {
        const char *system;
        const char *code;
    } token;
    /** string: key is kana_normalize(original) (width, kana and case folded, spaces removed);
     *  a string search normalises its value the same way and matches keys starting with it. */
    struct {
        const char *key;
        const char *original;
    } string;
    /** date: the range the value covers, by its precision. */
    struct fhir_date_range date;
    /** reference: "Type/id" (relative; this server's base and any _history stripped), or the
     *  absolute URL of a resource elsewhere. Contained ("#x") references are not indexed. */
    char reference[160];
    /** quantity: value, and system/code/unit as given (each may be NULL). */
    struct {
        double value;
        const char *system;
        const char *code;
        const char *unit;
    } quantity;
    /** number */
    double number;
    /** uri */
    const char *uri;
};

/** Called for each value; returns false to stop, having set err. */
typedef bool (*fhir_index_emit_fn)(struct error *err, const struct fhir_index_value *v, void *arg);

/**
 * Calls emit for every index value of resource under every declared parameter of its
 * resourceType (none for an unknown type, which is not an error). base_url is this server's FHIR
 * base ("https://host/fhir", no trailing slash) used to turn absolute references to this server
 * into relative ones; NULL if unknown. Returns false with err set (ERR_FIELD_VALUE, detail = the
 * FHIRPath of the element) on a value that validation would have refused anyway (an unparseable
 * date), ERR_NOMEM when memory runs out, or when emit returns false (err set by emit).
 */
bool fhir_index_extract(struct error *err, const json_t *resource, const char *base_url,
                        fhir_index_emit_fn emit, void *arg);

/**
 * The range a FHIR date, dateTime or instant covers by its precision: "2026" the whole year,
 * "2026-11" the month, "2026-11-22" the day, "…T10:00" the minute, "…T10:00:00" the second,
 * "…T10:00:00.123" that millisecond. A value without a zone (a date, or a search value given
 * without one) is read in Asia/Tokyo (+09:00), the local time of this network. False if s is
 * not such a value.
 */
bool fhir_date_range_parse(const char *s, struct fhir_date_range *out);

/** FHIR R4 search §3.1.1.4.2 prefixes. */
enum fhir_prefix {
    FHIR_PREFIX_EQ,
    FHIR_PREFIX_NE,
    FHIR_PREFIX_LT,
    FHIR_PREFIX_GT,
    FHIR_PREFIX_LE,
    FHIR_PREFIX_GE,
    FHIR_PREFIX_SA,
    FHIR_PREFIX_EB,
    FHIR_PREFIX_AP,
};

/** Parses a date search value with an optional prefix ("ge2026-01",
 *  "lt2026-11-22T10:00:00+09:00"); no prefix means eq. ERR_BAD_QUERY if malformed. */
bool fhir_date_param_parse(struct error *err, const char *value, enum fhir_prefix *prefix,
                           struct fhir_date_range *range);

/**
 * True if an indexed value range matches the search (prefix, range), R4 search §3.1.1.4.2:
 * eq: the value lies within the search range; ne: not eq; gt/lt: the value reaches above/below
 * the search range; ge/le: gt/lt or eq; sa/eb: the value starts after / ends before the search
 * range; ap: the value overlaps the search range widened by 10% of its distance from now_ms
 * (at least one day).
 */
bool fhir_date_match(enum fhir_prefix prefix, const struct fhir_date_range *search,
                     const struct fhir_date_range *value, int64_t now_ms);

/**
 * A token search value. Forms (R4 search §3.1.1.4.8): "code" (any system: system NULL,
 * system_given false), "system|code", "|code" (no system: system "" of length 0,
 * system_given true), "system|" (any code: code NULL). Pointers point into the parsed value;
 * lengths exclude the rest of it.
 */
struct fhir_token_query {
    bool system_given;
    const char *system;
    size_t system_len;
    const char *code;
    size_t code_len;
};

/** Parses value into q. ERR_BAD_QUERY if empty, "|" alone, or with more than one '|'. An
 *  escaped "\|" (R4 search §3.1.1.4.13) is not supported yet. */
bool fhir_token_param_parse(struct error *err, const char *value, struct fhir_token_query *q);
/** True if an indexed token (system may be NULL) matches q. Codes compare exactly. */
bool fhir_token_match(const struct fhir_token_query *q, const char *system, const char *code);

/**
 * A number or quantity search value (R4 search §3.1.1.4.5/§3.1.1.4.6):
 * "[prefix]number[|system|code]", "[prefix]number||code". low..high is the range the number
 * stands for by its significant digits ("6.8" is [6.75, 6.85)); system and code point into the
 * value (NULL when not given; an empty system in "6.8||%" means any system).
 */
struct fhir_quantity_query {
    enum fhir_prefix prefix;
    double value, low, high;
    const char *system;
    size_t system_len;
    const char *code;
    size_t code_len;
};

/** Parses a quantity search value. ERR_BAD_QUERY if malformed. */
bool fhir_quantity_param_parse(struct error *err, const char *value, struct fhir_quantity_query *q);
/** Parses a number search value (no '|' part). ERR_BAD_QUERY if malformed. */
bool fhir_number_param_parse(struct error *err, const char *value, struct fhir_quantity_query *q);
/** True if an indexed number matches (prefix, number): eq is within [low, high), ap within 10%
 *  of the value, sa/eb as gt/lt. System and code are the caller's to compare. */
bool fhir_number_match(const struct fhir_quantity_query *q, double value);

/**
 * Normalises a Reference.reference into out (out_size bytes): "Type/id" for a relative reference
 * or an absolute one under base_url (NULL: none), "_history/n" removed; other absolute URLs are
 * copied as they are. False for a contained ("#x") or malformed reference, or one that does not
 * fit.
 */
bool fhir_reference_normalize(const char *ref, const char *base_url, char *out, size_t out_size);

#endif
