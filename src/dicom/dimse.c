/* SPDX-License-Identifier: Apache-2.0 */
/* DIMSE command sets (PS3.7 §9.3, Annex E): group 0000, implicit VR little endian. */
#include "dimse.h"

#include <string.h>

static uint16_t le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

/* A UI or AE value: trailing NUL/space padding removed, 1..max characters, printable. */
static bool text_value(struct error *err, const uint8_t *p, size_t n, size_t at, char *out,
                       size_t max, bool uid)
{
    while (n > 0 && (p[n - 1] == 0 || p[n - 1] == ' '))
        n--;
    size_t a = 0;
    while (!uid && a < n && p[a] == ' ')
        a++;
    if (n - a == 0 || n - a > max)
        return error_set(err, ERR_DICOM_INVALID,
                         "command offset %zu: value of %zu bytes (1 to %zu)", at, n - a, max);
    for (size_t i = a; i < n; i++)
        if (uid ? !(p[i] == '.' || (p[i] >= '0' && p[i] <= '9'))
                : (p[i] < 0x20 || p[i] > 0x7e || p[i] == '\\'))
            return error_set(err, ERR_DICOM_INVALID, "command offset %zu: invalid character 0x%02x",
                             at, p[i]);
    memcpy(out, p + a, n - a);
    out[n - a] = 0;
    return true;
}

static bool us_value(struct error *err, const uint8_t *p, size_t n, size_t at, uint16_t *out)
{
    if (n != 2)
        return error_set(err, ERR_DICOM_INVALID, "command offset %zu: US value of %zu bytes", at,
                         n);
    *out = le16(p);
    return true;
}

/* Stores one element of the command set; unknown command elements are skipped. */
static bool element(struct error *err, uint16_t el, const uint8_t *v, size_t n, size_t at,
                    struct dimse_command *c, unsigned *seen)
{
    switch (el) {
    case 0x0002:
        return text_value(err, v, n, at, c->affected_sop_class, 64, true) && (*seen |= 1);
    case 0x0100:
        return us_value(err, v, n, at, &c->command_field) && (*seen |= 2);
    case 0x0110:
        return us_value(err, v, n, at, &c->message_id) && (*seen |= 4);
    case 0x0120:
        return us_value(err, v, n, at, &c->message_id_responded);
    case 0x0700:
        return us_value(err, v, n, at, &c->priority);
    case 0x0800:
        return us_value(err, v, n, at, &c->data_set_type) && (*seen |= 8);
    case 0x0900:
        return us_value(err, v, n, at, &c->status);
    case 0x1000:
        return text_value(err, v, n, at, c->affected_sop_instance, 64, true) && (*seen |= 16);
    case 0x1030:
        c->has_move_originator = true;
        return n == 0 || text_value(err, v, n, at, c->move_originator_ae, 16, false);
    case 0x1031:
        return n == 0 || us_value(err, v, n, at, &c->move_originator_id);
    default:
        return true;
    }
}

static bool check_required(struct error *err, const struct dimse_command *c, unsigned seen)
{
    if ((seen & (2 | 8)) != (2 | 8))
        return error_set(err, ERR_DICOM_INVALID,
                         "command set without Command Field or Command Data Set Type");
    if (c->command_field == DIMSE_C_STORE_RQ && (seen & (1 | 4 | 16)) != (1 | 4 | 16))
        return error_set(err, ERR_DICOM_INVALID,
                         "C-STORE-RQ without Message ID or Affected SOP Class/Instance UID");
    return true;
}

bool dimse_command_parse(struct error *err, const uint8_t *data, size_t len,
                         struct dimse_command *out)
{
    memset(out, 0, sizeof *out);
    size_t pos = 0;
    uint32_t last_tag = 0;
    unsigned seen = 0;
    bool first = true;
    while (pos < len) {
        if (len - pos < 8)
            return error_set(err, ERR_DICOM_INVALID,
                             "command offset %zu: element header past "
                             "the end",
                             pos);
        uint16_t group = le16(data + pos), el = le16(data + pos + 2);
        uint32_t n = le32(data + pos + 4);
        uint32_t tag = ((uint32_t)group << 16) | el;
        if (group != 0 || (!first && tag <= last_tag))
            return error_set(err, ERR_DICOM_INVALID,
                             "command offset %zu: tag (%04X,%04X) out of group 0000 or order", pos,
                             group, el);
        if (n > len - pos - 8)
            return error_set(err, ERR_DICOM_INVALID,
                             "command offset %zu, tag (0000,%04X): length %u exceeds the %zu "
                             "bytes left",
                             pos, el, n, len - pos - 8);
        const uint8_t *v = data + pos + 8;
        if (el == 0x0000) { /* group length: the bytes after this element */
            if (n != 4 || le32(v) != len - pos - 12)
                return error_set(err, ERR_DICOM_INVALID,
                                 "command offset %zu: group length does not match", pos);
        } else if (!element(err, el, v, n, pos, out, &seen)) {
            return false;
        }
        first = false;
        last_tag = tag;
        pos += 8 + (size_t)n;
    }
    return check_required(err, out, seen);
}

