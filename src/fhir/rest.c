/* SPDX-License-Identifier: Apache-2.0 */
/* FHIR R4 REST (§3.1.0): read, vread, create, update, delete, and what the other /fhir handlers
 * share. Access to every resource is decided by fhir_allow (access_decide) before it is read
 * or written. */
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "fhir/validate.h"
#include "http/router.h"
#include "http/server.h"
#include "rest.h"
#include "rest_int.h"

const struct route_locator fhir_locator = {"each resource's patient, decided by access_decide",
                                           NULL, NULL, true, true};

/* ---- shared ---------------------------------------------------------------------------- */

const char *fhir_base_url(struct request *req)
{
    /* configured, never the request's Host header (a client must not choose our links) */
    return arena_printf(req->op.arena, "%s/fhir", server_public_url());
}

struct fhir_env fhir_env_of(struct request *req)
{
    return (struct fhir_env){.blobs = req->ctx->env.blobs, .base_url = fhir_base_url(req)};
}

bool fhir_put_as_principal(struct error *err, struct request *req, json_t *res, const char *id,
                           const char *patient, struct fhir_row *row)
{
    if (!res)
        return error_set(err, ERR_NOMEM, NULL);
    struct fhir_env env = fhir_env_of(req);
    env.known_compartment = patient;
    struct fhir_actor actor = {.org_id = req->op.principal.org_id,
                               .user_id = req->op.principal.user_id};
    struct fhir_row stored;
    bool created;
    bool ok =
        fhir_store_put(err, req->op.conn, &env, &actor, res, id, 0, row ? row : &stored, &created);
    json_decref(res);
    return ok;
}

enum data_class fhir_data_class(const char *type)
{
    if (strcmp(type, "Consent") == 0)
        return DATA_CONSENT;
    if (strcmp(type, "AuditEvent") == 0)
        return DATA_AUDIT;
    if (strcmp(type, "Patient") == 0) /* like GET /api/patients/{id} */
        return DATA_DEMOGRAPHICS;
    return fhir_type_emergency(type) ? DATA_CLINICAL_EMERGENCY : DATA_CLINICAL;
}

bool fhir_allow(struct error *err, struct request *req, const char *patient_id, const char *type,
                const char *id, enum access_action action)
{
    req->access_checked = true;
    const struct principal *p = &req->op.principal;
    if (!patient_id || !patient_id[0]) {
        if (!access_may_search(p))
            return error_set(err, ERR_FHIR_FORBIDDEN, "no organisation context");
        return true;
    }
    /* the record a party to a referral reads: stored resources and the Patient, not the
     * consents and audit trail of the views */
    if (action == ACCESS_READ && req->decided_patient &&
        strcmp(patient_id, req->decided_patient) == 0 &&
        (fhir_type_stored(type) || strcmp(type, "Patient") == 0))
        return true;
    struct access_decision d;
    if (!access_decide(err, req->op.conn, p, patient_id, action, fhir_data_class(type), &d))
        return false;
    if (!d.allow) {
        op_audit_read(&req->op, req->route->handler_name, AUDIT_MINOR_FAILURE, patient_id, type,
                      id ? id : req->object_id, d.reason);
        /* A resource one may not see answers exactly like one that does not exist. */
        if (id)
            return error_set(err, ERR_FHIR_NOT_FOUND, "%s/%s", type, id);
        return error_set(err, ERR_FHIR_FORBIDDEN, "%s", type);
    }
    if (d.emergency)
        req->audit_detail = request_emergency(req, d.grant_id, NULL);
    else if (d.standby) /* a backup partner during a declaration: the grant named (issue 17) */
        req->audit_detail = arena_printf(req->op.arena, "standby grant %s", d.grant_id);
    return true;
}

/* The write matrix for a record of kind: ERR_RECORD_WRITE_FORBIDDEN, audited, when the
 * principal's profession may not write it. */
