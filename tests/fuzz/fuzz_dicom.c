/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target for the DICOM parser (src/dicom/): parse, walk every element through the
 * accessors, the JSON model and the frame locator, write a new Part 10 file and read it back. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dicom/dicom.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool bulk(void *ctx, const struct dicom_dataset *ds, const struct dicom_element *el,
                 struct strbuf *uri)
{
    (void)ctx;
    (void)ds;
    strbuf_printf(uri, "bulk/%zu/%zu", el->value_offset, el->value_length);
    return el->value_length % 2 == 0;
}

static void walk(const struct dicom_dataset *ds)
{
    for (size_t i = 0; i < ds->count; i++) {
        const struct dicom_element *el = dicom_dataset_at(ds, i);
        free(dicom_element_string(ds, el, DICOM_ALL_VALUES));
        free(dicom_element_string(ds, el, 1));
        int64_t n;
        double d;
        char uid[65];
        dicom_get_int(ds, el->tag, 0, &n);
        dicom_get_double(ds, el->tag, 1, &d);
        if (dicom_get_uid(ds, el->tag, uid))
            dicom_uid_valid(uid);
        (void)dicom_value_count(el);
        volatile uint8_t sink = 0;
        for (size_t k = 0; k < dicom_fragment_count(el); k++) {
            const struct dicom_fragment *fr = dicom_fragment_at(el, k);
            if (fr->length) /* ASan checks the fragment lies inside the buffer */
                sink ^= fr->data[0] ^ fr->data[fr->length - 1];
        }
        if (el->value_length && el->value)
            sink ^= el->value[0] ^ el->value[el->value_length - 1];
        (void)sink;
        for (size_t k = 0; k < dicom_item_count(el); k++)
            walk(dicom_item_at(el, k));
    }
}

/* Every UID short enough gets ".9" added: sequences that hold one are rewritten. */
static const char *longer_uid(void *ctx, uint32_t tag, const char *uid)
{
    static _Thread_local char buf[80];
    (void)ctx;
    (void)tag;
    if (strlen(uid) > 60 || !dicom_uid_valid(uid))
        return NULL;
    snprintf(buf, sizeof(buf), "%s.9", uid);
    return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct error err = {0};
    struct dicom_file *f;
    struct dicom_limits lim = {.max_depth = 32, .max_elements = 20000, .max_inflated = 1 << 20};
    if (!dicom_parse(&err, data, size, &lim, &f)) {
        if (err.code != ERR_DICOM_INVALID && err.code != ERR_NOMEM)
            abort();
        return 0;
    }
    walk(&f->dataset);
    struct strbuf json = {0};
    struct dicom_json_options jo = {.bulk_threshold = 16, .bulk_uri = bulk};
    if (!dicom_to_json(&err, &f->dataset, &jo, &json))
        abort();
    strbuf_release(&json);
    for (size_t frame = 0; frame < 3; frame++) {
        struct dicom_frame fr;
        error_clear(&err);
        if (dicom_frame_locate(&err, &f->dataset, frame, &fr) &&
            dicom_find(&f->dataset, DICOM_TAG_PIXEL_DATA)->encapsulated &&
            fr.first_fragment + fr.fragment_count >
                dicom_find(&f->dataset, DICOM_TAG_PIXEL_DATA)->fragment_count)
            abort();
    }
    /* a written file must read back, with the edit */
    const struct dicom_edit edit = {DICOM_TAG_STUDY_INSTANCE_UID, DICOM_VR_UI, "2.25.7"};
    struct strbuf out = {0};
    error_clear(&err);
    if (dicom_write_part10_mapped(&err, f, &edit, 1, longer_uid, NULL, &out)) {
        struct dicom_file *g;
        if (!dicom_parse(&err, (const uint8_t *)out.buf, out.len, &lim, &g))
            abort();
        char uid[65];
        if (!dicom_get_uid(&g->dataset, DICOM_TAG_STUDY_INSTANCE_UID, uid) ||
            strcmp(uid, "2.25.7") != 0)
            abort();
        dicom_free(g);
    }
    strbuf_release(&out);
    dicom_free(f);
    return 0;
}
