/* SPDX-License-Identifier: Apache-2.0 */
/* The Image Pixel module of a parsed data set (PS3.3 C.7.6.3), its consistency checks, and the
 * bytes of one frame in the stored transfer syntax (PS3.5 A.4 for encapsulated data). */
#include <stdlib.h>
#include <string.h>

#include "dicom/pixels_int.h"

static const struct {
    const char *uid;
    enum dicom_pixel_syntax syntax;
} syntaxes[] = {
    {DICOM_TS_IMPLICIT_VR_LE, DICOM_SYNTAX_NATIVE_LE},
    {DICOM_TS_EXPLICIT_VR_LE, DICOM_SYNTAX_NATIVE_LE},
    {DICOM_TS_DEFLATED_EXPLICIT_VR_LE, DICOM_SYNTAX_NATIVE_LE},
    {DICOM_TS_EXPLICIT_VR_BE, DICOM_SYNTAX_NATIVE_BE},
    {DICOM_TS_RLE, DICOM_SYNTAX_RLE},
    {DICOM_TS_JPEG_BASELINE, DICOM_SYNTAX_JPEG_8BIT},
    {DICOM_TS_JPEG_EXTENDED, DICOM_SYNTAX_JPEG_8BIT},
    {DICOM_TS_JPEG_LOSSLESS, DICOM_SYNTAX_JPEG_LOSSLESS},
    {DICOM_TS_JPEG_LOSSLESS_SV1, DICOM_SYNTAX_JPEG_LOSSLESS},
    {DICOM_TS_JPEG_LS_LOSSLESS, DICOM_SYNTAX_JPEG_LS},
    {DICOM_TS_JPEG_LS_NEAR_LOSSLESS, DICOM_SYNTAX_JPEG_LS},
    {DICOM_TS_JPEG_2000_LOSSLESS, DICOM_SYNTAX_J2K},
    {DICOM_TS_JPEG_2000, DICOM_SYNTAX_J2K},
    {"1.2.840.10008.1.2.4.201", DICOM_SYNTAX_J2K}, /* HTJ2K: OpenJPEG 2.5 decodes it */
    {"1.2.840.10008.1.2.4.202", DICOM_SYNTAX_J2K},
    {"1.2.840.10008.1.2.4.203", DICOM_SYNTAX_J2K},
};

enum dicom_pixel_syntax dicom_pixel_syntax_of(const char *uid)
{
    size_t n = strlen(uid);
    while (n > 0 && (uid[n - 1] == ' ' || uid[n - 1] == '\0'))
        n--;
    for (size_t i = 0; i < sizeof syntaxes / sizeof syntaxes[0]; i++)
        if (strlen(syntaxes[i].uid) == n && memcmp(syntaxes[i].uid, uid, n) == 0)
            return syntaxes[i].syntax;
    return DICOM_SYNTAX_OTHER;
}

static const char *const photometric_names[] = {
    [DICOM_PI_MONOCHROME1] = "MONOCHROME1",
    [DICOM_PI_MONOCHROME2] = "MONOCHROME2",
    [DICOM_PI_PALETTE_COLOR] = "PALETTE COLOR",
    [DICOM_PI_RGB] = "RGB",
    [DICOM_PI_YBR_FULL] = "YBR_FULL",
    [DICOM_PI_YBR_FULL_422] = "YBR_FULL_422",
    [DICOM_PI_YBR_ICT] = "YBR_ICT",
    [DICOM_PI_YBR_RCT] = "YBR_RCT",
};

enum dicom_photometric pixels_photometric_of(const char *name)
{
    for (int i = 0; i < DICOM_PI_OTHER; i++)
        if (strcmp(photometric_names[i], name) == 0)
            return (enum dicom_photometric)i;
    return DICOM_PI_OTHER;
}

