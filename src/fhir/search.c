/* SPDX-License-Identifier: Apache-2.0 */
#include "search.h"
#include "store/dialect.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access/access.h"
#include "core/clock.h"
#include "core/ids.h"
#include "core/kana.h"
#include "core/strbuf.h"
#include "fhir/search_params.h"
#include "fhir/store.h"

enum { MAX_ARGS = 200, COUNT_DEFAULT = 50, COUNT_MAX = 1000, OFFSET_MAX = 1000000 };

/* Visible: outside any compartment, or a patient the organisation may see, or (for the types of
 * the emergency view) one the user holds an emergency grant for. */
const char fhir_visible_sql[] =
    "(r.patient_id IS NULL OR EXISTS (SELECT 1 FROM patients p WHERE p.id = r.patient_id AND "
    "(" ACCESS_VISIBLE_SQL " OR (r.type IN " FHIR_EMERGENCY_TYPES_SQL " AND " ACCESS_EMERGENCY_SQL
    "))))";

/* The SQL under construction: text and its arguments, numbered ?1… in order. */
struct qb {
    struct strbuf sql;
    struct store_arg args[MAX_ARGS];
    int n;
    struct error *err;
};

/* Adds a text argument and takes ownership of t (qb_free frees it; on failure it is freed at
 * once). The access rule's arguments come first (access_rule_bind) and are not owned. */
static int arg_text(struct qb *q, const char *t)
{
    if (q->n == MAX_ARGS) {
        free((char *)t);
        return error_set(q->err, ERR_BAD_QUERY, "too many search values"), 0;
    }
    q->args[q->n] = (struct store_arg){.type = 't', .text = t};
    return ++q->n;
}

static int arg_int(struct qb *q, int64_t v)
{
    if (q->n == MAX_ARGS)
        return error_set(q->err, ERR_BAD_QUERY, "too many search values"), 0;
    q->args[q->n] = (struct store_arg){.type = 'i', .i = v};
    return ++q->n;
}

static int arg_real(struct qb *q, double v)
{
    if (q->n == MAX_ARGS)
        return error_set(q->err, ERR_BAD_QUERY, "too many search values"), 0;
    q->args[q->n] = (struct store_arg){.type = 'd', .d = v};
    return ++q->n;
}

/* ---- conditions per parameter type ---------------------------------------------------- */

/* The date condition of one value on columns lo/hi (R4 §3.1.1.4.2, as fhir_date_match). */
static bool date_cond(struct qb *q, const char *lo, const char *hi, const char *value)
{
    enum fhir_prefix prefix;
    struct fhir_date_range s;
    if (!fhir_date_param_parse(q->err, value, &prefix, &s))
        return false;
    int a = arg_int(q, s.low_ms), b = arg_int(q, s.high_ms);
    if (!a || !b)
        return false;
    struct strbuf *sb = &q->sql;
    switch (prefix) {
    case FHIR_PREFIX_EQ:
        strbuf_printf(sb, "(%s >= ?%d AND %s <= ?%d)", lo, a, hi, b);
        break;
    case FHIR_PREFIX_NE:
        strbuf_printf(sb, "NOT (%s >= ?%d AND %s <= ?%d)", lo, a, hi, b);
        break;
    case FHIR_PREFIX_GT:
        strbuf_printf(sb, "(%s > ?%d)", hi, b);
        break;
    case FHIR_PREFIX_LT:
        strbuf_printf(sb, "(%s < ?%d)", lo, a);
        break;
    case FHIR_PREFIX_GE:
        strbuf_printf(sb, "((%s >= ?%d AND %s <= ?%d) OR %s > ?%d)", lo, a, hi, b, hi, b);
        break;
    case FHIR_PREFIX_LE:
        strbuf_printf(sb, "((%s >= ?%d AND %s <= ?%d) OR %s < ?%d)", lo, a, hi, b, lo, a);
        break;
    case FHIR_PREFIX_SA:
        strbuf_printf(sb, "(%s > ?%d)", lo, b);
        break;
    case FHIR_PREFIX_EB:
        strbuf_printf(sb, "(%s < ?%d)", hi, a);
        break;
    case FHIR_PREFIX_AP: {
        int64_t now = clock_now_ms(), dist = llabs(s.low_ms - now);
        int64_t margin = dist / 10 > 86400000 ? dist / 10 : 86400000;
        q->args[a - 1].i = s.low_ms - margin;
        q->args[b - 1].i = s.high_ms == INT64_MAX ? INT64_MAX : s.high_ms + margin;
        strbuf_printf(sb, "(%s >= ?%d AND %s <= ?%d)", hi, a, lo, b);
        break;
    }
    }
    return true;
}

