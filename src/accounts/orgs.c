/* SPDX-License-Identifier: Apache-2.0 */
/* Organisations of the region, and the TOTP policy by profession. */
#include <stdio.h>
#include <string.h>

#include "accounts_int.h"
#include "core/clock.h"
#include "core/ids.h"
#include "core/jsonv.h"
#include "core/plausible.h"

json_t *accounts_org_json(struct store_stmt *s)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:b}", "id", store_text(s, 0), "code",
                     store_text(s, 1), "name", store_text(s, 2), "name_kana", store_text(s, 3),
                     "type", store_text(s, 4), "address", store_text(s, 5), "phone",
                     store_text(s, 6), "totp_required", (int)store_int(s, 7));
}

bool accounts_org_exists(struct error *err, struct store_conn *conn, const char *org_id,
                         bool *exists)
{
    struct store_stmt *s = store_query(err, conn, "SELECT 1 FROM orgs WHERE id = ?", "t", org_id);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    *exists = r == STORE_ROW;
    store_done(s);
    return r != STORE_FAIL;
}

bool orgs_list(struct error *err, struct request *req)
{
    struct store_stmt *s = store_query(
        err, req->op.conn, "SELECT " ACCOUNTS_ORG_COLUMNS " FROM orgs ORDER BY code", "");
    return api_respond_items(req, api_rows(err, s, accounts_org_json));
}

json_t *accounts_org_read(struct error *err, struct store_conn *conn, const char *id)
{
    struct store_stmt *s =
        store_query(err, conn, "SELECT " ACCOUNTS_ORG_COLUMNS " FROM orgs WHERE id = ?", "t", id);
    if (!s)
        return NULL;
    enum store_step_result r = store_step(err, s);
    json_t *org = r == STORE_ROW ? accounts_org_json(s) : NULL;
    store_done(s);
    if (r == STORE_DONE)
        error_set(err, ERR_ORG_NOT_FOUND, NULL);
    return org;
}

bool accounts_membership_role(struct error *err, struct store_conn *conn, const char *user_id,
                              const char *org_id, char role[16])
{
    role[0] = '\0';
    struct store_stmt *s =
        store_query(err, conn, "SELECT role FROM memberships WHERE user_id = ? AND org_id = ?",
                    "tt", user_id, org_id);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    if (r == STORE_ROW)
        snprintf(role, 16, "%s", store_text(s, 0));
    store_done(s);
    return r != STORE_FAIL;
}

json_t *accounts_org_for_member(struct error *err, struct store_conn *conn,
                                const struct principal *p, const char *org_id)
{
    if (!ids_uuid_valid(org_id)) {
        error_set(err, ERR_ORG_NOT_FOUND, NULL);
        return NULL;
    }
    struct store_stmt *s =
        store_query(err, conn, "SELECT id, code, name, type FROM orgs WHERE id = ?", "t", org_id);
    if (!s)
        return NULL;
    json_t *org = NULL;
    enum store_step_result r = store_step(err, s);
    if (r == STORE_ROW)
        org = json_pack("{s:s, s:s, s:s, s:s}", "id", store_text(s, 0), "code", store_text(s, 1),
                        "name", store_text(s, 2), "type", store_text(s, 3));
    store_done(s);
    if (r == STORE_DONE)
        error_set(err, ERR_ORG_NOT_FOUND, NULL);
    char role[16];
    if (!org || p->network_admin)
        return org;
    if (!accounts_membership_role(err, conn, p->user_id, org_id, role) || !role[0]) {
        if (!role[0] && err->code == ERR_NONE)
            error_set(err, ERR_FORBIDDEN, "only the organisation's members see this");
        json_decref(org);
        return NULL;
    }
    return org;
}

json_t *accounts_org_asked_for_member(struct error *err, struct request *req)
{
    const char *org_id = request_query(req, "org_id");
    if (!org_id || !org_id[0]) {
        if (!request_require_org(err, req))
            return NULL;
        org_id = req->op.principal.org_id;
    }
    return accounts_org_for_member(err, req->op.conn, &req->op.principal, org_id);
}

static bool respond_org(struct error *err, struct request *req, const char *id, int status)
{
    json_t *org = accounts_org_read(err, req->op.conn, id);
    if (!org)
        return false;
    response_json(req, status, org);
    return true;
}

bool orgs_read(struct error *err, struct request *req)
{
    const char *id = request_param(req, 0);
    if (!ids_uuid_valid(id))
        return error_set(err, ERR_ORG_NOT_FOUND, NULL);
    return respond_org(err, req, id, 200);
}

