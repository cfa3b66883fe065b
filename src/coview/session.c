/* SPDX-License-Identifier: Apache-2.0 */
/* The sessions of co-viewing, in memory: one lock, a list of at most COVIEW_SESSIONS sessions,
 * each with its participants (with their pointers), invitations, presenter, the viewer's view
 * state (opaque JSON text), the last COVIEW_MESSAGES messages and a version raised by every
 * change. A change pokes the session's streams; a stream takes the latest state when it runs,
 * so a slow reader skips the states it missed rather than queueing them. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/ids.h"
#include "coview_int.h"

struct person {
    char user_id[UUID_STR_LEN];
    char org_id[UUID_STR_LEN];
    char name[COVIEW_NAME_MAX];
    char org_name[COVIEW_NAME_MAX];
    bool pointer;
    int pane;
    double x, y;
};

struct invite {
    char org_id[UUID_STR_LEN];
    char user_id[UUID_STR_LEN]; /* "" for every member of org_id */
};

struct message {
    uint64_t seq; /* from 1; 0: empty slot */
    char user_id[UUID_STR_LEN];
    char name[COVIEW_NAME_MAX];
    char *text;
    int64_t at_ms;
};

struct stream_link {
    struct stream_link *next;
    struct coview_stream *stream;
    struct events_sub *sub;
};

struct coview_session {
    struct coview_session *next; /* in the table while not ended */
    int refs;                    /* the table's, and each stream's */
    char id[UUID_STR_LEN];
    char study_uid[COVIEW_STUDY_UID_MAX + 1];
    char patient_id[UUID_STR_LEN];
    char starter_user[UUID_STR_LEN], starter_org[UUID_STR_LEN];
    int presenter; /* index in people, -1 when nobody is left */
    struct person people[COVIEW_PEOPLE];
    int n_people;
    struct invite invites[COVIEW_INVITES];
    int n_invites;
    struct message messages[COVIEW_MESSAGES]; /* ring: seq % COVIEW_MESSAGES */
    uint64_t next_seq;
    char *view; /* JSON text of an object, or NULL */
    uint64_t version;
    int64_t created_ms, active_ms;
    bool ended;
    const char *end_reason; /* static */
    char *state;            /* the state event of state_version, rendered once for every stream */
    uint64_t state_version;
    struct stream_link *streams;
};

static struct {
    pthread_mutex_t lock;
    struct coview_session *list;
    int count;
} cv = {.lock = PTHREAD_MUTEX_INITIALIZER};

void coview_lock(void)
{
    pthread_mutex_lock(&cv.lock);
}

void coview_unlock(void)
{
    pthread_mutex_unlock(&cv.lock);
}

static bool same(const char *a, const char *b)
{
    return strcmp(a, b) == 0;
}

static int person_of(const struct coview_session *s, const char *user_id, const char *org_id)
{
    for (int i = 0; i < s->n_people; i++)
        if (same(s->people[i].user_id, user_id) && same(s->people[i].org_id, org_id))
            return i;
    return -1;
}

static bool invited(const struct coview_session *s, const struct principal *p)
{
    for (int i = 0; i < s->n_invites; i++)
        if (same(s->invites[i].org_id, p->org_id) &&
            (!s->invites[i].user_id[0] || same(s->invites[i].user_id, p->user_id)))
            return true;
    return false;
}

static struct coview_session *find_locked(const char *id)
{
    for (struct coview_session *s = cv.list; s; s = s->next)
        if (same(s->id, id))
            return s;
    return NULL;
}

static void session_free(struct coview_session *s)
{
    for (int i = 0; i < COVIEW_MESSAGES; i++)
        free(s->messages[i].text);
    free(s->view);
    free(s->state);
    free(s);
}

void coview_session_unref_locked(struct coview_session *s)
{
    if (--s->refs == 0)
        session_free(s);
}

struct coview_session *coview_session_ref_locked(const char *id)
{
    struct coview_session *s = find_locked(id);
    if (s)
        s->refs++;
    return s;
}

