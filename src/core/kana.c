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

/* ---- the matching key ---------------------------------------------------------------------- */

/* Katakana letters are U+30A1..U+30FA; these tables index by cp - 0x30A0. */
static utf8proc_int32_t fold_letter(utf8proc_int32_t cp)
{
    switch (cp) {
    case 0x30A1:
    case 0x30A3:
    case 0x30A5:
    case 0x30A7:
    case 0x30A9: // ァィゥェォ
    case 0x30C3:
    case 0x30E3:
    case 0x30E5:
    case 0x30E7:
    case 0x30EE: // ッャュョヮ
        return cp + 1;
    case 0x30F5:
        return 0x30AB; // ヵ → カ
    case 0x30F6:
        return 0x30B1; // ヶ → ケ
    case 0x30C2:
        return 0x30B8; // ヂ → ジ
    case 0x30C5:
        return 0x30BA; // ヅ → ズ
    case 0x30F2:
        return 0x30AA; // ヲ → オ
    case 0x30F0:
        return 0x30A4; // ヰ → イ
    case 0x30F1:
        return 0x30A8; // ヱ → エ
    case 0x30F4:
        return 0x30D6; // ヴ → ブ
    default:
        return cp;
    }
}

/* The vowel row of a (folded) katakana letter: 'a' 'i' 'u' 'e' 'o', or 0. */
static char vowel_of(utf8proc_int32_t cp)
{
    static const char *const rows[] = {"アカガサザタダナハバパマヤラワ", "イキギシジチニヒビピミリ",
                                       "ウクグスズツヌフブプムユル", "エケゲセゼテデネヘベペメレ",
                                       "オコゴソゾトドノホボポモヨロ"};
    static const char vowels[] = "aiueo";
    if (cp < 0x30A0 || cp > 0x30FF)
        return 0;
    utf8proc_uint8_t enc[4];
    utf8proc_ssize_t n = utf8proc_encode_char(cp, enc);
    for (int r = 0; r < 5; r++)
        for (const char *p = rows[r]; *p; p += 3)
            if (n == 3 && memcmp(p, enc, 3) == 0)
                return vowels[r];
    return 0;
}

/* Whether cp only lengthens the vowel of prev (prev's row), so a reading may leave it out. */
static bool lengthens(utf8proc_int32_t prev, utf8proc_int32_t cp)
{
    char v = vowel_of(prev);
    switch (cp) {
    case 0x30A2:
        return v == 'a'; // ア after a-row
    case 0x30A4:
        return v == 'i' || v == 'e'; // イ after i- or e-row (ケイ = ケー)
    case 0x30A6:
        return v == 'u' || v == 'o'; // ウ after u- or o-row (サトウ = サトー)
    case 0x30AA:
        return v == 'o'; // オ after o-row (トオル = トール)
    default:
        return false;
    }
}

char *kana_match_key(const char *utf8)
{
    char *norm = kana_normalize(utf8);
    if (!norm)
        return NULL;
    size_t len = strlen(norm);
    char *out = malloc(len + 1);
    if (!out) {
        free(norm);
        return NULL;
    }
    const utf8proc_uint8_t *src = (const utf8proc_uint8_t *)norm;
    size_t used = 0;
    utf8proc_int32_t cp, prev = 0;
    utf8proc_ssize_t n;
    while (*src && (n = utf8proc_iterate(src, -1, &cp)) > 0) {
        src += n;
        cp = fold_letter(cp);
        if (cp == 0x30FC || cp == 0x301C || cp == 0xFF5E || lengthens(prev, cp))
            continue; // ー, 〜, ～ and lengthening vowels; prev stays the lengthened letter
        used += (size_t)utf8proc_encode_char(cp, (utf8proc_uint8_t *)out + used);
        prev = cp;
    }
    out[used] = '\0';
    free(norm);
    return out;
}
