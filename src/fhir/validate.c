/* SPDX-License-Identifier: Apache-2.0 */
/* A structural validator for FHIR R4 JSON (R4 §2.6.2 JSON representation), driven by the tables
 * of r4_types.c. Errors name the FHIRPath of the offending element. */
#include "fhir/validate.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fhir/r4_types.h"

struct walk {
    struct error *err;
    char path[200];
    size_t len;
    unsigned depth;
    const json_t *container; /* the resource whose contained list "#id" references name */
};

static bool walk_struct(struct walk *w, const struct fhir_struct *s, const json_t *obj);
static bool walk_resource(struct walk *w, const json_t *res, bool allow_unknown);
static bool walk_entry_resource(struct walk *w, const json_t *res);

__attribute__((format(printf, 3, 4))) static bool fail(struct walk *w, enum error_code code,
                                                       const char *fmt, ...)
{
    char what[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return error_set(w->err, code, "%s: %s", w->path, what);
}

/** Appends to the path; returns the mark to restore with pop(). */
__attribute__((format(printf, 2, 3))) static size_t push(struct walk *w, const char *fmt, ...)
{
    size_t mark = w->len;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(w->path + w->len, sizeof w->path - w->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        w->len += (size_t)n < sizeof w->path - w->len ? (size_t)n : sizeof w->path - w->len - 1;
    return mark;
}

/* out = a followed by b, cut to cap; the hot paths below run for every element of every
 * resource, where snprintf's format parsing was a visible part of the cost of a write. */
static void concat(char *out, size_t cap, const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    if (na >= cap)
        na = cap - 1;
    if (nb >= cap - na)
        nb = cap - na - 1;
    memcpy(out, a, na);
    memcpy(out + na, b, nb);
    out[na + nb] = '\0';
}

/** Appends prefix and name to the path (the fast form of push(w, "<prefix>%s", name)). */
static size_t push_name(struct walk *w, const char *prefix, const char *name)
{
    size_t mark = w->len;
    concat(w->path + w->len, sizeof w->path - w->len, prefix, name);
    w->len += strlen(w->path + w->len);
    return mark;
}

static void pop(struct walk *w, size_t mark)
{
    w->len = mark;
    w->path[mark] = '\0';
}

/* ---- primitive formats (R4 §2.24.0.1, the regexes of each primitive) ---- */

static bool is_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

static int number(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

static int days_in_month(int year, int month)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : days[month - 1];
}

/** Parses YYYY, YYYY-MM or YYYY-MM-DD at s; returns the length used, 0 if malformed. */
static size_t parse_date(const char *s, size_t n, bool full)
{
    if (n < 4 || !is_digits(s, 4) || s[0] == '0')
        return 0;
    if (n == 4 || s[4] != '-')
        return full ? 0 : 4;
    if (n < 7 || !is_digits(s + 5, 2))
        return 0;
    int month = number(s + 5, 2);
    if (month < 1 || month > 12)
        return 0;
    if (n == 7 || s[7] != '-')
        return full ? 0 : 7;
    if (n < 10 || !is_digits(s + 8, 2))
        return 0;
    int day = number(s + 8, 2);
    if (day < 1 || day > days_in_month(number(s, 4), month))
        return 0;
    return 10;
}

/** Parses hh:mm:ss(.fff) at s; returns the length used, 0 if malformed. */
static size_t parse_time(const char *s, size_t n)
{
    if (n < 8 || !is_digits(s, 2) || s[2] != ':' || !is_digits(s + 3, 2) || s[5] != ':' ||
        !is_digits(s + 6, 2))
        return 0;
    if (number(s, 2) > 23 || number(s + 3, 2) > 59 || number(s + 6, 2) > 60)
        return 0;
    size_t used = 8;
    if (used < n && s[used] == '.') {
        size_t start = ++used;
        while (used < n && s[used] >= '0' && s[used] <= '9')
            used++;
        if (used == start)
            return 0;
    }
    return used;
}

static bool valid_zone(const char *s, size_t n)
{
    if (n == 1 && s[0] == 'Z')
        return true;
    return n == 6 && (s[0] == '+' || s[0] == '-') && is_digits(s + 1, 2) && s[3] == ':' &&
           is_digits(s + 4, 2) && number(s + 1, 2) <= 14 && number(s + 4, 2) <= 59;
}

/** dateTime (time part optional) or instant (time part required); a time needs a zone. */
static bool valid_datetime(const char *s, size_t n, bool instant)
{
    size_t used = parse_date(s, n, instant);
    if (used == 0)
        return false;
    if (used == n)
        return !instant;
    if (used != 10 || s[used] != 'T')
        return false;
    size_t time = parse_time(s + used + 1, n - used - 1);
    if (time == 0)
        return false;
    used += 1 + time;
    return valid_zone(s + used, n - used);
}

static bool valid_code(const char *s, size_t n)
{
    // [^\s]+(\s[^\s]+)*: no leading, trailing or doubled whitespace
    if (n == 0 || strchr(" \t\r\n", s[0]) || strchr(" \t\r\n", s[n - 1]))
        return false;
    for (size_t i = 1; i < n; i++)
        if (strchr(" \t\r\n", s[i]) && strchr(" \t\r\n", s[i - 1]))
            return false;
    return strlen(s) == n;
}

static bool valid_id(const char *s, size_t n)
{
    if (n == 0 || n > 64)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
              (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '.'))
            return false;
    return true;
}

static bool valid_uri(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n' || s[i] == '\0')
            return false;
    return n > 0;
}

static bool valid_base64(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
              (s[i] >= '0' && s[i] <= '9') || strchr("+/= \r\n", s[i])))
            return false;
    return n > 0 && strlen(s) == n;
}

