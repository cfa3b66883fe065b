/* SPDX-License-Identifier: Apache-2.0 */
/* Emergency (break-the-glass) access: who may use it, and the end of expired grants. The
 * decision to let a grant open patient data is in access.c (access_decide). */
#include <stdio.h>
#include <string.h>

#include "access.h"
#include "audit/audit.h"
#include "core/ids.h"

bool access_org_type_is_hospital(const char *type)
{
    static const char *const hospitals[] = {"advanced_acute_hospital", "acute_hospital",
                                            "recovery_hospital", "chronic_hospital"};
    for (size_t i = 0; type && i < sizeof(hospitals) / sizeof(hospitals[0]); i++)
        if (strcmp(type, hospitals[i]) == 0)
            return true;
    return false;
}

bool access_emergency_eligible(struct error *err, struct store_conn *conn,
                               const struct principal *p)
{
    if (p->network_admin)
        return error_set(err, ERR_EMERGENCY_NOT_ELIGIBLE, "network administrators");
    if (p->via_token)
        return error_set(err, ERR_EMERGENCY_NOT_ELIGIBLE, "API tokens");
    if (p->pending)
        return error_set(err, ERR_EMERGENCY_NOT_ELIGIBLE, "account awaiting confirmation");
    if (strcmp(p->profession, "physician") != 0 && strcmp(p->profession, "nurse") != 0)
        return error_set(err, ERR_EMERGENCY_NOT_ELIGIBLE, "profession %s", p->profession);
    if (!p->org_id[0])
        return error_set(err, ERR_NO_ORG, NULL);
    struct store_stmt *s =
        store_query(err, conn, "SELECT type FROM orgs WHERE id = ?", "t", p->org_id);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    bool hospital = r == STORE_ROW && access_org_type_is_hospital(store_text(s, 0));
    store_done(s);
    if (r == STORE_FAIL)
        return false;
    if (!hospital)
        return error_set(err, ERR_EMERGENCY_NOT_ELIGIBLE, "organisation is not a hospital");
    return true;
}

bool access_emergency_grant(struct error *err, struct op *op, const char *patient_id,
                            const char *reason, int64_t expires_at, char *gid)
{
    const struct principal *p = &op->principal;
    ids_uuid_new(gid);
    return op_write_begin(err, op) &&
           store_exec(err, op->conn, NULL,
                      "INSERT INTO emergency_access (id, user_id, org_id, patient_id, reason, "
                      "started_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                      "tttttii", gid, p->user_id, p->org_id, patient_id, reason, op->now_ms,
                      expires_at);
}

bool access_emergency_end(struct error *err, struct op *op, const char *gid, bool *ended)
{
    int64_t changed = 0;
    if (!op_write_begin(err, op) ||
        !store_exec(err, op->conn, &changed,
                    "UPDATE emergency_access SET ended_at = ?, end_reason = 'ended' WHERE id = ? "
                    "AND user_id = ? AND ended_at IS NULL",
                    "itt", op->now_ms, gid, op->principal.user_id))
        return false;
    *ended = changed == 1;
    return true;
}

bool access_emergency_review_close(struct error *err, struct op *op, const char *gid,
                                   const char *comment)
{
    return op_write_begin(err, op) &&
           store_exec(err, op->conn, NULL,
                      "UPDATE emergency_access SET review_closed_at = ?, review_closed_by = ?, "
                      "review_comment = ? WHERE id = ? AND review_closed_at IS NULL",
                      "ittt", op->now_ms, op->principal.user_id, comment, gid);
}

static const char sql_expired[] =
    "SELECT e.id, e.user_id, u.login, e.org_id, e.patient_id FROM emergency_access e "
    "JOIN users u ON u.id = e.user_id WHERE e.ended_at IS NULL AND e.expires_at <= ?1 "
    "ORDER BY e.expires_at LIMIT 1";

/* Ends one expired grant and audits it; *found is false when none is left. */
static bool end_one(struct error *err, struct store_conn *conn, int64_t now_ms, bool *found)
{
    struct store_stmt *s = store_query(err, conn, sql_expired, "i", now_ms);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    *found = r == STORE_ROW;
    if (!*found) {
        store_done(s);
        return r != STORE_FAIL;
    }
    char id[UUID_STR_LEN], user[UUID_STR_LEN], login[72], org[UUID_STR_LEN], patient[UUID_STR_LEN];
    snprintf(id, sizeof(id), "%s", store_text(s, 0));
    snprintf(user, sizeof(user), "%s", store_text(s, 1));
    snprintf(login, sizeof(login), "%s", store_text(s, 2));
    snprintf(org, sizeof(org), "%s", store_text(s, 3));
    snprintf(patient, sizeof(patient), "%s", store_text(s, 4));
    store_done(s);
    struct audit_record rec = {
        .event_id = "emergency.end",
        .action = 'E',
        .outcome = AUDIT_SUCCESS,
        .user_id = user,
        .user_login = login,
        .org_id = org,
        .client = "server",
        .patient_id = patient,
        .object_type = "emergency_access",
        .object_id = id,
        .detail = "emergency override end: expired",
    };
    return store_exec(err, conn, NULL,
                      "UPDATE emergency_access SET ended_at = ?, end_reason = 'expired' "
                      "WHERE id = ? AND ended_at IS NULL",
                      "it", now_ms, id) &&
           audit_append_txn(err, conn, &rec);
}

bool access_emergency_sweep(struct error *err, struct store_conn *conn, int64_t now_ms, int *ended)
{
    int n = 0;
    if (ended)
        *ended = 0;
    /* Cheap check first: most sweeps find nothing and need no write lock. */
    struct store_stmt *s = store_query(
        err, conn, "SELECT 1 FROM emergency_access WHERE ended_at IS NULL AND expires_at <= ?", "i",
        now_ms);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    store_done(s);
    if (r != STORE_ROW)
        return r != STORE_FAIL;
    if (!store_begin(err, conn, true))
        return false;
    bool found = true;
    while (found && n < 1000) {
        if (!end_one(err, conn, now_ms, &found)) {
            store_rollback(conn);
            return false;
        }
        n += found;
    }
    if (!store_commit(err, conn)) {
        store_rollback(conn);
        return false;
    }
    if (ended)
        *ended = n;
    return true;
}
