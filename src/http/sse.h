/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_HTTP_SSE_H
#define TSUNAGU_HTTP_SSE_H

#include <stdbool.h>
#include <stdint.h>

#include "events/events.h"
#include "request.h"

struct MHD_Response;

/** Answers req with a Server-Sent Events stream of the principal's events (topics: a mask of
 *  events_topics; resume with last_id: replay from the ring). The stream holds no thread while
 *  idle: its connection is suspended until an event, a heartbeat or shutdown wakes it. */
bool response_sse(struct error *err, struct request *req, uint32_t topics, bool resume,
                  uint64_t last_id);

/** What a stream's own source (struct sse_source.take) says. */
enum sse_source_result {
    SSE_SOURCE_NONE, /* nothing new */
    SSE_SOURCE_DATA, /* text appended */
    SSE_SOURCE_END,  /* end the stream (e.g. the reader's access ended) */
};

/**
 * A stream's own source of text besides the channel's events: e.g. the latest state of a
 * co-viewing session (coview/), which a slow reader gets coalesced rather than as a backlog. The
 * stream asks it before it parks; the source wakes the stream with events_sub_poke. Every
 * callback runs on the stream's thread except where said, never with the events lock held.
 */
struct sse_source {
    /** Appends what is new for the reader to out (SSE text). */
    enum sse_source_result (*take)(void *self, struct strbuf *out);
    /** At each heartbeat: whether the reader may go on (e.g. the access rule again). */
    bool (*still_allowed)(void *self);
    /** The stream is open with subscription sub: poke it (events_sub_poke, from any thread)
     *  whenever take would have something. */
    void (*open)(void *self, struct events_sub *sub);
    /** The stream ended, or never opened: stop poking and free self. */
    void (*close)(void *self);
};

/** Answers req with a stream of what source src (self: its state, which the stream takes, even
 *  on error) has, and of the heartbeats; no topic of the channel. The same machinery as
 *  response_sse: suspended while idle, its credential resolved again at each heartbeat. */
bool response_sse_source(struct error *err, struct request *req, const struct sse_source *src,
                         void *self);

/** The MHD response of a stream set by response_sse (takes the stream from req). */
struct MHD_Response *sse_response_build(struct request *req);

/** Frees a stream that never became a response (arena cleanup of the request). */
void sse_discard(void *req);

#endif
