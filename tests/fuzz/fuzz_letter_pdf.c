/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: the referral letter renderer (src/referral/letter_pdf.h) on a fuzzed LETTER
 * (when the input is JSON) and fuzzed bytes as names and dates. Rendering must always succeed
 * with a PDF, whatever the text; only a missing font may stop it. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "referral/letter_pdf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { TEXT_MAX = 4096 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char text[TEXT_MAX + 1];
    size_t n = size < TEXT_MAX ? size : TEXT_MAX;
    memcpy(text, data, n);
    text[n] = '\0';
    json_t *letter = json_loadb((const char *)data, size, 0, NULL);
    struct letter_pdf_in in = {.date = text,
                               .patient_name = text,
                               .patient_kana = text,
                               .patient_birth_date = text,
                               .patient_age = (int)size - 100,
                               .to_org_name = text,
                               .to_department = text,
                               .signer_name = text,
                               .reverse = size % 2 == 1,
                               .letter = letter};
    struct error err = {0};
    unsigned char *pdf = NULL;
    size_t len = 0;
    bool ok = letter_pdf_render(&err, &in, &pdf, &len);
    if (ok ? len < 5 || memcmp(pdf, "%PDF-", 5) != 0 : err.code != ERR_LETTER_FONT)
        abort();
    free(pdf);
    json_decref(letter);
    return 0;
}
