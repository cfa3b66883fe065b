/* SPDX-License-Identifier: Apache-2.0 */
/* GET /api/coview/{sid}/stream: a participant's stream of the session, on the server's event
 * stream machinery (http/sse.h, a struct sse_source). The router decided and audited the
 * request once; after that, before each change it sends (and at each heartbeat) the stream asks
 * the access rule again, so that it ends when the reader's access ends (a consent withdrawn, the
 * organisation taken off the team) at the latest with the next change. A reader that fell
 * behind gets the newest state only, and the messages it has not had (the last
 * COVIEW_MESSAGES). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "coview_int.h"
#include "http/sse.h"

struct coview_stream {
    struct coview_session *session; /* a reference */
    struct principal principal;
    struct store *store;
    char study_uid[COVIEW_STUDY_UID_MAX + 1];
    char patient_id[UUID_STR_LEN];
    uint64_t version, seq; /* what the reader has had */
    bool ended_sent;
};

/* Whether the reader may still read the session's study: the access rule, in a read
 * transaction (the decision's cache holds while nothing it reads changed). */
static bool allowed(struct coview_stream *st)
{
    struct error err = {0};
    struct store_conn *conn = store_conn_get(&err, st->store);
    if (!conn || !store_begin(&err, conn, false))
        return false;
    struct access_decision d;
    char patient[UUID_STR_LEN];
    bool ok = access_decide_case(&err, conn, &st->principal, coview_study_kind(), st->study_uid,
                                 ACCESS_READ, &d, patient);
    store_rollback(conn);
    return ok && d.allow && strcmp(patient, st->patient_id) == 0;
}

/* The reader lost its access: out of the session (the others see it go), stream ended. */
static enum sse_source_result access_ended(struct coview_stream *st)
{
    coview_lock();
    coview_session_drop_locked(st->session, &st->principal);
    coview_unlock();
    log_msg(LOG_INFO, "coview.access_ended", "session %s: user %s lost access to the study",
            st->study_uid, st->principal.user_id);
    return SSE_SOURCE_END;
}

static enum sse_source_result take(void *self, struct strbuf *out)
{
    struct coview_stream *st = self;
    if (st->ended_sent)
        return SSE_SOURCE_END;
    struct strbuf text = {0};
    uint64_t version = st->version, seq = st->seq;
    bool ended, member;
    coview_lock();
    bool any = coview_session_take_locked(st->session, &st->principal, &version, &seq, &ended,
                                          &member, &text);
    coview_unlock();
    if (!ended && !member) { /* left (or dropped): nothing more for this reader */
        strbuf_release(&text);
        return SSE_SOURCE_END;
    }
    if (!any) {
        strbuf_release(&text);
        return SSE_SOURCE_NONE;
    }
    if (!ended && !allowed(st)) {
        strbuf_release(&text);
        return access_ended(st);
    }
    strbuf_append(out, text.buf, text.len);
    strbuf_release(&text);
    st->version = version;
    st->seq = seq;
    st->ended_sent = ended;
    return SSE_SOURCE_DATA;
}

static bool still_allowed(void *self)
{
    struct coview_stream *st = self;
    if (allowed(st))
        return true;
    access_ended(st);
    return false;
}

static void open_stream(void *self, struct events_sub *sub)
{
    struct coview_stream *st = self;
    coview_lock();
    coview_session_streams_add_locked(st->session, st, sub);
    coview_unlock();
}

static void close_stream(void *self)
{
    struct coview_stream *st = self;
    coview_lock();
    coview_session_streams_remove_locked(st->session, st);
    coview_session_unref_locked(st->session);
    coview_unlock();
    free(st);
}

static const struct sse_source coview_source = {take, still_allowed, open_stream, close_stream};

bool coview_stream_open(struct error *err, struct request *req, const struct coview_ref *ref)
{
    if (!ref->participant)
        return error_set(err, ERR_COVIEW_NOT_PARTICIPANT, "join first");
    struct coview_stream *st = calloc(1, sizeof *st);
    if (!st)
        return error_set(err, ERR_NOMEM, "co-viewing stream");
    coview_lock();
    st->session = coview_session_ref_locked(ref->id);
    if (st->session)
        coview_session_case_locked(st->session, st->study_uid, st->patient_id);
    coview_unlock();
    if (!st->session) {
        free(st);
        return error_set(err, ERR_COVIEW_NOT_FOUND, "ended");
    }
    st->principal = req->op.principal;
    st->store = req->ctx->env.store;
    return response_sse_source(err, req, &coview_source, st);
}
