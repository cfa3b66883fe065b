/* SPDX-License-Identifier: Apache-2.0 */
/* Free text as handlers take it: trimmed of invisible characters, and as a LIKE pattern. */
#include <stdlib.h>

#include "api.h"
#include "core/text.h"

const char *api_trimmed(struct request *req, const char *s)
{
    if (!s)
        return NULL;
    if (!text_visible(s))
        return ""; /* only spaces, zero-width or other invisible characters: nothing said */
    const char *start;
    size_t n;
    text_trim(s, &start, &n);
    return arena_strndup(req->op.arena, start, n);
}

const char *api_like(struct request *req, const char *text)
{
    char *like = store_like("%", text, "%");
    if (!like)
        abort(); /* as the arena does when memory runs out */
    const char *out = arena_strdup(req->op.arena, like);
    free(like);
    return out;
}
