/* SPDX-License-Identifier: Apache-2.0 */
/* GET /api/health: the server's own route (http/routes.def). */
#include "core/log.h"
#include "router.h"

/* Liveness and the store's state: 200 {"status":"ok"}, or 503 {"status":"unavailable",
 * "reason", "message"} when the store cannot read or write (a full disk, a read-only file
 * system), for monitoring and load balancers. */
bool health_get(struct error *err, struct request *req)
{
    (void)err;
    struct error e = {0};
    if (store_health(&e, req->ctx->env.store, req->op.conn)) {
        response_json(req, 200, json_pack("{s:s}", "status", "ok"));
        return true;
    }
    log_msg(LOG_WARN, "health.unavailable", "%s: %s", error_code_name(e.code), e.detail);
    response_json(req, 503,
                  json_pack("{s:s, s:s, s:s}", "status", "unavailable", "reason",
                            error_code_name(e.code), "message",
                            error_message(e.code, req->english)));
    return true;
}
