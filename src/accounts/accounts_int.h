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

#endif
