/* SPDX-License-Identifier: Apache-2.0 */
/* What the organiser's side writes about a conference: materials from the patient's record
 * (references, read through the access rule), the minutes (every version kept with who and
 * when), and sharing them with exactly the participants and the care team the rule admits. */
#include <stdio.h>
#include <string.h>

#include "access/access.h"
#include "conference_int.h"
#include "core/jsonv.h"
#include "fhir/store.h"

/* "Type/id" of a resource of the patient's record into type and id. */
static bool reference_parse(struct error *err, const char *ref, char type[40],
                            char id[FHIR_ID_MAX + 1])
{
    const char *slash = ref ? strchr(ref, '/') : NULL;
    size_t n = slash ? (size_t)(slash - ref) : 0;
    if (!slash || n == 0 || n >= 40 || strlen(slash + 1) > FHIR_ID_MAX)
        return error_set(err, ERR_FIELD_VALUE, "resource");
    memcpy(type, ref, n);
    type[n] = '\0';
    snprintf(id, FHIR_ID_MAX + 1, "%s", slash + 1);
    if (!fhir_type_stored(type) || !fhir_id_valid(id))
        return error_set(err, ERR_FIELD_VALUE, "resource");
    return true;
}

bool conference_material_add(struct error *err, struct op *op, const char *id, const json_t *body,
                             char mid[UUID_STR_LEN])
{
    static const struct jfield fields[] = {
        {"resource", JV_STRING, true, 120, NULL},
        {"note", JV_STRING, false, 1000, NULL},
        {NULL, 0, false, 0, NULL},
    };
    struct conference c;
    char type[40], rid[FHIR_ID_MAX + 1];
    struct fhir_row row;
    bool found;
    if (!body)
        return error_set(err, ERR_FIELD_MISSING, "resource");
    if (!jsonv_check(err, body, fields) ||
        !reference_parse(err, jsonv_str(body, "resource"), type, rid) || !op_write_begin(err, op) ||
        !conference_load_for(err, op, id, &c) || !conference_organiser_check(err, op, &c))
        return false;
    if (!c.patient_id[0])
        return error_set(err, ERR_CONFERENCE_NO_PATIENT, NULL);
    if (!fhir_store_lookup(err, op->conn, type, rid, &row, &found))
        return false;
    if (!found || row.deleted || strcmp(row.patient_id, c.patient_id) != 0)
        return error_set(err, ERR_CONFERENCE_MATERIAL, "resource");
    const char *note = jsonv_str(body, "note");
    int64_t changed = 0;
    ids_uuid_new(mid);
    if (!store_exec(err, op->conn, &changed,
                    "INSERT INTO conference_materials (id, conference_id, resource_type, "
                    "resource_id, note, added_by, added_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT DO NOTHING",
                    "tttttti", mid, id, type, rid, note ? note : "", op->principal.user_id,
                    op->now_ms))
        return false;
    return changed == 1 ? true : error_set(err, ERR_CONFERENCE_MATERIAL_DUPLICATE, "resource");
}

/* The number of the current version of the minutes (0: none). */
static bool minutes_version(struct error *err, struct store_conn *conn, const char *id, int *v)
{
    struct store_stmt *s =
        store_query(err, conn,
                    "SELECT COALESCE(MAX(version), 0) FROM conference_minutes WHERE "
                    "conference_id = ?",
                    "t", id);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    *v = r == STORE_ROW ? (int)store_int(s, 0) : 0;
    store_done(s);
    return r == STORE_ROW;
}

bool conference_minutes_write(struct error *err, struct op *op, const char *id, const json_t *body,
                              int *version)
{
    static const struct jfield fields[] = {
        {"text", JV_TEXT, true, CONFERENCE_TEXT_MAX, NULL},
        {"version", JV_INT, false, 0, NULL},
        {NULL, 0, false, 0, NULL},
    };
    struct conference c;
    int current;
    if (!body)
        return error_set(err, ERR_FIELD_MISSING, "text");
    if (!jsonv_check(err, body, fields) || !op_write_begin(err, op) ||
        !conference_load_for(err, op, id, &c) || !conference_organiser_check(err, op, &c) ||
        !minutes_version(err, op->conn, id, &current))
        return false;
    /* "version": the version the writer edited; another writer's since is a conflict */
    const json_t *base = json_object_get(body, "version");
    if (base && json_integer_value(base) != current)
        return error_set(err, ERR_CONFERENCE_MINUTES_VERSION, NULL);
    *version = current + 1;
    return store_exec(err, op->conn, NULL,
                      "INSERT INTO conference_minutes (conference_id, version, body, user_id, "
                      "org_id, at) VALUES (?, ?, ?, ?, ?, ?)",
                      "tittti", id, (int64_t)*version, jsonv_str(body, "text"),
                      op->principal.user_id, op->principal.org_id, op->now_ms);
}

bool conference_minutes_share_op(struct error *err, struct op *op, const char *id, int *told)
{
    struct conference c;
    int current;
    char orgs[CONFERENCE_ORGS_MAX][UUID_STR_LEN];
    if (!op_write_begin(err, op) || !conference_load_for(err, op, id, &c) ||
        !conference_organiser_check(err, op, &c) || !minutes_version(err, op->conn, id, &current))
        return false;
    if (current == 0)
        return error_set(err, ERR_CONFERENCE_NO_MINUTES, NULL);
    if (!store_exec(err, op->conn, NULL,
                    "UPDATE conferences SET minutes_shared_at = ?, updated_at = ? WHERE id = ?",
                    "iit", op->now_ms, op->now_ms, id) ||
        (*told = conference_audience(err, op, &c, true, orgs)) < 0)
        return false;
    return conference_tell(err, op, &c, orgs, *told, "minutes_shared");
}

/* ---- handlers -------------------------------------------------------------------------------- */

/* Opens the conference for a write: the caller's organisation takes part; the audit names the
 * patient when the caller may see it. */
static bool open_write(struct error *err, struct request *req, struct conference *c)
{
    bool sees;
    return conference_open(err, req, ACCESS_UPDATE, c, &sees);
}

bool conference_materials_add(struct error *err, struct request *req)
{
    struct conference c;
    char mid[UUID_STR_LEN];
    if (!open_write(err, req, &c) || !conference_material_add(err, &req->op, c.id, req->json, mid))
        return false;
    json_t *body = conference_json(err, &req->op, &c, true);
    if (!body)
        return false;
    json_object_set_new(body, "material_id", json_string(mid));
    response_json(req, 201, body);
    return true;
}

bool conference_minutes_put(struct error *err, struct request *req)
{
    struct conference c;
    int version;
    if (!open_write(err, req, &c) ||
        !conference_minutes_write(err, &req->op, c.id, req->json, &version))
        return false;
    json_t *all = conference_minutes_json(err, req->op.conn, c.id);
    if (!all)
        return false;
    json_t *cur = json_deep_copy(json_array_get(all, json_array_size(all) - 1));
    json_object_set_new(cur, "versions", all);
    response_json(req, version == 1 ? 201 : 200, cur);
    return true;
}

bool conference_minutes_share(struct error *err, struct request *req)
{
    struct conference c;
    int told;
    if (!api_no_fields(err, req) || !open_write(err, req, &c) ||
        !conference_minutes_share_op(err, &req->op, c.id, &told))
        return false;
    response_json(
        req, 200,
        json_pack("{s:s, s:I}", "conference_id", c.id, "organisations_told", (json_int_t)told));
    return true;
}
