/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_ACCESS_ACCESS_H
#define TSUNAGU_ACCESS_ACCESS_H

#include <stdbool.h>

#include "auth/auth.h"
#include "core/errors.h"
#include "op/op.h"
#include "store/store.h"

/**
 * The single decision about patient data (DESIGN.md "Access"). Every route that touches a
 * patient declares its action and data class; the router calls access_decide before the handler
 * runs, and searches filter rows with ACCESS_VISIBLE_SQL, the same rule written as SQL.
 */
enum access_action {
    ACCESS_READ = 'R',
    ACCESS_CREATE = 'C',
    ACCESS_UPDATE = 'U',
    ACCESS_DELETE = 'D',
    ACCESS_EXECUTE = 'E',
};

/** What kind of patient data a route touches (consent scopes will grow along these). */
enum data_class {
    DATA_NONE,
    DATA_DEMOGRAPHICS,
    DATA_CONSENT,
    DATA_TEAM,
    /** The clinical record (FHIR resources) outside the emergency view, e.g. lab results. */
    DATA_CLINICAL,
    /** The parts of the clinical record an emergency (break-the-glass) view shows: allergies,
     *  contraindications, medications, active problems, infections, recent documents. */
    DATA_CLINICAL_EMERGENCY,
    /** A referral or shared-equipment booking with its letter, decided per case by
     *  access_decide_case (the parties to the case, or the patient's team with consent). */
    DATA_REFERRAL,
    /** Who looked at the patient's record (the audit trail as FHIR AuditEvent): like consents,
     *  for the care team with consent only, never through a record share. */
    DATA_AUDIT,
};

struct access_decision {
    bool allow;
    /** Allowed only through an emergency (break-the-glass) grant; callers show it as such. */
    bool emergency;
    const char *reason; /* static string for the audit record, e.g. "care team + consent" */
    /** The emergency grant used when emergency is true, the standby grant when standby is
     *  true, else "". */
    char grant_id[UUID_STR_LEN];
    /** Allowed only through a standby grant (a backup partner during a declaration); the audit
     *  record names the grant. */
    bool standby;
    /** Allowed only through an emergency share of a case made without consent (an emergency
     *  transfer's images, access_case_kind.sql_shared); grant_id names the share, and the audit
     *  record must say so, so that the review finds the read. */
    bool emergency_share;
    /** Refused, but the principal may know that the patient exists (its organisation registered
     *  the patient: ACCESS_REGISTERED_SQL), so a refusal may say 403 rather than look like a
     *  missing patient. */
    bool known;
    /** What the rule found of the principal's organisation and the patient, whatever was asked,
     *  for an answer that says what else the caller may open: on the care team with a consent
     *  in force (team), seeing the record through the team or a share (visible), holding a
     *  local id of the patient (registered). */
    bool team, visible, registered;
};

/**
 * Decides whether principal may perform action on data class cls of patient_id. A patient that
 * does not exist is denied exactly like one the principal may not see. Fails (false, err) only
 * when the store cannot answer; the decision itself is in *out.
 */
bool access_decide(struct error *err, struct store_conn *conn, const struct principal *p,
                   const char *patient_id, enum access_action action, enum data_class cls,
                   struct access_decision *out);

/**
 * Whether the members of organisation org_id, in person, may read class cls of patient_id under
 * the rule of access_decide without an emergency grant: on the team, or holding a record share
 * of a shared class, and named by a consent in force. For what is sent to an organisation
 * rather than asked by a principal: notifications about a patient go only where it holds.
 */
bool access_org_sees(struct error *err, struct store_conn *conn, const char *org_id,
                     const char *patient_id, enum data_class cls, bool *sees);

/* ---- Who may write what (write_rules.def) ---------------------------------------------------- */

/** The kinds of clinical record whose writing is limited by profession. */
enum access_record_kind {
#define RULE(kind, code, ja, en, professions) kind,
#include "access/write_rules.def"
#undef RULE
    RECORD_KIND_COUNT
};

/** One line of the write matrix. */
struct access_write_rule {
    enum access_record_kind kind;
    const char *code, *ja, *en;
    const char *professions; /* space-separated profession codes */
};
/** The write matrix, in the order of write_rules.def (RECORD_KIND_COUNT lines). */
extern const struct access_write_rule access_write_rules[];

/** Whether principal p's profession may write a record of kind (the access rule decides the
 *  patient separately). */
bool access_may_write_kind(const struct principal *p, enum access_record_kind kind);

