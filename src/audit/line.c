/* SPDX-License-Identifier: Apache-2.0 */
/* One record of the audit log as a line of JSON: written and read back in one fixed order of keys.
 * The reader is made for that order (the indexer reads every record once, so it must cost little
 * more than the write); a line in any other shape is not a record of this log. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_int.h"
#include "core/strbuf.h"

static void field(struct strbuf *sb, const char *name, const char *value)
{
    strbuf_puts(sb, ",\"");
    strbuf_puts(sb, name);
    strbuf_puts(sb, "\":");
    if (value)
        strbuf_json_string(sb, value);
    else
        strbuf_puts(sb, "null");
}

void audit_line_format(struct strbuf *sb, const struct audit_record *rec,
                       const struct audit_stamp *stamp, bool txn)
{
    char action[2] = {rec->action, 0};
    strbuf_printf(sb, "{\"seq\":%lld", (long long)stamp->seq);
    field(sb, "time", stamp->time);
    field(sb, "event_id", rec->event_id);
    field(sb, "action", action);
    strbuf_printf(sb, ",\"outcome\":%d", (int)rec->outcome);
    field(sb, "user_id", rec->user_id);
    field(sb, "user_login", rec->user_login);
    field(sb, "org_id", rec->org_id);
    field(sb, "client", rec->client);
    field(sb, "patient_id", rec->patient_id);
    field(sb, "object_type", rec->object_type);
    field(sb, "object_id", rec->object_id);
    field(sb, "request_id", rec->request_id);
    field(sb, "detail", rec->detail);
    strbuf_puts(sb, txn ? ",\"txn\":true" : ",\"txn\":false");
    field(sb, "prev_hash", stamp->prev);
    field(sb, "hash", stamp->hash);
    strbuf_puts(sb, "}\n");
}

/* ---- reading ---------------------------------------------------------------------------- */

struct cursor {
    const char *p, *end;
    char *out; /* where the next decoded string goes (inside the line's own memory) */
};

static bool literal(struct cursor *c, const char *s)
{
    size_t n = strlen(s);
    if ((size_t)(c->end - c->p) < n || memcmp(c->p, s, n) != 0)
        return false;
    c->p += n;
    return true;
}

/* ,"name": (or the opening {"name": for the first key) */
static bool key(struct cursor *c, const char *name, bool first)
{
    return literal(c, first ? "{\"" : ",\"") && literal(c, name) && literal(c, "\":");
}

static bool integer(struct cursor *c, int64_t *out)
{
    bool neg = c->p < c->end && *c->p == '-';
    if (neg)
        c->p++;
    const char *start = c->p;
    int64_t v = 0;
    while (c->p < c->end && *c->p >= '0' && *c->p <= '9' && c->p - start < 18)
        v = v * 10 + (*c->p++ - '0');
    if (c->p == start || (c->p < c->end && *c->p >= '0' && *c->p <= '9'))
        return false;
    *out = neg ? -v : v;
    return true;
}

