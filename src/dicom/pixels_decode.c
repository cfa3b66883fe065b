/* SPDX-License-Identifier: Apache-2.0 */
/* Decoding one frame to native samples: the dispatch on the transfer syntax, native (little and
 * big endian, planar, 1-bit, YBR_FULL_422) data, and the helpers the codecs share. */
#include <stdlib.h>
#include <string.h>

#include "dicom/pixels_int.h"

size_t dicom_sample_size(enum dicom_sample sample)
{
    switch (sample) {
    case DICOM_SAMPLE_U8:
        return 1;
    case DICOM_SAMPLE_U16:
    case DICOM_SAMPLE_S16:
        return 2;
    case DICOM_SAMPLE_U32:
    case DICOM_SAMPLE_S32:
        return 4;
    }
    return 1;
}

enum dicom_sample pixels_sample_kind(const struct dicom_image *img)
{
    if (img->bits_allocated <= 8)
        return DICOM_SAMPLE_U8;
    if (img->bits_allocated <= 16)
        return img->is_signed ? DICOM_SAMPLE_S16 : DICOM_SAMPLE_U16;
    return img->is_signed ? DICOM_SAMPLE_S32 : DICOM_SAMPLE_U32;
}

int64_t dicom_pixels_value(const struct dicom_pixels *px, size_t i)
{
    switch (px->sample) {
    case DICOM_SAMPLE_U8:
        return px->data[i];
    case DICOM_SAMPLE_U16:
        return ((const uint16_t *)(const void *)px->data)[i];
    case DICOM_SAMPLE_S16:
        return ((const int16_t *)(const void *)px->data)[i];
    case DICOM_SAMPLE_U32:
        return ((const uint32_t *)(const void *)px->data)[i];
    case DICOM_SAMPLE_S32:
        return ((const int32_t *)(const void *)px->data)[i];
    }
    return 0;
}

void pixels_store(struct dicom_pixels *px, size_t i, int64_t value)
{
    switch (px->sample) {
    case DICOM_SAMPLE_U8:
        px->data[i] = (uint8_t)value;
        break;
    case DICOM_SAMPLE_U16:
        ((uint16_t *)(void *)px->data)[i] = (uint16_t)value;
        break;
    case DICOM_SAMPLE_S16:
        ((int16_t *)(void *)px->data)[i] = (int16_t)value;
        break;
    case DICOM_SAMPLE_U32:
        ((uint32_t *)(void *)px->data)[i] = (uint32_t)value;
        break;
    case DICOM_SAMPLE_S32:
        ((int32_t *)(void *)px->data)[i] = (int32_t)value;
        break;
    }
}

bool pixels_alloc(struct error *err, const struct dicom_image *img, unsigned samples,
                  enum dicom_sample sample, struct dicom_pixels *out)
{
    size_t pixels = (size_t)img->rows * img->columns; // both < 2^16: no overflow
    size_t size = dicom_sample_size(sample);
    if (samples == 0 || samples > 4 || pixels > DICOM_PIXELS_MAX_FRAME_BYTES / samples / size)
        return error_set(err, ERR_DICOM_UNSUPPORTED,
                         "pixel data: a frame of %u x %u x %u samples is over the %zu MiB limit",
                         img->rows, img->columns, samples, DICOM_PIXELS_MAX_FRAME_BYTES >> 20);
    memset(out, 0, sizeof *out);
    out->length = pixels * samples * size;
    out->data = calloc(1, out->length ? out->length : 1);
    if (!out->data)
        return error_set(err, ERR_NOMEM, "pixel data: %zu bytes", out->length);
    out->rows = img->rows;
    out->columns = img->columns;
    out->samples = samples;
    out->sample = sample;
    out->photometric = img->photometric;
    out->bits_stored = img->bits_stored;
    return true;
}

void dicom_pixels_clear(struct dicom_pixels *px)
{
    if (!px)
        return;
    free(px->data);
    memset(px, 0, sizeof *px);
}

void pixels_normalize(const struct dicom_image *img, struct dicom_pixels *px, bool shift)
{
    unsigned stored = img->bits_stored;
    unsigned down = shift && img->high_bit + 1 > stored ? img->high_bit + 1 - stored : 0;
    if (stored >= 32 || (px->sample == DICOM_SAMPLE_U8 && stored >= 8 && !down))
        return;
    uint64_t mask = ((uint64_t)1 << stored) - 1;
    int64_t sign = (int64_t)1 << (stored - 1);
    size_t n = px->length / dicom_sample_size(px->sample);
    for (size_t i = 0; i < n; i++) {
        int64_t v = (int64_t)(((uint64_t)dicom_pixels_value(px, i) >> down) & mask);
        if (img->is_signed && (v & sign))
            v -= (int64_t)1 << stored;
        pixels_store(px, i, v);
    }
}

static uint8_t clamp8(double v)
{
    return v < 0 ? 0 : v > 255 ? 255 : (uint8_t)(v + 0.5);
}

/* PS3.3 C.7.6.3.1.2 YBR_FULL: the inverse of the JFIF-style full-range transform. */
static void ybr_pixel(uint8_t *p, int y, int cb, int cr)
{
    p[0] = clamp8(y + 1.402 * (cr - 128));
    p[1] = clamp8(y - 0.344136 * (cb - 128) - 0.714136 * (cr - 128));
    p[2] = clamp8(y + 1.772 * (cb - 128));
}

