/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_HTTP_REQUEST_H
#define TSUNAGU_HTTP_REQUEST_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "blobs/blobs.h"
#include "core/arena.h"
#include "core/errors.h"
#include "core/strbuf.h"
#include "op/op.h"
#include "store/store.h"

struct MHD_Connection;
struct route;
struct sse_stream;
struct http_stream;

/** Server-wide settings and shared objects a request may use (read-only after start). */
struct server_ctx {
    struct op_env env; /* what the request's operation may use */
    struct auth_timeouts timeouts;
    size_t body_limit;
    size_t fhir_body_limit;     /* for /fhir */
    size_t dicomweb_body_limit; /* for /dicom-web (STOW-RS of whole studies) */
    bool tls;                   /* served over TLS (or behind a TLS proxy): cookies get Secure */
    const char *dummy_password_hash; /* for constant-time failures on unknown logins */
    int64_t sse_heartbeat_ms;        /* heartbeat of an idle event stream */
};

struct response_header {
    const char *name;
    const char *value;
};

enum { REQUEST_MAX_PARAMS = 4, REQUEST_MAX_HEADERS = 12 };

/**
 * One HTTP request, owned by its arena (op.arena, freed once when the response completes).
 * Handlers read the parsed input, call the domain functions with the request's operation (op:
 * its connection, principal, clock, audit and events) and fill the response through the
 * functions below; only http/ turns an error into a response.
 */
struct request {
    struct op op;
    const struct server_ctx *ctx;
    struct MHD_Connection *mhd;

    const char *method;
    const char *path; /* raw path, without the query string */
    char request_id[40];
    char client[64];
    int64_t start_mono_ms;
    bool english;

    const struct route *route;
    const char *params[REQUEST_MAX_PARAMS];
    int param_count;

    struct strbuf body;
    size_t body_limit; /* of this URL */
    bool body_too_large;
    json_t *json; /* parsed body, or NULL */

    bool authenticated;

    /* audit */
    const char *patient_id;  /* set by the router for PAT_PATH routes, or by the handler */
    const char *object_type; /* what the request acted on; defaults from the route */
    const char *object_id;
    const char *audit_detail;
    bool access_checked; /* a PAT_FHIR handler asked access_decide */
    /* A patient whose record the handler has already been allowed to read as a whole (a party
     * to a referral, decided by the router for PAT_REFERRAL): fhir_allow lets reads of this
     * patient's stored resources and Patient through without another decision (not Consent or
     * AuditEvent). NULL for everything else. */
    const char *decided_patient;
    /* Emergency (break-the-glass) grant shown to the client (X-Tsunagu-Emergency-Access), once;
     * and whether the principal holds any grant in force (0 not asked yet, 1 none, 2 some). */
    const char *emergency_grant;
    int emergency_grants;
    bool commit_on_error; /* keep the handler's writes (e.g. failure counters) on error */
    /* op.reads are made durable by http/ before the response leaves */
    struct audit_ticket audit_ticket;
    bool waiting_audit; /* suspended until the group commit has the reads */
    bool audit_failed;

    /* response */
    int status;
    char *resp_body;
    size_t resp_len;
    const char *content_type;
    struct response_header headers[REQUEST_MAX_HEADERS];
    int header_count;
    bool frame_same_origin;          /* a raw document the UI shows in an <iframe> */
    const char *error_code;          /* for the access log */
    struct sse_stream *stream;       /* a Server-Sent Events answer (http/sse.h), or NULL */
    bool event_stream;               /* that answer is built: the request leaves its arena */
    struct http_stream *body_stream; /* a body read as it is sent (http/stream.h), or NULL */
};

/** Handler of a route: true with a response set, or false with err set. */
typedef bool (*route_handler_fn)(struct error *err, struct request *req);

/** Sets a JSON response; takes ownership of body (even on error). */
void response_json(struct request *req, int status, json_t *body);
/** Sets a FHIR JSON response (application/fhir+json); takes ownership of body. */
void response_fhir(struct request *req, int status, json_t *body);
/** Sets a FHIR JSON response from text already serialised (malloc'd; taken). */
void response_fhir_text(struct request *req, int status, char *text, size_t len);
/** Sets a 200 CSV download (text/csv, UTF-8) named filename (only [A-Za-z0-9._-] expected);
 *  text (malloc'd) is taken. */
