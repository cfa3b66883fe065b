/* SPDX-License-Identifier: Apache-2.0 */
/* FHIR R4 search (§3.1.1), history (§3.1.0.8) and Patient/$everything. Searches filter by the
 * access rule inside their SQL (fhir/search.c); every patient whose data is returned gets an
 * audit record. */
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/ids.h"
#include "core/kana.h"
#include "fhir/search_params.h"
#include "http/router.h"
#include "rest.h"
#include "rest_int.h"

enum { QPARAMS_MAX = 64, HISTORY_MAX = 1000 };

/* ---- query parameters ------------------------------------------------------------------ */

struct qcollect {
    struct request *req;
    struct fhir_qparam *list;
    int n;
    bool bad;
};

static enum MHD_Result collect(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *value)
{
    (void)kind;
    struct qcollect *c = cls;
    if (c->n == QPARAMS_MAX || !key || !utf8_valid(key, strlen(key)) ||
        (value && !utf8_valid(value, strlen(value)))) {
        c->bad = true;
        return MHD_NO;
    }
    c->list[c->n++] = (struct fhir_qparam){arena_strdup(c->req->op.arena, key),
                                           arena_strdup(c->req->op.arena, value ? value : "")};
    return MHD_YES;
}

static int hexval(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* Decodes one x-www-form-urlencoded component in place; false if malformed. */
static bool form_decode(char *s)
{
    char *w = s;
    for (char *r = s; *r; r++) {
        if (*r == '+') {
            *w++ = ' ';
        } else if (*r == '%') {
            int h = hexval(r[1]), l = h < 0 ? -1 : hexval(r[2]);
            if (l < 0)
                return false;
            *w++ = (char)(h * 16 + l);
            r += 2;
        } else {
            *w++ = *r;
        }
    }
    *w = '\0';
    return true;
}

static bool collect_form(struct error *err, struct qcollect *c)
{
    struct request *req = c->req;
    char *body = arena_strndup(req->op.arena, req->body.buf ? req->body.buf : "", req->body.len);
    char *save = NULL;
    for (char *pair = strtok_r(body, "&", &save); pair; pair = strtok_r(NULL, "&", &save)) {
        char *eq = strchr(pair, '=');
        if (eq)
            *eq = '\0';
        if (!form_decode(pair) || (eq && !form_decode(eq + 1)))
            return error_set(err, ERR_BAD_QUERY, "malformed form body");
        if (collect(c, MHD_POSTDATA_KIND, pair, eq ? eq + 1 : "") != MHD_YES)
            break;
    }
    return true;
}

bool fhir_query_params(struct error *err, struct request *req, bool from_body,
                       struct fhir_qparam **out, int *n)
{
    struct qcollect c = {req, arena_alloc(req->op.arena, QPARAMS_MAX * sizeof(struct fhir_qparam)),
                         0, false};
    MHD_get_connection_values(req->mhd, MHD_GET_ARGUMENT_KIND, collect, &c);
    if (from_body && !collect_form(err, &c))
        return false;
    if (c.bad)
        return error_set(err, ERR_BAD_QUERY, "at most %d parameters, in UTF-8", QPARAMS_MAX);
    *out = c.list;
    *n = c.n;
    return true;
}

/* The query string of params (re-encoded), without _offset, for Bundle links. */
static const char *query_string(struct request *req, const struct fhir_qparam *p, int n)
{
    struct strbuf sb = {0};
    for (int i = 0; i < n; i++) {
        if (strcmp(p[i].name, "_offset") == 0)
            continue;
        for (int k = 0; k < 2; k++) {
            if (k == 0 && sb.len)
                strbuf_puts(&sb, "&");
            if (k == 1)
                strbuf_puts(&sb, "=");
            for (const unsigned char *c = (const unsigned char *)(k ? p[i].value : p[i].name); *c;
                 c++) {
                if ((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') ||
                    (*c >= '0' && *c <= '9') || strchr("-._~:|,$", *c))
                    strbuf_append(&sb, (const char *)c, 1);
                else
                    strbuf_printf(&sb, "%%%02X", *c);
            }
        }
    }
    const char *out = arena_strdup(req->op.arena, sb.buf ? sb.buf : "");
    strbuf_release(&sb);
    return out;
}

static void add_link(json_t *bundle, const char *relation, const char *url)
{
    json_t *links = json_object_get(bundle, "link");
    if (!links) {
        links = json_array();
        json_object_set_new(bundle, "link", links);
    }
    json_array_append_new(links, json_pack("{s:s, s:s}", "relation", relation, "url", url));
}

static void paging_links(struct request *req, json_t *bundle, const char *path,
                         const struct fhir_qparam *p, int n, const struct fhir_search_out *out)
{
    const char *q = query_string(req, p, n), *sep = q[0] ? "&" : "";
    const char *base = arena_printf(req->op.arena, "%s/%s?%s", fhir_base_url(req), path, q);
    add_link(bundle, "self",
             out->offset ? arena_printf(req->op.arena, "%s%s_offset=%d", base, sep, out->offset)
                         : base);
    if (out->more)
        add_link(
            bundle, "next",
            arena_printf(req->op.arena, "%s%s_offset=%d", base, sep, out->offset + out->count));
    if (out->offset > 0) {
        int prev = out->offset > out->count ? out->offset - out->count : 0;
        add_link(bundle, "previous",
                 arena_printf(req->op.arena, "%s%s_offset=%d", base, sep, prev));
    }
}

static bool add_entry(struct error *err, struct request *req, json_t *bundle, json_t *res,
                      const char *mode)
{
    const char *type = json_string_value(json_object_get(res, "resourceType"));
    const char *id = json_string_value(json_object_get(res, "id"));
    json_t *e = json_pack("{s:s, s:o}", "fullUrl",
                          arena_printf(req->op.arena, "%s/%s/%s", fhir_base_url(req), type, id),
                          "resource", res);
    if (!e)
        return error_set(err, ERR_NOMEM, NULL);
    if (mode)
        json_object_set_new(e, "search", json_pack("{s:s}", "mode", mode));
    json_array_append_new(json_object_get(bundle, "entry"), e);
    return true;
}

/* ---- includes -------------------------------------------------------------------------- */

bool fhir_read_ref(struct error *err, struct request *req, const char *ref, json_t **out)
{
    *out = NULL;
    char type[40], id[FHIR_ID_MAX + 1];
    if (sscanf(ref, "%39[A-Za-z]/%64[A-Za-z0-9.-]", type, id) != 2 ||
        strlen(ref) != strlen(type) + strlen(id) + 1)
        return true; /* absolute or malformed: not ours */
    struct error e = {0};
    bool ok;
    if (fhir_type_view(type)) {
        ok = fhir_view_read(&e, req, type, id, out);
    } else {
        struct fhir_row row;
        bool found = false;
        ok = fhir_store_lookup(&e, req->op.conn, type, id, &row, &found);
        if (ok && found && !row.deleted &&
            (ok = fhir_allow(&e, req, row.patient_id, type, id, ACCESS_READ))) {
            char *json = NULL, blob[BLOB_KEY_LEN];
            ok = fhir_store_version(&e, req->op.conn, row.rid, 0, &json, blob, &found);
            if (ok && json)
                ok = (*out = fhir_load(&e, req, json, blob)) != NULL;
            free(json);
            if (ok && row.patient_id[0])
                ok = fhir_audit_patient_read(&e, req, row.patient_id, type, id);
        }
    }
    if (ok)
        return true;
    if (e.code == ERR_FHIR_FORBIDDEN || e.code == ERR_FHIR_NOT_FOUND)
        return true; /* left out, as if it did not exist */
    *err = e;
    return false;
}

struct include_ctx {
    struct request *req;
    json_t *bundle;
    const char *target; /* or NULL */
    json_t *seen;       /* object "Type/id" → true */
};

static bool include_one(struct error *err, const char *ref, void *arg)
{
    struct include_ctx *c = arg;
    if (json_object_get(c->seen, ref))
        return true;
    if (c->target &&
        (strncmp(ref, c->target, strlen(c->target)) != 0 || ref[strlen(c->target)] != '/'))
        return true;
    json_object_set_new(c->seen, ref, json_true());
    json_t *res;
    if (!fhir_read_ref(err, c->req, ref, &res))
        return false;
    return !res || add_entry(err, c->req, c->bundle, res, "include");
}

/* _include=Type:param[:Target] for the matches of a search of type. */
static bool includes(struct error *err, struct request *req, const char *type,
                     const struct fhir_search_out *out, json_t *bundle)
{
    if (out->include_n == 0)
        return true;
    json_t *seen = json_object();
    for (size_t i = 0; i < out->n; i++)
        json_object_set_new(
            seen, arena_printf(req->op.arena, "%s/%s", out->hits[i].type, out->hits[i].id),
            json_true());
    bool ok = true;
    for (int k = 0; ok && k < out->include_n; k++) {
        char src[40], name[64], target[40] = "";
        int got =
            sscanf(out->includes[k], "%39[A-Za-z]:%63[A-Za-z0-9_-]:%39[A-Za-z]", src, name, target);
        const struct fhir_search_param *p = got >= 2 ? fhir_search_param_find(src, name) : NULL;
        if (!p || p->type != FHIR_PARAM_REFERENCE || strcmp(src, type) != 0) {
            ok = error_set(err, ERR_BAD_QUERY, "_include %s: expected %s:<reference parameter>",
                           out->includes[k], type);
            break;
        }
        struct include_ctx c = {req, bundle, target[0] ? target : NULL, seen};
        for (size_t i = 0; ok && i < out->n; i++)
            if (!out->hits[i].include)
                ok =
                    fhir_search_refs(err, req->op.conn, out->hits[i].rid, p->name, include_one, &c);
    }
    json_decref(seen);
    return ok;
}

/* ---- search ---------------------------------------------------------------------------- */

/* Audits the patients of the hits and resolves _include into entries of bundle. */
static bool audit_and_include(struct error *err, struct request *req, const char *type,
                              const struct fhir_search_out *out, json_t *bundle)
{
    for (size_t i = 0; i < out->n; i++) {
        const struct fhir_hit *h = &out->hits[i];
        if (h->patient[0]) {
            if (!fhir_audit_patient_read(err, req, h->patient, h->type, h->id))
                return false;
            req->op.audited = true;
        }
    }
    return includes(err, req, type, out, bundle);
}

static void append_json_entry(struct strbuf *sb, const json_t *entry, bool *first)
{
    char *text = json_dumps(entry, JSON_COMPACT | JSON_REAL_PRECISION(15));
    if (!*first)
        strbuf_puts(sb, ",");
    strbuf_puts(sb, text ? text : "{}");
    free(text);
    *first = false;
}

/* One hit as an entry, splicing the stored JSON text in as it is: search answers are mostly
 * stored resources, and parsing and re-serialising each one would cost more than the search. */
static bool append_hit(struct error *err, struct request *req, struct strbuf *sb,
                       const struct fhir_hit *h, bool *first)
{
    const char *mode = h->include ? "include" : "match";
    if (h->blob[0]) { /* a Binary: its content goes back in as data */
        json_t *res = fhir_load(err, req, h->json, h->blob);
        if (!res)
            return false;
        json_t *e =
            json_pack("{s:s, s:o, s:{s:s}}", "fullUrl",
                      arena_printf(req->op.arena, "%s/%s/%s", fhir_base_url(req), h->type, h->id),
                      "resource", res, "search", "mode", mode);
        append_json_entry(sb, e, first);
        json_decref(e);
        return true;
    }
    strbuf_printf(sb, "%s{\"fullUrl\":\"%s/%s/%s\",\"resource\":", *first ? "" : ",",
                  fhir_base_url(req), h->type, h->id);
    strbuf_puts(sb, h->json);
    strbuf_printf(sb, ",\"search\":{\"mode\":\"%s\"}}", mode);
    *first = false;
    return true;
}

/* Answers 200 with bundle: its first `before` entries, then the hits, then its other entries. */
static bool answer_bundle(struct error *err, struct request *req, json_t *bundle,
                          const struct fhir_search_out *hits, size_t before)
{
    json_t *entries = json_incref(json_object_get(bundle, "entry"));
    json_object_del(bundle, "entry");
    char *head = json_dumps(bundle, JSON_COMPACT | JSON_REAL_PRECISION(15));
    if (!head) {
        json_decref(entries);
        return error_set(err, ERR_NOMEM, NULL);
    }
    struct strbuf sb = {0};
    strbuf_append(&sb, head, strlen(head) - 1); /* without the closing brace */
    free(head);
    size_t n = json_array_size(entries), hit_n = hits ? hits->n : 0;
    bool ok = true, first = true;
    if (n + hit_n > 0) {
        strbuf_puts(&sb, ",\"entry\":[");
        for (size_t i = 0; i < n && i < before; i++)
            append_json_entry(&sb, json_array_get(entries, i), &first);
        for (size_t i = 0; ok && i < hit_n; i++)
            ok = append_hit(err, req, &sb, &hits->hits[i], &first);
        for (size_t i = before; ok && i < n; i++)
            append_json_entry(&sb, json_array_get(entries, i), &first);
        strbuf_puts(&sb, "]");
    }
    strbuf_puts(&sb, "}");
    json_decref(entries);
    if (!ok) {
        strbuf_release(&sb);
        return false;
    }
    size_t len = sb.len;
    response_fhir_text(req, 200, strbuf_steal(&sb), len);
    return true;
}

static struct fhir_viewer viewer_of(struct request *req)
{
    struct fhir_viewer v;
    access_rule_args_of(&req->op.principal, &v.rule);
    return v;
}

/* A search of one patient (a single `patient` value) is decided once, as a read of that
 * patient's data of this type, instead of row by row; a refusal leaves the row-by-row rule in
 * place, which then finds nothing. */
static bool decide_single_patient(struct error *err, struct request *req, const char *type,
                                  const struct fhir_qparam *params, int n, bool *decided)
{
    const char *patient = NULL;
    *decided = false;
    for (int i = 0; i < n; i++) {
        bool subject =
            strcmp(params[i].name, "subject") == 0 && strncmp(params[i].value, "Patient/", 8) == 0;
        if (strcmp(params[i].name, "patient") != 0 && !subject)
            continue;
        if (patient || strchr(params[i].value, ','))
            return true; /* several patients: row by row */
        patient = params[i].value;
    }
    if (!patient)
        return true;
    if (strncmp(patient, "Patient/", 8) == 0)
        patient += 8;
    if (!ids_uuid_valid(patient))
        return true;
    struct access_decision d;
    if (!access_decide(err, req->op.conn, &req->op.principal, patient, ACCESS_READ,
                       fhir_data_class(type), &d))
        return false;
    *decided = d.allow;
    if (!d.allow) /* the answer is empty, and the refusal is recorded against that patient */
        op_audit_read(&req->op, req->route->handler_name, AUDIT_MINOR_FAILURE, patient, type, NULL,
                      d.reason);
    if (d.allow && d.emergency) /* recorded now, even if nothing is found */
        op_audit_read(&req->op, req->route->handler_name, AUDIT_SUCCESS, patient, type, NULL,
                      request_emergency(req, d.grant_id, req->audit_detail));
    return true;
}

static bool search(struct error *err, struct request *req, bool from_body)
{
    const char *type = request_param(req, 0);
    if (!fhir_type_stored(type) && !fhir_type_view(type))
        return error_set(err, ERR_FHIR_UNKNOWN_TYPE, "%s", type);
    if (!fhir_allow(err, req, "", type, NULL, ACCESS_READ)) /* an organisation context */
        return false;
    struct fhir_qparam *params;
    int n;
    if (!fhir_query_params(err, req, from_body, &params, &n))
        return false;
    req->object_type = type;
    req->audit_detail = arena_printf(req->op.arena, "%.400s", query_string(req, params, n));
    json_t *bundle = fhir_bundle_new("searchset");
    arena_cleanup_add(req->op.arena, (arena_cleanup_fn)json_decref, bundle);
    if (fhir_type_view(type)) {
        if (!fhir_view_search(err, req, type, params, n, bundle))
            return false;
        response_fhir(req, 200, json_incref(bundle));
        return true;
    }
    struct fhir_search_in in = {type, params, n, viewer_of(req), fhir_base_url(req), NULL, false};
    if (!decide_single_patient(err, req, type, params, n, &in.visibility_decided))
        return false;
    struct fhir_search_out out;
    bool ok = fhir_search(err, req->op.conn, &in, &out);
    if (ok) {
        if (out.total >= 0)
            json_object_set_new(bundle, "total", json_integer(out.total));
        paging_links(req, bundle, type, params, n, &out);
        ok = out.summary_count || audit_and_include(err, req, type, &out, bundle);
    }
    ok = ok && answer_bundle(err, req, bundle, &out, 0);
    fhir_search_free(&out);
    return ok;
}

bool fhir_search_get(struct error *err, struct request *req)
{
    return search(err, req, false);
}

bool fhir_search_post(struct error *err, struct request *req)
{
    if (req->json)
        return error_set(err, ERR_CONTENT_TYPE, "use application/x-www-form-urlencoded");
    return search(err, req, true);
}

bool fhir_everything(struct error *err, struct request *req)
{
    const char *patient = req->patient_id; /* decided by the router (PAT_PATH) */
    struct fhir_qparam *params;
    int n;
    if (!fhir_query_params(err, req, false, &params, &n))
        return false;
    bool has_count = false;
    for (int i = 0; i < n; i++)
        has_count |= strcmp(params[i].name, "_count") == 0;
    if (!has_count && n < QPARAMS_MAX)
        params[n++] = (struct fhir_qparam){"_count", "1000"};
    json_t *bundle = fhir_bundle_new("searchset");
    arena_cleanup_add(req->op.arena, (arena_cleanup_fn)json_decref, bundle);
    json_t *pat;
    if (!fhir_view_read(err, req, "Patient", patient, &pat) ||
        !add_entry(err, req, bundle, pat, "match"))
        return false;
    /* the router decided this patient's whole record (PAT_PATH, DATA_CLINICAL) */
    struct fhir_search_in in = {NULL, params, n, viewer_of(req), fhir_base_url(req), patient, true};
    struct fhir_search_out out;
    bool ok = fhir_search(err, req->op.conn, &in, &out);
    if (ok) {
        json_object_set_new(bundle, "total", json_integer(out.total + 1));
        paging_links(req, bundle, arena_printf(req->op.arena, "Patient/%s/$everything", patient),
                     params, n, &out);
        ok = audit_and_include(err, req, NULL, &out, bundle);
    }
    req->object_type = "Patient";
    req->object_id = patient;
    ok = ok && answer_bundle(err, req, bundle, &out, 1);
    fhir_search_free(&out);
    return ok;
}

/* ---- history --------------------------------------------------------------------------- */

static bool history_entry(struct error *err, struct request *req, json_t *bundle,
                          struct store_stmt *s)
{
    const char *type = store_text(s, 0), *id = store_text(s, 1);
    int version = (int)store_int(s, 2);
    const char *method = store_text(s, 3);
    char iso[32];
    clock_format_iso(store_int(s, 4), iso);
    const char *url = arena_printf(req->op.arena, "%s/%s", type, id);
    bool deleted = store_is_null(s, 5);
    json_t *e = json_pack(
        "{s:s, s:{s:s, s:s}, s:{s:s, s:s, s:s}}", "fullUrl",
        arena_printf(req->op.arena, "%s/%s", fhir_base_url(req), url), "request", "method", method,
        "url", strcmp(method, "POST") == 0 ? type : url, "response", "status",
        deleted                       ? "204"
        : strcmp(method, "POST") == 0 ? "201"
                                      : "200",
        "etag", arena_printf(req->op.arena, "W/\"%d\"", version), "lastModified", iso);
    if (!e)
        return error_set(err, ERR_NOMEM, NULL);
    if (!deleted) {
        json_t *res = fhir_load(err, req, store_text(s, 5), store_text(s, 6));
        if (!res) {
            json_decref(e);
            return false;
        }
        json_object_set_new(e, "resource", res);
    }
    json_array_append_new(json_object_get(bundle, "entry"), e);
    return store_is_null(s, 7) || fhir_audit_patient_read(err, req, store_text(s, 7), type, id);
}

static bool history_params(struct error *err, struct request *req, int64_t *count, int64_t *since)
{
    static const char *const allowed[] = {"_count", "_since", "_format", NULL};
    if (!request_query_check(err, req, allowed))
        return false;
    const char *c = request_query(req, "_count"), *s = request_query(req, "_since");
    *count = 100;
    *since = 0;
    char *end;
    if (c && ((*count = strtol(c, &end, 10)) < 1 || *count > HISTORY_MAX || *end))
        return error_set(err, ERR_BAD_QUERY, "_count must be 1 to %d", HISTORY_MAX);
    if (s && !clock_parse_iso(s, since))
        return error_set(err, ERR_BAD_QUERY, "_since must be an instant");
    return true;
}

static bool history_answer(struct error *err, struct request *req, struct store_stmt *s)
{
    if (!s)
        return false;
    json_t *bundle = fhir_bundle_new("history");
    enum store_step_result r;
    bool ok = true;
    int64_t n = 0;
    while (ok && (r = store_step(err, s)) == STORE_ROW) {
        ok = history_entry(err, req, bundle, s);
        n++;
    }
    store_done(s);
    if (!ok || r == STORE_FAIL) {
        json_decref(bundle);
        return false;
    }
    json_object_set_new(bundle, "total", json_integer(n));
    req->op.audited = req->op.read_count > 0;
    response_fhir(req, 200, bundle);
    return true;
}

#define HISTORY_COLUMNS                                                                            \
    "r.type, r.id, v.version, v.method, v.last_updated, v.json, v.blob, r.patient_id"

bool fhir_history_instance(struct error *err, struct request *req)
{
    const char *type = request_param(req, 0), *id = request_param(req, 1);
    int64_t count, since;
    if (!fhir_type_stored(type))
        return error_set(err, fhir_type_view(type) ? ERR_FHIR_NOT_FOUND : ERR_FHIR_UNKNOWN_TYPE,
                         "%s keeps no history", type);
    if (!history_params(err, req, &count, &since))
        return false;
    struct fhir_row row;
    bool found = false;
    if (!fhir_id_valid(id) || !fhir_store_lookup(err, req->op.conn, type, id, &row, &found) ||
        !found) {
        req->access_checked = true;
        return err->code ? false : error_set(err, ERR_FHIR_NOT_FOUND, "%s/%s", type, id);
    }
    req->object_type = type;
    req->object_id = id;
    if (!fhir_allow(err, req, row.patient_id, type, id, ACCESS_READ))
        return false;
    return history_answer(err, req,
                          store_query(err, req->op.conn,
                                      "SELECT " HISTORY_COLUMNS
                                      " FROM fhir_versions v JOIN fhir_resources r ON "
                                      "r.rid = v.rid WHERE v.rid = ? AND v.last_updated >= ? "
                                      "ORDER BY v.version DESC LIMIT ?",
                                      "iii", row.rid, since, count));
}

bool fhir_history_type(struct error *err, struct request *req)
{
    const char *type = request_param(req, 0);
    int64_t count, since;
    if (!fhir_type_stored(type))
        return error_set(err, fhir_type_view(type) ? ERR_FHIR_NOT_FOUND : ERR_FHIR_UNKNOWN_TYPE,
                         "%s keeps no history", type);
    if (!fhir_allow(err, req, "", type, NULL, ACCESS_READ) ||
        !history_params(err, req, &count, &since))
        return false;
    req->object_type = type;
    static const char sql[] =
        "SELECT " HISTORY_COLUMNS " FROM fhir_versions v JOIN fhir_resources r ON r.rid = v.rid "
        "WHERE r.type = ?5 AND v.last_updated >= ?6 AND ";
    char *full = arena_printf(req->op.arena, "%s%s ORDER BY v.last_updated DESC LIMIT ?7", sql,
                              fhir_visible_sql);
    struct fhir_viewer viewer = viewer_of(req);
    struct store_arg args[ACCESS_RULE_PARAMS + 3];
    access_rule_bind(&viewer.rule, args);
    args[ACCESS_RULE_PARAMS] = (struct store_arg){.type = 't', .text = type};
    args[ACCESS_RULE_PARAMS + 1] = (struct store_arg){.type = 'i', .i = since};
    args[ACCESS_RULE_PARAMS + 2] = (struct store_arg){.type = 'i', .i = count};
    return history_answer(err, req,
                          store_query_args(err, req->op.conn, full, args, ACCESS_RULE_PARAMS + 3));
}
