/* SPDX-License-Identifier: Apache-2.0 */
/* The DICOM upper layer PDUs (PS3.8 §9.3): strict parsing of what an SCP receives, writing of
 * what it answers. Every length is checked against the bytes that hold it before it is used. */
#include "ul.h"

#include <string.h>

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static void put16(struct strbuf *out, uint16_t v)
{
    char b[2] = {(char)(v >> 8), (char)v};
    strbuf_append(out, b, 2);
}

static void put32(struct strbuf *out, uint32_t v)
{
    char b[4] = {(char)(v >> 24), (char)(v >> 16), (char)(v >> 8), (char)v};
    strbuf_append(out, b, 4);
}

static void put_item(struct strbuf *out, uint8_t type, const char *data, size_t len)
{
    char h[2] = {(char)type, 0};
    strbuf_append(out, h, 2);
    put16(out, (uint16_t)len);
    strbuf_append(out, data, len);
}

/* Minimum body lengths per PDU type (PS3.8 §9.3.2-9.3.8; a P-DATA-TF holds at least one PDV
 * item); index = type. */
static const uint32_t min_body[] = {0, 68, 68, 4, 6, 4, 4, 4};

bool ul_pdu_header_parse(struct error *err, const uint8_t header[UL_PDU_HEADER_LENGTH],
                         uint32_t max_length, enum ul_pdu_type *type, uint32_t *length)
{
    uint8_t t = header[0];
    uint32_t n = be32(header + 2);
    if (t < UL_PDU_ASSOCIATE_RQ || t > UL_PDU_ABORT)
        return error_set(err, ERR_DICOM_INVALID, "PDU: unknown type 0x%02x", t);
    if (n < min_body[t])
        return error_set(err, ERR_DICOM_INVALID, "PDU type 0x%02x: length %u is below %u", t, n,
                         min_body[t]);
    if (n > max_length)
        return error_set(err, ERR_DICOM_INVALID, "PDU type 0x%02x: length %u exceeds the limit %u",
                         t, n, max_length);
    *type = (enum ul_pdu_type)t;
    *length = n;
    return true;
}

/* An AE title (PS3.5 §6.2 AE): 16 bytes, leading and trailing spaces not significant, no
 * control characters or backslash, not empty. */
static bool ae_title(struct error *err, const uint8_t *p, char out[17], const char *which)
{
    size_t a = 0, b = 16;
    while (a < b && p[a] == ' ')
        a++;
    while (b > a && (p[b - 1] == ' ' || p[b - 1] == 0))
        b--;
    if (a == b)
        return error_set(err, ERR_DICOM_INVALID, "A-ASSOCIATE-RQ: empty %s AE title", which);
    for (size_t i = a; i < b; i++)
        if (p[i] < 0x20 || p[i] > 0x7e || p[i] == '\\')
            return error_set(err, ERR_DICOM_INVALID,
                             "A-ASSOCIATE-RQ: %s AE title has an invalid character 0x%02x", which,
                             p[i]);
    memcpy(out, p + a, b - a);
    out[b - a] = 0;
    return true;
}

/* A UID field of an item (PS3.8 Annex F: encoded as PS3.5 §9.1; trailing NUL tolerated). */
static bool uid_field(struct error *err, const uint8_t *p, size_t len, size_t at, char out[65],
                      const char *what)
{
    while (len > 0 && (p[len - 1] == 0 || p[len - 1] == ' '))
        len--;
    if (len == 0 || len > 64)
        return error_set(err, ERR_DICOM_INVALID, "offset %zu: %s of %zu bytes (1 to 64)", at, what,
                         len);
    for (size_t i = 0; i < len; i++)
        if (!(p[i] == '.' || (p[i] >= '0' && p[i] <= '9')))
            return error_set(err, ERR_DICOM_INVALID, "offset %zu: %s has an invalid character", at,
                             what);
    memcpy(out, p, len);
    out[len] = 0;
    return true;
}

/* Reads the item header at *pos of body[0..end): type and length, checked to fit. */
static bool item_at(struct error *err, const uint8_t *body, size_t end, size_t *pos, uint8_t *type,
                    size_t *value_at, size_t *value_len)
{
    if (end - *pos < 4)
        return error_set(err, ERR_DICOM_INVALID, "offset %zu: item header past the end", *pos);
    *type = body[*pos];
    size_t n = be16(body + *pos + 2);
    if (n > end - *pos - 4)
        return error_set(err, ERR_DICOM_INVALID,
                         "offset %zu: item 0x%02x length %zu exceeds the %zu bytes left", *pos,
                         *type, n, end - *pos - 4);
    *value_at = *pos + 4;
    *value_len = n;
    *pos += 4 + n;
    return true;
}

