/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_AUTH_PASSWORD_INT_H
#define TSUNAGU_AUTH_PASSWORD_INT_H

#include <stddef.h>

/**
 * The block-list of common passwords (password_blocklist.c): lower-case, at least
 * PASSWORD_MIN_CHARS long, sorted by strcmp() without duplicates, so it can be searched with
 * bsearch(). Static storage; never freed.
 */
extern const char *const password_blocklist[];
extern const size_t password_blocklist_count;

#endif
