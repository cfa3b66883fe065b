/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_AUTH_AUTH_H
#define TSUNAGU_AUTH_AUTH_H

#include <stdbool.h>
#include <stdint.h>

#include "core/errors.h"
#include "core/ids.h"
#include "store/store.h"

/** Session states: what a session may do (the "state" of docs/api.md). */
#define SESSION_ACTIVE "active"                     /* fully logged in */
#define SESSION_TOTP "totp_required"                /* password ok, TOTP code pending */
#define SESSION_PASSWORD "password_change_required" /* must change the (initial) password */
#define SESSION_ENROLL "enroll"                     /* policy requires TOTP; must enrol first */

/** Who is calling: resolved from a session cookie or an API token. */
struct principal {
    char user_id[UUID_STR_LEN];
    char login[72];
    char name[200];
    char profession[24];
    bool network_admin;
    char org_id[UUID_STR_LEN]; /* current organisation, "" when none */
    char org_role[16];         /* "member" | "org_admin" | "" */
    /** The membership waits for its organisation's administrator to confirm it (the network
     *  office created or reset the account): no patient data, no administration. */
    bool pending;
    char session_id[UUID_STR_LEN];
    char state[32];
    char csrf[TOKEN_STR_LEN];
    bool via_token;
    char token_id[UUID_STR_LEN];
    /** SHA-256 of the cookie or token: how the credential is stored and cached */
    char credential_hash[SHA256_HEX_LEN];
    /* Writes a GET's read transaction cannot make; the router makes them after it (auth_defer) */
    bool touch_due;         /* refresh the session's last_seen_at or the token's last_used_at */
    const char *end_reason; /* end the session (expired, user disabled), static string */
};

/** Session time-outs in milliseconds. */
struct auth_timeouts {
    int64_t idle_ms;
    int64_t absolute_ms;
};

/** Resolves a session cookie value; ERR_UNAUTHENTICATED or ERR_SESSION_EXPIRED otherwise.
 *  Refreshes last_seen_at at most once a minute and ends expired sessions: at once outside a
 *  transaction, else through out->touch_due / out->end_reason (see auth_deferred_writes). */
bool auth_session_resolve(struct error *err, struct store_conn *conn, const char *token,
                          const struct auth_timeouts *timeouts, struct principal *out);
/** Makes the writes resolution deferred because it ran inside a read transaction (touch_due,
 *  end_reason); best effort, outside any transaction. */
void auth_deferred_writes(struct store_conn *conn, struct principal *p);
/** Resolves "Authorization: Bearer <token>"; ERR_UNAUTHENTICATED otherwise. last_used_at is
 *  refreshed at most once a minute, deferred like a session's inside a transaction. */
bool auth_token_resolve(struct error *err, struct store_conn *conn, const char *token,
                        struct principal *out);

/** Fills the user and membership parts of out for user_id in organisation org_id (or the
 *  user's first organisation when org_id is NULL or not a membership). */
bool auth_principal_load(struct error *err, struct store_conn *conn, const char *user_id,
                         const char *org_id, struct principal *out);

/** Creates a session inside the caller's write transaction; token_out receives the cookie value
 *  (shown once, stored only hashed). */
bool auth_session_create(struct error *err, struct store_conn *conn, const struct principal *p,
                         const char *state, const char *client, const char *user_agent,
                         char token_out[TOKEN_STR_LEN], char id_out[UUID_STR_LEN],
                         char csrf_out[TOKEN_STR_LEN]);
/** Changes a session's state inside the caller's transaction. */
bool auth_session_set_state(struct error *err, struct store_conn *conn, const char *session_id,
                            const char *state);
/** Ends one session (reason like "logout"); inside the caller's transaction. */
bool auth_session_end(struct error *err, struct store_conn *conn, const char *session_id,
                      const char *reason);
/** Ends all open sessions of a user except keep_id (may be NULL); *ended gets the count. */
bool auth_sessions_end_user(struct error *err, struct store_conn *conn, const char *user_id,
                            const char *keep_id, const char *reason, int64_t *ended);

/** Revokes every API token of user_id (a new password: tokens act with the user's authority
 *  and must not outlive the credentials they were issued under); *revoked (if not NULL) gets
 *  how many. Inside the caller's write transaction. */
bool auth_tokens_revoke_user(struct error *err, struct store_conn *conn, const char *user_id,
                             int64_t *revoked);

/** Lock-out decision before a login attempt: locked → *retry_after_s > 0. user_id is the
 *  account of the login name tried, or NULL when no account has it: login is then counted on
 *  its own, exactly like an account, so that lock-out does not tell which logins exist. */
bool auth_lockout_check(struct error *err, struct store_conn *conn, const char *user_id,
                        const char *login, const char *client, int64_t *retry_after_s);
/** Counts a failure (the account, or the unknown login name, and the client); inside a write
 *  txn. *locked_now tells whether this failure started a lock-out. */
bool auth_lockout_fail(struct error *err, struct store_conn *conn, const char *user_id,
                       const char *login, const char *client, bool *locked_now);
/** Clears the account's failure count after a successful login; inside a write txn. */
bool auth_lockout_clear(struct error *err, struct store_conn *conn, const char *user_id,
                        const char *client);

/** True if policy requires TOTP for this user (their organisations or their profession). */
bool auth_totp_required(struct error *err, struct store_conn *conn, const char *user_id,
                        const char *profession, bool *required);

/** The stored form of a recovery code: SHA-256 of the user id and the canonical code, so equal
 *  codes of two users differ and a leaked table cannot be attacked for all users at once. */
void auth_recovery_code_hash(const char *user_id, const char *canonical_code,
                             char out[SHA256_HEX_LEN]);

/** Creates an API token inside the caller's transaction; token_out is shown once. */
bool auth_token_create(struct error *err, struct store_conn *conn, const char *name,
                       const char *org_id, const char *user_id, const char *created_by,
                       char id_out[UUID_STR_LEN], char token_out[TOKEN_STR_LEN + 8]);

#endif