static bool valid_string(const char *s, size_t n)
{
    // R4: a string has at least one character that is not whitespace and no NUL
    if (strlen(s) != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!strchr(" \t\r\n", s[i]))
            return true;
    return false;
}

static bool valid_format(enum fhir_kind kind, const char *s, size_t n)
{
    switch (kind) {
    case FK_CODE:
        return valid_code(s, n);
    case FK_ID:
        return valid_id(s, n);
    case FK_URI:
        return valid_uri(s, n);
    case FK_BASE64:
        return valid_base64(s, n);
    case FK_DATE:
        return parse_date(s, n, false) == n;
    case FK_DATETIME:
        return valid_datetime(s, n, false);
    case FK_INSTANT:
        return valid_datetime(s, n, true);
    case FK_TIME:
        return parse_time(s, n) == n;
    case FK_XHTML:
        return n >= 5 && strncmp(s, "<div", 4) == 0 && strlen(s) == n;
    default:
        return valid_string(s, n);
    }
}

static const char *kind_name(enum fhir_kind kind)
{
    static const char *const names[] = {
        [FK_BOOLEAN] = "boolean",
        [FK_INTEGER] = "integer",
        [FK_POSITIVE_INT] = "positiveInt",
        [FK_UNSIGNED_INT] = "unsignedInt",
        [FK_DECIMAL] = "decimal",
        [FK_STRING] = "string",
        [FK_MARKDOWN] = "markdown",
        [FK_CODE] = "code",
        [FK_ID] = "id",
        [FK_URI] = "uri",
        [FK_BASE64] = "base64Binary",
        [FK_DATE] = "date",
        [FK_DATETIME] = "dateTime",
        [FK_INSTANT] = "instant",
        [FK_TIME] = "time",
        [FK_XHTML] = "xhtml",
        [FK_COMPLEX] = "object",
        [FK_RESOURCE] = "resource",
        [FK_RESOURCE_ANY] = "resource",
        [FK_CHOICE] = "choice",
    };
    return names[kind];
}

static bool in_codes(const char *const *codes, const char *code)
{
    for (; *codes; codes++)
        if (strcmp(*codes, code) == 0)
            return true;
    return false;
}

static bool walk_number(struct walk *w, const struct fhir_element *e, const json_t *v)
{
    if (e->kind == FK_DECIMAL)
        return json_is_number(v) ? true : fail(w, ERR_FHIR_TYPE, "expected a decimal number");
    if (!json_is_integer(v))
        return fail(w, ERR_FHIR_TYPE, "expected an integer (%s)", kind_name(e->kind));
    json_int_t n = json_integer_value(v);
    json_int_t low = e->kind == FK_POSITIVE_INT   ? 1
                     : e->kind == FK_UNSIGNED_INT ? 0
                                                  : -2147483648LL;
    if (n < low || n > 2147483647LL)
        return fail(w, ERR_FHIR_FORMAT, "%lld is out of range for %s", (long long)n,
                    kind_name(e->kind));
    return true;
}

