/* SPDX-License-Identifier: Apache-2.0 */
#include <ctype.h>
#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonw.h"
#include "core/log.h"
#include "response_int.h"
#include "router.h"
#include "sse.h"
#include "stream.h"

void response_header(struct request *req, const char *name, const char *value)
{
    for (int i = 0; i < req->header_count; i++) {
        if (strcasecmp(req->headers[i].name, name) == 0) {
            req->headers[i].value = arena_strdup(req->op.arena, value);
            return;
        }
    }
    if (req->header_count == REQUEST_MAX_HEADERS)
        return;
    req->headers[req->header_count].name = arena_strdup(req->op.arena, name);
    req->headers[req->header_count++].value = arena_strdup(req->op.arena, value);
}

static void set_body(struct request *req, int status, const char *type, char *body, size_t len)
{
    stream_discard(req); /* e.g. an error after a streamed body was set */
    free(req->resp_body);
    req->status = status;
    req->content_type = type;
    req->resp_body = body;
    req->resp_len = len;
}

void response_csv(struct request *req, char *text, size_t len, const char *filename)
{
    response_header(req, "Content-Disposition",
                    arena_printf(req->op.arena, "attachment; filename=\"%s\"", filename));
    set_body(req, 200, "text/csv; charset=utf-8", text, len);
}

void response_json(struct request *req, int status, json_t *body)
{
    size_t len = 0;
    char *text = body ? jsonw_text(body, &len) : NULL;
    json_decref(body);
    if (!text) {
        struct error err = {0};
        error_set(&err, ERR_NOMEM, "response");
        response_problem(req, &err);
        return;
    }
    set_body(req, status, "application/json; charset=utf-8", text, len);
}

void response_empty(struct request *req, int status)
{
    set_body(req, status, NULL, NULL, 0);
}

void response_take(struct request *req, int status, const char *content_type, char *body,
                   size_t len)
{
    set_body(req, status, content_type, body, len);
}

void response_fhir(struct request *req, int status, json_t *body)
{
    response_json(req, status, body);
    if (req->status == status)
        req->content_type = "application/fhir+json; charset=utf-8";
}

void response_fhir_text(struct request *req, int status, char *text, size_t len)
{
    set_body(req, status, "application/fhir+json; charset=utf-8", text, len);
}

bool request_is_fhir(const struct request *req)
{
    return req->path && strncmp(req->path, "/fhir", 5) == 0 &&
           (req->path[5] == '\0' || req->path[5] == '/');
}

bool request_is_dicomweb_path(const char *path)
{
    return path && strncmp(path, "/dicom-web", 10) == 0 && (path[10] == '\0' || path[10] == '/');
}

bool request_is_photo_path(const char *path)
{
    static const char suffix[] = "/attachments";
    size_t n = path ? strlen(path) : 0, k = sizeof suffix - 1;
    return n > k && strncmp(path, "/api/", 5) == 0 && strcmp(path + n - k, suffix) == 0;
}

bool request_is_upload_path(const char *path)
{
    static const char imports[] = "/api/imaging/imports";
    size_t n = sizeof imports - 1;
    return request_is_dicomweb_path(path) || request_is_photo_path(path) ||
           (path && strncmp(path, imports, n) == 0 && (path[n] == '\0' || path[n] == '/'));
}

/* The FHIRPath at the start of a detail ("AllergyIntolerance.code.coding[0]: …"), or NULL. */
static const char *detail_path(struct request *req, const char *detail)
{
    const char *colon = strstr(detail, ": ");
    if (!colon || detail[0] < 'A' || detail[0] > 'Z')
        return NULL;
    for (const char *c = detail; c < colon; c++)
        if (*c == ' ')
            return NULL;
    return arena_strndup(req->op.arena, detail, (size_t)(colon - detail));
}

/* What a problem's detail shows after its message. The detail is written in English for the log
 * and English readers ("from: a month YYYY-MM"); beside a Japanese message the Japanese detail
 * when the error has one ("beds.general: 登録病床数(200床)を超えています"), else only the field
 * the detail starts with ("(from)"), so that no English sentence leaks into the Japanese text. */
static const char *detail_shown(struct request *req, const struct error *err)
{
    const char *detail = err->detail;
    const char *colon = strstr(detail, ": ");
    if (req->english || !colon)
        return detail;
    if (err->detail_ja[0])
        return err->detail_ja;
    for (const char *c = detail; c < colon; c++)
        if (!(isalnum((unsigned char)*c) || strchr("_.[]-", *c)))
            return detail;
    return arena_strndup(req->op.arena, detail, (size_t)(colon - detail));
}

/* R4 OperationOutcome: the error of a /fhir request. */
static json_t *operation_outcome(struct request *req, const struct error *err, int status)
{
    const char *message = error_message(err->code, req->english);
    const char *detail = !req->english && err->detail_ja[0] ? err->detail_ja : err->detail;
    const char *text = status < 500 && err->detail[0]
                           ? arena_printf(req->op.arena, "%s (%s)", message, detail)
                           : message;
    json_t *issue =
        json_pack("{s:s, s:s, s:{s:[{s:s, s:s}], s:s}, s:s}", "severity", "error", "code",
                  error_fhir_type(err->code), "details", "coding", "system", "urn:tsunagu:error",
                  "code", error_code_name(err->code), "text", message, "diagnostics", text);
    const char *path = status < 500 ? detail_path(req, err->detail) : NULL;
    if (issue && path)
        json_object_set_new(issue, "expression", json_pack("[s]", path));
    return json_pack("{s:s, s:o}", "resourceType", "OperationOutcome", "issue",
                     json_pack("[o]", issue));
}

