/* SPDX-License-Identifier: Apache-2.0 */
/* JPEG 2000 (1.2.840.10008.1.2.4.90, …4.91) and High-Throughput JPEG 2000 (…4.201-203) through
 * OpenJPEG, read from memory. A raw codestream (PS3.5 A.4.4) or, as some writers send, a JP2
 * file. The inverse component transform (YBR_RCT, YBR_ICT) is OpenJPEG's: the result is RGB. */
#include <stdio.h>
#include <string.h>

#include <openjpeg.h>

#include "dicom/pixels_int.h"

struct source {
    const uint8_t *data;
    size_t length, at;
};

static OPJ_SIZE_T source_read(void *buf, OPJ_SIZE_T n, void *user)
{
    struct source *s = user;
    if (s->at >= s->length)
        return (OPJ_SIZE_T)-1;
    size_t take = n < s->length - s->at ? n : s->length - s->at;
    memcpy(buf, s->data + s->at, take);
    s->at += take;
    return take;
}

static OPJ_OFF_T source_skip(OPJ_OFF_T n, void *user)
{
    struct source *s = user;
    if (n < 0 || (size_t)n > s->length - s->at)
        return -1;
    s->at += (size_t)n;
    return n;
}

static OPJ_BOOL source_seek(OPJ_OFF_T n, void *user)
{
    struct source *s = user;
    if (n < 0 || (size_t)n > s->length)
        return OPJ_FALSE;
    s->at = (size_t)n;
    return OPJ_TRUE;
}

static void on_error(const char *msg, void *user)
{
    char *buf = user;
    if (buf[0] == '\0') // the first error says most
        snprintf(buf, 200, "%s", msg);
    size_t n = strlen(buf);
    if (n > 0 && buf[n - 1] == '\n')
        buf[n - 1] = '\0';
}

static void on_quiet(const char *msg, void *user)
{
    (void)msg;
    (void)user;
}

static opj_stream_t *stream_new(struct source *src)
{
    opj_stream_t *stream = opj_stream_create(OPJ_J2K_STREAM_CHUNK_SIZE, OPJ_TRUE);
    if (!stream)
        return NULL;
    opj_stream_set_user_data(stream, src, NULL);
    opj_stream_set_user_data_length(stream, src->length);
    opj_stream_set_read_function(stream, source_read);
    opj_stream_set_skip_function(stream, source_skip);
    opj_stream_set_seek_function(stream, source_seek);
    return stream;
}

static bool check_image(struct error *err, const struct dicom_image *img, const opj_image_t *im)
{
    bool ok = im->numcomps == img->samples_per_pixel && im->x1 - im->x0 == img->columns &&
              im->y1 - im->y0 == img->rows;
    for (OPJ_UINT32 c = 0; ok && c < im->numcomps; c++)
        ok = im->comps[c].dx == 1 && im->comps[c].dy == 1 && im->comps[c].prec >= 1 &&
             im->comps[c].prec <= 32 && im->comps[c].prec <= img->bits_allocated;
    if (!ok)
        return error_set(err, ERR_DICOM_INVALID,
                         "tag (7FE0,0010): transfer syntax %s: the JPEG 2000 image is %ux%u with "
                         "%u components (or subsampled), the data set says %ux%u with %u",
                         img->transfer_syntax, im->x1 - im->x0, im->y1 - im->y0, im->numcomps,
                         img->columns, img->rows, img->samples_per_pixel);
    return true;
}

static bool copy_out(struct error *err, const struct dicom_image *img, const opj_image_t *im,
                     struct dicom_pixels *out)
{
    size_t pixels = (size_t)img->rows * img->columns;
    for (OPJ_UINT32 c = 0; c < im->numcomps; c++) {
        if (!im->comps[c].data || (size_t)im->comps[c].w * im->comps[c].h != pixels)
            return error_set(err, ERR_DICOM_INVALID,
                             "tag (7FE0,0010): transfer syntax %s: JPEG 2000 component %u was "
                             "not decoded",
                             img->transfer_syntax, c);
        for (size_t p = 0; p < pixels; p++)
            pixels_store(out, p * im->numcomps + c, im->comps[c].data[p]);
    }
    return true;
}

static bool decode(struct error *err, const struct dicom_image *img, opj_codec_t *codec,
                   opj_stream_t *stream, char *message, unsigned *precision,
                   struct dicom_pixels *out)
{
    opj_image_t *im = NULL;
    opj_dparameters_t params;
    opj_set_default_decoder_parameters(&params);
    bool ok = opj_setup_decoder(codec, &params) && opj_read_header(stream, codec, &im);
    if (ok && !(check_image(err, img, im) &&
                pixels_alloc(err, img, img->samples_per_pixel, pixels_sample_kind(img), out))) {
        opj_image_destroy(im);
        return false;
    }
    ok = ok && opj_decode(codec, stream, im) && opj_end_decompress(codec, stream);
    if (!ok)
        error_set(err, ERR_DICOM_INVALID, "tag (7FE0,0010): transfer syntax %s: JPEG 2000: %s",
                  img->transfer_syntax, message[0] ? message : "cannot be decoded");
    else
        ok = copy_out(err, img, im, out);
    for (OPJ_UINT32 c = 0; ok && c < im->numcomps; c++)
        *precision = im->comps[c].prec > *precision ? im->comps[c].prec : *precision;
    if (im)
        opj_image_destroy(im);
    return ok;
}

bool dicom_j2k_decode(struct error *err, const struct dicom_image *img, const uint8_t *data,
                      size_t length, struct dicom_pixels *out)
{
    static const uint8_t jp2[] = {0, 0, 0, 0x0C, 'j', 'P', ' ', ' '};
    bool is_jp2 = length >= sizeof jp2 && memcmp(data, jp2, sizeof jp2) == 0;
    struct source src = {data, length, 0};
    char message[256] = "";
    opj_stream_t *stream = stream_new(&src);
    opj_codec_t *codec = opj_create_decompress(is_jp2 ? OPJ_CODEC_JP2 : OPJ_CODEC_J2K);
    if (!stream || !codec) {
        if (stream)
            opj_stream_destroy(stream);
        if (codec)
            opj_destroy_codec(codec);
        return error_set(err, ERR_NOMEM, "JPEG 2000 decoder");
    }
    opj_set_error_handler(codec, on_error, message);
    opj_set_warning_handler(codec, on_quiet, NULL);
    opj_set_info_handler(codec, on_quiet, NULL);
    unsigned precision = 0;
    bool ok = decode(err, img, codec, stream, message, &precision, out);
    opj_destroy_codec(codec);
    opj_stream_destroy(stream);
    if (!ok)
        return false;
    // OpenJPEG's values follow the codestream's precision and signedness. When the codestream
    // is wider than Bits Stored (a 16-bit signed one under Bits Stored 14) its values stand;
    // otherwise the data set's Pixel Representation decides (an unsigned codestream under
    // Pixel Representation 1 holds two's complement samples: sign-extend them, as pydicom does).
    if (precision <= img->bits_stored)
        pixels_normalize(img, out, false);
    if (img->samples_per_pixel == 3)
        out->photometric = img->photometric == DICOM_PI_YBR_FULL ? DICOM_PI_YBR_FULL : DICOM_PI_RGB;
    if (out->photometric == DICOM_PI_YBR_FULL && out->sample == DICOM_SAMPLE_U8)
        pixels_ybr_full_to_rgb(out);
    return true;
}
