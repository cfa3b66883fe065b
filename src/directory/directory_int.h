/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_DIRECTORY_DIRECTORY_INT_H
#define TSUNAGU_DIRECTORY_DIRECTORY_INT_H

/* What the files of the directory module share. */

#include "directory.h"
#include "modules/module.h"

#define ROUTE ROUTE_DECLARE
#include "directory/routes.def"
#undef ROUTE

/** The module's part of the demo region (demo.c). */
bool directory_demo_load(struct error *err, struct op *op);

/** Publishes organisation id's profile: the checked fields of body (medical_function,
 *  departments, services, latitude and longitude, liaison_*, acceptance_notes) and the complete
 *  equipment list equip, by op's user at op's time. */
bool directory_profile_save(struct error *err, struct op *op, const char *id, const json_t *body,
                            const json_t *equip);
/** Sets one field of organisation id's live status to value (checked by the caller), keeping
 *  the change in the history, by op's user at op's time. */
bool directory_status_set(struct error *err, struct op *op, const char *id, const char *field,
                          const json_t *value);

/** Location and HealthcareService: one each per organisation with a directory profile, id =
 *  the organisation's id (fhir.c). */
extern const struct fhir_view *const directory_fhir_views[];

#endif
