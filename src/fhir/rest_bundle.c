/* SPDX-License-Identifier: Apache-2.0 */
/* POST /fhir with a transaction or batch Bundle (R4 §3.1.0.11). A transaction is all or
 * nothing: one write transaction, references to the entries' urn:uuid fullUrls rewritten to the
 * ids assigned, and the first failure rolls everything back. A batch runs each entry on its own.
 * Each entry passes the same access decision (fhir_allow) and leaves its own audit record. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
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
};

/* What the entries of one Bundle share. */
struct bundle_ctx {
    const struct fhir_pending *pending; /* the transaction's new resources */
    size_t pending_n;
    const char *org_name; /* of the caller's organisation, looked up once */
};

/* Rewrites every reference equal to a created entry's fullUrl. */
static void rewrite_refs(json_t *j, const struct entry *e, size_t n)
{
    if (json_is_object(j)) {
        const char *key;
        json_t *v;
        json_object_foreach(j, key, v)
        {
            if (strcmp(key, "reference") == 0 && json_is_string(v)) {
                const char *ref = json_string_value(v);
                for (size_t i = 0; i < n; i++)
                    if (e[i].full_url && e[i].assigned[0] && strcmp(e[i].full_url, ref) == 0) {
                        char out[128];
                        snprintf(out, sizeof out, "%s/%s", e[i].type, e[i].assigned);
                        json_string_set(v, out);
                        break;
                    }
            } else {
                rewrite_refs(v, e, n);
            }
        }
    } else if (json_is_array(j)) {
        for (size_t i = 0; i < json_array_size(j); i++)
            rewrite_refs(json_array_get(j, i), e, n);
    }
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
        ids_uuid_new(e->assigned);
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

/* Runs one entry inside the open write transaction, with its access decision and audit
 * record. */
static bool run_entry(struct error *err, struct request *req, struct entry *e,
                      const struct bundle_ctx *ctx)
{
    struct fhir_env env = fhir_env_of(req);
    env.pending = ctx->pending;
    env.pending_n = ctx->pending_n;
    struct fhir_actor actor = {.org_id = req->op.principal.org_id,
                               .user_id = req->op.principal.user_id,
                               .org_name = ctx->org_name};
    struct fhir_row row, old;
    bool exists = false, created = false;
    const char *id = e->id ? e->id : e->assigned;
    if (!fhir_type_stored(e->type))
        return error_set(err, fhir_type_view(e->type) ? ERR_FHIR_READ_ONLY : ERR_FHIR_UNKNOWN_TYPE,
                         "%s", e->type);
    if (!fhir_store_lookup(err, req->op.conn, e->type, id, &old, &exists))
        return false;
    if (!strcmp(e->method, "GET")) {
        if (!exists || old.deleted)
            return error_set(err, exists ? ERR_FHIR_GONE : ERR_FHIR_NOT_FOUND, "%s/%s", e->type,
                             id);
        json_t *res;
        if (!fhir_read_ref(err, req, arena_printf(req->op.arena, "%s/%s", e->type, id), &res))
            return false;
        if (!res) /* one may not see it: as if it did not exist */
            return error_set(err, ERR_FHIR_NOT_FOUND, "%s/%s", e->type, id);
        json_object_set_new(e->src, "resource", res);
        e->response = json_pack("{s:s}", "status", "200 OK");
        return true;
    }
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
    const char *reason = created ? NULL : fhir_change_reason(e->res);
    e->response = response_of(req,
                              !strcmp(e->method, "DELETE") ? "204 No Content"
                              : created                    ? "201 Created"
                                                           : "200 OK",
                              &row);
    return op_audit(err, &req->op, req->route->handler_name,
                    !strcmp(e->method, "DELETE") ? 'D'
                    : created                    ? 'C'
                                                 : 'U',
                    row.patient_id[0] ? row.patient_id : NULL, row.type, row.id,
                    arena_printf(req->op.arena, "%s version %d%s%.400s", e->method, row.version,
                                 reason ? "; reason: " : "", reason ? reason : ""));
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

static bool transaction(struct error *err, struct request *req, struct entry *e, size_t n,
                        const char *org_name)
{
    for (size_t i = 0; i < n; i++)
        if (e[i].res)
            rewrite_refs(e[i].res, e, n);
    /* The new resources may refer to each other in any order. */
    struct fhir_pending *pending = arena_alloc(req->op.arena, (n ? n : 1) * sizeof *pending);
    size_t pn = 0;
    const char *base = fhir_base_url(req);
    for (size_t i = 0; i < n; i++) {
        if (!e[i].assigned[0])
            continue;
        pending[pn] = (struct fhir_pending){e[i].type, e[i].assigned, ""};
        if (!fhir_compartment_of(err, e[i].res, base, pending[pn].patient))
            return entry_error(err, i);
        memcpy(e[i].patient, pending[pn].patient, UUID_STR_LEN);
        e[i].patient_known = true;
        pn++;
    }
    struct bundle_ctx ctx = {pending, pn, org_name};
    if (!op_write_begin(err, &req->op))
        return false;
    /* R4 §3.1.0.11.2 order: DELETE, POST, PUT, GET */
    static const char *const order[] = {"DELETE", "POST", "PUT", "GET"};
    for (int o = 0; o < 4; o++)
        for (size_t i = 0; i < n; i++)
            if (!strcmp(e[i].method, order[o]) && !run_entry(err, req, &e[i], &ctx))
                return entry_error(err, i);
    return true;
}

static void batch(struct request *req, struct entry *e, size_t n, const char *org_name)
{
    const struct bundle_ctx ctx_value = {NULL, 0, org_name}, *ctx = &ctx_value;
    for (size_t i = 0; i < n; i++) {
        struct error err = {0};
        bool ok = op_write_begin(&err, &req->op) && run_entry(&err, req, &e[i], ctx);
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
