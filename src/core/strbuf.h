/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_CORE_STRBUF_H
#define TSUNAGU_CORE_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

/** A growable byte buffer, always NUL-terminated. Zero-initialise, then append; free with
 *  strbuf_release. Aborts on out-of-memory (like arena_alloc). */
struct strbuf {
    char *buf;
    size_t len;
    size_t cap;
};

void strbuf_append(struct strbuf *sb, const char *data, size_t n);
/** Makes room for n more bytes (and the NUL after them), for a writer that fills buf itself:
 *  it then raises len and writes the NUL. */
void strbuf_reserve(struct strbuf *sb, size_t n);
void strbuf_puts(struct strbuf *sb, const char *s);
void strbuf_printf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/** Appends s as a JSON string literal (quotes and escapes included). */
void strbuf_json_string(struct strbuf *sb, const char *s);
/** The same for the first n bytes of s (fewer if a NUL comes first). */
void strbuf_json_string_n(struct strbuf *sb, const char *s, size_t n);
/** Appends s as XHTML text (a FHIR narrative): &, <, > and " escaped, line breaks as <br/>. */
void strbuf_xhtml_text(struct strbuf *sb, const char *s);
/** Frees the buffer and zeroes sb. */
void strbuf_release(struct strbuf *sb);
/** Hands the buffer to the caller (who frees it) and zeroes sb. Never NULL. */
char *strbuf_steal(struct strbuf *sb);

#endif
