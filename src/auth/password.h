/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_AUTH_PASSWORD_H
#define TSUNAGU_AUTH_PASSWORD_H

#include <stdbool.h>

#include "core/errors.h"

/** Size of the buffer for an encoded hash; at least crypto_pwhash_STRBYTES (checked at build). */
#define PASSWORD_HASH_MAX 128

/** Policy bounds, counted in Unicode code points (NIST SP 800-63B §5.1.1.2). */
#define PASSWORD_MIN_CHARS 12
#define PASSWORD_MAX_CHARS 128

/**
 * Hashes password (NUL-terminated) with argon2id via libsodium crypto_pwhash_str_alg:
 * opslimit 2, memlimit 19 MiB, so the string reads "$argon2id$v=19$m=19456,t=2,p=1$...".
 * out receives the NUL-terminated encoded string (salt and parameters included), owned by the
 * caller's buffer. Calls sodium_init() defensively (idempotent).
 * Fails with ERR_NOMEM if the 19 MiB cannot be had, ERR_INTERNAL otherwise; out is then "".
 * Does not check the policy: call password_policy_check() first for new passwords.
 */
bool password_hash(struct error *err, const char *password, char out[PASSWORD_HASH_MAX]);

/**
 * True if password matches encoded_hash (as written by password_hash()); the comparison inside
 * libsodium is constant-time. False on mismatch, on NULL arguments, on a malformed or
 * unterminated hash, and if memory runs out. Takes about as long as password_hash().
 */
bool password_verify(const char *encoded_hash, const char *password);

/**
 * Checks a new password against the policy: PASSWORD_MIN_CHARS to PASSWORD_MAX_CHARS Unicode
 * code points, no composition rules, and not on the block-list of common passwords
 * (case-insensitive for ASCII). Fails with ERR_FIELD_VALUE ("password is not valid UTF-8") if
 * password is NULL or not valid UTF-8, else with ERR_WEAK_PASSWORD and a detail naming the rule:
 * "too short", "too long" or "common password". The detail never contains the password.
 */
bool password_policy_check(struct error *err, const char *password);

/** True if password, lower-cased for ASCII, is on the block-list. False for NULL. */
bool password_is_common(const char *password);

#endif
