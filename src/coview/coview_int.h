/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_COVIEW_COVIEW_INT_H
#define TSUNAGU_COVIEW_COVIEW_INT_H

/*
 * Co-viewing (相談, issue 15): two or more users look at one study together. A session lives in
 * memory only (it is ephemeral: a restart ends every session) and is a case of nothing in the
 * store; each request about it is decided by the access rule on its study (the imaging module's
 * case kind "study", through access_decide_case) and audited on the study's patient. One lock
 * guards every session; a change raises the session's version and pokes the session's streams
 * (events_sub_poke), which send the latest state (coalesced) and the new messages.
 */
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/strbuf.h"
#include "events/events.h"
#include "http/request.h"
#include "modules/module.h"

enum {
    COVIEW_SESSIONS = 256,     /* sessions at once in the process */
    COVIEW_PEOPLE = 32,        /* participants of a session */
    COVIEW_INVITES = 32,       /* invitations of a session */
    COVIEW_MESSAGES = 100,     /* the last messages a session keeps (older ones are dropped) */
    COVIEW_TEXT_MAX = 500,     /* characters of a message */
    COVIEW_VIEW_MAX = 8192,    /* bytes of a view state (the viewer's JSON object) */
    COVIEW_STUDY_UID_MAX = 64, /* PS3.5 §9.1 */
    COVIEW_NAME_MAX = 200,
};
/** A session nobody changed for this long ends (the sweeper, on the program's clock). */
#define COVIEW_IDLE_MS ((int64_t)15 * 60 * 1000)

struct coview_session;
struct coview_stream;

/** A copy of what a request needs of a session, taken under the lock. */
struct coview_ref {
    char id[UUID_STR_LEN];
    char study_uid[COVIEW_STUDY_UID_MAX + 1];
    bool participant, presenter, invited, starter;
};

/* ---- session.c: the table of sessions ---------------------------------------------------- */

/** Starts a session on study_uid of patient_id by principal p (its first participant and
 *  presenter) into out; false with err when the table is full. */
bool coview_session_start(struct error *err, const struct principal *p, const char *org_name,
                          const char *study_uid, const char *patient_id, struct coview_ref *out);
/** Finds session id as p sees it (false when there is no such session, it ended, or p is
 *  neither its starter, a participant nor invited). */
bool coview_session_find(const char *id, const struct principal *p, struct coview_ref *out);
/** The session's state for GET (a new reference; with_private: invitations and messages). */
json_t *coview_session_json(const char *id, bool with_private);
/** Invites org_id (user_id NULL: all of its members) to session id; false with err when full. */
bool coview_session_invite(struct error *err, const char *id, const char *org_id,
                           const char *user_id);
/** Adds p as a participant (nothing when it is one). */
bool coview_session_join(struct error *err, const char *id, const struct principal *p,
                         const char *org_name);
/** Removes p; *ended tells whether it was the last one (the session then ends). */
bool coview_session_leave(struct error *err, const char *id, const struct principal *p,
                          bool *ended);
/** Takes p out of session id if it is a participant (its access to the study ended). */
void coview_session_drop(const char *id, const struct principal *p);
/** Sets the view state (JSON text of an object, copied) by the presenter p. */
bool coview_session_view(struct error *err, const char *id, const struct principal *p,
                         const char *view_text);
/** Sets p's pointer (pane, x, y in 0..1), or hides it (visible false). */
bool coview_session_pointer(struct error *err, const char *id, const struct principal *p,
                            bool visible, int pane, double x, double y);
/** Appends p's message text; *seq gets its number. */
bool coview_session_message(struct error *err, const char *id, const struct principal *p,
                            const char *text, uint64_t *seq);
/** The presenter p hands the presenter role to participant user_id (of org_id). */
bool coview_session_hand_over(struct error *err, const char *id, const struct principal *p,
                              const char *user_id, const char *org_id);

/** An ended session, for the audit of the sweeper. */
struct coview_ended {
    char id[UUID_STR_LEN];
    char patient_id[UUID_STR_LEN];
};
/** Ends the sessions idle since before now_ms - COVIEW_IDLE_MS, at most cap of them, into out;
 *  returns how many. */
int coview_sessions_expire(int64_t now_ms, struct coview_ended *out, int cap);
/** Ends every session (tests of the module; the server's stop). */
void coview_sessions_clear(void);

/* ---- stream.c: GET /api/coview/{sid}/stream ------------------------------------------- */

/** Answers req with the stream of session ref for its principal (a participant). */
bool coview_stream_open(struct error *err, struct request *req, const struct coview_ref *ref);

/* For stream.c, under the session lock (session.c). */
void coview_lock(void);
void coview_unlock(void);
/** The session of id (locked; NULL when there is none or it ended and was dropped), with a
 *  reference taken; coview_session_unref_locked drops it. */
struct coview_session *coview_session_ref_locked(const char *id);
void coview_session_unref_locked(struct coview_session *s);
/** Attaches or detaches a stream of s (locked): the session pokes its streams' subs. */
void coview_session_streams_add_locked(struct coview_session *s, struct coview_stream *st,
                                       struct events_sub *sub);
void coview_session_streams_remove_locked(struct coview_session *s, struct coview_stream *st);
/** What stream reader p has not had yet (locked): the state if its version is above *version
 *  (then *version moves), the messages after *seq (then *seq moves), or "ended" when the session
 *  ended (*ended). Appends SSE text to out; true if it appended anything. */
bool coview_session_take_locked(struct coview_session *s, const struct principal *p,
                                uint64_t *version, uint64_t *seq, bool *ended, bool *member,
                                struct strbuf *out);
/** The study and patient of s (locked), copied. */
void coview_session_case_locked(const struct coview_session *s, char *study_uid, char *patient_id);
/** Removes p from s (locked), as when it leaves: its access ended. */
void coview_session_drop_locked(struct coview_session *s, const struct principal *p);

/* ---- routes.c ----------------------------------------------------------------------------- */

/** The imaging module's case kind of a study ("study"): the access rule of the viewer. */
const struct access_case_kind *coview_study_kind(void);
extern const struct route_locator coview_study_locator, coview_session_locator;
#define PAT_COVIEW_STUDY (&coview_study_locator)
#define PAT_COVIEW (&coview_session_locator)

bool coview_sweep(struct error *err, struct op *op);

#define ROUTE ROUTE_DECLARE
#include "routes.def"
#undef ROUTE

#endif
