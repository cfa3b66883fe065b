/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_CORE_JSONV_H
#define TSUNAGU_CORE_JSONV_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "errors.h"

/** Types a request field may have. */
enum jtype {
    JV_STRING, /* string; max_len counts Unicode code points; no control characters but \n \t */
    JV_TEXT,   /* a JV_STRING people write (a name, a reason) that, when given, must have a
                  visible character (core/text.h): not "", spaces or zero-width characters */
    JV_BOOL,
    JV_INT,
    JV_NUMBER,       /* integer or real; the range is checked by the handler */
    JV_DATE,         /* "YYYY-MM-DD", a real date */
    JV_UUID,         /* a UUID string */
    JV_UUID_ARRAY,   /* array of UUID strings, at most max_len items */
    JV_STRING_ARRAY, /* array of short strings (each from allowed when given), max_len items */
    JV_OBJECT,       /* checked separately by the handler */
    JV_OBJECT_ARRAY, /* array of objects, at most max_len items */
};

/** One declared field of a request object. The list ends with a field whose name is NULL. */
struct jfield {
    const char *name;
    enum jtype type;
    bool required;
    size_t max_len;             /* strings: code points (0 = 256); arrays: items */
    const char *const *allowed; /* strings: NULL-terminated list of allowed values, or NULL */
};

/**
 * Checks obj against fields: it must be a JSON object with no field that is not declared, every
 * required field present and non-null, and each present field of its declared type, length and
 * allowed values. On failure sets err (detail names the field) and returns false.
 */
bool jsonv_check(struct error *err, const json_t *obj, const struct jfield *fields);
/** jsonv_check of an object found at path in the body: a failure's detail starts with the path
 *  ("letter.labs[2].text: …"), so that it names the field as the client sent it. */
bool jsonv_check_at(struct error *err, const json_t *obj, const struct jfield *fields,
                    const char *path);

/** The string value of obj[name], or NULL when absent, null or not a string. Borrowed. */
const char *jsonv_str(const json_t *obj, const char *name);
/** obj[name] as bool, or dflt when absent or not a boolean. */
bool jsonv_bool(const json_t *obj, const char *name, bool dflt);

/** Number of Unicode code points in a valid UTF-8 string. */
size_t utf8_length(const char *s);

#endif
