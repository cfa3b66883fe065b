/* SPDX-License-Identifier: Apache-2.0 */
/* Browser sessions: a random 256-bit token in the cookie, only its SHA-256 in the store. */
#include <stdio.h>
#include <string.h>

#include "auth_int.h"
#include "core/clock.h"
#include "core/text.h"

enum { TOUCH_INTERVAL_MS = 60 * 1000 };

/* Sessions and API tokens the process resolved, by the SHA-256 of the credential. Few people
 * are logged in at once in a region; past this many, the cache starts again. */
struct cache auth_credentials = CACHE_INIT(2048, sizeof(struct auth_credential));

/* The session with its user and current membership, in one statement (it runs on every
 * request). */
static const char sql_lookup[] =
    "SELECT s.id, s.user_id, s.org_id, s.state, s.csrf_token, s.created_at, s.last_seen_at, "
    "u.login, u.name, u.profession, u.network_admin, u.disabled, m.role, m.pending IS NOT NULL "
    "FROM sessions s JOIN users u ON u.id = s.user_id LEFT JOIN memberships m "
    "ON m.user_id = s.user_id AND m.org_id = s.org_id "
    "WHERE s.token_hash = ? AND s.ended_at IS NULL";
static const char sql_touch[] = "UPDATE sessions SET last_seen_at = ? WHERE id = ?";
static const char sql_expire[] =
    "UPDATE sessions SET ended_at = ?, end_reason = ? WHERE id = ? AND ended_at IS NULL";

/* Ends session id now, or (inside a read transaction) marks it for auth_deferred_writes. */
static void end_now_or_later(struct store_conn *conn, struct principal *p, const char *why)
{
    if (store_in_txn(conn))
        p->end_reason = why;
    else
        store_exec(NULL, conn, NULL, sql_expire, "itt", clock_now_ms(), why, p->session_id);
}

static bool expire(struct error *err, struct store_conn *conn, struct principal *p, const char *why)
{
    end_now_or_later(conn, p, why);
    return error_set(err, ERR_SESSION_EXPIRED, "%s", why);
}

/* Fills out from the current row of sql_lookup; false if the user is disabled. */
static bool principal_from_row(struct store_stmt *s, struct principal *out)
{
    text_copy(out->session_id, sizeof(out->session_id), store_text(s, 0));
    text_copy(out->user_id, sizeof(out->user_id), store_text(s, 1));
    text_copy(out->state, sizeof(out->state), store_text(s, 3));
    text_copy(out->csrf, sizeof(out->csrf), store_text(s, 4));
    text_copy(out->login, sizeof(out->login), store_text(s, 7));
    text_copy(out->name, sizeof(out->name), store_text(s, 8));
    text_copy(out->profession, sizeof(out->profession), store_text(s, 9));
    out->network_admin = store_int(s, 10) != 0;
    /* The current organisation counts only while the membership lasts. */
    bool member = !store_is_null(s, 12);
    text_copy(out->org_id, sizeof(out->org_id), member ? store_text(s, 2) : "");
    text_copy(out->org_role, sizeof(out->org_role), member ? store_text(s, 12) : "");
    out->pending = member && store_int(s, 13) != 0;
    out->via_token = false;
    return store_int(s, 11) == 0;
}

/* The session of hash from the store: its row and, when the session's organisation is no
 * longer a membership, the user's first organisation; *enabled tells whether the user may log
 * in. ERR_UNAUTHENTICATED for an unknown session. */
static bool session_load(struct error *err, struct store_conn *conn, const char *hash,
                         struct auth_credential *c, bool *enabled)
{
    *c = (struct auth_credential){0};
    struct store_stmt *s = store_query(err, conn, sql_lookup, "t", hash);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    if (r != STORE_ROW) {
        store_done(s);
        return r == STORE_FAIL ? false : error_set(err, ERR_UNAUTHENTICATED, "unknown session");
    }
    *enabled = principal_from_row(s, &c->principal);
    c->created = store_int(s, 5);
    c->seen = store_int(s, 6);
    store_done(s);
    text_copy(c->principal.credential_hash, SHA256_HEX_LEN, hash);
    /* membership gone: fall back to the user's first organisation */
    return !*enabled || c->principal.org_id[0] ||
           auth_principal_load(err, conn, c->principal.user_id, NULL, &c->principal);
}

