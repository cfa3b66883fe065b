/* SPDX-License-Identifier: Apache-2.0 */
#include "text.h"

#include <stdio.h>
#include <string.h>
#include <utf8proc.h>

static bool invisible(utf8proc_int32_t cp)
{
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_ZS:
    case UTF8PROC_CATEGORY_ZL:
    case UTF8PROC_CATEGORY_ZP:
    case UTF8PROC_CATEGORY_CC:
    case UTF8PROC_CATEGORY_CF:
    case UTF8PROC_CATEGORY_CS:
    case UTF8PROC_CATEGORY_CO:
    case UTF8PROC_CATEGORY_CN:
        return true;
    default:
        return false;
    }
}

static bool is_mark(utf8proc_int32_t cp)
{
    utf8proc_category_t c = utf8proc_category(cp);
    return c == UTF8PROC_CATEGORY_MN || c == UTF8PROC_CATEGORY_MC || c == UTF8PROC_CATEGORY_ME;
}

/* The code point at s (at most n bytes); its length in *len, 1 for a malformed byte. */
static utf8proc_int32_t next(const char *s, size_t n, size_t *len)
{
    utf8proc_int32_t cp;
    utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, &cp);
    *len = k > 0 ? (size_t)k : 1;
    return k > 0 ? cp : 0;
}

bool text_word_listed(const char *list, const char *word)
{
    size_t n = word ? strlen(word) : 0;
    for (const char *p = list; n && p && *p;) {
        size_t len = strcspn(p, " ");
        if (len == n && strncmp(p, word, n) == 0)
            return true;
        p += len;
        p += strspn(p, " ");
    }
    return false;
}

bool text_visible(const char *s)
{
    if (!s)
        return false;
    /* marks count only with something visible before them, which already counts */
    size_t n = strlen(s), len;
    for (size_t i = 0; i < n; i += len) {
        utf8proc_int32_t cp = next(s + i, n - i, &len);
        if (!invisible(cp) && !is_mark(cp))
            return true;
    }
    return false;
}

void text_trim(const char *s, const char **start, size_t *len)
{
    size_t n = strlen(s), k, i = 0;
    while (i < n && invisible(next(s + i, n - i, &k)))
        i += k;
    size_t end = i, j = i;
    while (j < n) { /* the end of the last visible code point */
        utf8proc_int32_t cp = next(s + j, n - j, &k);
        j += k;
        if (!invisible(cp))
            end = j;
    }
    *start = s + i;
    *len = end - i;
}

void text_copy(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src ? src : "");
}
