/* SPDX-License-Identifier: Apache-2.0 */
/* The directory module's writes: an organisation's published profile and its live status, for
 * the API and the demo region alike; who and when come from the op. */
#include <stdlib.h>
#include <string.h>

#include "core/jsonv.h"
#include "directory_int.h"

/* A list field as JSON text; absent or null is the empty list. */
static char *dump_or_empty(const json_t *v)
{
    return json_is_array(v) ? json_dumps(v, JSON_COMPACT) : strdup("[]");
}

static const char *str_or_empty(const json_t *body, const char *name)
{
    const char *s = jsonv_str(body, name);
    return s ? s : "";
}

/* Replaces the rows of one of the profile's lists of codes (departments, services): the
 * statements delete the organisation's rows and insert one. */
static bool list_rows(struct error *err, struct op *op, const char *id, const char *delete_sql,
                      const char *insert_sql, const json_t *codes)
{
    if (!store_exec(err, op->conn, NULL, delete_sql, "t", id))
        return false;
    size_t i;
    json_t *code;
    json_array_foreach(codes, i, code)
    {
        if (json_is_string(code) &&
            !store_exec(err, op->conn, NULL, insert_sql, "tt", id, json_string_value(code)))
            return false;
    }
    return true;
}

/* Replaces the rows of the profile's equipment (a code listed twice is shared if either is). */
static bool equipment_rows(struct error *err, struct op *op, const char *id, const json_t *equip)
{
    if (!store_exec(err, op->conn, NULL, "DELETE FROM org_equipment WHERE org_id = ?", "t", id))
        return false;
    size_t i;
    json_t *e;
    json_array_foreach(equip, i, e)
    {
        const char *code = jsonv_str(e, "code");
        if (code &&
            !store_exec(err, op->conn, NULL,
                        "INSERT INTO org_equipment (org_id, code, shared_use) "
                        "VALUES (?, ?, ?) ON CONFLICT (org_id, code) DO UPDATE SET "
                        "shared_use = CASE WHEN excluded.shared_use = 1 THEN 1 "
                        "ELSE org_equipment.shared_use END",
                        "tti", id, code, (int64_t)json_is_true(json_object_get(e, "shared_use"))))
            return false;
    }
    return true;
}

bool directory_profile_save(struct error *err, struct op *op, const char *id, const json_t *b,
                            const json_t *equip)
{
    json_t *lat = json_object_get(b, "latitude"), *lon = json_object_get(b, "longitude");
    char *deps = dump_or_empty(json_object_get(b, "departments"));
    char *svcs = dump_or_empty(json_object_get(b, "services"));
    char *eq = json_dumps(equip, JSON_COMPACT);
    json_t *beds = json_object_get(b, "registered_beds"); /* absent: the stored ones stay */
    char *registered = beds ? json_dumps(beds, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    bool ok =
        op_write_begin(err, op) &&
        store_exec(
            err, op->conn, NULL,
            "INSERT INTO org_profiles (org_id, medical_function, departments, equipment, services, "
            "latitude, longitude, liaison_phone, liaison_fax, liaison_email, liaison_hours, "
            "acceptance_notes, updated_at, updated_by, registered_beds) VALUES (?1, ?2, ?3, ?4, "
            "?5, CASE WHEN ?6 THEN ?7 END, CASE WHEN ?6 THEN ?8 END, ?9, ?10, ?11, ?12, ?13, ?14, "
            "?15, COALESCE(?16, '{}')) "
            "ON CONFLICT (org_id) DO UPDATE SET medical_function = ?2, departments = ?3, "
            "equipment = ?4, services = ?5, latitude = CASE WHEN ?6 THEN ?7 END, "
            "longitude = CASE WHEN ?6 THEN ?8 END, liaison_phone = ?9, liaison_fax = ?10, "
            "liaison_email = ?11, liaison_hours = ?12, acceptance_notes = ?13, updated_at = ?14, "
            "updated_by = ?15, registered_beds = COALESCE(?16, registered_beds)",
            "tttttbddtttttitt", id, jsonv_str(b, "medical_function"), deps, eq, svcs,
            json_is_number(lat), json_number_value(lat), json_number_value(lon),
            str_or_empty(b, "liaison_phone"), str_or_empty(b, "liaison_fax"),
            str_or_empty(b, "liaison_email"), str_or_empty(b, "liaison_hours"),
            str_or_empty(b, "acceptance_notes"), op->now_ms, op->principal.user_id, registered) &&
        list_rows(err, op, id, "DELETE FROM org_departments WHERE org_id = ?",
                  "INSERT INTO org_departments (org_id, code) VALUES (?, ?) ON CONFLICT DO NOTHING",
                  json_object_get(b, "departments")) &&
        list_rows(err, op, id, "DELETE FROM org_services WHERE org_id = ?",
                  "INSERT INTO org_services (org_id, code) VALUES (?, ?) ON CONFLICT DO NOTHING",
                  json_object_get(b, "services")) &&
        equipment_rows(err, op, id, equip);
    free(deps);
    free(svcs);
    free(eq);
    free(registered);
    return ok;
}

bool directory_status_set(struct error *err, struct op *op, const char *id, const char *field,
                          const json_t *value)
{
    char *text = json_dumps(value, JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS);
    if (!text)
        return error_set(err, ERR_NOMEM, NULL);
    const char *user = op->principal.user_id;
    bool ok = op_write_begin(err, op) &&
              store_exec(err, op->conn, NULL,
                         "INSERT INTO org_status (org_id, field, value, updated_at, updated_by) "
                         "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (org_id, field) DO UPDATE SET "
                         "value = ?3, updated_at = ?4, updated_by = ?5",
                         "tttit", id, field, text, op->now_ms, user) &&
              store_exec(err, op->conn, NULL,
                         "INSERT INTO org_status_history (org_id, field, value, updated_at, "
                         "updated_by) VALUES (?, ?, ?, ?, ?)",
                         "tttit", id, field, text, op->now_ms, user);
    free(text);
    return ok;
}
