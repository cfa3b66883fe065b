/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_PATIENTS_PATIENTS_INT_H
#define TSUNAGU_PATIENTS_PATIENTS_INT_H

/* What the files of the patients module share: the regional patient, consents, the care team. */

#include "accounts/accounts.h"
#include "core/jsonv.h"
#include "http/api.h"
#include "http/router.h"
#include "modules/module.h"
#include "patients/patients.h"

/** The locator of POST /fhir/Patient/$match: no patient in the path, a FHIR body. */
extern const struct route_locator patients_match_locator;
#define PAT_MATCH (&patients_match_locator)

#define ROUTE ROUTE_DECLARE
#include "patients/routes.def"
#undef ROUTE

/** NULL-terminated code lists, for jsonv "allowed". */
extern const char *const patients_sex_codes[];
extern const char *const patients_consent_scopes[];
extern const char *const patients_consent_methods[];
/** The fields of a consent given at registration or with a link. */
extern const struct jfield patients_consent_fields[];
/** A consent is given by someone born: consented_on (NULL passes) must not be before the birth
 *  date of req->patient_id nor in the future (core/plausible.h); field names it in err. */
bool patients_consent_date_check(struct error *err, struct request *req, const char *field,
                                 const char *consented_on);

/** JSON of a patient by id with local ids; full adds address, phone and the merges
 *  (patients_merges_add). */
json_t *patients_patient_json(struct error *err, struct store_conn *conn, const char *patient_id,
                              bool full);
/** Adds "merged_into" (the survivor, or null) and "merged_from" (the patients merged into this
 *  one) to p; takes p, also on failure (NULL). */
json_t *patients_merges_add(struct error *err, struct store_conn *conn, const char *id, json_t *p);

/** The module's part of the demo region (demo.c). */
bool patients_demo_load(struct error *err, struct op *op);

/* ---- writes (db.c), for the API and the demo alike; who and when come from the op -------- */

/** A new regional patient; address and phone may be NULL. */
struct patients_new {
    const char *name, *name_kana, *sex, *birth_date, *address, *phone;
};
/** Registers a patient (id "" for a new one, filled in). ERR_FIELD_VALUE when a name has
 *  nothing to search by. */
bool patients_patient_create(struct error *err, struct op *op, const struct patients_new *p,
                             char id[UUID_STR_LEN]);
/* patients_local_id_insert, patients_local_id_find: patients.h */

/** A care-team member: an organisation, and one of its staff (user_id) or NULL. */
struct patients_member {
    const char *patient_id, *org_id, *user_id, *role;
    const char *role_code; /* one of patients_team_role_codes, or NULL */
};
/** CareTeam: the care team as FHIR, one per patient (fhir.c). */
extern const struct fhir_view *const patients_fhir_views[];
/** The coded roles of care-team members (主治医, 担当ケアマネ, 訪問看護担当 …), team.c. */
extern const struct code_label patients_team_roles[];
extern const char *const patients_team_role_codes[];
/** Adds a member to the care team (id as for patients_patient_create), added by op's user. */
bool patients_team_insert(struct error *err, struct op *op, const struct patients_member *m,
                          char id[UUID_STR_LEN]);
/** Removes a member. ERR_TEAM_MEMBER_NOT_FOUND. */
bool patients_team_remove(struct error *err, struct op *op, const char *patient_id,
                          const char *member_id);

/** A consent naming the organisations that may share the record. */
struct patients_consent {
    const char *patient_id, *scope, *method, *consented_on, *note;
    const char *const *org_ids;
    size_t org_count;
};
/** Records a consent, by op's user for op's organisation (id as above). ERR_FIELD_VALUE when it
 *  names no organisation or one that does not exist. */
bool patients_consent_insert(struct error *err, struct op *op, const struct patients_consent *c,
                             char id[UUID_STR_LEN]);
/** Withdraws a consent of the patient. ERR_CONSENT_NOT_FOUND, ERR_CONSENT_WITHDRAWN. */
bool patients_consent_withdraw(struct error *err, struct op *op, const char *patient_id,
                               const char *consent_id, const char *reason);

/* ---- finding the same patient (match.c; issue 13, item 3) ---------------------------------- */

/** Below this score a candidate is not a match at all. */
#define PATIENTS_MATCH_MIN 0.6
/** At or above this score a registration anew needs a stated reason. */
#define PATIENTS_MATCH_LIKELY 0.8
/** The most candidates a match returns. */
#define PATIENTS_MATCH_MAX 5

/** What a person is matched by: kana_normalize of name and reading, kana_match_key of the
 *  reading, sex and birth date (arena strings or borrowed). */
struct patients_match_keys {
    const char *name_key, *kana_key, *match_key, *sex, *birth_date;
};
/** The keys of a person (name may be NULL or ""); false when a text is not valid UTF-8. */
bool patients_match_keys_of(struct arena *arena, const char *name, const char *kana,
                            const char *sex, const char *birth_date, struct patients_match_keys *k);
/** How well candidate c matches query q, 0..1 (0: the names do not agree at all). */
double patients_match_score(const struct patients_match_keys *q,
                            const struct patients_match_keys *c);
/** The FHIR match-grade of a score: certain, probable, possible or certainly-not. */
const char *patients_match_grade(double score);

/** A candidate (strings in op's arena). */
struct patients_match_hit {
    char id[UUID_STR_LEN];
    double score;
    bool visible;   /* the principal sees the patient's demographics */
    bool consented; /* a consent in force names the principal's organisation */
    const char *name, *name_kana, *sex, *birth_date;
};
/** The best candidates op's principal may be shown (access_match_may_show), best first. */
bool patients_match_find(struct error *err, struct op *op, const struct patients_match_keys *q,
                         struct patients_match_hit hits[PATIENTS_MATCH_MAX], int *n);
/** Stores an offer of hit to op's user (valid for a few minutes); id gets the offer's id. */
bool patients_match_offer(struct error *err, struct op *op, const struct patients_match_hit *hit,
                          char id[UUID_STR_LEN]);
/** Matches body (name?, name_kana, sex, birth_date; checked) for op's principal, stores an offer
 *  per candidate and audits: *items gets the API's candidates. */
bool patients_match_run(struct error *err, struct op *op, const json_t *body, json_t **items);
/** Merges patient merged into survivor for reason (merge.c), in op's write transaction:
 *  ERR_MERGE_INVALID for the same patient or one already merged. */
bool patients_patient_merge(struct error *err, struct op *op, const char *survivor,
                            const char *merged, const char *reason);
/** Audits the match query and each candidate shown, inside op's write transaction. */
bool patients_match_audit(struct error *err, struct op *op, const char *event_id,
                          const struct patients_match_hit *hits, int n);

#endif
