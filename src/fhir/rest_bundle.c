/* SPDX-License-Identifier: Apache-2.0 */
/* POST /fhir with a transaction or batch Bundle (R4 §3.1.0.11). A transaction is all or
 * nothing: one write transaction, references to the entries' urn:uuid fullUrls rewritten to the
 * ids assigned, and the first failure rolls everything back. A batch runs each entry on its own.
 * Each entry passes the access decision (fhir_allow, asked once per patient and kind of data in
 * a transaction) and the write matrix; the writes leave one audit record per patient per
 * transaction (per entry in a batch).
 *
 * A transaction does what needs no database before it takes the write lock, so that one
 * client's Bundle is parsed, validated, serialised and indexed while another's is written: the
 * new resources (POST: their ids are fresh UUIDs, so they need no existence look-up) are
 * prepared by fhir_store_prepare, and only the decisions, reference checks and inserts run
 * inside the write transaction (fhir_store_create). */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/strbuf.h"
#include "http/router.h"
#include "rest.h"
#include "rest_int.h"

enum { BUNDLE_ENTRIES_MAX = 10000 };

struct entry {
    json_t *src; /* Bundle.entry[i] */
    json_t *res; /* its resource (borrowed) */
    const char *method, *url, *full_url;
    const char *type, *id; /* from url (PUT, DELETE, GET) or the resource (POST) */
    char assigned[UUID_STR_LEN];
    json_t *response;           /* Bundle.entry[i].response, or an OperationOutcome on failure */
    char patient[UUID_STR_LEN]; /* its compartment, once worked out (patient_known) */
    bool patient_known;
    struct fhir_prepared prep; /* a transaction's POST, prepared before the write lock */
    bool prepared;
    /* what it wrote, for the audit record of its patient */
    struct fhir_row row;
    char action; /* C U D, or 0 if it wrote nothing */
    const char *detail;
};

/* A create the access decision allowed for this request: the patient and the data class. */
struct allowed_create {
    const char *patient;
    enum data_class data_class;
};

/* What the entries of one Bundle share. */
struct bundle_ctx {
    const struct fhir_pending *pending; /* the transaction's new resources */
    size_t pending_n;
    const char *org_name;           /* of the caller's organisation, looked up once */
    struct allowed_create *allowed; /* decisions already taken (NULL: ask for each entry) */
    size_t allowed_n;
};

/* A created entry by its fullUrl, for rewrite_refs. */
struct url_entry {
    const char *url;
    size_t i; /* the entry */
};

static int url_entry_cmp(const void *a, const void *b)
{
    const struct url_entry *x = a, *y = b;
    int c = strcmp(x->url, y->url);
    return c ? c : (x->i > y->i) - (x->i < y->i);
}

/* The first entry (in Bundle order) whose fullUrl is ref, or -1; urls is sorted. */
static ptrdiff_t entry_of_url(const struct url_entry *urls, size_t n, const char *ref)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(urls[mid].url, ref) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && strcmp(urls[lo].url, ref) == 0 ? (ptrdiff_t)urls[lo].i : -1;
}

/* Rewrites every reference equal to a created entry's fullUrl. */
static void rewrite_refs(json_t *j, const struct entry *e, const struct url_entry *urls,
                         size_t urls_n)
{
    if (json_is_object(j)) {
        const char *key;
        json_t *v;
        json_object_foreach(j, key, v)
        {
            if (strcmp(key, "reference") == 0 && json_is_string(v)) {
                ptrdiff_t i = entry_of_url(urls, urls_n, json_string_value(v));
                if (i >= 0) {
                    char out[128];
                    snprintf(out, sizeof out, "%s/%s", e[i].type, e[i].assigned);
                    json_string_set(v, out);
                }
            } else {
                rewrite_refs(v, e, urls, urls_n);
            }
        }
    } else if (json_is_array(j)) {
        for (size_t i = 0; i < json_array_size(j); i++)
            rewrite_refs(json_array_get(j, i), e, urls, urls_n);
    }
}

