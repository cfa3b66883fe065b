/* SPDX-License-Identifier: Apache-2.0 */
/* JPEG Baseline (1.2.840.10008.1.2.4.50) and Extended (…4.51) with 8-bit samples, through
 * libjpeg-turbo's libjpeg API. Debian's libjpeg62-turbo is built for 8-bit samples only, and
 * before 3.0 libjpeg-turbo has no lossless process: after a look at the frame header, lossless
 * streams (SOF3) go to codec_ljpeg.c, 12-bit sequential ones to codec_jpeg12.c, and the rest
 * (other precisions, hierarchical, arithmetic) is refused with ERR_DICOM_UNSUPPORTED naming
 * the transfer syntax. */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>

#include "dicom/pixels_int.h"

struct jpeg_failure {
    struct jpeg_error_mgr mgr;
    jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
};

static void on_error(j_common_ptr cinfo)
{
    struct jpeg_failure *f = (struct jpeg_failure *)(void *)cinfo->err;
    f->mgr.format_message(cinfo, f->message);
    longjmp(f->jump, 1);
}

static void on_message(j_common_ptr cinfo)
{
    (void)cinfo; // warnings (corrupt data that libjpeg recovers from) are not printed
}

/* The precision and SOF marker of the first frame header (PS3.5 A.4.1 / ITU T.81 B.2.2), or
 * false when none is found before the data ends. */
static bool frame_header(const uint8_t *data, size_t length, int *marker, int *precision)
{
    size_t at = 2;
    if (length < 4 || data[0] != 0xFF || data[1] != 0xD8)
        return false;
    while (at + 4 <= length) {
        if (data[at] != 0xFF)
            return false;
        int m = data[at + 1];
        if (m == 0xFF) { // fill byte
            at++;
            continue;
        }
        size_t seg = (size_t)data[at + 2] << 8 | data[at + 3];
        bool sof = m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
        if (sof) {
            if (at + 5 > length)
                return false;
            *marker = m;
            *precision = data[at + 4];
            return true;
        }
        if (m == 0xDA || seg < 2)
            return false;
        at += 2 + seg;
    }
    return false;
}

static bool check_header(struct error *err, const struct dicom_image *img, const uint8_t *data,
                         size_t length)
{
    int marker, precision;
    if (!frame_header(data, length, &marker, &precision))
        return error_set(err, ERR_DICOM_INVALID,
                         "tag (7FE0,0010): transfer syntax %s: no JPEG frame header",
                         img->transfer_syntax);
    bool other = marker == 0xC7 || marker == 0xCB || marker == 0xCF || marker >= 0xC5;
    if (other) // hierarchical or arithmetic-coded: not used by DICOM's JPEG syntaxes
        return error_set(err, ERR_DICOM_UNSUPPORTED,
                         "pixel data: transfer syntax %s: JPEG process SOF%d is not decoded here",
                         img->transfer_syntax, marker - 0xC0);
    if (precision != 8)
        return error_set(err, ERR_DICOM_UNSUPPORTED,
                         "pixel data: transfer syntax %s: %d-bit JPEG is not supported (the "
                         "libjpeg build decodes 8-bit samples only)",
                         img->transfer_syntax, precision);
    return true;
}

/* PS3.5 8.2.1: the photometric interpretation says whether the colour transform was applied;
 * a JFIF or Adobe marker in the stream says it too, and then wins (libjpeg follows it). */
static void choose_colour(struct jpeg_decompress_struct *cinfo, const struct dicom_image *img)
{
    if (cinfo->num_components != 3) {
        cinfo->out_color_space = JCS_GRAYSCALE;
        return;
    }
    if (!cinfo->saw_JFIF_marker && !cinfo->saw_Adobe_marker && img->photometric == DICOM_PI_RGB)
        cinfo->jpeg_color_space = JCS_RGB;
    cinfo->out_color_space = JCS_RGB;
}

static bool read_lines(struct jpeg_decompress_struct *cinfo, JSAMPLE *row, struct dicom_pixels *out)
{
    size_t width = (size_t)out->columns * out->samples;
    while (cinfo->output_scanline < cinfo->output_height) {
        size_t y = cinfo->output_scanline;
        JSAMPROW rows[1] = {row};
        if (jpeg_read_scanlines(cinfo, rows, 1) != 1)
            return false;
        for (size_t x = 0; x < width; x++)
            pixels_store(out, y * width + x, row[x]);
    }
    return true;
}

bool dicom_jpeg_decode(struct error *err, const struct dicom_image *img, const uint8_t *data,
                       size_t length, struct dicom_pixels *out)
{
    int marker = 0, precision = 0;
    // the stream's own frame header decides (some files carry a lossless stream under the
    // baseline UID, or the other way round)
    if (frame_header(data, length, &marker, &precision) && marker == 0xC3)
        return dicom_ljpeg_decode(err, img, data, length, out);
    if (precision == 12 && (marker == 0xC0 || marker == 0xC1))
        return dicom_jpeg12_decode(err, img, data, length, out);
    if (!check_header(err, img, data, length))
        return false;
    if (!pixels_alloc(err, img, img->samples_per_pixel, pixels_sample_kind(img), out))
        return false;
    struct jpeg_decompress_struct cinfo;
    struct jpeg_failure failure;
    JSAMPLE *line = malloc((size_t)img->columns * 3); // one scanline
    if (!line)
        return error_set(err, ERR_NOMEM, "JPEG: a scanline");
    cinfo.err = jpeg_std_error(&failure.mgr);
    failure.mgr.error_exit = on_error;
    failure.mgr.output_message = on_message;
    failure.message[0] = '\0';
    jpeg_create_decompress(&cinfo);
    if (setjmp(failure.jump)) {
        jpeg_destroy_decompress(&cinfo);
        free(line);
        return error_set(err, ERR_DICOM_INVALID, "tag (7FE0,0010): transfer syntax %s: %s",
                         img->transfer_syntax, failure.message);
    }
    cinfo.mem->max_memory_to_use = DICOM_PIXELS_MAX_FRAME_BYTES;
    jpeg_mem_src(&cinfo, data, (unsigned long)length);
    jpeg_read_header(&cinfo, TRUE);
    if (cinfo.image_width != img->columns || cinfo.image_height != img->rows ||
        cinfo.num_components != (int)img->samples_per_pixel) {
        snprintf(failure.message, sizeof failure.message,
                 "the JPEG stream is %ux%u with %d components, the data set says %ux%u with %u",
                 cinfo.image_width, cinfo.image_height, cinfo.num_components, img->columns,
                 img->rows, img->samples_per_pixel);
        longjmp(failure.jump, 1);
    }
    choose_colour(&cinfo, img);
    jpeg_start_decompress(&cinfo);
    if (!read_lines(&cinfo, line, out)) {
        snprintf(failure.message, sizeof failure.message, "the JPEG stream ends early");
        longjmp(failure.jump, 1);
    }
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    free(line);
    if (img->samples_per_pixel == 3)
        out->photometric = DICOM_PI_RGB;
    out->bits_stored = img->bits_stored < 8 ? img->bits_stored : 8;
    return true;
}