void response_csv(struct request *req, char *text, size_t len, const char *filename);
/** True for a request under /fhir (its errors are OperationOutcomes). */
bool request_is_fhir(const struct request *req);
/** True for a path under /dicom-web (DICOMweb, PS3.18): its own body limit, and bodies that are
 *  not JSON (the handler reads req->body itself). */
bool request_is_dicomweb_path(const char *path);
/** True for a path whose body is a file of images: /dicom-web, and the CD import
 *  (/api/imaging/imports…, a zip). It has the DICOMweb body limit, and its body is not JSON
 *  (the handler checks its Content-Type and reads req->body itself). */
bool request_is_upload_path(const char *path);
/** The body limit of a photo upload path (request_is_photo_path): the handler refuses what is
 *  over its own, smaller limit with its own error. */
#define REQUEST_PHOTO_BODY_LIMIT ((size_t)16 * 1024 * 1024)
/** True for a path whose body is one photo (image/jpeg or image/png): a path under /api/ that
 *  ends in /attachments (e.g. a photo attached to a post of a patient's team timeline). It is an
 *  upload path with the limit REQUEST_PHOTO_BODY_LIMIT. */
bool request_is_photo_path(const char *path);
/** Sets an empty response (e.g. 204). */
void response_empty(struct request *req, int status);
/** Sets a problem+json response for err, in the request's language. */
void response_problem(struct request *req, const struct error *err);
/** Adds a response header; name and value are copied. */
void response_header(struct request *req, const char *name, const char *value);
/** Lets pages of this origin frame the response (X-Frame-Options SAMEORIGIN, frame-ancestors
 *  'self', a script-free document policy). Only for raw documents of a type the browser renders
 *  itself (application/pdf, image/...), e.g. GET /fhir/Binary/{id} answered as raw bytes. */
void response_allow_same_origin_frame(struct request *req);

/** A query parameter (decoded), or NULL. */
const char *request_query(struct request *req, const char *name);
/** Fails with ERR_BAD_QUERY if the query has a parameter not in allowed (NULL-terminated), a
 *  repeated parameter or one that is not valid UTF-8. */
bool request_query_check(struct error *err, struct request *req, const char *const *allowed);
/** Called for each query parameter in order, repeats included (name and value decoded; value
 *  NULL for a name without '='); returning false stops the walk. */
typedef bool (*request_query_fn)(void *ctx, const char *name, const char *value);
/** Walks every query parameter (for interfaces whose parameter names are open, e.g. QIDO-RS's
 *  attribute keys). */
void request_query_each(struct request *req, request_query_fn fn, void *ctx);
/** A request header, or NULL. */
const char *request_header(struct request *req, const char *name);
/** Path parameter i (0-based, in pattern order). */
const char *request_param(struct request *req, int i);

/** Shows that the answer comes through emergency grant grant_id (the X-Tsunagu-Emergency-Access
 *  header, once per response) and returns the audit detail "emergency access <id>", followed by
 *  "; detail" when detail is not NULL and does not already start with it. */
const char *request_emergency(struct request *req, const char *grant_id, const char *detail);
/** Whether every name and value of the query string is UTF-8 without a NUL byte (400
 *  request.bad_query otherwise); the router checks it for every route. */
bool request_query_valid(struct error *err, struct request *req);

/** Requires an organisation context (ERR_NO_ORG otherwise). */
bool request_require_org(struct error *err, struct request *req);
/** Parses limit (1–100, default 50) and cursor (an opaque offset) query parameters. */
bool request_page(struct error *err, struct request *req, int64_t *limit, int64_t *offset);
/** Builds {"items": items, "next_cursor": …} for a page that had more rows when has_more. */
/** Responds 200 with the page body of items read with LIMIT limit + 1 OFFSET offset: the extra
 *  row, when there is one, says that more follow and is dropped. items NULL (the query failed,
 *  err set): false. */
bool request_respond_page(struct request *req, json_t *items, int64_t offset, int64_t limit);
json_t *request_page_body(struct request *req, json_t *items, int64_t offset, int64_t limit,
                          bool has_more);

#endif
