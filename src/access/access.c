/* SPDX-License-Identifier: Apache-2.0 */
#include "access.h"

#include <stdio.h>
#include <string.h>

#include "core/cache.h"
#include "core/clock.h"

enum error_code access_search_refusal(const struct principal *p)
{
    /* Network administrators manage accounts; they do not read clinical data. Nor does an
     * account its organisation has not confirmed yet (created or reset by the network office). */
    if (p->network_admin)
        return ERR_FORBIDDEN;
    if (!p->org_id[0])
        return ERR_NO_ORG;
    return p->pending ? ERR_ACCOUNT_PENDING : ERR_NONE;
}

bool access_may_search(const struct principal *p)
{
    return access_search_refusal(p) == ERR_NONE;
}

bool access_class_shared(enum data_class cls)
{
    return cls != DATA_CONSENT && cls != DATA_AUDIT;
}

const char *access_emergency_user(const struct principal *p)
{
    return p->via_token || p->network_admin ? "" : p->user_id;
}

bool access_has_emergency_grant(struct error *err, struct store_conn *conn,
                                const struct principal *p, bool *has)
{
    *has = false;
    if (!access_emergency_user(p)[0] || !p->org_id[0])
        return true;
    struct store_stmt *s = store_query(err, conn,
                                       "SELECT 1 FROM emergency_access WHERE user_id = ? AND "
                                       "org_id = ? AND ended_at IS NULL AND expires_at > ?",
                                       "tti", p->user_id, p->org_id, clock_now_ms());
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    *has = r == STORE_ROW;
    store_done(s);
    return r != STORE_FAIL;
}

void access_rule_args_of(const struct principal *p, struct access_rule_args *out)
{
    out->org_id = p->org_id;
    out->user_id = access_emergency_user(p);
    clock_today_tokyo(out->today);
    out->now_ms = clock_now_ms();
}

void access_rule_args_org(const char *org_id, struct access_rule_args *out)
{
    out->org_id = org_id;
    out->user_id = "";
    clock_today_tokyo(out->today);
    out->now_ms = clock_now_ms();
}

void access_rule_bind(const struct access_rule_args *a, struct store_arg out[ACCESS_RULE_PARAMS])
{
    out[0] = (struct store_arg){.type = 't', .text = a->org_id};
    out[1] = (struct store_arg){.type = 't', .text = a->today};
    out[2] = (struct store_arg){.type = 't', .text = a->user_id};
    out[3] = (struct store_arg){.type = 'i', .i = a->now_ms};
}

/* One patient (?5) under the rule (a patient merged into another is decided as the survivor):
 * whether it exists, the two readings of the rule, the emergency grant, and the parts, for the
 * reason recorded in the audit. */
/* Each part of the rule evaluated once (a materialised row), then combined as the rule says;
 * last, the earliest end of the shares, emergency grants and standby grants in force (until
 * when a cached standing holds). */
static const char sql_decide[] =
    "WITH parts AS MATERIALIZED (SELECT EXISTS (SELECT 1 FROM patients WHERE id = ?5) AS "
    "known, " ACCESS_ON_TEAM_SQL " AS on_team, " ACCESS_SHARE_SQL " AS share, " ACCESS_CONSENT_SQL
    " AS consent, (SELECT ea.id FROM emergency_access ea WHERE " ACCESS_GRANT_COND
    " ORDER BY ea.started_at DESC LIMIT 1) AS grant_id, " ACCESS_REGISTERED_SQL
    " AS registered, (SELECT sg.id FROM standby_grants sg WHERE " ACCESS_STANDBY_COND
    " ORDER BY sg.started_at DESC LIMIT 1) AS standby, (SELECT MIN(rs.expires_at) FROM "
    "record_shares rs WHERE rs.org_id = ?1 AND rs.patient_id = p.id AND rs.ended_at IS NULL AND "
    "rs.expires_at > ?4) AS share_until, (SELECT MIN(ea.expires_at) FROM emergency_access ea "
    "WHERE " ACCESS_GRANT_COND ") AS grant_until, (SELECT MIN(sg.expires_at) FROM standby_grants "
    "sg WHERE " ACCESS_STANDBY_COND ") AS standby_until FROM (SELECT COALESCE((SELECT "
    "pm.survivor_id "
    "FROM patient_merges pm WHERE "
    "pm.merged_id = ?5), ?5) AS id) p) "
    "SELECT known, " ACCESS_VISIBLE_OF("on_team", "share", "consent") ", " ACCESS_TEAM_OF(
        "on_team", "consent") ", grant_id, on_team, consent, registered, standby, share_until, "
                              "grant_until, standby_until FROM parts";