static bool context_parse(struct error *err, const uint8_t *body, size_t at, size_t len,
                          struct ul_associate *a)
{
    if (len < 4)
        return error_set(err, ERR_DICOM_INVALID, "offset %zu: presentation context too short", at);
    if (a->context_count >= UL_MAX_CONTEXTS)
        return error_set(err, ERR_DICOM_INVALID, "offset %zu: more than %d presentation contexts",
                         at, UL_MAX_CONTEXTS);
    struct ul_context *c = &a->contexts[a->context_count];
    memset(c, 0, sizeof *c);
    c->id = body[at];
    if (c->id % 2 == 0)
        return error_set(err, ERR_DICOM_INVALID, "offset %zu: presentation context id %u is even",
                         at, c->id);
    for (int i = 0; i < a->context_count; i++)
        if (a->contexts[i].id == c->id)
            return error_set(err, ERR_DICOM_INVALID,
                             "offset %zu: presentation context id %u repeated", at, c->id);
    size_t pos = at + 4, end = at + len, v, n;
    uint8_t type;
    int abstract = 0, ts_seen = 0;
    while (pos < end) {
        size_t item = pos;
        if (!item_at(err, body, end, &pos, &type, &v, &n))
            return false;
        if (type == 0x30) { /* abstract syntax */
            if (abstract++)
                return error_set(err, ERR_DICOM_INVALID, "offset %zu: second abstract syntax",
                                 item);
            if (!uid_field(err, body + v, n, item, c->abstract_syntax, "abstract syntax"))
                return false;
        } else if (type == 0x40) { /* transfer syntax */
            ts_seen++;
            char *ts = c->transfer_syntaxes[c->transfer_syntax_count];
            char spare[65];
            if (!uid_field(err, body + v, n, item,
                           c->transfer_syntax_count < UL_MAX_TRANSFER_SYNTAXES ? ts : spare,
                           "transfer syntax"))
                return false;
            if (c->transfer_syntax_count < UL_MAX_TRANSFER_SYNTAXES)
                c->transfer_syntax_count++;
        } else {
            return error_set(err, ERR_DICOM_INVALID,
                             "offset %zu: unexpected sub-item 0x%02x in a presentation context",
                             item, type);
        }
    }
    if (!abstract || !ts_seen)
        return error_set(err, ERR_DICOM_INVALID,
                         "offset %zu: presentation context %u without %s syntax", at, c->id,
                         abstract ? "a transfer" : "an abstract");
    a->context_count++;
    return true;
}

static bool user_info_parse(struct error *err, const uint8_t *body, size_t at, size_t len,
                            struct ul_associate *a)
{
    size_t pos = at, end = at + len, v, n;
    uint8_t type;
    while (pos < end) {
        size_t item = pos;
        if (!item_at(err, body, end, &pos, &type, &v, &n))
            return false;
        if (type == 0x51) { /* maximum length (PS3.8 Annex D.1) */
            if (n != 4)
                return error_set(err, ERR_DICOM_INVALID,
                                 "offset %zu: maximum length sub-item of %zu bytes", item, n);
            a->max_pdu_length = be32(body + v);
        } else if (type == 0x52) { /* implementation class UID (PS3.7 D.3.3.2) */
            if (!uid_field(err, body + v, n, item, a->implementation_class_uid,
                           "implementation class UID"))
                return false;
        } else if (type == 0x55) { /* implementation version name: 1..16 bytes */
            if (n > 16)
                return error_set(err, ERR_DICOM_INVALID,
                                 "offset %zu: implementation version name of %zu bytes", item, n);
            memcpy(a->implementation_version, body + v, n);
            a->implementation_version[n] = 0;
        } /* others (async window, role selection, extended negotiation, identity): skipped */
    }
    return true;
}

static bool variable_items(struct error *err, const uint8_t *body, size_t len,
                           struct ul_associate *a)
{
    size_t pos = 68, v, n;
    uint8_t type;
    bool app = false, user = false;
    while (pos < len) {
        size_t item = pos;
        if (!item_at(err, body, len, &pos, &type, &v, &n))
            return false;
        if (type == 0x10) {
            if (app)
                return error_set(err, ERR_DICOM_INVALID, "offset %zu: second application context",
                                 item);
            app = true;
            if (!uid_field(err, body + v, n, item, a->application_context, "application context"))
                return false;
        } else if (type == 0x20) {
            if (!context_parse(err, body, v, n, a))
                return false;
        } else if (type == 0x50) {
            if (user)
                return error_set(err, ERR_DICOM_INVALID, "offset %zu: second user information",
                                 item);
            user = true;
            if (!user_info_parse(err, body, v, n, a))
                return false;
        } else {
            return error_set(err, ERR_DICOM_INVALID, "offset %zu: unknown item type 0x%02x", item,
                             type);
        }
    }
    if (!app)
        return error_set(err, ERR_DICOM_INVALID, "A-ASSOCIATE-RQ without an application context");
    if (a->context_count == 0)
        return error_set(err, ERR_DICOM_INVALID, "A-ASSOCIATE-RQ without a presentation context");
    return true;
}

bool ul_associate_rq_parse(struct error *err, const uint8_t *body, size_t len,
                           struct ul_associate *out)
{
    memset(out, 0, sizeof *out);
    if (len < 68)
        return error_set(err, ERR_DICOM_INVALID, "A-ASSOCIATE-RQ of %zu bytes (at least 68)", len);
    out->protocol_version = be16(body);
    return ae_title(err, body + 4, out->called_ae, "called") &&
           ae_title(err, body + 20, out->calling_ae, "calling") &&
           variable_items(err, body, len, out);
}