/* Links the new resources: references to their fullUrls become "Type/assigned-id". */
static void link_entries(struct request *req, struct entry *e, size_t n)
{
    struct url_entry *urls = arena_alloc(req->op.arena, (n ? n : 1) * sizeof *urls);
    size_t urls_n = 0;
    for (size_t i = 0; i < n; i++)
        if (e[i].full_url && e[i].assigned[0])
            urls[urls_n++] = (struct url_entry){e[i].full_url, i};
    qsort(urls, urls_n, sizeof *urls, url_entry_cmp);
    for (size_t i = 0; i < n; i++)
        if (e[i].res)
            rewrite_refs(e[i].res, e, urls, urls_n);
}

/* Reads entry i's request; "Type" or "Type/id" urls relative to the base. */
static bool parse_entry(struct error *err, struct request *req, struct entry *e, size_t i)
{
    json_t *request = json_object_get(e->src, "request");
    e->method = json_string_value(json_object_get(request, "method"));
    e->url = json_string_value(json_object_get(request, "url"));
    e->full_url = json_string_value(json_object_get(e->src, "fullUrl"));
    e->res = json_object_get(e->src, "resource");
    if (!e->method || !e->url)
        return error_set(err, ERR_FHIR_BUNDLE, "Bundle.entry[%zu].request: method and url", i);
    const char *base = fhir_base_url(req);
    const char *url = strncmp(e->url, base, strlen(base)) == 0 ? e->url + strlen(base) + 1 : e->url;
    char type[40] = "", id[FHIR_ID_MAX + 1] = "";
    int got = sscanf(url, "%39[A-Za-z]/%64[A-Za-z0-9.-]", type, id);
    if (got < 1 || strchr(url, '?') || (got == 1 && strlen(url) != strlen(type)) ||
        (got == 2 && strlen(url) != strlen(type) + strlen(id) + 1))
        return error_set(err, ERR_FHIR_BUNDLE,
                         "Bundle.entry[%zu].request.url: expected Type or Type/id", i);
    e->type = arena_strdup(req->op.arena, type);
    e->id = got == 2 ? arena_strdup(req->op.arena, id) : NULL;
    bool post = !strcmp(e->method, "POST"), put = !strcmp(e->method, "PUT");
    if (!post && !put && strcmp(e->method, "DELETE") && strcmp(e->method, "GET"))
        return error_set(err, ERR_FHIR_BUNDLE, "Bundle.entry[%zu].request.method: %s", i,
                         e->method);
    if ((post || put) && !json_is_object(e->res))
        return error_set(err, ERR_FHIR_BUNDLE, "Bundle.entry[%zu].resource: missing", i);
    if ((post && e->id) || (!post && !e->id))
        return error_set(err, ERR_FHIR_BUNDLE, "Bundle.entry[%zu].request.url: %s needs %s", i,
                         e->method, post ? "Type" : "Type/id");
    const char *rt = e->res ? json_string_value(json_object_get(e->res, "resourceType")) : NULL;
    if ((post || put) && (!rt || strcmp(rt, e->type) != 0))
        return error_set(err, ERR_FHIR_BUNDLE,
                         "Bundle.entry[%zu].resource.resourceType: must be %s", i, e->type);
    if (post)
        ids_uuid_v7_new(e->assigned);
    return true;
}

static json_t *response_of(struct request *req, const char *status, const struct fhir_row *row)
{
    char iso[32];
    clock_format_iso(row->last_updated, iso);
    return json_pack(
        "{s:s, s:s, s:s, s:s}", "status", status, "location",
        arena_printf(req->op.arena, "%s/%s/_history/%d", row->type, row->id, row->version), "etag",
        arena_printf(req->op.arena, "W/\"%d\"", row->version), "lastModified", iso);
}

/* Notes what entry e wrote, for its patient's audit record (audit_writes). */
static void note_write(struct request *req, struct entry *e, const struct fhir_row *row,
                       char action)
{
    const char *reason = action == 'C' ? NULL : fhir_change_reason(e->res);
    e->row = *row;
    e->action = action;
    e->detail = arena_printf(req->op.arena, "%s version %d%s%.400s", e->method, row->version,
                             reason ? "; reason: " : "", reason ? reason : "");
}

