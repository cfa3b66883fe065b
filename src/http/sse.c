/* SPDX-License-Identifier: Apache-2.0 */
/* Server-Sent Events over libmicrohttpd: a callback response whose reader takes the
 * subscriber's pending events; with nothing to send it suspends the connection (inside the
 * reader, as the MHD manual prescribes) and the events channel resumes it on a publish, a
 * heartbeat tick or shutdown. At each heartbeat the session (or API token) is resolved again:
 * a stream ends with its session, or when the user switched organisation. */
#include "sse.h"

#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>

#include "events/events.h"
#include "response_int.h"

/* SSE_BLOCK: MHD's own buffer of the response, used only without chunked encoding (an HTTP/1.0
 * client, e.g. a proxy): a chunked stream is written straight into the connection's buffer. It
 * is allocated (and zeroed) for every stream, so it is kept small. SSE_KEEP: the most text
 * buffer a parked stream keeps (a burst of events may have grown it to SSE_BATCH). */
enum { SSE_BATCH = 16 * 1024, SSE_BLOCK = 1024, SSE_KEEP = 1024, CREDENTIAL_MAX = 256 };

struct sse_stream {
    struct MHD_Connection *mhd;
    const struct server_ctx *ctx;
    struct events_sub *sub;
    struct strbuf out; /* text not yet handed to MHD, from offset off */
    size_t off;
    bool via_token;
    char credential[CREDENTIAL_MAX]; /* session cookie or API token: resolved again at ticks */
    char user_id[UUID_STR_LEN];
    char org_id[UUID_STR_LEN];
    uint32_t topics;
    bool resume;
    uint64_t last_id;
    const struct sse_source *src; /* the stream's own source, or NULL */
    void *src_self;
};

static void park(void *arg)
{
    struct sse_stream *st = arg;
    MHD_suspend_connection(st->mhd);
}

static void wake(void *arg)
{
    struct sse_stream *st = arg;
    MHD_resume_connection(st->mhd);
}

/* Whether the stream's session or token still stands for the same user and organisation. */
static bool still_valid(struct sse_stream *st)
{
    struct error err = {0};
    struct store_conn *conn = store_conn_get(&err, st->ctx->env.store);
    if (!conn || !store_begin(&err, conn, false))
        return false;
    struct principal p = {0};
    /* Inside a read transaction: resolving does not refresh the idle time-out (an open stream
     * is not user activity), and the deferred writes are dropped on purpose. */
    bool ok = st->via_token
                  ? auth_token_resolve(&err, conn, st->credential, &p)
                  : auth_session_resolve(&err, conn, st->credential, &st->ctx->timeouts, &p);
    store_rollback(conn);
    return ok && strcmp(p.state, SESSION_ACTIVE) == 0 && strcmp(p.user_id, st->user_id) == 0 &&
           strcmp(p.org_id, st->org_id) == 0;
}

/* The source's text, then the channel's: a poke between the two makes events_take answer
 * EVENTS_POKED rather than park, so no change of the source is missed. */
static enum events_take_result take(struct sse_stream *st)
{
    for (;;) {
        if (st->src) {
            enum sse_source_result r = st->src->take(st->src_self, &st->out);
            if (r == SSE_SOURCE_END)
                return EVENTS_CLOSED;
            if (r == SSE_SOURCE_DATA)
                return EVENTS_DATA;
        }
        enum events_take_result r = events_take(st->sub, &st->out, SSE_BATCH, park, st);
        if (r != EVENTS_POKED)
            return r;
    }
}

