/* SPDX-License-Identifier: Apache-2.0 */
/* API tokens for system integrations (scoped to one organisation and user, shown once). */
#include <string.h>

#include "accounts_int.h"
#include "core/clock.h"
#include "core/jsonv.h"

static const char sql_list[] =
    "SELECT t.id, t.name, t.org_id, t.user_id, u.login, t.prefix, t.created_at, t.last_used_at, "
    "t.revoked_at FROM api_tokens t JOIN users u ON u.id = t.user_id "
    "WHERE CAST(?1 AS TEXT) IS NULL OR t.org_id = ?1 ORDER BY t.created_at DESC";

static json_t *token_row(struct store_stmt *s)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o}", "id", store_text(s, 0),
                     "name", store_text(s, 1), "org_id", store_text(s, 2), "user_id",
                     store_text(s, 3), "user_login", store_text(s, 4), "prefix", store_text(s, 5),
                     "created_at", api_time_or_null(s, 6), "last_used_at", api_time_or_null(s, 7),
                     "revoked_at", api_time_or_null(s, 8));
}

bool tokens_list(struct error *err, struct request *req)
{
    const char *org = req->op.principal.network_admin ? NULL : req->op.principal.org_id;
    return api_respond_items(
        req, api_rows(err, store_query(err, req->op.conn, sql_list, "t", org), token_row));
}

bool tokens_create(struct error *err, struct request *req)
{
    static const struct jfield fields[] = {
        {"name", JV_TEXT, true, 100, NULL},
        {"user_id", JV_UUID, true, 0, NULL},
        {NULL, 0, false, 0, NULL},
    };
    if (!jsonv_check(err, req->json, fields))
        return false;
    const char *user = jsonv_str(req->json, "user_id"), *org = req->op.principal.org_id;
    struct store_stmt *s = store_query(err, req->op.conn,
                                       "SELECT u.network_admin FROM memberships m JOIN users u "
                                       "ON u.id = m.user_id WHERE m.user_id = ? AND m.org_id = ?",
                                       "tt", user, org);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    bool network_admin = r == STORE_ROW && store_int(s, 0);
    store_done(s);
    if (r != STORE_ROW)
        return r == STORE_FAIL
                   ? false
                   : error_set(err, ERR_FIELD_VALUE, "user_id: not a member of this organisation");
    /* A token acts with all its user's rights: one for a network administrator would hand the
     * organisation's administrator the whole network. */
    if (network_admin && !req->op.principal.network_admin)
        return error_set(err, ERR_FORBIDDEN, "user_id: a network administrator");
    char id[UUID_STR_LEN], token[TOKEN_STR_LEN + 8];
    if (!op_write_begin(err, &req->op) ||
        !auth_token_create(err, req->op.conn, jsonv_str(req->json, "name"), org, user,
                           req->op.principal.user_id, id, token) ||
        !op_audit(err, &req->op, "tokens_create", 'C', NULL, "api_token", id, NULL))
        return false;
    response_json(req, 201,
                  json_pack("{s:s, s:s, s:s, s:s, s:s, s:s%}", "id", id, "token", token, "name",
                            jsonv_str(req->json, "name"), "org_id", org, "user_id", user, "prefix",
                            token, (size_t)8));
    return true;
}

bool tokens_revoke(struct error *err, struct request *req)
{
    const char *id = request_param(req, 0);
    int64_t changed = 0;
    if (!ids_uuid_valid(id))
        return error_set(err, ERR_TOKEN_NOT_FOUND, NULL);
    const char *org = req->op.principal.network_admin ? NULL : req->op.principal.org_id;
    if (!op_write_begin(err, &req->op) ||
        !store_exec(err, req->op.conn, &changed,
                    "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL "
                    "AND (CAST(? AS TEXT) IS NULL OR org_id = ?)",
                    "ittt", clock_now_ms(), id, org, org))
        return false;
    if (changed != 1)
        return error_set(err, ERR_TOKEN_NOT_FOUND, NULL);
    req->object_type = "api_token";
    req->object_id = id;
    response_empty(req, 204);
    return true;
}
