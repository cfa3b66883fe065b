/* SPDX-License-Identifier: Apache-2.0 */
/* The directory module (the facility directory with live capacity): its descriptor. */
#include "directory_int.h"

static const struct route routes[] = {
#define ROUTE ROUTE_ENTRY
#include "routes.def"
#undef ROUTE
};

const struct module directory_module = {
    .name = "directory",
    .routes = routes,
    .route_count = MODULE_COUNT(routes),
    .demo_load = directory_demo_load,
    .fhir_views = directory_fhir_views,
};
