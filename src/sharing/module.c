/* SPDX-License-Identifier: Apache-2.0 */
/* The sharing module (情報共有ルール, issue 17): its descriptor. */
#include "sharing_int.h"

static const struct route routes[] = {
#define ROUTE ROUTE_ENTRY
#include "routes.def"
#undef ROUTE
};

const struct module sharing_module = {
    .name = "sharing",
    .routes = routes,
    .route_count = MODULE_COUNT(routes),
    .demo_load = sharing_demo_load,
    .sweep = sharing_sweep,
    .team_event = sharing_team_event,
};
