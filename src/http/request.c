/* SPDX-License-Identifier: Apache-2.0 */
#include "request.h"

#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

#include "core/kana.h"
#include "router.h"

const char *request_query(struct request *req, const char *name)
{
    return MHD_lookup_connection_value(req->mhd, MHD_GET_ARGUMENT_KIND, name);
}

struct query_walk {
    request_query_fn fn;
    void *ctx;
};

static enum MHD_Result walk_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                const char *value)
{
    (void)kind;
    struct query_walk *w = cls;
    return w->fn(w->ctx, key, value) ? MHD_YES : MHD_NO;
}

void request_query_each(struct request *req, request_query_fn fn, void *ctx)
{
    struct query_walk w = {fn, ctx};
    MHD_get_connection_values(req->mhd, MHD_GET_ARGUMENT_KIND, walk_arg, &w);
}

const char *request_header(struct request *req, const char *name)
{
    return MHD_lookup_connection_value(req->mhd, MHD_HEADER_KIND, name);
}

const char *request_param(struct request *req, int i)
{
    return i < req->param_count ? req->params[i] : NULL;
}

struct query_check {
    const char *const *allowed;
    struct error *err;
    const char *seen[16];
    int seen_count;
};

static enum MHD_Result check_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                 const char *value)
{
    (void)kind;
    struct query_check *qc = cls;
    bool known = false;
    for (const char *const *a = qc->allowed; *a; a++)
        known |= strcmp(*a, key) == 0;
    if (!known) {
        error_set(qc->err, ERR_BAD_QUERY, "unknown parameter %.40s", key);
        return MHD_NO;
    }
    for (int i = 0; i < qc->seen_count; i++) {
        if (strcmp(qc->seen[i], key) == 0) {
            error_set(qc->err, ERR_BAD_QUERY, "repeated parameter %s", key);
            return MHD_NO;
        }
    }
    if (qc->seen_count < 16)
        qc->seen[qc->seen_count++] = key;
    if (value && (!utf8_valid(value, strlen(value)) || strlen(value) > 200)) {
        error_set(qc->err, ERR_BAD_QUERY, "parameter %s is not valid UTF-8 or too long", key);
        return MHD_NO;
    }
    return MHD_YES;
}

/* A query string's names and values as sent: a NUL byte (%00) would cut them short where they
 * are read as C strings, and everything we take is UTF-8. */
static enum MHD_Result check_bytes(void *cls, enum MHD_ValueKind kind, const char *key,
                                   size_t key_size, const char *value, size_t value_size)
{
    (void)kind;
    struct error *err = cls;
    if (strlen(key) != key_size || (value && strlen(value) != value_size)) {
        error_set(err, ERR_BAD_QUERY, "a query parameter contains a NUL byte");
        return MHD_NO;
    }
    if (!utf8_valid(key, key_size) || (value && !utf8_valid(value, value_size))) {
        error_set(err, ERR_BAD_QUERY, "query parameter %.40s is not valid UTF-8",
                  utf8_valid(key, key_size) ? key : "(name)");
        return MHD_NO;
    }
    return MHD_YES;
}

bool request_query_valid(struct error *err, struct request *req)
{
    MHD_get_connection_values_n(req->mhd, MHD_GET_ARGUMENT_KIND, check_bytes, err);
    return err->code == ERR_NONE;
}

bool request_query_check(struct error *err, struct request *req, const char *const *allowed)
{
    struct query_check qc = {.allowed = allowed, .err = err};
    MHD_get_connection_values(req->mhd, MHD_GET_ARGUMENT_KIND, check_arg, &qc);
    return !err || err->code == ERR_NONE;
}

const char *request_emergency(struct request *req, const char *grant_id, const char *detail)
{
    if (!req->emergency_grant) {
        req->emergency_grant = arena_strdup(req->op.arena, grant_id);
        response_header(req, "X-Tsunagu-Emergency-Access", grant_id);
    }
    const char *said = arena_printf(req->op.arena, "emergency access %s", grant_id);
    /* A detail that already says so (a read checked twice) is not prefixed again. */
    if (!detail || strncmp(detail, said, strlen(said)) == 0)
        return detail ? detail : said;
    return arena_printf(req->op.arena, "%s; %s", said, detail);
}

bool request_require_org(struct error *err, struct request *req)
{
    return req->op.principal.org_id[0] ? true : error_set(err, ERR_NO_ORG, NULL);
}

static bool parse_count(const char *s, int64_t max, int64_t *out)
{
    if (!s || !*s || strlen(s) > 9)
        return false;
    int64_t v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        v = v * 10 + (*p - '0');
    }
    if (v > max)
        return false;
    *out = v;
    return true;
}

bool request_page(struct error *err, struct request *req, int64_t *limit, int64_t *offset)
{
    const char *l = request_query(req, "limit"), *c = request_query(req, "cursor");
    *limit = 50;
    *offset = 0;
    if (l && (!parse_count(l, 100, limit) || *limit < 1))
        return error_set(err, ERR_BAD_QUERY, "limit must be 1 to 100");
    if (c && !parse_count(c, 100000000, offset))
        return error_set(err, ERR_BAD_QUERY, "invalid cursor");
    return true;
}

bool request_respond_page(struct request *req, json_t *items, int64_t offset, int64_t limit)
{
    if (!items)
        return false;
    bool more = json_array_size(items) > (size_t)limit;
    if (more)
        json_array_remove(items, (size_t)limit);
    response_json(req, 200, request_page_body(req, items, offset, limit, more));
    return true;
}

json_t *request_page_body(struct request *req, json_t *items, int64_t offset, int64_t limit,
                          bool has_more)
{
    json_t *body = json_object();
    json_object_set_new(body, "items", items);
    json_object_set_new(
        body, "next_cursor",
        has_more ? json_string(arena_printf(req->op.arena, "%lld", (long long)(offset + limit)))
                 : json_null());
    return body;
}
