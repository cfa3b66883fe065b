/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_HTTP_RESPONSE_INT_H
#define TSUNAGU_HTTP_RESPONSE_INT_H

#include "request.h"

struct MHD_Response;

/** Security headers sent with every response. */
#define HTTP_CSP                                                                                   \
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "              \
    "connect-src 'self'; font-src 'self'; object-src 'none'; frame-ancestors 'none'; "             \
    "base-uri 'none'; form-action 'self'"

/** Builds the MHD response for req (body, headers, security headers). NULL on out-of-memory. */
struct MHD_Response *response_build(struct request *req);

/** Sets a static (not copied, never freed) body. */
void response_static(struct request *req, int status, const char *content_type, const void *body,
                     size_t len);

#endif
