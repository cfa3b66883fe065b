/* SPDX-License-Identifier: Apache-2.0 */
#include "password.h"

#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "core/kana.h"
#include "password_int.h"

_Static_assert(PASSWORD_HASH_MAX >= crypto_pwhash_STRBYTES, "PASSWORD_HASH_MAX too small");

/* OWASP Password Storage Cheat Sheet, argon2id minimum: m=19 MiB, t=2, p=1. */
#define HASH_OPSLIMIT 2
#define HASH_MEMLIMIT ((size_t)19 * 1024 * 1024)

/* A UTF-8 code point takes at most 4 bytes, so a longer string has too many code points. */
#define MAX_BYTES (PASSWORD_MAX_CHARS * 4)

/* NFKC before hashing (NIST SP 800-63B §5.1.1.2), so that the full-width digits and letters a
 * Japanese input method may type match their ASCII forms. malloc'd; NULL when out of memory.
 * Input that is not valid UTF-8 is used as it is. */
static char *normalized(const char *password)
{
    char *n = (char *)utf8proc_NFKC((const utf8proc_uint8_t *)password);
    return n ? n : strdup(password);
}

bool password_hash(struct error *err, const char *password, char out[PASSWORD_HASH_MAX])
{
    out[0] = '\0';
    if (!password)
        return error_set(err, ERR_INTERNAL, "password_hash: no password");
    if (sodium_init() < 0)
        return error_set(err, ERR_INTERNAL, "sodium_init failed");
    char *pw = normalized(password);
    if (!pw)
        return error_set(err, ERR_NOMEM, "password normalisation");
    errno = 0;
    int rc = crypto_pwhash_str_alg(out, pw, strlen(pw), HASH_OPSLIMIT, HASH_MEMLIMIT,
                                   crypto_pwhash_ALG_ARGON2ID13);
    int saved = errno;
    sodium_memzero(pw, strlen(pw));
    free(pw);
    if (rc != 0) {
        out[0] = '\0';
        if (saved == ENOMEM)
            return error_set(err, ERR_NOMEM, "argon2id: out of memory");
        return error_set(err, ERR_INTERNAL, "argon2id hashing failed (errno %d)", saved);
    }
    return true;
}

bool password_verify(const char *encoded_hash, const char *password)
{
    if (!encoded_hash || !password)
        return false;
    if (strnlen(encoded_hash, PASSWORD_HASH_MAX) >= PASSWORD_HASH_MAX)
        return false;
    if (sodium_init() < 0)
        return false;
    char *pw = normalized(password);
    if (!pw)
        return false;
    bool ok = crypto_pwhash_str_verify(encoded_hash, pw, strlen(pw)) == 0;
    sodium_memzero(pw, strlen(pw));
    free(pw);
    return ok;
}

static int compare_entry(const void *key, const void *entry)
{
    return strcmp((const char *)key, *(const char *const *)entry);
}

bool password_is_common(const char *password)
{
    if (!password)
        return false;
    size_t len = strlen(password);
    if (len > MAX_BYTES)
        return false;
    char lower[MAX_BYTES + 1];
    for (size_t i = 0; i <= len; i++) {
        char c = password[i];
        lower[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    return bsearch(lower, password_blocklist, password_blocklist_count,
                   sizeof(password_blocklist[0]), compare_entry) != NULL;
}

/* Code points of valid UTF-8: every byte that is not a continuation byte starts one. */
static size_t count_code_points(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

bool password_policy_check(struct error *err, const char *password)
{
    if (!password)
        return error_set(err, ERR_FIELD_VALUE, "password is not valid UTF-8");
    size_t len = strlen(password);
    if (!utf8_valid(password, len))
        return error_set(err, ERR_FIELD_VALUE, "password is not valid UTF-8");
    size_t chars = count_code_points(password, len);
    if (chars < PASSWORD_MIN_CHARS)
        return error_set(err, ERR_WEAK_PASSWORD, "too short");
    if (chars > PASSWORD_MAX_CHARS)
        return error_set(err, ERR_WEAK_PASSWORD, "too long");
    char *pw = normalized(password);
    bool common = pw && password_is_common(pw);
    free(pw);
    if (common)
        return error_set(err, ERR_WEAK_PASSWORD, "common password");
    return true;
}
