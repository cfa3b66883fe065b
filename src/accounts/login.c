/* SPDX-License-Identifier: Apache-2.0 */
/* Login (password, then TOTP), password change and logout. */
#include <stdio.h>
#include <string.h>

#include "accounts_int.h"
#include "auth/password.h"
#include "auth/totp.h"
#include "core/clock.h"
#include "core/jsonv.h"

struct login_user {
    bool found;
    char id[UUID_STR_LEN];
    char hash[PASSWORD_HASH_MAX];
    char profession[24];
    bool disabled, must_change, totp_enabled;
    char totp_secret[TOTP_SECRET_B32_MAX];
    int64_t totp_last_step;
};

static const char sql_user_by_login[] =
    "SELECT id, password_hash, profession, disabled, must_change_password, totp_enabled, "
    "totp_secret, totp_last_step FROM users WHERE login = ?";
static const char sql_user_by_id[] =
    "SELECT id, password_hash, profession, disabled, must_change_password, totp_enabled, "
    "totp_secret, totp_last_step FROM users WHERE id = ?";

static bool load_user(struct error *err, struct store_conn *conn, const char *sql, const char *key,
                      struct login_user *u)
{
    memset(u, 0, sizeof(*u));
    struct store_stmt *s = store_query(err, conn, sql, "t", key);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    if (r == STORE_ROW) {
        u->found = true;
        snprintf(u->id, sizeof(u->id), "%s", store_text(s, 0));
        snprintf(u->hash, sizeof(u->hash), "%s", store_text(s, 1));
        snprintf(u->profession, sizeof(u->profession), "%s", store_text(s, 2));
        u->disabled = store_int(s, 3);
        u->must_change = store_int(s, 4);
        u->totp_enabled = store_int(s, 5);
        snprintf(u->totp_secret, sizeof(u->totp_secret), "%s",
                 store_is_null(s, 6) ? "" : store_text(s, 6));
        u->totp_last_step = store_int(s, 7);
    }
    store_done(s);
    return r != STORE_FAIL;
}

/* Records a refused login attempt: failure counters and audit commit even though the request
 * fails. */
bool accounts_credentials_refuse(struct error *err, struct request *req, const char *event_id,
                                 const char *user_id, const char *login, enum error_code code,
                                 const char *why)
{
    struct error e = {0};
    bool locked_now = false;
    /* Before login the principal is empty: name the attempt in it (never copy onto itself). */
    if (login != req->op.principal.login)
        snprintf(req->op.principal.login, sizeof(req->op.principal.login), "%.64s",
                 login ? login : "");
    if (user_id && user_id != req->op.principal.user_id)
        snprintf(req->op.principal.user_id, sizeof(req->op.principal.user_id), "%s", user_id);
    if (!op_write_begin(&e, &req->op) ||
        (code != ERR_LOCKED &&
         !auth_lockout_fail(&e, req->op.conn, user_id, login, req->client, &locked_now)))
        return error_set(err, e.code, "%s", e.detail);
    struct audit_record rec = {
        .event_id = event_id,
        .action = 'E',
        .outcome = AUDIT_SERIOUS_FAILURE,
        .user_id = user_id,
        .user_login = req->op.principal.login,
        .client = req->client,
        .request_id = req->request_id,
        .detail = why,
    };
    if (!audit_append_txn(&e, req->op.conn, &rec))
        return error_set(err, e.code, "%s", e.detail);
    if (locked_now) {
        rec.event_id = "auth.lockout";
        rec.detail = "repeated failures: lock-out started";
        if (!audit_append_txn(&e, req->op.conn, &rec))
            return error_set(err, e.code, "%s", e.detail);
    }
    req->op.audited = true;
    req->commit_on_error = true;
    /* The reason goes to the audit record only: the answer must not tell an unknown login from
     * a wrong password or a disabled account. */
    return error_set(err, code, NULL);
}

bool accounts_lockout_check(struct error *err, struct request *req, const char *user_id,
                            const char *login)
{
    int64_t retry = 0;
    if (!auth_lockout_check(err, req->op.conn, user_id, login, req->client, &retry))
        return false;
    if (retry <= 0)
        return true;
    response_header(req, "Retry-After", arena_printf(req->op.arena, "%lld", (long long)retry));
    return accounts_credentials_refuse(err, req, "auth.login", user_id, login, ERR_LOCKED,
                                       "locked out");
}

/* The state once the password (and, when enrolled, the TOTP code) is proven and the password
 * needs no change: "enroll" while policy requires TOTP the user has not set up. */