static bool may_write_kind(struct error *err, struct request *req, const char *type,
                           const char *patient, enum access_record_kind kind)
{
    const struct principal *p = &req->op.principal;
    if (access_may_write_kind(p, kind))
        return true;
    op_audit_read(&req->op, req->route->handler_name, AUDIT_MINOR_FAILURE, patient, type,
                  req->object_id, "write matrix: profession may not write this kind");
    return error_set(err, ERR_RECORD_WRITE_FORBIDDEN, "%s (%s): not for %s", type,
                     access_write_rules[kind].en,
                     p->profession[0] ? p->profession : "no profession");
}

/* The kind of the current version of old (a live resource), for the write matrix. */
static bool current_kind(struct error *err, struct request *req, const struct fhir_row *old,
                         enum access_record_kind *kind)
{
    char *json = NULL, blob[BLOB_KEY_LEN];
    bool found = false;
    if (!fhir_store_version(err, req->op.conn, old->rid, 0, &json, blob, &found))
        return false;
    json_t *res = json ? json_loads(json, 0, NULL) : NULL;
    *kind = fhir_record_kind(old->type, res);
    json_decref(res);
    free(json);
    return true;
}

bool fhir_allow_write(struct error *err, struct request *req, const char *type,
                      const struct fhir_row *old, const char *patient, const json_t *res,
                      enum access_action action)
{
    if (old) { // a deletion too: its history stays under its patient's rule
        if (!fhir_allow(err, req, old->patient_id, type, old->id,
                        action == ACCESS_DELETE ? ACCESS_DELETE : ACCESS_UPDATE))
            return false;
        if (patient && strcmp(old->patient_id, patient) != 0)
            return error_set(err, ERR_FHIR_COMPARTMENT,
                             "%s: an update may not move a record to another patient", type);
        enum access_record_kind kind;
        if (old->patient_id[0] && !old->deleted &&
            (!current_kind(err, req, old, &kind) ||
             !may_write_kind(err, req, type, old->patient_id, kind) ||
             !fhir_change_allowed(err, req, type, old, res)))
            return false;
    }
    if (!patient)
        return true;
    return fhir_allow(err, req, patient, type, NULL, old ? ACCESS_UPDATE : ACCESS_CREATE) &&
           (!patient[0] || may_write_kind(err, req, type, patient, fhir_record_kind(type, res)));
}

bool fhir_may_write(struct error *err, struct request *req, const char *type, const char *patient,
                    const json_t *res)
{
    return !patient[0] || may_write_kind(err, req, type, patient, fhir_record_kind(type, res));
}

json_t *fhir_load(struct error *err, struct request *req, const char *json, const char *blob)
{
    json_error_t jerr;
    json_t *res = json_loads(json, 0, &jerr);
    if (!res) {
        error_set(err, ERR_INTERNAL, "stored resource unreadable: %s", jerr.text);
        return NULL;
    }
    struct fhir_env env = fhir_env_of(req);
    if (blob && blob[0] && !fhir_binary_inline(err, &env, res, blob)) {
        json_decref(res);
        return NULL;
    }
    return res;
}

json_t *fhir_bundle_new(const char *type)
{
    return json_pack("{s:s, s:s, s:[]}", "resourceType", "Bundle", "type", type, "entry");
}

/* Whether any emergency grant could open something to this request's principal (asked once). */
static bool emergency_possible(struct error *err, struct request *req, bool *possible)
{
    if (req->emergency_grants == 0) {
        bool has;
        if (!access_has_emergency_grant(err, req->op.conn, &req->op.principal, &has))
            return false;
        req->emergency_grants = has ? 2 : 1;
    }
    *possible = req->emergency_grants == 2;
    return true;
}

bool fhir_audit_patient_read(struct error *err, struct request *req, const char *patient_id,
                             const char *type, const char *id)
{
    bool possible;
    if (!op_audit_queued(&req->op, patient_id)) {
        if (!emergency_possible(err, req, &possible))
            return false;
        struct access_decision d;
        if (possible && !access_decide(err, req->op.conn, &req->op.principal, patient_id,
                                       ACCESS_READ, fhir_data_class(type), &d))
            return false;
        if (possible && d.allow && d.emergency) { /* seen only through a grant: said so */
            op_audit_read(&req->op, req->route->handler_name, AUDIT_SUCCESS, patient_id, type, id,
                          request_emergency(req, d.grant_id, req->audit_detail));
            return true;
        }
    }
    op_audit_read(&req->op, req->route->handler_name, AUDIT_SUCCESS, patient_id, type, id,
                  req->audit_detail);
    return true;
}

