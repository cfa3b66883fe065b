/* SPDX-License-Identifier: Apache-2.0 */
/* Backup (災害時の相互支援, issue 17): partnerships, declarations that open standby grants to the
 * partners (access/standby.c) and end them, the sweep of declarations past their planned end,
 * and the patients' dependence the disaster view counts. */
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "notify/notify.h"
#include "oncall_int.h"

static bool org_exists(struct error *err, struct store_conn *conn, const char *org_id, bool *found)
{
    struct store_stmt *s = store_query(err, conn, "SELECT 1 FROM orgs WHERE id = ?", "t", org_id);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    *found = r == STORE_ROW;
    store_done(s);
    return r != STORE_FAIL;
}

bool oncall_partner_create(struct error *err, struct op *op, const char *partner_org_id, char *id)
{
    const char *org = op->principal.org_id;
    bool found = false;
    if (strcmp(org, partner_org_id) == 0)
        return error_set(err, ERR_FIELD_VALUE, "partner_org_id: the organisation itself");
    if (!org_exists(err, op->conn, partner_org_id, &found))
        return false;
    if (!found)
        return error_set(err, ERR_ONCALL_ORG_UNKNOWN, "partner_org_id");
    struct store_stmt *s =
        store_query(err, op->conn,
                    "SELECT 1 FROM oncall_partners WHERE ended_at IS NULL AND ((org_id = ?1 AND "
                    "partner_org_id = ?2) OR (org_id = ?2 AND partner_org_id = ?1))",
                    "tt", org, partner_org_id);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    store_done(s);
    if (r == STORE_FAIL)
        return false;
    if (r == STORE_ROW)
        return error_set(err, ERR_ONCALL_PARTNER_EXISTS, NULL);
    ids_uuid_new(id);
    return op_write_begin(err, op) &&
           store_exec(err, op->conn, NULL,
                      "INSERT INTO oncall_partners (id, org_id, partner_org_id, proposed_by, "
                      "proposed_at) VALUES (?, ?, ?, ?, ?)",
                      "tttti", id, org, partner_org_id, op->principal.user_id, op->now_ms) &&
           op_audit(err, op, "oncall.partner_create", 'C', NULL, "oncall_partner", id,
                    partner_org_id);
}

bool oncall_partner_accept(struct error *err, struct op *op, const char *pid)
{
    int64_t changed = 0;
    if (!op_write_begin(err, op) ||
        !store_exec(err, op->conn, &changed,
                    "UPDATE oncall_partners SET accepted_at = ?, accepted_by = ? WHERE id = ? AND "
                    "partner_org_id = ? AND accepted_at IS NULL AND ended_at IS NULL",
                    "ittt", op->now_ms, op->principal.user_id, pid, op->principal.org_id))
        return false;
    if (changed != 1)
        return error_set(err, ERR_ONCALL_PARTNER_NOT_FOUND, NULL);
    return op_audit(err, op, "oncall.partner_accept", 'U', NULL, "oncall_partner", pid, NULL);
}

bool oncall_partner_end(struct error *err, struct op *op, const char *pid)
{
    const char *org = op->principal.org_id;
    char a[UUID_STR_LEN] = "", b[UUID_STR_LEN] = "";
    struct store_stmt *s = store_query(err, op->conn,
                                       "SELECT org_id, partner_org_id FROM oncall_partners WHERE "
                                       "id = ?1 AND (org_id = ?2 OR partner_org_id = ?2) AND "
                                       "ended_at IS NULL",
                                       "tt", pid, org);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    if (r == STORE_ROW) {
        snprintf(a, sizeof a, "%s", store_text(s, 0));
        snprintf(b, sizeof b, "%s", store_text(s, 1));
    }
    store_done(s);
    if (r == STORE_FAIL)
        return false;
    if (r != STORE_ROW)
        return error_set(err, ERR_ONCALL_PARTNER_NOT_FOUND, NULL);
    /* a declaration in force of either side stops opening the other's reading at once */
    s = store_query(err, op->conn,
                    "SELECT id, org_id FROM oncall_declarations WHERE (org_id = ? OR org_id = ?) "
                    "AND ended_at IS NULL",
                    "tt", a, b);
    if (!s)
        return false;
    char dids[2][UUID_STR_LEN], partners[2][UUID_STR_LEN];
    int n = 0;
    while (n < 2 && (r = store_step(err, s)) == STORE_ROW) {
        snprintf(dids[n], UUID_STR_LEN, "%s", store_text(s, 0));
        snprintf(partners[n], UUID_STR_LEN, "%s", strcmp(store_text(s, 1), a) == 0 ? b : a);
        n++;
    }
    store_done(s);
    if (r == STORE_FAIL || !op_write_begin(err, op) ||
        !store_exec(err, op->conn, NULL,
                    "UPDATE oncall_partners SET ended_at = ? WHERE id = ? AND ended_at IS NULL",
                    "it", op->now_ms, pid))
        return false;
    for (int i = 0; i < n; i++)
        if (!access_standby_end(err, op, dids[i], partners[i], "partnership_ended", NULL))
            return false;
    return op_audit(err, op, "oncall.partner_end", 'U', NULL, "oncall_partner", pid, NULL);
}

