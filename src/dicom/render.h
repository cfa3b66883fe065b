/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_DICOM_RENDER_H
#define TSUNAGU_DICOM_RENDER_H

/*
 * Rendering one frame for display (WADO-RS rendered and thumbnail, PS3.18 §8.3.5 / §10.4):
 * modality rescale or Modality LUT, then window/level (given, else the data set's first
 * window, else its first VOI LUT, else the frame's min/max), MONOCHROME1 inverted, palette
 * colour, 8-bit grey or RGB, scaled to fit a viewport keeping the aspect ratio (Pixel Aspect
 * Ratio included), encoded as JPEG or PNG. No HTTP.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/errors.h"
#include "dicom/pixels.h"

#define DICOM_THUMBNAIL_SIZE 128        /* the thumbnail fits a square of this many pixels */
#define DICOM_RENDER_MAX_SIDE 8192      /* the largest rendered width or height */
#define DICOM_RENDER_DEFAULT_QUALITY 90 /* JPEG quality when none is asked for */

enum dicom_render_format { DICOM_RENDER_JPEG, DICOM_RENDER_PNG };

struct dicom_render_options {
    enum dicom_render_format format;
    int quality;            /* JPEG quality 1..100; 0 means the default */
    uint32_t width, height; /* the viewport; 0 leaves that side free; both 0: natural size */
    bool has_window;        /* an explicit window, overriding the data set's */
    double window_center, window_width; /* width >= 1 */
};

/** An 8-bit image before encoding: rows of width × channels bytes (1 grey, 3 RGB). */
struct dicom_rendered {
    uint32_t width, height, channels;
    uint8_t *data; /* owned */
};

/** Renders frame `index` of img as options say into *out (malloc'd, the caller frees), its
 *  length in *length. ERR_FIELD_VALUE for bad options (window width < 1, quality outside
 *  1..100, a viewport side over DICOM_RENDER_MAX_SIDE); the decoder's errors otherwise. */
bool dicom_render(struct error *err, const struct dicom_image *img, uint32_t index,
                  const struct dicom_render_options *options, uint8_t **out, size_t *length);

/** The thumbnail of img: its middle frame, fitting DICOM_THUMBNAIL_SIZE square. */
bool dicom_render_thumbnail(struct error *err, const struct dicom_image *img,
                            enum dicom_render_format format, uint8_t **out, size_t *length);

/** The steps of dicom_render, for callers (and tests) that need one of them. */
/** Decoded samples to 8-bit grey or RGB at their natural size (VOI, palette, inversion). */
bool dicom_render_8bit(struct error *err, const struct dicom_image *img,
                       const struct dicom_pixels *px, const struct dicom_render_options *options,
                       struct dicom_rendered *out);
/** The output size for the viewport of options, keeping img's aspect ratio. */
bool dicom_render_size(struct error *err, const struct dicom_image *img,
                       const struct dicom_render_options *options, uint32_t *width,
                       uint32_t *height);
/** Resamples src to width × height (area average; nearest when enlarging) into out. */
bool dicom_render_scale(struct error *err, const struct dicom_rendered *src, uint32_t width,
                        uint32_t height, struct dicom_rendered *out);
/** Encodes an 8-bit image as JPEG (quality 1..100) or PNG into *out (malloc'd). */
bool dicom_render_encode(struct error *err, const struct dicom_rendered *img,
                         enum dicom_render_format format, int quality, uint8_t **out,
                         size_t *length);
void dicom_rendered_clear(struct dicom_rendered *r);

#endif
