/* SPDX-License-Identifier: Apache-2.0 */
/* Reading the Image Pixel module (PS3.3 C.7.6.3), the Modality LUT and VOI LUT modules (C.11.1,
 * C.11.2) and the palette (C.7.6.3.1.5) of a parsed data set into struct dicom_image. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dicom/pixels_int.h"

#define TAG_PLANAR DICOM_TAG(0x0028, 0x0006)
#define TAG_ASPECT DICOM_TAG(0x0028, 0x0034)
#define TAG_HIGH_BIT DICOM_TAG(0x0028, 0x0102)
#define TAG_WINDOW_CENTER DICOM_TAG(0x0028, 0x1050)
#define TAG_WINDOW_WIDTH DICOM_TAG(0x0028, 0x1051)
#define TAG_RESCALE_INTERCEPT DICOM_TAG(0x0028, 0x1052)
#define TAG_RESCALE_SLOPE DICOM_TAG(0x0028, 0x1053)
#define TAG_VOI_FUNCTION DICOM_TAG(0x0028, 0x1056)
#define TAG_MODALITY_LUT_SEQ DICOM_TAG(0x0028, 0x3000)
#define TAG_LUT_DESCRIPTOR DICOM_TAG(0x0028, 0x3002)
#define TAG_LUT_DATA DICOM_TAG(0x0028, 0x3006)
#define TAG_VOI_LUT_SEQ DICOM_TAG(0x0028, 0x3010)
#define TAG_PALETTE_DESCRIPTOR(i) DICOM_TAG(0x0028, 0x1101 + (i))
#define TAG_PALETTE_DATA(i) DICOM_TAG(0x0028, 0x1201 + (i))

/* An unsigned attribute: `fallback` when absent; false (error set) when present and not a
 * number in [0, max]. */
static bool read_uint(struct error *err, const struct dicom_dataset *ds, uint32_t tag,
                      uint32_t fallback, uint32_t max, uint32_t *out)
{
    const struct dicom_element *el = dicom_find(ds, tag);
    if (!el || el->value_length == 0) {
        *out = fallback;
        return true;
    }
    int64_t v;
    if (!dicom_get_int(ds, tag, 0, &v) || v < 0 || v > (int64_t)max)
        return error_set(err, ERR_DICOM_INVALID,
                         "offset %zu, tag (%04X,%04X): not a number in "
                         "0..%u",
                         el->offset, DICOM_TAG_GROUP(tag), DICOM_TAG_ELEMENT(tag), max);
    *out = (uint32_t)v;
    return true;
}

static bool required(struct error *err, const struct dicom_dataset *ds, uint32_t tag,
                     const char *name)
{
    return dicom_find(ds, tag) ||
           error_set(err, ERR_DICOM_INVALID, "tag (%04X,%04X): %s is missing", DICOM_TAG_GROUP(tag),
                     DICOM_TAG_ELEMENT(tag), name);
}

static bool read_shape(struct error *err, const struct dicom_dataset *ds, struct dicom_image *img)
{
    if (!required(err, ds, DICOM_TAG_ROWS, "Rows") ||
        !required(err, ds, DICOM_TAG_COLUMNS, "Columns") ||
        !required(err, ds, DICOM_TAG_BITS_ALLOCATED, "Bits Allocated") ||
        !required(err, ds, DICOM_TAG_PHOTOMETRIC_INTERPRETATION, "Photometric Interpretation"))
        return false;
    uint32_t planar, ba, bs, hb, rep;
    if (!read_uint(err, ds, DICOM_TAG_ROWS, 0, 65535, &img->rows) ||
        !read_uint(err, ds, DICOM_TAG_COLUMNS, 0, 65535, &img->columns) ||
        !read_uint(err, ds, DICOM_TAG_SAMPLES_PER_PIXEL, 1, 4, &img->samples_per_pixel) ||
        !read_uint(err, ds, DICOM_TAG_NUMBER_OF_FRAMES, 1, DICOM_PIXELS_MAX_FRAMES, &img->frames) ||
        !read_uint(err, ds, TAG_PLANAR, 0, 1, &planar) ||
        !read_uint(err, ds, DICOM_TAG_BITS_ALLOCATED, 0, 64, &ba) ||
        !read_uint(err, ds, DICOM_TAG_BITS_STORED, ba, 64, &bs) ||
        !read_uint(err, ds, TAG_HIGH_BIT, bs ? bs - 1 : 0, 63, &hb) ||
        !read_uint(err, ds, DICOM_TAG_PIXEL_REPRESENTATION, 0, 1, &rep))
        return false;
    img->planar_configuration = planar;
    img->bits_allocated = ba;
    img->bits_stored = bs;
    img->high_bit = hb;
    img->is_signed = rep == 1;
    char *pi = dicom_get_string(ds, DICOM_TAG_PHOTOMETRIC_INTERPRETATION, 0);
    snprintf(img->photometric_name, sizeof img->photometric_name, "%s", pi ? pi : "");
    free(pi);
    img->photometric = pixels_photometric_of(img->photometric_name);
    uint32_t vertical, horizontal;
    if (dicom_find(ds, TAG_ASPECT) && read_uint(NULL, ds, TAG_ASPECT, 1, 65535, &vertical)) {
        int64_t h;
        horizontal = dicom_get_int(ds, TAG_ASPECT, 1, &h) && h > 0 && h <= 65535 ? (uint32_t)h : 0;
        if (vertical > 0 && horizontal > 0) {
            img->aspect_vertical = vertical;
            img->aspect_horizontal = horizontal;
        }
    }
    return true;
}

