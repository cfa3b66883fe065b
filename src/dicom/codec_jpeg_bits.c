/* SPDX-License-Identifier: Apache-2.0 */
/* The parts of ITU-T T.81 our own JPEG decoders share: Huffman tables (C, F.2.2.3), the
 * entropy-coded bit reader (F.2.2.5) with restart markers (E.1.4), and the marker walk (B.2). */
#include <string.h>

#include "dicom/codec_jpeg_int.h"

int jpeg_fail(struct jpeg_bits *b, const char *why)
{
    if (!b->error)
        b->error = why;
    return -1;
}

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

/* T.81 C: the canonical code of each length from the counts. */
static bool build(struct jpeg_huffman *h, const uint8_t counts[16], size_t total)
{
    int32_t code = 0;
    size_t k = 0;
    for (int len = 1; len <= 16; len++) {
        h->valptr[len] = (int32_t)k;
        h->mincode[len] = code;
        code += counts[len - 1];
        k += counts[len - 1];
        h->maxcode[len] = counts[len - 1] ? code - 1 : -1;
        if (code > (1 << len))
            return false;
        code <<= 1;
    }
    h->maxcode[17] = INT32_MAX;
    h->defined = k == total;
    return h->defined;
}

bool jpeg_read_dht(struct jpeg_bits *b, struct jpeg_huffman tables[2][4], const uint8_t *p,
                   size_t n)
{
    while (n > 0) {
        if (n < 17)
            return jpeg_fail(b, "a short DHT segment"), false;
        int tc = p[0] >> 4, th = p[0] & 0x0F;
        size_t total = 0;
        for (int i = 0; i < 16; i++)
            total += p[1 + i];
        if (tc > 1 || th > 3 || total > 256 || n < 17 + total)
            return jpeg_fail(b, "a bad DHT segment"), false;
        struct jpeg_huffman *h = &tables[tc][th];
        memcpy(h->values, p + 17, total);
        if (!build(h, p + 1, total))
            return jpeg_fail(b, "a Huffman table with too many codes"), false;
        p += 17 + total;
        n -= 17 + total;
    }
    return true;
}

static int read_bit(struct jpeg_bits *b)
{
    if (b->count == 0) {
        uint8_t byte = 0;
        if (!b->marker && b->at < b->length) {
            byte = b->data[b->at];
            uint8_t next = b->at + 1 < b->length ? b->data[b->at + 1] : 0xD9;
            if (byte != 0xFF)
                b->at++;
            else if (next == 0x00)
                b->at += 2; // a stuffed zero
            else {
                b->marker = true;
                byte = 0;
            }
        }
        b->bits = byte;
        b->count = 8;
    }
    b->count--;
    return (int)((b->bits >> b->count) & 1);
}

int32_t jpeg_receive(struct jpeg_bits *b, int n)
{
    int32_t v = 0;
    for (int i = 0; i < n; i++)
        v = (v << 1) | read_bit(b);
    return v;
}

int jpeg_decode(struct jpeg_bits *b, const struct jpeg_huffman *h)
{
    int32_t code = 0;
    for (int len = 1; len <= 16; len++) {
        code = (code << 1) | read_bit(b);
        if (code <= h->maxcode[len])
            return h->values[h->valptr[len] + code - h->mincode[len]];
    }
    return jpeg_fail(b, "a Huffman code that no table defines");
}

int32_t jpeg_extend(int32_t v, int n)
{
    return n > 0 && v < (1 << (n - 1)) ? v - (1 << n) + 1 : v;
}

void jpeg_bits_start(struct jpeg_bits *b)
{
    b->count = 0;
    b->marker = false;
}

void jpeg_restart(struct jpeg_bits *b)
{
    while (b->at + 1 < b->length &&
           !(b->data[b->at] == 0xFF && b->data[b->at + 1] >= 0xD0 && b->data[b->at + 1] <= 0xD7))
        b->at++;
    b->at += 2;
    jpeg_bits_start(b);
}

/* The byte after the entropy-coded data: the next marker that is not RSTn. */
static void skip_entropy(struct jpeg_bits *b)
{
    while (b->at + 1 < b->length) {
        uint8_t m = b->data[b->at + 1];
        if (b->data[b->at] == 0xFF && m != 0 && m != 0xFF && !(m >= 0xD0 && m <= 0xD7))
            return;
        b->at++;
    }
}

bool jpeg_walk(struct jpeg_bits *b, jpeg_segment_fn segment, void *ctx)
{
    if (b->length < 4 || be16(b->data) != 0xFFD8)
        return jpeg_fail(b, "no SOI marker"), false;
    b->at = 2;
    while (b->at + 4 <= b->length) {
        if (b->data[b->at] != 0xFF)
            return jpeg_fail(b, "a marker was expected"), false;
        int marker = b->data[b->at + 1];
        if (marker == 0xFF || marker == 0x00) {
            b->at++;
            continue;
        }
        if (marker == 0xD9)
            return true;
        size_t n = be16(b->data + b->at + 2);
        if (n < 2 || b->at + 2 + n > b->length)
            return jpeg_fail(b, "a segment runs past the data"), false;
        size_t at = b->at;
        if (!segment(ctx, b, marker, b->data + at + 4, n - 2))
            return jpeg_fail(b, "a bad segment"), false;
        if (marker == 0xDA)
            skip_entropy(b);
        else
            b->at = at + 2 + n;
    }
    return true; // no EOI: what was decoded stands (the caller checks it has every scan)
}
