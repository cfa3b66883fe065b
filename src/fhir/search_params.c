/* SPDX-License-Identifier: Apache-2.0 */
/* The declared search parameters (the table is search_params.def), the parsing of search values
 * and the extraction of index values from a resource. */
#include "search_params.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/kana.h"

static const struct fhir_search_param all_params[] = {
#define TOKEN FHIR_PARAM_TOKEN
#define STRING FHIR_PARAM_STRING
#define DATE FHIR_PARAM_DATE
#define REF FHIR_PARAM_REFERENCE
#define QUANTITY FHIR_PARAM_QUANTITY
#define TYPE(T) {T, "_id", TOKEN, "id", NULL}, {T, "_lastUpdated", DATE, "meta.lastUpdated", NULL},
#define P(T, name, kind, path, where) {T, name, kind, path, where},
#define END(T) {T, NULL, TOKEN, NULL, NULL},
#include "search_params.def"
#undef TYPE
#undef P
#undef END
#undef TOKEN
#undef STRING
#undef DATE
#undef REF
#undef QUANTITY
};

const struct fhir_search_param *fhir_search_params(const char *resource_type)
{
    if (!resource_type)
        return NULL;
    // each type's entries are contiguous and start with _id
    for (size_t i = 0; i < sizeof(all_params) / sizeof(all_params[0]); i++)
        if (strcmp(all_params[i].resource_type, resource_type) == 0)
            return &all_params[i];
    return NULL;
}

const struct fhir_search_param *fhir_search_param_find(const char *resource_type, const char *name)
{
    const struct fhir_search_param *p = fhir_search_params(resource_type);
    if (!p || !name)
        return NULL;
    for (; p->name; p++)
        if (strcmp(p->name, name) == 0)
            return p;
    return NULL;
}

/* ---- dates: FHIR R4 datatypes §2.24.0.1 (date, dateTime, instant) ---- */

#define LOCAL_OFFSET_MIN (9 * 60) /* Asia/Tokyo, no DST */
#define DAY_MS 86400000LL

/* Reads "hh:mm[:ss[.f+]]" at *p; sets the ms of day and the width of the precision. */
static bool parse_clock(const char **p, int64_t *tod, int64_t *width)
{
    const char *s = *p;
    int hh, mi, ss = 0;
    if (!clock_digits(s, 2, &hh) || s[2] != ':' || !clock_digits(s + 3, 2, &mi) || hh > 23 ||
        mi > 59)
        return false;
    s += 5;
    *width = 60000;
    int64_t frac = 0;
    if (*s == ':') {
        if (!clock_digits(s + 1, 2, &ss) || ss > 59)
            return false;
        s += 3;
        *width = 1000;
        if (*s == '.') {
            s++;
            int n = 0;
            for (; *s >= '0' && *s <= '9'; s++, n++) {
                if (n < 3) {
                    *width /= 10;
                    frac += (*s - '0') * *width;
                }
            }
            if (n == 0 || n > 9)
                return false;
        }
    }
    *tod = ((int64_t)hh * 3600 + mi * 60 + ss) * 1000 + frac;
    *p = s;
    return true;
}

/* Reads "" (local), "Z" or "±hh:mm" to the end of the string. */
static bool parse_zone(const char *s, int *offset_min)
{
    if (*s == '\0') {
        *offset_min = LOCAL_OFFSET_MIN;
        return true;
    }
    if (s[0] == 'Z' && s[1] == '\0') {
        *offset_min = 0;
        return true;
    }
    int oh, om;
    if ((s[0] != '+' && s[0] != '-') || !clock_digits(s + 1, 2, &oh) || s[3] != ':' ||
        !clock_digits(s + 4, 2, &om) || s[6] != '\0' || oh > 14 || om > 59)
        return false;
    *offset_min = (s[0] == '-' ? -1 : 1) * (oh * 60 + om);
    return true;
}