static bool walk_primitive(struct walk *w, const struct fhir_element *e, const json_t *v)
{
    if (e->kind == FK_BOOLEAN)
        return json_is_boolean(v) ? true : fail(w, ERR_FHIR_TYPE, "expected true or false");
    if (e->kind <= FK_DECIMAL)
        return walk_number(w, e, v);
    if (!json_is_string(v))
        return fail(w, ERR_FHIR_TYPE, "expected a string (%s)", kind_name(e->kind));
    const char *s = json_string_value(v);
    if (!valid_format(e->kind, s, json_string_length(v)))
        return fail(w, ERR_FHIR_FORMAT, "\"%.40s\" is not a valid %s", s, kind_name(e->kind));
    if (e->binding && !in_codes(e->binding->codes, s))
        return fail(w, ERR_FHIR_CODE, "\"%.40s\" is not an allowed code", s);
    return true;
}

/** A required binding on a CodeableConcept: some coding of the system, all of them allowed. */
static bool check_concept_binding(struct walk *w, const struct fhir_binding *b, const json_t *cc)
{
    const json_t *codings = json_object_get(cc, "coding");
    bool found = false;
    size_t i;
    const json_t *coding;
    json_array_foreach(codings, i, coding)
    {
        const char *system = json_string_value(json_object_get(coding, "system"));
        if (!system || strcmp(system, b->system) != 0)
            continue;
        const char *code = json_string_value(json_object_get(coding, "code"));
        if (!code || !in_codes(b->codes, code)) {
            size_t mark = push(w, ".coding[%zu].code", i);
            bool ok = fail(w, ERR_FHIR_CODE, "\"%.40s\" is not an allowed code of %s",
                           code ? code : "", b->system);
            pop(w, mark);
            return ok;
        }
        found = true;
    }
    return found ? true : fail(w, ERR_FHIR_CODE, "needs a coding from %s", b->system);
}

/** R4 ext-1: an extension has nested extensions or a value[x], not both. */
static bool check_extension(struct walk *w, const json_t *ext)
{
    bool nested = json_object_get(ext, "extension") != NULL;
    bool value = false;
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)ext, key, v)
    {
        if (strncmp(key, "value", 5) == 0)
            value = true;
    }
    if (nested == value)
        return fail(w, ERR_FHIR_INVALID, "needs either a value[x] or nested extensions (ext-1)");
    return true;
}

/** R4 ref-1: a local reference "#id" names a contained resource ("#" alone, the container). */
static bool check_local_reference(struct walk *w, const json_t *ref)
{
    const char *target = json_string_value(json_object_get(ref, "reference"));
    if (!target || target[0] != '#' || target[1] == '\0')
        return true;
    size_t i;
    const json_t *contained;
    json_array_foreach(json_object_get(w->container, "contained"), i, contained)
    {
        const char *id = json_string_value(json_object_get(contained, "id"));
        if (id && strcmp(id, target + 1) == 0)
            return true;
    }
    size_t mark = push(w, ".reference");
    bool ok =
        fail(w, ERR_FHIR_INVALID, "no contained resource has id \"%.40s\" (ref-1)", target + 1);
    pop(w, mark);
    return ok;
}

static bool check_datatype(struct walk *w, const struct fhir_struct *type, const json_t *v)
{
    if (strcmp(type->name, "Extension") == 0)
        return check_extension(w, v);
    if (strcmp(type->name, "Reference") == 0)
        return check_local_reference(w, v);
    return true;
}

static bool walk_value(struct walk *w, const struct fhir_element *e, const json_t *v)
{
    switch (e->kind) {
    case FK_COMPLEX:
        if (!walk_struct(w, e->type, v) || !check_datatype(w, e->type, v))
            return false;
        return e->binding ? check_concept_binding(w, e->binding, v) : true;
    case FK_RESOURCE:
        // R4 dom-2: a contained resource holds no contained resources of its own
        if (json_is_object(v) && json_object_get(v, "contained"))
            return fail(w, ERR_FHIR_INVALID, "a contained resource must not contain resources");
        return walk_resource(w, v, false);
    case FK_RESOURCE_ANY:
        return walk_entry_resource(w, v);
    default:
        return walk_primitive(w, e, v);
    }
}