/* The access decision and write matrix for a new resource of e's patient: the decision is
 * asked once per patient and data class in a transaction (the write matrix for each entry). */
static bool allow_create(struct error *err, struct request *req, const struct entry *e,
                         struct bundle_ctx *ctx)
{
    enum data_class data_class = fhir_data_class(e->type);
    for (size_t i = ctx->allowed_n; i-- > 0;)
        if (ctx->allowed[i].data_class == data_class &&
            strcmp(ctx->allowed[i].patient, e->patient) == 0)
            return fhir_may_write(err, req, e->type, e->patient, e->res);
    if (!fhir_allow_write(err, req, e->type, NULL, e->patient, e->res, ACCESS_UPDATE))
        return false;
    ctx->allowed[ctx->allowed_n++] = (struct allowed_create){e->patient, data_class};
    return true;
}

/* Stores a prepared POST entry of a transaction. */
static bool create_entry(struct error *err, struct request *req, struct entry *e,
                         struct bundle_ctx *ctx)
{
    struct fhir_env env = fhir_env_of(req);
    env.pending = ctx->pending;
    env.pending_n = ctx->pending_n;
    env.known_compartment = e->patient;
    struct fhir_actor actor = {.org_id = req->op.principal.org_id,
                               .user_id = req->op.principal.user_id,
                               .org_name = ctx->org_name};
    if (!allow_create(err, req, e, ctx) ||
        !fhir_store_create(err, req->op.conn, &env, &actor, &e->prep) ||
        !fhir_team_events(err, &req->op, &e->prep.row, 0, e->res))
        return false;
    e->response = response_of(req, "201 Created", &e->prep.row);
    note_write(req, e, &e->prep.row, 'C');
    return true;
}

/* A GET entry: the resource, if one may see it. */
static bool read_entry(struct error *err, struct request *req, struct entry *e, const char *id,
                       const struct fhir_row *old, bool exists)
{
    if (!exists || old->deleted)
        return error_set(err, exists ? ERR_FHIR_GONE : ERR_FHIR_NOT_FOUND, "%s/%s", e->type, id);
    json_t *res;
    if (!fhir_read_ref(err, req, arena_printf(req->op.arena, "%s/%s", e->type, id), &res))
        return false;
    if (!res) /* one may not see it: as if it did not exist */
        return error_set(err, ERR_FHIR_NOT_FOUND, "%s/%s", e->type, id);
    json_object_set_new(e->src, "resource", res);
    e->response = json_pack("{s:s}", "status", "200 OK");
    return true;
}

/* Runs one entry inside the open write transaction, with its access decision; what it writes
 * is noted for the audit (audit_writes). */
static bool run_entry(struct error *err, struct request *req, struct entry *e,
                      struct bundle_ctx *ctx)
{
    if (!fhir_type_stored(e->type))
        return error_set(err, fhir_type_view(e->type) ? ERR_FHIR_READ_ONLY : ERR_FHIR_UNKNOWN_TYPE,
                         "%s", e->type);
    if (e->prepared)
        return create_entry(err, req, e, ctx);
    struct fhir_env env = fhir_env_of(req);
    env.pending = ctx->pending;
    env.pending_n = ctx->pending_n;
    struct fhir_actor actor = {.org_id = req->op.principal.org_id,
                               .user_id = req->op.principal.user_id,
                               .org_name = ctx->org_name};
    struct fhir_row row, old;
    bool exists = false, created = false;
    const char *id = e->id ? e->id : e->assigned;
    if (!fhir_store_lookup(err, req->op.conn, e->type, id, &old, &exists))
        return false;
    if (!strcmp(e->method, "GET"))
        return read_entry(err, req, e, id, &old, exists);
    bool changed = true;
    if (!strcmp(e->method, "DELETE")) {
        if (!exists) {
            req->access_checked = true;
            return error_set(err, ERR_FHIR_NOT_FOUND, "%s/%s", e->type, id);
        }
        if (!fhir_allow_write(err, req, e->type, &old, NULL, NULL, ACCESS_DELETE) ||
            !fhir_store_delete(err, req->op.conn, &actor, e->type, id, 0, &row, &changed))
            return false;
    } else {
        char patient[UUID_STR_LEN];
        if (e->patient_known)
            memcpy(patient, e->patient, UUID_STR_LEN);
        else if (!fhir_compartment_of(err, e->res, env.base_url, patient))
            return false;
        env.known_compartment = patient;
        if (!fhir_allow_write(err, req, e->type, exists ? &old : NULL, patient, e->res,
                              ACCESS_UPDATE) ||
            !fhir_store_put(err, req->op.conn, &env, &actor, e->res, id, 0, &row, &created) ||
            !fhir_team_events(err, &req->op, &row, exists && !old.deleted ? old.version : 0,
                              e->res))
            return false;
    }
    bool deleted = !strcmp(e->method, "DELETE");
    e->response = response_of(req,
                              deleted   ? "204 No Content"
                              : created ? "201 Created"
                                        : "200 OK",
                              &row);
    note_write(req, e, &row, deleted ? 'D' : created ? 'C' : 'U');
    return true;
}

