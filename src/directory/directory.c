/* SPDX-License-Identifier: Apache-2.0 */
/* Facility directory (issue 4): an organisation's profile and live status, who may edit them,
 * and the editors an organisation's admin designates. */
#include <stdlib.h>
#include <string.h>

#include "accounts/accounts.h"
#include "core/clock.h"
#include "core/ids.h"
#include "core/jsonv.h"
#include "core/plausible.h"
#include "directory_int.h"

bool dir_org_check(struct error *err, struct request *req, const char *id)
{
    bool exists = false;
    if (!ids_uuid_valid(id))
        return error_set(err, ERR_ORG_NOT_FOUND, NULL);
    if (!accounts_org_exists(err, req->op.conn, id, &exists))
        return false;
    return exists ? true : error_set(err, ERR_ORG_NOT_FOUND, NULL);
}

static bool is_editor(struct error *err, struct request *req, const char *id, bool *yes)
{
    struct store_stmt *s = store_query(
        err, req->op.conn, "SELECT 1 FROM directory_editors WHERE org_id = ? AND user_id = ?", "tt",
        id, req->op.principal.user_id);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    *yes = r == STORE_ROW;
    store_done(s);
    return r != STORE_FAIL;
}

bool dir_may_edit(struct error *err, struct request *req, const char *id)
{
    const struct principal *p = &req->op.principal;
    if (p->network_admin)
        return true;
    if (strcmp(p->org_id, id) != 0)
        return error_set(err, ERR_FORBIDDEN, "only the organisation's own staff edit its entry");
    if (strcmp(p->org_role, "org_admin") == 0)
        return true;
    bool yes = false;
    if (!is_editor(err, req, id, &yes))
        return false;
    return yes ? true
               : error_set(err, ERR_FORBIDDEN, "the organisation admin has not designated you");
}

bool dir_stale(const struct request *req, int64_t updated_at, int64_t now)
{
    return now - updated_at > req->ctx->env.status_stale_ms;
}

static json_t *json_column(struct store_stmt *s, int col)
{
    json_t *v =
        store_is_null(s, col) ? NULL : json_loads(store_text(s, col), JSON_DECODE_ANY, NULL);
    return v ? v : json_null();
}

static json_t *profile_json(struct error *err, struct request *req, const char *id, bool *ok)
{
    struct store_stmt *s = store_query(
        err, req->op.conn,
        "SELECT p.medical_function, p.departments, p.equipment, p.services, p.latitude, "
        "p.longitude, p.liaison_phone, p.liaison_fax, p.liaison_email, p.liaison_hours, "
        "p.acceptance_notes, p.updated_at, p.updated_by, u.name, p.registered_beds "
        "FROM org_profiles p "
        "LEFT JOIN users u ON u.id = p.updated_by WHERE p.org_id = ?",
        "t", id);
    *ok = s != NULL;
    if (!s)
        return NULL;
    enum store_step_result r = store_step(err, s);
    json_t *out = json_null();
    if (r == STORE_ROW) {
        out = json_pack(
            "{s:o, s:o, s:o, s:o, s:o, s:o, s:s, s:s, s:s, s:s, s:s, s:o, s:o}", "medical_function",
            api_text_or_null(s, 0), "departments", json_column(s, 1), "equipment",
            json_column(s, 2), "services", json_column(s, 3), "latitude",
            store_is_null(s, 4) ? json_null() : json_real(store_double(s, 4)), "longitude",
            store_is_null(s, 5) ? json_null() : json_real(store_double(s, 5)), "liaison_phone",
            store_text(s, 6), "liaison_fax", store_text(s, 7), "liaison_email", store_text(s, 8),
            "liaison_hours", store_text(s, 9), "acceptance_notes", store_text(s, 10), "updated_at",
            api_time_or_null(s, 11), "updated_by", api_id_name(s, 12, 13));
        json_object_set_new(out, "registered_beds", json_column(s, 14));
    }
    store_done(s);
    *ok = r != STORE_FAIL;
    return out;
}

static json_t *status_json(struct error *err, struct request *req, const char *id, bool *ok)
{
    struct store_stmt *s =
        store_query(err, req->op.conn,
                    "SELECT s.field, s.value, s.updated_at, s.updated_by, u.name FROM org_status s "
                    "LEFT JOIN users u ON u.id = s.updated_by WHERE s.org_id = ?",
                    "t", id);
    *ok = s != NULL;
    if (!s)
        return NULL;
    json_t *out = json_object();
    int64_t now = clock_now_ms();
    enum store_step_result r;
    while ((r = store_step(err, s)) == STORE_ROW) {
        json_t *value = json_column(s, 1);
        if (strcmp(store_text(s, 0), "restrictions") == 0) {
            json_t *current = dir_restrictions_current(value);
            json_decref(value);
            value = current;
        }
        json_object_set_new(out, store_text(s, 0),
                            json_pack("{s:o, s:o, s:o, s:b}", "value", value, "updated_at",
                                      api_time_or_null(s, 2), "updated_by", api_id_name(s, 3, 4),
                                      "stale", dir_stale(req, store_int(s, 2), now)));
    }
    store_done(s);
    *ok = r != STORE_FAIL;
    return out;
}

