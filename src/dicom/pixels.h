/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_DICOM_PIXELS_H
#define TSUNAGU_DICOM_PIXELS_H

/*
 * The pixel layer: the Image Pixel module of a parsed data set (PS3.3 C.7.6.3), the bytes of one
 * frame in the stored transfer syntax (WADO-RS frames), and one frame decoded to native samples.
 * No store, no HTTP: a parsed data set in, bytes out. Rendering to JPEG/PNG is in render.h.
 *
 * Frames are numbered from 0 here (WADO-RS numbers them from 1: the caller subtracts one).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/errors.h"
#include "dicom/dicom.h"

/* Limits checked before any allocation, so that a lying Rows × Columns fails cleanly. */
#define DICOM_PIXELS_MAX_FRAME_BYTES ((size_t)256 * 1024 * 1024) /* one decoded frame */
#define DICOM_PIXELS_MAX_FRAMES 100000u

/** The transfer syntaxes the pixel layer knows, by how their pixel data is stored. */
enum dicom_pixel_syntax {
    DICOM_SYNTAX_NATIVE_LE,     /* 1.2.840.10008.1.2, .1.2.1, .1.2.1.99 (inflated by the parser) */
    DICOM_SYNTAX_NATIVE_BE,     /* 1.2.840.10008.1.2.2 (retired; bytes swapped here) */
    DICOM_SYNTAX_RLE,           /* 1.2.840.10008.1.2.5 */
    DICOM_SYNTAX_JPEG_8BIT,     /* .4.50, .4.51 (8-bit: libjpeg; 12-bit grey: codec_jpeg12.c) */
    DICOM_SYNTAX_JPEG_LOSSLESS, /* .4.57, .4.70 (process 14: our own decoder) */
    DICOM_SYNTAX_JPEG_LS,       /* .4.80, .4.81 */
    DICOM_SYNTAX_J2K,           /* .4.90, .4.91, HTJ2K .4.201-203 (OpenJPEG) */
    DICOM_SYNTAX_OTHER, /* encapsulated in a syntax we cannot decode (frames still served) */
};

/** PS3.3 C.7.6.3.1.2 Photometric Interpretation. */
enum dicom_photometric {
    DICOM_PI_MONOCHROME1,
    DICOM_PI_MONOCHROME2,
    DICOM_PI_PALETTE_COLOR,
    DICOM_PI_RGB,
    DICOM_PI_YBR_FULL,
    DICOM_PI_YBR_FULL_422,
    DICOM_PI_YBR_ICT,
    DICOM_PI_YBR_RCT,
    DICOM_PI_OTHER,
};

/** A lookup table (PS3.3 C.11.1 Modality LUT, C.11.2 VOI LUT, C.7.6.3.1.5 palette): its
 *  descriptor and its data, which points into the parsed buffer (16-bit words in the data
 *  set's byte order, or 8-bit entries when the LUT Data is OB of 8-bit tables). */
struct dicom_lut {
    bool present;
    uint32_t entries;     /* 0 in the descriptor means 65536 */
    int32_t first_mapped; /* the first input value mapped */
    unsigned bits;        /* bits per entry: 8 or 16 */
    const uint8_t *data;
    size_t length;
    bool big_endian;
};

/** The Image Pixel module and what rendering needs. Filled by dicom_image_read; points into
 *  the parsed buffer (which must outlive it); free with dicom_image_clear. */
struct dicom_image {
    uint32_t rows, columns, samples_per_pixel, frames;
    enum dicom_photometric photometric;
    char photometric_name[24];
    unsigned planar_configuration; /* 0 interleaved, 1 planar (native only) */
    unsigned bits_allocated, bits_stored, high_bit;
    bool is_signed; /* Pixel Representation 1 */

    double rescale_slope, rescale_intercept; /* 1 and 0 when absent */
    bool has_window;                         /* first of several values */
    double window_center, window_width;
    bool window_sigmoid;                         /* VOI LUT Function SIGMOID */
    struct dicom_lut voi_lut;                    /* first item of VOI LUT Sequence */
    struct dicom_lut modality_lut;               /* first item of Modality LUT Sequence */
    struct dicom_lut palette[3];                 /* red, green, blue */
    uint32_t aspect_vertical, aspect_horizontal; /* Pixel Aspect Ratio, 1:1 when absent */