/* ---- request pieces -------------------------------------------------------------------- */

static bool resource_type_param(struct error *err, struct request *req, const char **type)
{
    *type = request_param(req, 0);
    if (!fhir_type_stored(*type) && !fhir_type_view(*type))
        return error_set(err, ERR_FHIR_UNKNOWN_TYPE, "%s", *type);
    return true;
}

/* The id path parameter; an id that cannot exist is simply not found. */
static bool id_param(struct error *err, struct request *req, int i, const char **id)
{
    *id = request_param(req, i);
    if (!fhir_id_valid(*id))
        return error_set(err, ERR_FHIR_NOT_FOUND, "malformed id");
    req->object_id = *id;
    return true;
}

/* If-Match: W/"3" (or "3"); 0 when absent. */
static bool if_match(struct error *err, struct request *req, int *out)
{
    const char *h = request_header(req, MHD_HTTP_HEADER_IF_MATCH);
    *out = 0;
    if (!h)
        return true;
    if (strncmp(h, "W/", 2) == 0)
        h += 2;
    int v = 0, used = 0;
    if (sscanf(h, "\"%d\"%n", &v, &used) != 1 || h[used] != '\0' || v < 1)
        return error_set(err, ERR_FIELD_VALUE, "If-Match: expected W/\"<version>\"");
    *out = v;
    return true;
}

static void version_headers(struct request *req, const struct fhir_row *row)
{
    response_header(req, "ETag", arena_printf(req->op.arena, "W/\"%d\"", row->version));
    time_t t = (time_t)(row->last_updated / 1000);
    struct tm tm;
    char date[40];
    gmtime_r(&t, &tm);
    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    response_header(req, "Last-Modified", date);
}

/* The resource body of a create or update: an object of the URL's type. */
static bool body_resource(struct error *err, struct request *req, const char *type)
{
    if (!json_is_object(req->json))
        return error_set(err, ERR_FHIR_INVALID, "%s: the body must be a resource", type);
    const char *rt = json_string_value(json_object_get(req->json, "resourceType"));
    if (!rt || strcmp(rt, type) != 0)
        return error_set(err, ERR_FHIR_INVALID, "%s.resourceType: must be %s", type, type);
    if (fhir_type_view(type))
        return error_set(err, ERR_FHIR_READ_ONLY, "%s", type);
    return true;
}

/* Prefer: return=minimal | representation (default) | OperationOutcome. */
static bool prefer_minimal(struct request *req)
{
    const char *p = request_header(req, "Prefer");
    return p && strstr(p, "return=minimal");
}

/* ---- read and vread -------------------------------------------------------------------- */

/* Answers a stored version: raw bytes for a Binary asked for by a browser, else JSON. */
static bool answer_version(struct error *err, struct request *req, const struct fhir_row *row,
                           const char *json, const char *blob)
{
    const char *accept = request_header(req, MHD_HTTP_HEADER_ACCEPT);
    bool raw = strcmp(row->type, "Binary") == 0 && blob && blob[0] &&
               !(accept && (strstr(accept, "fhir+json") || strstr(accept, "application/json")));
    version_headers(req, row);
    if (raw) {
        json_t *res = json_loads(json, 0, NULL);
        const char *ct = json_string_value(json_object_get(res, "contentType"));
        char *ctype = arena_strdup(req->op.arena, ct ? ct : "application/octet-stream");
        json_decref(res);
        void *data = NULL;
        size_t len = 0;
        if (!blobs_get(err, req->ctx->env.blobs, blob, &data, &len))
            return false;
        req->status = 200;
        req->content_type = ctype;
        req->resp_body = data;
        req->resp_len = len;
        /* PDFs and images are shown inside the UI: same-origin framing, no scripts. Anything
         * else (e.g. HTML) is only downloaded. */
        if (strcmp(ctype, "application/pdf") == 0 || strncmp(ctype, "image/", 6) == 0) {
            response_allow_same_origin_frame(req);
            response_header(req, "Content-Disposition", "inline");
        } else {
            response_header(req, "Content-Disposition", "attachment");
        }
        return true;
    }
    if (!blob || !blob[0]) { /* the stored text is the answer */
        char *text = strdup(json);
        if (!text)
            return error_set(err, ERR_NOMEM, NULL);
        response_fhir_text(req, 200, text, strlen(text));
        return true;
    }
    json_t *res = fhir_load(err, req, json, blob);
    if (!res)
        return false;
    response_fhir(req, 200, res);
    return true;
}

