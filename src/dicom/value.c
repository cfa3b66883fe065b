/* SPDX-License-Identifier: Apache-2.0 */
/* Value accessors (PS3.5 §6.2): text through the character set, binary numbers in the data
 * set's byte order, decimal and integer strings, UIDs. */
#include "dicom_int.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const uint8_t *dicom_trim(enum dicom_vr vr, const uint8_t *p, size_t *len)
{
    size_t n = *len;
    while (n && (p[n - 1] == ' ' || p[n - 1] == 0))
        n--;
    if (vr == DICOM_VR_AE || vr == DICOM_VR_DS || vr == DICOM_VR_IS) {
        while (n && *p == ' ')
            p++, n--;
    }
    *len = n;
    return p;
}

/* Text VRs that hold one value: '\' is a character in them. */
static bool single_valued(enum dicom_vr vr)
{
    return vr == DICOM_VR_LT || vr == DICOM_VR_ST || vr == DICOM_VR_UT || vr == DICOM_VR_UR;
}

/* Value `index` of a decoded '\'-separated string, trimmed, moved to the front of sb. */
static bool pick_value(struct strbuf *sb, enum dicom_vr vr, int index)
{
    const char *s = sb->buf;
    for (int i = 0; i < index; i++) {
        s = strchr(s, '\\');
        if (!s)
            return false;
        s++;
    }
    const char *e = strchr(s, '\\');
    size_t n = e ? (size_t)(e - s) : strlen(s);
    const uint8_t *v = dicom_trim(vr, (const uint8_t *)s, &n);
    memmove(sb->buf, v, n);
    sb->buf[n] = 0;
    sb->len = n;
    return true;
}

char *dicom_element_string(const struct dicom_dataset *ds, const struct dicom_element *el,
                           int index)
{
    if (!el || !dicom_vr_is_string(el->vr) || el->items || el->encapsulated)
        return NULL;
    size_t n = el->value_length;
    const uint8_t *v = el->value ? dicom_trim(el->vr, el->value, &n) : NULL;
    struct strbuf sb = {0};
    strbuf_append(&sb, "", 0);
    if (n) {
        /* UIDs, dates and codes are ASCII; only the text VRs take the character set */
        bool text = el->vr == DICOM_VR_SH || el->vr == DICOM_VR_LO || el->vr == DICOM_VR_ST ||
                    el->vr == DICOM_VR_LT || el->vr == DICOM_VR_UC || el->vr == DICOM_VR_UT ||
                    el->vr == DICOM_VR_PN;
        dicom_charset_decode(text && ds ? ds->charset : "", el->vr, v, n, &sb);
    }
    if (index == DICOM_ALL_VALUES || single_valued(el->vr)) {
        if (index > 0) {
            strbuf_release(&sb);
            return NULL;
        }
        return strbuf_steal(&sb);
    }
    if (index < 0 || !pick_value(&sb, el->vr, index)) {
        strbuf_release(&sb);
        return NULL;
    }
    return strbuf_steal(&sb);
}

char *dicom_get_string(const struct dicom_dataset *ds, uint32_t tag, int index)
{
    return dicom_element_string(ds, dicom_find(ds, tag), index);
}

static size_t binary_size(enum dicom_vr vr)
{
    switch (vr) {
    case DICOM_VR_US:
    case DICOM_VR_SS:
    case DICOM_VR_OW:
        return 2;
    case DICOM_VR_UL:
    case DICOM_VR_SL:
    case DICOM_VR_FL:
    case DICOM_VR_AT:
    case DICOM_VR_OL:
    case DICOM_VR_OF:
        return 4;
    case DICOM_VR_SV:
    case DICOM_VR_UV:
    case DICOM_VR_FD:
    case DICOM_VR_OV:
    case DICOM_VR_OD:
        return 8;
    default:
        return 0;
    }
}

size_t dicom_value_count(const struct dicom_element *el)
{
    if (!el)
        return 0;
    if (el->vr == DICOM_VR_SQ)
        return el->item_count;
    size_t size = binary_size(el->vr);
    if (size && !dicom_vr_is_binary(el->vr))
        return el->value_length / size;
    size_t n = el->value_length;
    const uint8_t *v = el->value ? dicom_trim(el->vr, el->value, &n) : NULL;
    if (!n)
        return 0;
    if (!dicom_vr_is_string(el->vr) || single_valued(el->vr))
        return 1;
    size_t count = 1;
    for (size_t i = 0; i < n; i++)
        count += v[i] == '\\';
    return count;
}