/**
 * Applies cardinality: an array for 0..*, a single value for 0..1. partner is the other half of a
 * repeating primitive (`given` and `_given`, R4 §2.6.2.3): where one holds null the other must
 * hold a value, and both have the same length.
 */
static bool walk_element(struct walk *w, const struct fhir_element *e, const json_t *v,
                         const json_t *partner)
{
    if (e->max == 1) {
        if (json_is_array(v))
            return fail(w, ERR_FHIR_CARDINALITY, "allows one value, not an array");
        return walk_value(w, e, v);
    }
    if (!json_is_array(v))
        return fail(w, ERR_FHIR_CARDINALITY, "expected an array");
    size_t n = json_array_size(v);
    if (n == 0)
        return fail(w, ERR_FHIR_CARDINALITY, "an array must not be empty");
    if (n > FHIR_ARRAY_MAX)
        return fail(w, ERR_FHIR_TOO_COMPLEX, "more than %d items", FHIR_ARRAY_MAX);
    if (partner && json_array_size(partner) != n)
        return fail(w, ERR_FHIR_CARDINALITY, "must have as many items as its _ counterpart");
    for (size_t i = 0; i < n; i++) {
        const json_t *item = json_array_get(v, i);
        if (json_is_null(item) && partner && !json_is_null(json_array_get(partner, i)))
            continue;
        size_t mark = push(w, "[%zu]", i);
        bool ok = walk_value(w, e, item);
        pop(w, mark);
        if (!ok)
            return false;
    }
    return true;
}

/* ---- finding an element by its JSON name ---- */

struct match {
    const struct fhir_element *element; /* the table entry (the choice itself for name[x]) */
    const struct fhir_element *type;    /* what the value is checked as */
};

static bool match_in(const struct fhir_element *table, const char *key, struct match *m)
{
    for (const struct fhir_element *e = table; e->name; e++) {
        size_t n = strlen(e->name);
        if (e->kind != FK_CHOICE) {
            if (strcmp(e->name, key) == 0) {
                *m = (struct match){e, e};
                return true;
            }
            continue;
        }
        if (strncmp(e->name, key, n) != 0)
            continue;
        for (const struct fhir_element *c = e->choices; c->name; c++)
            if (strcmp(c->name, key + n) == 0) {
                *m = (struct match){e, c};
                return true;
            }
    }
    return false;
}

/** The common-element tables of a structure, in order, NULL-terminated. */
static void base_tables(const struct fhir_struct *s, const struct fhir_element *tables[4])
{
    size_t n = 0;
    if (s->base == FB_RESOURCE || s->base == FB_DOMAIN)
        tables[n++] = fhir_resource_base;
    else
        tables[n++] = fhir_datatype_base;
    if (s->base == FB_DOMAIN)
        tables[n++] = fhir_domain_extra;
    if (s->base == FB_BACKBONE)
        tables[n++] = fhir_backbone_extra;
    tables[n++] = s->elements;
    tables[n] = NULL;
}

static bool find_element(const struct fhir_struct *s, const char *key, struct match *m)
{
    const struct fhir_element *tables[4];
    base_tables(s, tables);
    for (size_t i = 0; tables[i]; i++)
        if (match_in(tables[i], key, m))
            return true;
    return false;
}

/** `_name` holds the id and extensions of primitive `name` (R4 §2.6.2.3). */
static bool walk_primitive_companion(struct walk *w, const struct fhir_struct *s, const char *key,
                                     const json_t *v, const json_t *obj)
{
    struct match m;
    if (!find_element(s, key + 1, &m) || m.type->kind >= FK_COMPLEX)
        return fail(w, ERR_FHIR_UNKNOWN_ELEMENT, "unknown element");
    const struct fhir_element companion = {key,  FK_COMPLEX, 0, m.type->max, fhir_primitive_element,
                                           NULL, NULL};
    const json_t *values = json_object_get(obj, key + 1);
    return walk_element(w, &companion, v, json_is_array(values) ? values : NULL);
}

