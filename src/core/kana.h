/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_CORE_KANA_H
#define TSUNAGU_CORE_KANA_H

#include <stdbool.h>
#include <stddef.h>

/**
 * True if buf[0..len) is well-formed UTF-8 (RFC 3629 §4): no overlong forms, no surrogates
 * (U+D800–U+DFFF), nothing above U+10FFFF, no truncated sequence. A NUL byte inside the range
 * counts as invalid, so a valid buffer is also a safe C string once terminated. buf may be NULL
 * only when len is 0.
 */
bool utf8_valid(const char *buf, size_t len);

/**
 * The search key of a person's name, so that ｶﾅ, カナ and かな, full and half width, with or
 * without spaces, all compare equal:
 *  - NFKC (half-width ｶﾅ and ﾀﾞ become カナ and ダ, full-width Latin and digits become ASCII);
 *  - hiragana U+3041–U+3096 become katakana (+0x60), and ゝゞ become ヽヾ;
 *  - letters are lower-cased (utf8proc_tolower; for names this means Latin);
 *  - white space (ASCII, U+3000 and every other Unicode space or line separator) and the
 *    separators ・ (U+30FB) and ･ (U+FF65) are removed;
 *  - the result is recomposed (NFC), so a detached ゛ after removal of its space still voices.
 * Example: "ﾔﾏﾀﾞ ﾊﾅｺ", "やまだ　はなこ" and "ヤマダハナコ" all give "ヤマダハナコ".
 *
 * utf8 is a NUL-terminated string. Returns a malloc'd NUL-terminated string that the caller
 * frees, or NULL if utf8 is NULL, is not valid UTF-8, or memory runs out.
 */
char *kana_normalize(const char *utf8);

/**
 * A looser key for finding the same person written differently (patient matching, not search):
 * kana_normalize, then the variants of Japanese readings fold together:
 *  - small kana become their full-size letters (ァィゥェォッャュョヮヵヶ →
 * アイウエオツヤユヨワカケ);
 *  - ヂ → ジ, ヅ → ズ, ヲ → オ, ヰ → イ, ヱ → エ, ヴ → ブ;
 *  - the long-vowel mark ー (and ｰ, 〜) is dropped, and so is a vowel that lengthens the one
 *    before it: ウ or オ after an o-row kana (サトウ = サトオ = サトー → サト), イ after an e-row
 *    kana (ケイコ = ケーコ → ケコ), and a doubled ア, イ or ウ after a kana of its row.
 * Two readings with the same key are likely the same name; the key itself is never shown.
 * Same contract as kana_normalize: a malloc'd string, or NULL for NULL or invalid UTF-8.
 */
char *kana_match_key(const char *utf8);

#endif