bool fhir_date_range_parse(const char *s, struct fhir_date_range *out)
{
    int y, m = 1, d = 1;
    if (!s || !clock_digits(s, 4, &y) || y < 1)
        return false;
    const char *p = s + 4;
    int64_t start, end; // days since the epoch, end exclusive
    if (*p == '\0') {
        start = clock_days_from_civil(y, 1, 1), end = clock_days_from_civil(y + 1, 1, 1);
    } else if (p[0] != '-' || !clock_digits(p + 1, 2, &m) || m < 1 || m > 12) {
        return false;
    } else if (p[3] == '\0') {
        start = clock_days_from_civil(y, m, 1);
        end = start + clock_days_in_month(y, m);
    } else if (p[3] != '-' || !clock_digits(p + 4, 2, &d) || d < 1 ||
               d > clock_days_in_month(y, m)) {
        return false;
    } else {
        start = clock_days_from_civil(y, m, d), end = start + 1;
        p += 6;
        if (*p == 'T') {
            p++;
            int64_t tod, width;
            int offset;
            if (!parse_clock(&p, &tod, &width) || !parse_zone(p, &offset))
                return false;
            out->low_ms = start * DAY_MS + tod - (int64_t)offset * 60000;
            out->high_ms = out->low_ms + width - 1;
            return true;
        }
        if (*p != '\0')
            return false;
    }
    out->low_ms = start * DAY_MS - (int64_t)LOCAL_OFFSET_MIN * 60000;
    out->high_ms = end * DAY_MS - (int64_t)LOCAL_OFFSET_MIN * 60000 - 1;
    return true;
}

static const char *const prefixes[] = {"eq", "ne", "lt", "gt", "le", "ge", "sa", "eb", "ap"};

bool fhir_date_param_parse(struct error *err, const char *value, enum fhir_prefix *prefix,
                           struct fhir_date_range *range)
{
    if (!value)
        return error_set(err, ERR_BAD_QUERY, "date: no value");
    *prefix = FHIR_PREFIX_EQ;
    const char *date = value;
    if (value[0] >= 'a' && value[0] <= 'z') {
        size_t n = sizeof(prefixes) / sizeof(prefixes[0]);
        size_t i = 0;
        while (i < n && strncmp(value, prefixes[i], 2) != 0)
            i++;
        if (i == n)
            return error_set(err, ERR_BAD_QUERY, "date: unknown prefix in '%.40s'", value);
        *prefix = (enum fhir_prefix)i;
        date = value + 2;
    }
    if (!fhir_date_range_parse(date, range))
        return error_set(err, ERR_BAD_QUERY, "date: '%.60s' is not a FHIR date", value);
    return true;
}

static int64_t sat_add(int64_t a, int64_t b)
{
    int64_t r;
    if (__builtin_add_overflow(a, b, &r))
        return b > 0 ? INT64_MAX : INT64_MIN;
    return r;
}

bool fhir_date_match(enum fhir_prefix prefix, const struct fhir_date_range *search,
                     const struct fhir_date_range *value, int64_t now_ms)
{
    bool within = value->low_ms >= search->low_ms && value->high_ms <= search->high_ms;
    switch (prefix) {
    case FHIR_PREFIX_EQ:
        return within;
    case FHIR_PREFIX_NE:
        return !within;
    case FHIR_PREFIX_GT:
        return value->high_ms > search->high_ms;
    case FHIR_PREFIX_LT:
        return value->low_ms < search->low_ms;
    case FHIR_PREFIX_GE:
        return within || value->high_ms > search->high_ms;
    case FHIR_PREFIX_LE:
        return within || value->low_ms < search->low_ms;
    case FHIR_PREFIX_SA:
        return value->low_ms > search->high_ms;
    case FHIR_PREFIX_EB:
        return value->high_ms < search->low_ms;
    case FHIR_PREFIX_AP: {
        int64_t distance = sat_add(search->low_ms, -now_ms);
        if (distance < 0)
            distance = distance == INT64_MIN ? INT64_MAX : -distance;
        int64_t margin = distance / 10 > DAY_MS ? distance / 10 : DAY_MS;
        return value->high_ms >= sat_add(search->low_ms, -margin) &&
               value->low_ms <= sat_add(search->high_ms, margin);
    }
    }
    return false;
}

