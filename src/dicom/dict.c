/* SPDX-License-Identifier: Apache-2.0 */
/* Data dictionary look-ups (PS3.6) over the generated table (dict_table.c). */
#include "dicom_int.h"

#include <string.h>

const struct dict_entry *dicom_dict_lookup(uint32_t tag)
{
    size_t lo = 0, hi = dicom_dict_exact_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (dicom_dict_exact[mid].tag == tag)
            return &dicom_dict_exact[mid];
        if (dicom_dict_exact[mid].tag < tag)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = 0; i < dicom_dict_masked_count; i++)
        if ((tag & dicom_dict_masked[i].mask) == dicom_dict_masked[i].tag)
            return &dicom_dict_masked[i];
    return NULL;
}

enum dicom_vr dicom_dict_vr(uint32_t tag)
{
    if (DICOM_TAG_ELEMENT(tag) == 0)
        return DICOM_VR_UL; /* group length, PS3.5 §7.2 */
    if (DICOM_TAG_IS_PRIVATE(tag)) {
        uint16_t element = DICOM_TAG_ELEMENT(tag);
        /* private creator, PS3.5 §7.8.1 */
        return element >= 0x0010 && element <= 0x00FF ? DICOM_VR_LO : DICOM_VR_UN;
    }
    const struct dict_entry *e = dicom_dict_lookup(tag);
    return e && e->vr != DICOM_VR_NONE ? e->vr : DICOM_VR_UN;
}

const char *dicom_dict_keyword(uint32_t tag)
{
    if (DICOM_TAG_IS_PRIVATE(tag))
        return NULL;
    const struct dict_entry *e = dicom_dict_lookup(tag);
    return e ? e->keyword : NULL;
}

bool dicom_dict_tag(const char *keyword, uint32_t *tag)
{
    size_t lo = 0, hi = dicom_dict_exact_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct dict_entry *e = &dicom_dict_exact[dicom_dict_by_keyword[mid]];
        int c = strcmp(e->keyword, keyword);
        if (c == 0) {
            *tag = e->tag;
            return true;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}
