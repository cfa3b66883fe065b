/* SPDX-License-Identifier: Apache-2.0 */
/* The co-viewing module (相談: looking at one study together): its descriptor, and the sweep
 * that ends idle sessions. */
#include "coview_int.h"

#include "core/clock.h"

static const struct route routes[] = {
#define ROUTE ROUTE_ENTRY
#include "routes.def"
#undef ROUTE
};

/* Sessions nobody changed for COVIEW_IDLE_MS end; each end is audited on its patient. */
bool coview_sweep(struct error *err, struct op *op)
{
    struct coview_ended ended[16];
    int n = coview_sessions_expire(op->now_ms, ended, 16);
    for (int i = 0; i < n; i++)
        if (!op_write_begin(err, op) ||
            !op_audit(err, op, "coview_idle_end", 'U', ended[i].patient_id, "coview", ended[i].id,
                      "idle time-out"))
            return false;
    return true;
}

const struct module coview_module = {
    .name = "coview",
    .routes = routes,
    .route_count = MODULE_COUNT(routes),
    .sweep = coview_sweep,
};