static json_t *editors_json(struct error *err, struct request *req, const char *id)
{
    struct store_stmt *s =
        store_query(err, req->op.conn,
                    "SELECT u.id, u.name FROM directory_editors e JOIN users u "
                    "ON u.id = e.user_id WHERE e.org_id = ? ORDER BY u.name_kana",
                    "t", id);
    if (!s)
        return NULL;
    json_t *items = json_array();
    enum store_step_result r;
    while ((r = store_step(err, s)) == STORE_ROW)
        json_array_append_new(items, api_id_name(s, 0, 1));
    store_done(s);
    if (r == STORE_FAIL) {
        json_decref(items);
        return NULL;
    }
    return items;
}

static bool respond_entry(struct error *err, struct request *req, const char *id)
{
    json_t *org = accounts_org_read(err, req->op.conn, id);
    if (!org)
        return false;
    bool ok1, ok2;
    json_t *profile = profile_json(err, req, id, &ok1);
    json_t *status = ok1 ? status_json(err, req, id, &ok2) : NULL;
    json_t *editors = ok1 && ok2 ? editors_json(err, req, id) : NULL;
    if (!editors) {
        json_decref(org);
        json_decref(profile);
        json_decref(status);
        return false;
    }
    struct error ignored = {0};
    bool can_edit = dir_may_edit(&ignored, req, id);
    response_json(req, 200,
                  json_pack("{s:o, s:o, s:o, s:o, s:b, s:I}", "org", org, "profile", profile,
                            "status", status, "editors", editors, "can_edit", can_edit,
                            "stale_after_seconds",
                            (json_int_t)(req->ctx->env.status_stale_ms / 1000)));
    return true;
}

bool directory_org_read(struct error *err, struct request *req)
{
    static const char *const no_query[] = {NULL};
    const char *id = request_param(req, 0);
    if (!request_query_check(err, req, no_query) || !dir_org_check(err, req, id))
        return false;
    return respond_entry(err, req, id);
}

/* A JSON array of codes without repeats (jsonv checked the codes). */
static bool no_repeats(struct error *err, const json_t *list, const char *name)
{
    for (size_t i = 0; i < json_array_size(list); i++)
        for (size_t j = 0; j < i; j++)
            if (json_equal(json_array_get(list, i), json_array_get(list, j)))
                return error_set(err, ERR_FIELD_VALUE, "%s: %s given twice", name,
                                 json_string_value(json_array_get(list, i)));
    return true;
}

/* The equipment list, checked and normalised to [{"code", "shared_use"}]; NULL with err set. */
static json_t *equipment_list(struct error *err, const json_t *given)
{
    static const struct jfield item[] = {
        {"code", JV_STRING, true, 0, dir_equipment_codes},
        {"shared_use", JV_BOOL, false, 0, NULL},
        {NULL, 0, false, 0, NULL},
    };
    json_t *out = json_array(), *codes = json_array(), *e;
    size_t i;
    json_array_foreach(given, i, e)
    {
        if (!jsonv_check(err, e, item))
            break;
        json_array_append_new(codes, json_string(jsonv_str(e, "code")));
        json_array_append_new(out, json_pack("{s:s, s:b}", "code", jsonv_str(e, "code"),
                                             "shared_use", jsonv_bool(e, "shared_use", false)));
    }
    bool ok = i == json_array_size(given) && no_repeats(err, codes, "equipment");
    json_decref(codes);
    if (!ok)
        json_decref(out);
    return ok ? out : NULL;
}

/* Beds by kind, each a plausible number of beds (absent: the registered beds stay). */
static bool check_registered_beds(struct error *err, const json_t *beds)
{
    const char *kind;
    json_t *v;
    char why[96];
    if (!beds || json_is_null(beds))
        return true;
    if (!json_is_object(beds))
        return error_set(err, ERR_FIELD_TYPE, "registered_beds: expected an object");
    json_object_foreach((json_t *)beds, kind, v)
    {
        if (!codes_known(dir_bed_kind_codes, kind))
            return error_set(err, ERR_FIELD_VALUE, "registered_beds: unknown kind %.40s", kind);
        if (!json_is_integer(v))
            return error_set(err, ERR_FIELD_TYPE, "registered_beds.%s: expected an integer", kind);
        if (plausible_number(PLAUSIBLE_BEDS_REGISTERED, (double)json_integer_value(v), NULL, NULL,
                             why))
            return error_set(err, ERR_FIELD_RANGE, "registered_beds.%s: %s", kind, why);
    }
    return true;
}

