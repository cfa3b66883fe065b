/* SPDX-License-Identifier: Apache-2.0 */
/* Frames in the stored transfer syntax (WADO-RS frames): native slices, encapsulated frames
 * through the Basic Offset Table, one fragment per frame, or codestream markers when the table
 * is empty (files made with dcmtk's compressors); and lying image attributes that must fail
 * cleanly instead of allocating gigabytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka needs the headers above first */
#include <cmocka.h>

#include "pixels_fixture.h"

/* Runs `script` (sh) with $PYDICOM and $OUT set, then opens $OUT. */
static void sample_open_script(struct sample *s, const char *script)
{
    char dir[] = "/tmp/tsunagu-frames-XXXXXX";
    if (!mkdtemp(dir))
        fail_msg("mkdtemp");
    char out[600], cmd[2048];
    snprintf(out, sizeof out, "%s/out.dcm", dir);
    setenv("PYDICOM", PYDICOM_FILES, 1);
    setenv("OUT", out, 1);
    snprintf(cmd, sizeof cmd, "set -e; %s 2>/dev/null", script);
    if (system(cmd) != 0)
        fail_msg("%s failed", script);
    sample_open_path(s, out);
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static void native_frames_are_slices(void **state)
{
    (void)state;
    struct sample s;
    sample_open(&s, "rtdose.dcm"); // 15 frames of 10 x 10 x 32 bits
    assert_int_equal(s.img.frames, 15);
    struct dicom_frame_bytes f;
    struct error err = {0};
    assert_true(dicom_image_frame_bytes(&err, &s.img, 14, &f));
    assert_int_equal(f.length, 400);
    assert_ptr_equal(f.data, s.img.pixel_data + 14 * 400);
    dicom_frame_bytes_clear(&f);
    assert_false(dicom_image_frame_bytes(&err, &s.img, 15, &f));
    assert_int_equal(err.code, ERR_DICOM_INVALID);
    sample_close(&s);
}

/* PS3.18: native frames go out little endian, also from a big endian data set. */
static void big_endian_frames_go_out_little_endian(void **state)
{
    (void)state;
    const char *pairs[][2] = {{"MR_small_bigendian.dcm", "MR_small.dcm"},
                              {"rtdose_expb.dcm", "rtdose.dcm"}};
    for (size_t p = 0; p < 2; p++) {
        struct sample be, le;
        sample_open(&be, pairs[p][0]);
        sample_open(&le, pairs[p][1]);
        struct dicom_frame_bytes a, b;
        struct error err = {0};
        uint32_t last = be.img.frames - 1;
        assert_true(dicom_image_frame_bytes(&err, &be.img, last, &a));
        assert_true(dicom_image_frame_bytes(&err, &le.img, last, &b));
        assert_int_equal(a.length, b.length);
        assert_memory_equal(a.data, b.data, a.length);
        dicom_frame_bytes_clear(&a);
        dicom_frame_bytes_clear(&b);
        sample_close(&be);
        sample_close(&le);
    }
}

/* Every frame of the encapsulated file decodes to the native file's frame. */
static void assert_frames_decode_like(const struct sample *enc, const struct sample *native)
{
    assert_int_equal(enc->img.frames, native->img.frames);
    for (uint32_t i = 0; i < enc->img.frames; i++) {
        struct dicom_pixels a, b;
        decode_ok(enc, i, &a);
        decode_ok(native, i, &b);
        if (max_difference(&a, &b) != 0)
            fail_msg("frame %u differs", i);
        dicom_pixels_clear(&a);
        dicom_pixels_clear(&b);
    }
}

static void encapsulated_frames_with_and_without_table(void **state)
{
    (void)state;
    struct sample native, with_table, without_table, one_per_frame;
    // two frames of 64 x 64 x 16 bits (MR_small's, then noise), so that 1 KiB fragments split
    // each frame into several; with the Basic Offset Table, without it, and one per frame
#define MAKE_NATIVE                                                                                \
    "/usr/bin/python3 -c \"import pydicom, random; random.seed(14); "                              \
    "d = pydicom.dcmread('$PYDICOM/MR_small.dcm'); d.NumberOfFrames = 2; "                         \
    "d.PixelData = d.PixelData + bytes(random.randrange(256) for _ in range(8192)); "              \
    "d.save_as('$OUT')\""
    sample_open_script(&native, MAKE_NATIVE);
    sample_open_script(&with_table, MAKE_NATIVE "; mv \"$OUT\" \"$OUT.n\"; "
                                                "dcmcjpls +fs 1 +ot \"$OUT.n\" \"$OUT\"");
    sample_open_script(&without_table, MAKE_NATIVE "; mv \"$OUT\" \"$OUT.n\"; "
                                                   "dcmcjpls +fs 1 -ot \"$OUT.n\" \"$OUT\"");
    sample_open_script(&one_per_frame, MAKE_NATIVE "; mv \"$OUT\" \"$OUT.n\"; "
                                                   "dcmcjpls -ot \"$OUT.n\" \"$OUT\"");
    assert_true(with_table.img.fragment_count > 6);
    assert_true(with_table.img.offset_table_length == 8);
    assert_true(without_table.img.offset_table_length == 0);
    assert_int_equal(one_per_frame.img.fragment_count, 2);
    assert_frames_decode_like(&with_table, &native);
    assert_frames_decode_like(&without_table, &native);
    assert_frames_decode_like(&one_per_frame, &native);

    // the frame's bytes are one JPEG-LS codestream: SOI first, EOI last
    struct dicom_frame_bytes f;
    struct error err = {0};
    assert_true(dicom_image_frame_bytes(&err, &without_table.img, 1, &f));
    assert_non_null(f.owned);
    assert_memory_equal(f.data, "\xFF\xD8", 2);
    size_t end = f.length;
    while (end > 2 && f.data[end - 1] == 0) // fragments are padded to an even length
        end--;
    assert_memory_equal(f.data + end - 2, "\xFF\xD9", 2);
    dicom_frame_bytes_clear(&f);
    sample_close(&native);
    sample_close(&with_table);
    sample_close(&without_table);
    sample_close(&one_per_frame);
}

/* PS3.5 A.4: the Extended Offset Table (7FE0,0001/0002) finds each frame. An empty Basic
 * Offset Table and a 2-byte fragment no frame uses between the two frames: without the table
 * the frames could not be told apart (RLE frames have no start marker). */
static void extended_offset_table_finds_frames(void **state)
{
    (void)state;
    struct sample eot, rle;
    sample_make(&eot, "import struct\n"
                      "from pydicom.encaps import generate_pixel_data_frame\n"
                      "d = pydicom.dcmread(T + '/SC_rgb_rle_2frame.dcm')\n"
                      "f = list(generate_pixel_data_frame(d.PixelData, 2))\n"
                      "item = lambda b: b'\\xfe\\xff\\x00\\xe0' + struct.pack('<I', "
                      "len(b)) + b\n"
                      "d.PixelData = item(b'') + item(f[0]) + item(b'\\0\\0') + item(f[1])\n"
                      "d.ExtendedOffsetTable = struct.pack('<2Q', 0, 8 + len(f[0]) + 10)\n"
                      "d.ExtendedOffsetTableLengths = struct.pack('<2Q', len(f[0]), "
                      "len(f[1]))\n"
                      "d.save_as(OUT)\n");
    sample_open(&rle, "SC_rgb_rle_2frame.dcm");
    assert_int_equal(eot.img.extended_count, 2);
    assert_int_equal(eot.img.fragment_count, 3);
    assert_non_null(eot.img.extended_lengths);
    assert_frames_decode_like(&eot, &rle);
    struct dicom_frame_bytes a, b;
    struct error err = {0};
    assert_true(dicom_image_frame_bytes(&err, &eot.img, 1, &a));
    assert_true(dicom_image_frame_bytes(&err, &rle.img, 1, &b));
    assert_int_equal(a.length, b.length);
    assert_memory_equal(a.data, b.data, a.length);
    dicom_frame_bytes_clear(&a);
    dicom_frame_bytes_clear(&b);
    sample_close(&eot);
    sample_close(&rle);
}

/* Sets the US value of (0028,eeee) in an explicit VR little endian buffer. */
static void patch_us(struct sample *s, uint16_t element, uint16_t value)
{
    const uint8_t tag[6] = {0x28, 0x00, (uint8_t)element, (uint8_t)(element >> 8), 'U', 'S'};
    for (size_t i = 0; i + 10 <= s->length; i++)
        if (memcmp(s->bytes + i, tag, 6) == 0) {
            s->bytes[i + 8] = (uint8_t)value;
            s->bytes[i + 9] = (uint8_t)(value >> 8);
            return;
        }
    fail_msg("no (0028,%04X) US", element);
}

static void reopen(struct sample *s)
{
    dicom_image_clear(&s->img);
    dicom_free(s->file);
    s->file = NULL;
    struct error err = {0};
    assert_true(dicom_parse(&err, s->bytes, s->length, NULL, &s->file));
}

static void lying_sizes_fail_cleanly(void **state)
{
    (void)state;
    struct sample s;
    struct error err = {0};
    // native: 65535 x 65535 rows and columns over 8 KiB of pixel data
    sample_open(&s, "MR_small.dcm");
    patch_us(&s, 0x0010, 65535);
    patch_us(&s, 0x0011, 65535);
    reopen(&s);
    assert_false(dicom_image_read(&err, &s.file->dataset, &s.img));
    assert_int_equal(err.code, ERR_DICOM_INVALID);
    assert_non_null(strstr(err.detail, "(7FE0,0010)"));
    sample_close(&s);

    // encapsulated: the size is only known once decoded; refused before any allocation
    sample_open(&s, "MR_small_RLE.dcm");
    patch_us(&s, 0x0010, 65535);
    patch_us(&s, 0x0011, 65535);
    reopen(&s);
    error_clear(&err);
    assert_true(dicom_image_read(&err, &s.file->dataset, &s.img));
    struct dicom_pixels px;
    assert_false(dicom_image_decode(&err, &s.img, 0, &px));
    assert_int_equal(err.code, ERR_DICOM_UNSUPPORTED);
    assert_null(px.data);
    // a size within the limit that the RLE segments do not fill
    patch_us(&s, 0x0010, 1000);
    patch_us(&s, 0x0011, 1000);
    reopen(&s);
    error_clear(&err);
    assert_true(dicom_image_read(&err, &s.file->dataset, &s.img));
    assert_false(dicom_image_decode(&err, &s.img, 0, &px));
    assert_int_equal(err.code, ERR_DICOM_INVALID);
    sample_close(&s);

    // the JPEG 2000 codestream says 64 x 64, the data set 128 x 128
    sample_open(&s, "MR_small_jp2klossless.dcm");
    patch_us(&s, 0x0010, 128);
    patch_us(&s, 0x0011, 128);
    reopen(&s);
    error_clear(&err);
    assert_true(dicom_image_read(&err, &s.file->dataset, &s.img));
    assert_false(dicom_image_decode(&err, &s.img, 0, &px));
    assert_int_equal(err.code, ERR_DICOM_INVALID);
    sample_close(&s);
}

static void bad_attributes_are_named(void **state)
{
    (void)state;
    struct sample s;
    struct error err = {0};
    sample_open(&s, "MR_small.dcm");
    patch_us(&s, 0x0100, 12); // Bits Allocated 12
    reopen(&s);
    assert_false(dicom_image_read(&err, &s.file->dataset, &s.img));
    assert_int_equal(err.code, ERR_DICOM_INVALID);
    assert_non_null(strstr(err.detail, "Bits Allocated"));
    sample_close(&s);
    // badVR.dcm: Number of Frames "1A"
    memset(&s, 0, sizeof s);
    char path[512];
    snprintf(path, sizeof path, "%s/badVR.dcm", PYDICOM_FILES);
    s.bytes = read_whole(path, &s.length);
    assert_non_null(s.bytes);
    error_clear(&err);
    assert_true(dicom_parse(&err, s.bytes, s.length, NULL, &s.file));
    assert_false(dicom_image_read(&err, &s.file->dataset, &s.img));
    assert_int_equal(err.code, ERR_DICOM_INVALID);
    sample_close(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(native_frames_are_slices),
        cmocka_unit_test(big_endian_frames_go_out_little_endian),
        cmocka_unit_test(encapsulated_frames_with_and_without_table),
        cmocka_unit_test(extended_offset_table_finds_frames),
        cmocka_unit_test(lying_sizes_fail_cleanly),
        cmocka_unit_test(bad_attributes_are_named),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