/* A change: a new version, the streams poked (locked). */
static void changed(struct coview_session *s)
{
    s->version++;
    s->active_ms = clock_now_ms();
    for (struct stream_link *l = s->streams; l; l = l->next)
        events_sub_poke(l->sub);
}

/* Ends s (locked): out of the table; its streams send "ended" and close. */
static void end_locked(struct coview_session *s, const char *reason)
{
    struct coview_session **pp = &cv.list;
    while (*pp && *pp != s)
        pp = &(*pp)->next;
    if (*pp) {
        *pp = s->next;
        cv.count--;
    }
    s->ended = true;
    s->end_reason = reason;
    changed(s);
    coview_session_unref_locked(s); /* the table's reference */
}

static void ref_of(const struct coview_session *s, const struct principal *p,
                   struct coview_ref *out)
{
    snprintf(out->id, sizeof out->id, "%s", s->id);
    snprintf(out->study_uid, sizeof out->study_uid, "%s", s->study_uid);
    int i = person_of(s, p->user_id, p->org_id);
    out->participant = i >= 0;
    out->presenter = i >= 0 && i == s->presenter;
    out->starter = same(s->starter_user, p->user_id) && same(s->starter_org, p->org_id);
    out->invited = invited(s, p);
}

static void person_set(struct person *who, const struct principal *p, const char *org_name)
{
    memset(who, 0, sizeof *who);
    snprintf(who->user_id, sizeof who->user_id, "%s", p->user_id);
    snprintf(who->org_id, sizeof who->org_id, "%s", p->org_id);
    snprintf(who->name, sizeof who->name, "%s", p->name);
    snprintf(who->org_name, sizeof who->org_name, "%s", org_name ? org_name : "");
}

bool coview_session_start(struct error *err, const struct principal *p, const char *org_name,
                          const char *study_uid, const char *patient_id, struct coview_ref *out)
{
    struct coview_session *s = calloc(1, sizeof *s);
    if (!s)
        return error_set(err, ERR_NOMEM, "co-viewing session");
    ids_uuid_new(s->id);
    snprintf(s->study_uid, sizeof s->study_uid, "%s", study_uid);
    snprintf(s->patient_id, sizeof s->patient_id, "%s", patient_id);
    snprintf(s->starter_user, sizeof s->starter_user, "%s", p->user_id);
    snprintf(s->starter_org, sizeof s->starter_org, "%s", p->org_id);
    person_set(&s->people[0], p, org_name);
    s->n_people = 1;
    s->presenter = 0;
    s->version = 1;
    s->next_seq = 1;
    s->refs = 1;
    s->created_ms = s->active_ms = clock_now_ms();
    coview_lock();
    if (cv.count >= COVIEW_SESSIONS) {
        coview_unlock();
        free(s);
        return error_set(err, ERR_COVIEW_BUSY, "%d sessions", COVIEW_SESSIONS);
    }
    s->next = cv.list;
    cv.list = s;
    cv.count++;
    ref_of(s, p, out);
    coview_unlock();
    return true;
}

bool coview_session_find(const char *id, const struct principal *p, struct coview_ref *out)
{
    coview_lock();
    struct coview_session *s = find_locked(id);
    if (s)
        ref_of(s, p, out);
    coview_unlock();
    return s && (out->participant || out->starter || out->invited);
}

/* Runs fn on session id under the lock; ERR_COVIEW_NOT_FOUND when it ended meanwhile. */
#define WITH_SESSION(err, id, s)                                                                   \
    coview_lock();                                                                                 \
    struct coview_session *s = find_locked(id);                                                    \
    if (!s) {                                                                                      \
        coview_unlock();                                                                           \
        return error_set(err, ERR_COVIEW_NOT_FOUND, "ended");                                      \
    }

