/* SPDX-License-Identifier: Apache-2.0 */
/* Record shares: a referral or a shared-equipment booking opens the patient's record to the
 * receiving organisation for reading, for its purpose and time window, where the patient's
 * consent names that organisation (access_decide reads them; this file starts and ends them). */
#include <stdio.h>

#include "access.h"
#include "core/clock.h"
#include "core/ids.h"

/* The rule's consent part (?1–?4: the receiver's rule arguments) for patient ?5. */
static const char sql_consent[] = "SELECT " ACCESS_CONSENT_SQL " FROM (SELECT ?5 AS id) p";

bool access_consent_names(struct error *err, struct store_conn *conn, const char *org_id,
                          const char *patient_id, bool *names)
{
    struct access_rule_args a;
    access_rule_args_org(org_id, &a);
    struct store_stmt *s = store_query(err, conn, sql_consent, "tttit", a.org_id, a.today,
                                       a.user_id, a.now_ms, patient_id);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    *names = r == STORE_ROW && store_int(s, 0);
    store_done(s);
    return r != STORE_FAIL;
}

bool access_share_start(struct error *err, struct op *op, const char *patient_id,
                        const char *org_id, const struct access_case_kind *kind,
                        const char *source_id, int64_t expires_at, bool *shared)
{
    *shared = false;
    bool consent;
    if (!access_consent_names(err, op->conn, org_id, patient_id, &consent))
        return false;
    if (!consent)
        return true; /* the case goes ahead; the record stays closed to the receiver */
    char id[UUID_STR_LEN];
    ids_uuid_new(id);
    if (!store_exec(err, op->conn, NULL,
                    "INSERT INTO record_shares (id, patient_id, org_id, source_kind, source_id, "
                    "started_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    "tttttii", id, patient_id, org_id, kind->name, source_id, op->now_ms,
                    expires_at))
        return false;
    *shared = true;
    return true;
}

bool access_share_end(struct error *err, struct op *op, const struct access_case_kind *kind,
                      const char *source_id, const char *reason, int *ended)
{
    int64_t changed = 0;
    if (!store_exec(err, op->conn, &changed,
                    "UPDATE record_shares SET ended_at = ?, end_reason = ? "
                    "WHERE source_kind = ? AND source_id = ? AND ended_at IS NULL",
                    "ittt", op->now_ms, reason, kind->name, source_id))
        return false;
    if (ended)
        *ended = (int)changed;
    return true;
}
