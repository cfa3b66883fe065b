/* SPDX-License-Identifier: Apache-2.0 */
/* The current user: profile and memberships, organisation switch, own sessions, TOTP. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access/access.h"
#include "accounts_int.h"
#include "auth/password.h"
#include "auth/totp.h"
#include "core/clock.h"
#include "core/jsonv.h"

void accounts_session_cookie_set(struct request *req, const char *token)
{
    const char *secure = req->ctx->tls ? "; Secure" : "";
    if (token)
        response_header(req, "Set-Cookie",
                        arena_printf(req->op.arena,
                                     "tsunagu_session=%s; Path=/; HttpOnly; SameSite=Strict%s",
                                     token, secure));
    else
        response_header(req, "Set-Cookie",
                        arena_printf(req->op.arena,
                                     "tsunagu_session=; Path=/; HttpOnly; SameSite=Strict; "
                                     "Max-Age=0%s",
                                     secure));
}

static const char sql_me[] = "SELECT name_kana, totp_enabled FROM users WHERE id = ?";
static const char sql_memberships[] =
    "SELECT o.id, o.code, o.name, o.type, m.role, m.pending FROM memberships m JOIN orgs o "
    "ON o.id = m.org_id WHERE m.user_id = ? ORDER BY m.created_at, o.code";

static json_t *membership_row(struct store_stmt *s)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:s, s:o}", "org_id", store_text(s, 0), "org_code",
                     store_text(s, 1), "org_name", store_text(s, 2), "org_type", store_text(s, 3),
                     "role", store_text(s, 4), "pending", api_text_or_null(s, 5));
}

static json_t *memberships_json(struct error *err, struct store_conn *conn, const char *user_id)
{
    return api_rows(err, store_query(err, conn, sql_memberships, "t", user_id), membership_row);
}

/* The kinds of clinical record the principal's profession may write (access/write_rules.def),
 * so that the UI offers only the forms it may submit. */
static json_t *may_write_json(const struct principal *p)
{
    json_t *kinds = json_array();
    for (int k = 0; k < RECORD_KIND_COUNT; k++)
        if (access_may_write_kind(p, (enum access_record_kind)k))
            json_array_append_new(kinds, json_string(access_write_rules[k].code));
    return kinds;
}

json_t *accounts_me_json(struct error *err, struct request *req)
{
    const struct principal *p = &req->op.principal;
    struct store_stmt *s = store_query(err, req->op.conn, sql_me, "t", p->user_id);
    if (!s)
        return NULL;
    if (store_step(err, s) != STORE_ROW) {
        store_done(s);
        error_set(err, ERR_UNAUTHENTICATED, "user vanished");
        return NULL;
    }
    json_t *user =
        json_pack("{s:s, s:s, s:s, s:s, s:s, s:b, s:b}", "id", p->user_id, "login", p->login,
                  "name", p->name, "name_kana", store_text(s, 0), "profession", p->profession,
                  "network_admin", p->network_admin, "totp_enabled", (int)store_int(s, 1));
    store_done(s);
    bool required = false;
    json_t *memberships = memberships_json(err, req->op.conn, p->user_id);
    if (!memberships ||
        !auth_totp_required(err, req->op.conn, p->user_id, p->profession, &required)) {
        json_decref(user);
        json_decref(memberships);
        return NULL;
    }
    return json_pack("{s:o, s:o, s:s?, s:s, s:s, s:b, s:b, s:o}", "user", user, "memberships",
                     memberships, "org_id", p->org_id[0] ? p->org_id : NULL, "state", p->state,
                     "csrf_token", p->csrf, "totp_required", required, "via_token", p->via_token,
                     "may_write", may_write_json(p));
}

bool api_no_fields(struct error *err, struct request *req)
{
    static const struct jfield none[] = {{NULL, 0, false, 0, NULL}};
    return !req->json || jsonv_check(err, req->json, none);
}

bool me_get(struct error *err, struct request *req)
{
    json_t *me = accounts_me_json(err, req);
    if (!me)
        return false;
    response_json(req, 200, me);
    return true;
}

bool me_org_put(struct error *err, struct request *req)
{
    static const struct jfield fields[] = {
        {"org_id", JV_UUID, true, 0, NULL},
        {NULL, 0, false, 0, NULL},
    };
    if (!jsonv_check(err, req->json, fields))
        return false;
    const char *org = jsonv_str(req->json, "org_id");
    struct principal p = req->op.principal;
    /* not p.user_id: the loader writes the id it reads into p (overlapping snprintf) */
    if (!auth_principal_load(err, req->op.conn, req->op.principal.user_id, org, &p))
        return false;
    if (strcmp(p.org_id, org) != 0)
        return error_set(err, ERR_FORBIDDEN, "not a member of that organisation");
    if (!op_write_begin(err, &req->op) ||
        !store_exec(err, req->op.conn, NULL, "UPDATE sessions SET org_id = ? WHERE id = ?", "tt",
                    org, p.session_id))
        return false;
    req->op.principal = p;
    req->object_type = "org";
    req->object_id = arena_strdup(req->op.arena, org);
    return me_get(err, req);
}

