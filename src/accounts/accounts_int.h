/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_ACCOUNTS_ACCOUNTS_INT_H
#define TSUNAGU_ACCOUNTS_ACCOUNTS_INT_H

/* What the files of the accounts module share: logging in, one's own account, users, API
 * tokens, organisations and the code lists. */

#include "accounts.h"
#include "modules/module.h"

#define ROUTE ROUTE_DECLARE
#include "accounts/routes.def"
#undef ROUTE

/** Sets the session cookie (HttpOnly, SameSite=Strict, Secure under TLS), or clears it when
 *  token is NULL. */
void accounts_session_cookie_set(struct request *req, const char *token);

/** Body of GET /api/me for the request's principal. */
json_t *accounts_me_json(struct error *err, struct request *req);
/** The "me" answer of the login steps: {"state","csrf_token","me"}. */
bool accounts_login_answer(struct error *err, struct request *req, const char *state,
                           const char *csrf);

/**
 * Records a failed proof of identity (login, TOTP, a password re-check): counts it towards the
 * lock-out of the account and the client, audits it under event_id with the reason, keeps those
 * writes although the request fails, and sets err to code without the reason (the answer must
 * not tell an unknown login from a wrong password). Always returns false.
 */
bool accounts_credentials_refuse(struct error *err, struct request *req, const char *event_id,
                                 const char *user_id, const char *login, enum error_code code,
                                 const char *why);
/** Fails with ERR_LOCKED (and Retry-After) while the account or the client is locked out. */
bool accounts_lockout_check(struct error *err, struct request *req, const char *user_id,
                            const char *login);

/** JSON of a user by id (ERR_USER_NOT_FOUND if absent). */
json_t *accounts_user_json(struct error *err, struct store_conn *conn, const char *user_id);
/** Whether the principal may change user_id's account (an org admin: a member of their current
 *  organisation only, not a network administrator, not one who also belongs elsewhere; the
 *  network office: anyone). ERR_USER_NOT_FOUND or ERR_FORBIDDEN otherwise. */
bool accounts_user_may_change(struct error *err, struct request *req, const char *user_id);

/** The module's part of the demo region (demo.c). */
bool accounts_demo_load(struct error *err, struct op *op);

/* ---- writes (db.c), for the API, the command line and the demo alike ---------------------- */

/** Whether code is an organisation code: lower-case letters, digits, - and _. */
bool accounts_org_code_valid(const char *code);
/** Whether login is a login id: lower-case letters, digits, ., - and _. */
bool accounts_login_valid(const char *login);

/** A new organisation; NULL strings are stored empty. */
struct accounts_org_new {
    const char *code, *name, *name_kana, *type, *address, *phone;
    bool totp_required;
};
/** Registers an organisation at op's time. id is "" for a new id (filled in) or the id to use.
 *  ERR_FIELD_VALUE for a bad code, name or type; ERR_ORG_CODE_TAKEN. */
bool accounts_org_create(struct error *err, struct op *op, const struct accounts_org_new *o,
                         char id[UUID_STR_LEN]);

/** A new user. */
struct accounts_user_new {
    const char *login, *name, *name_kana, *profession;
    bool network_admin;
    const char *password;      /* the initial password (policy-checked, hashed) ... */
    const char *password_hash; /* ... or a hash already made (the demo's one password) */
    bool must_change_password;
};
/** Registers a user at op's time (id as for accounts_org_create). ERR_FIELD_VALUE for a bad
 *  login, name or profession; ERR_WEAK_PASSWORD; ERR_LOGIN_TAKEN. */
bool accounts_user_create(struct error *err, struct op *op, const struct accounts_user_new *u,
                          char id[UUID_STR_LEN]);
/** Adds (or changes the role of) user_id's membership of org_id. pending ("created", "reset" or
 *  NULL) makes a new one wait for the organisation's administrator; created_at orders a user's
 *  memberships (the first is the home organisation). */
bool accounts_membership_put(struct error *err, struct op *op, const char *user_id,
                             const char *org_id, const char *role, const char *pending,
                             int64_t created_at);
/** Sets a new initial password (to be changed at the next login), clears lock-out and TOTP,
 *  ends the user's sessions and revokes their API tokens (*revoked, if not NULL, gets how
 *  many). ERR_WEAK_PASSWORD, ERR_USER_NOT_FOUND. */
bool accounts_user_password_reset(struct error *err, struct op *op, const char *user_id,
                                  const char *password, int64_t *revoked);
/** Confirms user_id's pending membership of org_id. ERR_USER_NOT_FOUND when there is none,
 *  ERR_ACCOUNT_CONFIRMED when it does not wait. */
bool accounts_membership_confirm(struct error *err, struct op *op, const char *user_id,
                                 const char *org_id);
/** Disables (ending the user's sessions) or enables an account. */
bool accounts_user_disabled_set(struct error *err, struct op *op, const char *user_id,
                                bool disabled);

/** The module's commands (cli.c, cli_token.c): tsunagu org, user, token. */
int accounts_cli_org(int argc, char **argv);
int accounts_cli_user(int argc, char **argv);
int accounts_cli_token(int argc, char **argv);

#endif
