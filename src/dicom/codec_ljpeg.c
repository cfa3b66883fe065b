/* SPDX-License-Identifier: Apache-2.0 */
/* JPEG Lossless, Non-Hierarchical (process 14: 1.2.840.10008.1.2.4.57, and selection value 1:
 * …4.70), ITU-T T.81 Annex H, written here because libjpeg-turbo before 3.0 has no lossless
 * process: Huffman-coded differences from one of seven predictors, 2 to 16 bits, point
 * transform, restart intervals, interleaved or one scan per component (no subsampling). */
#include <stdlib.h>
#include <string.h>

#include "dicom/pixels_int.h"

struct huffman {
    bool defined;
    int32_t mincode[17], maxcode[18], valptr[17];
    uint8_t values[256];
};

struct component {
    int id, table;
    int32_t *rows; /* two rows: the previous one and the current one */
    bool scanned;
};

struct ljpeg {
    const uint8_t *data;
    size_t length, at;
    uint32_t bits; /* the bit buffer */
    int count;     /* bits in it */
    bool marker;   /* a marker was met: only zeros follow */
    int precision, width, height, ncomp, restart;
    struct component comp[4];
    struct huffman tables[4];
    const char *error;
    const struct dicom_image *img;
    struct dicom_pixels *out;
};

static int fail(struct ljpeg *j, const char *why)
{
    if (!j->error)
        j->error = why;
    return -1;
}

/* T.81 C: the canonical code of each length from the counts. */
static bool build_huffman(struct huffman *h, const uint8_t counts[16], size_t total)
{
    int32_t code = 0;
    size_t k = 0;
    for (int len = 1; len <= 16; len++) {
        h->valptr[len] = (int32_t)k;
        h->mincode[len] = code;
        code += counts[len - 1];
        k += counts[len - 1];
        h->maxcode[len] = counts[len - 1] ? code - 1 : -1;
        if (code > (1 << len))
            return false;
        code <<= 1;
    }
    h->maxcode[17] = INT32_MAX;
    h->defined = k == total;
    return h->defined;
}

static int read_bit(struct ljpeg *j)
{
    if (j->count == 0) {
        uint8_t byte = 0;
        if (!j->marker && j->at < j->length) {
            byte = j->data[j->at];
            if (byte == 0xFF) {
                uint8_t next = j->at + 1 < j->length ? j->data[j->at + 1] : 0xD9;
                if (next == 0x00)
                    j->at += 2; // stuffed zero
                else {
                    j->marker = true;
                    byte = 0;
                }
            } else {
                j->at++;
            }
        }
        j->bits = byte;
        j->count = 8;
    }
    j->count--;
    return (int)((j->bits >> j->count) & 1);
}

static int decode_category(struct ljpeg *j, const struct huffman *h)
{
    int32_t code = 0;
    for (int len = 1; len <= 16; len++) {
        code = (code << 1) | read_bit(j);
        if (code <= h->maxcode[len])
            return h->values[h->valptr[len] + code - h->mincode[len]];
    }
    return fail(j, "a Huffman code that no table defines");
}

/* T.81 H.1.2.2: the difference of category ssss. */
static int32_t decode_difference(struct ljpeg *j, const struct huffman *h)
{
    int ssss = decode_category(j, h);
    if (ssss < 0)
        return 0;
    if (ssss == 0)
        return 0;
    if (ssss == 16)
        return 32768;
    if (ssss > 16)
        return fail(j, "a difference category over 16"), 0;
    int32_t v = 0;
    for (int i = 0; i < ssss; i++)
        v = (v << 1) | read_bit(j);
    return v < (1 << (ssss - 1)) ? v - (1 << ssss) + 1 : v;
}

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

/* T.81 B.2.4.2: one or more Huffman tables. */
static bool read_dht(struct ljpeg *j, const uint8_t *p, size_t n)
{
    while (n > 0) {
        if (n < 17)
            return fail(j, "a short DHT segment"), false;
        int th = p[0] & 0x0F;
        size_t total = 0;
        for (int i = 0; i < 16; i++)
            total += p[1 + i];
        if ((p[0] >> 4) != 0 || th > 3 || total > 256 || n < 17 + total)
            return fail(j, "a bad DHT segment"), false;
        struct huffman *h = &j->tables[th];
        memcpy(h->values, p + 17, total);
        if (!build_huffman(h, p + 1, total))
            return fail(j, "a Huffman table with too many codes"), false;
        p += 17 + total;
        n -= 17 + total;
    }
    return true;
}

