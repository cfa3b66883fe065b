/* SPDX-License-Identifier: Apache-2.0 */
/* User administration: the network office manages everyone; an organisation's administrator
 * manages the members of their own organisation. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accounts_int.h"
#include "auth/password.h"
#include "core/clock.h"
#include "core/jsonv.h"

static const char sql_user[] =
    "SELECT id, login, name, name_kana, profession, network_admin, disabled, totp_enabled, "
    "must_change_password FROM users WHERE id = ?";
static const char sql_user_memberships[] =
    "SELECT m.org_id, o.name, m.role, m.pending FROM memberships m JOIN orgs o ON o.id = m.org_id "
    "WHERE m.user_id = ? ORDER BY m.created_at, o.code";

static json_t *user_membership_row(struct store_stmt *s)
{
    return json_pack("{s:s, s:s, s:s, s:o}", "org_id", store_text(s, 0), "org_name",
                     store_text(s, 1), "role", store_text(s, 2), "pending", api_text_or_null(s, 3));
}

json_t *accounts_user_json(struct error *err, struct store_conn *conn, const char *user_id)
{
    struct store_stmt *s = store_query(err, conn, sql_user, "t", user_id);
    if (!s)
        return NULL;
    enum store_step_result r = store_step(err, s);
    if (r != STORE_ROW) {
        store_done(s);
        if (r != STORE_FAIL)
            error_set(err, ERR_USER_NOT_FOUND, NULL);
        return NULL;
    }
    json_t *u = json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:b, s:b}", "id", store_text(s, 0),
                          "login", store_text(s, 1), "name", store_text(s, 2), "name_kana",
                          store_text(s, 3), "profession", store_text(s, 4), "network_admin",
                          (int)store_int(s, 5), "disabled", (int)store_int(s, 6), "totp_enabled",
                          (int)store_int(s, 7), "must_change_password", (int)store_int(s, 8));
    store_done(s);
    json_t *ms = api_rows(err, store_query(err, conn, sql_user_memberships, "t", user_id),
                          user_membership_row);
    if (!ms) {
        json_decref(u);
        return NULL;
    }
    json_object_set_new(u, "memberships", ms);
    return u;
}

/* An org admin may manage only users who belong to their current organisation. */
static bool may_manage(struct error *err, struct request *req, const char *user_id)
{
    if (req->op.principal.network_admin)
        return true;
    struct store_stmt *s =
        store_query(err, req->op.conn, "SELECT 1 FROM memberships WHERE user_id = ? AND org_id = ?",
                    "tt", user_id, req->op.principal.org_id);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    store_done(s);
    if (r == STORE_FAIL)
        return false;
    return r == STORE_ROW ? true : error_set(err, ERR_USER_NOT_FOUND, NULL);
}

/* may_manage, and only the network office changes the account of a network administrator or of
 * someone who also works for another organisation: an org admin who could reset that password
 * or disable it would reach the network, or the other organisation's patients. */
bool accounts_user_may_change(struct error *err, struct request *req, const char *user_id)
{
    if (!may_manage(err, req, user_id))
        return false;
    if (req->op.principal.network_admin)
        return true;
    struct store_stmt *s = store_query(
        err, req->op.conn,
        "SELECT network_admin, (SELECT COUNT(*) FROM memberships WHERE user_id = ?1 AND "
        "org_id <> ?2) FROM users WHERE id = ?1",
        "tt", user_id, req->op.principal.org_id);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    bool net_admin = r == STORE_ROW && store_int(s, 0),
         elsewhere = r == STORE_ROW && store_int(s, 1);
    store_done(s);
    if (r == STORE_FAIL)
        return false;
    if (net_admin)
        return error_set(err, ERR_FORBIDDEN, "a network administrator's account");
    if (elsewhere)
        return error_set(err, ERR_FORBIDDEN,
                         "the user also belongs to another organisation; ask the network office");
    return true;
}

static const char *const list_query[] = {"org_id", NULL};

