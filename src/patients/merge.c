/* SPDX-License-Identifier: Apache-2.0 */
/* The network office's decisions on possible duplicates (issue 13 item 3): merge one patient
 * into another, or mark two patients distinct. A merge moves the merged patient's local ids,
 * consents and care-team members to the survivor and records what moved; the merged patient's
 * clinical records, referrals and bookings stay under its id, which from then on is decided as
 * the survivor (access_decide) and answers "merged_into". Nothing is deleted. */
#include <stdlib.h>
#include <string.h>

#include "access/access.h"
#include "core/jsonv.h"
#include "patients_int.h"

/* Whether id is a patient not merged into another (ERR_MERGE_INVALID otherwise). */
static bool check_active(struct error *err, struct op *op, const char *id, const char *field)
{
    struct store_stmt *s =
        store_query(err, op->conn,
                    "SELECT (SELECT COUNT(*) FROM patient_merges m WHERE m.merged_id = p.id) FROM "
                    "patients p WHERE p.id = ?",
                    "t", id);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    bool merged = r == STORE_ROW && store_int(s, 0) > 0;
    store_done(s);
    if (r == STORE_FAIL)
        return false;
    if (r != STORE_ROW)
        return error_set(err, ERR_FIELD_VALUE, "%s: no such patient", field);
    return !merged || error_set(err, ERR_MERGE_INVALID, "%s: already merged", field);
}

/* The ids of rows of sql (one text column) for the merged patient, as a JSON array. */
static json_t *ids_of(struct error *err, struct op *op, const char *sql, const char *merged)
{
    struct store_stmt *s = store_query(err, op->conn, sql, "t", merged);
    if (!s)
        return NULL;
    json_t *ids = json_array();
    enum store_step_result r;
    while ((r = store_step(err, s)) == STORE_ROW)
        json_array_append_new(ids, json_string(store_text(s, 0)));
    store_done(s);
    if (r == STORE_FAIL) {
        json_decref(ids);
        return NULL;
    }
    return ids;
}

static const char sql_moving_team[] =
    "SELECT t.id FROM care_team t WHERE t.patient_id = ? AND t.removed_at IS NULL AND NOT "
    "EXISTS (SELECT 1 FROM care_team s WHERE s.patient_id = ?2 AND s.org_id = t.org_id AND "
    "s.removed_at IS NULL AND COALESCE(s.user_id, '') = COALESCE(t.user_id, ''))";

/* What will move: local ids (org:local id), consents and care-team members. */
static json_t *moving(struct error *err, struct op *op, const char *merged, const char *survivor)
{
    json_t *local = ids_of(err, op,
                           "SELECT org_id || ':' || local_id FROM patient_local_ids WHERE "
                           "patient_id = ? ORDER BY created_at",
                           merged);
    json_t *consents = local ? ids_of(err, op,
                                      "SELECT id FROM consents WHERE patient_id = ? ORDER BY "
                                      "recorded_at",
                                      merged)
                             : NULL;
    struct store_stmt *s =
        consents ? store_query(err, op->conn, sql_moving_team, "tt", merged, survivor) : NULL;
    json_t *team = s ? json_array() : NULL;
    enum store_step_result r = STORE_FAIL;
    while (s && (r = store_step(err, s)) == STORE_ROW)
        json_array_append_new(team, json_string(store_text(s, 0)));
    if (s)
        store_done(s);
    if (r == STORE_FAIL) {
        json_decref(local);
        json_decref(consents);
        json_decref(team);
        return NULL;
    }
    return json_pack("{s:o, s:o, s:o}", "local_ids", local, "consents", consents, "care_team",
                     team);
}

static bool move_rows(struct error *err, struct op *op, const char *merged, const char *survivor,
                      const json_t *moved)
{
    const json_t *team = json_object_get(moved, "care_team"), *m;
    size_t i;
    if (!store_exec(err, op->conn, NULL,
                    "UPDATE patient_local_ids SET patient_id = ? WHERE patient_id = ?", "tt",
                    survivor, merged) ||
        !store_exec(err, op->conn, NULL, "UPDATE consents SET patient_id = ? WHERE patient_id = ?",
                    "tt", survivor, merged) ||
        !store_exec(err, op->conn, NULL,
                    "UPDATE consent_orgs SET patient_id = ? WHERE patient_id = ?", "tt", survivor,
                    merged))
        return false;
    json_array_foreach(team, i, m)
    {
        if (!store_exec(err, op->conn, NULL, "UPDATE care_team SET patient_id = ? WHERE id = ?",
                        "tt", survivor, json_string_value(m)))
            return false;
    }
    return true;
}

