/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target for the pixel layer: decode and render arbitrary data.
 * An input starting with a Part 10 preamble or "DICM"-less data set goes through the parser
 * (dicom_parse, dicom_image_read, every frame's bytes, decode and render of the first frame);
 * any other input drives a codec directly: its first 7 bytes choose the transfer syntax and the
 * image attributes, the rest is one frame (a fragment, or native pixel data). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dicom/dicom.h"
#include "dicom/pixels.h"
#include "dicom/render.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void exercise(const struct dicom_image *img)
{
    struct error err = {0};
    for (uint32_t i = 0; i < img->frames && i < 4; i++) {
        struct dicom_frame_bytes f;
        if (dicom_image_frame_bytes(&err, img, i, &f))
            dicom_frame_bytes_clear(&f);
    }
    struct dicom_render_options o = {.format = DICOM_RENDER_PNG, .width = 32, .height = 32};
    uint8_t *out;
    size_t length;
    if (dicom_render(&err, img, 0, &o, &out, &length))
        free(out);
}

static const char *const syntaxes[] = {
    DICOM_TS_EXPLICIT_VR_LE, DICOM_TS_EXPLICIT_VR_BE,   DICOM_TS_RLE,
    DICOM_TS_JPEG_BASELINE,  DICOM_TS_JPEG_LS_LOSSLESS, DICOM_TS_JPEG_2000,
};
static const enum dicom_photometric photometrics[] = {
    DICOM_PI_MONOCHROME2, DICOM_PI_MONOCHROME1,  DICOM_PI_RGB,
    DICOM_PI_YBR_FULL,    DICOM_PI_YBR_FULL_422, DICOM_PI_PALETTE_COLOR,
};

static void direct(const uint8_t *data, size_t size)
{
    if (size < 7)
        return;
    struct dicom_image img = {0};
    const char *uid = syntaxes[data[0] % 6];
    snprintf(img.transfer_syntax, sizeof img.transfer_syntax, "%s", uid);
    img.syntax = dicom_pixel_syntax_of(uid);
    img.rows = 1 + data[1] % 64;
    img.columns = 1 + data[2] % 64;
    img.samples_per_pixel = data[3] & 1 ? 3 : 1;
    static const unsigned bits[] = {8, 16, 32, 1};
    img.bits_allocated = bits[data[4] % 4];
    img.bits_stored = 1 + (data[4] >> 2) % img.bits_allocated;
    img.high_bit = img.bits_stored - 1;
    img.photometric = photometrics[data[5] % 6];
    img.is_signed = data[6] & 1;
    img.planar_configuration = (data[6] >> 1) & 1;
    img.frames = 1;
    img.rescale_slope = 1;
    struct dicom_fragment fragment = {.offset = 0, .length = size - 7, .data = data + 7};
    if (img.syntax == DICOM_SYNTAX_NATIVE_LE || img.syntax == DICOM_SYNTAX_NATIVE_BE) {
        img.pixel_data = data + 7;
        img.pixel_length = size - 7;
    } else {
        img.encapsulated = true;
        img.fragments = &fragment;
        img.fragment_count = 1;
    }
    struct error err = {0};
    if (dicom_image_check(&err, &img))
        exercise(&img);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    bool part10 = size > 132 && memcmp(data + 128, "DICM", 4) == 0;
    if (!part10) {
        direct(data, size);
        return 0;
    }
    struct error err = {0};
    struct dicom_file *file;
    if (!dicom_parse(&err, data, size, NULL, &file))
        return 0;
    struct dicom_image img;
    if (dicom_image_read(&err, &file->dataset, &img)) {
        exercise(&img);
        dicom_image_clear(&img);
    }
    dicom_free(file);
    return 0;
}
