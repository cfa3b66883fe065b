/* SPDX-License-Identifier: Apache-2.0 */
/* API tokens for integrations: "tsu_" + 256 random bits, stored as SHA-256, scoped to one
 * organisation and user, revocable. */
#include <stdio.h>
#include <string.h>

#include "auth_int.h"
#include "core/clock.h"

#define TOKEN_PREFIX "tsu_"

static const char sql_lookup[] =
    "SELECT t.id, t.user_id, t.org_id, COALESCE(t.last_used_at, 0) FROM api_tokens t JOIN "
    "memberships m "
    "ON m.user_id = t.user_id AND m.org_id = t.org_id "
    "WHERE t.token_hash = ? AND t.revoked_at IS NULL";

/* The token of hash from the store, with its user and organisation. */
static bool token_load(struct error *err, struct store_conn *conn, const char *hash,
                       struct auth_credential *c)
{
    char id[UUID_STR_LEN], user[UUID_STR_LEN], org[UUID_STR_LEN];
    *c = (struct auth_credential){0};
    struct store_stmt *s = store_query(err, conn, sql_lookup, "t", hash);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    if (r != STORE_ROW) {
        store_done(s);
        return r == STORE_FAIL ? false : error_set(err, ERR_UNAUTHENTICATED, "unknown token");
    }
    snprintf(id, sizeof(id), "%s", store_text(s, 0));
    snprintf(user, sizeof(user), "%s", store_text(s, 1));
    snprintf(org, sizeof(org), "%s", store_text(s, 2));
    c->seen = store_int(s, 3);
    store_done(s);
    struct principal *p = &c->principal;
    if (!auth_principal_load(err, conn, user, org, p))
        return false;
    if (strcmp(p->org_id, org) != 0)
        return error_set(err, ERR_UNAUTHENTICATED, "token organisation unavailable");
    p->via_token = true;
    snprintf(p->token_id, sizeof(p->token_id), "%s", id);
    snprintf(p->state, sizeof(p->state), "%s", SESSION_ACTIVE);
    snprintf(p->credential_hash, sizeof(p->credential_hash), "%s", hash);
    return true;
}

bool auth_token_resolve(struct error *err, struct store_conn *conn, const char *token,
                        struct principal *out)
{
    if (!token || strncmp(token, TOKEN_PREFIX, 4) != 0 || strlen(token) > 100)
        return error_set(err, ERR_UNAUTHENTICATED, "malformed token");
    char hash[SHA256_HEX_LEN];
    ids_sha256_hex(token, strlen(token), hash);
    struct cache_version version;
    bool cacheable = store_version(conn, &version);
    struct auth_credential c;
    if (!cacheable || !cache_get(&auth_credentials, &version, hash, &c) || !c.principal.via_token) {
        if (!token_load(err, conn, hash, &c))
            return false;
        if (cacheable && store_in_txn(conn)) /* see store_version */
            cache_put(&auth_credentials, &version, hash, &c);
    }
    *out = c.principal;
    /* Like a session's last_seen_at: at most once a minute, never inside a read snapshot. */
    out->touch_due = clock_now_ms() - c.seen > 60 * 1000;
    if (!store_in_txn(conn))
        auth_deferred_writes(conn, out);
    return true;
}

bool auth_token_create(struct error *err, struct store_conn *conn, const char *name,
                       const char *org_id, const char *user_id, const char *created_by,
                       char id_out[UUID_STR_LEN], char token_out[TOKEN_STR_LEN + 8])
{
    char raw[TOKEN_STR_LEN], hash[SHA256_HEX_LEN], prefix[12];
    ids_token_new(raw);
    snprintf(token_out, TOKEN_STR_LEN + 8, TOKEN_PREFIX "%s", raw);
    ids_sha256_hex(token_out, strlen(token_out), hash);
    ids_uuid_new(id_out);
    snprintf(prefix, sizeof(prefix), "%.8s", token_out);
    return store_exec(err, conn, NULL,
                      "INSERT INTO api_tokens (id, token_hash, prefix, name, org_id, user_id, "
                      "created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                      "ttttttti", id_out, hash, prefix, name, org_id, user_id, created_by,
                      clock_now_ms());
}

void auth_recovery_code_hash(const char *user_id, const char *canonical_code,
                             char out[SHA256_HEX_LEN])
{
    char text[UUID_STR_LEN + 40];
    int n = snprintf(text, sizeof(text), "%s:%s", user_id, canonical_code);
    ids_sha256_hex(text, (size_t)n, out);
}

bool auth_tokens_revoke_user(struct error *err, struct store_conn *conn, const char *user_id,
                             int64_t *revoked)
{
    return store_exec(
        err, conn, revoked,
        "UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL", "it",
        clock_now_ms(), user_id);
}