static void ae_field(struct strbuf *out, const char *ae)
{
    char f[16];
    size_t n = strlen(ae);
    memset(f, ' ', sizeof f);
    memcpy(f, ae, n < 16 ? n : 16);
    strbuf_append(out, f, 16);
}

static void context_ac_write(struct strbuf *out, const struct ul_context *c)
{
    /* A rejected context still carries a transfer syntax sub-item; its value is not
     * significant (PS3.8 §9.3.3.2). */
    const char *ts = c->result == UL_CONTEXT_ACCEPTED ? c->accepted_transfer_syntax
                     : c->transfer_syntax_count       ? c->transfer_syntaxes[0]
                                                      : "";
    size_t ts_len = strlen(ts);
    char h[4] = {(char)c->id, 0, (char)c->result, 0};
    char item[2] = {0x21, 0};
    strbuf_append(out, item, 2);
    put16(out, (uint16_t)(4 + 4 + ts_len));
    strbuf_append(out, h, 4);
    put_item(out, 0x40, ts, ts_len);
}

void ul_associate_ac_write(const struct ul_associate *rq, uint32_t max_pdu_length,
                           const char *implementation_class_uid, const char *implementation_version,
                           struct strbuf *out)
{
    struct strbuf body = {0};
    put16(&body, 1); /* protocol version 1 */
    put16(&body, 0);
    ae_field(&body, rq->called_ae); /* reserved: the RQ's values, as PS3.8 §9.3.3 asks */
    ae_field(&body, rq->calling_ae);
    char zero[32] = {0};
    strbuf_append(&body, zero, 32);
    put_item(&body, 0x10, UL_APPLICATION_CONTEXT, strlen(UL_APPLICATION_CONTEXT));
    for (int i = 0; i < rq->context_count; i++)
        context_ac_write(&body, &rq->contexts[i]);
    struct strbuf user = {0};
    char max[4] = {(char)(max_pdu_length >> 24), (char)(max_pdu_length >> 16),
                   (char)(max_pdu_length >> 8), (char)max_pdu_length};
    put_item(&user, 0x51, max, 4);
    put_item(&user, 0x52, implementation_class_uid, strlen(implementation_class_uid));
    put_item(&user, 0x55, implementation_version, strlen(implementation_version));
    put_item(&body, 0x50, user.buf, user.len);
    strbuf_release(&user);
    char h[2] = {UL_PDU_ASSOCIATE_AC, 0};
    strbuf_append(out, h, 2);
    put32(out, (uint32_t)body.len);
    strbuf_append(out, body.buf, body.len);
    strbuf_release(&body);
}

static void short_pdu(uint8_t out[10], uint8_t type, uint8_t b8, uint8_t b9)
{
    memset(out, 0, 10);
    out[0] = type;
    out[5] = 4;
    out[8] = b8;
    out[9] = b9;
}

void ul_associate_rj_write(uint8_t out[10], uint8_t result, uint8_t source, uint8_t reason)
{
    short_pdu(out, UL_PDU_ASSOCIATE_RJ, source, reason);
    out[7] = result;
}

void ul_release_rp_write(uint8_t out[10])
{
    short_pdu(out, UL_PDU_RELEASE_RP, 0, 0);
}

void ul_abort_write(uint8_t out[10], uint8_t source, uint8_t reason)
{
    short_pdu(out, UL_PDU_ABORT, source, reason);
}

bool ul_pdata_next(struct error *err, const uint8_t *body, size_t len, size_t *pos,
                   struct ul_pdv *out)
{
    if (*pos >= len)
        return false;
    if (len - *pos < 6)
        return error_set(err, ERR_DICOM_INVALID, "offset %zu: PDV item header past the end", *pos);
    uint32_t n = be32(body + *pos);
    if (n < 2 || n > len - *pos - 4)
        return error_set(err, ERR_DICOM_INVALID,
                         "offset %zu: PDV length %u (2 up to the %zu bytes left)", *pos, n,
                         len - *pos - 4);
    uint8_t id = body[*pos + 4], control = body[*pos + 5];
    if (id % 2 == 0 || (control & 0xFC))
        return error_set(err, ERR_DICOM_INVALID,
                         "offset %zu: PDV with context id %u, control header 0x%02x", *pos, id,
                         control);
    out->context_id = id;
    out->command = control & 1;
    out->last = (control & 2) != 0;
    out->data = body + *pos + 6;
    out->len = n - 2;
    *pos += 4 + (size_t)n;
    return true;
}

void ul_pdata_write(struct strbuf *out, uint8_t context_id, bool command, bool last,
                    const uint8_t *data, size_t len)
{
    char h[2] = {UL_PDU_P_DATA_TF, 0};
    strbuf_append(out, h, 2);
    put32(out, (uint32_t)(len + 6));
    put32(out, (uint32_t)(len + 2));
    char pdv[2] = {(char)context_id, (char)((command ? 1 : 0) | (last ? 2 : 0))};
    strbuf_append(out, pdv, 2);
    strbuf_append(out, (const char *)data, len);
}
