/* SPDX-License-Identifier: Apache-2.0 */
/* The on-call roster's domain functions: adding a shift, swapping a role, and who is on call at
 * an instant (oncall_now, the public function the alerts call). */
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "oncall_int.h"

bool oncall_parse_instant(struct error *err, const char *text, const char *field, int64_t *ms)
{
    /* a date alone would be midnight UTC, never meant: an instant names its time and offset */
    if (!text || strlen(text) < 16 || text[10] != 'T' || !clock_parse_iso(text, ms))
        return error_set(err, ERR_ONCALL_TIME, "%s: an ISO 8601 date-time with Z or an offset",
                         field);
    return true;
}

bool oncall_is_member(struct error *err, struct store_conn *conn, const char *org_id,
                      const char *user_id, bool *member)
{
    struct store_stmt *s =
        store_query(err, conn, "SELECT 1 FROM memberships WHERE org_id = ? AND user_id = ?", "tt",
                    org_id, user_id);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    *member = r == STORE_ROW;
    store_done(s);
    return r != STORE_FAIL;
}

static bool members_check(struct error *err, struct op *op, const struct oncall_shift_new *s)
{
    bool member = false;
    if (!oncall_is_member(err, op->conn, op->principal.org_id, s->primary_user_id, &member))
        return false;
    if (!member)
        return error_set(err, ERR_ONCALL_NOT_MEMBER, "primary_user_id");
    if (!s->backup_user_id)
        return true;
    if (strcmp(s->backup_user_id, s->primary_user_id) == 0)
        return error_set(err, ERR_FIELD_VALUE, "backup_user_id: the same as the primary");
    if (!oncall_is_member(err, op->conn, op->principal.org_id, s->backup_user_id, &member))
        return false;
    return member ? true : error_set(err, ERR_ONCALL_NOT_MEMBER, "backup_user_id");
}

bool oncall_shift_create(struct error *err, struct op *op, const struct oncall_shift_new *s,
                         char *id)
{
    if (s->ends_at <= s->starts_at || s->ends_at - s->starts_at > ONCALL_SHIFT_MAX_MS)
        return error_set(err, ERR_ONCALL_TIME, "ends_at: after starts_at, at most 14 days");
    if (s->starts_at < op->now_ms - ONCALL_PLAUSIBLE_MS ||
        s->starts_at > op->now_ms + ONCALL_PLAUSIBLE_MS)
        return error_set(err, ERR_ONCALL_TIME, "starts_at: within a year of now");
    if (!members_check(err, op, s))
        return false;
    ids_uuid_new(id);
    return op_write_begin(err, op) &&
           store_exec(err, op->conn, NULL,
                      "INSERT INTO oncall_shifts (id, org_id, starts_at, ends_at, phone, "
                      "backup_phone, primary_user_id, backup_user_id, note, created_by, "
                      "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                      "ttiitttttti", id, op->principal.org_id, s->starts_at, s->ends_at, s->phone,
                      s->backup_phone, s->primary_user_id, s->backup_user_id, s->note,
                      op->principal.user_id[0] ? op->principal.user_id : NULL, op->now_ms) &&
           op_audit(err, op, "oncall.shift_create", 'C', NULL, "oncall_shift", id, NULL);
}

/* The shift's current holders, of op's organisation, not cancelled and not over. */
static bool shift_holders(struct error *err, struct op *op, const char *sid, char *primary,
                          char *backup)
{
    struct store_stmt *s = store_query(
        err, op->conn,
        "SELECT primary_user_id, COALESCE(backup_user_id, '') FROM oncall_shifts WHERE id = ? "
        "AND org_id = ? AND cancelled_at IS NULL AND ends_at > ?",
        "tti", sid, op->principal.org_id, op->now_ms);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    if (r == STORE_ROW) {
        snprintf(primary, UUID_STR_LEN, "%s", store_text(s, 0));
        snprintf(backup, UUID_STR_LEN, "%s", store_text(s, 1));
    }
    store_done(s);
    if (r == STORE_FAIL)
        return false;
    return r == STORE_ROW ? true : error_set(err, ERR_ONCALL_SHIFT_NOT_FOUND, NULL);
}

