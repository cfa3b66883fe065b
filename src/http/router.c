/* SPDX-License-Identifier: Apache-2.0 */
/* The route table and the generic work done before and after every handler (Redis's
 * processCommand idea): 404/405, authentication, session state, CSRF, permission, body, the
 * access decision and the audit record. No handler can skip them. */
#include "router.h"

#include <microhttpd.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/kana.h"
#include "core/log.h"
#include "modules/module.h"
#include "response_int.h"

static const struct route own_routes[] = {
#define ROUTE ROUTE_ENTRY
#include "routes.def"
#undef ROUTE
};

static const struct route **table;
static int table_count;
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

/* What a path must have for a pattern to match it, checked before the pattern itself: as many
 * slashes (a parameter never takes one), and the same first two segments unless the pattern
 * has a parameter among them. Cheap to compare, so a request tries a few patterns, not all. */
struct route_key {
    uint64_t head; /* FNV-1a of the text before the third slash */
    int slashes;
    bool head_param;
};
static struct route_key *keys;

/* The number of slashes in s, and the hash of its text up to the third slash (or its end). */
static int path_key(const char *s, uint64_t *head, bool *param)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    int slashes = 0;
    *param = false;
    for (; *s; s++) {
        slashes += *s == '/';
        if (slashes >= 3)
            break;
        *param = *param || *s == '{';
        h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
    }
    *head = h;
    for (; *s; s++)
        slashes += *s == '/';
    return slashes;
}

static void table_build(void)
{
    int n = MODULE_COUNT(own_routes);
    for (const struct module *const *m = modules_all; *m; m++)
        n += (*m)->route_count;
    table = calloc((size_t)n, sizeof *table);
    if (!table)
        abort(); /* at start-up, before anything is served */
    for (int i = 0; i < MODULE_COUNT(own_routes); i++)
        table[table_count++] = &own_routes[i];
    for (const struct module *const *m = modules_all; *m; m++)
        for (int i = 0; i < (*m)->route_count; i++)
            table[table_count++] = &(*m)->routes[i];
    keys = calloc((size_t)n, sizeof *keys);
    if (!keys)
        abort();
    for (int i = 0; i < table_count; i++)
        keys[i].slashes = path_key(table[i]->pattern, &keys[i].head, &keys[i].head_param);
}

const struct route *const *router_table(int *count)
{
    pthread_once(&table_once, table_build);
    *count = table_count;
    return table;
}

const char *router_permission_name(enum route_permission p)
{
    static const char *const names[] = {"public", "session", "login",     "user",
                                        "person", "admin",   "org_admin", "network_admin"};
    return names[p];
}

/* Matches a pattern like "/api/patients/{id}/team" segment by segment; {x} takes one non-empty
 * segment. */
static bool match_pattern(struct request *req, const char *pattern, const char *path)
{
    const char *p = pattern, *s = path;
    int n = 0;
    const char *params[REQUEST_MAX_PARAMS];
    size_t lens[REQUEST_MAX_PARAMS];
    while (*p && *s) {
        if (*p == '{') {
            const char *end = strchr(s, '/');
            size_t len = end ? (size_t)(end - s) : strlen(s);
            if (len == 0 || n == REQUEST_MAX_PARAMS)
                return false;
            params[n] = s;
            lens[n++] = len;
            s += len;
            p = strchr(p, '}') + 1;
        } else if (*p++ != *s++) {
            return false;
        }
    }
    if (*p || *s)
        return false;
    if (req) {
        for (int i = 0; i < n; i++)
            req->params[i] = arena_strndup(req->op.arena, params[i], lens[i]);
        req->param_count = n;
    }
    return true;
}

/* Whether method is already in the comma-separated list allow. */
static bool method_listed(const char *allow, const char *method)
{
    size_t n = strlen(method);
    for (const char *p = allow; (p = strstr(p, method)) != NULL; p += n)
        if ((p == allow || p[-1] == ' ') && (p[n] == ',' || p[n] == '\0'))
            return true;
    return false;
}

/* A pattern's segments, one at a time: start with *p at the pattern ("/a/{x}/", a trailing slash
 * being one more, empty, segment); each call gives the next (its text and length, and whether it
 * is a {parameter}) and false when there is none. */
struct segment {
    const char *text;
    size_t len;
    bool param;
};

static bool next_segment(const char **p, struct segment *seg)
{
    if (!*p)
        return false;
    const char *s = **p == '/' ? *p + 1 : *p;
    size_t n = strcspn(s, "/");
    *seg = (struct segment){s, n, n > 0 && s[0] == '{'};
    *p = s[n] == '/' ? s + n : NULL;
    return true;
}