bool patients_patient_merge(struct error *err, struct op *op, const char *survivor,
                            const char *merged, const char *reason)
{
    if (strcmp(survivor, merged) == 0)
        return error_set(err, ERR_MERGE_INVALID, "merged_id: the same patient as survivor_id");
    if (!check_active(err, op, survivor, "survivor_id") ||
        !check_active(err, op, merged, "merged_id") || !op_write_begin(err, op))
        return false;
    json_t *moved = moving(err, op, merged, survivor);
    if (!moved)
        return false;
    char *text = json_dumps(moved, JSON_COMPACT);
    bool ok =
        text && move_rows(err, op, merged, survivor, moved) &&
        store_exec(err, op->conn, NULL,
                   "INSERT INTO patient_merges (merged_id, survivor_id, reason, user_id, "
                   "at, moved) VALUES (?, ?, ?, ?, ?, ?)",
                   "ttttit", merged, survivor, reason, op->principal.user_id, op->now_ms, text);
    free(text);
    json_decref(moved);
    return ok;
}

/* Audits a decision of the office on both patients, inside the write transaction. */
static bool audit_pair(struct error *err, struct op *op, const char *event, char action,
                       const char *a, const char *b, const char *detail)
{
    return op_audit(err, op, event, action, a, "patient", a, detail) &&
           op_audit(err, op, event, action, b, "patient", b, detail);
}

bool duplicates_merge(struct error *err, struct request *req)
{
    static const struct jfield fields[] = {
        {"survivor_id", JV_UUID, true, 0, NULL},
        {"merged_id", JV_UUID, true, 0, NULL},
        {"reason", JV_TEXT, true, 500, NULL},
        {NULL, 0, false, 0, NULL},
    };
    if (!access_may_reconcile(&req->op.principal))
        return error_set(err, ERR_FORBIDDEN, "the network office, in person");
    if (!jsonv_check(err, req->json, fields))
        return false;
    const char *survivor = jsonv_str(req->json, "survivor_id");
    const char *merged = jsonv_str(req->json, "merged_id");
    const char *reason = jsonv_str(req->json, "reason");
    if (!patients_patient_merge(err, &req->op, survivor, merged, reason) ||
        !audit_pair(err, &req->op, "duplicates_merge", 'U', survivor, merged,
                    arena_printf(req->op.arena, "merged %s into %s: %s", merged, survivor, reason)))
        return false;
    json_t *p = patients_patient_json(err, req->op.conn, survivor, false);
    p = p ? patients_merges_add(err, req->op.conn, survivor, p) : NULL;
    if (!p)
        return false;
    response_json(req, 200, p);
    return true;
}

bool duplicates_distinct(struct error *err, struct request *req)
{
    static const struct jfield fields[] = {
        {"patient_ids", JV_UUID_ARRAY, true, 2, NULL},
        {"reason", JV_TEXT, true, 500, NULL},
        {NULL, 0, false, 0, NULL},
    };
    if (!access_may_reconcile(&req->op.principal))
        return error_set(err, ERR_FORBIDDEN, "the network office, in person");
    if (!jsonv_check(err, req->json, fields))
        return false;
    const json_t *ids = json_object_get(req->json, "patient_ids");
    const char *a = json_string_value(json_array_get(ids, 0));
    const char *b = json_string_value(json_array_get(ids, 1));
    if (json_array_size(ids) != 2 || strcmp(a, b) == 0)
        return error_set(err, ERR_FIELD_VALUE, "patient_ids: two different patients");
    if (strcmp(a, b) > 0) {
        const char *t = a;
        a = b;
        b = t;
    }
    if (!check_active(err, &req->op, a, "patient_ids[0]") ||
        !check_active(err, &req->op, b, "patient_ids[1]") || !op_write_begin(err, &req->op))
        return false;
    const char *reason = jsonv_str(req->json, "reason");
    if (!store_exec(err, req->op.conn, NULL,
                    "INSERT INTO patient_distinct_pairs (patient_a, patient_b, reason, user_id, "
                    "at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                    "tttti", a, b, reason, req->op.principal.user_id, req->op.now_ms) ||
        !audit_pair(err, &req->op, "duplicates_distinct", 'C', a, b,
                    arena_printf(req->op.arena, "marked distinct: %s", reason)))
        return false;
    response_empty(req, 204);
    return true;
}
