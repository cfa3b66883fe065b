/* SPDX-License-Identifier: Apache-2.0 */
/* The bytes of one frame in the stored transfer syntax: a slice of native Pixel Data, or the
 * fragments of one frame of encapsulated Pixel Data (PS3.5 A.4), found through the Extended
 * Offset Table, the Basic Offset Table, one fragment per frame, or the codestream start markers
 * when there is no table. */
#include <stdlib.h>
#include <string.h>

#include "dicom/pixels_int.h"

void dicom_frame_bytes_clear(struct dicom_frame_bytes *frame)
{
    if (!frame)
        return;
    free(frame->owned);
    memset(frame, 0, sizeof *frame);
}

/* Native: the frame's slice of Pixel Data; a 1-bit frame not starting on a byte is copied so
 * that it does. */
static bool native_frame(struct error *err, const struct dicom_image *img, uint32_t index,
                         struct dicom_frame_bytes *out)
{
    uint64_t bits = pixels_native_frame_bits(img);
    uint64_t first = bits * index;
    out->length = (size_t)((bits + 7) / 8);
    if (first % 8 == 0) {
        out->data = img->pixel_data + first / 8;
        return true;
    }
    out->owned = calloc(1, out->length);
    if (!out->owned)
        return error_set(err, ERR_NOMEM, "pixel data: %zu bytes", out->length);
    for (uint64_t i = 0; i < bits; i++) {
        uint64_t bit = first + i;
        if ((img->pixel_data[bit / 8] >> (bit % 8)) & 1)
            out->owned[i / 8] |= (uint8_t)(1u << (i % 8));
    }
    out->data = out->owned;
    return true;
}

/* PS3.18 §8.7.3.3.2: native frames go out little endian. A big endian frame of 16- or 32-bit
 * samples (or of 8-bit samples in OW words, PS3.5 A.3) is copied with its bytes swapped. */
static bool little_endian_frame(struct error *err, const struct dicom_image *img,
                                struct dicom_frame_bytes *out)
{
    unsigned word = img->bits_allocated == 32 ? 4 : img->bits_allocated == 16 ? 2 : 0;
    if (img->bits_allocated == 8 && img->pixel_data_ow)
        word = 2;
    if (word == 0)
        return true;
    uint8_t *copy = malloc(out->length ? out->length : 1);
    if (!copy)
        return error_set(err, ERR_NOMEM, "pixel data: %zu bytes", out->length);
    size_t whole = out->length - out->length % word;
    for (size_t i = 0; i < whole; i += word)
        for (unsigned b = 0; b < word; b++)
            copy[i + b] = out->data[i + word - 1 - b];
    memcpy(copy + whole, out->data + whole, out->length - whole);
    free(out->owned);
    out->owned = copy;
    out->data = copy;
    return true;
}

/* Joins fragments [first, first + count) into one owned buffer (or points at a single one). */
static bool gather(struct error *err, const struct dicom_image *img, size_t first, size_t count,
                   struct dicom_frame_bytes *out)
{
    if (count == 1) {
        out->data = img->fragments[first].data;
        out->length = img->fragments[first].length;
        return true;
    }
    size_t total = 0;
    for (size_t i = first; i < first + count; i++)
        total += img->fragments[i].length; // all inside the parsed buffer: cannot overflow
    out->owned = malloc(total ? total : 1);
    if (!out->owned)
        return error_set(err, ERR_NOMEM, "pixel data: %zu bytes", total);
    size_t at = 0;
    for (size_t i = first; i < first + count; i++) {
        if (img->fragments[i].length)
            memcpy(out->owned + at, img->fragments[i].data, img->fragments[i].length);
        at += img->fragments[i].length;
    }
    out->data = out->owned;
    out->length = total;
    return true;
}

static uint64_t le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* PS3.5 A.4: table offsets count from the first byte of the first fragment's item tag. */
static uint64_t fragment_position(const struct dicom_image *img, size_t i)
{
    return (uint64_t)(img->fragments[i].offset - img->fragments[0].offset);
}

/* The fragment whose item starts at `position`, or fragment_count. */
static size_t fragment_at(const struct dicom_image *img, uint64_t position)
{
    size_t lo = 0, hi = img->fragment_count;
    while (lo < hi) { // positions ascend with the index
        size_t mid = lo + (hi - lo) / 2;
        uint64_t p = fragment_position(img, mid);
        if (p == position)
            return mid;
        if (p < position)
            lo = mid + 1;
        else
            hi = mid;
    }
    return img->fragment_count;
}