size_t dicom_image_decoded_size(const struct dicom_image *img)
{
    uint64_t bytes = (uint64_t)img->rows * img->columns * img->samples_per_pixel;
    bytes *= img->bits_allocated > 16 ? 4 : img->bits_allocated > 8 ? 2 : 1;
    return bytes > DICOM_PIXELS_MAX_FRAME_BYTES ? 0 : (size_t)bytes;
}

/* The stored bits of one native frame (not bytes: 1-bit frames need not end on a byte). */
uint64_t pixels_native_frame_bits(const struct dicom_image *img)
{
    uint64_t pixels = (uint64_t)img->rows * img->columns;
    if (img->photometric == DICOM_PI_YBR_FULL_422)
        return (uint64_t)img->rows * ((img->columns + 1) / 2) * 4 * 8;
    return pixels * img->samples_per_pixel * img->bits_allocated;
}

static bool invalid(struct error *err, const char *what, unsigned value)
{
    return error_set(err, ERR_DICOM_INVALID, "tag (0028,xxxx): %s %u is not valid", what, value);
}

static bool check_bits(struct error *err, const struct dicom_image *img)
{
    unsigned ba = img->bits_allocated;
    if (ba != 1 && ba != 8 && ba != 16 && ba != 32)
        return invalid(err, "Bits Allocated", ba);
    if (img->bits_stored == 0 || img->bits_stored > ba)
        return invalid(err, "Bits Stored", img->bits_stored);
    if (img->high_bit >= ba || img->high_bit + 1 < img->bits_stored)
        return invalid(err, "High Bit", img->high_bit);
    return true;
}

static bool check_native_length(struct error *err, const struct dicom_image *img)
{
    uint64_t bits = pixels_native_frame_bits(img) * img->frames; // < 2^16·2^16·4·32·10^5 < 2^62
    uint64_t bytes = (bits + 7) / 8;
    if (bytes > img->pixel_length)
        return error_set(err, ERR_DICOM_INVALID,
                         "tag (7FE0,0010): %u rows x %u columns x %u samples x %u frames at %u "
                         "bits need %llu bytes, Pixel Data has %zu",
                         img->rows, img->columns, img->samples_per_pixel, img->frames,
                         img->bits_allocated, (unsigned long long)bytes, img->pixel_length);
    if (img->photometric == DICOM_PI_YBR_FULL_422 &&
        (img->bits_allocated != 8 || img->samples_per_pixel != 3))
        return invalid(err, "Bits Allocated of YBR_FULL_422", img->bits_allocated);
    return true;
}

bool dicom_image_check(struct error *err, const struct dicom_image *img)
{
    if (img->rows == 0 || img->columns == 0)
        return invalid(err, img->rows == 0 ? "Rows" : "Columns", 0);
    if (img->samples_per_pixel != 1 && img->samples_per_pixel != 3)
        return invalid(err, "Samples per Pixel", img->samples_per_pixel);
    if (img->frames == 0 || img->frames > DICOM_PIXELS_MAX_FRAMES)
        return invalid(err, "Number of Frames", img->frames);
    if (img->planar_configuration > 1)
        return invalid(err, "Planar Configuration", img->planar_configuration);
    if (!check_bits(err, img))
        return false;
    bool mono = img->photometric == DICOM_PI_MONOCHROME1 ||
                img->photometric == DICOM_PI_MONOCHROME2 ||
                img->photometric == DICOM_PI_PALETTE_COLOR;
    if (mono != (img->samples_per_pixel == 1) && img->photometric != DICOM_PI_OTHER)
        return invalid(err, "Samples per Pixel for the photometric interpretation",
                       img->samples_per_pixel);
    if (img->encapsulated)
        return img->fragment_count > 0 ||
               error_set(err, ERR_DICOM_INVALID, "tag (7FE0,0010): no fragments");
    return check_native_length(err, img);
}

void dicom_image_clear(struct dicom_image *img)
{
    if (img)
        memset(img, 0, sizeof *img);
}
