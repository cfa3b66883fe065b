/* SPDX-License-Identifier: Apache-2.0 */
/* The pixel layer against real files: pydicom's samples whose lossless encodings must decode to
 * exactly the native data, and dcmtk's decompressors as the oracle for the rest. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka needs the headers above first */
#include <cmocka.h>

#include "pixels_fixture.h"

/* Every frame of `name` decodes to exactly the frames of `reference`. */
static void assert_same_frames(const char *name, const char *reference)
{
    struct sample a, b;
    sample_open(&a, name);
    sample_open(&b, reference);
    assert_int_equal(a.img.frames, b.img.frames);
    for (uint32_t f = 0; f < a.img.frames; f++) {
        struct dicom_pixels pa, pb;
        decode_ok(&a, f, &pa);
        decode_ok(&b, f, &pb);
        assert_int_equal(pa.sample, pb.sample);
        if (max_difference(&pa, &pb) != 0)
            fail_msg("%s frame %u differs from %s", name, f, reference);
        dicom_pixels_clear(&pa);
        dicom_pixels_clear(&pb);
    }
    sample_close(&a);
    sample_close(&b);
}

static void lossless_mr_small_is_exact(void **state)
{
    (void)state;
    assert_same_frames("MR_small_RLE.dcm", "MR_small.dcm");
    assert_same_frames("MR_small_jpeg_ls_lossless.dcm", "MR_small.dcm");
    assert_same_frames("MR_small_jp2klossless.dcm", "MR_small.dcm");
    assert_same_frames("MR_small_bigendian.dcm", "MR_small.dcm");
    assert_same_frames("MR_small_expb.dcm", "MR_small.dcm");
    assert_same_frames("MR_small_implicit.dcm", "MR_small.dcm");
    // planar RGB, big endian: as dcmconv +te (little endian) has it
    struct sample a, b;
    sample_open(&a, "ExplVR_BigEnd.dcm");
    sample_open_dcmtk(&b, "dcmconv", "+te", "ExplVR_BigEnd.dcm");
    struct dicom_pixels pa, pb;
    decode_ok(&a, 0, &pa);
    decode_ok(&b, 0, &pb);
    assert_int_equal(max_difference(&pa, &pb), 0);
    dicom_pixels_clear(&pa);
    dicom_pixels_clear(&pb);
    sample_close(&a);
    sample_close(&b);
}

static void native_values_are_the_stored_ones(void **state)
{
    (void)state;
    // MR_small: signed 16-bit little endian; the decoded frame is those words
    struct sample s;
    sample_open(&s, "MR_small.dcm");
    struct dicom_pixels px;
    decode_ok(&s, 0, &px);
    assert_int_equal(px.sample, DICOM_SAMPLE_S16);
    assert_int_equal(px.rows, 64);
    assert_int_equal(px.columns, 64);
    for (size_t i = 0; i < 64 * 64; i++) {
        int16_t v = (int16_t)(s.img.pixel_data[2 * i] | s.img.pixel_data[2 * i + 1] << 8);
        assert_int_equal(dicom_pixels_value(&px, i), v);
    }
    dicom_pixels_clear(&px);
    sample_close(&s);
}

/* JPEG-LS colour in each interleave mode (dcmcjpls of dcmdrle's native SC_rgb_rle) is exact;
 * near-lossless (NEAR 2) of it equals dcmdjpls's decoding of the same stream. */
