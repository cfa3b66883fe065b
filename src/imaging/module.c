/* SPDX-License-Identifier: Apache-2.0 */
/* The imaging module (the DICOM archive, issue 14): its descriptor. */
#include "imaging_int.h"
#include "scp.h"

static const struct route routes[] = {
#define ROUTE ROUTE_ENTRY
#include "routes.def"
#undef ROUTE
};

static const struct module_command commands[] = {
    {"imaging", "imaging ae add|list|remove",
     "DICOM AE titles that may send to the C-STORE SCP, per organisation", imaging_cli},
    {NULL, NULL, NULL, NULL},
};

static const struct access_case_kind *const case_kinds[] = {&imaging_study_case, NULL};

const struct module imaging_module = {
    .name = "imaging",
    .routes = routes,
    .route_count = MODULE_COUNT(routes),
    .case_kinds = case_kinds,
    .demo_load = imaging_demo_load,
    .commands = commands,
};