/*
 * ---- The rule, written once -----------------------------------------------------------------
 * SQL conditions on a patient id column named `p.id`, used by access_decide for one patient and
 * by every search and list for many. A statement that uses them binds ACCESS_RULE_PARAMS
 * parameters first, in this order (struct access_rule_args): ?1 the organisation, ?2 today
 * (YYYY-MM-DD, Asia/Tokyo), ?3 the user whose emergency grants count (access_emergency_user:
 * "" for none), ?4 now (ms since the epoch). "Now" is the program's clock, never SQL's.
 */
enum { ACCESS_RULE_PARAMS = 4 };

/** The organisation is on the patient's care team (not removed). */
#define ACCESS_ON_TEAM_SQL                                                                         \
    "EXISTS (SELECT 1 FROM care_team t WHERE t.patient_id = p.id AND t.org_id = ?1 "               \
    "AND t.removed_at IS NULL)"
/** A consent in force names the organisation (not withdrawn, dated today or earlier). */
#define ACCESS_CONSENT_SQL                                                                         \
    "EXISTS (SELECT 1 FROM consent_orgs co JOIN consents c "                                       \
    "ON c.id = co.consent_id WHERE co.patient_id = p.id AND co.org_id = ?1 "                       \
    "AND c.withdrawn_at IS NULL AND c.consented_on <= ?2)"
/** An open record share (a referral or booking sent to the organisation) not yet expired. */
#define ACCESS_SHARE_SQL                                                                           \
    "EXISTS (SELECT 1 FROM record_shares rs WHERE rs.org_id = ?1 AND rs.patient_id = p.id "        \
    "AND rs.ended_at IS NULL AND rs.expires_at > ?4)"
/** An emergency grant of user ?3 in organisation ?1, in force (on `ea`). */
#define ACCESS_GRANT_COND                                                                          \
    "ea.patient_id = p.id AND ea.user_id = ?3 AND ea.org_id = ?1 AND ea.ended_at IS NULL "         \
    "AND ea.expires_at > ?4"
/** Such a grant exists: OR-ed with ACCESS_VISIBLE_SQL where the emergency view counts. */
#define ACCESS_EMERGENCY_SQL                                                                       \
    "EXISTS (SELECT 1 FROM emergency_access ea WHERE " ACCESS_GRANT_COND ")"

/** A standby grant of a declaration in force (access/standby.c, on `sg`): organisation ?1 is a
 *  backup partner of an organisation on the patient's care team that declared itself
 *  unavailable, until the declaration ends or its planned end passes. */
#define ACCESS_STANDBY_COND                                                                        \
    "sg.partner_org_id = ?1 AND sg.ended_at IS NULL AND sg.expires_at > ?4 AND EXISTS (SELECT 1 "  \
    "FROM care_team sgt WHERE sgt.patient_id = p.id AND sgt.org_id = sg.org_id AND "               \
    "sgt.removed_at IS NULL)"

/** The organisation registered the patient under a local id of its own (it registered the
 *  patient, or linked its local id to it). Alone this opens the demographics and the consents,
 *  for reading and for recording a new consent: withdrawing the last consent must not orphan
 *  the patient (issue 13, item 6). */
#define ACCESS_REGISTERED_SQL                                                                      \
    "EXISTS (SELECT 1 FROM patient_local_ids rl WHERE rl.patient_id = p.id AND rl.org_id = ?1)"

/** How the parts combine, over three SQL expressions (the parts above, or columns that hold
 *  them): visible = (on the team, or holding a share) and named by a consent in force; team =
 *  on the team and named by a consent in force. */
#define ACCESS_VISIBLE_OF(on_team, share, consent) "((" on_team " OR " share ") AND " consent ")"
#define ACCESS_TEAM_OF(on_team, consent) "(" on_team " AND " consent ")"

/** Visible: (on the team, or holding a share) and named by a consent in force. Searches must
 *  also check access_may_search first. */
#define ACCESS_VISIBLE_SQL                                                                         \
    ACCESS_VISIBLE_OF(ACCESS_ON_TEAM_SQL, ACCESS_SHARE_SQL, ACCESS_CONSENT_SQL)

/** The same for the classes a record share does not open (access_class_shared: the consents,
 *  the audit trail) and for writes: on the team and named by a consent in force. */
#define ACCESS_TEAM_SQL ACCESS_TEAM_OF(ACCESS_ON_TEAM_SQL, ACCESS_CONSENT_SQL)

/** Whose demographics a search lists: the visible ones and those the organisation registered.
 *  Searches must also check access_may_search first. */
#define ACCESS_DEMOGRAPHICS_SQL "(" ACCESS_VISIBLE_SQL " OR " ACCESS_REGISTERED_SQL ")"
/** Whose consents a search lists: the team with consent, and the registering organisation. */
#define ACCESS_CONSENTS_SQL "(" ACCESS_TEAM_SQL " OR " ACCESS_REGISTERED_SQL ")"

