/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <string.h>

#include "audit.h"

static const char sql_walk[] =
    "SELECT seq, time, event_id, action, outcome, user_id, user_login, org_id, client, "
    "patient_id, object_type, object_id, request_id, detail, prev_hash, hash "
    "FROM audit ORDER BY seq";

static bool broken(struct audit_verify_result *res, int64_t seq, const char *why)
{
    res->bad_seq = seq;
    snprintf(res->reason, sizeof(res->reason), "%s", why);
    return false;
}

/* Checks one row against the chain so far; false (with res filled) where it breaks. */
static bool check_row(struct store_stmt *s, int64_t expected, const char *prev,
                      struct audit_verify_result *res)
{
    int64_t seq = store_int(s, 0);
    const char *action = store_text(s, 3);
    struct audit_record rec = {
        .event_id = store_text(s, 2),
        .action = action ? action[0] : 0,
        .outcome = (enum audit_outcome)store_int(s, 4),
        .user_id = store_text(s, 5),
        .user_login = store_text(s, 6),
        .org_id = store_text(s, 7),
        .client = store_text(s, 8),
        .patient_id = store_text(s, 9),
        .object_type = store_text(s, 10),
        .object_id = store_text(s, 11),
        .request_id = store_text(s, 12),
        .detail = store_text(s, 13),
    };
    const char *stored_prev = store_text(s, 14), *stored_hash = store_text(s, 15);
    if (seq != expected)
        return broken(res, expected,
                      seq > expected ? "record missing (gap in sequence)" : "record out of order");
    if (!stored_prev || strcmp(stored_prev, prev) != 0)
        return broken(res, seq,
                      "previous-hash link does not match (record inserted, removed or "
                      "reordered)");
    char computed[65];
    audit_hash(prev, seq, store_text(s, 1), &rec, computed);
    if (!stored_hash || strcmp(stored_hash, computed) != 0)
        return broken(res, seq, "record content does not match its hash (record changed)");
    return true;
}

bool audit_verify(struct error *err, struct store_conn *conn, struct audit_verify_result *res)
{
    memset(res, 0, sizeof(*res));
    char prev[65];
    memcpy(prev, audit_genesis_hash, 65);
    struct store_stmt *s = store_query(err, conn, sql_walk, "");
    if (!s)
        return false;
    int64_t expected = 1;
    bool ok = true;
    enum store_step_result r;
    while ((r = store_step(err, s)) == STORE_ROW) {
        if (!check_row(s, expected, prev, res)) {
            ok = false;
            break;
        }
        snprintf(prev, sizeof(prev), "%s", store_text(s, 15));
        expected++;
        res->records++;
    }
    store_done(s);
    memcpy(res->head_hash, prev, 65);
    return r != STORE_FAIL && ok;
}