static bool table_error(struct error *err, const char *table, uint32_t index)
{
    return error_set(err, ERR_DICOM_INVALID,
                     "tag (7FE0,0010): the %s does not point at a fragment for frame %u", table,
                     index + 1);
}

/* PS3.5 A.4: with an Extended Offset Table each frame is one fragment. */
static bool extended_frame(struct error *err, const struct dicom_image *img, uint32_t index,
                           struct dicom_frame_bytes *out)
{
    size_t f = fragment_at(img, le64(img->extended_offsets + (size_t)index * 8));
    if (f == img->fragment_count)
        return table_error(err, "Extended Offset Table", index);
    uint64_t length = img->extended_lengths ? le64(img->extended_lengths + (size_t)index * 8)
                                            : img->fragments[f].length;
    if (length > img->fragments[f].length)
        return table_error(err, "Extended Offset Table Lengths", index);
    out->data = img->fragments[f].data;
    out->length = (size_t)length;
    return true;
}

static bool basic_frame(struct error *err, const struct dicom_image *img, uint32_t index,
                        struct dicom_frame_bytes *out)
{
    size_t first = fragment_at(img, le32(img->offset_table + (size_t)index * 4));
    if (first == img->fragment_count)
        return table_error(err, "Basic Offset Table", index);
    size_t end = img->fragment_count;
    if (index + 1 < img->frames) {
        end = fragment_at(img, le32(img->offset_table + (size_t)(index + 1) * 4));
        if (end == img->fragment_count || end <= first)
            return table_error(err, "Basic Offset Table", index + 1);
    }
    return gather(err, img, first, end - first, out);
}

/* A fragment that starts a JPEG, JPEG-LS (SOI) or JPEG 2000 codestream (SOC, or a JP2 box). */
static bool starts_frame(const struct dicom_fragment *f)
{
    static const uint8_t jp2[] = {0, 0, 0, 0x0C, 'j', 'P', ' ', ' '};
    if (f->length >= 2 && f->data[0] == 0xFF && (f->data[1] == 0xD8 || f->data[1] == 0x4F))
        return true;
    return f->length >= sizeof jp2 && memcmp(f->data, jp2, sizeof jp2) == 0;
}

/* No table and more fragments than frames: the frames start where a codestream starts. */
static bool marker_frame(struct error *err, const struct dicom_image *img, uint32_t index,
                         struct dicom_frame_bytes *out)
{
    size_t first = img->fragment_count, seen = 0;
    for (size_t i = 0; i < img->fragment_count; i++) {
        if (!starts_frame(&img->fragments[i]))
            continue;
        if (seen == index)
            first = i;
        else if (seen == (size_t)index + 1)
            return gather(err, img, first, i - first, out);
        seen++;
    }
    if (first == img->fragment_count)
        return error_set(err, ERR_DICOM_INVALID,
                         "tag (7FE0,0010): %zu fragments, no offset table, and no codestream "
                         "start for frame %u",
                         img->fragment_count, index + 1);
    return gather(err, img, first, img->fragment_count - first, out);
}

bool dicom_image_frame_bytes(struct error *err, const struct dicom_image *img, uint32_t index,
                             struct dicom_frame_bytes *out)
{
    memset(out, 0, sizeof *out);
    if (index >= img->frames)
        return error_set(err, ERR_DICOM_INVALID, "tag (7FE0,0010): no frame %u of %u", index + 1,
                         img->frames);
    if (!img->encapsulated) {
        if (!native_frame(err, img, index, out))
            return false;
        return img->syntax != DICOM_SYNTAX_NATIVE_BE || little_endian_frame(err, img, out);
    }
    if (img->fragment_count == 0)
        return error_set(err, ERR_DICOM_INVALID, "tag (7FE0,0010): no fragments");
    if (img->extended_offsets && img->extended_count == img->frames)
        return extended_frame(err, img, index, out);
    if (img->offset_table_length >= (size_t)img->frames * 4 && img->offset_table_length > 0)
        return basic_frame(err, img, index, out);
    if (img->fragment_count == img->frames)
        return gather(err, img, index, 1, out);
    if (img->frames == 1)
        return gather(err, img, 0, img->fragment_count, out);
    return marker_frame(err, img, index, out);
}
