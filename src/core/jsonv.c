/* SPDX-License-Identifier: Apache-2.0 */
#include "jsonv.h"

#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "ids.h"
#include "text.h"

size_t utf8_length(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p & 0xC0) != 0x80)
            n++;
    return n;
}

static const struct jfield *find_field(const struct jfield *fields, const char *name)
{
    for (const struct jfield *f = fields; f->name; f++)
        if (strcmp(f->name, name) == 0)
            return f;
    return NULL;
}

static bool check_string(struct error *err, const struct jfield *f, const char *s)
{
    size_t max = f->max_len ? f->max_len : 256;
    if (utf8_length(s) > max)
        return error_set(err, ERR_FIELD_TOO_LONG, "%s: longer than %zu characters", f->name, max);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p < 0x20 && *p != '\n' && *p != '\t') || *p == 0x7f)
            return error_set(err, ERR_FIELD_VALUE, "%s: control character", f->name);
    if (f->allowed) {
        for (const char *const *a = f->allowed; *a; a++)
            if (strcmp(*a, s) == 0)
                return true;
        return error_set(err, ERR_FIELD_VALUE, "%s: value not allowed", f->name);
    }
    return true;
}

static bool check_uuid_array(struct error *err, const struct jfield *f, const json_t *v)
{
    if (!json_is_array(v))
        return error_set(err, ERR_FIELD_TYPE, "%s: expected an array", f->name);
    if (json_array_size(v) > (f->max_len ? f->max_len : 100))
        return error_set(err, ERR_FIELD_TOO_LONG, "%s: too many items", f->name);
    size_t i;
    json_t *item;
    json_array_foreach(v, i, item)
    {
        if (!json_is_string(item) || !ids_uuid_valid(json_string_value(item)))
            return error_set(err, ERR_FIELD_VALUE, "%s[%zu]: expected an id", f->name, i);
    }
    return true;
}

static bool check_string_array(struct error *err, const struct jfield *f, const json_t *v)
{
    if (!json_is_array(v))
        return error_set(err, ERR_FIELD_TYPE, "%s: expected an array", f->name);
    if (json_array_size(v) > (f->max_len ? f->max_len : 100))
        return error_set(err, ERR_FIELD_TOO_LONG, "%s: too many items", f->name);
    struct jfield item_rule = {f->name, JV_STRING, true, 256, f->allowed};
    size_t i;
    json_t *item;
    json_array_foreach(v, i, item)
    {
        if (!json_is_string(item))
            return error_set(err, ERR_FIELD_TYPE, "%s[%zu]: expected a string", f->name, i);
        if (!check_string(err, &item_rule, json_string_value(item)))
            return false;
    }
    return true;
}

static bool check_value(struct error *err, const struct jfield *f, const json_t *v)
{
    int y, m, d;
    switch (f->type) {
    case JV_STRING:
        if (!json_is_string(v))
            return error_set(err, ERR_FIELD_TYPE, "%s: expected a string", f->name);
        return check_string(err, f, json_string_value(v));
    case JV_TEXT:
        if (!json_is_string(v))
            return error_set(err, ERR_FIELD_TYPE, "%s: expected a string", f->name);
        if (!check_string(err, f, json_string_value(v)))
            return false;
        if (text_visible(json_string_value(v)))
            return true;
        return error_set(err, ERR_FIELD_VALUE, "%s: no visible characters", f->name);
    case JV_BOOL:
        return json_is_boolean(v)
                   ? true
                   : error_set(err, ERR_FIELD_TYPE, "%s: expected true or false", f->name);
    case JV_INT:
        return json_is_integer(v)
                   ? true
                   : error_set(err, ERR_FIELD_TYPE, "%s: expected an integer", f->name);
    case JV_NUMBER:
        return json_is_number(v) ? true
                                 : error_set(err, ERR_FIELD_TYPE, "%s: expected a number", f->name);
    case JV_DATE:
        if (!json_is_string(v))
            return error_set(err, ERR_FIELD_TYPE, "%s: expected a date string", f->name);
        return clock_parse_date(json_string_value(v), &y, &m, &d)
                   ? true
                   : error_set(err, ERR_FIELD_VALUE, "%s: expected YYYY-MM-DD", f->name);
    case JV_UUID:
        if (!json_is_string(v))
            return error_set(err, ERR_FIELD_TYPE, "%s: expected an id string", f->name);
        return ids_uuid_valid(json_string_value(v))
                   ? true
                   : error_set(err, ERR_FIELD_VALUE, "%s: expected an id", f->name);
    case JV_UUID_ARRAY:
        return check_uuid_array(err, f, v);
    case JV_STRING_ARRAY:
        return check_string_array(err, f, v);
    case JV_OBJECT:
        return json_is_object(v)
                   ? true
                   : error_set(err, ERR_FIELD_TYPE, "%s: expected an object", f->name);
    case JV_OBJECT_ARRAY:
        if (!json_is_array(v))
            return error_set(err, ERR_FIELD_TYPE, "%s: expected an array", f->name);
        if (json_array_size(v) > (f->max_len ? f->max_len : 100))
            return error_set(err, ERR_FIELD_TOO_LONG, "%s: too many items", f->name);
        for (size_t i = 0; i < json_array_size(v); i++)
            if (!json_is_object(json_array_get(v, i)))
                return error_set(err, ERR_FIELD_TYPE, "%s[%zu]: expected an object", f->name, i);
        return true;
    }
    return error_set(err, ERR_INTERNAL, "unknown field type");
}

bool jsonv_check(struct error *err, const json_t *obj, const struct jfield *fields)
{
    if (!json_is_object(obj))
        return error_set(err, ERR_FIELD_TYPE, "the body must be a JSON object");
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)obj, key, value)
    {
        const struct jfield *f = find_field(fields, key);
        if (!f)
            return error_set(err, ERR_UNKNOWN_FIELD, "%.64s", key);
        if (json_is_null(value)) {
            if (f->required)
                return error_set(err, ERR_FIELD_MISSING, "%s", f->name);
            continue;
        }
        if (!check_value(err, f, value))
            return false;
    }
    for (const struct jfield *f = fields; f->name; f++) {
        if (f->required && !json_object_get(obj, f->name))
            return error_set(err, ERR_FIELD_MISSING, "%s", f->name);
    }
    return true;
}

const char *jsonv_str(const json_t *obj, const char *name)
{
    json_t *v = json_object_get(obj, name);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

bool jsonv_bool(const json_t *obj, const char *name, bool dflt)
{
    json_t *v = json_object_get(obj, name);
    return json_is_boolean(v) ? json_is_true(v) : dflt;
}

bool jsonv_check_at(struct error *err, const json_t *obj, const struct jfield *fields,
                    const char *path)
{
    if (jsonv_check(err, obj, fields))
        return true;
    char detail[2 * sizeof err->detail];
    snprintf(detail, sizeof detail, "%s.%s", path, err->detail);
    snprintf(err->detail, sizeof err->detail, "%.*s", (int)sizeof err->detail - 1, detail);
    return false;
}
