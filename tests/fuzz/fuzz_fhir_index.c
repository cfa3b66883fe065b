/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: a stored FHIR resource as the store indexes it on write
 * (fhir_index_extract over the declared search parameters of its type); any input that is not
 * JSON goes, as a string, to the search-value parsers (date, token, quantity, reference). */
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

/* A refusal always says why; an accepted value is coherent. */
static void search_values(const char *value)
{
    struct error err = {0};
    enum fhir_prefix prefix;
    struct fhir_date_range range;
    if (fhir_date_param_parse(&err, value, &prefix, &range)) {
        if (range.low_ms > range.high_ms)
            abort();
        fhir_date_match(prefix, &range, &range, 0);
    } else if (err.code == ERR_NONE) {
        abort();
    }
    error_clear(&err);
    struct fhir_token_query token;
    if (fhir_token_param_parse(&err, value, &token))
        fhir_token_match(&token, "http://loinc.org", "4548-4");
    else if (err.code == ERR_NONE)
        abort();
    error_clear(&err);
    struct fhir_quantity_query q;
    if (fhir_quantity_param_parse(&err, value, &q)) {
        if (!(q.low <= q.high))
            abort();
        fhir_number_match(&q, 6.8);
    } else if (err.code == ERR_NONE) {
        abort();
    }
    char ref[160];
    if (fhir_reference_normalize(value, "https://tsunagu.example.jp/fhir", ref, sizeof(ref)) &&
        strnlen(ref, sizeof(ref)) == sizeof(ref))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!utf8_valid((const char *)data, size))
        return 0;
    json_error_t jerr;
    json_t *resource = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &jerr);
    if (!resource) {
        char *value = strndup((const char *)data, size);
        if (value)
            search_values(value);
        free(value);
        return 0;
    }
    struct error err = {0};
    size_t n = 0;
    if (!fhir_index_extract(&err, resource, "https://tsunagu.example.jp/fhir", count, &n) &&
        err.code == ERR_NONE)
        abort(); /* a refusal always says why */
    json_decref(resource);
    return 0;
}
