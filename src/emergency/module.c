/* SPDX-License-Identifier: Apache-2.0 */
/* The emergency module (break-the-glass access and its review by the organisation): its descriptor.
 */
#include "emergency_int.h"

static const struct route routes[] = {
#define ROUTE ROUTE_ENTRY
#include "routes.def"
#undef ROUTE
};

const struct module emergency_module = {
    .name = "emergency",
    .routes = routes,
    .route_count = MODULE_COUNT(routes),
};
