/* SPDX-License-Identifier: Apache-2.0 */
/* GET /api/events: the caller's real-time events as Server-Sent Events (see events/events.h
 * and http/sse.h). ?topics=a,b narrows to known topics; Last-Event-ID (header, or
 * ?last_event_id for clients that cannot set it) resumes from the server's ring. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "events/events.h"
#include "http/sse.h"
#include "notify_int.h"

static bool parse_topics(struct error *err, const char *list, uint32_t *mask)
{
    if (!list) {
        *mask = events_all_topics();
        return true;
    }
    *mask = 0;
    for (const char *p = list;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        uint32_t bit = events_topic_bit(p, len);
        if (!bit)
            return error_set(err, ERR_BAD_QUERY, "topics: unknown topic '%.*s'",
                             (int)(len > 40 ? 40 : len), p);
        *mask |= bit;
        if (!comma)
            return true;
        p = comma + 1;
    }
}

static bool parse_last_id(struct error *err, const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (!*s || *s == '-' || *s == '+' || *end || errno)
        return error_set(err, ERR_BAD_QUERY, "last event id must be a number");
    *out = v;
    return true;
}

bool events_stream(struct error *err, struct request *req)
{
    if (!request_query_check(err, req, (const char *const[]){"topics", "last_event_id", NULL}))
        return false;
    uint32_t topics;
    if (!parse_topics(err, request_query(req, "topics"), &topics))
        return false;
    const char *last = request_header(req, "Last-Event-ID");
    if (!last)
        last = request_query(req, "last_event_id");
    uint64_t last_id = 0;
    if (last && !parse_last_id(err, last, &last_id))
        return false;
    return response_sse(err, req, topics, last != NULL, last_id);
}
