/* SPDX-License-Identifier: Apache-2.0 */
/* Rendering: the output is a JPEG or PNG of the asked size (decoded back here with libjpeg and
 * libpng), window/level moves the grey values the expected way, MONOCHROME1 inverts, colour
 * survives PNG exactly, bad options are refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka needs the headers above first */
#include <cmocka.h>

#include <stdio.h>

#include <jpeglib.h>
#include <png.h>

#include "dicom/render.h"
#include "pixels_fixture.h"

/* A decoded rendering: width × height × channels bytes. */
struct picture {
    uint32_t width, height, channels;
    uint8_t *data;
};

static void png_decode(const uint8_t *bytes, size_t length, struct picture *p)
{
    png_image image;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    assert_true(png_image_begin_read_from_memory(&image, bytes, length));
    p->channels = PNG_IMAGE_SAMPLE_CHANNELS(image.format);
    image.format = p->channels == 1 ? PNG_FORMAT_GRAY : PNG_FORMAT_RGB;
    p->channels = p->channels == 1 ? 1 : 3;
    p->width = image.width;
    p->height = image.height;
    p->data = malloc(PNG_IMAGE_SIZE(image));
    assert_true(png_image_finish_read(&image, NULL, p->data, 0, NULL));
}

static void jpeg_decode(const uint8_t *bytes, size_t length, struct picture *p)
{
    struct jpeg_decompress_struct cinfo;
    struct jpeg_error_mgr jerr;
    cinfo.err = jpeg_std_error(&jerr); // a corrupt stream exits the test: that is a failure
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, bytes, (unsigned long)length);
    assert_int_equal(jpeg_read_header(&cinfo, TRUE), JPEG_HEADER_OK);
    jpeg_start_decompress(&cinfo);
    p->width = cinfo.output_width;
    p->height = cinfo.output_height;
    p->channels = (uint32_t)cinfo.output_components;
    p->data = malloc((size_t)p->width * p->height * p->channels);
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW row = p->data + (size_t)cinfo.output_scanline * p->width * p->channels;
        jpeg_read_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
}

static void render_ok(const struct sample *s, uint32_t frame, const struct dicom_render_options *o,
                      struct picture *p)
{
    uint8_t *bytes;
    size_t length;
    struct error err = {0};
    if (!dicom_render(&err, &s->img, frame, o, &bytes, &length))
        fail_msg("render: %s", err.detail);
    if (o->format == DICOM_RENDER_PNG) {
        assert_memory_equal(bytes, "\x89PNG", 4);
        png_decode(bytes, length, p);
    } else {
        assert_memory_equal(bytes, "\xFF\xD8", 2);
        jpeg_decode(bytes, length, p);
    }
    free(bytes);
}

static double mean(const struct picture *p)
{
    double sum = 0;
    size_t n = (size_t)p->width * p->height * p->channels;
    for (size_t i = 0; i < n; i++)
        sum += p->data[i];
    return sum / (double)n;
}

static void output_has_the_asked_size(void **state)
{
    (void)state;
    struct sample s;
    struct picture p;
    sample_open(&s, "MR_small.dcm"); // 64 x 64
    struct dicom_render_options o = {.format = DICOM_RENDER_PNG};
    render_ok(&s, 0, &o, &p);
    assert_int_equal(p.width, 64);
    assert_int_equal(p.height, 64);
    assert_int_equal(p.channels, 1);
    free(p.data);
    o = (struct dicom_render_options){.format = DICOM_RENDER_JPEG, .width = 128, .height = 64};
    render_ok(&s, 0, &o, &p);
    assert_int_equal(p.width, 64); // the aspect ratio is kept: the height limits
    assert_int_equal(p.height, 64);
    free(p.data);
    sample_close(&s);

    sample_open(&s, "JPEG2000.dcm"); // 1024 rows x 256 columns
    o = (struct dicom_render_options){.format = DICOM_RENDER_JPEG, .width = 200, .height = 300};
    render_ok(&s, 0, &o, &p);
    assert_int_equal(p.height, 300);
    assert_int_equal(p.width, 75);
    free(p.data);

    uint8_t *bytes;
    size_t length;
    struct error err = {0};
    assert_true(dicom_render_thumbnail(&err, &s.img, DICOM_RENDER_PNG, &bytes, &length));
    png_decode(bytes, length, &p);
    assert_int_equal(p.height, DICOM_THUMBNAIL_SIZE);
    assert_int_equal(p.width, DICOM_THUMBNAIL_SIZE / 4);
    free(p.data);
    free(bytes);
    sample_close(&s);
}

static void window_moves_grey_the_expected_way(void **state)
{
    (void)state;
    struct sample s;
    sample_open(&s, "CT_small.dcm");
    struct picture low, high, narrow, wide;
    struct dicom_render_options o = {
        .format = DICOM_RENDER_PNG, .has_window = true, .window_center = 0, .window_width = 400};
    render_ok(&s, 0, &o, &low);
    o.window_center = 300; // a higher level shows the same tissue darker
    render_ok(&s, 0, &o, &high);
    assert_true(mean(&high) < mean(&low));
    o.window_center = 40;
    o.window_width = 2000;
    render_ok(&s, 0, &o, &wide);
    o.window_width = 80; // a narrower window pushes values to black and white
    render_ok(&s, 0, &o, &narrow);
    size_t extremes_wide = 0, extremes_narrow = 0;
    for (size_t i = 0; i < (size_t)wide.width * wide.height; i++) {
        extremes_wide += wide.data[i] == 0 || wide.data[i] == 255;
        extremes_narrow += narrow.data[i] == 0 || narrow.data[i] == 255;
    }
    assert_true(extremes_narrow > extremes_wide);
    free(low.data);
    free(high.data);
    free(wide.data);
    free(narrow.data);
    sample_close(&s);
}

