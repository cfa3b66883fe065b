/* SPDX-License-Identifier: Apache-2.0 */
/* A new initial password set by an administrator, and the confirmation an organisation gives an
 * account the network office created or reset. The office manages accounts but must never reach
 * patient data through one (docs/security.md, "The network office"):
 *  - an organisation's members are reset by its own administrator; the network office resets only
 *    administrators (of an organisation, or of the network);
 *  - a reset ends the account's sessions and API tokens and its TOTP enrolment, and tells the
 *    administrators of its organisations;
 *  - a membership the network office created or reset waits until another administrator of that
 *    organisation confirms it: until then the account opens no patient data and administers
 *    nothing (access_decide, the router). */
#include <stdio.h>
#include <string.h>

#include "accounts_int.h"
#include "auth/password.h"
#include "core/clock.h"
#include "core/jsonv.h"
#include "notify/notify.h"

/* The network office resets the password of an administrator only: an organisation's members
 * are its administrator's to reset. */
static bool office_may_reset(struct error *err, struct request *req, const char *user_id)
{
    struct store_stmt *s = store_query(
        err, req->op.conn,
        "SELECT network_admin OR EXISTS (SELECT 1 FROM memberships WHERE user_id = ?1 AND "
        "role = 'org_admin') FROM users WHERE id = ?1",
        "t", user_id);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    bool admin = r == STORE_ROW && store_int(s, 0);
    store_done(s);
    if (r != STORE_ROW)
        return r == STORE_FAIL ? false : error_set(err, ERR_USER_NOT_FOUND, NULL);
    if (!admin)
        return error_set(err, ERR_FORBIDDEN,
                         "the organisation's administrator resets its members' passwords");
    return true;
}

/* One notification to the administrators of each of the user's organisations, in the
 * transaction. */
static bool notify_admins(struct error *err, struct request *req, const char *user_id)
{
    struct store_stmt *s =
        store_query(err, req->op.conn,
                    "SELECT m.org_id, u.login, u.name, (SELECT name FROM orgs WHERE id = ?2) FROM "
                    "memberships m JOIN users u ON u.id = m.user_id WHERE m.user_id = ?1",
                    "tt", user_id, req->op.principal.org_id);
    if (!s)
        return false;
    json_t *rows = json_array();
    enum store_step_result r;
    while ((r = store_step(err, s)) == STORE_ROW)
        json_array_append_new(rows, json_pack("{s:s, s:{s:s, s:s, s:s, s:s, s:o, s:b}}", "org",
                                              store_text(s, 0), "summary", "user_id", user_id,
                                              "login", store_text(s, 1), "name", store_text(s, 2),
                                              "by_user_name", req->op.principal.name, "by_org_name",
                                              api_text_or_null(s, 3), "by_network_office",
                                              req->op.principal.network_admin));
    store_done(s);
    bool ok = r != STORE_FAIL;
    size_t i;
    json_t *row;
    json_array_foreach(rows, i, row)
    {
        struct notify_message m = {.kind = "account_reset",
                                   .ref_id = user_id,
                                   .summary = json_object_get(row, "summary"),
                                   .admins_only = true};
        if (!ok ||
            !(ok = notify_org(err, &req->op, json_string_value(json_object_get(row, "org")), &m)))
            break;
    }
    json_decref(rows);
    return ok;
}

bool users_password_reset(struct error *err, struct request *req)
{
    static const struct jfield fields[] = {
        {"initial_password", JV_STRING, true, 1024, NULL},
        {NULL, 0, false, 0, NULL},
    };
    const char *id = request_param(req, 0);
    if (!ids_uuid_valid(id))
        return error_set(err, ERR_USER_NOT_FOUND, NULL);
    bool office = req->op.principal.network_admin;
    if (!jsonv_check(err, req->json, fields) ||
        !(office ? office_may_reset(err, req, id) : accounts_user_may_change(err, req, id)) ||
        !password_policy_check(err, jsonv_str(req->json, "initial_password")))
        return false;
    int64_t revoked = 0;
    if (!accounts_user_password_reset(err, &req->op, id, jsonv_str(req->json, "initial_password"),
                                      &revoked))
        return false;
    if (office && !store_exec(err, req->op.conn, NULL,
                              "UPDATE memberships SET pending = 'reset', pending_since = ? "
                              "WHERE user_id = ?",
                              "it", req->op.now_ms, id))
        return false;
    if (!notify_admins(err, req, id))
        return false;
    req->object_type = "user";
    req->object_id = id;
    req->audit_detail =
        arena_printf(req->op.arena,
                     "initial password set by %s; sessions ended, %lld API tokens revoked, TOTP "
                     "enrolment cleared%s",
                     office ? "the network office" : "the organisation's administrator",
                     (long long)revoked, office ? "; memberships await confirmation" : "");
    response_empty(req, 204);
    return true;
}

bool users_confirm(struct error *err, struct request *req)
{
    const char *id = request_param(req, 0);
    if (!api_no_fields(err, req))
        return false;
    if (!ids_uuid_valid(id))
        return error_set(err, ERR_USER_NOT_FOUND, NULL);
    if (strcmp(id, req->op.principal.user_id) == 0)
        return error_set(err, ERR_FORBIDDEN, "another administrator confirms one's own account");
    if (!accounts_membership_confirm(err, &req->op, id, req->op.principal.org_id))
        return false;
    req->object_type = "user";
    req->object_id = id;
    req->audit_detail = "membership confirmed";
    json_t *u = accounts_user_json(err, req->op.conn, id);
    if (!u)
        return false;
    response_json(req, 200, u);
    return true;
}
