/* SPDX-License-Identifier: Apache-2.0 */
/* multipart bodies (RFC 2046 §5.1.1): delimiters are CRLF "--" boundary; the first may start the
 * body; after a delimiter come optional spaces or tabs and CRLF, or "--" for the last one. */
#include "multipart.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

/* RFC 2046 bchars: DIGIT / ALPHA / "'" / "(" / ")" / "+" / "_" / "," / "-" / "." / "/" / ":" /
 * "=" / "?" / " " (not last). */
static bool boundary_valid(const char *b)
{
    size_t n = strlen(b);
    if (n < 1 || n > 70 || b[n - 1] == ' ')
        return false;
    for (const char *p = b; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr("'()+_,-./:=? ", *p))
            return false;
    return true;
}

/* Skips optional white space. */
static const char *skip_ws(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

/* A parameter value at p (token or quoted-string) into the arena; *end after it. */
static const char *param_value(struct arena *arena, const char *p, const char **end)
{
    if (*p != '"') {
        size_t n = strcspn(p, "; \t");
        *end = p + n;
        return n ? arena_strndup(arena, p, n) : NULL;
    }
    char *out = arena_alloc(arena, strlen(p) + 1);
    size_t n = 0;
    for (p++; *p && *p != '"'; p++) {
        if (*p == '\\' && p[1])
            p++;
        out[n++] = *p;
    }
    if (*p != '"')
        return NULL;
    out[n] = '\0';
    *end = p + 1;
    return out;
}

const char *multipart_param(struct arena *arena, const char *header, const char *name)
{
    const char *p = header ? strchr(header, ';') : NULL;
    size_t name_len = strlen(name);
    while (p && *p == ';') {
        p = skip_ws(p + 1);
        const char *eq = strchr(p, '=');
        if (!eq)
            return NULL;
        size_t n = (size_t)(eq - p);
        while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
            n--;
        const char *end;
        const char *v = param_value(arena, skip_ws(eq + 1), &end);
        if (!v)
            return NULL;
        if (n == name_len && strncasecmp(p, name, n) == 0)
            return v;
        p = skip_ws(end);
    }
    return NULL;
}

bool multipart_content_type(struct error *err, struct arena *arena, const char *header,
                            const char *media_type, const char **boundary, const char **type)
{
    size_t n = strlen(media_type);
    if (!header || strncasecmp(skip_ws(header), media_type, n) != 0)
        return error_set(err, ERR_CONTENT_TYPE, "expected %s", media_type);
    const char *rest = skip_ws(skip_ws(header) + n);
    if (*rest != ';' && *rest != '\0')
        return error_set(err, ERR_CONTENT_TYPE, "expected %s", media_type);
    *boundary = multipart_param(arena, header, "boundary");
    *type = multipart_param(arena, header, "type");
    if (!*boundary || !boundary_valid(*boundary))
        return error_set(err, ERR_BAD_MULTIPART, "missing or illegal boundary parameter");
    return true;
}

/* The Content-Type of a header block [h, h + n), lower-cased, in the arena; NULL if none. A
 * header line without a colon is malformed. */
static bool part_headers(struct error *err, struct arena *arena, const char *h, size_t n,
                         size_t offset, const char **content_type)
{
    *content_type = NULL;
    const char *end = h + n;
    while (h < end) {
        const char *eol = memchr(h, '\r', (size_t)(end - h));
        size_t line = eol ? (size_t)(eol - h) : (size_t)(end - h);
        const char *colon = memchr(h, ':', line);
        if (!colon || memchr(h, '\0', line))
            return error_set(err, ERR_BAD_MULTIPART, "offset %zu: malformed part header", offset);
        if ((size_t)(colon - h) == 12 && strncasecmp(h, "Content-Type", 12) == 0) {
            const char *v =
                skip_ws(arena_strndup(arena, colon + 1, line - (size_t)(colon - h) - 1));
            char *t = arena_strdup(arena, v);
            for (char *p = t + strlen(t); p > t && (p[-1] == ' ' || p[-1] == '\t');)
                *--p = '\0';
            *content_type = t;
        }
        h += line + 2; /* CRLF */
    }
    return true;
}

/* After a delimiter at p: "--" (last: *last) or padding and CRLF; *next after it. */
static bool delimiter_end(const uint8_t *p, const uint8_t *end, bool *last, const uint8_t **next)
{
    *last = end - p >= 2 && p[0] == '-' && p[1] == '-';
    if (*last) {
        *next = p + 2;
        return true;
    }
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
        return false;
    *next = p + 2;
    return true;
}

/* One part starting at p (after its delimiter line) up to the CRLF of the next delimiter at
 * stop: its headers and content. */
static bool part_read(struct error *err, struct arena *arena, const uint8_t *body, const uint8_t *p,
                      const uint8_t *stop, struct multipart_part *out)
{
    size_t avail = (size_t)(stop - p);
    size_t scan = avail < MULTIPART_MAX_HEADERS + 4 ? avail : MULTIPART_MAX_HEADERS + 4;
    const uint8_t *blank;
    if (scan >= 2 && p[0] == '\r' && p[1] == '\n') /* no headers at all */
        blank = p - 2;
    else if (!(blank = memmem(p, scan, "\r\n\r\n", 4)))
        return error_set(err, ERR_BAD_MULTIPART,
                         "offset %zu: part headers unterminated or longer than %d bytes",
                         (size_t)(p - body), MULTIPART_MAX_HEADERS);
    if (blank >= p && !part_headers(err, arena, (const char *)p, (size_t)(blank - p),
                                    (size_t)(p - body), &out->content_type))
        return false;
    out->data = blank + 4;
    out->len = (size_t)(stop - out->data);
    return true;
}

bool multipart_parse(struct error *err, struct arena *arena, const uint8_t *body, size_t len,
                     const char *boundary, struct multipart_part **parts, size_t *count)
{
    if (!body || len == 0)
        return error_set(err, ERR_BAD_MULTIPART, "empty body");
    const uint8_t *end = body + len;
    char *delim = arena_printf(arena, "\r\n--%s", boundary);
    size_t dlen = strlen(delim);
    const uint8_t *p;
    if (len >= dlen - 2 && memcmp(body, delim + 2, dlen - 2) == 0)
        p = body + dlen - 2; /* the first delimiter starts the body */
    else if ((p = memmem(body, len, delim, dlen)))
        p += dlen; /* after a preamble */
    else
        return error_set(err, ERR_BAD_MULTIPART, "no delimiter --%s", boundary);
    size_t cap = 16, n = 0;
    struct multipart_part *out = arena_alloc(arena, cap * sizeof(*out));
    for (;;) {
        bool last;
        const uint8_t *next;
        if (!delimiter_end(p, end, &last, &next))
            return error_set(err, ERR_BAD_MULTIPART, "offset %zu: malformed delimiter line",
                             (size_t)(p - body));
        if (last)
            break;
        const uint8_t *stop = memmem(next, (size_t)(end - next), delim, dlen);
        if (!stop)
            return error_set(err, ERR_BAD_MULTIPART,
                             "offset %zu: no closing delimiter (truncated body?)",
                             (size_t)(next - body));
        if (n == MULTIPART_MAX_PARTS)
            return error_set(err, ERR_BAD_MULTIPART, "more than %d parts", MULTIPART_MAX_PARTS);
        if (n == cap) {
            struct multipart_part *grown = arena_alloc(arena, 2 * cap * sizeof(*out));
            memcpy(grown, out, cap * sizeof(*out));
            out = grown;
            cap *= 2;
        }
        if (!part_read(err, arena, body, next, stop, &out[n++]))
            return false;
        p = stop + dlen;
    }
    if (n == 0)
        return error_set(err, ERR_BAD_MULTIPART, "no parts");
    *parts = out;
    *count = n;
    return true;
}