/* T.81 B.2.2: the frame header of SOF3. */
static bool read_sof(struct ljpeg *j, const uint8_t *p, size_t n)
{
    if (n < 6 || j->ncomp)
        return fail(j, "a bad or second frame header"), false;
    j->precision = p[0];
    j->height = be16(p + 1);
    j->width = be16(p + 3);
    j->ncomp = p[5];
    if (j->precision < 2 || j->precision > 16 || j->ncomp < 1 || j->ncomp > 4 ||
        n < 6 + 3 * (size_t)j->ncomp)
        return fail(j, "a bad frame header"), false;
    if (j->width != (int)j->img->columns || j->height != (int)j->img->rows ||
        j->ncomp != (int)j->img->samples_per_pixel ||
        j->precision > (int)(j->img->bits_allocated < 16 ? j->img->bits_allocated : 16))
        return fail(j, "the frame header does not match Rows, Columns, Samples per Pixel and "
                       "Bits Allocated"),
               false;
    for (int c = 0; c < j->ncomp; c++) {
        j->comp[c].id = p[6 + 3 * c];
        if (p[7 + 3 * c] != 0x11)
            return fail(j, "subsampled components"), false;
    }
    return true;
}

/* T.81 H.1.2.1: the prediction of the sample at (x, y) of a component. */
static int32_t predict(const struct ljpeg *j, const struct component *c, int x, bool first_line,
                       int selection, int pt)
{
    const int32_t *prev = c->rows, *cur = c->rows + j->width;
    if (first_line)
        return x == 0 ? 1 << (j->precision - pt - 1) : cur[x - 1];
    if (x == 0)
        return prev[0];
    int32_t ra = cur[x - 1], rb = prev[x], rc = prev[x - 1];
    switch (selection) {
    case 1:
        return ra;
    case 2:
        return rb;
    case 3:
        return rc;
    case 4:
        return ra + rb - rc;
    case 5:
        return ra + ((rb - rc) >> 1);
    case 6:
        return rb + ((ra - rc) >> 1);
    default:
        return (ra + rb) >> 1;
    }
}

/* T.81 F.1.2.3 / E.1.4: after a restart interval, the RSTn marker and fresh prediction. */
static void restart(struct ljpeg *j)
{
    j->count = 0;
    j->marker = false;
    while (j->at + 1 < j->length &&
           !(j->data[j->at] == 0xFF && j->data[j->at + 1] >= 0xD0 && j->data[j->at + 1] <= 0xD7))
        j->at++;
    j->at += 2;
}

static void store_row(struct ljpeg *j, const struct component *c, int index, int y, int pt)
{
    const int32_t *cur = c->rows + j->width;
    for (int x = 0; x < j->width; x++)
        pixels_store(j->out, ((size_t)y * j->width + x) * j->ncomp + (size_t)index,
                     (int64_t)(((uint32_t)cur[x] & 0xFFFF) << pt));
}

static bool decode_scan(struct ljpeg *j, struct component **sc, const int *index, int ns,
                        int selection, int pt)
{
    int64_t left = j->restart; // MCUs before the next restart marker
    bool reset = true;         // the next line is predicted as a first line
    for (int y = 0; y < j->height; y++) {
        bool first_line = reset;
        reset = false;
        for (int x = 0; x < j->width; x++) {
            for (int s = 0; s < ns; s++) {
                struct component *c = sc[s];
                int32_t pred = predict(j, c, x, first_line || (y == 0), selection, pt);
                int32_t diff = decode_difference(j, &j->tables[c->table]);
                c->rows[j->width + x] = (pred + diff) & 0xFFFF;
            }
            if (j->error)
                return false;
            if (j->restart && --left == 0 && !(y == j->height - 1 && x == j->width - 1)) {
                restart(j);
                left = j->restart;
                reset = true; // at a line end in practice; mid-line: from the next line on
            }
        }
        for (int s = 0; s < ns; s++) {
            store_row(j, sc[s], index[s], y, pt);
            memcpy(sc[s]->rows, sc[s]->rows + j->width, (size_t)j->width * sizeof(int32_t));
        }
    }
    return true;
}

