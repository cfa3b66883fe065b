/* SPDX-License-Identifier: Apache-2.0 */
/* The stats module (referral figures (実績) per organisation and month): its descriptor. */
#include "stats_int.h"

static const struct route routes[] = {
#define ROUTE ROUTE_ENTRY
#include "routes.def"
#undef ROUTE
};

const struct module stats_module = {
    .name = "stats",
    .routes = routes,
    .route_count = MODULE_COUNT(routes),
    .demo_load = stats_demo_load,
};