/** The `_name` array that pairs with the repeating primitive `name`, if any. */
static const json_t *primitive_partner(const struct fhir_element *e, const char *key,
                                       const json_t *obj)
{
    if (e->kind >= FK_COMPLEX || e->max == 1)
        return NULL;
    char companion[72];
    concat(companion, sizeof companion, "_", key);
    const json_t *partner = json_object_get(obj, companion);
    return json_is_array(partner) ? partner : NULL;
}

static bool walk_member(struct walk *w, const struct fhir_struct *s, const char *key,
                        const json_t *v, const json_t *obj)
{
    size_t mark = push_name(w, ".", key);
    struct match m;
    bool ok;
    if (key[0] == '_')
        ok = walk_primitive_companion(w, s, key, v, obj);
    else if (!find_element(s, key, &m))
        ok = fail(w, ERR_FHIR_UNKNOWN_ELEMENT, "unknown element");
    else
        ok = walk_element(w, m.type, v, primitive_partner(m.type, key, obj));
    pop(w, mark);
    return ok;
}

/** How many members of obj fill element e (a choice counts each of its suffixes). */
static size_t count_present(const json_t *obj, const struct fhir_element *e, const char **second)
{
    char key[64];
    if (e->kind != FK_CHOICE) {
        // a primitive given only as `_name` (extensions, no value) is present too
        concat(key, sizeof key, "_", e->name);
        return json_object_get(obj, e->name) || json_object_get(obj, key) ? 1 : 0;
    }
    size_t count = 0;
    for (const struct fhir_element *c = e->choices; c->name; c++) {
        concat(key, sizeof key, e->name, c->name);
        if (json_object_get(obj, key) && ++count == 2)
            *second = c->name;
    }
    return count;
}

static bool check_presence(struct walk *w, const struct fhir_element *table, const json_t *obj)
{
    for (const struct fhir_element *e = table; e->name; e++) {
        const char *second = NULL;
        size_t count = count_present(obj, e, &second);
        if (count > 1) {
            size_t mark = push(w, ".%s[x]", e->name);
            bool ok = fail(w, ERR_FHIR_CARDINALITY, "only one value allowed (also %s%s)", e->name,
                           second);
            pop(w, mark);
            return ok;
        }
        if (count == 0 && e->min > 0) {
            size_t mark = push(w, e->kind == FK_CHOICE ? ".%s[x]" : ".%s", e->name);
            bool ok = fail(w, ERR_FHIR_REQUIRED, "required element missing");
            pop(w, mark);
            return ok;
        }
    }
    return true;
}

static bool walk_struct(struct walk *w, const struct fhir_struct *s, const json_t *obj)
{
    if (!json_is_object(obj))
        return fail(w, ERR_FHIR_TYPE, "expected an object (%s)", s->name);
    if (++w->depth > FHIR_DEPTH_MAX)
        return fail(w, ERR_FHIR_TOO_COMPLEX, "nested deeper than %d levels", FHIR_DEPTH_MAX);
    bool is_resource = s->base == FB_RESOURCE || s->base == FB_DOMAIN;
    if (!is_resource && json_object_size(obj) == 0) // R4 ele-1: a value or children
        return fail(w, ERR_FHIR_INVALID, "an element must not be empty");
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)obj, key, v)
    {
        if (is_resource && strcmp(key, "resourceType") == 0)
            continue;
        if (!walk_member(w, s, key, v, obj))
            return false;
    }
    const struct fhir_element *tables[4];
    base_tables(s, tables);
    for (size_t i = 0; tables[i]; i++)
        if (!check_presence(w, tables[i], obj))
            return false;
    w->depth--;
    return true;
}

/* ---- Bundle invariants (R4 bundle.html#invariants, bdl-1..4 and bdl-9..11) ---- */

static const char *const with_request[] = {"batch", "transaction", "history", NULL};
static const char *const with_response[] = {"batch-response", "transaction-response", "history",
                                            NULL};
static const char *const with_total[] = {"searchset", "history", NULL};

