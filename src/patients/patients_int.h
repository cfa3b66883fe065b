/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_PATIENTS_PATIENTS_INT_H
#define TSUNAGU_PATIENTS_PATIENTS_INT_H

/* What the files of the patients module share: the regional patient, consents, the care team. */

#include "accounts/accounts.h"
#include "http/api.h"
#include "modules/module.h"

#define ROUTE ROUTE_DECLARE
#include "patients/routes.def"
#undef ROUTE

/** NULL-terminated code lists, for jsonv "allowed". */
extern const char *const patients_sex_codes[];
extern const char *const patients_consent_scopes[];
extern const char *const patients_consent_methods[];

/** JSON of a patient by id with local ids; full adds address and phone. */
json_t *patients_patient_json(struct error *err, struct store_conn *conn, const char *patient_id,
                              bool full);

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
/** Links organisation org_id's local id (患者ID) to the patient. ERR_LOCAL_ID_TAKEN. */
bool patients_local_id_insert(struct error *err, struct op *op, const char *patient_id,
                              const char *org_id, const char *local_id);

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

#endif
