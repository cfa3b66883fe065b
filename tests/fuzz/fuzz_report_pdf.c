/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: the home-care report renderer (src/homecare/report_pdf.c) on a fuzzed
 * content (when the input is JSON: its "content" and "vitals", else the whole value) and fuzzed
 * bytes as the month, names and addresses. Rendering must always succeed with a PDF, whatever the
 * text; only a missing font may stop it. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "homecare/homecare_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { TEXT_MAX = 4096 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char text[TEXT_MAX + 1];
    size_t n = size < TEXT_MAX ? size : TEXT_MAX;
    memcpy(text, data, n);
    text[n] = '\0';
    json_t *doc = json_loadb((const char *)data, size, 0, NULL);
    const json_t *content = json_object_get(doc, "content") ? json_object_get(doc, "content") : doc;
    struct homecare_report r = {.status = size % 2 ? "signed" : "draft",
                                .version = (int)(size % 7),
                                .signed_at = (int64_t)size * 1000,
                                .reason = text,
                                .sha256 = text,
                                .org_name = text,
                                .to_org_name = text,
                                .author_name = text};
    const char *month = json_string_value(json_object_get(doc, "month"));
    snprintf(r.month, sizeof r.month, "%.7s", month ? month : text);
    struct report_pdf_in in = {.r = &r,
                               .patient_name = text,
                               .patient_kana = text,
                               .birth_date = text,
                               .address = text,
                               .org_address = text,
                               .org_phone = text,
                               .signed_by = text,
                               .content = content,
                               .vitals = json_object_get(doc, "vitals")};
    struct error err = {0};
    unsigned char *pdf = NULL;
    size_t len = 0;
    bool ok = report_pdf_render(&err, &in, &pdf, &len);
    if (ok ? len < 5 || memcmp(pdf, "%PDF-", 5) != 0 : err.code != ERR_HOMECARE_REPORT_FONT)
        abort();
    free(pdf);
    json_decref(doc);
    return 0;
}
