/* SPDX-License-Identifier: Apache-2.0 */
/* The fhir module (the FHIR R4 REST API (JP Core) over the clinical record): its descriptor. */
#include "rest_int.h"

static const struct route routes[] = {
#define ROUTE ROUTE_ENTRY
#include "routes.def"
#undef ROUTE
};

const struct module fhir_module = {
    .name = "fhir",
    .routes = routes,
    .route_count = MODULE_COUNT(routes),
    .demo_load = fhir_demo_load,
    .fhir_views = fhir_core_views,
};