int router_pattern_compare(const char *a, const char *b)
{
    /* From the left, the first segment where one pattern has a literal and the other a
     * parameter decides: the literal is more specific (/fhir/{type}/_history before
     * /fhir/{type}/{id}), whatever the order of the table. */
    struct segment sa, sb;
    while (next_segment(&a, &sa) && next_segment(&b, &sb))
        if (sa.param != sb.param)
            return sa.param ? -1 : 1;
    return 0;
}

const struct route *router_match(struct request *req, const char *method, const char *path,
                                 bool *path_known, char *allow, size_t cap)
{
    *path_known = false;
    allow[0] = '\0';
    const struct route *best = NULL;
    int n;
    const struct route *const *routes = router_table(&n);
    uint64_t head;
    bool unused;
    int slashes = path_key(path, &head, &unused);
    /* the request's method first: on every request; the other methods only to answer 405 */
    for (int i = 0; i < n; i++) {
        const struct route *r = routes[i];
        if (keys[i].slashes != slashes || (!keys[i].head_param && keys[i].head != head))
            continue;
        if (strcmp(r->method, method) == 0 && match_pattern(NULL, r->pattern, path) &&
            (!best || router_pattern_compare(r->pattern, best->pattern) > 0))
            best = r;
    }
    if (best) {
        match_pattern(req, best->pattern, path);
        return best;
    }
    for (int i = 0; i < n; i++) {
        const struct route *r = routes[i];
        if (strcmp(r->method, method) == 0 || !match_pattern(NULL, r->pattern, path) ||
            method_listed(allow, r->method))
            continue;
        size_t used = strlen(allow);
        snprintf(allow + used, cap - used, "%s%s", used ? ", " : "", r->method);
    }
    *path_known = allow[0] != '\0';
    return NULL;
}

/* Whether some path matches both patterns: as many segments, and each pair equal literals or
 * at least one parameter. */
static bool overlap(const char *a, const char *b)
{
    struct segment sa, sb;
    for (;;) {
        bool more_a = next_segment(&a, &sa), more_b = next_segment(&b, &sb);
        if (!more_a || !more_b)
            return more_a == more_b;
        if (!sa.param && !sb.param && (sa.len != sb.len || strncmp(sa.text, sb.text, sa.len)))
            return false;
    }
}

bool router_table_check(struct error *err, const struct route *const *routes, int n)
{
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            if (strcmp(routes[i]->method, routes[j]->method) == 0 &&
                overlap(routes[i]->pattern, routes[j]->pattern) &&
                router_pattern_compare(routes[i]->pattern, routes[j]->pattern) == 0)
                return error_set(err, ERR_INTERNAL, "routes %s %s and %s are ambiguous",
                                 routes[i]->method, routes[i]->pattern, routes[j]->pattern);
    return true;
}

static bool is_state_changing(const char *method)
{
    return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0;
}

static bool authenticate(struct error *err, struct request *req)
{
    const char *authz = request_header(req, MHD_HTTP_HEADER_AUTHORIZATION);
    if (authz) {
        if (strncmp(authz, "Bearer ", 7) != 0)
            return error_set(err, ERR_UNAUTHENTICATED, "unsupported authorization scheme");
        if (!auth_token_resolve(err, req->op.conn, authz + 7, &req->op.principal))
            return false;
        req->authenticated = true;
        return true;
    }
    const char *cookie = MHD_lookup_connection_value(req->mhd, MHD_COOKIE_KIND, "tsunagu_session");
    if (!cookie)
        return error_set(err, ERR_UNAUTHENTICATED, "no session cookie");
    if (!auth_session_resolve(err, req->op.conn, cookie, &req->ctx->timeouts, &req->op.principal))
        return false;
    req->authenticated = true;
    if (is_state_changing(req->method)) {
        const char *csrf = request_header(req, "X-CSRF-Token");
        if (!csrf || !ids_equal_ct(csrf, req->op.principal.csrf))
            return error_set(err, ERR_CSRF, "missing or wrong X-CSRF-Token");
    }
    return true;
}

static bool authorise(struct error *err, struct request *req)
{
    const struct route *r = req->route;
    const struct principal *p = &req->op.principal;
    /* An API token acts for integrations: it has no login steps, sessions or password. */
    if (p->via_token && (r->permission == PERM_LOGIN || r->permission == PERM_PERSON))
        return error_set(err, ERR_FORBIDDEN, "API tokens cannot use this; log in instead");
    if (r->permission != PERM_SESSION && r->permission != PERM_LOGIN &&
        strcmp(p->state, SESSION_ACTIVE) != 0) {
        if (strcmp(p->state, SESSION_PASSWORD) == 0)
            return error_set(err, ERR_PASSWORD_CHANGE_REQUIRED, NULL);
        return error_set(err, ERR_TOTP_REQUIRED, "session state %s", p->state);
    }
    bool org_admin = strcmp(p->org_role, "org_admin") == 0;
    if (p->pending && (r->permission == PERM_ADMIN || r->permission == PERM_ORG_ADMIN))
        return error_set(err, ERR_ACCOUNT_PENDING, NULL);
    switch (r->permission) {
    case PERM_ADMIN:
        if (!org_admin && !p->network_admin)
            return error_set(err, ERR_FORBIDDEN, "administrators only");
        break;
    case PERM_ORG_ADMIN:
        if (!org_admin)
            return error_set(err, ERR_FORBIDDEN, "organisation administrators only");
        break;
    case PERM_NET_ADMIN:
        if (!p->network_admin)
            return error_set(err, ERR_FORBIDDEN, "network administrators only");
        break;
    default:
        break;
    }
    return true;
}