void pixels_ybr_full_to_rgb(struct dicom_pixels *px)
{
    size_t n = (size_t)px->rows * px->columns;
    for (size_t i = 0; i < n; i++) {
        uint8_t *p = px->data + 3 * i;
        ybr_pixel(p, p[0], p[1], p[2]);
    }
    px->photometric = DICOM_PI_RGB;
}

/* Reads one little endian sample of `bytes` bytes (1, 2 or 4). */
static uint32_t read_le(const uint8_t *p, unsigned bytes)
{
    uint32_t v = 0;
    for (unsigned b = 0; b < bytes; b++)
        v |= (uint32_t)p[b] << (8 * b);
    return v;
}

/* Native 1-bit data: bit-packed, first pixel in the least significant bit (PS3.5 8.1.1), frames
 * following each other without padding. */
static bool decode_bits(struct error *err, const struct dicom_image *img, uint32_t index,
                        struct dicom_pixels *out)
{
    if (!pixels_alloc(err, img, img->samples_per_pixel, DICOM_SAMPLE_U8, out))
        return false;
    size_t n = out->length;
    size_t first = (size_t)index * n;
    for (size_t i = 0; i < n; i++) {
        size_t bit = first + i;
        out->data[i] = (img->pixel_data[bit / 8] >> (bit % 8)) & 1;
    }
    out->bits_stored = 1;
    return true;
}

/* YBR_FULL_422 native (PS3.3 C.7.6.3.1.2): Y1 Y2 Cb Cr for each pair of pixels of a row. */
static bool decode_422(struct error *err, const struct dicom_image *img, const uint8_t *src,
                       struct dicom_pixels *out)
{
    if (!pixels_alloc(err, img, 3, DICOM_SAMPLE_U8, out))
        return false;
    uint32_t pairs = (img->columns + 1) / 2;
    for (uint32_t r = 0; r < img->rows; r++) {
        const uint8_t *row = src + (size_t)r * pairs * 4;
        for (uint32_t c = 0; c < img->columns; c++) {
            const uint8_t *q = row + (size_t)(c / 2) * 4;
            ybr_pixel(out->data + ((size_t)r * img->columns + c) * 3, q[c % 2], q[2], q[3]);
        }
    }
    out->photometric = DICOM_PI_RGB;
    return true;
}

static bool decode_native(struct error *err, const struct dicom_image *img, uint32_t index,
                          struct dicom_pixels *out)
{
    if (img->bits_allocated == 1)
        return decode_bits(err, img, index, out);
    struct dicom_frame_bytes frame;
    if (!dicom_image_frame_bytes(err, img, index, &frame))
        return false;
    bool ok;
    if (img->photometric == DICOM_PI_YBR_FULL_422 && img->bits_allocated == 8) {
        ok = decode_422(err, img, frame.data, out);
        dicom_frame_bytes_clear(&frame);
        return ok;
    }
    // the frame's bytes are little endian whatever the data set's byte order
    unsigned spp = img->samples_per_pixel, bytes = img->bits_allocated / 8;
    ok = pixels_alloc(err, img, spp, pixels_sample_kind(img), out);
    size_t pixels = (size_t)img->rows * img->columns;
    for (size_t i = 0; ok && i < pixels * spp; i++) {
        // planar: all of sample 0, then sample 1…; interleaved: the samples of each pixel
        size_t s = i % spp, p = i / spp;
        size_t at = img->planar_configuration ? s * pixels + p : i;
        pixels_store(out, i, read_le(frame.data + at * bytes, bytes));
    }
    dicom_frame_bytes_clear(&frame);
    if (!ok)
        return false;
    pixels_normalize(img, out, true);
    if (img->photometric == DICOM_PI_YBR_FULL && spp == 3 && bytes == 1)
        pixels_ybr_full_to_rgb(out);
    return true;
}

static bool unsupported(struct error *err, const struct dicom_image *img, const char *why)
{
    return error_set(err, ERR_DICOM_UNSUPPORTED, "pixel data: transfer syntax %s: %s",
                     img->transfer_syntax, why);
}

bool dicom_image_decode(struct error *err, const struct dicom_image *img, uint32_t index,
                        struct dicom_pixels *out)
{
    memset(out, 0, sizeof *out);
    if (index >= img->frames)
        return error_set(err, ERR_DICOM_INVALID, "pixel data: frame %u of %u", index + 1,
                         img->frames);
    if (img->syntax == DICOM_SYNTAX_NATIVE_LE || img->syntax == DICOM_SYNTAX_NATIVE_BE)
        return decode_native(err, img, index, out);
    if (img->syntax == DICOM_SYNTAX_OTHER)
        return unsupported(err, img, "this transfer syntax is not decoded here");
    struct dicom_frame_bytes frame;
    if (!dicom_image_frame_bytes(err, img, index, &frame))
        return false;
    bool ok = false;
    switch (img->syntax) {
    case DICOM_SYNTAX_RLE:
        ok = dicom_rle_decode(err, img, frame.data, frame.length, out);
        break;
    case DICOM_SYNTAX_JPEG_8BIT:
    case DICOM_SYNTAX_JPEG_LOSSLESS:
        ok = dicom_jpeg_decode(err, img, frame.data, frame.length, out);
        break;
    case DICOM_SYNTAX_JPEG_LS:
        ok = dicom_jpegls_decode(err, img, frame.data, frame.length, out);
        break;
    case DICOM_SYNTAX_J2K:
        ok = dicom_j2k_decode(err, img, frame.data, frame.length, out);
        break;
    default:
        ok = unsupported(err, img, "this transfer syntax is not decoded here");
    }
    dicom_frame_bytes_clear(&frame);
    if (!ok)
        dicom_pixels_clear(out);
    return ok;
}