/* What the rule says of an organisation (and user) and one patient. */
struct standing {
    bool exists, visible, team, on_team, consent, registered;
    char grant[UUID_STR_LEN];   /* an emergency grant in force, or "" */
    char standby[UUID_STR_LEN]; /* a standby grant in force for the patient, or "" */
};

/* A standing as cached: it holds from `from` until `until` (ms) unless the store changes. */
struct cached_standing {
    struct standing st;
    int64_t from, until;
};

/* The decisions of the process by organisation, emergency user and patient (access_decide and
 * every caller of standing_of); 4096 patients' standings, then the cache starts again. */
static struct cache standings = CACHE_INIT(4096, sizeof(struct cached_standing));

/* The end of day today (YYYY-MM-DD) in Asia/Tokyo, in ms: a consent dated the next day starts
 * counting then (ACCESS_CONSENT_SQL compares dates). */
static int64_t tokyo_day_end(const char *today)
{
    int y, m, d;
    if (!clock_parse_date(today, &y, &m, &d))
        return 0; /* not a date: hold nothing */
    return (clock_days_from_civil(y, m, d) + 1) * 86400000 - 9 * 3600000; /* JST: no DST */
}

/* The standing from the store; *until gets when it may change by time alone: the first end of
 * a share, emergency grant or standby grant in force, or the end of today. */
static bool standing_from_store(struct error *err, struct store_conn *conn,
                                const struct access_rule_args *a, const char *patient_id,
                                struct standing *st, int64_t *until)
{
    *st = (struct standing){0};
    *until = tokyo_day_end(a->today);
    /* the rule's parameters in their order (access_rule_bind), then the patient; through the
     * statement cache, as the decision runs on every request that names a patient */
    struct store_stmt *s = store_query(err, conn, sql_decide, "tttit", a->org_id, a->today,
                                       a->user_id, a->now_ms, patient_id);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    if (r == STORE_ROW) {
        *st = (struct standing){store_int(s, 0),
                                store_int(s, 1),
                                store_int(s, 2),
                                store_int(s, 4),
                                store_int(s, 5),
                                store_int(s, 6),
                                "",
                                ""};
        if (!store_is_null(s, 3))
            snprintf(st->grant, sizeof st->grant, "%s", store_text(s, 3));
        if (!store_is_null(s, 7))
            snprintf(st->standby, sizeof st->standby, "%s", store_text(s, 7));
        for (int col = 8; col <= 10; col++)
            if (!store_is_null(s, col) && store_int(s, col) < *until)
                *until = store_int(s, col);
    }
    store_done(s);
    return r != STORE_FAIL;
}

/* What the rule says of a's organisation (and user) and patient_id: from the cache while the
 * store's version (store_version: every table the rule reads) and the times it depends on
 * allow, else from the store. Never cached inside a write transaction. */
static bool standing_of(struct error *err, struct store_conn *conn,
                        const struct access_rule_args *a, const char *patient_id,
                        struct standing *st)
{
    char key[CACHE_KEY_MAX];
    struct cache_version version;
    struct cached_standing c;
    int n = snprintf(key, sizeof key, "%s|%s|%s", a->org_id, a->user_id, patient_id);
    bool cacheable = n > 0 && (size_t)n < sizeof key && store_version(conn, &version);
    if (cacheable && cache_get(&standings, &version, key, &c) && c.from <= a->now_ms &&
        a->now_ms < c.until) {
        *st = c.st;
        return true;
    }
    if (!standing_from_store(err, conn, a, patient_id, &c.st, &c.until))
        return false;
    *st = c.st;
    /* Rows out of force at now stay so later (the clock does not go back past from), rows in
     * force stay so until their end, and the date until the day ends. */
    c.from = a->now_ms;
    if (cacheable && store_in_txn(conn) && c.from < c.until) /* see store_version */
        cache_put(&standings, &version, key, &c);
    return true;
}