static const char sql_sessions[] =
    "SELECT id, created_at, last_seen_at, client, user_agent FROM sessions WHERE user_id = ? "
    "AND ended_at IS NULL AND last_seen_at > ? AND created_at > ? ORDER BY created_at DESC";

static json_t *session_row(struct store_stmt *s)
{
    return json_pack("{s:s, s:o, s:o, s:s, s:s}", "id", store_text(s, 0), "created_at",
                     api_time_or_null(s, 1), "last_seen_at", api_time_or_null(s, 2), "client",
                     store_text(s, 3), "user_agent", store_text(s, 4));
}

bool me_sessions_list(struct error *err, struct request *req)
{
    int64_t now = clock_now_ms();
    json_t *items = api_rows(
        err,
        store_query(err, req->op.conn, sql_sessions, "tii", req->op.principal.user_id,
                    now - req->ctx->timeouts.idle_ms, now - req->ctx->timeouts.absolute_ms),
        session_row);
    size_t i;
    json_t *item;
    json_array_foreach(items, i, item)
    {
        const char *id = json_string_value(json_object_get(item, "id"));
        json_object_set_new(item, "current",
                            json_boolean(strcmp(id, req->op.principal.session_id) == 0));
    }
    return api_respond_items(req, items);
}

bool me_sessions_delete(struct error *err, struct request *req)
{
    const char *id = request_param(req, 0);
    int64_t changed = 0;
    if (!ids_uuid_valid(id))
        return error_set(err, ERR_SESSION_NOT_FOUND, NULL);
    if (!op_write_begin(err, &req->op) ||
        !store_exec(err, req->op.conn, &changed,
                    "UPDATE sessions SET ended_at = ?, end_reason = 'ended by user' "
                    "WHERE id = ? AND user_id = ? AND ended_at IS NULL",
                    "itt", clock_now_ms(), id, req->op.principal.user_id))
        return false;
    if (changed != 1)
        return error_set(err, ERR_SESSION_NOT_FOUND, NULL);
    req->object_type = "session";
    req->object_id = id;
    if (strcmp(id, req->op.principal.session_id) == 0)
        accounts_session_cookie_set(req, NULL);
    response_empty(req, 204);
    return true;
}

bool me_sessions_end_others(struct error *err, struct request *req)
{
    int64_t ended = 0;
    if (!api_no_fields(err, req))
        return false;
    if (!op_write_begin(err, &req->op) ||
        !auth_sessions_end_user(err, req->op.conn, req->op.principal.user_id,
                                req->op.principal.session_id, "ended by user (all others)", &ended))
        return false;
    req->object_type = "session";
    req->audit_detail = arena_printf(req->op.arena, "ended=%lld", (long long)ended);
    response_json(req, 200, json_pack("{s:I}", "ended", (json_int_t)ended));
    return true;
}

static bool may_manage_totp(struct error *err, struct request *req)
{
    const char *st = req->op.principal.state;
    if (strcmp(st, SESSION_ACTIVE) != 0 && strcmp(st, SESSION_ENROLL) != 0)
        return error_set(err,
                         strcmp(st, SESSION_PASSWORD) == 0 ? ERR_PASSWORD_CHANGE_REQUIRED
                                                           : ERR_TOTP_REQUIRED,
                         NULL);
    return true;
}

bool me_totp_enroll(struct error *err, struct request *req)
{
    if (!api_no_fields(err, req) || !may_manage_totp(err, req))
        return false;
    char secret[TOTP_SECRET_B32_MAX];
    int64_t changed = 0;
    if (!totp_secret_new(err, secret) || !op_write_begin(err, &req->op) ||
        !store_exec(err, req->op.conn, &changed,
                    "UPDATE users SET totp_pending_secret = ? WHERE id = ? AND totp_enabled = 0",
                    "tt", secret, req->op.principal.user_id))
        return false;
    if (changed != 1)
        return error_set(err, ERR_TOTP_STATE, "two-factor authentication is already on");
    char *uri = totp_otpauth_uri("tsunagu", req->op.principal.login, secret);
    char *svg = uri ? totp_qr_svg(uri) : NULL;
    if (!svg) {
        free(uri);
        return error_set(err, ERR_INTERNAL, "QR code");
    }
    req->object_type = "user";
    req->object_id = req->op.principal.user_id;
    req->audit_detail = "TOTP enrolment started";
    response_json(
        req, 200,
        json_pack("{s:s, s:s, s:s}", "secret", secret, "otpauth_uri", uri, "qr_svg", svg));
    free(uri);
    free(svg);
    return true;
}