/* Binary value `index` of el as raw bits; false when out of range. */
static bool binary_at(const struct dicom_dataset *ds, const struct dicom_element *el, int index,
                      uint64_t *bits, size_t *size)
{
    *size = binary_size(el->vr);
    if (!*size || index < 0 || (size_t)index >= el->value_length / *size)
        return false;
    bool be = ds && ds->encoding == DICOM_EXPLICIT_BE;
    const uint8_t *p = el->value + (size_t)index * *size;
    *bits = *size == 2 ? dicom_u16(p, be) : *size == 4 ? dicom_u32(p, be) : dicom_u64(p, be);
    return true;
}

/* Value `index` of a DS or IS element as text (ASCII, trimmed) into buf. */
static bool number_text(const struct dicom_element *el, int index, char *buf, size_t size)
{
    if (el->vr != DICOM_VR_DS && el->vr != DICOM_VR_IS)
        return false;
    char *s = dicom_element_string(NULL, el, index);
    if (!s)
        return false;
    bool ok = *s && strlen(s) < size;
    if (ok)
        strcpy(buf, s);
    free(s);
    return ok;
}

static bool element_int(const struct dicom_dataset *ds, const struct dicom_element *el, int index,
                        int64_t *out)
{
    uint64_t bits;
    size_t size;
    if (el->vr == DICOM_VR_AT && binary_at(ds, el, index, &bits, &size)) {
        bool be = ds && ds->encoding == DICOM_EXPLICIT_BE;
        const uint8_t *p = el->value + (size_t)index * 4;
        *out = DICOM_TAG(dicom_u16(p, be), dicom_u16(p + 2, be));
        return true;
    }
    if (!dicom_vr_is_binary(el->vr) && binary_at(ds, el, index, &bits, &size)) {
        switch (el->vr) {
        case DICOM_VR_SS:
            *out = (int16_t)bits;
            return true;
        case DICOM_VR_SL:
            *out = (int32_t)bits;
            return true;
        case DICOM_VR_US:
        case DICOM_VR_UL:
        case DICOM_VR_SV:
        case DICOM_VR_UV:
            *out = (int64_t)bits;
            return true;
        default:
            return false;
        }
    }
    char text[32], *end;
    if (el->vr != DICOM_VR_IS || !number_text(el, index, text, sizeof(text)))
        return false;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (errno || *end)
        return false;
    *out = v;
    return true;
}

bool dicom_get_int(const struct dicom_dataset *ds, uint32_t tag, int index, int64_t *out)
{
    const struct dicom_element *el = dicom_find(ds, tag);
    return el && element_int(ds, el, index, out);
}

bool dicom_get_double(const struct dicom_dataset *ds, uint32_t tag, int index, double *out)
{
    const struct dicom_element *el = dicom_find(ds, tag);
    if (!el)
        return false;
    uint64_t bits;
    size_t size;
    if ((el->vr == DICOM_VR_FL || el->vr == DICOM_VR_FD) &&
        binary_at(ds, el, index, &bits, &size)) {
        if (size == 4) {
            uint32_t b32 = (uint32_t)bits;
            float f;
            memcpy(&f, &b32, 4);
            *out = f;
        } else {
            memcpy(out, &bits, 8);
        }
        return true;
    }
    int64_t i;
    if (el->vr != DICOM_VR_DS) {
        if (!element_int(ds, el, index, &i))
            return false;
        *out = (double)i;
        return true;
    }
    char text[32], *end;
    if (!number_text(el, index, text, sizeof(text)))
        return false;
    double v = strtod(text, &end);
    if (*end || !isfinite(v))
        return false;
    *out = v;
    return true;
}

bool dicom_get_uid(const struct dicom_dataset *ds, uint32_t tag, char out[65])
{
    const struct dicom_element *el = dicom_find(ds, tag);
    out[0] = 0;
    if (!el || el->items || el->encapsulated || !el->value)
        return false;
    size_t n = el->value_length;
    const uint8_t *v = dicom_trim(DICOM_VR_UI, el->value, &n);
    if (n == 0 || n > 64)
        return false;
    memcpy(out, v, n);
    out[n] = 0;
    return true;
}

bool dicom_uid_valid(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > 64)
        return false;
    /* PS3.5 §9.1: components of digits separated by '.', no leading zero unless "0" */
    bool start = true;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '.') {
            if (start)
                return false;
            start = true;
        } else if (s[i] >= '0' && s[i] <= '9') {
            if (start && s[i] == '0' && i + 1 < n && s[i + 1] != '.')
                return false;
            start = false;
        } else {
            return false;
        }
    }
    return !start;
}
