/* SPDX-License-Identifier: Apache-2.0 */
/* The Idempotency-Key header of creating requests (referrals, bookings, visit records, timeline
 * posts): one check and one digest of what was asked; each feature looks the key up in its own
 * table, and api_idempotency_match tells a repeat from a reuse the same way for all. */
#include <string.h>

#include "api.h"
#include "core/ids.h"

bool api_idempotency_match(struct error *err, struct arena *a, struct store_stmt *s,
                           const char *sha, enum error_code conflict, const char **id)
{
    *id = NULL;
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    const char *found = r == STORE_ROW ? arena_strdup(a, store_text(s, 0)) : NULL;
    bool same = r == STORE_ROW && !store_is_null(s, 1) && strcmp(store_text(s, 1), sha) == 0;
    store_done(s);
    if (r != STORE_ROW)
        return r != STORE_FAIL;
    if (!same)
        return error_set(err, conflict, NULL);
    *id = found;
    return true;
}

bool api_idempotency_key(struct error *err, struct request *req, enum error_code invalid,
                         const char **key, char sha[SHA256_HEX_LEN])
{
    enum { KEY_MAX = 100 };
    const char *k = request_header(req, "Idempotency-Key");
    *key = NULL;
    sha[0] = '\0';
    if (!k)
        return true;
    size_t n = strlen(k);
    if (n == 0 || n > KEY_MAX)
        return error_set(err, invalid, "Idempotency-Key: length %zu, 1 to %d allowed", n, KEY_MAX);
    for (size_t i = 0; i < n; i++)
        if (k[i] < 0x21 || k[i] > 0x7e)
            return error_set(err, invalid, "Idempotency-Key: character at %zu", i);
    char *body = json_dumps(req->json, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    const char *what =
        arena_printf(req->op.arena, "%s %s\n%s", req->method, req->path, body ? body : "null");
    free(body);
    ids_sha256_hex(what, strlen(what), sha);
    *key = k;
    return true;
}
