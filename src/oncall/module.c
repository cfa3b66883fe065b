/* SPDX-License-Identifier: Apache-2.0 */
/* The oncall module (オンコール・災害時の相互支援, issue 17): its descriptor. */
#include "oncall_int.h"

static const struct route routes[] = {
#define ROUTE ROUTE_ENTRY
#include "routes.def"
#undef ROUTE
};

const struct module oncall_module = {
    .name = "oncall",
    .routes = routes,
    .route_count = MODULE_COUNT(routes),
    .demo_load = oncall_demo_load,
    .sweep = oncall_sweep,
};