static const char *state_when_proven(struct error *err, struct request *req,
                                     const struct login_user *u)
{
    bool required = false;
    if (u->totp_enabled)
        return SESSION_ACTIVE;
    if (!auth_totp_required(err, req->op.conn, u->id, u->profession, &required))
        return NULL;
    return required ? SESSION_ENROLL : SESSION_ACTIVE;
}

static const char *state_after_password(struct error *err, struct request *req,
                                        const struct login_user *u)
{
    if (u->totp_enabled)
        return SESSION_TOTP;
    if (u->must_change)
        return SESSION_PASSWORD;
    return state_when_proven(err, req, u);
}

bool accounts_login_answer(struct error *err, struct request *req, const char *state,
                           const char *csrf)
{
    if (state != req->op.principal.state) /* copying a string onto itself is undefined */
        snprintf(req->op.principal.state, sizeof(req->op.principal.state), "%s", state);
    json_t *me = accounts_me_json(err, req);
    if (!me)
        return false;
    response_json(req, 200,
                  json_pack("{s:s, s:s, s:o}", "state", state, "csrf_token", csrf, "me", me));
    return true;
}

bool auth_login(struct error *err, struct request *req)
{
    static const struct jfield fields[] = {
        {"login", JV_STRING, true, 64, NULL},
        {"password", JV_STRING, true, 1024, NULL},
        {NULL, 0, false, 0, NULL},
    };
    if (!jsonv_check(err, req->json, fields))
        return false;
    const char *login = jsonv_str(req->json, "login"), *password = jsonv_str(req->json, "password");
    struct login_user u;
    if (!load_user(err, req->op.conn, sql_user_by_login, login, &u))
        return false;
    if (!accounts_lockout_check(err, req, u.found ? u.id : NULL, login))
        return false;
    /* Verify even for an unknown login, so timing does not tell which logins exist. */
    bool ok = password_verify(u.found ? u.hash : req->ctx->dummy_password_hash, password);
    if (!u.found || !ok || u.disabled)
        return accounts_credentials_refuse(err, req, "auth.login", u.found ? u.id : NULL, login,
                                           ERR_INVALID_CREDENTIALS,
                                           !u.found     ? "unknown login"
                                           : u.disabled ? "account disabled"
                                                        : "wrong password");
    if (!op_write_begin(err, &req->op) ||
        !auth_lockout_clear(err, req->op.conn, u.id, req->client) ||
        !auth_principal_load(err, req->op.conn, u.id, NULL, &req->op.principal))
        return false;
    const char *state = state_after_password(err, req, &u);
    char token[TOKEN_STR_LEN], sid[UUID_STR_LEN], csrf[TOKEN_STR_LEN];
    if (!state || !auth_session_create(err, req->op.conn, &req->op.principal, state, req->client,
                                       request_header(req, "User-Agent"), token, sid, csrf))
        return false;
    snprintf(req->op.principal.session_id, sizeof(req->op.principal.session_id), "%s", sid);
    snprintf(req->op.principal.csrf, sizeof(req->op.principal.csrf), "%s", csrf);
    if (!op_audit(err, &req->op, "auth.login", 'E', NULL, "session", sid,
                  arena_printf(req->op.arena, "state=%s", state)))
        return false;
    accounts_session_cookie_set(req, token);
    return accounts_login_answer(err, req, state, csrf);
}

static bool check_recovery_code(struct error *err, struct request *req, const char *input, bool *ok)
{
    char canon[32], hash[SHA256_HEX_LEN];
    *ok = false;
    if (!totp_recovery_code_canonical(input, canon, sizeof(canon)))
        return true;
    auth_recovery_code_hash(req->op.principal.user_id, canon, hash);
    int64_t changed = 0;
    if (!op_write_begin(err, &req->op) ||
        !store_exec(err, req->op.conn, &changed,
                    "UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? "
                    "AND used_at IS NULL",
                    "itt", clock_now_ms(), req->op.principal.user_id, hash))
        return false;
    *ok = changed == 1;
    return true;
}

