/* SPDX-License-Identifier: Apache-2.0 */
/* The team timeline's photos (src/homecare/timeline_photo.c): the EXIF orientation read safely,
 * pixels turned upright for every orientation, and a photo with EXIF (GPS) coming out upright,
 * reduced and without any APP1 segment. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka needs the headers above first */
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>

#include "homecare/homecare_int.h"

/* ---- EXIF ------------------------------------------------------------------------------------ */

/* "Exif\0\0" and a TIFF header (big- or little-endian) with one IFD0 entry: Orientation. */
static size_t exif(uint8_t *out, bool little, unsigned orientation)
{
    static const uint8_t mm[] = {'E',  'x',  'i', 'f', 0, 0, 'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1,
                                 0x01, 0x12, 0,   3,   0, 0, 0,   1,   0, 0,  0, 0, 0, 0, 0, 0};
    static const uint8_t ii[] = {'E',  'x',  'i', 'f', 0, 0, 'I', 'I', 42, 0, 8, 0, 0, 0, 1, 0,
                                 0x12, 0x01, 3,   0,   1, 0, 0,   0,   0,  0, 0, 0, 0, 0, 0, 0};
    memcpy(out, little ? ii : mm, sizeof mm);
    out[little ? 24 : 25] = (uint8_t)orientation;
    return sizeof mm;
}

static void test_exif_orientation(void **state)
{
    (void)state;
    uint8_t d[64];
    size_t n = exif(d, false, 6);
    assert_int_equal(timeline_exif_orientation(d, n), 6);
    n = exif(d, true, 8);
    assert_int_equal(timeline_exif_orientation(d, n), 8);
    n = exif(d, true, 9); /* not an orientation */
    assert_int_equal(timeline_exif_orientation(d, n), 1);
    /* every cut of the segment is read safely (ASan watches) and gives 1 or the value */
    n = exif(d, false, 3);
    for (size_t cut = 0; cut < n; cut++) {
        uint8_t *copy = malloc(cut ? cut : 1);
        memcpy(copy, d, cut);
        int o = timeline_exif_orientation(copy, cut);
        assert_true(o == 1 || o == 3);
        free(copy);
    }
    /* an IFD offset or entry count pointing past the end */
    n = exif(d, false, 3);
    d[13] = 0xF0;
    assert_int_equal(timeline_exif_orientation(d, n), 1);
    n = exif(d, false, 3);
    d[15] = 0xFF;
    /* the entry is not Orientation: the count runs past the end */
    d[17] = 0x13;
    assert_int_equal(timeline_exif_orientation(d, n), 1);
    assert_int_equal(timeline_exif_orientation((const uint8_t *)"JFIF", 4), 1);
}

/* ---- orientation ----------------------------------------------------------------------------- */

/* A 2 x 1 image [A B] turned upright: the pixels, top to bottom and left to right. */
static void turned(int orientation, uint32_t width, uint32_t height, const char *expect)
{
    struct dicom_rendered px = {2, 1, 3, malloc(6)};
    memcpy(px.data, "AAABBB", 6);
    struct error err = {0};
    assert_true(timeline_photo_upright(&err, &px, orientation));
    assert_int_equal(px.width, width);
    assert_int_equal(px.height, height);
    for (size_t i = 0; i < strlen(expect); i++)
        assert_int_equal(px.data[i * 3], expect[i]);
    free(px.data);
}

static void test_upright_for_every_orientation(void **state)
{
    (void)state;
    turned(1, 2, 1, "AB");
    turned(2, 2, 1, "BA"); /* mirrored */
    turned(3, 2, 1, "BA"); /* 180° */
    turned(4, 2, 1, "AB"); /* mirrored top to bottom (one row) */
    turned(5, 1, 2, "AB"); /* transposed */
    turned(6, 1, 2, "AB"); /* stored turned left: shown turned 90° clockwise, A on top */
    turned(7, 1, 2, "BA"); /* transverse */
    turned(8, 1, 2, "BA"); /* 90° counter-clockwise: B on top */
}

/* ---- the whole pipeline ---------------------------------------------------------------------- */

/* A JPEG of width x height, black on the left half and white on the right, with an APP1 segment
 * (Exif orientation 6 and a GPS-like text) right after SOI. */
