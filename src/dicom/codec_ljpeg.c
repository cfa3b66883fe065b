/* SPDX-License-Identifier: Apache-2.0 */
/* JPEG Lossless, Non-Hierarchical (process 14: 1.2.840.10008.1.2.4.57, and selection value 1:
 * …4.70), ITU-T T.81 Annex H, written here because libjpeg-turbo before 3.0 has no lossless
 * process: Huffman-coded differences from one of seven predictors, 2 to 16 bits, point
 * transform, restart intervals, interleaved or one scan per component (no subsampling). */
#include <stdlib.h>
#include <string.h>

#include "dicom/codec_jpeg_int.h"
#include "dicom/pixels_int.h"

struct component {
    int id, table;
    int32_t *rows; /* two rows: the previous one and the current one */
    bool scanned;
};

struct ljpeg {
    struct jpeg_bits b;
    int precision, width, height, ncomp, restart;
    struct component comp[4];
    struct jpeg_huffman tables[2][4];
    const struct dicom_image *img;
    struct dicom_pixels *out;
};

static int fail(struct ljpeg *j, const char *why)
{
    return jpeg_fail(&j->b, why);
}

/* T.81 H.1.2.2: the difference of category ssss (16: 32768, with no extra bits). */
static int32_t decode_difference(struct ljpeg *j, const struct jpeg_huffman *h)
{
    int ssss = jpeg_decode(&j->b, h);
    if (ssss <= 0)
        return 0;
    if (ssss == 16)
        return 32768;
    if (ssss > 16)
        return fail(j, "a difference category over 16"), 0;
    return jpeg_extend(jpeg_receive(&j->b, ssss), ssss);
}

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
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
                int32_t diff = decode_difference(j, &j->tables[0][c->table]);
                c->rows[j->width + x] = (pred + diff) & 0xFFFF;
            }
            if (j->b.error)
                return false;
            if (j->restart && --left == 0 && !(y == j->height - 1 && x == j->width - 1)) {
                jpeg_restart(&j->b);
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
        if (found < 0 || j->comp[found].scanned || table > 3 || !j->tables[0][table].defined)
            return fail(j, "a scan of an unknown component or table"), false;
        sc[s] = &j->comp[found];
        sc[s]->table = table;
        sc[s]->scanned = true;
        index[s] = found;
    }
    int selection = p[1 + 2 * ns], pt = p[3 + 2 * ns] & 0x0F;
    if (selection < 1 || selection > 7 || pt >= j->precision)
        return fail(j, "a bad predictor or point transform"), false;
    j->b.at += 4 + n; // the marker, its length field and the header
    jpeg_bits_start(&j->b);
    return decode_scan(j, sc, index, ns, selection, pt);
}

static bool segment(void *ctx, struct jpeg_bits *b, int marker, const uint8_t *p, size_t n)
{
    struct ljpeg *j = ctx;
    switch (marker) {
    case 0xC3:
        return read_sof(j, p, n);
    case 0xC4:
        return jpeg_read_dht(b, j->tables, p, n);
    case 0xDD:
        j->restart = n >= 2 ? be16(p) : 0;
        return true;
    case 0xDA:
        return read_sos(j, p, n);
    default:
        if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC8 && marker != 0xCC)
            return fail(j, "a frame header other than lossless Huffman (SOF3)"), false;
        return true;
    }
}

bool dicom_ljpeg_decode(struct error *err, const struct dicom_image *img, const uint8_t *data,
                        size_t length, struct dicom_pixels *out)
{
    struct ljpeg j = {.b = {.data = data, .length = length}, .img = img, .out = out};
    if (!pixels_alloc(err, img, img->samples_per_pixel, pixels_sample_kind(img), out))
        return false;
    int32_t *rows = calloc((size_t)img->columns * 2 * 4, sizeof(int32_t));
    if (!rows)
        return error_set(err, ERR_NOMEM, "lossless JPEG: rows");
    for (int c = 0; c < 4; c++)
        j.comp[c].rows = rows + (size_t)c * 2 * img->columns;
    bool ok = jpeg_walk(&j.b, segment, &j);
    for (int c = 0; ok && c < j.ncomp; c++)
        ok = j.comp[c].scanned || fail(&j, "a component without a scan") == 0;
    ok = ok && (j.ncomp > 0 || fail(&j, "no frame header") == 0);
    free(rows);
    if (!ok)
        return error_set(err, ERR_DICOM_INVALID, "tag (7FE0,0010): transfer syntax %s: %s",
                         img->transfer_syntax, j.b.error ? j.b.error : "lossless JPEG");
    pixels_normalize(img, out, false);
    if (img->samples_per_pixel == 3 && img->photometric == DICOM_PI_YBR_FULL &&
        out->sample == DICOM_SAMPLE_U8)
        pixels_ybr_full_to_rgb(out);
    else if (img->samples_per_pixel == 3)
        out->photometric = DICOM_PI_RGB;
    return true;
}
