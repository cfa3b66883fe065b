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
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n <= 0)
        return;
    grow(sb, (size_t)n);
    va_start(ap, fmt);
    vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    sb->len += (size_t)n;
}

void strbuf_json_string(struct strbuf *sb, const char *s)
{
    strbuf_append(sb, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        switch (*p) {
        case '"':
            strbuf_append(sb, "\\\"", 2);
            break;
        case '\\':
            strbuf_append(sb, "\\\\", 2);
            break;
        case '\n':
            strbuf_append(sb, "\\n", 2);
            break;
        case '\r':
            strbuf_append(sb, "\\r", 2);
            break;
        case '\t':
            strbuf_append(sb, "\\t", 2);
            break;
        default:
            if (*p < 0x20)
                strbuf_printf(sb, "\\u%04x", *p);
            else
                strbuf_append(sb, (const char *)p, 1);
        }
    }
    strbuf_append(sb, "\"", 1);
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
