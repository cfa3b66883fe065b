/* SPDX-License-Identifier: Apache-2.0 */
/* The referral workflow: one table of transitions and one step function that every transition
 * route runs (check the body, open the write transaction, load the referral, check the side,
 * the signer and the state, do the step's own writes, then the status, the share, the
 * timeline, the FHIR Task and the notifications). States and rules: docs/api/referrals.md. */
#include <stdio.h>
#include <string.h>

#include "access/access.h"
#include "core/clock.h"
#include "core/jsonv.h"
#include "core/plausible.h"
#include "imaging/imaging.h"
#include "notify/step.h"
#include "referral_int.h"

struct step;
typedef bool (*step_fn)(struct error *err, struct step *st);

/* One transition: who may take it from which states (the engine's part), and what it does. */
struct transition {
    struct notify_step step; /* action, kind (NULL: both), from-states, side, signer, from the
                                appointment's day (else with a reason) */
    const char *to;          /* the new status, NULL: unchanged */
    const char *event;       /* the timeline event */
    bool ends_share;         /* the record share ends */
    bool notify;             /* the other party gets a notification */
    bool idempotent;         /* creates a referral: Idempotency-Key applies */
    const struct jfield *fields;
    step_fn check; /* deeper checks of the body, before the write transaction */
    step_fn apply; /* the step's own writes, after the side and state checks */
};

/* One run of a transition. */
struct step {
    struct request *req;
    const struct transition *t;
    struct referral_row r;
    json_t *detail;  /* of the timeline event */
    json_t *payload; /* the checked reply or letter, or NULL */
    int64_t appointment;
    const char *key;            /* Idempotency-Key of a step that creates a referral, or NULL */
    char sha[SHA256_HEX_LEN];   /* digest of the request, with key */
    char created[UUID_STR_LEN]; /* the referral a redirect or reverse made, or "" */
};

enum { NOTE_MAX = 1000 };

#define NOTE                                                                                       \
    {                                                                                              \
        "note", JV_STRING, false, NOTE_MAX, NULL                                                   \
    }
#define END_FIELDS                                                                                 \
    {                                                                                              \
        NULL, 0, false, 0, NULL                                                                    \
    }
static const struct jfield f_note[] = {NOTE, END_FIELDS};
static const struct jfield f_reason[] = {{"reason", JV_STRING, true, NOTE_MAX, NULL}, END_FIELDS};
static const struct jfield f_redirect[] = {{"to_org_id", JV_UUID, true, 0, NULL},
                                           {"to_department", JV_STRING, false, 40, NULL},
                                           NOTE,
                                           END_FIELDS};
static const struct jfield f_schedule[] = {
    {"appointment_at", JV_STRING, true, 40, NULL}, NOTE, END_FIELDS};
static const struct jfield f_seen[] = {
    NOTE, {"reason", JV_STRING, false, NOTE_MAX, NULL}, END_FIELDS}; /* reason: before the day */
static const struct jfield f_reply[] = {{"reply", JV_OBJECT, true, 0, NULL}, NOTE, END_FIELDS};
static const struct jfield f_reverse[] = {{"urgency", JV_STRING, true, 0, referral_urgency_codes},
                                          {"purpose", JV_STRING, true, 0, referral_purpose_codes},
                                          {"to_department", JV_STRING, false, 40, NULL},
                                          {"letter", JV_OBJECT, true, 0, NULL},
                                          END_FIELDS};

static bool check_reason(struct error *err, struct step *st);
static bool check_early(struct error *err, struct step *st);
static bool check_schedule(struct error *err, struct step *st);
static bool check_reply(struct error *err, struct step *st);
static bool check_reverse(struct error *err, struct step *st);
static bool apply_decline(struct error *err, struct step *st);
static bool apply_redirect(struct error *err, struct step *st);
static bool apply_schedule(struct error *err, struct step *st);
static bool apply_reply(struct error *err, struct step *st);
static bool apply_reverse(struct error *err, struct step *st);

static bool signer(const struct principal *p)
{
    return referral_may_sign(p->profession);
}

#define FROM(...) ((const char *const[]){__VA_ARGS__, NULL})
#define SENDER NOTIFY_OPENER
#define RECEIVER NOTIFY_RECEIVER
#define EITHER NOTIFY_EITHER

