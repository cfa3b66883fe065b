/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_TESTS_DICOM_BUILD_H
#define TSUNAGU_TESTS_DICOM_BUILD_H

/* Builds small DICOM byte strings for the unit tests (explicit VR little endian unless said). */

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "core/strbuf.h"

static inline void b16(struct strbuf *b, uint16_t v)
{
    uint8_t x[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
    strbuf_append(b, (const char *)x, 2);
}

static inline void b32(struct strbuf *b, uint32_t v)
{
    b16(b, (uint16_t)v);
    b16(b, (uint16_t)(v >> 16));
}

/* An explicit VR LE element header; long-form VRs get the 4-byte length. */
static inline void eheader(struct strbuf *b, uint16_t g, uint16_t e, const char *vr, uint32_t len)
{
    b16(b, g);
    b16(b, e);
    strbuf_append(b, vr, 2);
    bool long_form = strchr("OSU", vr[0]) && strstr("OB OD OF OL OV OW SQ SV UC UN UR UT UV", vr);
    if (long_form) {
        b16(b, 0);
        b32(b, len);
    } else {
        b16(b, (uint16_t)len);
    }
}

static inline void eelem(struct strbuf *b, uint16_t g, uint16_t e, const char *vr, const void *v,
                         size_t len)
{
    eheader(b, g, e, vr, (uint32_t)len);
    strbuf_append(b, v, len);
}

static inline void estr(struct strbuf *b, uint16_t g, uint16_t e, const char *vr, const char *s)
{
    size_t n = strlen(s);
    eheader(b, g, e, vr, (uint32_t)(n + n % 2));
    strbuf_append(b, s, n);
    if (n % 2)
        strbuf_append(b, strcmp(vr, "UI") == 0 ? "\0" : " ", 1);
}

/* An item or delimiter (tag + 4-byte length). */
static inline void item(struct strbuf *b, uint16_t e, uint32_t len)
{
    b16(b, 0xFFFE);
    b16(b, e);
    b32(b, len);
}

/* Preamble, "DICM" and a File Meta group for the transfer syntax. */
static inline void part10_head(struct strbuf *b, const char *syntax)
{
    static const char zeros[128];
    strbuf_append(b, zeros, 128);
    strbuf_append(b, "DICM", 4);
    struct strbuf m = {0};
    eelem(&m, 0x0002, 0x0001, "OB", "\0\1", 2);
    estr(&m, 0x0002, 0x0002, "UI", "1.2.840.10008.5.1.4.1.1.7");
    estr(&m, 0x0002, 0x0003, "UI", "1.2.392.200036.9999.1.1");
    estr(&m, 0x0002, 0x0010, "UI", syntax);
    eheader(b, 0x0002, 0x0000, "UL", 4);
    b32(b, (uint32_t)m.len);
    strbuf_append(b, m.buf, m.len);
    strbuf_release(&m);
}

#endif
