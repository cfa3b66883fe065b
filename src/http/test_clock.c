/* SPDX-License-Identifier: Apache-2.0 */
/* POST /api/test/clock {"advance_ms": N}: in a test build (meson -Dtest_clock=true) only, moves
 * the server's wall clock N ms ahead (1 ms to 31 days; time never goes back), then runs one sweep
 * of every module (http/sweeper.h) before answering {"now"}. The tests of what happens at a time
 * of day or when N minutes have passed (digests, escalations) use it instead of waiting. A
 * production build has no such route (http/routes.def). */
#include "core/clock.h"
#include "core/jsonv.h"
#include "router.h"
#include "sweeper.h"

#ifdef TSUNAGU_TEST_CLOCK
bool test_clock_advance(struct error *err, struct request *req)
{
    static const struct jfield fields[] = {{"advance_ms", JV_INT, true, 0, NULL}, {0}};
    if (!jsonv_check(err, req->json, fields))
        return false;
    json_int_t ms = json_integer_value(json_object_get(req->json, "advance_ms"));
    if (ms < 1 || ms > 31LL * 86400000)
        return error_set(err, ERR_FIELD_RANGE, "advance_ms");
    if (store_in_txn(req->op.conn))
        return error_set(err, ERR_INTERNAL, "the clock moves outside a transaction only");
    clock_advance(ms);
    sweeper_run_now();
    char now[32];
    clock_format_iso(clock_now_ms(), now);
    response_json(req, 200, json_pack("{s:s}", "now", now));
    return true;
}
#endif
