/* SPDX-License-Identifier: Apache-2.0 */
#include "strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void grow(struct strbuf *sb, size_t extra)
{
    if (sb->len + extra + 1 <= sb->cap)
        return;
    size_t cap = sb->cap ? sb->cap : 64;
    while (cap < sb->len + extra + 1)
        cap *= 2;
    char *p = realloc(sb->buf, cap);
    if (!p) {
        fputs("tsunagu: out of memory\n", stderr);
        abort();
    }
    sb->buf = p;
    sb->cap = cap;
}

void strbuf_reserve(struct strbuf *sb, size_t n)
{
    grow(sb, n);
}

void strbuf_append(struct strbuf *sb, const char *data, size_t n)
{
    grow(sb, n);
    memcpy(sb->buf + sb->len, data, n);
    sb->len += n;
    sb->buf[sb->len] = '\0';
}

void strbuf_puts(struct strbuf *sb, const char *s)
{
    strbuf_append(sb, s, strlen(s));
}

void strbuf_printf(struct strbuf *sb, const char *fmt, ...)
{
    /* Formats once into the room the buffer has; only a text that does not fit is formatted
     * again, after growing (most texts are short and most buffers have room). */
    grow(sb, 64);
    size_t room = sb->cap - sb->len;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(sb->buf + sb->len, room, fmt, ap);
    va_end(ap);
    if (n < 0) {
        sb->buf[sb->len] = '\0';
        return;
    }
    if ((size_t)n >= room) {
        grow(sb, (size_t)n);
        va_start(ap, fmt);
        vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    sb->len += (size_t)n;
}

/* The escape of a byte that JSON does not allow bare in a string, or NULL when it is allowed. */
static const char *json_escape(unsigned char c, char hex[7])
{
    switch (c) {
    case '"':
        return "\\\"";
    case '\\':
        return "\\\\";
    case '\n':
        return "\\n";
    case '\r':
        return "\\r";
    case '\t':
        return "\\t";
    default:
        if (c >= 0x20)
            return NULL;
        snprintf(hex, 7, "\\u%04x", c);
        return hex;
    }
}

void strbuf_json_string_n(struct strbuf *sb, const char *s, size_t n)
{
    grow(sb, n + 2);
    sb->buf[sb->len++] = '"';
    const unsigned char *p = (const unsigned char *)(s ? s : ""), *end = s ? p + n : p;
    while (p < end) {
        const unsigned char *run = p; /* the bytes that go as they are, appended at once */
        char hex[7];
        const char *esc = NULL;
        while (p < end && *p >= 0x20 && *p != '"' && *p != '\\')
            p++; /* the common bytes, without a call each */
        while (p < end && *p && !(esc = json_escape(*p, hex)))
            p++;
        strbuf_append(sb, (const char *)run, (size_t)(p - run));
        if (p == end || !*p)
            break;
        strbuf_puts(sb, esc);
        p++;
    }
    strbuf_append(sb, "\"", 1);
}

void strbuf_json_string(struct strbuf *sb, const char *s)
{
    strbuf_json_string_n(sb, s, s ? strlen(s) : 0);
}

void strbuf_xhtml_text(struct strbuf *sb, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&':
            strbuf_puts(sb, "&amp;");
            break;
        case '<':
            strbuf_puts(sb, "&lt;");
            break;
        case '>':
            strbuf_puts(sb, "&gt;");
            break;
        case '"':
            strbuf_puts(sb, "&quot;");
            break;
        case '\n':
            strbuf_puts(sb, "<br/>");
            break;
        default:
            strbuf_append(sb, s, 1);
        }
    }
}

void strbuf_release(struct strbuf *sb)
{
    free(sb->buf);
    sb->buf = NULL;
    sb->len = sb->cap = 0;
}

char *strbuf_steal(struct strbuf *sb)
{
    if (!sb->buf)
        grow(sb, 0), sb->buf[0] = '\0';
    char *p = sb->buf;
    sb->buf = NULL;
    sb->len = sb->cap = 0;
    return p;
}