enum { PARTNERS_MAX = 32 };

/* The accepted partners of org_id, both ways. */
static int partners_of(struct error *err, struct op *op, const char *org_id,
                       char ids[][UUID_STR_LEN])
{
    struct store_stmt *s = store_query(
        err, op->conn,
        "SELECT CASE WHEN org_id = ?1 THEN partner_org_id ELSE org_id END FROM oncall_partners "
        "WHERE (org_id = ?1 OR partner_org_id = ?1) AND accepted_at IS NOT NULL AND ended_at IS "
        "NULL ORDER BY 1",
        "t", org_id);
    if (!s)
        return -1;
    int n = 0;
    enum store_step_result r = STORE_DONE;
    while (n < PARTNERS_MAX && (r = store_step(err, s)) == STORE_ROW)
        snprintf(ids[n++], UUID_STR_LEN, "%s", store_text(s, 0));
    store_done(s);
    return r == STORE_FAIL ? -1 : n;
}

/* Tells each partner that org declared itself unavailable or ended it (kind "oncall_declaration"
 * or "oncall_declaration_end"): a notification naming no patient, so that the partner knows it
 * stands by (its patients are opened by id through the access rule). */
static bool tell_partners(struct error *err, struct op *op, const char *org,
                          char partners[][UUID_STR_LEN], int n, const char *kind, const char *did,
                          const char *reason)
{
    char at[32];
    clock_format_iso(op->now_ms, at);
    json_t *summary = json_pack("{s:s, s:s, s:s, s:s}", "org_id", org, "declaration_id", did,
                                "reason", reason, "at", at);
    if (!summary)
        return error_set(err, ERR_NOMEM, NULL);
    bool ok = true;
    for (int i = 0; ok && i < n; i++) {
        struct notify_message m = {.kind = kind, .ref_id = did, .summary = summary};
        ok = notify_org(err, op, partners[i], &m);
    }
    json_decref(summary);
    return ok;
}

bool oncall_declare(struct error *err, struct op *op, const char *reason, const char *note,
                    int64_t planned_end_at, char *id)
{
    const char *org = op->principal.org_id;
    if (planned_end_at <= op->now_ms ||
        planned_end_at > op->now_ms + ONCALL_DECLARATION_MAX_DAYS * 86400000LL)
        return error_set(err, ERR_ONCALL_TIME, "planned_end_at: after now, within 30 days");
    char partners[PARTNERS_MAX][UUID_STR_LEN];
    int n = partners_of(err, op, org, partners);
    if (n < 0 || !op_write_begin(err, op))
        return false;
    ids_uuid_new(id);
    if (!store_exec(err, op->conn, NULL,
                    "INSERT INTO oncall_declarations (id, org_id, reason, note, started_at, "
                    "planned_end_at, declared_by) SELECT ?, ?, ?, ?, ?, ?, ? WHERE NOT EXISTS "
                    "(SELECT 1 FROM oncall_declarations WHERE org_id = ? AND ended_at IS NULL)",
                    "ttttiitt", id, org, reason, note, op->now_ms, planned_end_at,
                    op->principal.user_id[0] ? op->principal.user_id : NULL, org))
        return false;
    int64_t inserted = 0;
    struct store_stmt *s =
        store_query(err, op->conn, "SELECT 1 FROM oncall_declarations WHERE id = ?", "t", id);
    if (!s)
        return false;
    inserted = store_step(err, s) == STORE_ROW;
    store_done(s);
    if (!inserted)
        return error_set(err, ERR_ONCALL_DECLARATION_OPEN, NULL);
    if (!op_audit(err, op, "oncall.declare", 'C', NULL, "oncall_declaration", id, reason))
        return false;
    char gid[UUID_STR_LEN];
    for (int i = 0; i < n; i++)
        if (!access_standby_start(err, op, id, org, partners[i], planned_end_at, gid))
            return false;
    return tell_partners(err, op, org, partners, n, "oncall_declaration", id, reason);
}

