/* SPDX-License-Identifier: Apache-2.0 */
/* Decoded samples to 8-bit display values (PS3.3 C.11: Modality LUT, VOI LUT and window,
 * presentation: MONOCHROME1 inverted; C.7.6.3.1.5 palette colour), and the whole rendering of
 * one frame. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "dicom/render.h"

/* Entry i of a LUT (clamped to its range). */
static uint32_t lut_entry(const struct dicom_lut *lut, int64_t input)
{
    int64_t i = input - lut->first_mapped;
    if (i < 0)
        i = 0;
    if (i >= (int64_t)lut->entries)
        i = (int64_t)lut->entries - 1;
    bool words = lut->bits == 16 || lut->length >= (size_t)lut->entries * 2;
    if (!words)
        return lut->data[i];
    const uint8_t *p = lut->data + 2 * i;
    uint32_t v = lut->big_endian ? (uint32_t)p[0] << 8 | p[1] : (uint32_t)p[1] << 8 | p[0];
    // 8-bit entries sent as words (PS3.3 C.7.6.3.1.6 allows either): only the low byte counts
    return lut->bits == 8 ? v & 0xFF : v;
}

static uint32_t lut_max(const struct dicom_lut *lut)
{
    uint32_t max = 1;
    for (uint32_t i = 0; i < lut->entries; i++) {
        uint32_t v = lut_entry(lut, (int64_t)i + lut->first_mapped);
        if (v > max)
            max = v;
    }
    return max;
}

/* The modality value of a stored value (PS3.3 C.11.1). */
static double modality(const struct dicom_image *img, int64_t stored)
{
    if (img->modality_lut.present)
        return lut_entry(&img->modality_lut, stored);
    return (double)stored * img->rescale_slope + img->rescale_intercept;
}

struct voi {
    enum { VOI_WINDOW, VOI_LUT } kind;
    double center, width;
    bool sigmoid;
    uint32_t lut_top; /* the largest LUT output */
    bool invert;
};

/* PS3.3 C.11.2.1.2.1 (LINEAR), C.11.2.1.3.1 (SIGMOID): a value to 0..255. */
static uint8_t window(const struct voi *v, double x)
{
    double y;
    if (v->sigmoid) {
        y = 255.0 / (1.0 + exp(-4.0 * (x - v->center) / v->width));
    } else if (x <= v->center - 0.5 - (v->width - 1) / 2) {
        y = 0;
    } else if (x > v->center - 0.5 + (v->width - 1) / 2) {
        y = 255;
    } else {
        y = ((x - (v->center - 0.5)) / (v->width - 1) + 0.5) * 255.0;
    }
    y = y < 0 ? 0 : y > 255 ? 255 : y;
    return (uint8_t)(y + 0.5);
}

/* The VOI: an explicit window, else the data set's, else its VOI LUT, else the frame's range. */
static void choose_voi(const struct dicom_image *img, const struct dicom_pixels *px,
                       const struct dicom_render_options *options, struct voi *v)
{
    memset(v, 0, sizeof *v);
    v->invert = img->photometric == DICOM_PI_MONOCHROME1;
    if (options && options->has_window) {
        v->center = options->window_center;
        v->width = options->window_width;
        return;
    }
    if (img->has_window) {
        v->center = img->window_center;
        v->width = img->window_width;
        v->sigmoid = img->window_sigmoid;
        return;
    }
    if (img->voi_lut.present) {
        v->kind = VOI_LUT;
        v->lut_top = lut_max(&img->voi_lut);
        return;
    }
    size_t n = (size_t)px->rows * px->columns;
    double lo = HUGE_VAL, hi = -HUGE_VAL;
    for (size_t i = 0; i < n; i++) {
        double m = modality(img, dicom_pixels_value(px, i));
        lo = m < lo ? m : lo;
        hi = m > hi ? m : hi;
    }
    // PS3.3 C.11.2.1.2.1 with the window spanning [lo, hi] exactly
    v->width = hi - lo + 1;
    v->center = lo + (hi - lo + 1) / 2;
}

static uint8_t grey(const struct dicom_image *img, const struct voi *v, int64_t stored)
{
    double m = modality(img, stored);
    uint8_t y;
    if (v->kind == VOI_LUT)
        y = (uint8_t)(lut_entry(&img->voi_lut, (int64_t)floor(m)) * 255.0 / v->lut_top + 0.5);
    else
        y = window(v, m);
    return v->invert ? (uint8_t)(255 - y) : y;
}

static bool alloc_rendered(struct error *err, uint32_t width, uint32_t height, uint32_t channels,
                           struct dicom_rendered *out)
{
    memset(out, 0, sizeof *out);
    out->data = malloc((size_t)width * height * channels);
    if (!out->data)
        return error_set(err, ERR_NOMEM, "render: %u x %u", width, height);
    out->width = width;
    out->height = height;
    out->channels = channels;
    return true;
}

