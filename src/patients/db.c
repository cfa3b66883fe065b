/* SPDX-License-Identifier: Apache-2.0 */
/* The patients module's writes: the regional patient, the organisations' local ids, the care
 * team and consents. The API's handlers and the demo region both go through these; who acts and
 * when come from the op. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/kana.h"
#include "patients_int.h"

static const char *or_empty(const char *s)
{
    return s ? s : "";
}

bool patients_patient_create(struct error *err, struct op *op, const struct patients_new *p,
                             char id[UUID_STR_LEN])
{
    char *name_key = kana_normalize(p->name), *kana_key = kana_normalize(p->name_kana);
    bool ok = name_key && kana_key && name_key[0] && kana_key[0];
    if (!ok)
        error_set(err, ERR_FIELD_VALUE, "name and name_kana must not be empty");
    if (ok && !id[0])
        ids_uuid_new(id);
    ok =
        ok && op_write_begin(err, op) &&
        store_exec(err, op->conn, NULL,
                   "INSERT INTO patients (id, name, name_kana, name_key, kana_key, sex, "
                   "birth_date, address, phone, created_at, updated_at) VALUES (?, ?, ?, ?, ?, "
                   "?, ?, ?, ?, ?, ?)",
                   "tttttttttii", id, p->name, p->name_kana, name_key, kana_key, p->sex,
                   p->birth_date, or_empty(p->address), or_empty(p->phone), op->now_ms, op->now_ms);
    free(name_key);
    free(kana_key);
    return ok;
}

bool patients_local_id_insert(struct error *err, struct op *op, const char *patient_id,
                              const char *org_id, const char *local_id)
{
    if (!local_id[0])
        return error_set(err, ERR_FIELD_VALUE, "local_id: empty");
    if (!op_write_begin(err, op))
        return false;
    if (store_exec(err, op->conn, NULL,
                   "INSERT INTO patient_local_ids (org_id, local_id, patient_id, created_at) "
                   "VALUES (?, ?, ?, ?)",
                   "ttti", org_id, local_id, patient_id, op->now_ms))
        return true;
    if (!store_last_was_unique_violation(op->conn))
        return false;
    error_clear(err);
    return error_set(err, ERR_LOCAL_ID_TAKEN, "%s", local_id);
}

bool patients_local_id_find(struct error *err, struct store_conn *conn, const char *org_id,
                            const char *local_id, char *patient_id, bool *found)
{
    *found = false;
    struct store_stmt *s = store_query(
        err, conn, "SELECT patient_id FROM patient_local_ids WHERE org_id = ? AND local_id = ?",
        "tt", org_id, local_id);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    if (r == STORE_ROW) {
        snprintf(patient_id, UUID_STR_LEN, "%s", store_text(s, 0));
        *found = true;
    }
    store_done(s);
    return r != STORE_FAIL;
}

bool patients_team_insert(struct error *err, struct op *op, const struct patients_member *m,
                          char id[UUID_STR_LEN])
{
    if (!id[0])
        ids_uuid_new(id);
    return op_write_begin(err, op) &&
           store_exec(err, op->conn, NULL,
                      "INSERT INTO care_team (id, patient_id, org_id, user_id, role, role_code, "
                      "added_by, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                      "ttttttti", id, m->patient_id, m->org_id, m->user_id, or_empty(m->role),
                      m->role_code, op->principal.user_id, op->now_ms);
}

bool patients_team_remove(struct error *err, struct op *op, const char *patient_id,
                          const char *member_id)
{
    int64_t changed = 0;
    if (!op_write_begin(err, op) ||
        !store_exec(err, op->conn, &changed,
                    "UPDATE care_team SET removed_at = ?, removed_by = ? WHERE id = ? AND "
                    "patient_id = ? AND removed_at IS NULL",
                    "ittt", op->now_ms, op->principal.user_id, member_id, patient_id))
        return false;
    return changed == 1 || error_set(err, ERR_TEAM_MEMBER_NOT_FOUND, NULL);
}

bool patients_consent_insert(struct error *err, struct op *op, const struct patients_consent *c,
                             char id[UUID_STR_LEN])
{
    if (c->org_count == 0)
        return error_set(err, ERR_FIELD_VALUE, "org_ids: list at least one organisation");
    if (!id[0])
        ids_uuid_new(id);
    if (!op_write_begin(err, op) ||
        !store_exec(err, op->conn, NULL,
                    "INSERT INTO consents (id, patient_id, scope, method, consented_on, note, "
                    "recorded_by, recorded_by_org, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    "tttttttti", id, c->patient_id, c->scope, c->method, c->consented_on,
                    or_empty(c->note), op->principal.user_id, op->principal.org_id, op->now_ms))
        return false;
    for (size_t i = 0; i < c->org_count; i++) {
        bool exists = false;
        if (!accounts_org_exists(err, op->conn, c->org_ids[i], &exists))
            return false;
        if (!exists)
            return error_set(err, ERR_FIELD_VALUE, "org_ids[%zu]: no such organisation", i);
        if (!store_exec(err, op->conn, NULL,
                        "INSERT INTO consent_orgs (consent_id, org_id, patient_id) VALUES (?, ?, "
                        "?) ON CONFLICT DO NOTHING",
                        "ttt", id, c->org_ids[i], c->patient_id))
            return false;
    }
    return true;
}

bool patients_consent_withdraw(struct error *err, struct op *op, const char *patient_id,
                               const char *consent_id, const char *reason)
{
    struct store_stmt *s = store_query(
        err, op->conn, "SELECT withdrawn_at FROM consents WHERE id = ? AND patient_id = ?", "tt",
        consent_id, patient_id);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    bool withdrawn = r == STORE_ROW && !store_is_null(s, 0);
    store_done(s);
    if (r != STORE_ROW)
        return r == STORE_FAIL ? false : error_set(err, ERR_CONSENT_NOT_FOUND, NULL);
    if (withdrawn)
        return error_set(err, ERR_CONSENT_WITHDRAWN, NULL);
    return op_write_begin(err, op) &&
           store_exec(err, op->conn, NULL,
                      "UPDATE consents SET withdrawn_at = ?, withdrawn_by = ?, withdraw_reason = ? "
                      "WHERE id = ? AND withdrawn_at IS NULL",
                      "ittt", op->now_ms, op->principal.user_id, reason, consent_id);
}
