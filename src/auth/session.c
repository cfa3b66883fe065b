/* SPDX-License-Identifier: Apache-2.0 */
/* Browser sessions: a random 256-bit token in the cookie, only its SHA-256 in the store. */
#include <stdio.h>
#include <string.h>

#include "auth.h"
#include "core/clock.h"

enum { TOUCH_INTERVAL_MS = 60 * 1000 };

static const char sql_lookup[] =
    "SELECT id, user_id, org_id, state, csrf_token, created_at, last_seen_at FROM sessions "
    "WHERE token_hash = ? AND ended_at IS NULL";
static const char sql_touch[] = "UPDATE sessions SET last_seen_at = ? WHERE id = ?";
static const char sql_expire[] =
    "UPDATE sessions SET ended_at = ?, end_reason = ? WHERE id = ? AND ended_at IS NULL";

static bool expire(struct error *err, struct store_conn *conn, const char *id, const char *why)
{
    store_exec(NULL, conn, NULL, sql_expire, "itt", clock_now_ms(), why, id);
    return error_set(err, ERR_SESSION_EXPIRED, "%s", why);
}

bool auth_session_resolve(struct error *err, struct store_conn *conn, const char *token,
                          const struct auth_timeouts *timeouts, struct principal *out)
{
    if (!token || strlen(token) != TOKEN_STR_LEN - 1)
        return error_set(err, ERR_UNAUTHENTICATED, "no session");
    char hash[SHA256_HEX_LEN], id[UUID_STR_LEN], user[UUID_STR_LEN], org[UUID_STR_LEN];
    ids_sha256_hex(token, strlen(token), hash);
    struct store_stmt *s = store_query(err, conn, sql_lookup, "t", hash);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    if (r != STORE_ROW) {
        store_done(s);
        return r == STORE_FAIL ? false : error_set(err, ERR_UNAUTHENTICATED, "unknown session");
    }
    snprintf(id, sizeof(id), "%s", store_text(s, 0));
    snprintf(user, sizeof(user), "%s", store_text(s, 1));
    snprintf(org, sizeof(org), "%s", store_is_null(s, 2) ? "" : store_text(s, 2));
    snprintf(out->state, sizeof(out->state), "%s", store_text(s, 3));
    snprintf(out->csrf, sizeof(out->csrf), "%s", store_text(s, 4));
    int64_t created = store_int(s, 5), seen = store_int(s, 6);
    store_done(s);

    int64_t now = clock_now_ms();
    if (now - seen > timeouts->idle_ms)
        return expire(err, conn, id, "idle timeout");
    if (now - created > timeouts->absolute_ms)
        return expire(err, conn, id, "absolute timeout");
    if (!auth_principal_load(err, conn, user, org, out)) {
        if (err && err->code == ERR_UNAUTHENTICATED)
            store_exec(NULL, conn, NULL, sql_expire, "itt", now, "user disabled", id);
        return false;
    }
    snprintf(out->session_id, sizeof(out->session_id), "%s", id);
    out->via_token = false;
    out->touch_due = now - seen > TOUCH_INTERVAL_MS;
    if (out->touch_due && !store_in_txn(conn)) {
        auth_session_touch(conn, id);
        out->touch_due = false;
    }
    return true;
}

void auth_session_touch(struct store_conn *conn, const char *session_id)
{
    store_exec(NULL, conn, NULL, sql_touch, "it", clock_now_ms(), session_id);
}

static const char sql_create[] =
    "INSERT INTO sessions (id, token_hash, user_id, org_id, state, csrf_token, created_at, "
    "last_seen_at, client, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

bool auth_session_create(struct error *err, struct store_conn *conn, const struct principal *p,
                         const char *state, const char *client, const char *user_agent,
                         char token_out[TOKEN_STR_LEN], char id_out[UUID_STR_LEN],
                         char csrf_out[TOKEN_STR_LEN])
{
    char hash[SHA256_HEX_LEN];
    char ua[200];
    ids_token_new(token_out);
    ids_token_new(csrf_out);
    ids_uuid_new(id_out);
    ids_sha256_hex(token_out, strlen(token_out), hash);
    snprintf(ua, sizeof(ua), "%s", user_agent ? user_agent : "");
    int64_t now = clock_now_ms();
    return store_exec(err, conn, NULL, sql_create, "ttttttiitt", id_out, hash, p->user_id,
                      p->org_id[0] ? p->org_id : NULL, state, csrf_out, now, now,
                      client ? client : "", ua);
}

bool auth_session_set_state(struct error *err, struct store_conn *conn, const char *session_id,
                            const char *state)
{
    return store_exec(err, conn, NULL, "UPDATE sessions SET state = ? WHERE id = ?", "tt", state,
                      session_id);
}

bool auth_session_end(struct error *err, struct store_conn *conn, const char *session_id,
                      const char *reason)
{
    return store_exec(err, conn, NULL, sql_expire, "itt", clock_now_ms(), reason, session_id);
}

bool auth_sessions_end_user(struct error *err, struct store_conn *conn, const char *user_id,
                            const char *keep_id, const char *reason, int64_t *ended)
{
    return store_exec(err, conn, ended,
                      "UPDATE sessions SET ended_at = ?, end_reason = ? WHERE user_id = ? AND "
                      "ended_at IS NULL AND id <> ?",
                      "ittt", clock_now_ms(), reason, user_id, keep_id ? keep_id : "");
}