static bool token_cond(struct qb *q, const char *value)
{
    struct fhir_token_query t;
    if (!fhir_token_param_parse(q->err, value, &t))
        return false;
    /* The strings live as long as the query: arg_text owns them from here. */
    bool has_code = t.code != NULL;
    bool ok = true;
    strbuf_puts(&q->sql, "(");
    if (has_code) {
        int c = arg_text(q, strndup(t.code, t.code_len));
        ok = c;
        strbuf_printf(&q->sql, "t.code = ?%d", c);
    }
    if (ok && t.system_given) {
        int s = arg_text(q, strndup(t.system, t.system_len));
        ok = s;
        strbuf_printf(&q->sql, "%st.system = ?%d", has_code ? " AND " : "", s);
    }
    strbuf_puts(&q->sql, ")");
    return ok;
}

static bool string_cond(struct qb *q, const char *modifier, const char *value)
{
    if (modifier && strcmp(modifier, "exact") == 0) {
        int v = arg_text(q, strdup(value));
        return v && (strbuf_printf(&q->sql, "(s.original = ?%d)", v), true);
    }
    char *key = kana_normalize(value);
    if (!key)
        return error_set(q->err, ERR_NOMEM, NULL);
    if (modifier) { /* contains */
        int v = arg_text(q, key);
        return v && (strbuf_printf(&q->sql, "(" DIALECT_STRPOS "(s.key, ?%d) > 0)", v), true);
    }
    /* starts with: key <= s.key < key followed by the largest code point */
    size_t n = strlen(key);
    char *upper = malloc(n + 5);
    if (!upper) {
        free(key);
        return error_set(q->err, ERR_NOMEM, NULL);
    }
    memcpy(upper, key, n);
    memcpy(upper + n, "\xf4\x8f\xbf\xbf", 5);
    int a = arg_text(q, key), b = arg_text(q, upper);
    return a && b && (strbuf_printf(&q->sql, "(s.key >= ?%d AND s.key < ?%d)", a, b), true);
}

static bool number_cond(struct qb *q, const struct fhir_quantity_query *v)
{
    struct strbuf *sb = &q->sql;
    int x = arg_real(q, v->value), lo = arg_real(q, v->low), hi = arg_real(q, v->high);
    double m = fabs(v->value) / 10;
    int alo = arg_real(q, v->value - m), ahi = arg_real(q, v->value + m);
    if (!x || !lo || !hi || !alo || !ahi)
        return false;
    switch (v->prefix) {
    case FHIR_PREFIX_EQ:
        strbuf_printf(sb, "(q.value >= ?%d AND q.value < ?%d)", lo, hi);
        break;
    case FHIR_PREFIX_NE:
        strbuf_printf(sb, "NOT (q.value >= ?%d AND q.value < ?%d)", lo, hi);
        break;
    case FHIR_PREFIX_GT:
    case FHIR_PREFIX_SA:
        strbuf_printf(sb, "(q.value > ?%d)", x);
        break;
    case FHIR_PREFIX_LT:
    case FHIR_PREFIX_EB:
        strbuf_printf(sb, "(q.value < ?%d)", x);
        break;
    case FHIR_PREFIX_GE:
        strbuf_printf(sb, "(q.value >= ?%d)", x);
        break;
    case FHIR_PREFIX_LE:
        strbuf_printf(sb, "(q.value <= ?%d)", x);
        break;
    case FHIR_PREFIX_AP:
        strbuf_printf(sb, "(q.value >= ?%d AND q.value <= ?%d)", alo, ahi);
        break;
    }
    return true;
}

