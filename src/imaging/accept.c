/* SPDX-License-Identifier: Apache-2.0 */
/* Accept headers as DICOMweb uses them (PS3.18 §8.7.4): media ranges with q values, and the
 * type and transfer-syntax parameters of multipart/related and application/dicom. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dicomweb_int.h"
#include "http/server.h"

/* Copies s[0..n) trimmed of spaces and quotes, lower-cased when lower, into out. */
static void copy_trimmed(char *out, size_t cap, const char *s, size_t n, bool lower)
{
    while (n && (*s == ' ' || *s == '\t' || *s == '"'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '"'))
        n--;
    if (n >= cap)
        n = cap - 1;
    for (size_t i = 0; i < n; i++)
        out[i] = lower ? (char)tolower((unsigned char)s[i]) : s[i];
    out[n] = '\0';
}

/* One parameter "name=value" of a media range. */
static void take_param(struct dicomweb_accept *a, const char *p, size_t n)
{
    const char *eq = memchr(p, '=', n);
    if (!eq)
        return;
    char name[32];
    copy_trimmed(name, sizeof name, p, (size_t)(eq - p), true);
    const char *v = eq + 1;
    size_t vn = n - (size_t)(v - p);
    if (strcmp(name, "type") == 0)
        copy_trimmed(a->related_type, sizeof a->related_type, v, vn, true);
    else if (strcmp(name, "transfer-syntax") == 0)
        copy_trimmed(a->transfer_syntax, sizeof a->transfer_syntax, v, vn, false);
    else if (strcmp(name, "q") == 0) {
        char q[16];
        copy_trimmed(q, sizeof q, v, vn, false);
        a->q = strtod(q, NULL);
    }
}

/* One media range "type/subtype; p=v; …" (quoted values may hold ';' or ','). */
static void parse_range(struct dicomweb_accept *a, const char *s, size_t n)
{
    memset(a, 0, sizeof *a);
    a->q = 1.0;
    size_t i = 0, start = 0;
    bool quoted = false, first = true;
    for (; i <= n; i++) {
        if (i < n && s[i] == '"')
            quoted = !quoted;
        if (i < n && (quoted || s[i] != ';'))
            continue;
        if (first)
            copy_trimmed(a->type, sizeof a->type, s + start, i - start, true);
        else
            take_param(a, s + start, i - start);
        first = false;
        start = i + 1;
    }
}

/* Highest q first; equal q keep the client's order (a stable insertion sort). */
static void sort_by_q(struct dicomweb_accept *a, int n)
{
    for (int i = 1; i < n; i++) {
        struct dicomweb_accept x = a[i];
        int j = i;
        for (; j > 0 && a[j - 1].q < x.q; j--)
            a[j] = a[j - 1];
        a[j] = x;
    }
}

int dicomweb_accept_parse(struct request *req, struct dicomweb_accept *out)
{
    const char *h = request_header(req, "Accept");
    if (!h || !*h)
        h = "*/*";
    int count = 0;
    bool quoted = false;
    size_t start = 0, len = strlen(h);
    for (size_t i = 0; i <= len && count < DICOMWEB_ACCEPT_MAX; i++) {
        if (i < len && h[i] == '"')
            quoted = !quoted;
        if (i < len && (quoted || h[i] != ','))
            continue;
        parse_range(&out[count], h + start, i - start);
        if (out[count].type[0] && out[count].q > 0)
            count++;
        start = i + 1;
    }
    sort_by_q(out, count);
    return count;
}

bool dicomweb_accept_admits(const struct dicomweb_accept *a, const char *type)
{
    if (strcmp(a->type, "*/*") == 0 || strcasecmp(a->type, type) == 0)
        return true;
    size_t n = strlen(a->type);
    return n > 2 && strcmp(a->type + n - 2, "/*") == 0 && strncasecmp(a->type, type, n - 1) == 0;
}

const char *dicomweb_base(struct request *req)
{
    return arena_printf(req->op.arena, "%s/dicom-web", server_public_url());
}
