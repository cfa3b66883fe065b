/* SPDX-License-Identifier: Apache-2.0 */
#include "kana.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <utf8proc.h>

static bool is_cont(unsigned char c)
{
    return (c & 0xC0) == 0x80;
}

/* RFC 3629 §4: the byte range allowed right after a multi-byte lead byte. */
static bool second_ok(unsigned char lead, unsigned char c)
{
    switch (lead) {
    case 0xE0:
        return c >= 0xA0 && c <= 0xBF; // no overlong 3-byte forms
    case 0xED:
        return c >= 0x80 && c <= 0x9F; // no surrogates
    case 0xF0:
        return c >= 0x90 && c <= 0xBF; // no overlong 4-byte forms
    case 0xF4:
        return c >= 0x80 && c <= 0x8F; // nothing above U+10FFFF
    default:
        return is_cont(c);
    }
}

/* Length of the well-formed sequence at s (avail bytes left), or 0 if it is ill-formed. */
static size_t sequence_length(const unsigned char *s, size_t avail)
{
    unsigned char lead = s[0];
    size_t len;

    if (lead >= 0x01 && lead <= 0x7F)
        return 1;
    if (lead >= 0xC2 && lead <= 0xDF)
        len = 2;
    else if (lead >= 0xE0 && lead <= 0xEF)
        len = 3;
    else if (lead >= 0xF0 && lead <= 0xF4)
        len = 4;
    else
        return 0; // NUL, stray continuation, C0/C1 overlong leads, F5..FF
    if (avail < len || !second_ok(lead, s[1]))
        return 0;
    for (size_t i = 2; i < len; i++)
        if (!is_cont(s[i]))
            return 0;
    return len;
}

bool utf8_valid(const char *buf, size_t len)
{
    const unsigned char *s = (const unsigned char *)buf;
    size_t i = 0;

    while (i < len) {
        size_t n = sequence_length(s + i, len - i);
        if (n == 0)
            return false;
        i += n;
    }
    return true;
}

static bool is_removed(utf8proc_int32_t cp)
{
    if (cp == 0x30FB || cp == 0xFF65) // ・ and half-width ･ (NFKC already maps ･ to ・)
        return true;
    if ((cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85)
        return true;
    utf8proc_category_t cat = utf8proc_category(cp);
    // Zs covers U+3000 (which NFKC turns into U+0020 anyway), Zl/Zp the line separators.
    return cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL ||
           cat == UTF8PROC_CATEGORY_ZP;
}

/* The key's code point for cp, or -1 to drop it. */
static utf8proc_int32_t key_codepoint(utf8proc_int32_t cp)
{
    if (is_removed(cp))
        return -1;
    if ((cp >= 0x3041 && cp <= 0x3096) || cp == 0x309D || cp == 0x309E)
        return cp + 0x60; // hiragana → katakana, ゝゞ → ヽヾ
    return utf8proc_tolower(cp);
}

/* Maps each code point of src (valid UTF-8, NUL-terminated) into dst; dst NULL only measures.
 * Returns the number of bytes written, without the NUL. */
static size_t map_codepoints(const utf8proc_uint8_t *src, utf8proc_uint8_t *dst)
{
    size_t out = 0;
    utf8proc_int32_t cp;
    utf8proc_ssize_t n;

    while (*src && (n = utf8proc_iterate(src, -1, &cp)) > 0) {
        src += n;
        cp = key_codepoint(cp);
        if (cp < 0)
            continue;
        utf8proc_uint8_t tmp[4];
        utf8proc_ssize_t w = utf8proc_encode_char(cp, dst ? dst + out : tmp);
        out += (size_t)w;
    }
    if (dst)
        dst[out] = '\0';
    return out;
}

static utf8proc_uint8_t *normal_form(const utf8proc_uint8_t *s, utf8proc_option_t options)
{
    utf8proc_uint8_t *result = NULL;
    options |= UTF8PROC_NULLTERM | UTF8PROC_STABLE | UTF8PROC_COMPOSE;
    if (utf8proc_map(s, 0, &result, options) < 0)
        return NULL;
    return result;
}

char *kana_normalize(const char *utf8)
{
    if (!utf8 || !utf8_valid(utf8, strlen(utf8)))
        return NULL;
    utf8proc_uint8_t *nfkc = normal_form((const utf8proc_uint8_t *)utf8, UTF8PROC_COMPAT);
    if (!nfkc)
        return NULL;
    utf8proc_uint8_t *mapped = malloc(map_codepoints(nfkc, NULL) + 1);
    if (!mapped) {
        free(nfkc);
        return NULL;
    }
    map_codepoints(nfkc, mapped);
    free(nfkc);
    utf8proc_uint8_t *key = normal_form(mapped, 0);
    free(mapped);
    return (char *)key;
}
