/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_EVENTS_EVENTS_H
#define TSUNAGU_EVENTS_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/strbuf.h"

/**
 * In-process publish/subscribe for the real-time channel (GET /api/events, Server-Sent Events).
 * Every event gets a monotonic id (per process, from 1) and goes into a ring of the last
 * EVENTS_RING events, from which a reconnecting subscriber resumes (Last-Event-ID). Events may
 * have an audience: an organisation id (only subscribers acting in that organisation get them),
 * an organisation and one of its members (only that user's subscribers acting there), or none
 * (every logged-in subscriber). Thread-safe; subscribers are woken through a callback
 * called with the events lock held, so it must be short and must not call back into events.
 */

enum { EVENTS_RING = 1024, EVENTS_TOPIC_MAX = 32 };

/** The known topics (a subscriber's ?topics= filter is checked against them). */
extern const char *const events_topics[];
extern const int events_topic_count;

/** Bit of a topic in a topic mask, or 0 for an unknown topic. */
uint32_t events_topic_bit(const char *topic, size_t len);
/** Mask of every known topic. */
uint32_t events_all_topics(void);

/** Publishes an event: topic (a known one), audience org id or NULL for everyone, data a JSON
 *  text (copied). Returns its id, or 0 for an unknown topic or out of memory. */
uint64_t events_publish(const char *topic, const char *org_id, const char *json_data);
/** events_publish to one member (user_id) of organisation org_id only; user_id NULL: to all of
 *  org_id (a user without an organisation is no audience: org_id NULL ignores user_id). */
uint64_t events_publish_user(const char *topic, const char *org_id, const char *user_id,
                             const char *json_data);

/** The wake-up of a parked subscriber (called with the events lock held). */
typedef void (*events_wake_fn)(void *arg);

struct events_sub;

/** Subscribes user user_id, a member of organisation org_id, to topics (a mask). With resume,
 * events after last_id are replayed from the ring (or a "reset" event says some were lost);
 * without, only new events come. NULL on out of memory. */
struct events_sub *events_subscribe(const char *org_id, const char *user_id, uint32_t topics,
                                    bool resume, uint64_t last_id, events_wake_fn wake, void *arg);
void events_unsubscribe(struct events_sub *s);

enum events_take_result {
    EVENTS_DATA,   /* out has event text (SSE framing) */
    EVENTS_TICK,   /* nothing new, but a heartbeat is due (see events_tick) */
    EVENTS_PARKED, /* nothing to send: park() was called; wake() comes later */
    EVENTS_POKED,  /* nothing of the channel's, but the stream's own source was poked */
    EVENTS_CLOSED, /* the channel shuts down: end the stream */
};

/** Appends the subscriber's pending events to out as SSE text ("id:", "event:", "data:"), at
 *  most about max_bytes. When there is nothing to send, calls park(arg) with the lock held
 *  (the caller suspends its connection there) and the next publish or tick calls wake. */
enum events_take_result events_take(struct events_sub *s, struct strbuf *out, size_t max_bytes,
                                    void (*park)(void *arg), void *arg);

/** Tells subscriber s that its stream's own source (http/sse.h, struct sse_source) has
 *  something: its next events_take says EVENTS_POKED instead of parking, and a parked s is
 *  woken. Safe from any thread; s must be subscribed. */
void events_sub_poke(struct events_sub *s);
/** Wakes subscribers idle for heartbeat_ms or more (their next take says EVENTS_TICK). */
void events_tick(int64_t now_mono_ms, int64_t heartbeat_ms);
/** Ends every stream (server shutdown): parked subscribers are woken and get EVENTS_CLOSED.
 *  events_reopen() undoes it (tests, and a server started again in the same process). */
void events_shutdown(void);
void events_reopen(void);
/** Number of subscribers (for logs and tests). */
int events_subscriber_count(void);

#endif