static bool read_row(struct error *err, struct request *req, const char *type, const char *id,
                     struct fhir_row *row)
{
    bool found = false;
    if (!fhir_store_lookup(err, req->op.conn, type, id, row, &found))
        return false;
    if (!found) {
        req->access_checked = true; /* nothing to decide about */
        return error_set(err, ERR_FHIR_NOT_FOUND, "%s/%s", type, id);
    }
    req->object_type = type;
    req->patient_id = row->patient_id[0] ? arena_strdup(req->op.arena, row->patient_id) : NULL;
    return fhir_allow(err, req, row->patient_id, type, id, ACCESS_READ);
}

bool fhir_read(struct error *err, struct request *req)
{
    const char *type, *id;
    if (!resource_type_param(err, req, &type) || !id_param(err, req, 1, &id))
        return false;
    if (fhir_type_view(type)) {
        json_t *res;
        if (!fhir_view_read(err, req, type, id, &res))
            return false;
        response_fhir(req, 200, res);
        return true;
    }
    struct fhir_row row;
    if (!read_row(err, req, type, id, &row))
        return false;
    if (row.deleted) {
        version_headers(req, &row);
        return error_set(err, ERR_FHIR_GONE, "%s/%s", type, id);
    }
    char *json = NULL, blob[BLOB_KEY_LEN];
    bool found;
    if (!fhir_store_version(err, req->op.conn, row.rid, 0, &json, blob, &found))
        return false;
    bool ok = json ? answer_version(err, req, &row, json, blob)
                   : error_set(err, ERR_FHIR_GONE, "%s/%s", type, id);
    free(json);
    return ok;
}

bool fhir_vread(struct error *err, struct request *req)
{
    const char *type, *id, *vid = request_param(req, 2);
    if (!resource_type_param(err, req, &type) || !id_param(err, req, 1, &id))
        return false;
    if (fhir_type_view(type))
        return error_set(err, ERR_FHIR_NOT_FOUND, "%s keeps no versions", type);
    char *end;
    long v = strtol(vid, &end, 10);
    if (*end || v < 1 || v > 1000000000)
        return error_set(err, ERR_FHIR_NOT_FOUND, "no version %s", vid);
    struct fhir_row row;
    if (!read_row(err, req, type, id, &row))
        return false;
    char *json = NULL, blob[BLOB_KEY_LEN];
    bool found;
    if (!fhir_store_version(err, req->op.conn, row.rid, (int)v, &json, blob, &found))
        return false;
    if (!found)
        return error_set(err, ERR_FHIR_NOT_FOUND, "%s/%s has no version %ld", type, id, v);
    row.version = (int)v;
    bool ok = json ? answer_version(err, req, &row, json, blob)
                   : error_set(err, ERR_FHIR_GONE, "%s/%s version %ld is a deletion", type, id, v);
    free(json);
    return ok;
}

/* ---- create, update, delete ------------------------------------------------------------ */

