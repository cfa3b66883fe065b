/* SPDX-License-Identifier: Apache-2.0 */
/* Standby grants (issue 17, 災害時の相互支援): while an organisation has declared itself
 * unavailable, each of its accepted backup partners may read the demographics and the record of
 * its patients whose consent in force names the partner (access_decide reads the grants through
 * ACCESS_STANDBY_COND; this file starts and ends them, each with its audit record). */
#include <stdio.h>

#include "access.h"
#include "core/ids.h"

bool access_class_standby(enum data_class cls)
{
    return cls == DATA_DEMOGRAPHICS || cls == DATA_CLINICAL || cls == DATA_CLINICAL_EMERGENCY;
}

bool access_standby_start(struct error *err, struct op *op, const char *declaration_id,
                          const char *org_id, const char *partner_org_id, int64_t expires_at,
                          char *gid)
{
    ids_uuid_new(gid);
    char detail[160];
    snprintf(detail, sizeof detail, "standby grant for partner %s, declaration %s", partner_org_id,
             declaration_id);
    return op_write_begin(err, op) &&
           store_exec(err, op->conn, NULL,
                      "INSERT INTO standby_grants (id, declaration_id, org_id, partner_org_id, "
                      "started_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
                      "ttttii", gid, declaration_id, org_id, partner_org_id, op->now_ms,
                      expires_at) &&
           op_audit(err, op, "standby.start", 'E', NULL, "standby_grant", gid, detail);
}

enum { STANDBY_END_MAX = 64 /* partners of one organisation ended at once */ };

bool access_standby_end(struct error *err, struct op *op, const char *declaration_id,
                        const char *partner_org_id, const char *reason, int *ended)
{
    char ids[STANDBY_END_MAX][UUID_STR_LEN];
    int n = 0;
    struct store_stmt *s = store_query(
        err, op->conn,
        "SELECT id FROM standby_grants WHERE declaration_id = ?1 AND (CAST(?2 AS TEXT) IS NULL OR "
        "partner_org_id = ?2) AND ended_at IS NULL ORDER BY id",
        "tt", declaration_id, partner_org_id);
    if (!s)
        return false;
    enum store_step_result r = STORE_DONE;
    while (n < STANDBY_END_MAX && (r = store_step(err, s)) == STORE_ROW)
        snprintf(ids[n++], UUID_STR_LEN, "%s", store_text(s, 0));
    store_done(s);
    if (r == STORE_FAIL)
        return false;
    char detail[96];
    snprintf(detail, sizeof detail, "standby grant ended (%s), declaration %s", reason,
             declaration_id);
    for (int i = 0; i < n; i++)
        if (!op_write_begin(err, op) ||
            !store_exec(err, op->conn, NULL,
                        "UPDATE standby_grants SET ended_at = ?, end_reason = ? WHERE id = ? AND "
                        "ended_at IS NULL",
                        "itt", op->now_ms, reason, ids[i]) ||
            !op_audit(err, op, "standby.end", 'E', NULL, "standby_grant", ids[i], detail))
            return false;
    if (ended)
        *ended = n;
    return true;
}
