/* SPDX-License-Identifier: Apache-2.0 */
/* Part 10 files (PS3.10 §7): preamble, File Meta, the transfer syntax, deflate. */
#include "parse_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

enum {
    DEFAULT_MAX_DEPTH = 64,
    MAX_DEPTH_CAP = 512,
    DEFAULT_MAX_ELEMENTS = 1000000,
};
#define DEFAULT_MAX_INFLATED ((size_t)1 << 30)

bool dicom_transfer_syntax_encoding(const char *uid, enum dicom_encoding *encoding, bool *deflated)
{
    enum dicom_encoding enc = DICOM_EXPLICIT_LE;
    bool defl = false, known = true;
    if (!uid || !*uid)
        known = false;
    else if (strcmp(uid, DICOM_TS_IMPLICIT_VR_LE) == 0)
        enc = DICOM_IMPLICIT_LE;
    else if (strcmp(uid, DICOM_TS_EXPLICIT_VR_BE) == 0)
        enc = DICOM_EXPLICIT_BE;
    else if (strcmp(uid, DICOM_TS_DEFLATED_EXPLICIT_VR_LE) == 0)
        defl = true;
    else if (strncmp(uid, "1.2.840.10008.1.2.", 18) != 0)
        known = false;
    if (encoding)
        *encoding = enc;
    if (deflated)
        *deflated = defl;
    return known;
}

bool dicom_transfer_syntax_is_encapsulated(const char *uid)
{
    if (!uid || strncmp(uid, "1.2.840.10008.1.2", 17) != 0)
        return false;
    return strcmp(uid, DICOM_TS_IMPLICIT_VR_LE) != 0 && strcmp(uid, DICOM_TS_EXPLICIT_VR_LE) != 0 &&
           strcmp(uid, DICOM_TS_EXPLICIT_VR_BE) != 0 &&
           strcmp(uid, DICOM_TS_DEFLATED_EXPLICIT_VR_LE) != 0;
}

static bool is_vr(const uint8_t *b)
{
    return dicom_vr_from_chars((char)b[0], (char)b[1]) != DICOM_VR_NONE;
}

/* A data set without File Meta: the byte order from the first group number (even groups below
 * 0x0100 are usual first), explicit VR when bytes 4-5 name a VR. */
static enum dicom_encoding guess_encoding(const uint8_t *b, size_t left)
{
    if (left < 8)
        return DICOM_IMPLICIT_LE;
    bool big = b[0] == 0 && b[1] != 0;
    if (!is_vr(b + 4))
        return DICOM_IMPLICIT_LE;
    return big ? DICOM_EXPLICIT_BE : DICOM_EXPLICIT_LE;
}

/* Some writers get the transfer syntax wrong: the first element says which VR form is used
 * (pydicom and DCMTK look at it too). */
static enum dicom_encoding check_encoding(const uint8_t *b, size_t left, enum dicom_encoding enc)
{
    if (left < 8 || enc == DICOM_EXPLICIT_BE || (b[0] == 0xFE && b[1] == 0xFF))
        return enc;
    if (enc == DICOM_IMPLICIT_LE && is_vr(b + 4))
        return DICOM_EXPLICIT_LE;
    if (enc == DICOM_EXPLICIT_LE && !is_vr(b + 4))
        return DICOM_IMPLICIT_LE;
    return enc;
}

/* Without preamble and File Meta, the first element must look like one: an even group of a
 * data set (0008 to 7FE0; group 0000 is DIMSE's, and a run of zeros is not DICOM). */
static bool plausible_start(const uint8_t *b, size_t len)
{
    if (len < 8)
        return false;
    uint16_t group = b[0] == 0 && b[1] != 0 ? (uint16_t)(b[0] << 8 | b[1]) : dicom_u16(b, false);
    return group >= 0x0008 && group <= 0x7FE0 && group % 2 == 0;
}

static void copy_uid(const struct dicom_dataset *ds, uint32_t tag, char out[65])
{
    if (!out[0])
        dicom_get_uid(ds, tag, out);
}

