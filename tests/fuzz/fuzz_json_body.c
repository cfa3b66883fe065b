/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: a request body as the router reads it (UTF-8 check, JSON parse) and the
 * field validation handlers use (jsonv); and the answer writer (jsonw), which must write what
 * json_dumps writes for the same value. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonv.h"
#include "core/jsonw.h"
#include "core/kana.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const sexes[] = {"male", "female", "other", "unknown", NULL};
static const struct jfield fields[] = {
    {"name", JV_STRING, true, 100, NULL},
    {"sex", JV_STRING, false, 0, sexes},
    {"birth_date", JV_DATE, false, 0, NULL},
    {"org_ids", JV_UUID_ARRAY, false, 50, NULL},
    {"tags", JV_STRING_ARRAY, false, 5, NULL},
    {"items", JV_OBJECT_ARRAY, false, 5, NULL},
    {"flag", JV_BOOL, false, 0, NULL},
    {"count", JV_INT, false, 0, NULL},
    {"id", JV_UUID, false, 0, NULL},
    {"consent", JV_OBJECT, false, 0, NULL},
    {NULL, 0, false, 0, NULL},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!utf8_valid((const char *)data, size))
        return 0;
    json_error_t jerr;
    json_t *body = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &jerr);
    if (!body)
        return 0;
    struct error err = {0};
    if (!jsonv_check(&err, body, fields) && err.code == ERR_NONE)
        abort(); /* a refusal always says why */
    size_t len = 0;
    char *ours = jsonw_text(body, &len);
    char *theirs = json_dumps(body, JSON_COMPACT | JSON_REAL_PRECISION(15));
    if (!ours != !theirs || (ours && (strlen(theirs) != len || memcmp(ours, theirs, len) != 0)))
        abort(); /* the writer and jansson disagree */
    free(ours);
    free(theirs);
    json_decref(body);
    return 0;
}