static void put_element(struct strbuf *out, uint16_t el, const void *value, uint32_t n)
{
    uint8_t h[8] = {0,
                    0,
                    (uint8_t)el,
                    (uint8_t)(el >> 8),
                    (uint8_t)n,
                    (uint8_t)(n >> 8),
                    (uint8_t)(n >> 16),
                    (uint8_t)(n >> 24)};
    strbuf_append(out, (const char *)h, 8);
    strbuf_append(out, value, n);
}

static void put_us(struct strbuf *out, uint16_t el, uint16_t v)
{
    uint8_t b[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
    put_element(out, el, b, 2);
}

/* A UI value padded to even length with NUL, an LO with a space (PS3.5 §6.2). */
static void put_text(struct strbuf *out, uint16_t el, const char *s, char pad)
{
    char v[66];
    size_t n = strlen(s);
    if (n > 64)
        n = 64;
    memcpy(v, s, n);
    if (n % 2)
        v[n++] = pad;
    put_element(out, el, v, (uint32_t)n);
}

void dimse_response_write(const struct dimse_command *rq, uint16_t status,
                          const char *error_comment, struct strbuf *out)
{
    struct strbuf body = {0};
    bool store = rq->command_field == DIMSE_C_STORE_RQ;
    if (rq->affected_sop_class[0])
        put_text(&body, 0x0002, rq->affected_sop_class, 0);
    put_us(&body, 0x0100, (uint16_t)(rq->command_field | 0x8000));
    put_us(&body, 0x0120, rq->message_id);
    put_us(&body, 0x0800, DIMSE_NO_DATA_SET);
    put_us(&body, 0x0900, status);
    if (error_comment && status != DIMSE_SUCCESS)
        put_text(&body, 0x0902, error_comment, ' ');
    if (store && rq->affected_sop_instance[0])
        put_text(&body, 0x1000, rq->affected_sop_instance, 0);
    uint32_t n = (uint32_t)body.len;
    uint8_t gl[4] = {(uint8_t)n, (uint8_t)(n >> 8), (uint8_t)(n >> 16), (uint8_t)(n >> 24)};
    put_element(out, 0x0000, gl, 4);
    strbuf_append(out, body.buf, body.len);
    strbuf_release(&body);
}

/* One explicit VR little endian element of the File Meta (PS3.5 §7.1.2). */
static void meta_element(struct strbuf *out, uint16_t el, const char vr[2], const char *v, size_t n,
                         char pad)
{
    size_t padded = n + (n % 2);
    uint8_t h[8] = {2,
                    0,
                    (uint8_t)el,
                    (uint8_t)(el >> 8),
                    (uint8_t)vr[0],
                    (uint8_t)vr[1],
                    (uint8_t)padded,
                    (uint8_t)(padded >> 8)};
    strbuf_append(out, (const char *)h, 8);
    strbuf_append(out, v, n);
    if (n % 2)
        strbuf_append(out, &pad, 1);
}

static void meta_text(struct strbuf *out, uint16_t el, const char vr[2], const char *v, char pad)
{
    size_t n = strlen(v);
    meta_element(out, el, vr, v, n > 64 ? 64 : n, pad);
}

void dimse_part10_wrap(const struct dimse_part10_meta *meta, const uint8_t *dataset, size_t len,
                       struct strbuf *out)
{
    struct strbuf group = {0};
    /* (0002,0001) OB: reserved bytes and a 32-bit length (PS3.5 Table 7.1-1) */
    static const uint8_t version[] = {2, 0, 1, 0, 'O', 'B', 0, 0, 2, 0, 0, 0, 0, 1};
    strbuf_append(&group, (const char *)version, sizeof version);
    meta_text(&group, 0x0002, "UI", meta->sop_class_uid, 0);
    meta_text(&group, 0x0003, "UI", meta->sop_instance_uid, 0);
    meta_text(&group, 0x0010, "UI", meta->transfer_syntax, 0);
    meta_text(&group, 0x0012, "UI", meta->implementation_class_uid, 0);
    meta_text(&group, 0x0013, "SH", meta->implementation_version, ' ');
    if (meta->source_ae && meta->source_ae[0])
        meta_text(&group, 0x0016, "AE", meta->source_ae, ' ');
    char preamble[132] = {0};
    memcpy(preamble + 128, "DICM", 4);
    strbuf_append(out, preamble, sizeof preamble);
    uint32_t n = (uint32_t)group.len;
    uint8_t gl[12] = {2,
                      0,
                      0,
                      0,
                      'U',
                      'L',
                      4,
                      0,
                      (uint8_t)n,
                      (uint8_t)(n >> 8),
                      (uint8_t)(n >> 16),
                      (uint8_t)(n >> 24)};
    strbuf_append(out, (const char *)gl, sizeof gl);
    strbuf_append(out, group.buf, group.len);
    strbuf_release(&group);
    if (len > 0)
        strbuf_append(out, (const char *)dataset, len);
}