static bool inflate_rest(struct parser *p, struct dicom_priv *priv, size_t at)
{
    size_t cap = (p->len - at) * 4 + 1024, max = p->lim.max_inflated + at;
    if (cap > p->lim.max_inflated)
        cap = p->lim.max_inflated;
    uint8_t *buf = malloc(at + cap);
    if (!buf)
        return error_set(p->err, ERR_NOMEM, "inflating the data set");
    memcpy(buf, p->data, at);
    z_stream zs = {0};
    /* PS3.5 §A.5: raw deflate (RFC 1951), no zlib header */
    if (inflateInit2(&zs, -MAX_WBITS) != Z_OK) {
        free(buf);
        return error_set(p->err, ERR_NOMEM, "inflating the data set");
    }
    zs.next_in = (Bytef *)(p->data + at);
    zs.avail_in = (uInt)(p->len - at);
    size_t out = at;
    int rc = Z_OK;
    while (rc == Z_OK) {
        if (out == at + cap) {
            if (at + cap >= max) {
                rc = Z_MEM_ERROR;
                break;
            }
            cap = cap * 2 > max - at ? max - at : cap * 2;
            uint8_t *nb = realloc(buf, at + cap);
            if (!nb) {
                rc = Z_MEM_ERROR;
                break;
            }
            buf = nb;
        }
        zs.next_out = buf + out;
        zs.avail_out = (uInt)(at + cap - out > 0x40000000u ? 0x40000000u : at + cap - out);
        size_t before = zs.avail_out;
        rc = inflate(&zs, Z_NO_FLUSH);
        out += before - zs.avail_out;
    }
    inflateEnd(&zs);
    if (rc != Z_STREAM_END) {
        free(buf);
        if (rc == Z_MEM_ERROR)
            return parse_fail(p, at, 0, "deflated data set inflates past the %zu-byte limit",
                              p->lim.max_inflated);
        return parse_fail(p, at, 0, "deflated data set is corrupt (zlib error %d)", rc);
    }
    priv->inflated = buf;
    p->data = buf;
    p->len = out;
    return true;
}

static bool parse_meta(struct parser *p, size_t *pos)
{
    struct dicom_file *f = p->file;
    p->only_group = 0x0002;
    bool ok = parse_dataset(p, &f->meta, *pos, p->len, DICOM_EXPLICIT_LE, 0, false, pos);
    p->only_group = 0;
    if (!ok)
        return false;
    dicom_get_uid(&f->meta, DICOM_TAG_TRANSFER_SYNTAX_UID, f->transfer_syntax);
    return true;
}

static const char *encoding_uid(enum dicom_encoding enc)
{
    return enc == DICOM_IMPLICIT_LE   ? DICOM_TS_IMPLICIT_VR_LE
           : enc == DICOM_EXPLICIT_BE ? DICOM_TS_EXPLICIT_VR_BE
                                      : DICOM_TS_EXPLICIT_VR_LE;
}

/* The main data set from pos: its encoding from the transfer syntax (checked against its first
 * element), inflated first when deflated. */
static bool parse_main(struct parser *p, size_t pos)
{
    struct dicom_file *f = p->file;
    enum dicom_encoding enc;
    bool deflated = false;
    if (f->transfer_syntax[0]) {
        dicom_transfer_syntax_encoding(f->transfer_syntax, &enc, &deflated);
        if (deflated && !inflate_rest(p, f->priv, pos))
            return false;
        f->deflated = deflated;
        enc = check_encoding(p->data + pos, p->len - pos, enc);
    } else {
        enc = guess_encoding(p->data + pos, p->len - pos);
        snprintf(f->transfer_syntax, sizeof(f->transfer_syntax), "%s", encoding_uid(enc));
    }
    f->data = p->data;
    f->len = p->len;
    f->dataset_offset = pos;
    size_t end;
    if (!parse_dataset(p, &f->dataset, pos, p->len, enc, 0, false, &end))
        return false;
    tree_finish(p, &f->meta, "", -1);
    tree_finish(p, &f->dataset, "", -1);
    f->charset = f->dataset.charset;
    copy_uid(&f->dataset, DICOM_TAG_SOP_CLASS_UID, f->sop_class_uid);
    copy_uid(&f->meta, DICOM_TAG_MEDIA_STORAGE_SOP_CLASS_UID, f->sop_class_uid);
    copy_uid(&f->dataset, DICOM_TAG_SOP_INSTANCE_UID, f->sop_instance_uid);
    copy_uid(&f->meta, DICOM_TAG_MEDIA_STORAGE_SOP_INSTANCE_UID, f->sop_instance_uid);
    return true;
}