bool users_list(struct error *err, struct request *req)
{
    if (!request_query_check(err, req, list_query))
        return false;
    const char *org = request_query(req, "org_id");
    if (org && !ids_uuid_valid(org))
        return error_set(err, ERR_BAD_QUERY, "org_id");
    if (!req->op.principal.network_admin) {
        if (org && strcmp(org, req->op.principal.org_id) != 0)
            return error_set(err, ERR_FORBIDDEN, "other organisations' users");
        org = req->op.principal.org_id;
    }
    struct store_stmt *s = store_query(err, req->op.conn,
                                       "SELECT u.id FROM users u WHERE CAST(?1 AS TEXT) IS NULL OR "
                                       "EXISTS (SELECT 1 FROM memberships m "
                                       "WHERE m.user_id = u.id AND m.org_id = ?1) ORDER BY u.login",
                                       "t", org);
    if (!s)
        return false;
    json_t *ids = json_array(), *items = json_array();
    enum store_step_result r;
    while ((r = store_step(err, s)) == STORE_ROW)
        json_array_append_new(ids, json_string(store_text(s, 0)));
    store_done(s);
    size_t i;
    json_t *id;
    json_array_foreach(ids, i, id)
    {
        json_t *u =
            r == STORE_FAIL ? NULL : accounts_user_json(err, req->op.conn, json_string_value(id));
        if (!u) {
            r = STORE_FAIL;
            break;
        }
        json_array_append_new(items, u);
    }
    json_decref(ids);
    if (r == STORE_FAIL) {
        json_decref(items);
        return false;
    }
    response_json(req, 200, json_pack("{s:o}", "items", items));
    return true;
}

static const struct jfield membership_fields[] = {
    {"org_id", JV_UUID, true, 0, NULL},
    {"role", JV_STRING, true, 0, accounts_role_codes},
    {NULL, 0, false, 0, NULL},
};

/* Whether list (of {"org_id", "role"}) names organisation org_id. */
static bool lists_org(const json_t *list, const char *org_id)
{
    size_t i;
    json_t *item;
    json_array_foreach(list, i, item)
    {
        const char *org = jsonv_str(item, "org_id");
        if (org && strcmp(org, org_id) == 0)
            return true;
    }
    return false;
}

/* Ends the user's memberships of the organisations list does not name. */
static bool drop_memberships(struct error *err, struct op *op, const char *user_id,
                             const json_t *list)
{
    struct store_stmt *s = store_query(
        err, op->conn, "SELECT org_id FROM memberships WHERE user_id = ?", "t", user_id);
    if (!s)
        return false;
    json_t *gone = json_array();
    enum store_step_result r;
    while ((r = store_step(err, s)) == STORE_ROW)
        if (!lists_org(list, store_text(s, 0)))
            json_array_append_new(gone, json_string(store_text(s, 0)));
    store_done(s);
    bool ok = r != STORE_FAIL;
    size_t i;
    json_t *org;
    json_array_foreach(gone, i, org)
    {
        ok = ok && store_exec(err, op->conn, NULL,
                              "DELETE FROM memberships WHERE user_id = ? AND org_id = ?", "tt",
                              user_id, json_string_value(org));
    }
    json_decref(gone);
    return ok;
}

/* Replaces the user's memberships with list (already checked) inside the write transaction. A
 * membership the network office adds waits for its organisation's administrator to confirm it
 * (008_accounts.sql); one kept keeps its state. */
static bool set_memberships(struct error *err, struct request *req, const char *user_id,
                            json_t *list)
{
    if (!drop_memberships(err, &req->op, user_id, list))
        return false;
    const char *pending = req->op.principal.network_admin ? "created" : NULL;
    size_t i;
    json_t *m;
    json_array_foreach(list, i, m)
    {
        bool exists = false;
        const char *org = jsonv_str(m, "org_id");
        if (!accounts_org_exists(err, req->op.conn, org, &exists))
            return false;
        if (!exists)
            return error_set(err, ERR_FIELD_VALUE, "memberships[%zu].org_id: no such organisation",
                             i);
        if (!accounts_membership_put(err, &req->op, user_id, org, jsonv_str(m, "role"), pending,
                                     req->op.now_ms + (int64_t)i))
            return false;
    }
    return true;
}

/* Checks a memberships array: shape, and that an org admin only grants their own organisation. */
static bool check_memberships(struct error *err, struct request *req, json_t *list)
{
    size_t i;
    json_t *m;
    json_array_foreach(list, i, m)
    {
        if (!jsonv_check(err, m, membership_fields))
            return false;
        if (!req->op.principal.network_admin &&
            strcmp(jsonv_str(m, "org_id"), req->op.principal.org_id) != 0)
            return error_set(err, ERR_FORBIDDEN, "memberships[%zu]: another organisation", i);
    }
    return true;
}