static bool quantity_cond(struct qb *q, const struct fhir_search_param *p, const char *value)
{
    struct fhir_quantity_query v;
    bool ok = p->type == FHIR_PARAM_NUMBER ? fhir_number_param_parse(q->err, value, &v)
                                           : fhir_quantity_param_parse(q->err, value, &v);
    if (!ok)
        return false;
    strbuf_puts(&q->sql, "(");
    if (!number_cond(q, &v))
        return false;
    if (v.system && v.system_len > 0) {
        int s = arg_text(q, strndup(v.system, v.system_len));
        if (!s)
            return false;
        strbuf_printf(&q->sql, " AND q.system = ?%d", s);
    }
    if (v.code) {
        int c = arg_text(q, strndup(v.code, v.code_len));
        if (!c)
            return false;
        strbuf_printf(&q->sql, " AND q.code = ?%d", c);
    }
    strbuf_puts(&q->sql, ")");
    return true;
}

/* A reference value: "Type/id", "id" (the parameter's target type, or any type) or an
 * absolute URL of this server or another. */
static bool reference_cond(struct qb *q, const struct fhir_search_param *p, const char *value,
                           const char *base_url)
{
    char norm[160];
    if (!strchr(value, '/')) {
        if (p->where) {
            snprintf(norm, sizeof norm, "%s/%s", p->where, value);
        } else {
            char *like = store_like("%/", value, ""); /* the id, whatever its type */
            if (!like)
                return error_set(q->err, ERR_NOMEM, NULL);
            int v = arg_text(q, like);
            return v && (strbuf_printf(&q->sql, "(x.ref LIKE ?%d" STORE_LIKE_ESCAPE ")", v), true);
        }
    } else if (!fhir_reference_normalize(value, base_url, norm, sizeof norm)) {
        return error_set(q->err, ERR_BAD_QUERY, "%s: malformed reference", p->name);
    }
    int v = arg_text(q, strdup(norm));
    return v && (strbuf_printf(&q->sql, "(x.ref = ?%d)", v), true);
}

/* ---- one parameter --------------------------------------------------------------------- */

struct index_table {
    const char *table, *alias;
};

static struct index_table table_of(enum fhir_param_type t)
{
    switch (t) {
    case FHIR_PARAM_TOKEN:
        return (struct index_table){"fhir_idx_token", "t"};
    case FHIR_PARAM_STRING:
        return (struct index_table){"fhir_idx_string", "s"};
    case FHIR_PARAM_DATE:
        return (struct index_table){"fhir_idx_date", "d"};
    case FHIR_PARAM_REFERENCE:
        return (struct index_table){"fhir_idx_ref", "x"};
    case FHIR_PARAM_QUANTITY:
    case FHIR_PARAM_NUMBER:
        return (struct index_table){"fhir_idx_quantity", "q"};
    case FHIR_PARAM_URI:
        return (struct index_table){"fhir_idx_uri", "u"};
    }
    return (struct index_table){"fhir_idx_token", "t"};
}

static bool value_cond(struct qb *q, const struct fhir_search_param *p, const char *modifier,
                       const char *value, const char *base_url)
{
    switch (p->type) {
    case FHIR_PARAM_TOKEN:
        return token_cond(q, value);
    case FHIR_PARAM_STRING:
        return string_cond(q, modifier, value);
    case FHIR_PARAM_DATE:
        return date_cond(q, "d.low", "d.high", value);
    case FHIR_PARAM_REFERENCE:
        return reference_cond(q, p, value, base_url);
    case FHIR_PARAM_QUANTITY:
    case FHIR_PARAM_NUMBER:
        return quantity_cond(q, p, value);
    case FHIR_PARAM_URI: {
        int v = arg_text(q, strdup(value));
        return v && (strbuf_printf(&q->sql, "(u.uri = ?%d)", v), true);
    }
    }
    return false;
}

