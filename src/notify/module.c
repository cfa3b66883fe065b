/* SPDX-License-Identifier: Apache-2.0 */
/* The notify module (notifications to an organisation and the real-time event stream): its
 * descriptor. */
#include "notify_int.h"

static const struct route routes[] = {
#define ROUTE ROUTE_ENTRY
#include "routes.def"
#undef ROUTE
};

const struct module notify_module = {
    .name = "notify",
    .routes = routes,
    .route_count = MODULE_COUNT(routes),
};