/* ---- numbers and quantities: R4 search §3.1.1.4.5, §3.1.1.4.6 ---- */

/* Reads an optional prefix; returns where the rest starts. */
static const char *read_prefix(const char *value, enum fhir_prefix *prefix)
{
    *prefix = FHIR_PREFIX_EQ;
    for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
        if (strncmp(value, prefixes[i], 2) == 0) {
            *prefix = (enum fhir_prefix)i;
            return value + 2;
        }
    return value;
}

/* A FHIR decimal ("-1.50", "1e3") of exactly len bytes; sets the value and half the unit of
 * its last significant digit. */
static bool parse_decimal(const char *s, size_t len, double *value, double *half)
{
    char buf[64];
    if (len == 0 || len >= sizeof(buf))
        return false;
    memcpy(buf, s, len);
    buf[len] = '\0';
    const char *p = buf + (buf[0] == '-');
    int whole = 0, decimals = 0, exponent = 0;
    for (; *p >= '0' && *p <= '9'; p++)
        whole++;
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++)
            decimals++;
    if (whole == 0 || (p[-1] == '.'))
        return false;
    if (*p == 'e' || *p == 'E') {
        char *end;
        long e = strtol(p + 1, &end, 10);
        if (end == p + 1 || *end != '\0' || e < -300 || e > 300)
            return false;
        exponent = (int)e;
        p = end;
    }
    if (*p != '\0')
        return false;
    *value = strtod(buf, NULL);
    *half = 0.5;
    for (int i = decimals - exponent; i > 0; i--)
        *half /= 10;
    for (int i = exponent - decimals; i > 0; i--)
        *half *= 10;
    return true;
}

static bool number_part(struct error *err, const char *value, size_t len,
                        struct fhir_quantity_query *q)
{
    const char *start = value;
    const char *num = read_prefix(value, &q->prefix);
    double half;
    if (!parse_decimal(num, len - (size_t)(num - start), &q->value, &half))
        return error_set(err, ERR_BAD_QUERY, "number: '%.60s' is not a number", value);
    q->low = q->value - half, q->high = q->value + half;
    return true;
}

bool fhir_number_param_parse(struct error *err, const char *value, struct fhir_quantity_query *q)
{
    *q = (struct fhir_quantity_query){0};
    if (!value)
        return error_set(err, ERR_BAD_QUERY, "number: no value");
    return number_part(err, value, strlen(value), q);
}

bool fhir_quantity_param_parse(struct error *err, const char *value, struct fhir_quantity_query *q)
{
    *q = (struct fhir_quantity_query){0};
    if (!value)
        return error_set(err, ERR_BAD_QUERY, "quantity: no value");
    const char *bar = strchr(value, '|');
    if (!number_part(err, value, bar ? (size_t)(bar - value) : strlen(value), q))
        return false;
    if (!bar)
        return true;
    const char *bar2 = strchr(bar + 1, '|');
    if (!bar2 || strchr(bar2 + 1, '|') || bar2[1] == '\0')
        return error_set(err, ERR_BAD_QUERY, "quantity: '%.60s' is not number|system|code", value);
    if (bar2 > bar + 1)
        q->system = bar + 1, q->system_len = (size_t)(bar2 - bar - 1);
    q->code = bar2 + 1, q->code_len = strlen(bar2 + 1);
    return true;
}