/* True if a Content-Type header names media type t (parameters after ';' allowed). */
static bool media_type_is(const char *header, const char *t)
{
    size_t n = strlen(t);
    return strncasecmp(header, t, n) == 0 && (header[n] == '\0' || header[n] == ';');
}

static bool parse_body(struct error *err, struct request *req)
{
    if (req->body_too_large)
        return error_set(err, ERR_BODY_TOO_LARGE, "limit %zu bytes", req->body_limit);
    if (!is_state_changing(req->method) || strcmp(req->method, "DELETE") == 0) {
        if (req->body.len > 0)
            return error_set(err, ERR_FIELD_VALUE, "this method takes no body");
        return true;
    }
    const char *type = request_header(req, MHD_HTTP_HEADER_CONTENT_TYPE);
    if (req->body.len == 0 && !type)
        return true; /* e.g. POST /api/auth/logout */
    if (request_is_upload_path(req->path))
        return true; /* STOW-RS, a CD's zip: parsed and checked by the handler */
    bool fhir = req->route->patient && req->route->patient->fhir_body;
    if (fhir && type && media_type_is(type, "application/x-www-form-urlencoded"))
        return true; /* POST …/_search: the handler reads the form */
    if (!type || !(media_type_is(type, "application/json") ||
                   (fhir && media_type_is(type, "application/fhir+json"))))
        return error_set(err, ERR_CONTENT_TYPE, NULL);
    if (!utf8_valid(req->body.buf ? req->body.buf : "", req->body.len))
        return error_set(err, ERR_BAD_UTF8, "body");
    json_error_t jerr;
    req->json = json_loadb(req->body.buf ? req->body.buf : "", req->body.len,
                           JSON_REJECT_DUPLICATES, &jerr);
    if (!req->json)
        return error_set(err, ERR_BAD_JSON, "at byte %d: %s", jerr.position, jerr.text);
    arena_cleanup_add(req->op.arena, (arena_cleanup_fn)json_decref, req->json);
    return true;
}

static bool locate_patient(struct error *err, struct request *req, const struct route_locator *self)
{
    const char *patient = request_param(req, 0);
    if (!ids_uuid_valid(patient))
        return error_set(err, ERR_PATIENT_NOT_FOUND, "malformed id");
    struct access_decision d;
    if (!access_decide(err, req->op.conn, &req->op.principal, patient, req->route->action,
                       req->route->data_class, &d))
        return false;
    req->patient_id = patient;
    if (!d.allow) {
        op_audit_read(&req->op, req->route->handler_name, AUDIT_MINOR_FAILURE, patient, "patient",
                      patient, d.reason);
        /* Not 403: a hidden patient must look exactly like one that does not exist; except
         * to the organisation that registered it, which knows it and sees its demographics. */
        if (d.known)
            return error_set(err, ERR_FORBIDDEN, "demographics and consents only");
        return error_set(err, ERR_PATIENT_NOT_FOUND, NULL);
    }
    req->audit_detail = router_grant_detail(req, &d);
    return true;
}

const struct route_locator router_patient_path = {"path parameter id, decided by access_decide",
                                                  locate_patient, NULL, false, false};

const char *router_grant_detail(struct request *req, const struct access_decision *d)
{
    if (d->emergency) /* break-the-glass: shown as such to the client and in the audit record */
        return request_emergency(req, d->grant_id, NULL);
    if (d->standby) /* a backup partner during a declaration: the grant named (issue 17) */
        return arena_printf(req->op.arena, "standby grant %s", d->grant_id);
    if (d->emergency_share) /* a case shared without consent: found by the emergency review */
        return arena_printf(req->op.arena, "emergency image share %s", d->grant_id);
    return req->audit_detail;
}