static bool check_bundle_entry(struct walk *w, const char *type, const json_t *entry)
{
    bool want_request = in_codes(with_request, type);
    bool want_response = in_codes(with_response, type);
    if (want_request != (json_object_get(entry, "request") != NULL))
        return fail(w, ERR_FHIR_INVALID, "request is %s in a %s Bundle (bdl-3)",
                    want_request ? "required" : "not allowed", type);
    if (want_response != (json_object_get(entry, "response") != NULL))
        return fail(w, ERR_FHIR_INVALID, "response is %s in a %s Bundle (bdl-4)",
                    want_response ? "required" : "not allowed", type);
    if (json_object_get(entry, "search") && strcmp(type, "searchset") != 0)
        return fail(w, ERR_FHIR_INVALID, "search is only allowed in a searchset Bundle (bdl-2)");
    return true;
}

static bool check_document(struct walk *w, const json_t *bundle)
{
    const json_t *id = json_object_get(bundle, "identifier");
    if (!json_object_get(id, "system") || !json_object_get(id, "value"))
        return fail(w, ERR_FHIR_INVALID, "a document needs identifier.system and value (bdl-9)");
    if (!json_object_get(bundle, "timestamp"))
        return fail(w, ERR_FHIR_INVALID, "a document needs a timestamp (bdl-10)");
    const json_t *first =
        json_object_get(json_array_get(json_object_get(bundle, "entry"), 0), "resource");
    const char *first_type = json_string_value(json_object_get(first, "resourceType"));
    if (!first_type || strcmp(first_type, "Composition") != 0)
        return fail(w, ERR_FHIR_INVALID, "a document starts with a Composition (bdl-11)");
    return true;
}

static bool check_bundle(struct walk *w, const json_t *bundle)
{
    const char *type = json_string_value(json_object_get(bundle, "type"));
    if (json_object_get(bundle, "total") && !in_codes(with_total, type))
        return fail(w, ERR_FHIR_INVALID, "total is only allowed in a searchset or history (bdl-1)");
    if (strcmp(type, "document") == 0 && !check_document(w, bundle))
        return false;
    size_t i;
    const json_t *entry;
    json_array_foreach(json_object_get(bundle, "entry"), i, entry)
    {
        size_t mark = push(w, ".entry[%zu]", i);
        bool ok = check_bundle_entry(w, type, entry);
        pop(w, mark);
        if (!ok)
            return false;
    }
    return true;
}

/** A Bundle entry's resource is the container of its own contained resources. */
static bool walk_entry_resource(struct walk *w, const json_t *res)
{
    const json_t *outer = w->container;
    w->container = res;
    bool ok = walk_resource(w, res, true);
    w->container = outer;
    return ok;
}

/** Walks a resource of a known type, then checks its type's invariants. */
static bool walk_typed(struct walk *w, const struct fhir_struct *s, const json_t *res)
{
    if (!walk_struct(w, s, res))
        return false;
    return strcmp(s->name, "Bundle") == 0 ? check_bundle(w, res) : true;
}

static bool walk_resource(struct walk *w, const json_t *res, bool allow_unknown)
{
    if (!json_is_object(res))
        return fail(w, ERR_FHIR_TYPE, "expected a resource object");
    const char *type = json_string_value(json_object_get(res, "resourceType"));
    if (!type)
        return fail(w, ERR_FHIR_UNKNOWN_TYPE, "resourceType missing");
    const struct fhir_struct *s = fhir_resource_struct(type);
    if (!s) {
        if (allow_unknown && valid_id(type, strlen(type)))
            return true;
        return fail(w, ERR_FHIR_UNKNOWN_TYPE, "unknown resourceType \"%.40s\"", type);
    }
    return walk_typed(w, s, res);
}

bool fhir_validate(struct error *err, const json_t *resource)
{
    struct walk w = {.err = err, .container = resource};
    if (!json_is_object(resource))
        return error_set(err, ERR_FHIR_INVALID, "a resource must be a JSON object");
    const char *type = json_string_value(json_object_get(resource, "resourceType"));
    const struct fhir_struct *s = fhir_resource_struct(type);
    if (!s)
        return error_set(err, ERR_FHIR_UNKNOWN_TYPE, "resourceType: unknown or missing (%.40s)",
                         type ? type : "");
    push(&w, "%s", type);
    return walk_typed(&w, s, resource);
}

bool fhir_type_known(const char *type)
{
    return fhir_resource_struct(type) != NULL;
}