/* Whether a session last seen at seen and created at created is still open at now. */
static bool session_current(const struct auth_credential *c, int64_t now,
                            const struct auth_timeouts *timeouts)
{
    return now - c->seen <= timeouts->idle_ms && now - c->created <= timeouts->absolute_ms;
}

/* The session from the store, checked (ending it when it expired); cached when it holds. */
static bool session_from_store(struct error *err, struct store_conn *conn, const char *hash,
                               const struct cache_version *version, int64_t now,
                               const struct auth_timeouts *timeouts, struct auth_credential *c,
                               struct principal *out)
{
    bool enabled = false;
    if (!session_load(err, conn, hash, c, &enabled))
        return false;
    *out = c->principal;
    if (!enabled) {
        end_now_or_later(conn, out, "user disabled");
        return error_set(err, ERR_UNAUTHENTICATED, "user disabled");
    }
    if (now - c->seen > timeouts->idle_ms)
        return expire(err, conn, out, "idle timeout");
    if (now - c->created > timeouts->absolute_ms)
        return expire(err, conn, out, "absolute timeout");
    if (version && store_in_txn(conn)) /* see store_version: only a snapshot's own count */
        cache_put(&auth_credentials, version, hash, c);
    return true;
}

bool auth_session_resolve(struct error *err, struct store_conn *conn, const char *token,
                          const struct auth_timeouts *timeouts, struct principal *out)
{
    if (!token || strlen(token) != TOKEN_STR_LEN - 1)
        return error_set(err, ERR_UNAUTHENTICATED, "no session");
    char hash[SHA256_HEX_LEN];
    ids_sha256_hex(token, strlen(token), hash);
    int64_t now = clock_now_ms();
    struct cache_version version;
    bool cacheable = store_version(conn, &version);
    struct auth_credential c;
    /* A cached session that fails a check is read again: its cached last-seen time may be
     * older than the store's, never newer, so only a refusal needs the store's word. */
    if (cacheable && cache_get(&auth_credentials, &version, hash, &c) && !c.principal.via_token &&
        session_current(&c, now, timeouts))
        *out = c.principal;
    else if (!session_from_store(err, conn, hash, cacheable ? &version : NULL, now, timeouts, &c,
                                 out))
        return false;
    out->touch_due = now - c.seen > TOUCH_INTERVAL_MS;
    if (!store_in_txn(conn))
        auth_deferred_writes(conn, out);
    return true;
}

/* Notes in the cache the last-seen (last-used) time this process wrote. */
static void patch_seen(void *value, void *arg)
{
    struct auth_credential *c = value;
    int64_t at = *(const int64_t *)arg;
    if (at > c->seen)
        c->seen = at;
}

void auth_deferred_writes(struct store_conn *conn, struct principal *p)
{
    int64_t now = clock_now_ms();
    bool touched = false;
    if (p->touch_due && p->via_token)
        touched =
            store_exec(NULL, conn, NULL, "UPDATE api_tokens SET last_used_at = ? WHERE id = ?",
                       "it", now, p->token_id);
    else if (p->touch_due)
        touched = store_exec(NULL, conn, NULL, sql_touch, "it", now, p->session_id);
    if (touched && p->credential_hash[0])
        cache_patch(&auth_credentials, p->credential_hash, patch_seen, &now);
    if (p->end_reason && p->session_id[0])
        store_exec(NULL, conn, NULL, sql_expire, "itt", now, p->end_reason, p->session_id);
    p->touch_due = false;
    p->end_reason = NULL;
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