static bool store_recovery_codes(struct error *err, struct request *req, json_t *out)
{
    char codes[RECOVERY_CODE_COUNT][RECOVERY_CODE_LEN];
    if (!totp_recovery_codes_new(err, codes) ||
        !store_exec(err, req->op.conn, NULL, "DELETE FROM recovery_codes WHERE user_id = ?", "t",
                    req->op.principal.user_id))
        return false;
    for (int i = 0; i < RECOVERY_CODE_COUNT; i++) {
        char canon[32], hash[SHA256_HEX_LEN];
        totp_recovery_code_canonical(codes[i], canon, sizeof(canon));
        auth_recovery_code_hash(req->op.principal.user_id, canon, hash);
        if (!store_exec(err, req->op.conn, NULL,
                        "INSERT INTO recovery_codes (user_id, code_hash) VALUES (?, ?)", "tt",
                        req->op.principal.user_id, hash))
            return false;
        json_array_append_new(out, json_string(codes[i]));
    }
    return true;
}

bool me_totp_confirm(struct error *err, struct request *req)
{
    static const struct jfield fields[] = {
        {"code", JV_STRING, true, 16, NULL},
        {NULL, 0, false, 0, NULL},
    };
    if (!jsonv_check(err, req->json, fields) || !may_manage_totp(err, req))
        return false;
    struct store_stmt *s =
        store_query(err, req->op.conn,
                    "SELECT totp_pending_secret FROM users WHERE id = ? AND totp_enabled = 0", "t",
                    req->op.principal.user_id);
    if (!s)
        return false;
    char secret[TOTP_SECRET_B32_MAX] = "";
    if (store_step(err, s) == STORE_ROW && !store_is_null(s, 0))
        snprintf(secret, sizeof(secret), "%s", store_text(s, 0));
    store_done(s);
    if (!secret[0])
        return error_set(err, ERR_TOTP_STATE, "start the enrolment first");
    int64_t step;
    if (!totp_verify(secret, jsonv_str(req->json, "code"), clock_now_ms() / 1000, 1, &step))
        return error_set(err, ERR_INVALID_TOTP, NULL);
    json_t *codes = json_array();
    if (!op_write_begin(err, &req->op) ||
        !store_exec(err, req->op.conn, NULL,
                    "UPDATE users SET totp_secret = totp_pending_secret, totp_enabled = 1, "
                    "totp_pending_secret = NULL, totp_last_step = ? WHERE id = ?",
                    "it", step, req->op.principal.user_id) ||
        !store_recovery_codes(err, req, codes) ||
        (strcmp(req->op.principal.state, SESSION_ENROLL) == 0 &&
         !auth_session_set_state(err, req->op.conn, req->op.principal.session_id,
                                 SESSION_ACTIVE)) ||
        !op_audit(err, &req->op, "auth.totp_enabled", 'U', NULL, "user", req->op.principal.user_id,
                  "two-factor authentication turned on")) {
        json_decref(codes);
        return false;
    }
    response_json(req, 200,
                  json_pack("{s:o, s:s}", "recovery_codes", codes, "state", SESSION_ACTIVE));
    return true;
}

bool me_totp_disable(struct error *err, struct request *req)
{
    static const struct jfield fields[] = {
        {"password", JV_STRING, true, 1024, NULL},
        {NULL, 0, false, 0, NULL},
    };
    if (!jsonv_check(err, req->json, fields) || !may_manage_totp(err, req))
        return false;
    struct store_stmt *s =
        store_query(err, req->op.conn, "SELECT password_hash FROM users WHERE id = ?", "t",
                    req->op.principal.user_id);
    if (!s)
        return false;
    char hash[PASSWORD_HASH_MAX] = "";
    if (store_step(err, s) == STORE_ROW)
        snprintf(hash, sizeof(hash), "%s", store_text(s, 0));
    store_done(s);
    if (!accounts_lockout_check(err, req, req->op.principal.user_id, req->op.principal.login))
        return false;
    if (!password_verify(hash, jsonv_str(req->json, "password")))
        return accounts_credentials_refuse(err, req, "auth.totp_disable", req->op.principal.user_id,
                                           req->op.principal.login, ERR_WRONG_PASSWORD,
                                           "wrong password");
    bool required = false;
    if (!auth_totp_required(err, req->op.conn, req->op.principal.user_id,
                            req->op.principal.profession, &required))
        return false;
    if (required)
        return error_set(err, ERR_TOTP_ENFORCED, NULL);
    if (!op_write_begin(err, &req->op) ||
        !store_exec(err, req->op.conn, NULL,
                    "UPDATE users SET totp_secret = NULL, totp_enabled = 0, "
                    "totp_pending_secret = NULL WHERE id = ?",
                    "t", req->op.principal.user_id) ||
        !store_exec(err, req->op.conn, NULL, "DELETE FROM recovery_codes WHERE user_id = ?", "t",
                    req->op.principal.user_id) ||
        !op_audit(err, &req->op, "auth.totp_disabled", 'U', NULL, "user", req->op.principal.user_id,
                  "two-factor authentication turned off"))
        return false;
    response_empty(req, 204);
    return true;
}
