/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_CORE_JSONW_H
#define TSUNAGU_CORE_JSONW_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"

/** Appends v as compact JSON text: the text json_dumps(v, JSON_COMPACT | JSON_REAL_PRECISION(15))
 *  writes (keys in the order they were set), without jansson's per-object loop check and
 *  buffer copies, which cost more than the writing itself. Returns false, with sb's text cut
 *  back to where it was, for a value json_dumps refuses too: a string that is not UTF-8. */
bool jsonw_append(struct strbuf *sb, const json_t *v);

/** v as compact JSON text (as jsonw_append), NUL-terminated, for the caller to free; its length
 *  in *len. NULL for a value jsonw_append refuses. */
char *jsonw_text(const json_t *v, size_t *len);

#endif
