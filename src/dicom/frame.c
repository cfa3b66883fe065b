/* SPDX-License-Identifier: Apache-2.0 */
/* Frames of pixel data: native (PS3.5 §8.1.1) and encapsulated (PS3.5 §A.4), with the Basic and
 * Extended Offset Tables. */
#include "dicom_int.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

/* The fragment whose item starts `offset` bytes after the first fragment's item. */
static bool fragment_at_offset(const struct dicom_element *px, uint64_t offset, size_t *index)
{
    size_t base = px->fragments[0].offset - 8;
    for (size_t i = 0; i < px->fragment_count; i++)
        if (px->fragments[i].offset - 8 - base == offset) {
            *index = i;
            return true;
        }
    return false;
}

/* Frame starts from an offset table of `count` entries of `size` bytes (4: Basic, 8: Extended). */
static bool frame_from_table(struct error *err, const struct dicom_element *px,
                             const uint8_t *table, size_t count, size_t size, bool be, size_t index,
                             struct dicom_frame *out)
{
    if (index >= count)
        return error_set(err, ERR_DICOM_INVALID,
                         "pixel data: frame %zu is past the %zu of its offset table", index + 1,
                         count);
    size_t first, next = px->fragment_count;
    uint64_t off = size == 4 ? dicom_u32(table + index * 4, be) : dicom_u64(table + index * 8, be);
    if (!fragment_at_offset(px, off, &first))
        return error_set(err, ERR_DICOM_INVALID,
                         "pixel data: offset %" PRIu64 " of frame %zu starts no fragment", off,
                         index + 1);
    if (index + 1 < count) {
        uint64_t end =
            size == 4 ? dicom_u32(table + index * 4 + 4, be) : dicom_u64(table + index * 8 + 8, be);
        if (!fragment_at_offset(px, end, &next) || next <= first)
            return error_set(err, ERR_DICOM_INVALID,
                             "pixel data: offset %" PRIu64 " of frame %zu starts no fragment", end,
                             index + 2);
    }
    out->first_fragment = first;
    out->fragment_count = next - first;
    return true;
}

/* A fragment that begins a JPEG, JPEG-LS or JPEG 2000 codestream (SOI, SOC) or a JP2 file. */
static bool starts_image(const struct dicom_fragment *f)
{
    const uint8_t *d = f->data;
    if (f->length < 2)
        return false;
    if (d[0] == 0xFF && (d[1] == 0xD8 || d[1] == 0x4F))
        return true;
    return f->length >= 8 && d[0] == 0 && d[1] == 0 && d[2] == 0 && d[3] == 0x0C && d[4] == 'j' &&
           d[5] == 'P';
}

/* No offset table and more fragments than frames: frames begin where a codestream begins. */
static bool frame_by_markers(struct error *err, const struct dicom_element *px, size_t frames,
                             size_t index, struct dicom_frame *out)
{
    size_t seen = 0;
    bool found = false;
    for (size_t i = 0; i < px->fragment_count; i++) {
        if (!starts_image(&px->fragments[i]))
            continue;
        if (seen == index) {
            out->first_fragment = i;
            found = true;
        } else if (seen == index + 1) {
            out->fragment_count = i - out->first_fragment;
            return true;
        }
        seen++;
    }
    if (!found || frames != seen)
        return error_set(err, ERR_DICOM_INVALID,
                         "pixel data: %zu fragments, %zu frames and no offset table",
                         px->fragment_count, frames);
    out->fragment_count = px->fragment_count - out->first_fragment;
    return true;
}

