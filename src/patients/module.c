/* SPDX-License-Identifier: Apache-2.0 */
/* The patients module (the regional patient, consents and the care team): its descriptor. */
#include "patients_int.h"

static const struct route routes[] = {
#define ROUTE ROUTE_ENTRY
#include "routes.def"
#undef ROUTE
};

const struct module patients_module = {
    .name = "patients",
    .routes = routes,
    .route_count = MODULE_COUNT(routes),
    .demo_load = patients_demo_load,
    .fhir_views = patients_fhir_views,
};
