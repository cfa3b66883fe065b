/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_DICOM_PIXELS_INT_H
#define TSUNAGU_DICOM_PIXELS_INT_H

/* Private to the pixel layer: the codecs and the helpers they share. */

#include "dicom/pixels.h"

/** The decoded sample kind of an image (from Bits Allocated and Pixel Representation). */
enum dicom_sample pixels_sample_kind(const struct dicom_image *img);

/** The photometric interpretation named (DICOM_PI_OTHER when unknown). */
enum dicom_photometric pixels_photometric_of(const char *name);

/** The bits of one native frame (1-bit frames need not end on a byte). */
uint64_t pixels_native_frame_bits(const struct dicom_image *img);

/** Allocates out->data for one frame of img with `samples` samples per pixel of kind `sample`
 *  (the size checked against DICOM_PIXELS_MAX_FRAME_BYTES first) and sets its shape. */
bool pixels_alloc(struct error *err, const struct dicom_image *img, unsigned samples,
                  enum dicom_sample sample, struct dicom_pixels *out);

/** Stores sample i of px (truncated to its kind). */
void pixels_store(struct dicom_pixels *px, size_t i, int64_t value);

/** Masks every sample to Bits Stored (after shifting it down by High Bit + 1 − Bits Stored when
 *  `shift`) and sign-extends it when the image is signed. */
void pixels_normalize(const struct dicom_image *img, struct dicom_pixels *px, bool shift);

/** PS3.3 C.7.6.3.1.2: YBR_FULL (8-bit, interleaved) to RGB in place. */
void pixels_ybr_full_to_rgb(struct dicom_pixels *px);

/** The codecs: decode one frame's bytes (in the stored syntax) into out, which they allocate
 *  with pixels_alloc. Each sets ERR_DICOM_INVALID for corrupt data and ERR_DICOM_UNSUPPORTED,
 *  naming the transfer syntax, for what it cannot decode. */
bool dicom_rle_decode(struct error *err, const struct dicom_image *img, const uint8_t *data,
                      size_t length, struct dicom_pixels *out);
bool dicom_jpeg_decode(struct error *err, const struct dicom_image *img, const uint8_t *data,
                       size_t length, struct dicom_pixels *out);
/** Lossless JPEG (process 14); dicom_jpeg_decode sends SOF3 streams here. */
bool dicom_ljpeg_decode(struct error *err, const struct dicom_image *img, const uint8_t *data,
                        size_t length, struct dicom_pixels *out);
/** 12-bit sequential JPEG (grey); dicom_jpeg_decode sends such streams here. */
bool dicom_jpeg12_decode(struct error *err, const struct dicom_image *img, const uint8_t *data,
                         size_t length, struct dicom_pixels *out);
bool dicom_jpegls_decode(struct error *err, const struct dicom_image *img, const uint8_t *data,
                         size_t length, struct dicom_pixels *out);
bool dicom_j2k_decode(struct error *err, const struct dicom_image *img, const uint8_t *data,
                      size_t length, struct dicom_pixels *out);

#endif