/* The request field at the start of a detail ("consent.consented_on: …"), or NULL: a name of
 * lower-case letters, digits, '_', '.' and [n] indexes, before ": " or as the whole detail. */
static const char *detail_field(struct request *req, const char *detail)
{
    const char *colon = strstr(detail, ": ");
    if (!colon)
        colon = detail + strlen(detail);
    if (colon == detail || detail[0] < 'a' || detail[0] > 'z')
        return NULL;
    for (const char *c = detail; c < colon; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || strchr("_.[]", *c)))
            return NULL;
    return arena_strndup(req->op.arena, detail, (size_t)(colon - detail));
}

void response_problem(struct request *req, const struct error *err)
{
    int status = error_http_status(err->code);
    const char *message = error_message(err->code, req->english);
    if (request_is_fhir(req)) {
        if (status >= 500)
            log_msg(LOG_ERROR, "request.failed", "%s %s: %s %s", req->request_id,
                    req->route ? req->route->pattern : "-", error_code_name(err->code),
                    err->detail);
        req->error_code = error_code_name(err->code);
        response_fhir(req, status, operation_outcome(req, err, status));
        return;
    }
    json_t *p = json_object();
    json_object_set_new(p, "type",
                        json_string(arena_printf(req->op.arena, "urn:tsunagu:problem:%s",
                                                 error_code_name(err->code))));
    json_object_set_new(p, "title", json_string(message));
    json_object_set_new(p, "status", json_integer(status));
    /* A 4xx says which field or rule; a 5xx never shows internals (they go to the log). */
    if (status < 500 && err->detail[0])
        json_object_set_new(
            p, "detail",
            json_string(arena_printf(req->op.arena, "%s (%s)", message, detail_shown(req, err))));
    else
        json_object_set_new(p, "detail", json_string(message));
    json_object_set_new(p, "code", json_string(error_code_name(err->code)));
    json_object_set_new(p, "request_id", json_string(req->request_id));
    const char *field = status < 500 ? detail_field(req, err->detail) : NULL;
    if (field)
        json_object_set_new(p, "field", json_string(field));
    if (status >= 500)
        log_msg(LOG_ERROR, "request.failed", "%s %s: %s %s", req->request_id,
                req->route ? req->route->pattern : "-", error_code_name(err->code), err->detail);
    size_t len = 0;
    char *text = jsonw_text(p, &len);
    json_decref(p);
    req->error_code = error_code_name(err->code);
    if (!text) {
        set_body(req, 503, NULL, NULL, 0);
        return;
    }
    set_body(req, status, "application/problem+json; charset=utf-8", text, len);
}

void response_allow_same_origin_frame(struct request *req)
{
    req->frame_same_origin = true;
}

static void add_security_headers(struct request *req, struct MHD_Response *r)
{
    MHD_add_response_header(r, "X-Request-Id", req->request_id);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    if (req->frame_same_origin) {
        MHD_add_response_header(r, "X-Frame-Options", "SAMEORIGIN");
        MHD_add_response_header(r, "Content-Security-Policy", HTTP_CSP_FRAMED_DOCUMENT);
    } else {
        MHD_add_response_header(r, "X-Frame-Options", "DENY");
        MHD_add_response_header(r, "Content-Security-Policy", HTTP_CSP);
    }
    MHD_add_response_header(r, "Cross-Origin-Opener-Policy", "same-origin");
    MHD_add_response_header(r, "Cross-Origin-Resource-Policy", "same-origin");
    if (req->ctx->tls)
        MHD_add_response_header(r, "Strict-Transport-Security", "max-age=31536000");
}

struct MHD_Response *response_build(struct request *req)
{
    struct MHD_Response *r;
    if (req->stream && req->status == 200) {
        r = sse_response_build(req);
    } else if (req->body_stream) {
        r = stream_response_build(req);
    } else {
        r = MHD_create_response_from_buffer(req->resp_len, req->resp_body ? req->resp_body : "",
                                            req->resp_body ? MHD_RESPMEM_MUST_FREE
                                                           : MHD_RESPMEM_PERSISTENT);
        if (r)
            req->resp_body = NULL; /* MHD frees it now */
    }
    if (!r)
        return NULL;
    if (req->content_type)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, req->content_type);
    bool has_cache = false;
    for (int i = 0; i < req->header_count; i++) {
        MHD_add_response_header(r, req->headers[i].name, req->headers[i].value);
        has_cache |= strcasecmp(req->headers[i].name, "Cache-Control") == 0;
    }
    if (!has_cache)
        MHD_add_response_header(r, "Cache-Control", "no-store");
    add_security_headers(req, r);
    return r;
}
