/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target for core/kana: UTF-8 validation and the name search key. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/kana.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    bool valid = utf8_valid((const char *)data, size);

    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';

    char *key = kana_normalize(text);
    // A valid input (no NUL inside, so strlen covers it all) must give a valid key.
    if (valid && !key)
        abort();
    if (key && !utf8_valid(key, strlen(key)))
        abort();
    free(key);
    free(text);
    return 0;
}