static bool encapsulated_frame(struct error *err, const struct dicom_dataset *ds,
                               const struct dicom_element *px, size_t frames, size_t index,
                               struct dicom_frame *out)
{
    bool be = ds->encoding == DICOM_EXPLICIT_BE;
    if (px->fragment_count == 0)
        return error_set(err, ERR_DICOM_INVALID, "pixel data: no fragments");
    const struct dicom_element *eot = dicom_find(ds, DICOM_TAG_EXTENDED_OFFSET_TABLE);
    if (eot && eot->value_length >= 8 && eot->value)
        return frame_from_table(err, px, eot->value, eot->value_length / 8, 8, be, index, out);
    const struct dicom_fragment *bot = &px->basic_offset_table;
    if (bot->length >= 4)
        return frame_from_table(err, px, bot->data, bot->length / 4, 4, be, index, out);
    if (px->fragment_count == frames) {
        out->first_fragment = index;
        out->fragment_count = 1;
        return true;
    }
    if (frames == 1) {
        out->first_fragment = 0;
        out->fragment_count = px->fragment_count;
        return true;
    }
    return frame_by_markers(err, px, frames, index, out);
}

static bool native_frame(struct error *err, const struct dicom_dataset *ds,
                         const struct dicom_element *px, size_t index, struct dicom_frame *out)
{
    int64_t rows = 0, columns = 0, samples = 1, bits = 0;
    if (!dicom_get_int(ds, DICOM_TAG_ROWS, 0, &rows) ||
        !dicom_get_int(ds, DICOM_TAG_COLUMNS, 0, &columns) ||
        !dicom_get_int(ds, DICOM_TAG_BITS_ALLOCATED, 0, &bits))
        return error_set(err, ERR_DICOM_INVALID,
                         "pixel data: Rows, Columns or Bits Allocated missing");
    dicom_get_int(ds, DICOM_TAG_SAMPLES_PER_PIXEL, 0, &samples);
    if (rows <= 0 || columns <= 0 || samples <= 0 || bits <= 0 || bits > 64 || rows > 65535 ||
        columns > 65535 || samples > 4)
        return error_set(err, ERR_DICOM_INVALID, "pixel data: implausible image size");
    uint64_t per_pixel = (uint64_t)samples;
    char *photometric = dicom_get_string(ds, DICOM_TAG_PHOTOMETRIC_INTERPRETATION, 0);
    if (photometric && samples == 3 && strcmp(photometric, "YBR_FULL_422") == 0)
        per_pixel = 2; /* PS3.3 C.7.6.3.1.2: two Y per Cb/Cr pair, uncompressed */
    free(photometric);
    uint64_t bits_per_frame = (uint64_t)rows * (uint64_t)columns * per_pixel * (uint64_t)bits;
    if (bits_per_frame % 8 != 0)
        return error_set(err, ERR_DICOM_INVALID, "pixel data: frames are not byte-aligned");
    uint64_t size = bits_per_frame / 8;
    if (size == 0 || (uint64_t)index >= px->value_length / size)
        return error_set(err, ERR_DICOM_INVALID, "pixel data: frame %zu is past its %zu bytes",
                         index + 1, px->value_length);
    out->offset = px->value_offset + (size_t)(index * size);
    out->length = (size_t)size;
    return true;
}

bool dicom_frame_locate(struct error *err, const struct dicom_dataset *ds, size_t index,
                        struct dicom_frame *out)
{
    const struct dicom_element *px = dicom_find(ds, DICOM_TAG_PIXEL_DATA);
    if (!px)
        return error_set(err, ERR_DICOM_INVALID, "no pixel data (7FE0,0010)");
    int64_t frames = 1;
    if (dicom_find(ds, DICOM_TAG_NUMBER_OF_FRAMES) &&
        (!dicom_get_int(ds, DICOM_TAG_NUMBER_OF_FRAMES, 0, &frames) || frames < 1))
        frames = 1; /* absent, empty or 0: one frame, as readers treat it */
    if ((int64_t)index >= frames)
        return error_set(err, ERR_DICOM_INVALID, "frame %zu of %" PRId64 " does not exist",
                         index + 1, frames);
    *out = (struct dicom_frame){0};
    if (px->encapsulated)
        return encapsulated_frame(err, ds, px, (size_t)frames, index, out);
    return native_frame(err, ds, px, index, out);
}