/* Splits value at unescaped commas (R4 §3.1.1.4.13: a comma is OR); calls fn for each part. */
static bool each_value(struct qb *q, const char *value,
                       bool (*fn)(struct qb *q, const char *part, void *arg), void *arg)
{
    const char *start = value;
    bool first = true;
    for (const char *c = value;; c++) {
        if (*c == ',' || *c == '\0') {
            if (c == start)
                return error_set(q->err, ERR_BAD_QUERY, "empty search value");
            char *part = strndup(start, (size_t)(c - start));
            if (!part)
                return error_set(q->err, ERR_NOMEM, NULL);
            if (!first)
                strbuf_puts(&q->sql, " OR ");
            bool ok = fn(q, part, arg);
            free(part);
            if (!ok)
                return false;
            first = false;
            if (*c == '\0')
                return true;
            start = c + 1;
        }
    }
}

struct param_ctx {
    const struct fhir_search_param *p;
    const char *modifier;
    const char *base_url;
};

static bool one_value(struct qb *q, const char *part, void *arg)
{
    struct param_ctx *c = arg;
    return value_cond(q, c->p, c->modifier, part, c->base_url);
}

static bool id_value(struct qb *q, const char *part, void *arg)
{
    (void)arg;
    int v = arg_text(q, strdup(part));
    return v && (strbuf_printf(&q->sql, "r.id = ?%d", v), true);
}

static bool updated_value(struct qb *q, const char *part, void *arg)
{
    (void)arg;
    return date_cond(q, "r.last_updated", "r.last_updated", part);
}

static bool patient_value(struct qb *q, const char *part, void *arg)
{
    (void)arg;
    const char *id = strncmp(part, "Patient/", 8) == 0 ? part + 8 : part;
    int v = arg_text(q, strdup(id));
    return v && (strbuf_printf(&q->sql, "r.patient_id = ?%d", v), true);
}