bool orgs_create(struct error *err, struct request *req)
{
    static const struct jfield fields[] = {
        {"code", JV_STRING, true, 32, NULL},
        {"name", JV_TEXT, true, 100, NULL},
        {"name_kana", JV_STRING, false, 100, NULL},
        {"type", JV_STRING, true, 0, accounts_org_type_codes},
        {"address", JV_STRING, false, 200, NULL},
        {"phone", JV_STRING, false, 32, NULL},
        {"totp_required", JV_BOOL, false, 0, NULL},
        {NULL, 0, false, 0, NULL},
    };
    if (!jsonv_check(err, req->json, fields) ||
        !plausible_check_phone(err, "phone", jsonv_str(req->json, "phone")))
        return false;
    const json_t *b = req->json;
    const struct accounts_org_new o = {jsonv_str(b, "code"),
                                       jsonv_str(b, "name"),
                                       jsonv_str(b, "name_kana"),
                                       jsonv_str(b, "type"),
                                       jsonv_str(b, "address"),
                                       jsonv_str(b, "phone"),
                                       jsonv_bool(b, "totp_required", false)};
    char id[UUID_STR_LEN] = "";
    if (!accounts_org_create(err, &req->op, &o, id))
        return false;
    req->object_type = "org";
    req->object_id = arena_strdup(req->op.arena, id);
    return respond_org(err, req, req->object_id, 201);
}

bool orgs_update(struct error *err, struct request *req)
{
    static const struct jfield fields[] = {
        {"name", JV_TEXT, false, 100, NULL},
        {"name_kana", JV_STRING, false, 100, NULL},
        {"type", JV_STRING, false, 0, accounts_org_type_codes},
        {"address", JV_STRING, false, 200, NULL},
        {"phone", JV_STRING, false, 32, NULL},
        {"totp_required", JV_BOOL, false, 0, NULL},
        {NULL, 0, false, 0, NULL},
    };
    const char *id = request_param(req, 0);
    if (!ids_uuid_valid(id))
        return error_set(err, ERR_ORG_NOT_FOUND, NULL);
    if (!jsonv_check(err, req->json, fields))
        return false;
    const struct principal *p = &req->op.principal;
    if (!p->network_admin && strcmp(p->org_id, id) != 0)
        return error_set(err, ERR_FORBIDDEN, "organisation administrators edit their own");
    if (!p->network_admin && json_object_get(req->json, "type"))
        return error_set(err, ERR_FORBIDDEN, "only the network office changes the type");
    if (!plausible_check_phone(err, "phone", jsonv_str(req->json, "phone")))
        return false;
    json_t *totp = json_object_get(req->json, "totp_required");
    int64_t changed = 0;
    if (!op_write_begin(err, &req->op) ||
        !store_exec(err, req->op.conn, &changed,
                    "UPDATE orgs SET name = COALESCE(?, name), name_kana = COALESCE(?, name_kana), "
                    "type = COALESCE(?, type), address = COALESCE(?, address), "
                    "phone = COALESCE(?, phone), updated_at = ? WHERE id = ?",
                    "tttttit", jsonv_str(req->json, "name"), jsonv_str(req->json, "name_kana"),
                    jsonv_str(req->json, "type"), jsonv_str(req->json, "address"),
                    jsonv_str(req->json, "phone"), clock_now_ms(), id))
        return false;
    if (changed != 1)
        return error_set(err, ERR_ORG_NOT_FOUND, NULL);
    if (json_is_boolean(totp) &&
        !store_exec(err, req->op.conn, NULL, "UPDATE orgs SET totp_required = ? WHERE id = ?", "bt",
                    json_is_true(totp), id))
        return false;
    req->object_type = "org";
    req->object_id = id;
    return respond_org(err, req, id, 200);
}

static const char *const policy_query[] = {NULL};

bool policy_totp_get(struct error *err, struct request *req)
{
    if (!request_query_check(err, req, policy_query))
        return false;
    struct store_stmt *s = store_query(
        err, req->op.conn, "SELECT value FROM policy WHERE key = 'totp_professions'", "");
    if (!s)
        return false;
    json_t *list = json_array();
    if (store_step(err, s) == STORE_ROW) {
        const char *v = store_text(s, 0);
        while (v && *v) {
            const char *end = strchr(v, ',');
            size_t len = end ? (size_t)(end - v) : strlen(v);
            if (len)
                json_array_append_new(list, json_stringn(v, len));
            v += len + (end ? 1 : 0);
        }
    }
    store_done(s);
    response_json(req, 200, json_pack("{s:o}", "professions", list));
    return true;
}

bool policy_totp_put(struct error *err, struct request *req)
{
    static const struct jfield fields[] = {
        {"professions", JV_STRING_ARRAY, true, 10, accounts_profession_codes},
        {NULL, 0, false, 0, NULL},
    };
    if (!jsonv_check(err, req->json, fields))
        return false;
    struct strbuf sb = {0};
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(req->json, "professions"), i, item)
        strbuf_printf(&sb, "%s%s", sb.len ? "," : "", json_string_value(item));
    const char *value = sb.buf ? sb.buf : "";
    req->object_type = "policy";
    req->audit_detail = arena_printf(req->op.arena, "totp_professions=%s", value);
    bool ok = op_write_begin(err, &req->op) &&
              store_exec(err, req->op.conn, NULL,
                         "INSERT INTO policy (key, value) VALUES ('totp_professions', ?) "
                         "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                         "t", value);
    strbuf_release(&sb);
    return ok && policy_totp_get(err, req);
}