bool router_decide_case(struct error *err, struct request *req, const struct access_case_kind *kind,
                        const char *id, enum access_action action, const char *object_type,
                        const char *object_id)
{
    char *patient = arena_alloc(req->op.arena, UUID_STR_LEN);
    struct access_decision d;
    if (!access_decide_case(err, req->op.conn, &req->op.principal, kind, id, action, &d, patient))
        return false;
    if (!d.allow) {
        if (patient[0])
            op_audit_read(&req->op, req->route->handler_name, AUDIT_MINOR_FAILURE, patient,
                          object_type, object_id, d.reason);
        return error_set(err, kind->not_found, NULL);
    }
    req->patient_id = patient[0] ? patient : NULL;
    req->object_type = object_type;
    req->object_id = object_id;
    req->audit_detail = router_grant_detail(req, &d);
    return true;
}

bool router_locate_case(struct error *err, struct request *req, const struct route_locator *self)
{
    const struct access_case_kind *kind = self->case_kind;
    const char *id = request_param(req, 0);
    if (!ids_uuid_valid(id))
        return error_set(err, kind->not_found, "malformed id");
    return router_decide_case(err, req, kind, id, req->route->action, kind->name, id);
}

static bool before_handler(struct error *err, struct request *req)
{
    const struct route *r = req->route;
    if (!request_query_valid(err, req))
        return false;
    if (r->permission != PERM_PUBLIC) {
        if (!authenticate(err, req) || !authorise(err, req))
            return false;
    }
    if (!parse_body(err, req))
        return false;
    return !r->patient || !r->patient->locate || r->patient->locate(err, req, r->patient);
}

/* The route's own audit record for a successful request: in the write transaction when one is
 * open, else through the group commit for anything touching patient data or changing state.
 * Plain reads of non-patient data (e.g. GET /api/me) are not audited. */
static bool audit_route(struct error *err, struct request *req)
{
    const struct route *r = req->route;
    if (req->op.audited)
        return true;
    const char *type = req->object_type ? req->object_type : req->patient_id ? "patient" : NULL;
    const char *id = req->object_id ? req->object_id : req->patient_id;
    if (req->op.writing)
        return op_audit(err, &req->op, r->handler_name, r->action, req->patient_id, type, id,
                        req->audit_detail);
    if (req->patient_id || r->data_class != DATA_NONE || r->action != 'R')
        op_audit_read(&req->op, r->handler_name, AUDIT_SUCCESS, req->patient_id, type, id,
                      req->audit_detail);
    return true;
}

static void after_failure(struct request *req, const struct error *err)
{
    req->op.events = NULL; /* a failed request publishes nothing */
    req->op.events_tail = NULL;
    if (req->op.conn && req->op.writing) {
        struct error e = {0};
        req->op.writing = false;
        if (req->commit_on_error && store_commit(&e, req->op.conn))
            return;
        store_rollback(req->op.conn);
    }
    /* Failed writes and refused requests by a known user are security-relevant: audit them. */
    bool touched_patient = req->patient_id != NULL;
    if (req->authenticated && (touched_patient || req->route->action != 'R') &&
        err->code != ERR_PATIENT_NOT_FOUND)
        op_audit_read(&req->op, req->route->handler_name, AUDIT_MINOR_FAILURE, req->patient_id,
                      req->object_type, req->object_id, error_code_name(err->code));
}

static bool run_handler(struct error *err, struct request *req)
{
    if (!req->route->handler(err, req))
        return false;
    if (req->route->patient && req->route->patient->handler_decides && !req->access_checked)
        return error_set(err, ERR_INTERNAL, "%s answered without an access decision",
                         req->route->handler_name);
    if (!audit_route(err, req))
        return false;
    if (req->op.writing && !store_commit(err, req->op.conn))
        return false;
    req->op.writing = false;
    op_publish_flush(&req->op); /* only committed data goes out */
    return true;
}

/* A GET reads in one transaction: one consistent snapshot, and one set of locks instead of one
 * per statement. Other methods take the write lock when they first write. */
static bool begin_read(struct error *err, struct request *req)
{
    return is_state_changing(req->method) || store_begin(err, req->op.conn, false);
}

static void end_read(struct request *req)
{
    if (!is_state_changing(req->method) && store_in_txn(req->op.conn)) {
        struct error e = {0};
        if (!store_commit(&e, req->op.conn))
            store_rollback(req->op.conn);
    }
    auth_deferred_writes(req->op.conn, &req->op.principal);
}

void router_dispatch(struct request *req)
{
    struct error err = {0};
    req->op.action = req->route->action; /* of its read records */
    req->op.conn = store_conn_get(&err, req->ctx->env.store);
    bool ok = req->op.conn && begin_read(&err, req) && before_handler(&err, req) &&
              run_handler(&err, req);
    if (!ok) {
        after_failure(req, &err);
        response_problem(req, &err);
    }
    if (req->op.conn)
        end_read(req);
    /* Queued read records (req->op.reads) are made durable by the server before the response
     * leaves (see http/server.c). */
}
