/* SPDX-License-Identifier: Apache-2.0 */
/* The homecare module (在宅医療の多職種連携: the team room of a patient at home): its descriptor.
 */
#include "homecare_int.h"

static const struct route routes[] = {
#define ROUTE ROUTE_ENTRY
#include "routes.def"
#undef ROUTE
};

/* The module's sweep (struct module): the schedule's rolling windows, then the alerts due to
 * escalate. */
static bool homecare_sweep(struct error *err, struct op *op)
{
    return schedule_sweep(err, op) && homecare_alerts_escalate(err, op);
}

const struct module homecare_module = {
    .name = "homecare",
    .routes = routes,
    .route_count = MODULE_COUNT(routes),
    .demo_load = homecare_demo_load,
    .sweep = homecare_sweep,
};