bool auth_totp(struct error *err, struct request *req)
{
    static const struct jfield fields[] = {
        {"code", JV_STRING, false, 16, NULL},
        {"recovery_code", JV_STRING, false, 32, NULL},
        {NULL, 0, false, 0, NULL},
    };
    if (!jsonv_check(err, req->json, fields))
        return false;
    if (strcmp(req->op.principal.state, SESSION_TOTP) != 0)
        return error_set(err, ERR_TOTP_STATE, "no verification code is pending");
    const char *code = jsonv_str(req->json, "code"),
               *recovery = jsonv_str(req->json, "recovery_code");
    if (!code == !recovery)
        return error_set(err, ERR_FIELD_MISSING, "give code or recovery_code");
    struct login_user u;
    if (!load_user(err, req->op.conn, sql_user_by_id, req->op.principal.user_id, &u) ||
        !accounts_lockout_check(err, req, u.id, req->op.principal.login))
        return false;
    bool ok = false;
    int64_t step = 0;
    if (code)
        ok = totp_verify(u.totp_secret, code, clock_now_ms() / 1000, 1, &step) &&
             step > u.totp_last_step;
    else if (!check_recovery_code(err, req, recovery, &ok))
        return false;
    if (!ok)
        return accounts_credentials_refuse(
            err, req, "auth.login", u.id, req->op.principal.login, ERR_INVALID_TOTP,
            code ? "wrong or reused TOTP code" : "wrong recovery code");
    const char *next = u.must_change ? SESSION_PASSWORD : SESSION_ACTIVE;
    if (!op_write_begin(err, &req->op) ||
        !auth_lockout_clear(err, req->op.conn, u.id, req->client) ||
        (code &&
         !store_exec(err, req->op.conn, NULL, "UPDATE users SET totp_last_step = ? WHERE id = ?",
                     "it", step, u.id)) ||
        !auth_session_set_state(err, req->op.conn, req->op.principal.session_id, next) ||
        !op_audit(err, &req->op, "auth.totp", 'E', NULL, "session", req->op.principal.session_id,
                  code ? "TOTP verified" : "recovery code used"))
        return false;
    return accounts_login_answer(err, req, next, req->op.principal.csrf);
}

bool auth_password(struct error *err, struct request *req)
{
    static const struct jfield fields[] = {
        {"current_password", JV_STRING, true, 1024, NULL},
        {"new_password", JV_STRING, true, 1024, NULL},
        {NULL, 0, false, 0, NULL},
    };
    if (!jsonv_check(err, req->json, fields))
        return false;
    if (strcmp(req->op.principal.state, SESSION_TOTP) == 0)
        return error_set(err, ERR_TOTP_REQUIRED, NULL);
    const char *current = jsonv_str(req->json, "current_password");
    const char *fresh = jsonv_str(req->json, "new_password");
    struct login_user u;
    if (!load_user(err, req->op.conn, sql_user_by_id, req->op.principal.user_id, &u))
        return false;
    if (!accounts_lockout_check(err, req, u.id, req->op.principal.login))
        return false;
    if (!password_verify(u.hash, current))
        return accounts_credentials_refuse(err, req, "auth.password_change", u.id,
                                           req->op.principal.login, ERR_WRONG_PASSWORD,
                                           "wrong current password");
    if (!password_policy_check(err, fresh))
        return false;
    if (strcmp(current, fresh) == 0)
        return error_set(err, ERR_WEAK_PASSWORD, "the new password must differ from the old one");
    char hash[PASSWORD_HASH_MAX];
    if (!password_hash(err, fresh, hash))
        return false;
    const char *next = strcmp(req->op.principal.state, SESSION_PASSWORD) == 0
                           ? state_when_proven(err, req, &u)
                           : req->op.principal.state;
    int64_t revoked = 0; /* the user's API tokens end with the old password (docs/security.md) */
    if (!next || !op_write_begin(err, &req->op) ||
        !store_exec(err, req->op.conn, NULL,
                    "UPDATE users SET password_hash = ?, must_change_password = 0, "
                    "updated_at = ? WHERE id = ?",
                    "tit", hash, clock_now_ms(), u.id) ||
        !auth_sessions_end_user(err, req->op.conn, u.id, req->op.principal.session_id,
                                "password changed", NULL) ||
        !auth_tokens_revoke_user(err, req->op.conn, u.id, &revoked) ||
        !auth_session_set_state(err, req->op.conn, req->op.principal.session_id, next) ||
        !op_audit(err, &req->op, "auth.password_change", 'U', NULL, "user", u.id,
                  revoked
                      ? arena_printf(req->op.arena, "%lld API tokens revoked", (long long)revoked)
                      : NULL))
        return false;
    return accounts_login_answer(err, req, next, req->op.principal.csrf);
}

bool auth_logout(struct error *err, struct request *req)
{
    if (!api_no_fields(err, req))
        return false;
    if (!op_write_begin(err, &req->op) ||
        !auth_session_end(err, req->op.conn, req->op.principal.session_id, "logout") ||
        !op_audit(err, &req->op, "auth.logout", 'E', NULL, "session", req->op.principal.session_id,
                  NULL))
        return false;
    accounts_session_cookie_set(req, NULL);
    response_empty(req, 204);
    return true;
}
