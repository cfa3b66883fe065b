/* SPDX-License-Identifier: Apache-2.0 */
/* 12-bit JPEG Extended (1.2.840.10008.1.2.4.51, process 4): sequential DCT with Huffman coding,
 * ITU-T T.81 Annex F, written here because Debian's libjpeg-turbo is built for 8-bit samples
 * only. Grey (one component) only, the form 12-bit DICOM images take; progressive, arithmetic
 * and colour 12-bit streams are refused. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dicom/codec_jpeg_int.h"
#include "dicom/pixels_int.h"

/* T.81 Figure A.6: the zig-zag order of the 64 coefficients. */
static const uint8_t zigzag[64] = {
    0,  1,  8,  16, 9,  2,  3,  10, 17, 24, 32, 25, 18, 11, 4,  5,  12, 19, 26, 33, 40, 48,
    41, 34, 27, 20, 13, 6,  7,  14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23,
    30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
};

struct jpeg12 {
    struct jpeg_bits b;
    int width, height, restart, quant_id, dc_table, ac_table, id;
    bool have_frame, scanned;
    uint16_t quant[4][64]; /* in zig-zag order */
    bool quant_defined[4];
    struct jpeg_huffman tables[2][4];
    uint16_t *plane; /* blocks_wide · 8 × blocks_high · 8 samples */
    int blocks_wide, blocks_high;
    const struct dicom_image *img;
    float cosines[8][8]; /* C(u)/2 · cos((2x + 1)uπ/16) */
};

static int fail(struct jpeg12 *j, const char *why)
{
    return jpeg_fail(&j->b, why);
}

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

/* T.81 B.2.4.1: quantization tables of 8- or 16-bit entries. */
static bool read_dqt(struct jpeg12 *j, const uint8_t *p, size_t n)
{
    while (n > 0) {
        int pq = p[0] >> 4, tq = p[0] & 0x0F;
        size_t size = 1 + 64 * (pq ? 2u : 1u);
        if (pq > 1 || tq > 3 || n < size)
            return fail(j, "a bad DQT segment"), false;
        for (int k = 0; k < 64; k++)
            j->quant[tq][k] = pq ? be16(p + 1 + 2 * k) : p[1 + k];
        j->quant_defined[tq] = true;
        p += size;
        n -= size;
    }
    return true;
}

/* T.81 B.2.2: the frame header; one 12-bit component matching the data set. */
static bool read_sof(struct jpeg12 *j, const uint8_t *p, size_t n)
{
    if (n < 9 || j->have_frame)
        return fail(j, "a bad or second frame header"), false;
    j->width = be16(p + 3);
    j->height = be16(p + 1);
    if (p[0] != 12 || p[5] != 1)
        return fail(j, "only grey 12-bit streams are decoded here"), false;
    if (j->width != (int)j->img->columns || j->height != (int)j->img->rows)
        return fail(j, "the frame header does not match Rows and Columns"), false;
    j->id = p[6];
    j->quant_id = p[8] & 0x0F;
    if (p[7] != 0x11 || j->quant_id > 3)
        return fail(j, "a bad component in the frame header"), false;
    j->blocks_wide = (j->width + 7) / 8;
    j->blocks_high = (j->height + 7) / 8;
    j->plane = calloc((size_t)j->blocks_wide * j->blocks_high * 64, sizeof(uint16_t));
    if (!j->plane)
        return fail(j, "out of memory"), false;
    j->have_frame = true;
    return true;
}

/* T.81 A.3.3: the inverse DCT of one block (float, separable), level shift +2048, clamped. */
static void idct(float cosines[8][8], const float in[64], uint16_t *out, int stride)
{
    float tmp[64];
    for (int y = 0; y < 8; y++)
        for (int x = 0; x < 8; x++) {
            float s = 0;
            for (int u = 0; u < 8; u++)
                s += cosines[x][u] * in[y * 8 + u];
            tmp[y * 8 + x] = s;
        }
    for (int x = 0; x < 8; x++)
        for (int y = 0; y < 8; y++) {
            float s = 0;
            for (int v = 0; v < 8; v++)
                s += cosines[y][v] * tmp[v * 8 + x];
            long value = lroundf(s) + 2048;
            out[y * stride + x] = (uint16_t)(value < 0 ? 0 : value > 4095 ? 4095 : value);
        }
}

