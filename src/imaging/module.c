/* SPDX-License-Identifier: Apache-2.0 */
/* The imaging module (the DICOM archive, issue 14): its descriptor. */
#include "imaging_int.h"

static const struct route routes[] = {
#define ROUTE ROUTE_ENTRY
#include "routes.def"
#undef ROUTE
};

static const struct access_case_kind *const case_kinds[] = {&imaging_study_case, NULL};

const struct module imaging_module = {
    .name = "imaging",
    .routes = routes,
    .route_count = MODULE_COUNT(routes),
    .case_kinds = case_kinds,
};