/* clang-format off */
static const struct transition transitions[] = {
    /* action       kind        from-states                           side      signer  day    to            event           ends   notify idem   fields      check           apply */
    {{"accept",   NULL,       FROM("sent"),                          RECEIVER, NULL,   false}, "accepted",   "accepted",     false, true,  false, f_note,     NULL,           NULL},
    {{"decline",  NULL,       FROM("sent", "accepted", "scheduled"), RECEIVER, NULL,   false}, "declined",   "declined",     true,  true,  false, f_reason,   check_reason,   apply_decline},
    {{"redirect", NULL,       FROM("declined"),                      SENDER,   signer, false}, "redirected", "redirected",   true,  true,  true,  f_redirect, NULL,           apply_redirect},
    {{"schedule", NULL,       FROM("accepted", "scheduled"),         RECEIVER, NULL,   false}, "scheduled",  "scheduled",    false, true,  false, f_schedule, check_schedule, apply_schedule},
    {{"seen",     NULL,       FROM("accepted", "scheduled"),         RECEIVER, NULL,   true},  "seen",       "seen",         false, true,  false, f_seen,     check_early,    NULL},
    {{"reply",    NULL,       FROM("seen"),                          RECEIVER, signer, false}, "replied",    "replied",      false, true,  false, f_reply,    check_reply,    apply_reply},
    {{"reverse",  "referral", FROM("seen", "replied", "closed"),     RECEIVER, signer, false}, NULL,         "reverse_sent", false, false, true,  f_reverse,  check_reverse,  apply_reverse},
    {{"close",    "referral", FROM("replied"),                       EITHER,   NULL,   false}, "closed",     "closed",       true,  true,  false, f_note,     NULL,           NULL},
    {{"close",    "reverse",  FROM("accepted", "seen", "replied"),   EITHER,   NULL,   false}, "closed",     "closed",       true,  true,  false, f_note,     NULL,           NULL},
    {{"cancel",   NULL,       FROM("sent", "accepted", "scheduled"), SENDER,   NULL,   false}, "cancelled",  "cancelled",    true,  true,  false, f_reason,   check_reason,   NULL},
};
/* clang-format on */
#define STEPS NOTIFY_STEPS(transitions)

static const struct notify_step_errors step_errors = {
    ERR_REFERRAL_WRONG_PARTY,        ERR_REFERRAL_SIGNER_NOT_PHYSICIAN,
    ERR_REFERRAL_INVALID_TRANSITION, ERR_REFERRAL_BEFORE_APPOINTMENT_DAY,
    "the referring organisation",    "the receiving organisation"};

/* The rule of action for a referral of kind (NULL: the first rule of the action). */
static const struct transition *rule_for(const char *action, const char *kind)
{
    return (const struct transition *)notify_step_find(STEPS, action, kind);
}

json_t *referral_actions(const struct principal *p, const char *kind, const char *status,
                         const char *from_org, const char *to_org)
{
    const struct notify_case c = {kind, status, from_org, to_org, 0, NULL};
    return notify_step_actions(STEPS, p, &c);
}

json_t *referral_early_actions(const struct principal *p, const char *kind, const char *status,
                               const char *from_org, const char *to_org, int64_t appointment_at)
{
    const struct notify_case c = {kind, status, from_org, to_org, appointment_at, NULL};
    return notify_step_early_actions(STEPS, p, &c);
}

/* ---- checks of the body ------------------------------------------------------------------- */

static bool check_reason(struct error *err, struct step *st)
{
    const char *reason = api_trimmed(st->req, jsonv_str(st->req->json, "reason"));
    if (!reason || !reason[0])
        return error_set(err, ERR_REFERRAL_REASON_REQUIRED, "reason");
    json_object_set_new(st->detail, "reason", json_string(reason));
    return true;
}

/* The reason of a step taken before the appointment's day, kept in the timeline (the engine
 * decides whether one is needed, in the write transaction). */
static bool check_early(struct error *err, struct step *st)
{
    (void)err;
    const char *reason = api_trimmed(st->req, jsonv_str(st->req->json, "reason"));
    if (reason && reason[0])
        json_object_set_new(st->detail, "reason", json_string(reason));
    return true;
}

/* An RFC 3339 date-time with its offset ("2026-12-01T10:30:00+09:00" or "…Z"). */
static bool check_schedule(struct error *err, struct step *st)
{
    const char *at = jsonv_str(st->req->json, "appointment_at");
    size_t n = strlen(at);
    bool zoned = n > 19 && (at[n - 1] == 'Z' || at[n - 6] == '+' || at[n - 6] == '-');
    if (!zoned || at[10] != 'T' || !clock_parse_iso(at, &st->appointment))
        return error_set(err, ERR_REFERRAL_APPOINTMENT_INVALID, "appointment_at");
    char iso[32];
    struct plausible_why why;
    if (plausible_instant(PLAUSIBLE_APPOINTMENT, st->appointment, NULL, &why))
        return plausible_error(err, ERR_FIELD_RANGE, "appointment_at", &why);
    clock_format_iso(st->appointment, iso);
    json_object_set_new(st->detail, "appointment_at", json_string(iso));
    return true;
}