/* T.81 F.2.2: one block's DC difference and AC run/size codes, dequantised. */
static bool decode_block(struct jpeg12 *j, int32_t *dc, float coef[64])
{
    memset(coef, 0, 64 * sizeof(float));
    const uint16_t *q = j->quant[j->quant_id];
    int s = jpeg_decode(&j->b, &j->tables[0][j->dc_table]);
    if (s < 0 || s > 16)
        return fail(j, "a bad DC code"), false;
    *dc += jpeg_extend(jpeg_receive(&j->b, s), s);
    coef[0] = (float)(*dc * q[0]);
    for (int k = 1; k < 64;) {
        int rs = jpeg_decode(&j->b, &j->tables[1][j->ac_table]);
        if (rs < 0)
            return false;
        int r = rs >> 4, size = rs & 15;
        if (size == 0) {
            if (r != 15)
                break; // end of block
            k += 16;
            continue;
        }
        k += r;
        if (k > 63)
            return fail(j, "an AC run past the block"), false;
        coef[zigzag[k]] = (float)(jpeg_extend(jpeg_receive(&j->b, size), size) * q[k]);
        k++;
    }
    return true;
}

static bool decode_scan(struct jpeg12 *j)
{
    int32_t dc = 0;
    int left = j->restart;
    size_t stride = (size_t)j->blocks_wide * 8;
    float coef[64];
    for (int by = 0; by < j->blocks_high; by++)
        for (int bx = 0; bx < j->blocks_wide; bx++) {
            if (!decode_block(j, &dc, coef))
                return false;
            idct(j->cosines, coef, j->plane + (size_t)by * 8 * stride + (size_t)bx * 8,
                 (int)stride);
            if (j->restart && --left == 0) {
                jpeg_restart(&j->b);
                left = j->restart;
                dc = 0;
            }
        }
    return true;
}

/* T.81 B.2.3: the scan header, then the scan. */
static bool read_sos(struct jpeg12 *j, const uint8_t *p, size_t n)
{
    if (!j->have_frame || j->scanned || n < 6 || p[0] != 1 || p[1] != j->id)
        return fail(j, "a bad scan header"), false;
    j->dc_table = p[2] >> 4;
    j->ac_table = p[2] & 0x0F;
    if (j->dc_table > 3 || j->ac_table > 3 || !j->tables[0][j->dc_table].defined ||
        !j->tables[1][j->ac_table].defined || !j->quant_defined[j->quant_id])
        return fail(j, "a scan with undefined tables"), false;
    // Ss, Se, Ah/Al are 0, 63, 0 in a sequential scan; some writers put other values there,
    // which (as libjpeg does) are ignored
    j->b.at += 4 + n;
    jpeg_bits_start(&j->b);
    j->scanned = true;
    return decode_scan(j);
}

static bool segment(void *ctx, struct jpeg_bits *b, int marker, const uint8_t *p, size_t n)
{
    struct jpeg12 *j = ctx;
    switch (marker) {
    case 0xC0:
    case 0xC1:
        return read_sof(j, p, n);
    case 0xC4:
        return jpeg_read_dht(b, j->tables, p, n);
    case 0xDB:
        return read_dqt(j, p, n);
    case 0xDD:
        j->restart = n >= 2 ? be16(p) : 0;
        return true;
    case 0xDA:
        return read_sos(j, p, n);
    default:
        if (marker >= 0xC2 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC)
            return fail(j, "a progressive, lossless or arithmetic 12-bit stream"), false;
        return true;
    }
}

bool dicom_jpeg12_decode(struct error *err, const struct dicom_image *img, const uint8_t *data,
                         size_t length, struct dicom_pixels *out)
{
    if (img->samples_per_pixel != 1 || img->bits_allocated != 16)
        return error_set(err, ERR_DICOM_UNSUPPORTED,
                         "pixel data: transfer syntax %s: 12-bit JPEG is decoded for grey "
                         "16-bit images only",
                         img->transfer_syntax);
    if (!pixels_alloc(err, img, 1, pixels_sample_kind(img), out))
        return false;
    struct jpeg12 j = {.b = {.data = data, .length = length}, .img = img};
    for (int x = 0; x < 8; x++)
        for (int u = 0; u < 8; u++)
            j.cosines[x][u] = (float)((u == 0 ? sqrt(0.125) : 0.5) *
                                      cos((2 * x + 1) * u * 3.14159265358979323846 / 16));
    bool ok = jpeg_walk(&j.b, segment, &j) && (j.scanned || fail(&j, "no scan") == 0);
    if (ok) {
        size_t stride = (size_t)j.blocks_wide * 8;
        for (int y = 0; y < j.height; y++)
            for (int x = 0; x < j.width; x++)
                pixels_store(out, (size_t)y * j.width + x, j.plane[y * stride + x]);
    }
    free(j.plane);
    if (!ok)
        return error_set(err, ERR_DICOM_INVALID, "tag (7FE0,0010): transfer syntax %s: %s",
                         img->transfer_syntax, j.b.error ? j.b.error : "12-bit JPEG");
    pixels_normalize(img, out, false);
    return true;
}