bool oncall_shift_swap(struct error *err, struct op *op, const char *sid, const char *role,
                       const char *to_user_id, const char *reason)
{
    char primary[UUID_STR_LEN], backup[UUID_STR_LEN];
    if (!shift_holders(err, op, sid, primary, backup))
        return false;
    bool is_primary = strcmp(role, "primary") == 0;
    const char *from = is_primary ? primary : backup, *other = is_primary ? backup : primary;
    if (strcmp(op->principal.org_role, "org_admin") != 0 &&
        strcmp(op->principal.user_id, from) != 0)
        return error_set(err, ERR_ONCALL_NOT_HOLDER, NULL);
    bool member = false;
    if (!oncall_is_member(err, op->conn, op->principal.org_id, to_user_id, &member))
        return false;
    if (!member)
        return error_set(err, ERR_ONCALL_NOT_MEMBER, "to_user_id");
    if (strcmp(to_user_id, from) == 0)
        return error_set(err, ERR_FIELD_VALUE, "to_user_id: holds the role already");
    /* handing the role to the one holding the other role: the two trade roles */
    bool trade = strcmp(to_user_id, other) == 0;
    const char *new_primary = is_primary ? to_user_id : trade ? from : primary;
    const char *new_backup = is_primary ? (trade ? from : (backup[0] ? backup : NULL)) : to_user_id;
    char id[UUID_STR_LEN], detail[160];
    ids_uuid_new(id);
    snprintf(detail, sizeof detail, "%s %s -> %s%s", role, from[0] ? from : "-", to_user_id,
             trade ? " (roles traded)" : "");
    return op_write_begin(err, op) &&
           store_exec(err, op->conn, NULL,
                      "UPDATE oncall_shifts SET primary_user_id = ?, backup_user_id = ? WHERE id "
                      "= ?",
                      "ttt", new_primary, new_backup, sid) &&
           store_exec(err, op->conn, NULL,
                      "INSERT INTO oncall_swaps (id, shift_id, role, from_user_id, to_user_id, "
                      "reason, swapped_by, swapped_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                      "ttttttti", id, sid, role, from[0] ? from : NULL, to_user_id, reason,
                      op->principal.user_id, op->now_ms) &&
           op_audit(err, op, "oncall.shift_swap", 'U', NULL, "oncall_shift", sid, detail);
}

bool oncall_shift_cancel(struct error *err, struct op *op, const char *sid)
{
    int64_t changed = 0;
    if (!op_write_begin(err, op) ||
        !store_exec(err, op->conn, &changed,
                    "UPDATE oncall_shifts SET cancelled_at = ?, cancelled_by = ? WHERE id = ? AND "
                    "org_id = ? AND cancelled_at IS NULL AND ends_at > ?",
                    "ittti", op->now_ms, op->principal.user_id, sid, op->principal.org_id,
                    op->now_ms))
        return false;
    if (changed != 1)
        return error_set(err, ERR_ONCALL_SHIFT_NOT_FOUND, NULL);
    return op_audit(err, op, "oncall.shift_cancel", 'D', NULL, "oncall_shift", sid, NULL);
}

static void person_of(struct store_stmt *s, int col, const char *phone, struct oncall_person *p)
{
    snprintf(p->user_id, sizeof p->user_id, "%s", store_text(s, col));
    snprintf(p->name, sizeof p->name, "%s", store_text(s, col + 1));
    snprintf(p->profession, sizeof p->profession, "%s", store_text(s, col + 2));
    snprintf(p->phone, sizeof p->phone, "%s", phone ? phone : "");
}

bool oncall_now(struct error *err, struct store_conn *conn, const char *org_id, int64_t at,
                struct oncall_answer *out)
{
    *out = (struct oncall_answer){0};
    struct store_stmt *s = store_query(
        err, conn,
        "SELECT s.id, s.starts_at, s.ends_at, s.phone, s.backup_phone, pu.id, pu.name, "
        "pu.profession, bu.id, bu.name, bu.profession FROM oncall_shifts s JOIN users pu ON "
        "pu.id = s.primary_user_id LEFT JOIN users bu ON bu.id = s.backup_user_id WHERE "
        "s.org_id = ? AND s.cancelled_at IS NULL AND s.starts_at <= ? AND s.ends_at > ? "
        "ORDER BY s.starts_at DESC, s.created_at DESC LIMIT 1",
        "tii", org_id, at, at);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    if (r == STORE_ROW) {
        out->found = true;
        snprintf(out->shift_id, sizeof out->shift_id, "%s", store_text(s, 0));
        out->starts_at = store_int(s, 1);
        out->ends_at = store_int(s, 2);
        person_of(s, 5, store_text(s, 3), &out->primary);
        out->has_backup = !store_is_null(s, 8);
        if (out->has_backup)
            person_of(s, 8, store_is_null(s, 4) ? store_text(s, 3) : store_text(s, 4),
                      &out->backup);
    }
    store_done(s);
    return r != STORE_FAIL;
}

static json_t *person_json(const struct oncall_person *p)
{
    return json_pack("{s:s, s:s, s:s, s:s}", "id", p->user_id, "name", p->name, "profession",
                     p->profession, "phone", p->phone);
}

json_t *oncall_answer_json(const struct oncall_answer *a)
{
    if (!a->found)
        return json_pack("{s:b, s:n, s:n, s:n, s:n, s:n}", "found", 0, "shift_id", "starts_at",
                         "ends_at", "primary", "backup");
    char starts[32], ends[32];
    clock_format_iso(a->starts_at, starts);
    clock_format_iso(a->ends_at, ends);
    return json_pack("{s:b, s:s, s:s, s:s, s:o, s:o}", "found", 1, "shift_id", a->shift_id,
                     "starts_at", starts, "ends_at", ends, "primary", person_json(&a->primary),
                     "backup", a->has_backup ? person_json(&a->backup) : json_null());
}