/* Answers a successful write: Location, ETag, and the resource unless return=minimal. */
static void answer_write(struct request *req, const struct fhir_row *row, bool created, json_t *res)
{
    version_headers(req, row);
    response_header(req, "Location",
                    arena_printf(req->op.arena, "%s/%s/%s/_history/%d", fhir_base_url(req),
                                 row->type, row->id, row->version));
    if (prefer_minimal(req)) {
        response_empty(req, created ? 201 : 200);
        return;
    }
    json_t *copy = json_deep_copy(res);
    json_object_del(copy, "data"); /* a Binary's content is not echoed */
    response_fhir(req, created ? 201 : 200, copy);
}

/* Decides access for writing res (and for the version it replaces), then writes it. */
static bool write_resource(struct error *err, struct request *req, json_t *res, const char *id,
                           int match)
{
    struct fhir_env env = fhir_env_of(req);
    const char *type = json_string_value(json_object_get(res, "resourceType"));
    char patient[UUID_STR_LEN];
    if (!fhir_compartment_of(err, res, env.base_url, patient))
        return false;
    env.known_compartment = patient;
    struct fhir_row old;
    bool exists = false;
    if (id && !fhir_store_lookup(err, req->op.conn, type, id, &old, &exists))
        return false;
    if (!fhir_allow_write(err, req, type, exists ? &old : NULL, patient, res, ACCESS_UPDATE))
        return false;
    req->object_type = type;
    req->patient_id = patient[0] ? arena_strdup(req->op.arena, patient) : NULL;
    struct fhir_actor actor = {.org_id = req->op.principal.org_id,
                               .user_id = req->op.principal.user_id};
    struct fhir_row row;
    bool created;
    if (!op_write_begin(err, &req->op) ||
        !fhir_store_put(err, req->op.conn, &env, &actor, res, id, match, &row, &created) ||
        !fhir_team_events(err, &req->op, &row, exists && !old.deleted ? old.version : 0, res))
        return false;
    req->object_id = arena_strdup(req->op.arena, row.id);
    const char *reason = exists && !old.deleted ? fhir_change_reason(res) : NULL;
    req->audit_detail =
        reason ? arena_printf(req->op.arena, "version %d; reason: %.400s", row.version, reason)
               : arena_printf(req->op.arena, "version %d", row.version);
    answer_write(req, &row, created, res);
    return true;
}

bool fhir_create(struct error *err, struct request *req)
{
    const char *type;
    if (!resource_type_param(err, req, &type) || !body_resource(err, req, type))
        return false;
    json_object_del(req->json, "id"); /* R4: the server assigns the id of a create */
    return write_resource(err, req, req->json, NULL, 0);
}

bool fhir_update(struct error *err, struct request *req)
{
    const char *type, *id;
    int match;
    if (!resource_type_param(err, req, &type) || !id_param(err, req, 1, &id) ||
        !body_resource(err, req, type) || !if_match(err, req, &match))
        return false;
    const char *body_id = json_string_value(json_object_get(req->json, "id"));
    if (!body_id || strcmp(body_id, id) != 0)
        return error_set(err, ERR_FHIR_ID_MISMATCH, "%s.id: %s, URL: %s", type,
                         body_id ? body_id : "(none)", id);
    return write_resource(err, req, req->json, id, match);
}

bool fhir_delete(struct error *err, struct request *req)
{
    const char *type, *id;
    int match;
    if (!resource_type_param(err, req, &type) || !id_param(err, req, 1, &id) ||
        !if_match(err, req, &match))
        return false;
    if (fhir_type_view(type))
        return error_set(err, ERR_FHIR_READ_ONLY, "%s", type);
    struct fhir_row row;
    if (!read_row(err, req, type, id, &row))
        return false;
    if (!fhir_allow_write(err, req, type, &row, NULL, NULL, ACCESS_DELETE))
        return false;
    struct fhir_actor actor = {.org_id = req->op.principal.org_id,
                               .user_id = req->op.principal.user_id};
    bool changed;
    if (!op_write_begin(err, &req->op) ||
        !fhir_store_delete(err, req->op.conn, &actor, type, id, match, &row, &changed))
        return false;
    req->audit_detail =
        changed ? arena_printf(req->op.arena, "version %d", row.version) : "already deleted";
    version_headers(req, &row);
    response_empty(req, 204);
    return true;
}