/* One "name[:modifier]=value" condition, ANDed to the query. */
static bool param_cond(struct qb *q, const char *type, const char *name, const char *value,
                       const char *base_url)
{
    char bare[64];
    const char *colon = strchr(name, ':');
    size_t len = colon ? (size_t)(colon - name) : strlen(name);
    if (len >= sizeof bare)
        return error_set(q->err, ERR_BAD_QUERY, "unknown search parameter %.60s", name);
    memcpy(bare, name, len);
    bare[len] = '\0';
    const char *modifier = colon ? colon + 1 : NULL;
    strbuf_puts(&q->sql, " AND (");
    bool ok;
    if (strcmp(bare, "_id") == 0 && !modifier) {
        ok = each_value(q, value, id_value, NULL);
    } else if (strcmp(bare, "_lastUpdated") == 0 && !modifier) {
        ok = each_value(q, value, updated_value, NULL);
    } else if ((strcmp(bare, "_id") == 0 || strcmp(bare, "_lastUpdated") == 0) &&
               strcmp(modifier, "missing") == 0) {
        /* every resource has both (they have no index rows: fhir_resources holds them) */
        bool want_missing = strcmp(value, "true") == 0;
        if (!want_missing && strcmp(value, "false") != 0)
            return error_set(q->err, ERR_BAD_QUERY, ":missing takes true or false");
        strbuf_puts(&q->sql, want_missing ? "0)" : "1)");
        return true;
    } else {
        const struct fhir_search_param *p = type ? fhir_search_param_find(type, bare) : NULL;
        if (!p)
            return error_set(q->err, ERR_BAD_QUERY, "unknown search parameter %s", bare);
        if (modifier && strcmp(modifier, "missing") == 0) {
            struct index_table t = table_of(p->type);
            int v = arg_text(q, strdup(p->name));
            bool want_missing = strcmp(value, "true") == 0;
            if (!v || (!want_missing && strcmp(value, "false") != 0))
                return v ? error_set(q->err, ERR_BAD_QUERY, ":missing takes true or false") : false;
            strbuf_printf(&q->sql,
                          "%sEXISTS (SELECT 1 FROM %s %s WHERE %s.rid = r.rid AND %s.name "
                          "= ?%d)",
                          want_missing ? "NOT " : "", t.table, t.alias, t.alias, t.alias, v);
            strbuf_puts(&q->sql, ")");
            return true;
        }
        if (modifier && !(p->type == FHIR_PARAM_STRING &&
                          (strcmp(modifier, "exact") == 0 || strcmp(modifier, "contains") == 0)))
            return error_set(q->err, ERR_BAD_QUERY, "modifier :%s is not supported for %s",
                             modifier, bare);
        if (p->type == FHIR_PARAM_REFERENCE && strcmp(p->name, "patient") == 0) {
            ok = each_value(q, value, patient_value, NULL);
        } else {
            struct index_table t = table_of(p->type);
            int v = arg_text(q, strdup(p->name));
            if (!v)
                return false;
            strbuf_printf(&q->sql,
                          "EXISTS (SELECT 1 FROM %s %s WHERE %s.rid = r.rid AND %s.name = "
                          "?%d AND (",
                          t.table, t.alias, t.alias, t.alias, v);
            struct param_ctx c = {p, modifier, base_url};
            ok = each_value(q, value, one_value, &c);
            strbuf_puts(&q->sql, "))");
        }
    }
    strbuf_puts(&q->sql, ")");
    return ok;
}

/* ---- control parameters ---------------------------------------------------------------- */

static bool parse_int_param(struct error *err, const char *name, const char *v, int max, int *out)
{
    char *end;
    long n = strtol(v, &end, 10);
    if (!*v || *end || n < 0 || n > max)
        return error_set(err, ERR_BAD_QUERY, "%s must be a whole number from 0 to %d", name, max);
    *out = (int)n;
    return true;
}

/* One _sort key as an SQL expression. */
static bool sort_key(struct qb *q, const char *type, const char *key)
{
    bool desc = key[0] == '-';
    const char *name = desc ? key + 1 : key;
    const char *dir = desc ? "DESC" : "ASC";
    if (strcmp(name, "_id") == 0) {
        strbuf_printf(&q->sql, "r.id %s, ", dir);
        return true;
    }
    if (strcmp(name, "_lastUpdated") == 0) {
        strbuf_printf(&q->sql, "r.last_updated %s, ", dir);
        return true;
    }
    const struct fhir_search_param *p = type ? fhir_search_param_find(type, name) : NULL;
    if (!p || p->type == FHIR_PARAM_REFERENCE)
        return error_set(q->err, ERR_BAD_QUERY, "cannot sort by %s", name);
    struct index_table t = table_of(p->type);
    const char *col = p->type == FHIR_PARAM_DATE     ? (desc ? "max(high)" : "min(low)")
                      : p->type == FHIR_PARAM_STRING ? "min(key)"
                      : p->type == FHIR_PARAM_TOKEN  ? "min(code)"
                      : p->type == FHIR_PARAM_URI    ? "min(uri)"
                                                     : "min(value)";
    int v = arg_text(q, strdup(p->name));
    if (!v)
        return false;
    /* NULLs (no value) last either way */
    strbuf_printf(&q->sql,
                  "(SELECT %s FROM %s WHERE rid = r.rid AND name = ?%d) IS NULL, "
                  "(SELECT %s FROM %s WHERE rid = r.rid AND name = ?%d) %s, ",
                  col, t.table, v, col, t.table, v, dir);
    (void)t.alias;
    return true;
}

