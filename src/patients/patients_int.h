/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_PATIENTS_PATIENTS_INT_H
#define TSUNAGU_PATIENTS_PATIENTS_INT_H

/* What the files of the patients module share: the regional patient, consents, the care team. */

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

#endif