static void rescale_is_applied_before_the_window(void **state)
{
    (void)state;
    // CT_small has Rescale Intercept -1024: a window in Hounsfield units centred far below the
    // stored values, but on the rescaled ones, is not all white
    struct sample s;
    sample_open(&s, "CT_small.dcm");
    assert_true(s.img.rescale_intercept < 0);
    struct dicom_pixels px;
    decode_ok(&s, 0, &px);
    struct dicom_rendered with, without;
    struct dicom_render_options o = {
        .format = DICOM_RENDER_PNG, .has_window = true, .window_center = 40, .window_width = 400};
    struct error err = {0};
    assert_true(dicom_render_8bit(&err, &s.img, &px, &o, &with));
    s.img.rescale_intercept = 0;
    assert_true(dicom_render_8bit(&err, &s.img, &px, &o, &without));
    size_t n = (size_t)px.rows * px.columns, brighter = 0;
    for (size_t i = 0; i < n; i++)
        brighter += without.data[i] > with.data[i];
    assert_true(brighter > n / 2);
    dicom_rendered_clear(&with);
    dicom_rendered_clear(&without);
    dicom_pixels_clear(&px);
    sample_close(&s);
}

static void monochrome1_inverts(void **state)
{
    (void)state;
    struct sample s;
    sample_open(&s, "MR_small.dcm");
    struct dicom_pixels px;
    decode_ok(&s, 0, &px);
    struct dicom_rendered mono2, mono1;
    struct dicom_render_options o = {.format = DICOM_RENDER_PNG};
    struct error err = {0};
    assert_true(dicom_render_8bit(&err, &s.img, &px, &o, &mono2));
    s.img.photometric = DICOM_PI_MONOCHROME1;
    assert_true(dicom_render_8bit(&err, &s.img, &px, &o, &mono1));
    for (size_t i = 0; i < (size_t)px.rows * px.columns; i++)
        assert_int_equal(mono1.data[i], 255 - mono2.data[i]);
    // without the data set's window, min/max: the darkest value is black, the brightest white
    dicom_rendered_clear(&mono2);
    s.img.photometric = DICOM_PI_MONOCHROME2;
    s.img.has_window = false;
    assert_true(dicom_render_8bit(&err, &s.img, &px, &o, &mono2));
    uint8_t lo = 255, hi = 0;
    for (size_t i = 0; i < (size_t)px.rows * px.columns; i++) {
        lo = mono2.data[i] < lo ? mono2.data[i] : lo;
        hi = mono2.data[i] > hi ? mono2.data[i] : hi;
    }
    assert_int_equal(lo, 0);
    assert_int_equal(hi, 255);
    dicom_rendered_clear(&mono1);
    dicom_rendered_clear(&mono2);
    dicom_pixels_clear(&px);
    sample_close(&s);
}

static void colour_survives_png_exactly(void **state)
{
    (void)state;
    struct sample s;
    sample_open(&s, "SC_rgb_rle.dcm");
    struct dicom_pixels px;
    decode_ok(&s, 0, &px);
    struct picture p;
    struct dicom_render_options o = {.format = DICOM_RENDER_PNG};
    render_ok(&s, 0, &o, &p);
    assert_int_equal(p.channels, 3);
    assert_int_equal(p.width, px.columns);
    assert_memory_equal(p.data, px.data, px.length);
    free(p.data);
    o.format = DICOM_RENDER_JPEG;
    o.quality = 95;
    render_ok(&s, 0, &o, &p);
    assert_int_equal(p.channels, 3);
    free(p.data);
    dicom_pixels_clear(&px);
    sample_close(&s);
}

static void bad_options_are_refused(void **state)
{
    (void)state;
    struct sample s;
    sample_open(&s, "MR_small.dcm");
    uint8_t *bytes;
    size_t length;
    struct error err = {0};
    struct dicom_render_options o = {.has_window = true, .window_center = 10, .window_width = 0};
    assert_false(dicom_render(&err, &s.img, 0, &o, &bytes, &length));
    assert_int_equal(err.code, ERR_FIELD_VALUE);
    assert_null(bytes);
    o = (struct dicom_render_options){.quality = 101};
    error_clear(&err);
    assert_false(dicom_render(&err, &s.img, 0, &o, &bytes, &length));
    assert_int_equal(err.code, ERR_FIELD_VALUE);
    o = (struct dicom_render_options){.width = 100000};
    error_clear(&err);
    assert_false(dicom_render(&err, &s.img, 0, &o, &bytes, &length));
    assert_int_equal(err.code, ERR_FIELD_VALUE);
    o = (struct dicom_render_options){0};
    error_clear(&err);
    assert_false(dicom_render(&err, &s.img, 1, &o, &bytes, &length)); // one frame only
    assert_int_equal(err.code, ERR_DICOM_INVALID);
    sample_close(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(output_has_the_asked_size),
        cmocka_unit_test(window_moves_grey_the_expected_way),
        cmocka_unit_test(rescale_is_applied_before_the_window),
        cmocka_unit_test(monochrome1_inverts),
        cmocka_unit_test(colour_survives_png_exactly),
        cmocka_unit_test(bad_options_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
