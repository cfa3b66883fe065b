/* SPDX-License-Identifier: Apache-2.0 */
/* The conference module (カンファレンス: case conferences of the region's organisations): its
 * descriptor. */
#include "conference_int.h"

static const struct route routes[] = {
#define ROUTE ROUTE_ENTRY
#include "routes.def"
#undef ROUTE
};

const struct module conference_module = {
    .name = "conference",
    .routes = routes,
    .route_count = MODULE_COUNT(routes),
    .demo_load = conference_demo_load,
};