bool users_create(struct error *err, struct request *req)
{
    static const struct jfield fields[] = {
        {"login", JV_STRING, true, 64, NULL},
        {"name", JV_TEXT, true, 100, NULL},
        {"name_kana", JV_STRING, false, 100, NULL},
        {"profession", JV_STRING, true, 0, accounts_profession_codes},
        {"initial_password", JV_STRING, true, 1024, NULL},
        {"network_admin", JV_BOOL, false, 0, NULL},
        {"memberships", JV_OBJECT_ARRAY, true, 10, NULL},
        {NULL, 0, false, 0, NULL},
    };
    if (!jsonv_check(err, req->json, fields))
        return false;
    const char *login = jsonv_str(req->json, "login");
    json_t *memberships = json_object_get(req->json, "memberships");
    bool net_admin = jsonv_bool(req->json, "network_admin", false);
    if (!accounts_login_valid(login))
        return error_set(err, ERR_FIELD_VALUE, "login: lower-case letters, digits, . - _");
    if (!jsonv_str(req->json, "name")[0])
        return error_set(err, ERR_FIELD_VALUE, "name: empty");
    if (net_admin && !req->op.principal.network_admin)
        return error_set(err, ERR_FORBIDDEN, "only the network office names network admins");
    if (!check_memberships(err, req, memberships))
        return false;
    const struct accounts_user_new new_user = {.login = login,
                                               .name = jsonv_str(req->json, "name"),
                                               .name_kana = jsonv_str(req->json, "name_kana"),
                                               .profession = jsonv_str(req->json, "profession"),
                                               .network_admin = net_admin,
                                               .password = jsonv_str(req->json, "initial_password"),
                                               .must_change_password = true};
    char id[UUID_STR_LEN] = "";
    if (!accounts_user_create(err, &req->op, &new_user, id) ||
        !set_memberships(err, req, id, memberships))
        return false;
    req->object_type = "user";
    req->object_id = arena_strdup(req->op.arena, id);
    json_t *u = accounts_user_json(err, req->op.conn, id);
    if (!u)
        return false;
    response_json(req, 201, u);
    return true;
}

bool users_read(struct error *err, struct request *req)
{
    const char *id = request_param(req, 0);
    if (!ids_uuid_valid(id))
        return error_set(err, ERR_USER_NOT_FOUND, NULL);
    if (!may_manage(err, req, id))
        return false;
    json_t *u = accounts_user_json(err, req->op.conn, id);
    if (!u)
        return false;
    response_json(req, 200, u);
    return true;
}

bool users_update(struct error *err, struct request *req)
{
    static const struct jfield fields[] = {
        {"name", JV_TEXT, false, 100, NULL},
        {"name_kana", JV_STRING, false, 100, NULL},
        {"profession", JV_STRING, false, 0, accounts_profession_codes},
        {"disabled", JV_BOOL, false, 0, NULL},
        {"memberships", JV_OBJECT_ARRAY, false, 10, NULL},
        {NULL, 0, false, 0, NULL},
    };
    const char *id = request_param(req, 0);
    if (!ids_uuid_valid(id))
        return error_set(err, ERR_USER_NOT_FOUND, NULL);
    if (!jsonv_check(err, req->json, fields) || !accounts_user_may_change(err, req, id))
        return false;
    json_t *memberships = json_object_get(req->json, "memberships");
    json_t *disabled = json_object_get(req->json, "disabled");
    if (memberships && !req->op.principal.network_admin)
        return error_set(err, ERR_FORBIDDEN, "only the network office changes memberships");
    if (json_is_true(disabled) && strcmp(id, req->op.principal.user_id) == 0)
        return error_set(err, ERR_FIELD_VALUE, "disabled: you cannot disable yourself");
    if (!op_write_begin(err, &req->op) ||
        !store_exec(err, req->op.conn, NULL,
                    "UPDATE users SET name = COALESCE(?, name), name_kana = COALESCE(?, "
                    "name_kana), profession = COALESCE(?, profession), updated_at = ? WHERE id = ?",
                    "tttit", jsonv_str(req->json, "name"), jsonv_str(req->json, "name_kana"),
                    jsonv_str(req->json, "profession"), clock_now_ms(), id))
        return false;
    if (json_is_boolean(disabled) &&
        !accounts_user_disabled_set(err, &req->op, id, json_is_true(disabled)))
        return false;
    if (memberships &&
        (!check_memberships(err, req, memberships) || !set_memberships(err, req, id, memberships)))
        return false;
    req->object_type = "user";
    req->object_id = id;
    req->audit_detail = json_is_true(disabled) ? "account disabled" : NULL;
    json_t *u = accounts_user_json(err, req->op.conn, id);
    if (!u)
        return false;
    response_json(req, 200, u);
    return true;
}