bool coview_session_invite(struct error *err, const char *id, const char *org_id,
                           const char *user_id)
{
    WITH_SESSION(err, id, s);
    for (int i = 0; i < s->n_invites; i++)
        if (same(s->invites[i].org_id, org_id) &&
            same(s->invites[i].user_id, user_id ? user_id : ""))
            goto done;
    if (s->n_invites >= COVIEW_INVITES) {
        coview_unlock();
        return error_set(err, ERR_COVIEW_FULL, "%d invitations", COVIEW_INVITES);
    }
    struct invite *in = &s->invites[s->n_invites++];
    snprintf(in->org_id, sizeof in->org_id, "%s", org_id);
    snprintf(in->user_id, sizeof in->user_id, "%s", user_id ? user_id : "");
    changed(s);
done:
    coview_unlock();
    return true;
}

bool coview_session_join(struct error *err, const char *id, const struct principal *p,
                         const char *org_name)
{
    WITH_SESSION(err, id, s);
    if (person_of(s, p->user_id, p->org_id) < 0) {
        if (s->n_people >= COVIEW_PEOPLE) {
            coview_unlock();
            return error_set(err, ERR_COVIEW_FULL, "%d participants", COVIEW_PEOPLE);
        }
        person_set(&s->people[s->n_people++], p, org_name);
        changed(s);
    }
    coview_unlock();
    return true;
}

/* Removes person i (locked); the presenter role passes to the one who joined first of those
 * left; the last one out ends the session. Returns whether it ended. */
static bool remove_locked(struct coview_session *s, int i)
{
    memmove(&s->people[i], &s->people[i + 1], (size_t)(s->n_people - i - 1) * sizeof s->people[0]);
    s->n_people--;
    if (s->presenter == i)
        s->presenter = 0;
    else if (s->presenter > i)
        s->presenter--;
    if (s->n_people == 0) {
        s->presenter = -1;
        end_locked(s, "left");
        return true;
    }
    changed(s);
    return false;
}

bool coview_session_leave(struct error *err, const char *id, const struct principal *p, bool *ended)
{
    WITH_SESSION(err, id, s);
    int i = person_of(s, p->user_id, p->org_id);
    *ended = i >= 0 && remove_locked(s, i);
    coview_unlock();
    return i >= 0 ? true : error_set(err, ERR_COVIEW_NOT_PARTICIPANT, NULL);
}

void coview_session_drop_locked(struct coview_session *s, const struct principal *p)
{
    int i = s->ended ? -1 : person_of(s, p->user_id, p->org_id);
    if (i >= 0)
        remove_locked(s, i);
}

void coview_session_drop(const char *id, const struct principal *p)
{
    coview_lock();
    struct coview_session *s = find_locked(id);
    if (s)
        coview_session_drop_locked(s, p);
    coview_unlock();
}

/* The participant p is (locked), or -1 with err. */
static int participant(struct error *err, const struct coview_session *s, const struct principal *p)
{
    int i = person_of(s, p->user_id, p->org_id);
    if (i < 0)
        error_set(err, ERR_COVIEW_NOT_PARTICIPANT, NULL);
    return i;
}

bool coview_session_view(struct error *err, const char *id, const struct principal *p,
                         const char *view_text)
{
    WITH_SESSION(err, id, s);
    int i = participant(err, s, p);
    bool ok = i >= 0 && (i == s->presenter || error_set(err, ERR_COVIEW_NOT_PRESENTER, NULL));
    char *copy = ok ? strdup(view_text) : NULL;
    if (ok && !copy)
        ok = error_set(err, ERR_NOMEM, "view");
    if (ok) {
        free(s->view);
        s->view = copy;
        changed(s);
    }
    coview_unlock();
    return ok;
}

bool coview_session_pointer(struct error *err, const char *id, const struct principal *p,
                            bool visible, int pane, double x, double y)
{
    WITH_SESSION(err, id, s);
    int i = participant(err, s, p);
    if (i >= 0) {
        s->people[i].pointer = visible;
        s->people[i].pane = pane;
        s->people[i].x = x;
        s->people[i].y = y;
        changed(s);
    }
    coview_unlock();
    return i >= 0;
}