static bool parser_start(struct parser *p, struct error *err, const uint8_t *data, size_t len,
                         const struct dicom_limits *limits)
{
    memset(p, 0, sizeof(*p));
    p->err = err;
    p->data = data;
    p->len = len;
    if (limits)
        p->lim = *limits;
    if (p->lim.max_depth <= 0)
        p->lim.max_depth = DEFAULT_MAX_DEPTH;
    if (p->lim.max_depth > MAX_DEPTH_CAP)
        p->lim.max_depth = MAX_DEPTH_CAP; /* keeps the recursion's stack small in any thread */
    if (!p->lim.max_elements)
        p->lim.max_elements = DEFAULT_MAX_ELEMENTS;
    if (!p->lim.max_inflated)
        p->lim.max_inflated = DEFAULT_MAX_INFLATED;
    p->file = calloc(1, sizeof(*p->file));
    struct dicom_priv *priv = calloc(1, sizeof(*priv));
    p->arena = arena_new();
    if (!p->file || !priv || !p->arena) {
        free(priv);
        arena_free(p->arena);
        free(p->file);
        return error_set(err, ERR_NOMEM, "parsing DICOM");
    }
    priv->arena = p->arena;
    p->file->priv = priv;
    p->file->data = data;
    p->file->len = len;
    p->file->charset = "";
    p->file->meta.charset = "";
    p->file->dataset.charset = "";
    p->file->meta.file = p->file;
    p->file->dataset.file = p->file;
    return true;
}

static bool finish(struct parser *p, bool ok, struct dicom_file **out)
{
    if (!ok) {
        dicom_free(p->file);
        *out = NULL;
        return false;
    }
    *out = p->file;
    return true;
}

bool dicom_parse(struct error *err, const uint8_t *data, size_t len,
                 const struct dicom_limits *limits, struct dicom_file **out)
{
    struct parser p;
    *out = NULL;
    if (!data && len)
        return error_set(err, ERR_DICOM_INVALID, "no data");
    if (!parser_start(&p, err, data, len, limits))
        return false;
    size_t pos = 0;
    if (len >= 132 && memcmp(data + 128, "DICM", 4) == 0) {
        p.file->has_preamble = true;
        pos = 132;
    }
    /* File Meta, also without a preamble (PS3.10 §7.1): group 0002 in explicit VR LE */
    bool ok = true;
    if (len - pos >= 8 && data[pos] == 0x02 && data[pos + 1] == 0x00 && is_vr(data + pos + 4))
        ok = parse_meta(&p, &pos);
    else if (p.file->has_preamble && len - pos >= 4 && data[pos] == 0x02 && data[pos + 1] == 0)
        ok = parse_fail(&p, pos, DICOM_TAG(0x0002, dicom_u16(data + pos + 2, false)),
                        "File Meta Information is not in explicit VR little endian");
    if (ok && len == pos)
        ok = error_set(err, ERR_DICOM_INVALID, "offset %zu: no data set", pos);
    else if (ok && pos == 0 && !plausible_start(data, len))
        ok = error_set(err, ERR_DICOM_INVALID,
                       "offset 0: not DICOM (no preamble, no File Meta, no data element)");
    return finish(&p, ok && parse_main(&p, pos), out);
}

bool dicom_parse_dataset(struct error *err, const uint8_t *data, size_t len,
                         const char *transfer_syntax, const struct dicom_limits *limits,
                         struct dicom_file **out)
{
    struct parser p;
    *out = NULL;
    if (!data && len)
        return error_set(err, ERR_DICOM_INVALID, "no data");
    if (!transfer_syntax || strlen(transfer_syntax) > 64 || !dicom_uid_valid(transfer_syntax))
        return error_set(err, ERR_DICOM_INVALID, "transfer syntax: not a UID");
    if (!parser_start(&p, err, data, len, limits))
        return false;
    snprintf(p.file->transfer_syntax, sizeof(p.file->transfer_syntax), "%s", transfer_syntax);
    return finish(&p, parse_main(&p, 0), out);
}

void dicom_free(struct dicom_file *file)
{
    if (!file)
        return;
    struct dicom_priv *priv = file->priv;
    if (priv) {
        arena_free(priv->arena);
        free(priv->inflated);
        free(priv);
    }
    free(file);
}