bool fhir_number_match(const struct fhir_quantity_query *q, double value)
{
    bool within = value >= q->low && value < q->high;
    switch (q->prefix) {
    case FHIR_PREFIX_EQ:
        return within;
    case FHIR_PREFIX_NE:
        return !within;
    case FHIR_PREFIX_GT:
    case FHIR_PREFIX_SA:
        return value > q->value;
    case FHIR_PREFIX_LT:
    case FHIR_PREFIX_EB:
        return value < q->value;
    case FHIR_PREFIX_GE:
        return value >= q->value;
    case FHIR_PREFIX_LE:
        return value <= q->value;
    case FHIR_PREFIX_AP: {
        double margin = (q->value < 0 ? -q->value : q->value) / 10;
        return value >= q->value - margin && value <= q->value + margin;
    }
    }
    return false;
}

/* ---- tokens and references ---- */

bool fhir_token_param_parse(struct error *err, const char *value, struct fhir_token_query *q)
{
    *q = (struct fhir_token_query){0};
    if (!value || !*value)
        return error_set(err, ERR_BAD_QUERY, "token: empty value");
    const char *bar = strchr(value, '|');
    if (!bar) {
        q->code = value, q->code_len = strlen(value);
        return true;
    }
    if (strchr(bar + 1, '|'))
        return error_set(err, ERR_BAD_QUERY, "token: more than one '|' in '%.60s'", value);
    if (bar == value && bar[1] == '\0')
        return error_set(err, ERR_BAD_QUERY, "token: '|' alone");
    q->system_given = true;
    q->system = value, q->system_len = (size_t)(bar - value);
    if (bar[1] != '\0')
        q->code = bar + 1, q->code_len = strlen(bar + 1);
    return true;
}

static bool same(const char *s, size_t len, const char *indexed)
{
    return strlen(indexed) == len && memcmp(s, indexed, len) == 0;
}

bool fhir_token_match(const struct fhir_token_query *q, const char *system, const char *code)
{
    if (q->code && (!code || !same(q->code, q->code_len, code)))
        return false;
    if (!q->system_given)
        return true;
    if (q->system_len == 0) // "|code": the value must have no system
        return !system || !*system;
    return system && same(q->system, q->system_len, system);
}

static bool id_char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.';
}

/* Length of "Type/id" at s (FHIR R4 §2.3.0: id is [A-Za-z0-9\-\.]{1,64}), followed by the end
 * or "/_history/…"; 0 if s is not such a reference. */
static size_t relative_len(const char *s)
{
    size_t t = 0;
    if (!(s[0] >= 'A' && s[0] <= 'Z'))
        return 0;
    while ((s[t] >= 'A' && s[t] <= 'Z') || (s[t] >= 'a' && s[t] <= 'z'))
        t++;
    if (t > 64 || s[t] != '/')
        return 0;
    size_t i = t + 1;
    while (id_char(s[i]))
        i++;
    if (i == t + 1 || i - t - 1 > 64)
        return 0;
    if (s[i] != '\0' && strncmp(s + i, "/_history/", 10) != 0)
        return 0;
    return i;
}

bool fhir_reference_normalize(const char *ref, const char *base_url, char *out, size_t out_size)
{
    if (!ref || !*ref || ref[0] == '#' || out_size == 0)
        return false;
    size_t blen = base_url ? strlen(base_url) : 0;
    if (blen && strncmp(ref, base_url, blen) == 0 && ref[blen] == '/')
        ref += blen + 1;
    size_t n = relative_len(ref);
    if (n == 0) {
        if (!strstr(ref, "://") && strncmp(ref, "urn:", 4) != 0)
            return false;
        n = strlen(ref); // a resource on another server, kept as given
    }
    if (n >= out_size)
        return false;
    memcpy(out, ref, n);
    out[n] = '\0';
    return true;
}

/* ---- extraction ---- */

struct walk {
    struct error *err;
    const struct fhir_search_param *param;
    const char *base_url;
    fhir_index_emit_fn emit;
    void *arg;
    char fhirpath[256]; // where we are, for the error detail
};

static bool emit_value(struct walk *w, struct fhir_index_value *v)
{
    v->param = w->param;
    return w->emit(w->err, v, w->arg);
}

