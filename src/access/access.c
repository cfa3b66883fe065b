/* SPDX-License-Identifier: Apache-2.0 */
#include "access.h"

#include <stdio.h>
#include <string.h>

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

static const char sql_decide[] =
    "SELECT EXISTS (SELECT 1 FROM patients WHERE id = ?3), "
    "EXISTS (SELECT 1 FROM care_team t WHERE t.patient_id = ?3 AND t.org_id = ?1 "
    "        AND t.removed_at IS NULL), "
    "EXISTS (SELECT 1 FROM consent_orgs co JOIN consents c ON c.id = co.consent_id "
    "        WHERE co.patient_id = ?3 AND co.org_id = ?1 AND c.withdrawn_at IS NULL "
    "        AND c.consented_on <= ?2), "
    "EXISTS (SELECT 1 FROM record_shares rs WHERE rs.patient_id = ?3 AND rs.org_id = ?1 "
    "        AND rs.ended_at IS NULL AND rs.expires_at > ?4)";

bool access_class_shared(enum data_class cls)
{
    return cls != DATA_CONSENT && cls != DATA_AUDIT;
}

static bool decide(struct access_decision *out, bool allow, const char *reason)
{
    out->allow = allow;
    out->emergency = false;
    out->reason = reason;
    out->grant_id[0] = '\0';
    return true;
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

static const char sql_grant[] =
    "SELECT id FROM emergency_access WHERE user_id = ?1 AND patient_id = ?2 AND org_id = ?3 "
    "AND ended_at IS NULL AND expires_at > ?4 ORDER BY started_at DESC LIMIT 1";

/* Without care team and consent: an active emergency grant of this user, in this organisation,
 * opens the emergency view (demographics and the emergency classes) for reading only. */
static bool decide_emergency(struct error *err, struct store_conn *conn, const struct principal *p,
                             const char *patient_id, enum access_action action, enum data_class cls,
                             struct access_decision *out, const char *refusal)
{
    if (action != ACCESS_READ || (cls != DATA_DEMOGRAPHICS && cls != DATA_CLINICAL_EMERGENCY) ||
        !access_emergency_user(p)[0])
        return decide(out, false, refusal);
    struct store_stmt *s = store_query(err, conn, sql_grant, "ttti", p->user_id, patient_id,
                                       p->org_id, clock_now_ms());
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    if (r != STORE_ROW) {
        store_done(s);
        return r == STORE_FAIL ? false : decide(out, false, refusal);
    }
    decide(out, true, "emergency access (break-the-glass)");
    out->emergency = true;
    snprintf(out->grant_id, sizeof(out->grant_id), "%s", store_text(s, 0));
    store_done(s);
    return true;
}

/* What an organisation is to a patient: on the team, named by a consent in force, holding an
 * open record share. */
struct standing {
    bool exists, on_team, consent, shared;
};

static bool standing_of(struct error *err, struct store_conn *conn, const char *org_id,
                        const char *patient_id, struct standing *st)
{
    *st = (struct standing){0};
    char today[11];
    clock_today_tokyo(today);
    struct store_stmt *s =
        store_query(err, conn, sql_decide, "ttti", org_id, today, patient_id, clock_now_ms());
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    if (r == STORE_ROW)
        *st = (struct standing){store_int(s, 0), store_int(s, 1), store_int(s, 2), store_int(s, 3)};
    store_done(s);
    return r != STORE_FAIL;
}

bool access_org_sees(struct error *err, struct store_conn *conn, const char *org_id,
                     const char *patient_id, enum data_class cls, bool *sees)
{
    struct standing st;
    *sees = false;
    if (!standing_of(err, conn, org_id, patient_id, &st))
        return false;
    *sees = st.exists && st.consent && (st.on_team || (st.shared && access_class_shared(cls)));
    return true;
}

bool access_decide(struct error *err, struct store_conn *conn, const struct principal *p,
                   const char *patient_id, enum access_action action, enum data_class cls,
                   struct access_decision *out)
{
    /* Team and consent give the same standing for every action and class today; scopes will
     * refine by class. An emergency grant gives less (decide_emergency). */
    if (p->network_admin)
        return decide(out, false, "network administrators do not read patient data");
    if (!p->org_id[0])
        return decide(out, false, "no current organisation");
    if (p->pending)
        return decide(out, false, "account awaiting its organisation's confirmation");
    struct standing st;
    if (!standing_of(err, conn, p->org_id, patient_id, &st))
        return false;
    bool on_team = st.on_team, consent = st.consent, shared = st.shared;
    if (!st.exists)
        return decide(out, false, "no such patient");
    /* A referral or booking shares the record with its receiver for reading, for its purpose
     * and time window, and only where the patient's consent names the receiver. */
    if (!on_team && shared && consent && action == ACCESS_READ && access_class_shared(cls))
        return decide(out, true, "record shared by a referral or booking, consent in force");
    if (!on_team)
        return decide_emergency(err, conn, p, patient_id, action, cls, out,
                                "organisation not on the care team");
    if (!consent)
        return decide_emergency(err, conn, p, patient_id, action, cls, out,
                                "no consent in force for the organisation");
    return decide(out, true, "care team with consent in force");
}

/* Each case kind: its patient and the two organisations party to it. */
static const char *const sql_case[] = {
    [CASE_REFERRAL] = "SELECT patient_id, from_org_id, to_org_id FROM referrals WHERE id = ?",
    [CASE_BOOKING] = "SELECT b.patient_id, b.org_id, s.org_id FROM equipment_bookings b "
                     "JOIN equipment_slots s ON s.id = b.slot_id WHERE b.id = ?",
};

bool access_decide_case(struct error *err, struct store_conn *conn, const struct principal *p,
                        enum access_case kind, const char *case_id, enum access_action action,
                        struct access_decision *out, char *patient_id)
{
    patient_id[0] = '\0';
    struct store_stmt *s = store_query(err, conn, sql_case[kind], "t", case_id);
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
    return access_decide(err, conn, p, patient_id, ACCESS_READ, DATA_CLINICAL, out);
}