static bool order_by(struct qb *q, const char *type, const char *sort)
{
    strbuf_puts(&q->sql, " ORDER BY ");
    if (sort) {
        char *copy = strdup(sort), *save = NULL;
        if (!copy)
            return error_set(q->err, ERR_NOMEM, NULL);
        bool ok = true;
        for (char *k = strtok_r(copy, ",", &save); ok && k; k = strtok_r(NULL, ",", &save))
            ok = sort_key(q, type, k);
        free(copy);
        if (!ok)
            return false;
    }
    strbuf_puts(&q->sql, "r.rid");
    return true;
}

static bool is_control(const char *name)
{
    static const char *const names[] = {"_count",   "_offset",     "_sort",   "_summary", "_total",
                                        "_include", "_revinclude", "_format", NULL};
    for (int i = 0; names[i]; i++)
        if (strcmp(name, names[i]) == 0)
            return true;
    return false;
}

struct controls {
    const char *sort;
    const char *total;
    const char *revinclude[8];
    int revinclude_n;
};

static bool read_controls(struct error *err, const struct fhir_search_in *in,
                          struct fhir_search_out *out, struct controls *c)
{
    out->count = COUNT_DEFAULT;
    for (int i = 0; i < in->n; i++) {
        const char *n = in->params[i].name, *v = in->params[i].value;
        if (strcmp(n, "_count") == 0 && !parse_int_param(err, n, v, COUNT_MAX, &out->count))
            return false;
        if (strcmp(n, "_offset") == 0 && !parse_int_param(err, n, v, OFFSET_MAX, &out->offset))
            return false;
        if (strcmp(n, "_sort") == 0)
            c->sort = v;
        if (strcmp(n, "_total") == 0) {
            if (strcmp(v, "none") && strcmp(v, "estimate") && strcmp(v, "accurate"))
                return error_set(err, ERR_BAD_QUERY, "_total must be none, estimate or accurate");
            c->total = v;
        }
        if (strcmp(n, "_summary") == 0) {
            if (strcmp(v, "count") != 0 && strcmp(v, "false") != 0)
                return error_set(err, ERR_BAD_QUERY, "_summary supports count and false");
            out->summary_count = strcmp(v, "count") == 0;
        }
        if (strcmp(n, "_format") == 0 && strcmp(v, "json") != 0 &&
            strcmp(v, "application/fhir+json") != 0 && strcmp(v, "application/json") != 0)
            return error_set(err, ERR_FHIR_NOT_ACCEPTABLE, "_format %s", v);
        bool inc = strcmp(n, "_include") == 0, rev = strcmp(n, "_revinclude") == 0;
        if (inc || rev) {
            const char **list = inc ? out->includes : c->revinclude;
            int *k = inc ? &out->include_n : &c->revinclude_n;
            if (*k == 8)
                return error_set(err, ERR_BAD_QUERY, "at most 8 %s", n);
            list[(*k)++] = v;
        }
    }
    return true;
}

/* ---- running it ------------------------------------------------------------------------ */

static void qb_free(struct qb *q)
{
    /* The access rule's arguments (the viewer's) and parameter names from the table are not ours;
     * every other text argument was allocated for this query. */
    for (int i = ACCESS_RULE_PARAMS; i < q->n; i++)
        if (q->args[i].type == 't')
            free((char *)q->args[i].text);
    strbuf_release(&q->sql);
}

