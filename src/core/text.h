/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_CORE_TEXT_H
#define TSUNAGU_CORE_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/**
 * Free text as people type it (reasons, comments, names), in valid UTF-8. "Invisible" is every
 * code point that shows nothing by itself: white space and separators (Unicode Z*, including
 * U+3000), controls (Cc), format characters (Cf: zero-width space U+200B, joiners, the BOM
 * U+FEFF, directional marks), unassigned and private code points, and marks (M*) with nothing
 * before them to attach to.
 */

/** Whether s has at least one visible character (false for NULL). */
bool text_visible(const char *s);

/** The span of s without invisible code points at either end: *start and *len. */
void text_trim(const char *s, const char **start, size_t *len);

/** Whether word is one of the space-separated words of list (false for an empty word). */
/** Copies src (NULL: "") into dst of cap bytes, cut if longer: a row's text into a struct. */
void text_copy(char *dst, size_t cap, const char *src);
bool text_word_listed(const char *list, const char *word);

#endif
