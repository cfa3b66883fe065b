/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_AUTH_AUTH_INT_H
#define TSUNAGU_AUTH_AUTH_INT_H

#include "auth.h"
#include "core/cache.h"

/**
 * What the store said of a session cookie or an API token (session.c, token.c), cached under
 * the SHA-256 of the credential at the store's version (store_version): the principal, and the
 * times the checks of every request need. seen is the session's last_seen_at (the token's
 * last_used_at), which the store's version does not count: the cache holds the value this
 * process last wrote, never later than the store's, so a check that fails on it is made again
 * on the store (auth_session_resolve).
 */
struct auth_credential {
    struct principal principal;
    int64_t created, seen;
};

/** The credential cache of the process (session.c). */
extern struct cache auth_credentials;

#endif
