/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_HTTP_MULTIPART_H
#define TSUNAGU_HTTP_MULTIPART_H

/*
 * A strict reader of multipart bodies (RFC 2046 §5.1, RFC 2387 multipart/related), as STOW-RS
 * sends them (PS3.18 §8.6): the parts point into the body (nothing is copied but their headers'
 * Content-Type). Bytes in, parts out: no HTTP, no store; fuzzed (tests/fuzz/fuzz_multipart.c).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/errors.h"

/** The most parts one body may have, and the largest header block of a part. */
enum { MULTIPART_MAX_PARTS = 100000, MULTIPART_MAX_HEADERS = 8192 };

/** One part: its Content-Type (NULL when it has none; lower-cased media type and parameters as
 *  sent, in the arena) and its content (pointing into the body). */
struct multipart_part {
    const char *content_type;
    const uint8_t *data;
    size_t len;
};

/**
 * Reads a Content-Type header value: whether its media type is media_type (case-insensitive,
 * e.g. "multipart/related"), and then its boundary (1–70 characters, RFC 2046 §5.1.1) and its
 * type parameter (NULL when absent), unquoted, in the arena. False with ERR_CONTENT_TYPE when
 * the media type differs or the header is malformed, ERR_BAD_MULTIPART when the boundary is
 * missing or illegal.
 */
bool multipart_content_type(struct error *err, struct arena *arena, const char *header,
                            const char *media_type, const char **boundary, const char **type);

/** The value of parameter name (case-insensitive) of a Content-Type value, unquoted, in the
 *  arena; NULL when absent or malformed. */
const char *multipart_param(struct arena *arena, const char *header, const char *name);

/**
 * Splits body (len bytes) into its parts: an optional preamble, each part after a delimiter line
 * "--boundary" (transport padding allowed), the close delimiter "--boundary--", an epilogue.
 * False with ERR_BAD_MULTIPART naming the byte offset when the first delimiter or the close
 * delimiter is missing (a truncated body), a delimiter line is malformed, a header block is
 * unterminated or too large, or there are no parts or more than MULTIPART_MAX_PARTS. *parts
 * is an array in the arena.
 */
bool multipart_parse(struct error *err, struct arena *arena, const uint8_t *body, size_t len,
                     const char *boundary, struct multipart_part **parts, size_t *count);

#endif