    enum dicom_pixel_syntax syntax;
    char transfer_syntax[65];

    /* native: the value of Pixel Data (7FE0,0010) */
    bool encapsulated;
    bool pixel_data_ow; /* VR OW (matters for 8-bit big endian data) */
    const uint8_t *pixel_data;
    size_t pixel_length;
    /* encapsulated: the basic offset table (first item), the fragments after it, and the
     * Extended Offset Table (7FE0,0001) and its lengths (7FE0,0002) when present */
    const uint8_t *offset_table;
    size_t offset_table_length;
    const struct dicom_fragment *fragments; /* the parser's */
    size_t fragment_count;
    const uint8_t *extended_offsets, *extended_lengths;
    size_t extended_count;
};

/** Kind of a decoded sample. */
enum dicom_sample {
    DICOM_SAMPLE_U8,
    DICOM_SAMPLE_U16,
    DICOM_SAMPLE_S16,
    DICOM_SAMPLE_U32,
    DICOM_SAMPLE_S32
};

/** One decoded frame: interleaved samples in host byte order, rows × columns × samples. Values
 *  are the stored values (masked to Bits Stored, sign-extended when signed). A YBR frame is
 *  converted to RGB (photometric then says RGB); a 1-bit frame comes as U8 0/1. */
struct dicom_pixels {
    uint32_t rows, columns, samples;
    enum dicom_sample sample;
    enum dicom_photometric photometric;
    unsigned bits_stored; /* significant bits of a sample */
    uint8_t *data;        /* owned */
    size_t length;
};

/** The bytes of one frame in the stored transfer syntax. */
struct dicom_frame_bytes {
    const uint8_t *data; /* points into the parsed buffer, or into owned */
    size_t length;
    uint8_t *owned; /* set when the frame was gathered from several fragments, or is a
                     * native 1-bit frame not starting on a byte */
};

/** The transfer syntax kind of a UID (trailing NUL/space ignored). */
enum dicom_pixel_syntax dicom_pixel_syntax_of(const char *uid);

/** Fills img from a parsed data set. Fails with ERR_DICOM_INVALID when an attribute is missing
 *  or inconsistent (Rows × Columns × Frames larger than the pixel data, bits out of range…),
 *  or ERR_DICOM_UNSUPPORTED when the image is beyond the limits. On failure img is cleared. */
bool dicom_image_read(struct error *err, const struct dicom_dataset *ds, struct dicom_image *img);
/** Checks the attributes of img for consistency (called by dicom_image_read; exposed so that
 *  a caller building an image by hand gets the same checks). */
bool dicom_image_check(struct error *err, const struct dicom_image *img);
/** Frees what img owns (not the buffer it points into). */
void dicom_image_clear(struct dicom_image *img);

/** Bytes of one decoded frame (rows × columns × samples × bytes per sample), or 0 when over
 *  DICOM_PIXELS_MAX_FRAME_BYTES. */
size_t dicom_image_decoded_size(const struct dicom_image *img);

/** The bytes of frame `index` in the stored syntax (native: its slice of Pixel Data, little
 *  endian even when the data set is big endian, as PS3.18 sends native frames;
 *  encapsulated: from the extended or basic offset table, else one fragment per frame, else all
 *  fragments for a single frame). Free with dicom_frame_bytes_clear. */
bool dicom_image_frame_bytes(struct error *err, const struct dicom_image *img, uint32_t index,
                             struct dicom_frame_bytes *out);
void dicom_frame_bytes_clear(struct dicom_frame_bytes *frame);

/** Decodes frame `index` to native samples. ERR_DICOM_UNSUPPORTED names the transfer syntax
 *  when it cannot be decoded here; ERR_DICOM_INVALID when the data is corrupt. Free with
 *  dicom_pixels_clear (also safe on failure). */
bool dicom_image_decode(struct error *err, const struct dicom_image *img, uint32_t index,
                        struct dicom_pixels *out);
void dicom_pixels_clear(struct dicom_pixels *px);

/** Bytes per decoded sample. */
size_t dicom_sample_size(enum dicom_sample sample);
/** Sample i (0-based, over the interleaved array) as an integer. */
int64_t dicom_pixels_value(const struct dicom_pixels *px, size_t i);

#endif