/* The partners holding an open grant of declaration did. */
static int grant_partners(struct error *err, struct op *op, const char *did,
                          char ids[][UUID_STR_LEN])
{
    struct store_stmt *s = store_query(err, op->conn,
                                       "SELECT partner_org_id FROM standby_grants WHERE "
                                       "declaration_id = ? AND ended_at IS NULL ORDER BY 1",
                                       "t", did);
    if (!s)
        return -1;
    int n = 0;
    enum store_step_result r = STORE_DONE;
    while (n < PARTNERS_MAX && (r = store_step(err, s)) == STORE_ROW)
        snprintf(ids[n++], UUID_STR_LEN, "%s", store_text(s, 0));
    store_done(s);
    return r == STORE_FAIL ? -1 : n;
}

bool oncall_declaration_end(struct error *err, struct op *op, const char *org_id, const char *did,
                            const char *end_reason)
{
    char partners[PARTNERS_MAX][UUID_STR_LEN];
    int n = grant_partners(err, op, did, partners);
    int64_t changed = 0;
    if (n < 0 || !op_write_begin(err, op) ||
        !store_exec(err, op->conn, &changed,
                    "UPDATE oncall_declarations SET ended_at = ?, end_reason = ?, ended_by = ? "
                    "WHERE id = ? AND org_id = ? AND ended_at IS NULL",
                    "itttt", op->now_ms, end_reason,
                    op->principal.user_id[0] ? op->principal.user_id : NULL, did, org_id))
        return false;
    if (changed != 1)
        return error_set(err, ERR_ONCALL_DECLARATION_NOT_FOUND, NULL);
    return access_standby_end(err, op, did, NULL, end_reason, NULL) &&
           op_audit(err, op, "oncall.declaration_end", 'U', NULL, "oncall_declaration", did,
                    end_reason) &&
           tell_partners(err, op, org_id, partners, n, "oncall_declaration_end", did, end_reason);
}

bool oncall_sweep(struct error *err, struct op *op)
{
    enum { SWEEP_MAX = 16 };
    char ids[SWEEP_MAX][UUID_STR_LEN], orgs[SWEEP_MAX][UUID_STR_LEN];
    int n = 0;
    struct store_stmt *s = store_query(
        err, op->conn,
        "SELECT id, org_id FROM oncall_declarations WHERE ended_at IS NULL AND planned_end_at <= "
        "? ORDER BY planned_end_at LIMIT 16",
        "i", op->now_ms);
    if (!s)
        return false;
    enum store_step_result r = STORE_DONE;
    while (n < SWEEP_MAX && (r = store_step(err, s)) == STORE_ROW) {
        snprintf(ids[n], UUID_STR_LEN, "%s", store_text(s, 0));
        snprintf(orgs[n++], UUID_STR_LEN, "%s", store_text(s, 1));
    }
    store_done(s);
    if (r == STORE_FAIL)
        return false;
    for (int i = 0; i < n; i++)
        if (!oncall_declaration_end(err, op, orgs[i], ids[i], "expired"))
            return false;
    return true;
}

bool oncall_dependence_set(struct error *err, struct op *op, const char *patient_id,
                           bool ventilator, bool oxygen, bool dialysis, const char *note)
{
    char detail[64];
    snprintf(detail, sizeof detail, "ventilator=%d oxygen=%d dialysis=%d", ventilator, oxygen,
             dialysis);
    return op_write_begin(err, op) &&
           store_exec(err, op->conn, NULL, "DELETE FROM oncall_dependence WHERE patient_id = ?",
                      "t", patient_id) &&
           store_exec(err, op->conn, NULL,
                      "INSERT INTO oncall_dependence (patient_id, ventilator, oxygen, dialysis, "
                      "note, set_by_org, set_by, set_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                      "tbbbttti", patient_id, ventilator, oxygen, dialysis, note,
                      op->principal.org_id, op->principal.user_id, op->now_ms) &&
           op_audit(err, op, "oncall.dependence_set", 'U', patient_id, "oncall_dependence",
                    patient_id, detail);
}
