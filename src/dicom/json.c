/* SPDX-License-Identifier: Apache-2.0 */
/* The DICOM JSON model (PS3.18 §F.2). */
#include "dicom_int.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void base64(struct strbuf *out, const uint8_t *p, size_t n)
{
    static const char A[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char buf[256];
    size_t k = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16 | (i + 1 < n ? (uint32_t)p[i + 1] << 8 : 0) |
                     (i + 2 < n ? p[i + 2] : 0);
        buf[k++] = A[v >> 18 & 63];
        buf[k++] = A[v >> 12 & 63];
        buf[k++] = i + 1 < n ? A[v >> 6 & 63] : '=';
        buf[k++] = i + 2 < n ? A[v & 63] : '=';
        if (k == sizeof(buf)) {
            strbuf_append(out, buf, k);
            k = 0;
        }
    }
    strbuf_append(out, buf, k);
}

/* The shortest text that reads back as the same double (JSON has no NaN or Infinity). */
static void json_double(struct strbuf *out, double v, int min_digits)
{
    if (!isfinite(v)) {
        strbuf_puts(out, "null");
        return;
    }
    if (v == 0 && signbit(v)) {
        strbuf_puts(out, "-0.0"); /* "-0" would read back as the integer 0 */
        return;
    }
    char buf[40];
    for (int digits = min_digits; digits <= 17; digits++) {
        snprintf(buf, sizeof(buf), "%.*g", digits, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    strbuf_puts(out, buf);
}

static void json_float(struct strbuf *out, float f)
{
    if (!isfinite(f)) {
        strbuf_puts(out, "null");
        return;
    }
    if (f == 0 && signbit(f)) {
        strbuf_puts(out, "-0.0");
        return;
    }
    char buf[40];
    for (int digits = 1; digits <= 9; digits++) {
        snprintf(buf, sizeof(buf), "%.*g", digits, (double)f);
        if (strtof(buf, NULL) == f)
            break;
    }
    strbuf_puts(out, buf);
}

/* True when s is already a JSON number (RFC 8259 §6), as most DS and IS values are. */
static bool json_number_syntax(const char *s, size_t n, bool integer)
{
    size_t i = 0;
    if (i < n && s[i] == '-')
        i++;
    if (i == n || s[i] < '0' || s[i] > '9' ||
        (s[i] == '0' && i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '9'))
        return false;
    while (i < n && s[i] >= '0' && s[i] <= '9')
        i++;
    if (integer)
        return i == n && n < 19; /* fits int64 */
    if (i < n && s[i] == '.') {
        size_t digits = ++i;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == digits)
            return false;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
        size_t digits = i;
        while (i < n && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == digits)
            return false;
    }
    return i == n;
}

/* DS and IS as JSON numbers; text that is not a number stays a string. */
static void json_number_text(struct strbuf *out, enum dicom_vr vr, const char *s, size_t n)
{
    char text[72];
    while (n && s[n - 1] == ' ')
        n--;
    while (n && *s == ' ')
        s++, n--;
    if (n == 0) {
        strbuf_puts(out, "null");
        return;
    }
    if (json_number_syntax(s, n, vr == DICOM_VR_IS)) {
        strbuf_append(out, s, n);
        return;
    }
    snprintf(text, sizeof(text), "%.*s", (int)(n < 71 ? n : 71), s);
    char *end;
    errno = 0;
    if (vr == DICOM_VR_IS) {
        long long v = strtoll(text, &end, 10);
        if (!errno && !*end && n < 71) {
            strbuf_printf(out, "%lld", v);
            return;
        }
    } else {
        double v = strtod(text, &end);
        if (!*end && n < 71 && isfinite(v)) {
            json_double(out, v, 1);
            return;
        }
    }
    char *copy = strndup(s, n);
    strbuf_json_string(out, copy);
    free(copy);
}

/* One PN value: up to three component groups (PS3.18 §F.2.2). */
static void json_person_name(struct strbuf *out, const char *s, size_t n)
{
    static const char *const groups[] = {"Alphabetic", "Ideographic", "Phonetic"};
    strbuf_puts(out, "{");
    bool any = false;
    for (int g = 0; g < 3; g++) {
        const char *eq = memchr(s, '=', n);
        size_t len = eq && g < 2 ? (size_t)(eq - s) : n;
        while (len && s[len - 1] == ' ')
            len--;
        if (len) {
            char *v = strndup(s, len);
            strbuf_printf(out, "%s\"%s\":", any ? "," : "", groups[g]);
            strbuf_json_string(out, v);
            free(v);
            any = true;
        }
        if (!eq || g == 2)
            break;
        n -= (size_t)(eq - s) + 1;
        s = eq + 1;
    }
    strbuf_puts(out, "}");
}

/* The "Value" array of a text element. */
static void json_strings(struct strbuf *out, const struct dicom_dataset *ds,
                         const struct dicom_element *el)
{
    char *all = dicom_element_string(ds, el, DICOM_ALL_VALUES);
    if (!all || !*all) {
        free(all);
        return;
    }
    bool one = el->vr == DICOM_VR_LT || el->vr == DICOM_VR_ST || el->vr == DICOM_VR_UT ||
               el->vr == DICOM_VR_UR;
    strbuf_puts(out, ",\"Value\":[");
    const char *s = all;
    for (bool first = true;; first = false) {
        const char *bs = one ? NULL : strchr(s, '\\');
        size_t n = bs ? (size_t)(bs - s) : strlen(s);
        size_t m = n;
        dicom_trim(el->vr, (const uint8_t *)s, &m);
        if (!first)
            strbuf_puts(out, ",");
        if (el->vr == DICOM_VR_DS || el->vr == DICOM_VR_IS) {
            json_number_text(out, el->vr, s, n);
        } else if (m == 0) {
            strbuf_puts(out, "null");
        } else if (el->vr == DICOM_VR_PN) {
            json_person_name(out, s, m);
        } else {
            size_t k = m;
            const char *v = (const char *)dicom_trim(el->vr, (const uint8_t *)s, &k);
            char *copy = strndup(v, k);
            strbuf_json_string(out, copy);
            free(copy);
        }
        if (!bs)
            break;
        s = bs + 1;
    }
    strbuf_puts(out, "]");
    free(all);
}

/* The "Value" array of a binary number element (US SS UL SL SV UV FL FD AT). */
static void json_binary_numbers(struct strbuf *out, const struct dicom_dataset *ds,
                                const struct dicom_element *el, size_t size)
{
    size_t count = el->value_length / size;
    if (!count)
        return;
    bool be = ds->encoding == DICOM_EXPLICIT_BE;
    strbuf_puts(out, ",\"Value\":[");
    for (size_t i = 0; i < count; i++) {
        const uint8_t *p = el->value + i * size;
        if (i)
            strbuf_puts(out, ",");
        switch (el->vr) {
        case DICOM_VR_US:
            strbuf_printf(out, "%u", (unsigned)dicom_u16(p, be));
            break;
        case DICOM_VR_SS:
            strbuf_printf(out, "%d", (int)(int16_t)dicom_u16(p, be));
            break;
        case DICOM_VR_UL:
            strbuf_printf(out, "%lu", (unsigned long)dicom_u32(p, be));
            break;
        case DICOM_VR_SL:
            strbuf_printf(out, "%ld", (long)(int32_t)dicom_u32(p, be));
            break;
        case DICOM_VR_UV:
            strbuf_printf(out, "%llu", (unsigned long long)dicom_u64(p, be));
            break;
        case DICOM_VR_SV:
            strbuf_printf(out, "%lld", (long long)dicom_u64(p, be));
            break;
        case DICOM_VR_AT:
            strbuf_printf(out, "\"%04X%04X\"", dicom_u16(p, be), dicom_u16(p + 2, be));
            break;
        case DICOM_VR_FL: {
            uint32_t b = dicom_u32(p, be);
            float f;
            memcpy(&f, &b, 4);
            json_float(out, f);
            break;
        }
        default: {
            uint64_t b = dicom_u64(p, be);
            double d;
            memcpy(&d, &b, 8);
            json_double(out, d, 1);
        }
        }
    }
    strbuf_puts(out, "]");
}

static bool json_binary(struct error *err, struct strbuf *out, const struct dicom_dataset *ds,
                        const struct dicom_element *el, const struct dicom_json_options *o)
{
    if (!el->value_length)
        return true;
    if (o && o->bulk_uri && el->value_length > o->bulk_threshold) {
        struct strbuf uri = {0};
        if (o->bulk_uri(o->ctx, ds, el, &uri)) {
            strbuf_puts(out, ",\"BulkDataURI\":");
            strbuf_json_string(out, uri.buf ? uri.buf : "");
            strbuf_release(&uri);
            return true;
        }
        strbuf_release(&uri);
    }
    strbuf_puts(out, ",\"InlineBinary\":\"");
    base64(out, el->value, el->value_length);
    strbuf_puts(out, "\"");
    return true;
}

static size_t number_size(enum dicom_vr vr)
{
    switch (vr) {
    case DICOM_VR_US:
    case DICOM_VR_SS:
        return 2;
    case DICOM_VR_UL:
    case DICOM_VR_SL:
    case DICOM_VR_FL:
    case DICOM_VR_AT:
        return 4;
    case DICOM_VR_UV:
    case DICOM_VR_SV:
    case DICOM_VR_FD:
        return 8;
    default:
        return 0;
    }
}

static bool json_element(struct error *err, const struct dicom_dataset *ds,
                         const struct dicom_element *el, const struct dicom_json_options *o,
                         struct strbuf *out)
{
    static const char hex[] = "0123456789ABCDEF";
    char head[24] = "\"00000000\":{\"vr\":\"";
    for (int i = 0; i < 8; i++)
        head[1 + i] = hex[(el->tag >> (28 - 4 * i)) & 15];
    strbuf_append(out, head, strlen(head));
    strbuf_append(out, dicom_vr_name(el->vr), 2);
    strbuf_append(out, "\"", 1);
    if (el->vr == DICOM_VR_SQ) {
        strbuf_puts(out, ",\"Value\":[");
        for (size_t i = 0; i < el->item_count; i++) {
            if (i)
                strbuf_puts(out, ",");
            if (!dicom_to_json(err, &el->items[i], o, out))
                return false;
        }
        strbuf_puts(out, "]");
    } else if (el->encapsulated || dicom_vr_is_binary(el->vr)) {
        if (!json_binary(err, out, ds, el, o))
            return false;
    } else if (number_size(el->vr)) {
        json_binary_numbers(out, ds, el, number_size(el->vr));
    } else if (dicom_vr_is_string(el->vr)) {
        json_strings(out, ds, el);
    }
    strbuf_puts(out, "}");
    return true;
}

bool dicom_to_json(struct error *err, const struct dicom_dataset *ds,
                   const struct dicom_json_options *opts, struct strbuf *out)
{
    strbuf_puts(out, "{");
    bool first = true;
    for (size_t i = 0; i < ds->count; i++) {
        const struct dicom_element *el = &ds->elements[i];
        if (opts && opts->skip_group_lengths && DICOM_TAG_ELEMENT(el->tag) == 0)
            continue;
        if (i > 0 && el->tag == ds->elements[i - 1].tag)
            continue; /* a repeated tag: JSON keys are unique, the first one wins */
        if (!first)
            strbuf_puts(out, ",");
        first = false;
        if (!json_element(err, ds, el, opts, out))
            return false;
    }
    strbuf_puts(out, "}");
    return true;
}
