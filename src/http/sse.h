/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_HTTP_SSE_H
#define TSUNAGU_HTTP_SSE_H

#include <stdbool.h>
#include <stdint.h>

#include "request.h"

struct MHD_Response;

/** Answers req with a Server-Sent Events stream of the principal's events (topics: a mask of
 *  events_topics; resume with last_id: replay from the ring). The stream holds no thread while
 *  idle: its connection is suspended until an event, a heartbeat or shutdown wakes it. */
bool response_sse(struct error *err, struct request *req, uint32_t topics, bool resume,
                  uint64_t last_id);

/** The MHD response of a stream set by response_sse (takes the stream from req). */
struct MHD_Response *sse_response_build(struct request *req);

/** Frees a stream that never became a response (arena cleanup of the request). */
void sse_discard(void *req);

#endif