bool coview_session_message(struct error *err, const char *id, const struct principal *p,
                            const char *text, uint64_t *seq)
{
    char *copy = strdup(text);
    if (!copy)
        return error_set(err, ERR_NOMEM, "message");
    coview_lock();
    struct coview_session *s = find_locked(id);
    int i = s ? participant(err, s, p) : -1;
    if (!s)
        error_set(err, ERR_COVIEW_NOT_FOUND, "ended");
    if (i < 0) {
        coview_unlock();
        free(copy);
        return false;
    }
    struct message *m = &s->messages[s->next_seq % COVIEW_MESSAGES];
    free(m->text);
    m->seq = *seq = s->next_seq++;
    snprintf(m->user_id, sizeof m->user_id, "%s", p->user_id);
    snprintf(m->name, sizeof m->name, "%s", p->name);
    m->text = copy;
    m->at_ms = clock_now_ms();
    changed(s);
    coview_unlock();
    return true;
}

bool coview_session_hand_over(struct error *err, const char *id, const struct principal *p,
                              const char *user_id, const char *org_id)
{
    WITH_SESSION(err, id, s);
    int i = participant(err, s, p);
    int to = person_of(s, user_id, org_id);
    bool ok = i >= 0 && (i == s->presenter || error_set(err, ERR_COVIEW_NOT_PRESENTER, NULL)) &&
              (to >= 0 || error_set(err, ERR_COVIEW_PRESENTER_TARGET, "user_id"));
    if (ok && to != s->presenter) {
        s->presenter = to;
        changed(s);
    }
    coview_unlock();
    return ok;
}

int coview_sessions_expire(int64_t now_ms, struct coview_ended *out, int cap)
{
    int n = 0;
    coview_lock();
    for (struct coview_session *s = cv.list, *next; s && n < cap; s = next) {
        next = s->next;
        if (now_ms - s->active_ms < COVIEW_IDLE_MS)
            continue;
        snprintf(out[n].id, sizeof out[n].id, "%s", s->id);
        snprintf(out[n].patient_id, sizeof out[n].patient_id, "%s", s->patient_id);
        n++;
        end_locked(s, "idle");
    }
    coview_unlock();
    return n;
}

void coview_sessions_clear(void)
{
    coview_lock();
    while (cv.list)
        end_locked(cv.list, "stopped");
    coview_unlock();
}

void coview_session_streams_add_locked(struct coview_session *s, struct coview_stream *st,
                                       struct events_sub *sub)
{
    struct stream_link *l = calloc(1, sizeof *l);
    if (!l)
        return; /* the stream then only hears heartbeats: it still ends with its access */
    l->stream = st;
    l->sub = sub;
    l->next = s->streams;
    s->streams = l;
}

void coview_session_streams_remove_locked(struct coview_session *s, struct coview_stream *st)
{
    for (struct stream_link **pp = &s->streams; *pp; pp = &(*pp)->next) {
        if ((*pp)->stream == st) {
            struct stream_link *l = *pp;
            *pp = l->next;
            free(l);
            return;
        }
    }
}

void coview_session_case_locked(const struct coview_session *s, char *study_uid, char *patient_id)
{
    snprintf(study_uid, COVIEW_STUDY_UID_MAX + 1, "%s", s->study_uid);
    snprintf(patient_id, UUID_STR_LEN, "%s", s->patient_id);
}

/* ---- what the session shows ---------------------------------------------------------------- */

static json_t *person_json(const struct coview_session *s, int i)
{
    const struct person *who = &s->people[i];
    json_t *pointer =
        who->pointer ? json_pack("{s:i, s:f, s:f}", "pane", who->pane, "x", who->x, "y", who->y)
                     : json_null();
    return json_pack("{s:s, s:s, s:s, s:s, s:b, s:o*}", "user_id", who->user_id, "org_id",
                     who->org_id, "name", who->name, "org_name", who->org_name, "presenter",
                     i == s->presenter, "pointer", pointer);
}