/** The values of the rule's parameters, taken once. */
struct access_rule_args {
    const char *org_id;
    char today[11];
    const char *user_id;
    int64_t now_ms;
};

/** The rule's parameters for principal (its organisation, its user when its emergency grants
 *  count) as of now. */
void access_rule_args_of(const struct principal *p, struct access_rule_args *out);
/** The rule's parameters for an organisation in person (no emergency grant counts). */
void access_rule_args_org(const char *org_id, struct access_rule_args *out);
/** The rule's parameters as the first ACCESS_RULE_PARAMS arguments of a statement. */
void access_rule_bind(const struct access_rule_args *a, struct store_arg out[ACCESS_RULE_PARAMS]);

/** Whether a record share (a referral or booking sent to the organisation) opens class cls:
 *  the record, not the consents or the audit trail. */
bool access_class_shared(enum data_class cls);

/**
 * A kind of case (a referral, a shared-equipment booking, later an image share …), defined by the
 * feature that owns it, so that access/ decides by it without knowing the feature's tables.
 */
struct access_case_kind {
    /** The kind's name: record_shares.source_kind, the audit records' object type and the kind
     *  of the notifications about a case. */
    const char *name;
    /** One row for the case ?1: its patient id and the ids of the two organisations party to it
     *  (e.g. a referral's sender and receiver). */
    const char *sql_parties;
    /** What a missing or hidden case answers (a 404 code). */
    enum error_code not_found;
    /** Optional (NULL: none): the shares of case ?1 to organisation ?2 in force at ?3 (now, ms),
     *  one row each: column 0 consent_free (1: an emergency share that needs no consent),
     *  column 1 the share's source kind ('referral', 'transfer', 'booking'), column 2 its id.
     *  A share opens reading of the case to an organisation not party to it when a consent in
     *  force names the organisation (the rule's own consent test), or without one when it is
     *  consent-free (access_decide_case). */
    const char *sql_shared;
};

/**
 * Decides access to one case of kind (case_id): the organisations party to it (sender and
 * receiver of a referral; ordering organisation and equipment owner of a booking) may act on it;
 * otherwise the patient's team with consent in force may read it (access_decide, DATA_CLINICAL),
 * and so may an organisation holding a share of the case in force (kind->sql_shared): with a
 * consent in force naming it, or, for an emergency share, without (emergency_share set).
 * A case that does not exist is denied like a hidden one. On return, patient_id (capacity
 * UUID_STR_LEN) holds the case's patient, or "" when there is no such case. Fails only when the
 * store cannot answer.
 */
bool access_decide_case(struct error *err, struct store_conn *conn, const struct principal *p,
                        const struct access_case_kind *kind, const char *case_id,
                        enum access_action action, struct access_decision *out, char *patient_id);

/**
 * Opens the record of patient_id to org_id for case source_id (a referral sent to org_id, or a
 * booking of its equipment) until expires_at (ms), if and only if a consent in force names
 * org_id; *shared tells whether it did. The share starts at op->now_ms. Call inside the case's
 * write transaction.
 */
bool access_share_start(struct error *err, struct op *op, const char *patient_id,
                        const char *org_id, const struct access_case_kind *kind,
                        const char *source_id, int64_t expires_at, bool *shared);

/** Whether a consent in force names org_id for patient_id (*names): the rule's own consent test
 *  (ACCESS_CONSENT_SQL), for a feature that must know before it shares, e.g. whether an
 *  emergency transfer needs a reason. */
bool access_consent_names(struct error *err, struct store_conn *conn, const char *org_id,
                          const char *patient_id, bool *names);

/**
 * Ends every open share of case source_id with reason (e.g. "closed", "declined"); *ended (if
 * not NULL) gets how many, at op->now_ms. Call inside the case's write transaction.
 */
bool access_share_end(struct error *err, struct op *op, const struct access_case_kind *kind,
                      const char *source_id, const char *reason, int *ended);

/**
 * The user id to bind as ?3 of the rule: the principal's own, or "" (which no grant
 * has) for one who may never use an emergency grant (an API token, a network administrator), so
 * that the SQL rule refuses exactly what access_decide refuses.
 */
const char *access_emergency_user(const struct principal *p);

/** Whether principal holds an emergency grant in force in its current organisation (*has). */
bool access_has_emergency_grant(struct error *err, struct store_conn *conn,
                                const struct principal *p, bool *has);