static bool hits_add(struct error *err, struct fhir_search_out *out, struct store_stmt *s,
                     bool include)
{
    if (out->n == out->cap) {
        size_t cap = out->cap ? out->cap * 2 : 16;
        struct fhir_hit *h = realloc(out->hits, cap * sizeof *h);
        if (!h)
            return error_set(err, ERR_NOMEM, NULL);
        out->hits = h;
        out->cap = cap;
    }
    struct fhir_hit *h = &out->hits[out->n];
    memset(h, 0, sizeof *h);
    h->rid = store_int(s, 0);
    snprintf(h->type, sizeof h->type, "%s", store_text(s, 1));
    snprintf(h->id, sizeof h->id, "%s", store_text(s, 2));
    if (!(h->json = strdup(store_text(s, 3) ? store_text(s, 3) : "{}")))
        return error_set(err, ERR_NOMEM, NULL);
    if (!store_is_null(s, 4))
        snprintf(h->blob, sizeof h->blob, "%s", store_text(s, 4));
    if (!store_is_null(s, 5))
        snprintf(h->patient, sizeof h->patient, "%s", store_text(s, 5));
    h->include = include;
    out->n++;
    return true;
}

static bool run_rows(struct error *err, struct store_conn *conn, struct qb *q,
                     struct fhir_search_out *out, size_t limit, bool include)
{
    struct store_stmt *s = store_query_args(err, conn, q->sql.buf, q->args, q->n);
    if (!s)
        return false;
    enum store_step_result r;
    size_t got = 0;
    while ((r = store_step(err, s)) == STORE_ROW) {
        if (limit && got == limit) {
            out->more = true;
            break;
        }
        if (!hits_add(err, out, s, include)) {
            store_done(s);
            return false;
        }
        got++;
    }
    store_done(s);
    return r != STORE_FAIL;
}

/* The FROM and WHERE shared by the count and the page. */
static bool base_query(struct qb *q, const struct fhir_search_in *in, const char *select)
{
    access_rule_bind(&in->viewer.rule, q->args);
    q->n = ACCESS_RULE_PARAMS;
    strbuf_printf(&q->sql, "SELECT %s FROM fhir_resources r WHERE r.deleted = 0", select);
    if (in->type) {
        int t = arg_text(q, strdup(in->type));
        if (!t)
            return false;
        strbuf_printf(&q->sql, " AND r.type = ?%d", t);
    }
    if (in->compartment) {
        int c = arg_text(q, strdup(in->compartment));
        if (!c)
            return false;
        strbuf_printf(&q->sql, " AND r.patient_id = ?%d", c);
    }
    for (int i = 0; i < in->n; i++) {
        const char *n = in->params[i].name;
        if (is_control(n))
            continue;
        if (!param_cond(q, in->type, n, in->params[i].value, in->base_url))
            return false;
    }
    /* Last: SQLite tests the terms in order, and the search conditions usually leave fewer
     * rows for the visibility rule to look at than the other way round. */
    if (!in->visibility_decided)
        strbuf_printf(&q->sql, " AND %s", fhir_visible_sql);
    return true;
}

static const char page_select[] =
    "r.rid, r.type, r.id, (SELECT json FROM fhir_versions v WHERE v.rid = r.rid AND v.version = "
    "r.version), (SELECT blob FROM fhir_versions v WHERE v.rid = r.rid AND v.version = "
    "r.version), r.patient_id";

static bool count_total(struct error *err, struct store_conn *conn, const struct fhir_search_in *in,
                        struct fhir_search_out *out)
{
    struct qb q = {.err = err};
    bool ok = base_query(&q, in, "count(*)");
    struct store_stmt *s = ok ? store_query_args(err, conn, q.sql.buf, q.args, q.n) : NULL;
    ok = s != NULL;
    if (s) {
        enum store_step_result r = store_step(err, s);
        out->total = r == STORE_ROW ? store_int(s, 0) : 0;
        ok = r != STORE_FAIL;
        store_done(s);
    }
    qb_free(&q);
    return ok;
}