/* A LUT descriptor (3 values: entries, first mapped, bits) and its data element. */
static void read_lut(const struct dicom_dataset *ds, uint32_t descriptor, uint32_t data,
                     bool is_signed, struct dicom_lut *lut)
{
    memset(lut, 0, sizeof *lut);
    int64_t entries, first, bits;
    const struct dicom_element *el = dicom_find(ds, data);
    if (!el || !el->value || !dicom_get_int(ds, descriptor, 0, &entries) ||
        !dicom_get_int(ds, descriptor, 1, &first) || !dicom_get_int(ds, descriptor, 2, &bits))
        return;
    if (entries < 0 || entries > 65535 || (bits != 8 && bits != 16))
        return;
    if (is_signed && first > 32767) // US read where the standard means SS
        first -= 65536;
    lut->entries = entries == 0 ? 65536 : (uint32_t)entries;
    lut->first_mapped = (int32_t)first;
    lut->bits = (unsigned)bits;
    lut->data = el->value;
    lut->length = el->value_length;
    lut->big_endian = ds->encoding == DICOM_EXPLICIT_BE;
    // 16-bit words, or 8-bit entries packed two to a word
    size_t need = lut->bits == 16 || lut->length >= (size_t)lut->entries * 2 ? lut->entries * 2u
                                                                             : lut->entries;
    lut->present = lut->length >= need;
}

static void read_first_item_lut(const struct dicom_dataset *ds, uint32_t seq, bool is_signed,
                                struct dicom_lut *lut)
{
    const struct dicom_element *el = dicom_find(ds, seq);
    const struct dicom_dataset *item = el ? dicom_item_at(el, 0) : NULL;
    if (item)
        read_lut(item, TAG_LUT_DESCRIPTOR, TAG_LUT_DATA, is_signed, lut);
    else
        memset(lut, 0, sizeof *lut);
}

static void read_rendering(const struct dicom_dataset *ds, struct dicom_image *img)
{
    img->rescale_slope = 1;
    img->rescale_intercept = 0;
    double v;
    if (dicom_get_double(ds, TAG_RESCALE_SLOPE, 0, &v) && v != 0 && v == v)
        img->rescale_slope = v;
    if (dicom_get_double(ds, TAG_RESCALE_INTERCEPT, 0, &v) && v == v)
        img->rescale_intercept = v;
    double center, width;
    if (dicom_get_double(ds, TAG_WINDOW_CENTER, 0, &center) &&
        dicom_get_double(ds, TAG_WINDOW_WIDTH, 0, &width) && center == center && width >= 1) {
        img->has_window = true;
        img->window_center = center;
        img->window_width = width;
    }
    char *function = dicom_get_string(ds, TAG_VOI_FUNCTION, 0);
    img->window_sigmoid = function && strcmp(function, "SIGMOID") == 0;
    free(function);
    read_first_item_lut(ds, TAG_VOI_LUT_SEQ, false, &img->voi_lut);
    read_first_item_lut(ds, TAG_MODALITY_LUT_SEQ, img->is_signed, &img->modality_lut);
    if (img->photometric == DICOM_PI_PALETTE_COLOR)
        for (int i = 0; i < 3; i++)
            read_lut(ds, TAG_PALETTE_DESCRIPTOR(i), TAG_PALETTE_DATA(i), img->is_signed,
                     &img->palette[i]);
}

static bool read_pixel_data(struct error *err, const struct dicom_dataset *ds,
                            struct dicom_image *img)
{
    const struct dicom_element *el = dicom_find(ds, DICOM_TAG_PIXEL_DATA);
    if (!el)
        return error_set(err, ERR_DICOM_UNSUPPORTED,
                         "tag (7FE0,0010): the instance has no Pixel Data: not an image");
    bool should_encapsulate =
        img->syntax != DICOM_SYNTAX_NATIVE_LE && img->syntax != DICOM_SYNTAX_NATIVE_BE;
    if (el->encapsulated != should_encapsulate)
        return error_set(err, ERR_DICOM_INVALID,
                         "offset %zu, tag (7FE0,0010): Pixel Data is %s in transfer syntax %s",
                         el->offset, el->encapsulated ? "encapsulated" : "native",
                         img->transfer_syntax);
    img->encapsulated = el->encapsulated;
    img->pixel_data_ow = el->vr == DICOM_VR_OW;
    img->pixel_data = el->value;
    img->pixel_length = el->value ? el->value_length : 0;
    if (!el->encapsulated)
        return true;
    img->fragments = el->fragments;
    img->fragment_count = el->fragment_count;
    img->offset_table = el->basic_offset_table.data;
    img->offset_table_length = el->basic_offset_table.length;
    const struct dicom_element *eot = dicom_find(ds, DICOM_TAG_EXTENDED_OFFSET_TABLE);
    const struct dicom_element *lengths = dicom_find(ds, DICOM_TAG_EXTENDED_OFFSET_TABLE_LENGTHS);
    if (eot && eot->value && eot->value_length % 8 == 0) {
        img->extended_offsets = eot->value;
        img->extended_count = eot->value_length / 8;
        if (lengths && lengths->value && lengths->value_length == eot->value_length)
            img->extended_lengths = lengths->value;
    }
    return true;
}

bool dicom_image_read(struct error *err, const struct dicom_dataset *ds, struct dicom_image *img)
{
    memset(img, 0, sizeof *img);
    const struct dicom_file *file = ds->file;
    snprintf(img->transfer_syntax, sizeof img->transfer_syntax, "%s",
             file ? file->transfer_syntax : DICOM_TS_EXPLICIT_VR_LE);
    img->syntax = dicom_pixel_syntax_of(img->transfer_syntax);
    if (!read_pixel_data(err, ds, img) || !read_shape(err, ds, img)) {
        dicom_image_clear(img);
        return false;
    }
    read_rendering(ds, img);
    if (!dicom_image_check(err, img)) {
        dicom_image_clear(img);
        return false;
    }
    return true;
}