static json_t *message_json(const struct message *m)
{
    char at[32];
    clock_format_iso(m->at_ms, at);
    return json_pack("{s:I, s:s, s:s, s:s, s:s}", "seq", (json_int_t)m->seq, "user_id", m->user_id,
                     "name", m->name, "text", m->text, "at", at);
}

/* The state as JSON text (malloc'd): everything but the messages and invitations; the view is
 * spliced in as the viewer sent it. */
static char *state_text(const struct coview_session *s)
{
    json_t *people = json_array();
    for (int i = 0; i < s->n_people; i++)
        json_array_append_new(people, person_json(s, i));
    const char *presenter = s->presenter >= 0 ? s->people[s->presenter].user_id : NULL;
    json_t *o = json_pack("{s:s, s:s, s:I, s:s*, s:o, s:b, s:s*}", "id", s->id, "study_uid",
                          s->study_uid, "version", (json_int_t)s->version, "presenter", presenter,
                          "participants", people, "ended", s->ended, "end_reason", s->end_reason);
    char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
    json_decref(o);
    if (!text)
        return NULL;
    struct strbuf sb = {0};
    strbuf_append(&sb, text, strlen(text) - 1); /* without its closing brace */
    free(text);
    strbuf_puts(&sb, ",\"view\":");
    strbuf_puts(&sb, s->view ? s->view : "null");
    strbuf_puts(&sb, "}");
    return strbuf_steal(&sb);
}

json_t *coview_session_json(const char *id, bool with_private)
{
    coview_lock();
    struct coview_session *s = find_locked(id);
    char *text = s ? state_text(s) : NULL;
    json_t *o = text ? json_loads(text, 0, NULL) : NULL;
    free(text);
    if (o && with_private) {
        json_t *invites = json_array(), *messages = json_array();
        for (int i = 0; i < s->n_invites; i++)
            json_array_append_new(
                invites, json_pack("{s:s, s:s?}", "org_id", s->invites[i].org_id, "user_id",
                                   s->invites[i].user_id[0] ? s->invites[i].user_id : NULL));
        uint64_t first = s->next_seq > COVIEW_MESSAGES ? s->next_seq - COVIEW_MESSAGES : 1;
        for (uint64_t q = first; q < s->next_seq; q++)
            json_array_append_new(messages, message_json(&s->messages[q % COVIEW_MESSAGES]));
        json_object_set_new(o, "invited", invites);
        json_object_set_new(o, "messages", messages);
        json_object_set_new(o, "starter_user_id", json_string(s->starter_user));
        json_object_set_new(o, "patient_id", json_string(s->patient_id));
    }
    coview_unlock();
    return o;
}

/* One SSE event. JSON text has no newline, so one data line. */
static void sse_event(struct strbuf *out, const char *name, uint64_t id, const char *data)
{
    strbuf_printf(out, "id: %llu\nevent: %s\ndata: %s\n\n", (unsigned long long)id, name, data);
}

bool coview_session_take_locked(struct coview_session *s, const struct principal *p,
                                uint64_t *version, uint64_t *seq, bool *ended, bool *member,
                                struct strbuf *out)
{
    size_t start = out->len;
    *ended = s->ended;
    *member = person_of(s, p->user_id, p->org_id) >= 0;
    if (!s->ended && !*member)
        return false;
    if (s->version > *version) {
        if (s->state_version != s->version || !s->state) {
            free(s->state);
            s->state = state_text(s);
            s->state_version = s->version;
        }
        if (s->state)
            sse_event(out, s->ended ? "ended" : "state", s->version, s->state);
        *version = s->version;
    }
    uint64_t first = s->next_seq > COVIEW_MESSAGES ? s->next_seq - COVIEW_MESSAGES : 1;
    for (uint64_t q = *seq + 1 > first ? *seq + 1 : first; q < s->next_seq; q++) {
        json_t *m = message_json(&s->messages[q % COVIEW_MESSAGES]);
        char *text = m ? json_dumps(m, JSON_COMPACT) : NULL;
        json_decref(m);
        if (text)
            sse_event(out, "message", q, text);
        free(text);
        *seq = q;
    }
    return out->len > start;
}