static bool decide(struct access_decision *out, bool allow, const char *reason)
{
    out->allow = allow;
    out->emergency = false;
    out->reason = reason;
    out->grant_id[0] = '\0';
    out->standby = false;
    out->emergency_share = false;
    out->known = out->team = out->visible = out->registered = false;
    return true;
}

/* The registering organisation's standing without team and consent: it reads the demographics
 * and the consents and records a new consent, so that a patient whose last consent was withdrawn
 * can be found again and asked; nothing clinical, no other write. */
static bool registered_allows(enum access_action action, enum data_class cls)
{
    if (action == ACCESS_READ)
        return cls == DATA_DEMOGRAPHICS || cls == DATA_CONSENT;
    return action == ACCESS_CREATE && cls == DATA_CONSENT;
}

/* The rule's reading for an action on a class: reads of what a share opens need visibility;
 * writes and the consents and audit trail need the team with consent. */
static bool allowed_by(const struct standing *st, enum access_action action, enum data_class cls)
{
    return action == ACCESS_READ && access_class_shared(cls) ? st->visible : st->team;
}

bool access_org_sees(struct error *err, struct store_conn *conn, const char *org_id,
                     const char *patient_id, enum data_class cls, bool *sees)
{
    struct access_rule_args a;
    struct standing st;
    access_rule_args_org(org_id, &a);
    *sees = false;
    if (!standing_of(err, conn, &a, patient_id, &st))
        return false;
    *sees = st.exists && allowed_by(&st, ACCESS_READ, cls);
    return true;
}

/* The decision for a principal of an organisation, from its standing (access_decide). */
static void decide_standing(struct access_decision *out, const struct standing *st,
                            enum access_action action, enum data_class cls)
{
    if (!st->exists) {
        decide(out, false, "no such patient");
        return;
    }
    if (allowed_by(st, action, cls)) {
        decide(out, true,
               st->team ? "care team with consent in force"
                        : "record shared by a referral or booking, consent in force");
        return;
    }
    /* The emergency view: an active grant of this user, in this organisation, opens
     * demographics and the emergency classes for reading only (never to a token). */
    if (action == ACCESS_READ && (cls == DATA_DEMOGRAPHICS || cls == DATA_CLINICAL_EMERGENCY) &&
        st->grant[0]) {
        decide(out, true, "emergency access (break-the-glass)");
        out->emergency = true;
        snprintf(out->grant_id, sizeof out->grant_id, "%s", st->grant);
        return;
    }
    /* A backup partner while the organisation it backs declared itself unavailable: reading
     * of the demographics and the record, if a consent in force names the partner. */
    if (action == ACCESS_READ && access_class_standby(cls) && st->standby[0] && st->consent) {
        decide(out, true, "standby grant: backup partner during a declaration, consent in force");
        out->standby = true;
        snprintf(out->grant_id, sizeof out->grant_id, "%s", st->standby);
        return;
    }
    if (st->registered && registered_allows(action, cls)) {
        decide(out, true, "registering organisation: demographics and consents only");
        return;
    }
    decide(out, false,
           !st->on_team ? "organisation not on the care team"
                        : "no consent in force for the organisation");
    out->known = st->registered;
}

bool access_decide(struct error *err, struct store_conn *conn, const struct principal *p,
                   const char *patient_id, enum access_action action, enum data_class cls,
                   struct access_decision *out)
{
    /* Team and consent give the same standing for every action and class today; scopes will
     * refine by class. A share gives reading of the record; an emergency grant less. */
    if (p->network_admin)
        return decide(out, false, "network administrators do not read patient data");
    if (!p->org_id[0])
        return decide(out, false, "no current organisation");
    if (p->pending)
        return decide(out, false, "account awaiting its organisation's confirmation");
    struct access_rule_args a;
    struct standing st;
    access_rule_args_of(p, &a);
    if (!standing_of(err, conn, &a, patient_id, &st))
        return false;
    decide_standing(out, &st, action, cls);
    out->team = st.exists && st.team;
    out->visible = st.exists && st.visible;
    out->registered = st.exists && st.registered;
    return true;
}