static bool same_patient(const struct entry *a, const struct entry *b)
{
    return strcmp(a->row.patient_id, b->row.patient_id) == 0;
}

/* One audit record per patient (and one for the writes outside any patient): a single write
 * is recorded as before (its type, id and "METHOD version N"); several name the type they
 * share (else "Bundle") and list each write in the detail. */
static bool audit_writes(struct error *err, struct request *req, struct entry *e, size_t n)
{
    enum { DETAIL_MAX = 8000 };
    bool *done = arena_alloc(req->op.arena, n ? n : 1);
    memset(done, 0, n ? n : 1);
    for (size_t i = 0; i < n; i++) {
        if (!e[i].action || done[i])
            continue;
        size_t count = 0, last = i;
        char action = e[i].action;
        const char *type = e[i].row.type;
        struct strbuf detail = {0};
        size_t unlisted = 0;
        for (size_t j = i; j < n; j++) {
            if (!e[j].action || done[j] || !same_patient(&e[i], &e[j]))
                continue;
            done[j] = true;
            count++;
            last = j;
            action = e[j].action == action ? action : 'E';
            type = strcmp(e[j].row.type, type) == 0 ? type : "Bundle";
            if (detail.len < DETAIL_MAX)
                strbuf_printf(&detail, "%s%s %s/%s version %d", detail.len ? "; " : "", e[j].method,
                              e[j].row.type, e[j].row.id, e[j].row.version);
            else
                unlisted++;
        }
        if (unlisted)
            strbuf_printf(&detail, "; and %zu more", unlisted);
        const struct entry *one = &e[last];
        bool ok = op_audit(err, &req->op, req->route->handler_name, action,
                           one->row.patient_id[0] ? one->row.patient_id : NULL, type,
                           count == 1 ? one->row.id : NULL,
                           count == 1 ? one->detail
                                      : arena_printf(req->op.arena, "%zu writes: %s", count,
                                                     detail.buf ? detail.buf : ""));
        strbuf_release(&detail);
        if (!ok)
            return false;
    }
    return true;
}

/* Prefixes the FHIRPath of a detail (err->detail or err->detail_ja) with its place in the Bundle.
 */
static void entry_prefix(char *text, size_t size, size_t i)
{
    char detail[sizeof((struct error *)0)->detail + 64];
    const char *colon = strstr(text, ": ");
    /* "Observation.code: …" → "Bundle.entry[3].resource.code: …" */
    const char *dot = strchr(text, '.');
    if (colon && dot && dot < colon && text[0] >= 'A' && text[0] <= 'Z')
        snprintf(detail, sizeof detail, "Bundle.entry[%zu].resource%s", i, dot);
    else
        snprintf(detail, sizeof detail, "Bundle.entry[%zu]: %s", i, text);
    memcpy(text, detail, size - 1);
    text[size - 1] = '\0';
}

