/* SPDX-License-Identifier: Apache-2.0 */
/* Lookup tables in rendering: VOI LUT Sequence, Modality LUT Sequence and palette colour, on
 * data sets made here with pydicom (the sample files have none): the rendered grey or colour of
 * each pixel is computed independently from the table and compared. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka needs the headers above first */
#include <cmocka.h>

#include "dicom/render.h"
#include "pixels_fixture.h"

static void render_grey(const struct sample *s, const struct dicom_render_options *o,
                        struct dicom_pixels *px, struct dicom_rendered *r)
{
    struct error err = {0};
    decode_ok(s, 0, px);
    if (!dicom_render_8bit(&err, &s->img, px, o, r))
        fail_msg("render: %s", err.detail);
}

/* MR_small without its window and with a VOI LUT inverting 0..4095: each pixel renders to
 * (4095 - clamp(v)) · 255 / 4095. */
static void voi_lut_sequence_is_applied(void **state)
{
    (void)state;
    struct sample s;
    sample_make(&s, "import struct\n"
                    "d = pydicom.dcmread(T + '/MR_small.dcm')\n"
                    "del d.WindowCenter\ndel d.WindowWidth\n"
                    "item = Dataset()\n"
                    "item.LUTDescriptor = [4096, 0, 16]\n"
                    "item.LUTData = struct.pack('<4096H', *[4095 - i for i in range(4096)])\n"
                    "d.VOILUTSequence = Sequence([item])\n"
                    "d.save_as(OUT)\n");
    assert_false(s.img.has_window);
    assert_true(s.img.voi_lut.present);
    struct dicom_pixels px;
    struct dicom_rendered r;
    struct dicom_render_options o = {0};
    render_grey(&s, &o, &px, &r);
    for (size_t i = 0; i < (size_t)px.rows * px.columns; i++) {
        int64_t v = dicom_pixels_value(&px, i);
        v = v < 0 ? 0 : v > 4095 ? 4095 : v;
        int want = (int)((4095 - v) * 255.0 / 4095 + 0.5);
        assert_int_equal(r.data[i], want);
    }
    // an explicit window still wins over the table: the brightest value shows brighter than
    // the darkest again (the table inverted them)
    size_t lo = 0, hi = 0;
    for (size_t i = 0; i < (size_t)px.rows * px.columns; i++) {
        lo = dicom_pixels_value(&px, i) < dicom_pixels_value(&px, lo) ? i : lo;
        hi = dicom_pixels_value(&px, i) > dicom_pixels_value(&px, hi) ? i : hi;
    }
    assert_true(r.data[hi] < r.data[lo]);
    dicom_rendered_clear(&r);
    o = (struct dicom_render_options){
        .has_window = true, .window_center = 600, .window_width = 1600};
    struct dicom_pixels px2;
    render_grey(&s, &o, &px2, &r);
    assert_true(r.data[hi] > r.data[lo]);
    dicom_rendered_clear(&r);
    dicom_pixels_clear(&px);
    dicom_pixels_clear(&px2);
    sample_close(&s);
}

/* A Modality LUT doubling every value renders like Rescale Slope 2. */
static void modality_lut_is_applied(void **state)
{
    (void)state;
    struct sample with_lut, with_slope;
    sample_make(&with_lut, "import struct\n"
                           "d = pydicom.dcmread(T + '/MR_small.dcm')\n"
                           "d.PixelRepresentation = 0\n" // the table maps 0..4095
                           "item = Dataset()\n"
                           "item.LUTDescriptor = [4096, 0, 16]\n"
                           "item.LUTData = struct.pack('<4096H', *[2 * i for i in range(4096)])\n"
                           "item.ModalityLUTType = 'US'\n"
                           "d.ModalityLUTSequence = Sequence([item])\n"
                           "d.save_as(OUT)\n");
    sample_make(&with_slope, "d = pydicom.dcmread(T + '/MR_small.dcm')\n"
                             "d.PixelRepresentation = 0\n"
                             "d.RescaleSlope = 2\nd.RescaleIntercept = 0\n"
                             "d.save_as(OUT)\n");
    assert_true(with_lut.img.modality_lut.present);
    struct dicom_render_options o = {
        .has_window = true, .window_center = 1200, .window_width = 3200};
    struct dicom_pixels pa, pb;
    struct dicom_rendered a, b;
    render_grey(&with_lut, &o, &pa, &a);
    render_grey(&with_slope, &o, &pb, &b);
    assert_memory_equal(a.data, b.data, (size_t)a.width * a.height);
    dicom_rendered_clear(&a);
    dicom_rendered_clear(&b);
    dicom_pixels_clear(&pa);
    dicom_pixels_clear(&pb);
    sample_close(&with_lut);
    sample_close(&with_slope);
}

/* PALETTE COLOR: each index maps through the three 16-bit tables (high byte shown). */
static void palette_colour_is_applied(void **state)
{
    (void)state;
    struct sample s;
    sample_make(&s, "from pydicom.dataset import FileMetaDataset\n"
                    "from pydicom.uid import ExplicitVRLittleEndian, generate_uid\n"
                    "import struct\n"
                    "d = Dataset()\n"
                    "d.file_meta = FileMetaDataset()\n"
                    "d.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian\n"
                    "d.file_meta.MediaStorageSOPClassUID = '1.2.840.10008.5.1.4.1.1.7'\n"
                    "d.file_meta.MediaStorageSOPInstanceUID = generate_uid()\n"
                    "d.SOPClassUID = d.file_meta.MediaStorageSOPClassUID\n"
                    "d.SOPInstanceUID = d.file_meta.MediaStorageSOPInstanceUID\n"
                    "d.Rows = 4\nd.Columns = 4\nd.SamplesPerPixel = 1\n"
                    "d.PhotometricInterpretation = 'PALETTE COLOR'\n"
                    "d.BitsAllocated = 8\nd.BitsStored = 8\nd.HighBit = 7\n"
                    "d.PixelRepresentation = 0\n"
                    "d.PixelData = bytes(range(0, 256, 16))\n"
                    "for c, f in (('Red', lambda i: i * 257), ('Green', lambda i: (255 - i) * "
                    "257), ('Blue', lambda i: 0x8000)):\n"
                    "    setattr(d, c + 'PaletteColorLookupTableDescriptor', [256, 0, 16])\n"
                    "    setattr(d, c + 'PaletteColorLookupTableData', b''.join(struct.pack("
                    "'<H', f(i)) for i in range(256)))\n"
                    "d.is_little_endian = True\nd.is_implicit_VR = False\n"
                    "d.save_as(OUT, write_like_original=False)\n");
    struct dicom_pixels px;
    struct dicom_rendered r;
    struct dicom_render_options o = {0};
    render_grey(&s, &o, &px, &r);
    assert_int_equal(r.channels, 3);
    for (size_t i = 0; i < 16; i++) {
        assert_int_equal(r.data[3 * i], 16 * i);
        assert_int_equal(r.data[3 * i + 1], 255 - 16 * i);
        assert_int_equal(r.data[3 * i + 2], 0x80);
    }
    dicom_rendered_clear(&r);
    dicom_pixels_clear(&px);
    sample_close(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(voi_lut_sequence_is_applied),
        cmocka_unit_test(modality_lut_is_applied),
        cmocka_unit_test(palette_colour_is_applied),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
