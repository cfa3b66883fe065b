/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: a FHIR resource body as the store's write path validates it. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>

#include "fhir/validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    json_error_t jerr;
    json_t *resource = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &jerr);
    if (!resource)
        return 0;
    struct error err = {0};
    if (!fhir_validate(&err, resource) && err.code == ERR_NONE)
        abort(); /* a refusal always says why */
    json_decref(resource);
    return 0;
}