/** Why principal may not search or list patients at all: ERR_FORBIDDEN (a network
 *  administrator), ERR_NO_ORG, ERR_ACCOUNT_PENDING (its membership awaits confirmation), or
 *  ERR_NONE when it may. */
enum error_code access_search_refusal(const struct principal *p);
/** Whether principal may search or list patients at all (access_search_refusal is ERR_NONE). */
bool access_may_search(const struct principal *p);

/* ---- Finding the same patient (名寄せ, issue 13 item 3) ---------------------------------------
 */

/** The lowest match score at which a match shows a patient the principal may not see, and then
 *  only the name, reading, sex and birth date it was asked about (never the id, local ids or
 *  address); every patient shown is audited. Below it, such a patient stays invisible. */
#define ACCESS_MATCH_REVEAL_SCORE 0.9

/** Whether a match by principal may show a candidate scored score, which the principal sees
 *  (visible: ACCESS_DEMOGRAPHICS_SQL) or not. Only those who may search may match at all. */
bool access_match_may_show(const struct principal *p, bool visible, double score);

/**
 * Decides whether principal may link its organisation's local id to patient_id (a candidate a
 * match showed it): a consent in force must name the organisation, or consent_now says that a
 * consent naming it is recorded in the same step. A refusal's reason is for the audit record.
 */
bool access_decide_link(struct error *err, struct store_conn *conn, const struct principal *p,
                        const char *patient_id, bool consent_now, struct access_decision *out);

/** Whether principal may review possible duplicates (names, readings, birth dates, sexes and
 *  local ids of candidate pairs, never clinical data) and merge them or mark them distinct: a
 *  network administrator in person. */
bool access_may_reconcile(const struct principal *p);

/**
 * Whether principal may use emergency (break-the-glass) access: a person (not an API token)
 * whose profession is physician or nurse, acting for a current organisation of a hospital type,
 * never a network administrator. Sets err (ERR_EMERGENCY_NOT_ELIGIBLE, ERR_NO_ORG or a store
 * error) and returns false otherwise.
 */
bool access_emergency_eligible(struct error *err, struct store_conn *conn,
                               const struct principal *p);

/**
 * Grants op's principal emergency access to patient_id for reason, from op->now_ms until
 * expires_at; gid (UUID_STR_LEN) gets the grant's id. Call inside op's write transaction, after
 * access_emergency_eligible and the decision that no grant is in force.
 */
bool access_emergency_grant(struct error *err, struct op *op, const char *patient_id,
                            const char *reason, int64_t expires_at, char *gid);
/** Ends grant gid of op's principal at op->now_ms ("ended"); *ended tells whether it was open. */
bool access_emergency_end(struct error *err, struct op *op, const char *gid, bool *ended);
/** Closes the review of grant gid by op's principal with comment, at op->now_ms. */
bool access_emergency_review_close(struct error *err, struct op *op, const char *gid,
                                   const char *comment);

/* ---- Standby grants: backup partners during a declaration (standby.c) ---------------------- */

/**
 * Opens to partner_org_id, for declaration declaration_id of op's organisation org_id, reading
 * of the demographics and the record (not the consents, the team or the audit trail; never a
 * write) of the patients on org_id's care team whose consent in force names the partner, from
 * op->now_ms until expires_at; gid (UUID_STR_LEN) gets the grant's id. Appends the
 * "standby.start" audit record. Call inside the declaration's write transaction.
 */
bool access_standby_start(struct error *err, struct op *op, const char *declaration_id,
                          const char *org_id, const char *partner_org_id, int64_t expires_at,
                          char *gid);
/**
 * Ends every open grant of declaration_id (to partner_org_id only, when not NULL: a partnership
 * ended during the declaration) with reason ("ended", "expired", "partnership_ended") at
 * op->now_ms and appends one "standby.end" audit record per grant; *ended (if not NULL) gets how
 * many. Call inside the write transaction that ends them.
 */
bool access_standby_end(struct error *err, struct op *op, const char *declaration_id,
                        const char *partner_org_id, const char *reason, int *ended);
/** Whether a standby grant opens class cls to reading: demographics and the clinical record. */
bool access_class_standby(enum data_class cls);

/** Whether an organisation type code is a hospital type (may take emergency patients). */
bool access_org_type_is_hospital(const char *type);

/**
 * Ends every emergency grant that has expired by now_ms (end_reason 'expired') and appends the
 * "emergency.end" audit record of each, in one write transaction of its own on conn. *ended (if
 * not NULL) gets the number of grants ended.
 */
bool access_emergency_sweep(struct error *err, struct store_conn *conn, int64_t now_ms, int *ended);

#endif
