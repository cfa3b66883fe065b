/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_CORE_IDS_H
#define TSUNAGU_CORE_IDS_H

#include <stdbool.h>
#include <stddef.h>

#define UUID_STR_LEN 37  /* 36 characters + NUL */
#define TOKEN_STR_LEN 44 /* 32 random bytes as unpadded base64url (43) + NUL */
#define SHA256_HEX_LEN 65

/** Initialises libsodium; call once before any other function here. False if it cannot. */
bool ids_init(void);
/** A random (version 4) UUID in lower case. */
void ids_uuid_new(char out[UUID_STR_LEN]);
/** A time-ordered (version 7) UUID in lower case: 48 bits of Unix milliseconds, then 74 random
 *  bits. Ids made one after another sort near each other, so an index on them grows at its end
 *  instead of at random places (for ids that are created in bulk, such as FHIR resources). */
void ids_uuid_v7_new(char out[UUID_STR_LEN]);
/** True if s is a UUID in canonical lower- or upper-case form. */
bool ids_uuid_valid(const char *s);
/** 256 random bits as unpadded base64url: session tokens, API tokens, CSRF tokens. */
void ids_token_new(char out[TOKEN_STR_LEN]);
/** Lower-case hex SHA-256 of s (used to store high-entropy secrets such as tokens). */
void ids_sha256_hex(const char *s, size_t len, char out[SHA256_HEX_LEN]);
/** Constant-time comparison of two NUL-terminated strings. */
bool ids_equal_ct(const char *a, const char *b);

#endif