static bool check_position(struct error *err, const json_t *body)
{
    json_t *lat = json_object_get(body, "latitude"), *lon = json_object_get(body, "longitude");
    bool has_lat = json_is_number(lat), has_lon = json_is_number(lon);
    if (has_lat != has_lon)
        return error_set(err, ERR_FIELD_VALUE, "latitude and longitude: both or neither");
    if (has_lat && (json_number_value(lat) < -90 || json_number_value(lat) > 90))
        return error_set(err, ERR_FIELD_VALUE, "latitude: -90 to 90");
    if (has_lon && (json_number_value(lon) < -180 || json_number_value(lon) > 180))
        return error_set(err, ERR_FIELD_VALUE, "longitude: -180 to 180");
    return true;
}

bool directory_profile_put(struct error *err, struct request *req)
{
    static const struct jfield fields[] = {
        {"medical_function", JV_STRING, true, 0, dir_function_codes},
        {"departments", JV_STRING_ARRAY, false, 40, dir_department_codes},
        {"equipment", JV_OBJECT_ARRAY, false, 20, NULL},
        {"services", JV_STRING_ARRAY, false, 30, dir_service_codes},
        {"latitude", JV_NUMBER, false, 0, NULL},
        {"longitude", JV_NUMBER, false, 0, NULL},
        {"liaison_phone", JV_STRING, false, 32, NULL},
        {"liaison_fax", JV_STRING, false, 32, NULL},
        {"liaison_email", JV_STRING, false, 254, NULL},
        {"liaison_hours", JV_STRING, false, 100, NULL},
        {"acceptance_notes", JV_STRING, false, 1000, NULL},
        {"registered_beds", JV_OBJECT, false, 0, NULL},
        {NULL, 0, false, 0, NULL},
    };
    const char *id = request_param(req, 0);
    if (!dir_org_check(err, req, id) || !jsonv_check(err, req->json, fields) ||
        !no_repeats(err, json_object_get(req->json, "departments"), "departments") ||
        !no_repeats(err, json_object_get(req->json, "services"), "services") ||
        !check_position(err, req->json) ||
        !plausible_check_phone(err, "liaison_phone", jsonv_str(req->json, "liaison_phone")) ||
        !plausible_check_phone(err, "liaison_fax", jsonv_str(req->json, "liaison_fax")) ||
        !check_registered_beds(err, json_object_get(req->json, "registered_beds")) ||
        !dir_may_edit(err, req, id))
        return false;
    json_t *given = json_object_get(req->json, "equipment");
    json_t *equip = equipment_list(err, json_is_array(given) ? given : NULL);
    if (!equip)
        return false;
    req->object_type = "org_profile";
    req->object_id = id;
    bool ok = directory_profile_save(err, &req->op, id, req->json, equip);
    json_decref(equip);
    return ok && respond_entry(err, req, id);
}

static bool check_editors(struct error *err, struct request *req, const char *id,
                          const json_t *users)
{
    size_t i;
    json_t *u;
    if (!no_repeats(err, users, "user_ids"))
        return false;
    json_array_foreach(users, i, u)
    {
        struct store_stmt *s = store_query(
            err, req->op.conn, "SELECT 1 FROM memberships WHERE org_id = ? AND user_id = ?", "tt",
            id, json_string_value(u));
        if (!s)
            return false;
        enum store_step_result r = store_step(err, s);
        store_done(s);
        if (r == STORE_FAIL)
            return false;
        if (r != STORE_ROW)
            return error_set(err, ERR_FIELD_VALUE, "user_ids: %s is not a member",
                             json_string_value(u));
    }
    return true;
}

bool directory_editors_put(struct error *err, struct request *req)
{
    static const struct jfield fields[] = {
        {"user_ids", JV_UUID_ARRAY, true, 100, NULL},
        {NULL, 0, false, 0, NULL},
    };
    const char *id = request_param(req, 0);
    const struct principal *p = &req->op.principal;
    if (!dir_org_check(err, req, id) || !jsonv_check(err, req->json, fields))
        return false;
    if (!p->network_admin && (strcmp(p->org_id, id) != 0 || strcmp(p->org_role, "org_admin") != 0))
        return error_set(err, ERR_FORBIDDEN, "only the organisation's admins designate editors");
    json_t *users = json_object_get(req->json, "user_ids");
    if (!check_editors(err, req, id, users))
        return false;
    req->object_type = "org_directory_editors";
    req->object_id = id;
    char *list = json_dumps(users, JSON_COMPACT);
    req->audit_detail = arena_printf(req->op.arena, "user_ids=%s", list);
    free(list);
    if (!op_write_begin(err, &req->op) ||
        !store_exec(err, req->op.conn, NULL, "DELETE FROM directory_editors WHERE org_id = ?", "t",
                    id))
        return false;
    size_t i;
    json_t *u;
    int64_t now = clock_now_ms();
    json_array_foreach(users, i, u) if (
        !store_exec(err, req->op.conn, NULL,
                    "INSERT INTO directory_editors (org_id, user_id, created_at, created_by) "
                    "VALUES (?, ?, ?, ?)",
                    "ttit", id, json_string_value(u), now, p->user_id)) return false;
    return respond_entry(err, req, id);
}
