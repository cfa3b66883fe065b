/* SPDX-License-Identifier: Apache-2.0 */
/* The accounts module's writes: organisations, users, memberships and passwords. The API's
 * handlers, the command line and the demo region all go through these. */
#include <string.h>

#include "accounts_int.h"
#include "auth/password.h"

static const char *or_empty(const char *s)
{
    return s ? s : "";
}

static bool code_listed(const char *const *codes, const char *code)
{
    for (const char *const *c = codes; code && *c; c++)
        if (strcmp(*c, code) == 0)
            return true;
    return false;
}

bool accounts_org_code_valid(const char *code)
{
    if (!code || !code[0])
        return false;
    for (const char *p = code; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
            return false;
    return true;
}

bool accounts_login_valid(const char *login)
{
    if (!login || !login[0])
        return false;
    for (const char *p = login; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' ||
              *p == '_'))
            return false;
    return true;
}

bool accounts_org_create(struct error *err, struct op *op, const struct accounts_org_new *o,
                         char id[UUID_STR_LEN])
{
    if (!accounts_org_code_valid(o->code))
        return error_set(err, ERR_FIELD_VALUE, "code: lower-case letters, digits, - and _");
    if (!o->name || !o->name[0])
        return error_set(err, ERR_FIELD_VALUE, "name: empty");
    if (!code_listed(accounts_org_type_codes, o->type))
        return error_set(err, ERR_FIELD_VALUE, "type: unknown organisation type");
    if (!id[0])
        ids_uuid_new(id);
    if (!op_write_begin(err, op))
        return false;
    if (store_exec(err, op->conn, NULL,
                   "INSERT INTO orgs (id, code, name, name_kana, type, address, phone, "
                   "totp_required, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   "tttttttbii", id, o->code, o->name, or_empty(o->name_kana), o->type,
                   or_empty(o->address), or_empty(o->phone), o->totp_required, op->now_ms,
                   op->now_ms))
        return true;
    if (!store_last_was_unique_violation(op->conn))
        return false;
    error_clear(err);
    return error_set(err, ERR_ORG_CODE_TAKEN, "%s", o->code);
}

bool accounts_user_create(struct error *err, struct op *op, const struct accounts_user_new *u,
                          char id[UUID_STR_LEN])
{
    if (!accounts_login_valid(u->login))
        return error_set(err, ERR_FIELD_VALUE, "login: lower-case letters, digits, . - _");
    if (!u->name || !u->name[0])
        return error_set(err, ERR_FIELD_VALUE, "name: empty");
    if (!code_listed(accounts_profession_codes, u->profession))
        return error_set(err, ERR_FIELD_VALUE, "profession: unknown profession");
    char hash[PASSWORD_HASH_MAX];
    const char *stored = u->password_hash;
    if (!stored) {
        if (!password_policy_check(err, u->password) || !password_hash(err, u->password, hash))
            return false;
        stored = hash;
    }
    if (!id[0])
        ids_uuid_new(id);
    if (!op_write_begin(err, op))
        return false;
    if (store_exec(err, op->conn, NULL,
                   "INSERT INTO users (id, login, name, name_kana, profession, network_admin, "
                   "password_hash, must_change_password, created_at, updated_at) VALUES "
                   "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   "tttttbtbii", id, u->login, u->name, or_empty(u->name_kana), u->profession,
                   u->network_admin, stored, u->must_change_password, op->now_ms, op->now_ms))
        return true;
    if (!store_last_was_unique_violation(op->conn))
        return false;
    error_clear(err);
    return error_set(err, ERR_LOGIN_TAKEN, "%s", u->login);
}

bool accounts_membership_put(struct error *err, struct op *op, const char *user_id,
                             const char *org_id, const char *role, const char *pending,
                             int64_t created_at)
{
    if (!code_listed(accounts_role_codes, role))
        return error_set(err, ERR_FIELD_VALUE, "role: member or org_admin");
    return op_write_begin(err, op) &&
           store_exec(
               err, op->conn, NULL,
               "INSERT INTO memberships (user_id, org_id, role, created_at, pending, "
               "pending_since) VALUES (?1, ?2, ?3, ?4, ?5, CASE WHEN CAST(?5 AS TEXT) IS NULL THEN "
               "NULL ELSE ?4 END) ON CONFLICT (user_id, org_id) DO UPDATE SET "
               "role = excluded.role, created_at = excluded.created_at",
               "tttit", user_id, org_id, role, created_at, pending);
}

bool accounts_user_password_reset(struct error *err, struct op *op, const char *user_id,
                                  const char *password, int64_t *revoked)
{
    char hash[PASSWORD_HASH_MAX];
    int64_t changed = 0;
    /* Sessions and API tokens issued under the old password end, and TOTP is enrolled again
     * (the reset may be because they were compromised). */
    if (!password_policy_check(err, password) || !password_hash(err, password, hash) ||
        !op_write_begin(err, op) ||
        !store_exec(err, op->conn, &changed,
                    "UPDATE users SET password_hash = ?, must_change_password = 1, "
                    "failed_logins = 0, locked_until = 0, totp_enabled = 0, totp_secret = NULL, "
                    "totp_pending_secret = NULL, totp_last_step = 0, updated_at = ? WHERE id = ?",
                    "tit", hash, op->now_ms, user_id))
        return false;
    if (changed != 1)
        return error_set(err, ERR_USER_NOT_FOUND, NULL);
    return auth_sessions_end_user(err, op->conn, user_id, NULL, "password reset", NULL) &&
           auth_tokens_revoke_user(err, op->conn, user_id, revoked);
}

bool accounts_membership_confirm(struct error *err, struct op *op, const char *user_id,
                                 const char *org_id)
{
    struct store_stmt *s = store_query(
        err, op->conn, "SELECT pending FROM memberships WHERE user_id = ? AND org_id = ?", "tt",
        user_id, org_id);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    bool member = r == STORE_ROW, pending = member && !store_is_null(s, 0);
    store_done(s);
    if (r == STORE_FAIL)
        return false;
    if (!member)
        return error_set(err, ERR_USER_NOT_FOUND, "no membership of the organisation");
    if (!pending)
        return error_set(err, ERR_ACCOUNT_CONFIRMED, "no membership awaits it");
    return op_write_begin(err, op) &&
           store_exec(
               err, op->conn, NULL,
               "UPDATE memberships SET pending = NULL, pending_since = NULL WHERE user_id = ? "
               "AND org_id = ?",
               "tt", user_id, org_id);
}

bool accounts_user_disabled_set(struct error *err, struct op *op, const char *user_id,
                                bool disabled)
{
    return op_write_begin(err, op) &&
           store_exec(err, op->conn, NULL, "UPDATE users SET disabled = ? WHERE id = ?", "bt",
                      disabled, user_id) &&
           (!disabled ||
            auth_sessions_end_user(err, op->conn, user_id, NULL, "account disabled", NULL));
}
