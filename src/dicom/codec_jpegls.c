/* SPDX-License-Identifier: Apache-2.0 */
/* JPEG-LS Lossless (1.2.840.10008.1.2.4.80) and Near-Lossless (…4.81) through CharLS's C API. */
#include <stdlib.h>

#include <charls/charls.h>

#include "dicom/pixels_int.h"

static bool failed(struct error *err, const struct dicom_image *img, charls_jpegls_errc code)
{
    return error_set(err, ERR_DICOM_INVALID, "tag (7FE0,0010): transfer syntax %s: JPEG-LS: %s",
                     img->transfer_syntax, charls_get_error_message(code));
}

static bool check_frame(struct error *err, const struct dicom_image *img,
                        const charls_frame_info *fi)
{
    if (fi->width != img->columns || fi->height != img->rows ||
        fi->component_count != (int32_t)img->samples_per_pixel ||
        fi->bits_per_sample > (int32_t)(img->bits_allocated > 16 ? 16 : img->bits_allocated))
        return error_set(err, ERR_DICOM_INVALID,
                         "tag (7FE0,0010): transfer syntax %s: the JPEG-LS stream is %ux%u with "
                         "%d components of %d bits, the data set says %ux%u with %u of %u",
                         img->transfer_syntax, fi->width, fi->height, fi->component_count,
                         fi->bits_per_sample, img->columns, img->rows, img->samples_per_pixel,
                         img->bits_allocated);
    return true;
}

/* Copies CharLS's output (planar when the interleave mode is none) into out, interleaved. */
static void copy_out(const uint8_t *buf, const charls_frame_info *fi, charls_interleave_mode mode,
                     struct dicom_pixels *out)
{
    size_t pixels = (size_t)fi->width * fi->height, spp = (size_t)fi->component_count;
    bool wide = fi->bits_per_sample > 8;
    for (size_t i = 0; i < pixels * spp; i++) {
        size_t s = i % spp, p = i / spp;
        size_t at = mode == CHARLS_INTERLEAVE_MODE_NONE ? s * pixels + p : i;
        int64_t v = wide ? ((const uint16_t *)(const void *)buf)[at] : buf[at];
        pixels_store(out, i, v);
    }
}

static bool decode(struct error *err, const struct dicom_image *img, charls_jpegls_decoder *decoder,
                   const uint8_t *data, size_t length, struct dicom_pixels *out)
{
    charls_jpegls_errc rc;
    charls_frame_info fi;
    charls_interleave_mode mode;
    size_t size;
    if ((rc = charls_jpegls_decoder_set_source_buffer(decoder, data, length)) ||
        (rc = charls_jpegls_decoder_read_header(decoder)) ||
        (rc = charls_jpegls_decoder_get_frame_info(decoder, &fi)) ||
        (rc = charls_jpegls_decoder_get_interleave_mode(decoder, &mode)))
        return failed(err, img, rc);
    if (!check_frame(err, img, &fi) ||
        !pixels_alloc(err, img, img->samples_per_pixel, pixels_sample_kind(img), out))
        return false;
    if ((rc = charls_jpegls_decoder_get_destination_size(decoder, 0, &size)))
        return failed(err, img, rc);
    if (size > DICOM_PIXELS_MAX_FRAME_BYTES)
        return error_set(err, ERR_DICOM_UNSUPPORTED, "JPEG-LS: %zu bytes decoded", size);
    uint8_t *buf = malloc(size ? size : 1);
    if (!buf)
        return error_set(err, ERR_NOMEM, "JPEG-LS: %zu bytes", size);
    if ((rc = charls_jpegls_decoder_decode_to_buffer(decoder, buf, size, 0))) {
        free(buf);
        return failed(err, img, rc);
    }
    copy_out(buf, &fi, mode, out);
    free(buf);
    return true;
}

bool dicom_jpegls_decode(struct error *err, const struct dicom_image *img, const uint8_t *data,
                         size_t length, struct dicom_pixels *out)
{
    charls_jpegls_decoder *decoder = charls_jpegls_decoder_create();
    if (!decoder)
        return error_set(err, ERR_NOMEM, "JPEG-LS decoder");
    bool ok = decode(err, img, decoder, data, length, out);
    charls_jpegls_decoder_destroy(decoder);
    if (!ok)
        return false;
    pixels_normalize(img, out, false);
    if (img->samples_per_pixel == 3 && img->photometric == DICOM_PI_YBR_FULL &&
        out->sample == DICOM_SAMPLE_U8)
        pixels_ybr_full_to_rgb(out);
    return true;
}