static bool render_palette(struct error *err, const struct dicom_image *img,
                           const struct dicom_pixels *px, struct dicom_rendered *out)
{
    for (int c = 0; c < 3; c++)
        if (!img->palette[c].present)
            return error_set(err, ERR_DICOM_UNSUPPORTED,
                             "tag (0028,1101): PALETTE COLOR without a usable lookup table "
                             "(segmented palettes are not rendered)");
    if (!alloc_rendered(err, px->columns, px->rows, 3, out))
        return false;
    size_t n = (size_t)px->rows * px->columns;
    for (size_t i = 0; i < n; i++) {
        int64_t v = dicom_pixels_value(px, i);
        for (int c = 0; c < 3; c++) {
            uint32_t e = lut_entry(&img->palette[c], v);
            out->data[3 * i + c] = (uint8_t)(img->palette[c].bits == 16 ? e >> 8 : e);
        }
    }
    return true;
}

static bool render_colour(struct error *err, const struct dicom_pixels *px,
                          struct dicom_rendered *out)
{
    if (px->photometric != DICOM_PI_RGB)
        return error_set(err, ERR_DICOM_UNSUPPORTED,
                         "tag (0028,0004): colour frames of this photometric interpretation are "
                         "not rendered");
    if (!alloc_rendered(err, px->columns, px->rows, 3, out))
        return false;
    unsigned down = px->bits_stored > 8 ? px->bits_stored - 8 : 0;
    size_t n = (size_t)px->rows * px->columns * 3;
    for (size_t i = 0; i < n; i++) {
        int64_t v = dicom_pixels_value(px, i) >> down;
        out->data[i] = (uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
    }
    return true;
}

bool dicom_render_8bit(struct error *err, const struct dicom_image *img,
                       const struct dicom_pixels *px, const struct dicom_render_options *options,
                       struct dicom_rendered *out)
{
    memset(out, 0, sizeof *out);
    if (px->samples == 3)
        return render_colour(err, px, out);
    if (px->samples != 1)
        return error_set(err, ERR_DICOM_UNSUPPORTED, "render: %u samples per pixel", px->samples);
    if (img->photometric == DICOM_PI_PALETTE_COLOR)
        return render_palette(err, img, px, out);
    struct voi v;
    choose_voi(img, px, options, &v);
    if (!alloc_rendered(err, px->columns, px->rows, 1, out))
        return false;
    size_t n = (size_t)px->rows * px->columns;
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    for (size_t i = 0; i < n; i++) {
        int64_t value = dicom_pixels_value(px, i);
        lo = value < lo ? value : lo;
        hi = value > hi ? value : hi;
    }
    // a table over the stored values present is cheaper than the VOI per pixel
    uint8_t *table =
        hi - lo < 65536 && (uint64_t)(hi - lo) < n ? malloc((size_t)(hi - lo) + 1) : NULL;
    if (table) {
        for (int64_t value = lo; value <= hi; value++)
            table[value - lo] = grey(img, &v, value);
        for (size_t i = 0; i < n; i++)
            out->data[i] = table[dicom_pixels_value(px, i) - lo];
        free(table);
        return true;
    }
    for (size_t i = 0; i < n; i++)
        out->data[i] = grey(img, &v, dicom_pixels_value(px, i));
    return true;
}

void dicom_rendered_clear(struct dicom_rendered *r)
{
    if (!r)
        return;
    free(r->data);
    memset(r, 0, sizeof *r);
}

static bool check_options(struct error *err, const struct dicom_render_options *o)
{
    if (o->has_window &&
        !(o->window_width >= 1 && isfinite(o->window_center) && isfinite(o->window_width)))
        return error_set(err, ERR_FIELD_VALUE, "window: the width must be at least 1");
    if (o->quality < 0 || o->quality > 100)
        return error_set(err, ERR_FIELD_VALUE, "quality: %d is not in 1..100", o->quality);
    if (o->width > DICOM_RENDER_MAX_SIDE || o->height > DICOM_RENDER_MAX_SIDE)
        return error_set(err, ERR_FIELD_VALUE, "viewport: a side is over %d pixels",
                         DICOM_RENDER_MAX_SIDE);
    return true;
}

bool dicom_render(struct error *err, const struct dicom_image *img, uint32_t index,
                  const struct dicom_render_options *options, uint8_t **out, size_t *length)
{
    *out = NULL;
    *length = 0;
    uint32_t width, height;
    if (!check_options(err, options) || !dicom_render_size(err, img, options, &width, &height))
        return false;
    struct dicom_pixels px;
    if (!dicom_image_decode(err, img, index, &px))
        return false;
    struct dicom_rendered natural, scaled;
    bool ok = dicom_render_8bit(err, img, &px, options, &natural);
    dicom_pixels_clear(&px);
    if (!ok)
        return false;
    ok = dicom_render_scale(err, &natural, width, height, &scaled);
    dicom_rendered_clear(&natural);
    if (!ok)
        return false;
    int quality = options->quality ? options->quality : DICOM_RENDER_DEFAULT_QUALITY;
    ok = dicom_render_encode(err, &scaled, options->format, quality, out, length);
    dicom_rendered_clear(&scaled);
    return ok;
}

bool dicom_render_thumbnail(struct error *err, const struct dicom_image *img,
                            enum dicom_render_format format, uint8_t **out, size_t *length)
{
    struct dicom_render_options options = {
        .format = format,
        .quality = 80,
        .width = DICOM_THUMBNAIL_SIZE,
        .height = DICOM_THUMBNAIL_SIZE,
    };
    return dicom_render(err, img, img->frames / 2, &options, out, length);
}
