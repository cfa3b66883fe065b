/* SPDX-License-Identifier: Apache-2.0 */
/* A compact JSON writer for jansson values. Every answer of the API is written by it, so it
 * stays byte for byte what json_dumps writes (tests/unit/core/test_jsonw.c and the fuzz target
 * fuzz_json_body compare the two), only cheaper. */
#include "jsonw.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "kana.h"

/* Appends n bytes; the NUL is written once, at the end (jsonw_append). */
static inline void put(struct strbuf *sb, const char *data, size_t n)
{
    if (sb->len + n + 1 > sb->cap)
        strbuf_reserve(sb, n);
    memcpy(sb->buf + sb->len, data, n);
    sb->len += n;
}

/* The escape of a byte that may not stand bare in a JSON string ('"', '\\', a control
 * character), written at out (room for 6); its length. As jansson escapes. */
static size_t escape(unsigned char c, char *out)
{
    static const char hexdigits[] = "0123456789ABCDEF";
    char short_form = 0;
    switch (c) {
    case '"':
    case '\\':
        short_form = (char)c;
        break;
    case '\b':
        short_form = 'b';
        break;
    case '\f':
        short_form = 'f';
        break;
    case '\n':
        short_form = 'n';
        break;
    case '\r':
        short_form = 'r';
        break;
    case '\t':
        short_form = 't';
        break;
    default:
        memcpy(out, "\\u00", 4);
        out[4] = hexdigits[c >> 4];
        out[5] = hexdigits[c & 15];
        return 6;
    }
    out[0] = '\\';
    out[1] = short_form;
    return 2;
}

/* Whether s[0..n) is UTF-8, NUL bytes allowed (a jansson string may hold them). */
static bool utf8_with_nul(const char *s, size_t n)
{
    const char *end = s + n;
    while (s < end) {
        const char *nul = memchr(s, '\0', (size_t)(end - s));
        size_t part = (size_t)((nul ? nul : end) - s);
        if (!utf8_valid(s, part))
            return false;
        s += part + (nul != NULL);
    }
    return true;
}

/* s[0..n) as a JSON string literal; false when it is not UTF-8 (jansson refuses it too). */
static bool put_string(struct strbuf *sb, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    unsigned char high = 0;
    for (const unsigned char *q = p; q < end; q++)
        high |= *q;
    if ((high & 0x80) && !utf8_with_nul(s, n))
        return false;
    put(sb, "\"", 1);
    while (p < end) {
        /* a block at a time, with room for the longest it can become */
        const unsigned char *block_end = end - p > 4096 ? p + 4096 : end;
        strbuf_reserve(sb, 6 * (size_t)(block_end - p) + 1);
        char *out = sb->buf + sb->len;
        for (; p < block_end; p++) {
            if (*p >= 0x20 && *p != '"' && *p != '\\')
                *out++ = (char)*p;
            else
                out += escape(*p, out);
        }
        sb->len = (size_t)(out - sb->buf);
    }
    put(sb, "\"", 1);
    return true;
}

static void put_integer(struct strbuf *sb, json_int_t v)
{
    char digits[24];
    size_t i = sizeof digits;
    /* the magnitude as unsigned, so that the most negative value has one too */
    unsigned long long m = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    do {
        digits[--i] = (char)('0' + m % 10);
        m /= 10;
    } while (m);
    if (v < 0)
        digits[--i] = '-';
    put(sb, digits + i, sizeof digits - i);
}

/* As jansson writes a real with JSON_REAL_PRECISION(15): "%.15g", then ".0" when neither a
 * point nor an exponent shows it is a real, and the exponent without '+' or leading zeros. */
static void put_real(struct strbuf *sb, double v)
{
    char text[48];
    int n = snprintf(text, sizeof text, "%.15g", v);
    if (n < 0 || (size_t)n >= sizeof text - 2)
        n = 0;
    text[n] = '\0';
    char *point = strchr(text, ','); /* a locale's decimal comma */
    if (point)
        *point = '.';
    if (!strchr(text, '.') && !strchr(text, 'e')) {
        memcpy(text + n, ".0", 3);
        n += 2;
    }
    char *e = strchr(text, 'e');
    if (e) {
        char *start = e + 1, *digit = start + 1;
        if (*start == '-')
            start++;
        while (*digit == '0')
            digit++;
        if (digit != start) {
            memmove(start, digit, (size_t)(text + n - digit) + 1);
            n -= (int)(digit - start);
        }
    }
    put(sb, text, (size_t)n);
}

static bool put_value(struct strbuf *sb, const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        put(sb, "{", 1);
        bool first = true;
        for (void *it = json_object_iter((json_t *)v); it;
             it = json_object_iter_next((json_t *)v, it)) {
            if (!first)
                put(sb, ",", 1);
            first = false;
            if (!put_string(sb, json_object_iter_key(it), json_object_iter_key_len(it)))
                return false;
            put(sb, ":", 1);
            if (!put_value(sb, json_object_iter_value(it)))
                return false;
        }
        put(sb, "}", 1);
        return true;
    }
    case JSON_ARRAY: {
        put(sb, "[", 1);
        size_t n = json_array_size(v);
        for (size_t i = 0; i < n; i++) {
            if (i)
                put(sb, ",", 1);
            if (!put_value(sb, json_array_get(v, i)))
                return false;
        }
        put(sb, "]", 1);
        return true;
    }
    case JSON_STRING:
        return put_string(sb, json_string_value(v), json_string_length(v));
    case JSON_INTEGER:
        put_integer(sb, json_integer_value(v));
        return true;
    case JSON_REAL:
        put_real(sb, json_real_value(v));
        return true;
    case JSON_TRUE:
        put(sb, "true", 4);
        return true;
    case JSON_FALSE:
        put(sb, "false", 5);
        return true;
    case JSON_NULL:
        put(sb, "null", 4);
        return true;
    }
    return false;
}

bool jsonw_append(struct strbuf *sb, const json_t *v)
{
    size_t mark = sb->len;
    if (v && put_value(sb, v)) {
        sb->buf[sb->len] = '\0';
        return true;
    }
    sb->len = mark;
    if (sb->buf)
        sb->buf[mark] = '\0';
    return false;
}

char *jsonw_text(const json_t *v, size_t *len)
{
    struct strbuf sb = {0};
    if (!jsonw_append(&sb, v)) {
        strbuf_release(&sb);
        return NULL;
    }
    *len = sb.len;
    return strbuf_steal(&sb);
}