/* Prefixes the FHIRPath of a failed entry's error with its place in the Bundle. */
static bool entry_error(struct error *err, size_t i)
{
    entry_prefix(err->detail, sizeof err->detail, i);
    if (err->detail_ja[0])
        entry_prefix(err->detail_ja, sizeof err->detail_ja, i);
    return false;
}

/* The entries whose prepared resources the request's arena frees. */
struct prepared_set {
    struct entry *e;
    size_t n;
};

/* Frees the prepared resources of a transaction (an arena cleanup). */
static void prepared_free(void *arg)
{
    struct prepared_set *set = arg;
    for (size_t i = 0; i < set->n; i++)
        if (set->e[i].prepared)
            fhir_prepared_clear(&set->e[i].prep);
}

/* Before the write lock: links the new resources and works out their compartments. */
static bool place(struct error *err, struct request *req, struct entry *e, size_t n,
                  struct bundle_ctx *ctx)
{
    link_entries(req, e, n);
    /* The new resources may refer to each other in any order. */
    struct fhir_pending *pending = arena_alloc(req->op.arena, (n ? n : 1) * sizeof *pending);
    size_t pn = 0;
    const char *base_url = fhir_base_url(req);
    for (size_t i = 0; i < n; i++) {
        if (!e[i].assigned[0])
            continue;
        pending[pn] = (struct fhir_pending){e[i].type, e[i].assigned, ""};
        if (!fhir_compartment_of(err, e[i].res, base_url, pending[pn].patient))
            return entry_error(err, i);
        memcpy(e[i].patient, pending[pn].patient, UUID_STR_LEN);
        e[i].patient_known = true;
        pn++;
    }
    qsort(pending, pn, sizeof *pending, fhir_pending_cmp);
    *ctx = (struct bundle_ctx){pending, pn, ctx->org_name,
                               arena_alloc(req->op.arena, (n ? n : 1) * sizeof *ctx->allowed), 0};
    return true;
}

/* Before the write lock, in a read snapshot: each POST's access decision and write matrix (so
 * that one who may not write learns nothing from validation, as with a single create), then
 * its preparation (fhir_store_prepare). The decisions are taken again inside the write
 * transaction, which alone counts. */
static bool prepare(struct error *err, struct request *req, struct entry *e, size_t n,
                    const struct bundle_ctx *ctx)
{
    struct prepared_set *set = arena_alloc(req->op.arena, sizeof *set);
    *set = (struct prepared_set){e, n};
    arena_cleanup_add(req->op.arena, prepared_free, set);
    struct bundle_ctx early = *ctx;
    early.allowed = arena_alloc(req->op.arena, (n ? n : 1) * sizeof *early.allowed);
    struct fhir_env env = fhir_env_of(req);
    struct fhir_actor actor = {.org_id = req->op.principal.org_id,
                               .user_id = req->op.principal.user_id,
                               .org_name = ctx->org_name ? ctx->org_name : ""};
    if (!store_begin(err, req->op.conn, false))
        return false;
    bool ok = true;
    for (size_t i = 0; ok && i < n; i++) {
        if (!e[i].assigned[0] || !fhir_type_stored(e[i].type))
            continue; /* run_entry refuses an unknown type */
        env.known_compartment = e[i].patient;
        e[i].prepared = true;
        ok = (allow_create(err, req, &e[i], &early) &&
              fhir_store_prepare(err, &env, &actor, e[i].res, e[i].assigned, &e[i].prep)) ||
             entry_error(err, i);
    }
    struct error end = {0};
    if (!store_commit(ok ? err : &end, req->op.conn))
        return false;
    return ok;
}

static bool transaction(struct error *err, struct request *req, struct entry *e, size_t n,
                        const char *org_name)
{
    struct bundle_ctx ctx = {.org_name = org_name};
    if (!place(err, req, e, n, &ctx) || !prepare(err, req, e, n, &ctx) ||
        !op_write_begin(err, &req->op))
        return false;
    /* R4 §3.1.0.11.2 order: DELETE, POST, PUT, GET */
    static const char *const order[] = {"DELETE", "POST", "PUT", "GET"};
    for (int o = 0; o < 4; o++)
        for (size_t i = 0; i < n; i++)
            if (!strcmp(e[i].method, order[o]) && !run_entry(err, req, &e[i], &ctx))
                return entry_error(err, i);
    return audit_writes(err, req, e, n);
}

