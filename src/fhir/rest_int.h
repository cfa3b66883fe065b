/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_FHIR_REST_INT_H
#define TSUNAGU_FHIR_REST_INT_H

/* The handlers of the FHIR REST layer. */

#include "http/api.h"
#include "modules/module.h"
#include "rest.h"

#define ROUTE ROUTE_DECLARE
#include "fhir/routes.def"
#undef ROUTE

/** The module's part of the demo region (demo.c). */
bool fhir_demo_load(struct error *err, struct op *op);

/** The views of operational data this module answers itself (views.c): Patient,
 *  Organization, Consent, AuditEvent. */
extern const struct fhir_view *const fhir_core_views[];

/** After row was written through the REST API by op's principal (old_version: the live version
 *  it replaced, 0 when new or after a deletion), tells the modules what the patient's team should
 *  hear (team_events.c: medication changes, admissions, discharges, deaths), in the write's
 *  transaction. */
bool fhir_team_events(struct error *err, struct op *op, const struct fhir_row *row, int old_version,
                      const json_t *res);

#endif