/* _revinclude=Type:param — resources of Type whose param refers to a hit. */
static bool revinclude(struct error *err, struct store_conn *conn, const struct fhir_search_in *in,
                       const char *spec, struct fhir_search_out *out)
{
    char src[40], name[64];
    if (sscanf(spec, "%39[A-Za-z]:%63[A-Za-z0-9_-]", src, name) != 2)
        return error_set(err, ERR_BAD_QUERY, "_revinclude %s: expected Type:parameter", spec);
    const struct fhir_search_param *p = fhir_search_param_find(src, name);
    if (!p || p->type != FHIR_PARAM_REFERENCE)
        return error_set(err, ERR_BAD_QUERY, "_revinclude %s: no such reference parameter", spec);
    size_t matches = out->n;
    for (size_t i = 0; i < matches; i++) {
        if (out->hits[i].include)
            continue;
        struct qb q = {.err = err};
        access_rule_bind(&in->viewer.rule, q.args);
        q.n = ACCESS_RULE_PARAMS;
        char *ref = malloc(strlen(out->hits[i].type) + strlen(out->hits[i].id) + 2);
        if (ref)
            sprintf(ref, "%s/%s", out->hits[i].type, out->hits[i].id);
        int a = arg_text(&q, ref), b = arg_text(&q, strdup(p->name)), c = arg_text(&q, strdup(src));
        strbuf_printf(&q.sql,
                      "SELECT %s FROM fhir_idx_ref x JOIN fhir_resources r ON r.rid = x.rid "
                      "WHERE x.ref = ?%d AND x.name = ?%d AND r.type = ?%d AND r.deleted = 0 "
                      "AND %s ORDER BY r.rid LIMIT 1000",
                      page_select, a, b, c, fhir_visible_sql);
        bool ok = ref && a && b && c && run_rows(err, conn, &q, out, 0, true);
        qb_free(&q);
        if (!ok)
            return err->code ? false : error_set(err, ERR_NOMEM, NULL);
    }
    return true;
}

bool fhir_search(struct error *err, struct store_conn *conn, const struct fhir_search_in *in,
                 struct fhir_search_out *out)
{
    memset(out, 0, sizeof *out);
    out->total = -1;
    struct controls c = {0};
    if (!read_controls(err, in, out, &c))
        return false;
    bool count = !c.total || strcmp(c.total, "none") != 0 || out->summary_count;
    if (out->summary_count || out->count == 0) /* _count=0: the total only */
        return count_total(err, conn, in, out);
    struct qb q = {.err = err};
    bool ok = base_query(&q, in, page_select) && order_by(&q, in->type, c.sort);
    if (ok) {
        int l = arg_int(&q, out->count + 1), o = arg_int(&q, out->offset);
        strbuf_printf(&q.sql, " LIMIT ?%d OFFSET ?%d", l, o);
        ok = l && o && run_rows(err, conn, &q, out, (size_t)out->count, false);
    }
    qb_free(&q);
    /* A first page that holds every match is its own total; else count (same snapshot). */
    if (ok && count) {
        if (!out->more && out->offset == 0)
            out->total = (int64_t)out->n;
        else
            ok = count_total(err, conn, in, out);
    }
    for (int i = 0; ok && i < c.revinclude_n; i++)
        ok = revinclude(err, conn, in, c.revinclude[i], out);
    return ok;
}

void fhir_search_free(struct fhir_search_out *out)
{
    for (size_t i = 0; i < out->n; i++)
        free(out->hits[i].json);
    free(out->hits);
    out->hits = NULL;
    out->n = out->cap = 0;
}

bool fhir_search_refs(struct error *err, struct store_conn *conn, int64_t rid, const char *name,
                      bool (*fn)(struct error *err, const char *ref, void *arg), void *arg)
{
    struct store_stmt *s = store_query(
        err, conn, "SELECT ref FROM fhir_idx_ref WHERE rid = ? AND name = ? ORDER BY ref", "it",
        rid, name);
    if (!s)
        return false;
    enum store_step_result r;
    bool ok = true;
    while (ok && (r = store_step(err, s)) == STORE_ROW)
        ok = fn(err, store_text(s, 0), arg);
    store_done(s);
    return ok && r != STORE_FAIL;
}