static uint8_t *photo_with_exif(uint32_t width, uint32_t height, size_t *len)
{
    struct dicom_rendered img = {width, height, 3, malloc((size_t)width * height * 3)};
    for (uint32_t y = 0; y < height; y++)
        for (uint32_t x = 0; x < width; x++)
            memset(img.data + ((size_t)y * width + x) * 3, x < width / 2 ? 0 : 255, 3);
    struct error err = {0};
    uint8_t *jpeg;
    size_t jpeg_len;
    assert_true(dicom_render_encode(&err, &img, DICOM_RENDER_JPEG, 90, &jpeg, &jpeg_len));
    free(img.data);
    uint8_t app1[128];
    size_t n = exif(app1 + 4, false, 6);
    memcpy(app1 + 4 + n, "GPSLatitude 35.6895N", 20);
    n += 20;
    app1[0] = 0xFF, app1[1] = 0xE1, app1[2] = (uint8_t)((n + 2) >> 8), app1[3] = (uint8_t)(n + 2);
    uint8_t *out = malloc(jpeg_len + n + 4);
    memcpy(out, jpeg, 2);
    memcpy(out + 2, app1, n + 4);
    memcpy(out + 2 + n + 4, jpeg + 2, jpeg_len - 2);
    *len = jpeg_len + n + 4;
    free(jpeg);
    return out;
}

/* The grey level at (x, y) of a JPEG (decoded as greyscale). */
static int grey_at(const uint8_t *jpeg, size_t len, uint32_t x, uint32_t y)
{
    struct jpeg_decompress_struct cinfo;
    struct jpeg_error_mgr jerr;
    cinfo.err = jpeg_std_error(&jerr);
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, jpeg, (unsigned long)len);
    jpeg_read_header(&cinfo, TRUE);
    cinfo.out_color_space = JCS_GRAYSCALE;
    jpeg_start_decompress(&cinfo);
    uint8_t *row = malloc(cinfo.output_width);
    int value = -1;
    while (cinfo.output_scanline < cinfo.output_height) {
        uint32_t line = cinfo.output_scanline;
        jpeg_read_scanlines(&cinfo, &row, 1);
        if (line == y)
            value = row[x];
    }
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    free(row);
    return value;
}

static bool has_app1(const uint8_t *d, size_t len)
{
    for (size_t i = 2; i + 4 <= len && d[i] == 0xFF && d[i + 1] != 0xDA;
         i += 2 + ((size_t)d[i + 2] << 8 | d[i + 3]))
        if (d[i + 1] == 0xE1)
            return true;
    return false;
}

static void test_a_photo_comes_out_upright_reduced_and_without_exif(void **state)
{
    (void)state;
    size_t len;
    uint8_t *in = photo_with_exif(2000, 1000, &len);
    assert_true(has_app1(in, len));
    uint8_t *out = NULL;
    size_t out_len = 0;
    uint32_t w = 0, h = 0;
    struct error err = {0};
    assert_true(timeline_photo_reduce(&err, in, len, &out, &out_len, &w, &h));
    /* turned clockwise: 1000 x 2000 shown, reduced to 800 x 1600 */
    assert_int_equal(w, 800);
    assert_int_equal(h, 1600);
    assert_false(has_app1(out, out_len));
    assert_null(memmem(out, out_len, "Exif", 4));
    assert_null(memmem(out, out_len, "GPSLatitude", 11));
    /* the stored left half (black) is now the top */
    assert_true(grey_at(out, out_len, 400, 100) < 40);
    assert_true(grey_at(out, out_len, 400, 1500) > 215);
    free(out);
    free(in);
}

static void test_what_is_not_a_photo(void **state)
{
    (void)state;
    uint8_t *out = NULL;
    size_t out_len = 0;
    uint32_t w, h;
    struct error err = {0};
    assert_false(
        timeline_photo_reduce(&err, (const uint8_t *)"%PDF-1.7", 8, &out, &out_len, &w, &h));
    assert_int_equal(err.code, ERR_HOMECARE_TIMELINE_NOT_IMAGE);
    size_t len;
    uint8_t *in = photo_with_exif(64, 32, &len);
    for (size_t cut = 0; cut < len; cut += 97) { /* cut anywhere: refused or decoded, no crash */
        struct error e = {0};
        if (timeline_photo_reduce(&e, in, cut, &out, &out_len, &w, &h))
            free(out);
        else
            assert_true(e.code == ERR_HOMECARE_TIMELINE_NOT_IMAGE);
    }
    free(in);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exif_orientation),
        cmocka_unit_test(test_upright_for_every_orientation),
        cmocka_unit_test(test_a_photo_comes_out_upright_reduced_and_without_exif),
        cmocka_unit_test(test_what_is_not_a_photo),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
