/* SPDX-License-Identifier: Apache-2.0 */
/* The auditlog module (the audit trail for administrators): its descriptor. */
#include "auditlog_int.h"

static const struct route routes[] = {
#define ROUTE ROUTE_ENTRY
#include "routes.def"
#undef ROUTE
};

const struct module auditlog_module = {
    .name = "auditlog",
    .routes = routes,
    .route_count = MODULE_COUNT(routes),
};
