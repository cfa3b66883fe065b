/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_DICOM_CODEC_JPEG_INT_H
#define TSUNAGU_DICOM_CODEC_JPEG_INT_H

/* What our own JPEG decoders share (codec_ljpeg.c: lossless; codec_jpeg12.c: 12-bit DCT):
 * the marker walk, Huffman tables and the entropy-coded bit reader of ITU-T T.81. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** A Huffman table (T.81 C, F.2.2.3): the canonical codes of each length. */
struct jpeg_huffman {
    bool defined;
    int32_t mincode[17], maxcode[18], valptr[17];
    uint8_t values[256];
};

/** The stream: markers, then entropy-coded bits (F.2.2.5: 0xFF00 is 0xFF; a marker ends the
 *  data and only zero bits follow). `error` is set once, at the first failure. */
struct jpeg_bits {
    const uint8_t *data;
    size_t length, at;
    uint32_t bits;
    int count;
    bool marker;
    const char *error;
};

/** Sets b->error (if not yet set) and returns -1. */
int jpeg_fail(struct jpeg_bits *b, const char *why);
/** Reads a DHT segment into tables[class][id] (class 0 DC/lossless, 1 AC). */
bool jpeg_read_dht(struct jpeg_bits *b, struct jpeg_huffman tables[2][4], const uint8_t *p,
                   size_t n);
/** The next n bits (n <= 16) as an unsigned number. */
int32_t jpeg_receive(struct jpeg_bits *b, int n);
/** The next Huffman-coded value, or -1 (error set). */
int jpeg_decode(struct jpeg_bits *b, const struct jpeg_huffman *h);
/** T.81 F.2.2.1 EXTEND: the signed value of the n bits v. */
int32_t jpeg_extend(int32_t v, int n);
/** Starts reading entropy-coded bits at b->at (after a scan header or a restart marker). */
void jpeg_bits_start(struct jpeg_bits *b);
/** At a restart interval's end: skips to past the RSTn marker and restarts the bits. */
void jpeg_restart(struct jpeg_bits *b);

/** Called for each marker segment: p, n its contents after the length. For SOS the callback
 *  decodes the scan from the entropy-coded data at b->at + 4 + n. */
typedef bool (*jpeg_segment_fn)(void *ctx, struct jpeg_bits *b, int marker, const uint8_t *p,
                                size_t n);
/** Walks the markers from SOI to EOI (T.81 B.2). */
bool jpeg_walk(struct jpeg_bits *b, jpeg_segment_fn segment, void *ctx);

#endif
