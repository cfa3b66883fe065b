/* SPDX-License-Identifier: Apache-2.0 */
/* RLE Lossless (1.2.840.10008.1.2.5), PS3.5 Annex G: a 64-byte header of segment offsets, then
 * one PackBits-coded segment per byte plane of each sample, most significant byte first. */
#include <stdlib.h>
#include <string.h>

#include "dicom/pixels_int.h"

#define RLE_HEADER 64
#define RLE_MAX_SEGMENTS 15

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static bool corrupt(struct error *err, const char *what, unsigned segment)
{
    return error_set(err, ERR_DICOM_INVALID,
                     "tag (7FE0,0010): RLE Lossless (1.2.840.10008.1.2.5) segment %u: %s",
                     segment + 1, what);
}

/* PS3.5 G.3.1: PackBits. Decodes src into exactly `size` bytes of dst; runs past the end are
 * cut (some encoders pad); fewer bytes than `size` is an error. */
static bool unpack(const uint8_t *src, size_t length, uint8_t *dst, size_t size)
{
    size_t in = 0, out = 0;
    while (out < size && in < length) {
        int n = (int8_t)src[in++];
        if (n >= 0) {
            size_t count = (size_t)n + 1;
            if (count > length - in)
                return false;
            if (count > size - out)
                count = size - out;
            memcpy(dst + out, src + in, count);
            in += (size_t)n + 1;
            out += count;
        } else if (n != -128) {
            size_t count = (size_t)(1 - n);
            if (in >= length)
                return false;
            if (count > size - out)
                count = size - out;
            memset(dst + out, src[in++], count);
            out += count;
        }
    }
    return out == size;
}

static bool read_header(struct error *err, const struct dicom_image *img, const uint8_t *data,
                        size_t length, uint32_t offsets[RLE_MAX_SEGMENTS + 1], unsigned *count)
{
    if (length < RLE_HEADER)
        return corrupt(err, "the frame is shorter than its 64-byte header", 0);
    unsigned bytes = img->bits_allocated / 8;
    unsigned expected = img->samples_per_pixel * bytes;
    *count = le32(data);
    if (img->bits_allocated % 8 != 0 || *count != expected)
        return error_set(err, ERR_DICOM_INVALID,
                         "tag (7FE0,0010): RLE Lossless (1.2.840.10008.1.2.5): %u segments, "
                         "expected %u for %u samples of %u bits",
                         *count, expected, img->samples_per_pixel, img->bits_allocated);
    for (unsigned i = 0; i < *count; i++) {
        offsets[i] = le32(data + 4 + 4 * i);
        if (offsets[i] < RLE_HEADER || offsets[i] > length || (i && offsets[i] < offsets[i - 1]))
            return corrupt(err, "its offset is outside the frame", i);
    }
    offsets[*count] = (uint32_t)length;
    return true;
}

bool dicom_rle_decode(struct error *err, const struct dicom_image *img, const uint8_t *data,
                      size_t length, struct dicom_pixels *out)
{
    uint32_t offsets[RLE_MAX_SEGMENTS + 1] = {0};
    unsigned count = 0;
    if (length > UINT32_MAX)
        return corrupt(err, "the frame is over 4 GiB", 0);
    if (!read_header(err, img, data, length, offsets, &count))
        return false;
    unsigned spp = img->samples_per_pixel, bytes = img->bits_allocated / 8;
    if (!pixels_alloc(err, img, spp, pixels_sample_kind(img), out))
        return false;
    size_t plane = (size_t)img->rows * img->columns;
    uint8_t *tmp = malloc(plane);
    if (!tmp)
        return error_set(err, ERR_NOMEM, "RLE: %zu bytes", plane);
    uint64_t mask = bytes == 4 ? 0xFFFFFFFFu : bytes == 2 ? 0xFFFFu : 0xFFu;
    for (unsigned seg = 0; seg < count; seg++) {
        if (!unpack(data + offsets[seg], offsets[seg + 1] - offsets[seg], tmp, plane)) {
            free(tmp);
            return corrupt(err, "it decodes to fewer bytes than Rows x Columns", seg);
        }
        unsigned sample = seg / bytes, shift = 8 * (bytes - 1 - seg % bytes);
        for (size_t p = 0; p < plane; p++) {
            size_t i = p * spp + sample;
            uint64_t v = (uint64_t)dicom_pixels_value(out, i) & mask;
            pixels_store(out, i, (int64_t)(v | (uint64_t)tmp[p] << shift));
        }
    }
    free(tmp);
    pixels_normalize(img, out, true);
    if (img->photometric == DICOM_PI_YBR_FULL && spp == 3 && bytes == 1)
        pixels_ybr_full_to_rgb(out);
    return true;
}