static void jpegls_interleave_modes_and_near_lossless(void **state)
{
    (void)state;
    static const char *const modes[] = {"+il", "+is", "+in"};
    struct sample ref;
    sample_open(&ref, "SC_rgb_rle.dcm");
    struct dicom_pixels want;
    decode_ok(&ref, 0, &want);
    char dir[] = "/tmp/tsunagu-jls-XXXXXX";
    assert_non_null(mkdtemp(dir));
    for (size_t m = 0; m < 3; m++) {
        char cmd[3000], path[600];
        snprintf(path, sizeof path, "%s/%zu.dcm", dir, m);
        snprintf(cmd, sizeof cmd,
                 "dcmdrle '%s/SC_rgb_rle.dcm' '%s.n' && dcmcjpls %s '%s.n' '%s' 2>/dev/null",
                 PYDICOM_FILES, path, modes[m], path, path);
        assert_int_equal(system(cmd), 0);
        struct sample s;
        sample_open_path(&s, path);
        struct dicom_pixels got;
        decode_ok(&s, 0, &got);
        if (max_difference(&got, &want) != 0)
            fail_msg("JPEG-LS %s differs", modes[m]);
        dicom_pixels_clear(&got);
        sample_close(&s);
    }
    char cmd[3000], path[600];
    snprintf(path, sizeof path, "%s/near.dcm", dir);
    // near-lossless needs unsigned samples: SC_rgb's native form from the loop above
    snprintf(cmd, sizeof cmd, "dcmcjpls +en '%s/0.dcm.n' '%s' && dcmdjpls '%s' '%s.n' 2>/dev/null",
             dir, path, path, path);
    assert_int_equal(system(cmd), 0);
    struct sample near, oracle;
    sample_open_path(&near, path);
    assert_string_equal(near.img.transfer_syntax, DICOM_TS_JPEG_LS_NEAR_LOSSLESS);
    snprintf(path + strlen(path), sizeof path - strlen(path), ".n");
    sample_open_path(&oracle, path);
    struct dicom_pixels a, b;
    decode_ok(&near, 0, &a);
    decode_ok(&oracle, 0, &b);
    assert_int_equal(max_difference(&a, &b), 0);
    dicom_pixels_clear(&a);
    dicom_pixels_clear(&b);
    sample_close(&near);
    sample_close(&oracle);
    dicom_pixels_clear(&want);
    sample_close(&ref);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static void jpeg2000_colour_is_exact(void **state)
{
    (void)state;
    // SC_rgb_gdcm_KY is the JPEG 2000 (irreversible syntax, lossless content) of SC_rgb_rle
    assert_same_frames("SC_rgb_gdcm_KY.dcm", "SC_rgb_rle.dcm");
    // YBR_RCT: OpenJPEG's inverse transform gives RGB; the words "red", "green", "blue" in
    // their colours on grey
    struct sample s;
    sample_open(&s, "GDCMJ2K_TextGBR.dcm");
    struct dicom_pixels px;
    decode_ok(&s, 0, &px);
    assert_int_equal(px.photometric, DICOM_PI_RGB);
    assert_int_equal(px.data[0], 128);
    assert_int_equal(px.data[1], 128);
    assert_int_equal(px.data[2], 128);
    size_t pure[3] = {0};
    for (size_t i = 0; i < (size_t)px.rows * px.columns; i++) {
        const uint8_t *p = px.data + 3 * i;
        for (int c = 0; c < 3; c++)
            pure[c] += p[c] > 200 && p[(c + 1) % 3] < 50 && p[(c + 2) % 3] < 50;
    }
    assert_true(pure[0] > 1000 && pure[1] > 1000 && pure[2] > 1000);
    dicom_pixels_clear(&px);
    sample_close(&s);
}

static void not_an_image_is_said_so(void **state)
{
    (void)state;
    char path[512];
    snprintf(path, sizeof path, "%s/rtplan.dcm", PYDICOM_FILES);
    struct sample s = {0};
    s.bytes = read_whole(path, &s.length);
    struct error err = {0};
    assert_true(dicom_parse(&err, s.bytes, s.length, NULL, &s.file));
    assert_false(dicom_image_read(&err, &s.file->dataset, &s.img));
    assert_int_equal(err.code, ERR_DICOM_UNSUPPORTED);
    assert_non_null(strstr(err.detail, "no Pixel Data"));
    sample_close(&s);
}

static void rle_multiframe_32bit_is_exact(void **state)
{
    (void)state;
    assert_same_frames("rtdose_rle.dcm", "rtdose.dcm");
    assert_same_frames("rtdose_rle_1frame.dcm", "rtdose_1frame.dcm");
    assert_same_frames("rtdose_expb.dcm", "rtdose.dcm");
}

/* Our decoding of an RLE file equals ours of dcmdrle's native output. */
static void assert_rle_like_dcmdrle(const char *name)
{
    struct sample a, b;
    sample_open(&a, name);
    sample_open_dcmtk(&b, "dcmdrle", "", name);
    assert_int_equal(a.img.frames, b.img.frames);
    for (uint32_t f = 0; f < a.img.frames; f++) {
        struct dicom_pixels pa, pb;
        decode_ok(&a, f, &pa);
        decode_ok(&b, f, &pb);
        if (max_difference(&pa, &pb) != 0)
            fail_msg("%s frame %u differs from dcmdrle's", name, f);
        dicom_pixels_clear(&pa);
        dicom_pixels_clear(&pb);
    }
    sample_close(&a);
    sample_close(&b);
}

static void rle_colour_matches_dcmtk(void **state)
{
    (void)state;
    assert_rle_like_dcmdrle("MR_small_RLE.dcm");
    assert_rle_like_dcmdrle("SC_rgb_rle.dcm");
    assert_rle_like_dcmdrle("SC_rgb_rle_2frame.dcm");
    assert_rle_like_dcmdrle("SC_rgb_rle_16bit.dcm");
    assert_rle_like_dcmdrle("SC_rgb_rle_16bit_2frame.dcm");
    assert_rle_like_dcmdrle("SC_rgb_rle_32bit.dcm");
    assert_rle_like_dcmdrle("SC_rgb_rle_32bit_2frame.dcm");
}

/* Lossy JPEG: within `tolerance` of dcmdjpeg's decoding (another IDCT, another colour
 * conversion). */
static void assert_jpeg_like_dcmdjpeg(const char *name, int64_t tolerance)
{
    struct sample a, b;
    sample_open(&a, name);
    sample_open_dcmtk(&b, "dcmdjpeg", "", name);
    struct dicom_pixels pa, pb;
    decode_ok(&a, 0, &pa);
    decode_ok(&b, 0, &pb);
    int64_t d = max_difference(&pa, &pb);
    if (d > tolerance)
        fail_msg("%s: differs from dcmdjpeg's by up to %lld", name, (long long)d);
    assert_int_equal(pa.photometric == DICOM_PI_RGB, pb.photometric == DICOM_PI_RGB);
    dicom_pixels_clear(&pa);
    dicom_pixels_clear(&pb);
    sample_close(&a);
    sample_close(&b);
}

static void jpeg_baseline_matches_dcmtk(void **state)
{
    (void)state;
    assert_jpeg_like_dcmdjpeg("SC_rgb_jpeg_dcmtk.dcm", 2);
    assert_jpeg_like_dcmdjpeg("SC_rgb_dcmtk_+eb+cr.dcm", 2);
    assert_jpeg_like_dcmdjpeg("SC_rgb_dcmtk_+eb+cy+n1.dcm", 2);
    assert_jpeg_like_dcmdjpeg("SC_rgb_dcmtk_+eb+cy+n2.dcm", 2);
    assert_jpeg_like_dcmdjpeg("SC_rgb_dcmtk_+eb+cy+np.dcm", 2);
    assert_jpeg_like_dcmdjpeg("SC_rgb_dcmtk_+eb+cy+s2.dcm", 2);
    assert_jpeg_like_dcmdjpeg("SC_rgb_dcmtk_+eb+cy+s4.dcm", 2);
    assert_jpeg_like_dcmdjpeg("SC_rgb_small_odd_jpeg.dcm", 2);
    assert_jpeg_like_dcmdjpeg("SC_jpeg_no_color_transform.dcm", 2);
    assert_jpeg_like_dcmdjpeg("SC_rgb_jpeg_lossy_gdcm.dcm", 2);
}

/* 12-bit JPEG Extended (our own decoder: Debian's libjpeg is 8-bit only): within 1 of
 * dcmdjpeg's decoding (float against integer inverse DCT). */
static void jpeg_12bit_matches_dcmtk(void **state)
{
    (void)state;
    assert_jpeg_like_dcmdjpeg("JPGExtended.dcm", 1);
    assert_jpeg_like_dcmdjpeg("JPEG-lossy.dcm", 1);
}

static void unknown_syntax_is_refused_by_name(void **state)
{
    (void)state;
    struct sample s;
    sample_open(&s, "MR_small_RLE.dcm");
    // as if stored under MPEG2, which is not decoded here
    snprintf(s.img.transfer_syntax, sizeof s.img.transfer_syntax, "1.2.840.10008.1.2.4.100");
    s.img.syntax = dicom_pixel_syntax_of(s.img.transfer_syntax);
    assert_int_equal(s.img.syntax, DICOM_SYNTAX_OTHER);
    struct dicom_pixels px;
    struct error err = {0};
    assert_false(dicom_image_decode(&err, &s.img, 0, &px));
    assert_int_equal(err.code, ERR_DICOM_UNSUPPORTED);
    assert_non_null(strstr(err.detail, "1.2.840.10008.1.2.4.100"));
    assert_null(px.data);
    // its frames are still served as stored
    struct dicom_frame_bytes f;
    assert_true(dicom_image_frame_bytes(&err, &s.img, 0, &f));
    assert_int_equal(f.length, s.img.fragments[0].length);
    dicom_frame_bytes_clear(&f);
    sample_close(&s);
}

/* Lossless JPEG (process 14, our own decoder): exact against the native data, for every
 * predictor (dcmcjpeg +el +sv N of MR_small, signed 16-bit) and for gdcm's RGB file; with a
 * point transform (lossy then) exact against dcmdjpeg's decoding of it. */
static void jpeg_lossless_is_exact(void **state)
{
    (void)state;
    assert_same_frames("SC_rgb_jpeg_gdcm.dcm", "SC_rgb_rle.dcm");
    struct sample ref;
    sample_open(&ref, "MR_small.dcm");
    struct dicom_pixels want;
    decode_ok(&ref, 0, &want);
    for (int sv = 1; sv <= 7; sv++) {
        char options[32];
        snprintf(options, sizeof options, "+el +sv %d", sv);
        struct sample s;
        sample_open_dcmtk(&s, "dcmcjpeg", options, "MR_small.dcm");
        assert_string_equal(s.img.transfer_syntax, DICOM_TS_JPEG_LOSSLESS);
        struct dicom_pixels got;
        decode_ok(&s, 0, &got);
        if (max_difference(&got, &want) != 0)
            fail_msg("lossless JPEG with predictor %d differs", sv);
        dicom_pixels_clear(&got);
        sample_close(&s);
    }
    dicom_pixels_clear(&want);
    sample_close(&ref);

    struct sample pt, oracle;
    sample_open_dcmtk(&pt, "dcmcjpeg", "+el +sv 6 +pt 2", "MR_small.dcm");
    // dcmdjpeg of the same file: decompress what dcmcjpeg made
    char path[600], cmd[3000];
    char dir[] = "/tmp/tsunagu-ljpeg-XXXXXX";
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/pt.dcm", dir);
    snprintf(cmd, sizeof cmd,
             "dcmcjpeg +el +sv 6 +pt 2 '%s/MR_small.dcm' '%s' && dcmdjpeg '%s' '%s.n'",
             PYDICOM_FILES, path, path, path);
    assert_int_equal(system(cmd), 0);
    snprintf(path + strlen(path), sizeof path - strlen(path), ".n");
    sample_open_path(&oracle, path);
    struct dicom_pixels a, b;
    decode_ok(&pt, 0, &a);
    decode_ok(&oracle, 0, &b);
    assert_int_equal(max_difference(&a, &b), 0);
    dicom_pixels_clear(&a);
    dicom_pixels_clear(&b);
    sample_close(&pt);
    sample_close(&oracle);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static void ybr_full_422_native_is_rgb(void **state)
{
    (void)state;
    // the same picture as SC_rgb_rle (RGB, lossless): close (the colour transform rounds), RGB
    struct sample a, b;
    sample_open(&a, "SC_ybr_full_422_uncompressed.dcm");
    sample_open(&b, "SC_rgb_rle.dcm");
    struct dicom_pixels pa, pb;
    decode_ok(&a, 0, &pa);
    decode_ok(&b, 0, &pb);
    assert_int_equal(pa.photometric, DICOM_PI_RGB);
    int64_t d = max_difference(&pa, &pb);
    if (d > 6)
        fail_msg("YBR_FULL_422 native differs from the RGB original by up to %lld", (long long)d);
    dicom_pixels_clear(&pa);
    dicom_pixels_clear(&pb);
    sample_close(&a);
    sample_close(&b);
}

static void one_bit_frames_unpack(void **state)
{
    (void)state;
    struct sample s;
    sample_open(&s, "liver_1frame.dcm");
    struct dicom_pixels px;
    decode_ok(&s, 0, &px);
    size_t ones = 0;
    for (size_t i = 0; i < (size_t)px.rows * px.columns; i++) {
        int64_t v = dicom_pixels_value(&px, i);
        assert_true(v == 0 || v == 1);
        ones += (size_t)v;
    }
    assert_true(ones > 0 && ones < (size_t)px.rows * px.columns);
    dicom_pixels_clear(&px);
    sample_close(&s);
    assert_same_frames("liver_expb_1frame.dcm", "liver_1frame.dcm");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lossless_mr_small_is_exact),
        cmocka_unit_test(native_values_are_the_stored_ones),
        cmocka_unit_test(rle_multiframe_32bit_is_exact),
        cmocka_unit_test(jpegls_interleave_modes_and_near_lossless),
        cmocka_unit_test(jpeg2000_colour_is_exact),
        cmocka_unit_test(not_an_image_is_said_so),
        cmocka_unit_test(rle_colour_matches_dcmtk),
        cmocka_unit_test(jpeg_baseline_matches_dcmtk),
        cmocka_unit_test(jpeg_12bit_matches_dcmtk),
        cmocka_unit_test(unknown_syntax_is_refused_by_name),
        cmocka_unit_test(jpeg_lossless_is_exact),
        cmocka_unit_test(ybr_full_422_native_is_rgb),
        cmocka_unit_test(one_bit_frames_unpack),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