static bool check_reply(struct error *err, struct step *st)
{
    st->payload = referral_reply_check(err, st->req, json_object_get(st->req->json, "reply"));
    return st->payload != NULL;
}

static bool check_reverse(struct error *err, struct step *st)
{
    st->payload = referral_letter_check(err, st->req, st->req->patient_id,
                                        json_object_get(st->req->json, "letter"));
    return st->payload != NULL;
}

/* ---- the steps' own writes --------------------------------------------------------------- */

static bool apply_decline(struct error *err, struct step *st)
{
    return store_exec(err, st->req->op.conn, NULL,
                      "UPDATE referrals SET decline_reason = ? WHERE id = ?", "tt",
                      jsonv_str(st->detail, "reason"), st->r.id);
}

static bool apply_schedule(struct error *err, struct step *st)
{
    return store_exec(err, st->req->op.conn, NULL,
                      "UPDATE referrals SET scheduled_for = ? WHERE id = ?", "it", st->appointment,
                      st->r.id);
}

static bool apply_reply(struct error *err, struct step *st)
{
    char comm[UUID_STR_LEN];
    struct request *req = st->req;
    if (!store_exec(err, req->op.conn, NULL,
                    "UPDATE referrals SET reply = ?, reply_by = ? WHERE id = ?", "ttt",
                    referral_canonical(req, st->payload), req->op.principal.user_id, st->r.id) ||
        !referral_fhir_reply(err, req, &st->r, st->payload, comm))
        return false;
    json_object_set_new(st->detail, "communication", json_string(comm));
    return true;
}

/* A new referral of the same patient, letter, urgency and purpose to another organisation. */
static bool apply_redirect(struct error *err, struct step *st)
{
    struct request *req = st->req;
    json_t *letter = json_loads(st->r.letter, 0, NULL);
    if (!letter)
        return error_set(err, ERR_INTERNAL, "stored letter unreadable");
    arena_cleanup_add(req->op.arena, (arena_cleanup_fn)json_decref, letter);
    const char *dept = jsonv_str(req->json, "to_department");
    struct referral_new n = {
        .kind = st->r.kind,
        .parent_id = st->r.id,
        .patient_id = st->r.patient_id,
        .to_org_id = jsonv_str(req->json, "to_org_id"),
        .to_department = dept ? dept : "",
        .urgency = st->r.urgency,
        .purpose = st->r.purpose,
        .letter = letter,
        .idem_key = st->key,
        .request_sha = st->sha,
        .first_event = "sent",
        .first_detail = json_pack("{s:s}", "parent_id", st->r.id),
        .replaces_sr = st->r.sr_id,
    };
    if (!referral_insert(err, req, &n, st->created) ||
        !store_exec(err, req->op.conn, NULL, "UPDATE referrals SET redirected_to = ? WHERE id = ?",
                    "tt", st->created, st->r.id))
        return false;
    json_object_set_new(st->detail, "referral_id", json_string(st->created));
    json_object_set_new(st->detail, "to_org_id", json_string(n.to_org_id));
    return true;
}

/* The reverse referral (逆紹介) back to the referring organisation. */
static bool apply_reverse(struct error *err, struct step *st)
{
    struct request *req = st->req;
    const char *dept = jsonv_str(req->json, "to_department");
    struct referral_new n = {
        .kind = "reverse",
        .parent_id = st->r.id,
        .patient_id = st->r.patient_id,
        .to_org_id = st->r.from_org,
        .to_department = dept ? dept : "",
        .urgency = jsonv_str(req->json, "urgency"),
        .purpose = jsonv_str(req->json, "purpose"),
        .letter = st->payload,
        .idem_key = st->key,
        .request_sha = st->sha,
        .first_event = "reverse_sent",
        .first_detail = json_pack("{s:s}", "parent_id", st->r.id),
    };
    if (!referral_insert(err, req, &n, st->created))
        return false;
    json_object_set_new(st->detail, "referral_id", json_string(st->created));
    return true;
}

/* ---- the generic step --------------------------------------------------------------------- */

static const char sql_status[] =
    "UPDATE referrals SET status = ?1, updated_at = ?2, "
    "accepted_at = CASE WHEN ?1 = 'accepted' THEN ?2 ELSE accepted_at END, "
    "seen_at = CASE WHEN ?1 = 'seen' THEN ?2 ELSE seen_at END, "
    "replied_at = CASE WHEN ?1 = 'replied' THEN ?2 ELSE replied_at END, "
    "closed_at = CASE WHEN ?1 IN ('closed', 'declined', 'redirected', 'cancelled') "
    "THEN COALESCE(closed_at, ?2) ELSE closed_at END WHERE id = ?3 AND status = ?4";

