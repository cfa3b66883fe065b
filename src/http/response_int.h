/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_HTTP_RESPONSE_INT_H
#define TSUNAGU_HTTP_RESPONSE_INT_H

#include "request.h"

struct MHD_Response;

/** Security headers sent with every response. The UI frames only its own documents
 *  (frame-src 'self': the PDF view of the 記録 tab on /fhir/Binary/{id}). The image viewer
 *  (Cornerstone3D) decodes compressed frames in web workers loaded from our own files
 *  (worker-src 'self', no blob:) with WebAssembly codecs, which need 'wasm-unsafe-eval': it lets
 *  WebAssembly.compile/instantiate run, and nothing else (eval and new Function stay blocked). */
#define HTTP_CSP                                                                                   \
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; "                \
    "style-src 'self'; img-src 'self' data:; "                                                     \
    "connect-src 'self'; font-src 'self'; frame-src 'self'; object-src 'none'; "                   \
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

/** The policy of a raw document our own pages may frame (see response_allow_same_origin_frame):
 *  no scripts, framed by this origin only; object-src 'self' and inline styles because Chromium
 *  shows a PDF through a synthetic page with an <embed> of the document itself. */
#define HTTP_CSP_FRAMED_DOCUMENT                                                                   \
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; object-src 'self'; "     \
    "frame-ancestors 'self'; base-uri 'none'; form-action 'none'"

/** Builds the MHD response for req (body, headers, security headers). NULL on out-of-memory. */
struct MHD_Response *response_build(struct request *req);

/** Sets a malloc'd body, which the request takes (and frees). */
void response_take(struct request *req, int status, const char *content_type, char *body,
                   size_t len);

#endif