static bool emit_token(struct walk *w, const char *system, const char *code)
{
    if (!code)
        return true;
    struct fhir_index_value v = {0};
    v.token.system = system, v.token.code = code;
    return emit_value(w, &v);
}

static const char *member_string(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

/* CodeableConcept, Coding, Identifier, ContactPoint, code, boolean (R4 search §3.1.1.4.8). */
static bool extract_token(struct walk *w, const json_t *node)
{
    if (json_is_string(node))
        return w->param->where ? true : emit_token(w, NULL, json_string_value(node));
    if (json_is_boolean(node))
        return w->param->where ? true : emit_token(w, NULL, json_is_true(node) ? "true" : "false");
    if (!json_is_object(node))
        return true;
    if (w->param->where) { // ContactPoint of one system: the value is the code
        const char *system = member_string(node, "system");
        if (!system || strcmp(system, w->param->where) != 0)
            return true;
        return emit_token(w, NULL, member_string(node, "value"));
    }
    const json_t *coding = json_object_get(node, "coding");
    if (json_is_array(coding)) {
        size_t i;
        const json_t *c;
        json_array_foreach(coding, i, c)
        {
            if (!emit_token(w, member_string(c, "system"), member_string(c, "code")))
                return false;
        }
        return true;
    }
    if (member_string(node, "code"))
        return emit_token(w, member_string(node, "system"), member_string(node, "code"));
    return emit_token(w, member_string(node, "system"), member_string(node, "value"));
}

static bool emit_string(struct walk *w, const char *original)
{
    char *key = kana_normalize(original);
    if (!key)
        return error_set(w->err, ERR_NOMEM, "%s: search key", w->fhirpath);
    struct fhir_index_value v = {0};
    v.string.key = key, v.string.original = original;
    bool ok = emit_value(w, &v);
    free(key);
    return ok;
}

/* A string, or the parts of a HumanName or Address (R4 search §3.1.1.4.7). */
static bool extract_string(struct walk *w, const json_t *node)
{
    static const char *const parts[] = {"text", "family",   "given", "prefix",     "suffix", "line",
                                        "city", "district", "state", "postalCode", "country"};
    if (json_is_string(node))
        return emit_string(w, json_string_value(node));
    if (!json_is_object(node))
        return true;
    for (size_t p = 0; p < sizeof(parts) / sizeof(parts[0]); p++) {
        const json_t *part = json_object_get(node, parts[p]);
        if (json_is_string(part) && !emit_string(w, json_string_value(part)))
            return false;
        size_t i;
        const json_t *s;
        if (json_is_array(part))
            json_array_foreach(part, i, s)
            {
                if (json_is_string(s) && !emit_string(w, json_string_value(s)))
                    return false;
            }
    }
    return true;
}

static bool date_of(struct walk *w, const json_t *node, const char *member,
                    struct fhir_date_range *r)
{
    const char *s = json_string_value(node);
    if (!s || !fhir_date_range_parse(s, r))
        return error_set(w->err, ERR_FIELD_VALUE, "%s%s%s: not a FHIR date", w->fhirpath,
                         member ? "." : "", member ? member : "");
    return true;
}

/* date, dateTime, instant or Period (open ends are FHIR_DATE_MIN / FHIR_DATE_MAX). */
static bool extract_date(struct walk *w, const json_t *node)
{
    struct fhir_index_value v = {0};
    if (json_is_string(node)) {
        if (!date_of(w, node, NULL, &v.date))
            return false;
        return emit_value(w, &v);
    }
    if (!json_is_object(node))
        return true;
    const json_t *start = json_object_get(node, "start"), *end = json_object_get(node, "end");
    if (!start && !end)
        return true;
    struct fhir_date_range s = {FHIR_DATE_MIN, FHIR_DATE_MIN}, e = {FHIR_DATE_MAX, FHIR_DATE_MAX};
    if ((start && !date_of(w, start, "start", &s)) || (end && !date_of(w, end, "end", &e)))
        return false;
    v.date.low_ms = s.low_ms, v.date.high_ms = e.high_ms;
    return emit_value(w, &v);
}

static bool extract_reference(struct walk *w, const json_t *node)
{
    struct fhir_index_value v = {0};
    if (!fhir_reference_normalize(member_string(node, "reference"), w->base_url, v.reference,
                                  sizeof(v.reference)))
        return true; // contained, logical or unresolvable: nothing to index
    const char *target = w->param->where;
    if (target) {
        size_t n = strlen(target);
        if (strncmp(v.reference, target, n) != 0 || v.reference[n] != '/')
            return true;
    }
    return emit_value(w, &v);
}

static bool extract(struct walk *w, const json_t *node)
{
    struct fhir_index_value v = {0};
    switch (w->param->type) {
    case FHIR_PARAM_TOKEN:
        return extract_token(w, node);
    case FHIR_PARAM_STRING:
        return extract_string(w, node);
    case FHIR_PARAM_DATE:
        return extract_date(w, node);
    case FHIR_PARAM_REFERENCE:
        return extract_reference(w, node);
    case FHIR_PARAM_QUANTITY: {
        const json_t *value = json_object_get(node, "value");
        if (!json_is_number(value))
            return true;
        v.quantity.value = json_number_value(value);
        v.quantity.system = member_string(node, "system");
        v.quantity.code = member_string(node, "code");
        v.quantity.unit = member_string(node, "unit");
        return emit_value(w, &v);
    }
    case FHIR_PARAM_NUMBER:
        if (!json_is_number(node))
            return true;
        v.number = json_number_value(node);
        return emit_value(w, &v);
    case FHIR_PARAM_URI:
        if (!json_is_string(node))
            return true;
        v.uri = json_string_value(node);
        return emit_value(w, &v);
    }
    return true;
}

/* Follows the dotted path rest[0..len) from node, through arrays, to the values. */
static bool walk_path(struct walk *w, const json_t *node, const char *rest, size_t len)
{
    size_t at = strlen(w->fhirpath);
    bool ok = true;
    if (json_is_array(node)) {
        size_t i;
        const json_t *elem;
        json_array_foreach(node, i, elem)
        {
            snprintf(w->fhirpath + at, sizeof(w->fhirpath) - at, "[%zu]", i);
            if (!(ok = walk_path(w, elem, rest, len)))
                break;
        }
    } else if (len == 0) {
        ok = extract(w, node);
    } else if (json_is_object(node)) {
        size_t step = 0;
        while (step < len && rest[step] != '.')
            step++;
        char name[64];
        if (step >= sizeof(name))
            return true;
        memcpy(name, rest, step);
        name[step] = '\0';
        const json_t *child = json_object_get(node, name);
        if (child) {
            snprintf(w->fhirpath + at, sizeof(w->fhirpath) - at, ".%s", name);
            size_t skip = step < len ? step + 1 : step;
            ok = walk_path(w, child, rest + skip, len - skip);
        }
    }
    if (ok)
        w->fhirpath[at] = '\0'; // keep the failing path in err's detail otherwise
    return ok;
}

bool fhir_index_extract(struct error *err, const json_t *resource, const char *base_url,
                        fhir_index_emit_fn emit, void *arg)
{
    const char *type = member_string(resource, "resourceType");
    const struct fhir_search_param *p = fhir_search_params(type);
    if (!p)
        return true;
    struct walk w = {.err = err, .base_url = base_url, .emit = emit, .arg = arg};
    for (; p->name; p++) {
        w.param = p;
        for (const char *alt = p->path; *alt;) {
            size_t len = strcspn(alt, "|");
            snprintf(w.fhirpath, sizeof(w.fhirpath), "%s", type);
            if (!walk_path(&w, resource, alt, len))
                return false;
            alt += len + (alt[len] == '|');
        }
    }
    return true;
}