/* T.81 B.2.3: the scan header, then the scan. */
static bool read_sos(struct ljpeg *j, const uint8_t *p, size_t n)
{
    if (!j->ncomp || n < 1 || n < 1 + 2 * (size_t)p[0] + 3 || p[0] < 1 || p[0] > j->ncomp)
        return fail(j, "a bad scan header"), false;
    int ns = p[0], index[4];
    struct component *sc[4];
    for (int s = 0; s < ns; s++) {
        int found = -1;
        for (int c = 0; c < j->ncomp; c++)
            found = j->comp[c].id == p[1 + 2 * s] ? c : found;
        int table = p[2 + 2 * s] >> 4;
        if (found < 0 || j->comp[found].scanned || table > 3 || !j->tables[table].defined)
            return fail(j, "a scan of an unknown component or table"), false;
        sc[s] = &j->comp[found];
        sc[s]->table = table;
        sc[s]->scanned = true;
        index[s] = found;
    }
    int selection = p[1 + 2 * ns], pt = p[3 + 2 * ns] & 0x0F;
    if (selection < 1 || selection > 7 || pt >= j->precision)
        return fail(j, "a bad predictor or point transform"), false;
    j->at += 4 + n; // the marker, its length field and the header
    j->count = 0;
    j->marker = false;
    return decode_scan(j, sc, index, ns, selection, pt);
}

/* The byte after the entropy-coded data: the next marker that is not RSTn. */
static void skip_entropy(struct ljpeg *j)
{
    while (j->at + 1 < j->length && !(j->data[j->at] == 0xFF && j->data[j->at + 1] != 0 &&
                                      !(j->data[j->at + 1] >= 0xD0 && j->data[j->at + 1] <= 0xD7) &&
                                      j->data[j->at + 1] != 0xFF))
        j->at++;
}

static bool segment(struct ljpeg *j, int marker, const uint8_t *p, size_t n)
{
    switch (marker) {
    case 0xC3:
        return read_sof(j, p, n);
    case 0xC4:
        return read_dht(j, p, n);
    case 0xDD:
        j->restart = n >= 2 ? be16(p) : 0;
        return true;
    case 0xDA:
        if (!read_sos(j, p, n))
            return false;
        skip_entropy(j);
        return true;
    default:
        if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC8 && marker != 0xCC)
            return fail(j, "a frame header other than lossless Huffman (SOF3)"), false;
        return true;
    }
}

static bool parse(struct ljpeg *j)
{
    if (j->length < 4 || be16(j->data) != 0xFFD8)
        return fail(j, "no SOI marker"), false;
    j->at = 2;
    while (j->at + 4 <= j->length) {
        if (j->data[j->at] != 0xFF)
            return fail(j, "a marker was expected"), false;
        int marker = j->data[j->at + 1];
        if (marker == 0xFF || marker == 0x00) {
            j->at++;
            continue;
        }
        if (marker == 0xD9)
            break;
        size_t n = be16(j->data + j->at + 2);
        if (n < 2 || j->at + 2 + n > j->length)
            return fail(j, "a segment runs past the data"), false;
        size_t at = j->at;
        if (!segment(j, marker, j->data + at + 4, n - 2))
            return false;
        if (marker != 0xDA)
            j->at = at + 2 + n;
    }
    for (int c = 0; c < j->ncomp; c++)
        if (!j->comp[c].scanned)
            return fail(j, "a component without a scan"), false;
    return j->ncomp > 0 || (fail(j, "no frame header"), false);
}

bool dicom_ljpeg_decode(struct error *err, const struct dicom_image *img, const uint8_t *data,
                        size_t length, struct dicom_pixels *out)
{
    struct ljpeg j = {.data = data, .length = length, .img = img, .out = out};
    if (!pixels_alloc(err, img, img->samples_per_pixel, pixels_sample_kind(img), out))
        return false;
    int32_t *rows = calloc((size_t)img->columns * 2 * 4, sizeof(int32_t));
    if (!rows)
        return error_set(err, ERR_NOMEM, "lossless JPEG: rows");
    for (int c = 0; c < 4; c++)
        j.comp[c].rows = rows + (size_t)c * 2 * img->columns;
    bool ok = parse(&j);
    free(rows);
    if (!ok)
        return error_set(err, ERR_DICOM_INVALID, "tag (7FE0,0010): transfer syntax %s: %s",
                         img->transfer_syntax, j.error ? j.error : "lossless JPEG");
    pixels_normalize(img, out, false);
    if (img->samples_per_pixel == 3 && img->photometric == DICOM_PI_YBR_FULL &&
        out->sample == DICOM_SAMPLE_U8)
        pixels_ybr_full_to_rgb(out);
    else if (img->samples_per_pixel == 3)
        out->photometric = DICOM_PI_RGB;
    return true;
}