static int hex4(const char *p)
{
    int v = 0;
    for (int i = 0; i < 4; i++) {
        char ch = p[i];
        int d = ch >= '0' && ch <= '9'   ? ch - '0'
                : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
                : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
                                         : -1;
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

static void put_utf8(char **o, unsigned cp)
{
    unsigned char *u = (unsigned char *)*o;
    if (cp < 0x80) {
        *u++ = (unsigned char)cp;
    } else if (cp < 0x800) {
        *u++ = (unsigned char)(0xC0 | cp >> 6);
        *u++ = (unsigned char)(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        *u++ = (unsigned char)(0xE0 | cp >> 12);
        *u++ = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        *u++ = (unsigned char)(0x80 | (cp & 0x3F));
    } else {
        *u++ = (unsigned char)(0xF0 | cp >> 18);
        *u++ = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
        *u++ = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        *u++ = (unsigned char)(0x80 | (cp & 0x3F));
    }
    *o = (char *)u;
}

/* A \uXXXX escape (p after the u), with its low surrogate when it is a high one; 0 on error. */
static unsigned code_point(struct cursor *c)
{
    if (c->end - c->p < 4)
        return 0;
    int hi = hex4(c->p);
    c->p += 4;
    if (hi < 0xD800 || hi > 0xDFFF)
        return hi > 0 ? (unsigned)hi : 0; /* \u0000 is no text */
    if (hi > 0xDBFF || c->end - c->p < 6 || c->p[0] != '\\' || c->p[1] != 'u')
        return 0;
    int lo = hex4(c->p + 2);
    if (lo < 0xDC00 || lo > 0xDFFF)
        return 0;
    c->p += 6;
    return 0x10000 + (((unsigned)hi - 0xD800) << 10) + ((unsigned)lo - 0xDC00);
}

static bool escape(struct cursor *c, char **o)
{
    if (c->p >= c->end)
        return false;
    char e = *c->p++;
    const char *from = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t";
    const char *hit = e ? strchr(from, e) : NULL;
    if (hit) {
        *(*o)++ = to[hit - from];
        return true;
    }
    unsigned cp = e == 'u' ? code_point(c) : 0;
    if (!cp)
        return false;
    put_utf8(o, cp);
    return true;
}

/* A string (decoded into the line's memory) or null. */
static bool string(struct cursor *c, const char **out)
{
    if (literal(c, "null")) {
        *out = NULL;
        return true;
    }
    if (!literal(c, "\""))
        return false;
    char *o = c->out;
    *out = o;
    while (c->p < c->end && *c->p != '"') {
        unsigned char ch = (unsigned char)*c->p;
        if (ch < 0x20)
            return false;
        if (ch == '\\') {
            c->p++;
            if (!escape(c, &o))
                return false;
            continue;
        }
        *o++ = *c->p++;
    }
    if (c->p == c->end)
        return false;
    c->p++;
    *o++ = 0;
    c->out = o;
    return true;
}

static bool text_field(struct cursor *c, const char *name, const char **out)
{
    return key(c, name, false) && string(c, out);
}

static bool parse(struct cursor *c, struct audit_line *l)
{
    const char *action = NULL;
    int64_t outcome = 0;
    struct audit_record *r = &l->rec;
    if (!key(c, "seq", true) || !integer(c, &l->seq) || !text_field(c, "time", &l->time) ||
        !text_field(c, "event_id", &r->event_id) || !text_field(c, "action", &action) ||
        !key(c, "outcome", false) || !integer(c, &outcome) ||
        !text_field(c, "user_id", &r->user_id) || !text_field(c, "user_login", &r->user_login) ||
        !text_field(c, "org_id", &r->org_id) || !text_field(c, "client", &r->client) ||
        !text_field(c, "patient_id", &r->patient_id) ||
        !text_field(c, "object_type", &r->object_type) ||
        !text_field(c, "object_id", &r->object_id) ||
        !text_field(c, "request_id", &r->request_id) || !text_field(c, "detail", &r->detail) ||
        !key(c, "txn", false))
        return false;
    if (literal(c, "true"))
        l->txn = true;
    else if (!literal(c, "false"))
        return false;
    if (!text_field(c, "prev_hash", &l->prev) || !text_field(c, "hash", &l->hash) ||
        !literal(c, "}") || c->p != c->end)
        return false;
    r->action = action && action[0] && !action[1] ? action[0] : 0;
    r->outcome = (enum audit_outcome)outcome;
    return l->seq > 0 && l->time && l->prev && l->hash && r->event_id && r->action &&
           outcome >= 0 && outcome <= 12;
}

bool audit_line_parse(const char *text, size_t len, struct audit_line *line)
{
    memset(line, 0, sizeof(*line));
    line->mem = malloc(len + 1); /* decoded strings are never longer than their source */
    if (!line->mem)
        return false;
    struct cursor c = {.p = text, .end = text + len, .out = line->mem};
    if (!parse(&c, line)) {
        audit_line_free(line);
        return false;
    }
    return true;
}

void audit_line_free(struct audit_line *line)
{
    free(line->mem);
    line->mem = NULL;
}