/* The side, the signer and the state, in this order. */
static bool may_step(struct error *err, struct step *st, const char *action)
{
    st->t = rule_for(action, st->r.kind);
    if (!st->t)
        return error_set(err, ERR_REFERRAL_INVALID_TRANSITION, "%s: not for a %s", action,
                         st->r.kind);
    const struct notify_case c = {st->r.kind,          st->r.status,
                                  st->r.from_org,      st->r.to_org,
                                  st->r.scheduled_for, jsonv_str(st->detail, "reason")};
    return notify_step_check(err, &st->t->step, &st->req->op.principal, &c, &step_errors);
}

/* Status, share, timeline, FHIR Task and notifications of a step that passed its checks. */
static bool finish(struct error *err, struct step *st)
{
    struct request *req = st->req;
    const struct transition *t = st->t;
    int64_t changed = 0;
    int ended = 0;
    if (t->to && (!store_exec(err, req->op.conn, &changed, sql_status, "titt", t->to,
                              clock_now_ms(), st->r.id, st->r.status) ||
                  (changed != 1 && !error_set(err, ERR_REFERRAL_INVALID_TRANSITION, "raced"))))
        return false;
    if (!referral_event(err, req, st->r.id, t->event, json_incref(st->detail)))
        return false;
    if (t->ends_share &&
        (!access_share_end(err, &req->op, &referral_case, st->r.id, t->to, &ended) ||
         !imaging_share_end(err, &req->op, IMAGING_SHARE_REFERRAL, st->r.id, t->to, NULL)))
        return false;
    if (ended && !referral_event(err, req, st->r.id, "share_ended",
                                 json_pack("{s:s, s:s}", "org_id", st->r.to_org, "reason", t->to)))
        return false;
    const char *old = st->r.status;
    if (t->to &&
        (!referral_load(err, req, st->r.id, &st->r) || !referral_fhir_step(err, req, &st->r, old)))
        return false;
    bool sender = strcmp(req->op.principal.org_id, st->r.from_org) == 0;
    const char *other = !t->notify ? NULL : sender ? st->r.to_org : st->r.from_org;
    if (!referral_notify(err, req, &st->r, t->event, other))
        return false;
    req->audit_detail = arena_printf(req->op.arena, "%s: %s→%s", t->step.action, old, st->r.status);
    if (st->created[0])
        return referral_respond(err, req, st->created, 201);
    return referral_respond(err, req, st->r.id, 200);
}

static bool step_begin(struct error *err, struct step *st, const struct transition *first)
{
    struct request *req = st->req;
    json_t *body = req->json ? req->json : st->detail; /* no body: as {} */
    if (!jsonv_check(err, body, first->fields) || (first->check && !first->check(err, st)))
        return false;
    const char *note = api_trimmed(req, jsonv_str(body, "note"));
    if (note && note[0])
        json_object_set_new(st->detail, "note", json_string(note));
    return true;
}

static bool step(struct error *err, struct request *req, const char *action)
{
    const struct transition *first = rule_for(action, NULL);
    struct step st = {.req = req, .detail = json_object()};
    arena_cleanup_add(req->op.arena, (arena_cleanup_fn)json_decref, st.detail);
    char found[UUID_STR_LEN];
    bool ok = step_begin(err, &st, first) &&
              (!first->idempotent || referral_idem_begin(err, req, &st.key, st.sha)) &&
              op_write_begin(err, &req->op) && referral_idem_find(err, req, st.key, st.sha, found);
    if (st.payload)
        arena_cleanup_add(req->op.arena, (arena_cleanup_fn)json_decref, st.payload);
    if (!ok)
        return false;
    if (found[0]) {
        req->audit_detail = arena_printf(req->op.arena, "%s: idempotent replay", action);
        return referral_respond(err, req, found, 200);
    }
    return referral_load(err, req, req->object_id, &st.r) && may_step(err, &st, action) &&
           (!st.t->apply || st.t->apply(err, &st)) && finish(err, &st);
}

/* The routes: one line each. */
bool referral_accept(struct error *err, struct request *req)
{
    return step(err, req, "accept");
}
bool referral_decline(struct error *err, struct request *req)
{
    return step(err, req, "decline");
}
bool referral_redirect(struct error *err, struct request *req)
{
    return step(err, req, "redirect");
}
bool referral_schedule(struct error *err, struct request *req)
{
    return step(err, req, "schedule");
}
bool referral_seen(struct error *err, struct request *req)
{
    return step(err, req, "seen");
}
bool referral_reply(struct error *err, struct request *req)
{
    return step(err, req, "reply");
}
bool referral_reverse(struct error *err, struct request *req)
{
    return step(err, req, "reverse");
}
bool referral_close(struct error *err, struct request *req)
{
    return step(err, req, "close");
}
bool referral_cancel(struct error *err, struct request *req)
{
    return step(err, req, "cancel");
}