static void batch(struct request *req, struct entry *e, size_t n, const char *org_name)
{
    struct bundle_ctx ctx = {NULL, 0, org_name, NULL, 0};
    for (size_t i = 0; i < n; i++) {
        struct error err = {0};
        bool ok = op_write_begin(&err, &req->op) && run_entry(&err, req, &e[i], &ctx) &&
                  audit_writes(&err, req, &e[i], 1);
        if (ok && store_commit(&err, req->op.conn)) {
            req->op.writing = false;
            continue;
        }
        if (req->op.writing)
            store_rollback(req->op.conn);
        req->op.writing = false;
        json_decref(e[i].response);
        e[i].response =
            json_pack("{s:s, s:{s:s, s:[{s:s, s:s, s:s}]}}", "status",
                      arena_printf(req->op.arena, "%d", error_http_status(err.code)), "outcome",
                      "resourceType", "OperationOutcome", "issue", "severity", "error", "code",
                      error_fhir_type(err.code), "diagnostics",
                      arena_printf(req->op.arena, "%s (%s)", error_message(err.code, req->english),
                                   err.detail));
    }
    req->op.audited = true;
}

bool fhir_bundle_post(struct error *err, struct request *req)
{
    json_t *b = req->json;
    const char *rt = json_string_value(json_object_get(b, "resourceType"));
    const char *type = json_string_value(json_object_get(b, "type"));
    req->access_checked = true; /* each entry decides for itself below */
    if (!rt || strcmp(rt, "Bundle") != 0 || !type ||
        (strcmp(type, "transaction") != 0 && strcmp(type, "batch") != 0))
        return error_set(err, ERR_FHIR_BUNDLE, "Bundle.type: must be transaction or batch");
    json_t *entries = json_object_get(b, "entry");
    size_t n = json_array_size(entries);
    if (n > BUNDLE_ENTRIES_MAX)
        return error_set(err, ERR_FHIR_BUNDLE, "Bundle.entry: at most %d", BUNDLE_ENTRIES_MAX);
    if (!fhir_allow(err, req, "", "Bundle", NULL, ACCESS_CREATE))
        return false;
    struct entry *e = arena_alloc(req->op.arena, (n ? n : 1) * sizeof *e);
    memset(e, 0, (n ? n : 1) * sizeof *e);
    for (size_t i = 0; i < n; i++) {
        e[i].src = json_array_get(entries, i);
        if (!json_is_object(e[i].src) || !parse_entry(err, req, &e[i], i))
            return err->code
                       ? false
                       : error_set(err, ERR_FHIR_BUNDLE, "Bundle.entry[%zu]: not an object", i);
    }
    bool tx = strcmp(type, "transaction") == 0;
    const char *org_name = NULL;
    struct store_stmt *on = store_query(err, req->op.conn, "SELECT name FROM orgs WHERE id = ?",
                                        "t", req->op.principal.org_id);
    if (!on)
        return false;
    if (store_step(err, on) == STORE_ROW)
        org_name = arena_strdup(req->op.arena, store_text(on, 0));
    store_done(on);
    if (tx && !transaction(err, req, e, n, org_name)) {
        for (size_t i = 0; i < n; i++)
            json_decref(e[i].response);
        return false;
    }
    if (!tx)
        batch(req, e, n, org_name);
    json_t *out = fhir_bundle_new(tx ? "transaction-response" : "batch-response");
    for (size_t i = 0; i < n; i++) {
        json_t *entry = json_pack("{s:o}", "response", e[i].response);
        if (!strcmp(e[i].method, "GET") && json_object_get(e[i].src, "resource"))
            json_object_set(entry, "resource", json_object_get(e[i].src, "resource"));
        json_array_append_new(json_object_get(out, "entry"), entry);
    }
    req->op.audited = true;
    response_fhir(req, 200, out);
    return true;
}