static ssize_t sse_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)pos;
    struct sse_stream *st = cls;
    if (st->off >= st->out.len) {
        st->out.len = st->off = 0;
        switch (take(st)) {
        case EVENTS_CLOSED:
            return MHD_CONTENT_READER_END_OF_STREAM;
        case EVENTS_PARKED:
            if (st->out.cap > SSE_KEEP)
                strbuf_release(&st->out);
            return 0;
        case EVENTS_TICK:
            if (!still_valid(st) || (st->src && !st->src->still_allowed(st->src_self)))
                return MHD_CONTENT_READER_END_OF_STREAM;
            strbuf_puts(&st->out, ": heartbeat\n\n");
            break;
        case EVENTS_DATA:
        case EVENTS_POKED:
            break;
        }
    }
    size_t n = st->out.len - st->off;
    if (n > max)
        n = max;
    memcpy(buf, st->out.buf + st->off, n);
    st->off += n;
    return (ssize_t)n;
}

static void stream_free(void *cls)
{
    struct sse_stream *st = cls;
    if (st->src)
        st->src->close(st->src_self); /* no poke after it */
    events_unsubscribe(st->sub);
    strbuf_release(&st->out);
    free(st);
}

static struct sse_stream *stream_new(struct error *err, struct request *req)
{
    const char *authz = request_header(req, MHD_HTTP_HEADER_AUTHORIZATION);
    const char *cookie = MHD_lookup_connection_value(req->mhd, MHD_COOKIE_KIND, "tsunagu_session");
    const char *cred = req->op.principal.via_token ? (authz ? authz + 7 : NULL) : cookie;
    if (!cred || strlen(cred) >= CREDENTIAL_MAX) {
        error_set(err, ERR_UNAUTHENTICATED, "no credential to keep the stream open");
        return NULL;
    }
    struct sse_stream *st = calloc(1, sizeof(*st));
    if (!st) {
        error_set(err, ERR_NOMEM, "event stream");
        return NULL;
    }
    st->mhd = req->mhd;
    st->ctx = req->ctx;
    st->via_token = req->op.principal.via_token;
    snprintf(st->credential, sizeof(st->credential), "%s", cred);
    snprintf(st->user_id, sizeof(st->user_id), "%s", req->op.principal.user_id);
    snprintf(st->org_id, sizeof(st->org_id), "%s", req->op.principal.org_id);
    return st;
}

/* Makes st req's answer (req takes it). */
static void stream_set(struct request *req, struct sse_stream *st)
{
    /* The client retries after 3 s; the comment makes proxies and browsers see the stream. */
    strbuf_puts(&st->out, "retry: 3000\n: connected\n\n");
    sse_discard(req);
    req->stream = st;
    arena_cleanup_add(req->op.arena, sse_discard, req);
    req->status = 200;
    req->content_type = "text/event-stream; charset=utf-8";
    response_header(req, "Cache-Control", "no-store");
    response_header(req, "X-Accel-Buffering", "no");
}

bool response_sse(struct error *err, struct request *req, uint32_t topics, bool resume,
                  uint64_t last_id)
{
    struct sse_stream *st = stream_new(err, req);
    if (!st)
        return false;
    st->topics = topics;
    st->resume = resume;
    st->last_id = last_id;
    stream_set(req, st);
    return true;
}

bool response_sse_source(struct error *err, struct request *req, const struct sse_source *src,
                         void *self)
{
    struct sse_stream *st = stream_new(err, req);
    if (!st) {
        src->close(self);
        return false;
    }
    st->src = src;
    st->src_self = self;
    stream_set(req, st);
    return true;
}

void sse_discard(void *arg)
{
    struct request *req = arg;
    if (!req->stream)
        return;
    stream_free(req->stream);
    req->stream = NULL;
}

struct MHD_Response *sse_response_build(struct request *req)
{
    struct sse_stream *st = req->stream;
    /* Subscribed only now: a stream that never becomes a response holds no subscription. */
    st->sub =
        events_subscribe(st->org_id, st->user_id, st->topics, st->resume, st->last_id, wake, st);
    if (!st->sub)
        return NULL;
    if (st->src)
        st->src->open(st->src_self, st->sub);
    struct MHD_Response *r =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, SSE_BLOCK, sse_read, st, stream_free);
    if (r) {
        req->stream = NULL; /* MHD frees it with the response */
        req->event_stream = true;
    }
    return r;
}
