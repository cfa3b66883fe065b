/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: what the server parses out of a URL and query string by itself — route
 * matching with path parameters, ISO 8601 dates and times, ids. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include "core/clock.h"
#include "core/ids.h"
#include "http/router.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    struct arena *a = arena_new();
    struct request req = {.op = {.arena = a}};
    bool known;
    char allow[128];
    static const char *const methods[] = {"GET", "POST", "PUT", "PATCH", "DELETE"};
    const struct route *r =
        router_match(&req, methods[size % 5], text, &known, allow, sizeof(allow));
    if (r && req.param_count > 0 && strchr(req.params[0], '/'))
        abort(); /* a path parameter never spans segments */
    int64_t ms;
    int y, m, d;
    clock_parse_iso(text, &ms);
    clock_parse_date(text, &y, &m, &d);
    ids_uuid_valid(text);
    clock_age_years(text);
    arena_free(a);
    free(text);
    return 0;
}
