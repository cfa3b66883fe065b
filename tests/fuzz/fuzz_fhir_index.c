/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: a stored FHIR resource as the store indexes it on write
 * (fhir_index_extract over the declared search parameters of its type). */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/kana.h"
#include "fhir/search_params.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool count(struct error *err, const struct fhir_index_value *v, void *arg)
{
    size_t *n = arg;
    if (!v->param || !v->param->name)
        abort();
    if (v->param->type == FHIR_PARAM_TOKEN && !v->token.code)
        abort();
    if (v->param->type == FHIR_PARAM_STRING && (!v->string.key || !v->string.original))
        abort();
    if (v->param->type == FHIR_PARAM_DATE && v->date.low_ms > v->date.high_ms)
        abort();
    if (v->param->type == FHIR_PARAM_REFERENCE &&
        strnlen(v->reference, sizeof(v->reference)) == sizeof(v->reference))
        abort();
    (*n)++;
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!utf8_valid((const char *)data, size))
        return 0;
    json_error_t jerr;
    json_t *resource = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &jerr);
    if (!resource)
        return 0;
    struct error err = {0};
    size_t n = 0;
    if (!fhir_index_extract(&err, resource, "https://tsunagu.example.jp/fhir", count, &n) &&
        err.code == ERR_NONE)
        abort(); /* a refusal always says why */
    json_decref(resource);
    return 0;
}