/* Why a share of a case opens it: by its source kind, consent in force. */
static const char *shared_reason(const char *source_kind)
{
    if (strcmp(source_kind, "referral") == 0)
        return "study shared by referral, consent in force";
    if (strcmp(source_kind, "booking") == 0)
        return "study shared by a shared-equipment report, consent in force";
    return "study shared by an emergency transfer, consent in force";
}

/* A share of the case in force for p's organisation: with the rule's consent test (standing_of,
 * the same as access_decide's), or consent-free (an emergency share, flagged). A share that
 * needs consent wins over an emergency one when both are in force. */
static bool decide_shared(struct error *err, struct store_conn *conn, const struct principal *p,
                          const struct access_case_kind *kind, const char *case_id,
                          const char *patient_id, struct access_decision *out)
{
    struct access_rule_args a;
    struct standing st;
    access_rule_args_of(p, &a);
    if (!standing_of(err, conn, &a, patient_id, &st))
        return false;
    struct store_stmt *s =
        store_query(err, conn, kind->sql_shared, "tti", case_id, p->org_id, a.now_ms);
    if (!s)
        return false;
    const char *reason = NULL;
    char share[UUID_STR_LEN] = "";
    enum store_step_result r = STORE_DONE;
    while (!reason && (r = store_step(err, s)) == STORE_ROW) {
        bool consent_free = store_int(s, 0) != 0;
        if (!consent_free && st.consent)
            reason = shared_reason(store_text(s, 1));
        else if (consent_free && !share[0])
            snprintf(share, sizeof share, "%s", store_text(s, 2));
    }
    store_done(s);
    if (!reason && r == STORE_FAIL)
        return false;
    bool known = out->known, registered = out->registered;
    if (reason)
        decide(out, true, reason);
    else if (share[0]) {
        decide(out, true, "emergency image share without consent");
        out->emergency_share = true;
        snprintf(out->grant_id, sizeof out->grant_id, "%s", share);
    } else
        return true; /* no share in force: the refusal stands */
    out->known = known;
    out->registered = registered;
    return true;
}

bool access_decide_case(struct error *err, struct store_conn *conn, const struct principal *p,
                        const struct access_case_kind *kind, const char *case_id,
                        enum access_action action, struct access_decision *out, char *patient_id)
{
    patient_id[0] = '\0';
    struct store_stmt *s = store_query(err, conn, kind->sql_parties, "t", case_id);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    if (r != STORE_ROW) {
        store_done(s);
        return r == STORE_FAIL ? false : decide(out, false, "no such case");
    }
    snprintf(patient_id, UUID_STR_LEN, "%s", store_text(s, 0));
    bool party =
        p->org_id[0] && !p->network_admin && !p->pending &&
        (strcmp(store_text(s, 1), p->org_id) == 0 || strcmp(store_text(s, 2), p->org_id) == 0);
    store_done(s);
    if (party)
        return decide(out, true, "organisation party to the case");
    /* Not a party: the patient's team may read the case as part of the record, nothing more. */
    if (action != ACCESS_READ)
        return decide(out, false, "organisation not party to the case");
    if (!access_decide(err, conn, p, patient_id, ACCESS_READ, DATA_CLINICAL, out))
        return false;
    if (out->allow || !kind->sql_shared || !patient_id[0] || access_search_refusal(p) != ERR_NONE)
        return true;
    return decide_shared(err, conn, p, kind, case_id, patient_id, out);
}

bool access_match_may_show(const struct principal *p, bool visible, double score)
{
    if (!access_may_search(p))
        return false;
    return visible || score >= ACCESS_MATCH_REVEAL_SCORE;
}

bool access_decide_link(struct error *err, struct store_conn *conn, const struct principal *p,
                        const char *patient_id, bool consent_now, struct access_decision *out)
{
    if (!access_may_search(p))
        return decide(out, false, "may not register patients");
    struct access_rule_args a;
    struct standing st;
    access_rule_args_of(p, &a);
    if (!standing_of(err, conn, &a, patient_id, &st))
        return false;
    if (!st.exists)
        return decide(out, false, "no such patient");
    if (st.consent)
        return decide(out, true, "link: a consent in force names the organisation");
    if (consent_now)
        return decide(out, true, "link: consent recorded with the link");
    return decide(out, false, "link: no consent names the organisation");
}

bool access_may_reconcile(const struct principal *p)
{
    return p->network_admin && !p->via_token;
}
