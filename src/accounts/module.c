/* SPDX-License-Identifier: Apache-2.0 */
/* The accounts module (logging in, one's own account, users, API tokens and organisations): its
 * descriptor. */
#include "accounts_int.h"

static const struct route routes[] = {
#define ROUTE ROUTE_ENTRY
#include "routes.def"
#undef ROUTE
};

const struct module accounts_module = {
    .name = "accounts",
    .routes = routes,
    .route_count = MODULE_COUNT(routes),
};
