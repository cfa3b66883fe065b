/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_HTTP_STREAM_H
#define TSUNAGU_HTTP_STREAM_H

/*
 * A response body made of parts that are read only as the body is sent: memory chunks, and
 * ranges of blobs opened one at a time when the reader reaches them (a study of thousands of
 * instances holds one file descriptor at a time and never the whole study in memory). On top
 * of it, the writer of a multipart body (RFC 2046 §5.1; multipart/related, RFC 2387) as
 * DICOMweb answers (PS3.18 §8.7): http_multipart_*.
 *
 * The request parser of multipart bodies is http/multipart.h; this is the response side.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "blobs/blobs.h"
#include "request.h"

struct MHD_Response;
struct http_stream;

/** A new, empty body whose blob parts are read from blobs (borrowed; it must outlive the
 *  response). Aborts on out-of-memory, like strbuf. */
struct http_stream *http_stream_new(struct blobs *blobs);
/** Frees a stream that was not handed to a response. NULL is ignored. */
void http_stream_free(struct http_stream *s);

/** Appends n bytes (copied). */
void http_stream_bytes(struct http_stream *s, const void *data, size_t n);
/** Appends a NUL-terminated text (copied). */
void http_stream_text(struct http_stream *s, const char *text);
/** Appends n bytes of a malloc'd buffer, which the stream takes (frees it, even later on
 *  error). */
void http_stream_bytes_take(struct http_stream *s, void *data, size_t n);
/** Appends bytes [offset, offset + length) of blob key, whose whole size is size (checked when
 *  the blob is opened: a blob that changed size ends the response with an error). */
void http_stream_blob(struct http_stream *s, const char *key, uint64_t size, uint64_t offset,
                      uint64_t length);
/** The body's length so far. */
uint64_t http_stream_length(const struct http_stream *s);
/** Reads the next bytes of the body from position pos (the reader's own, in order: what the
 *  server calls while it sends): how many it put in buf (up to max), 0 at the end, -1 when a
 *  blob cannot be read or has changed size (the response then ends with an error). */
ssize_t http_stream_read(struct http_stream *s, uint64_t pos, char *buf, size_t max);

/** Answers req with the body of s (taken, even on error) and content_type (copied). */
void response_stream(struct request *req, int status, const char *content_type,
                     struct http_stream *s);
/** The MHD response of a body set by response_stream (takes the stream from req). */
struct MHD_Response *stream_response_build(struct request *req);
/** Frees a body that never became a response (arena cleanup of the request). */
void stream_discard(void *req);

/* ---- multipart bodies ------------------------------------------------------------------------ */

enum { HTTP_BOUNDARY_LEN = 48 };

/** The writer of one multipart body into a stream. */
struct http_multipart {
    struct http_stream *s;
    char boundary[HTTP_BOUNDARY_LEN];
    int parts;
};

/** Starts a multipart body in s with a fresh random boundary. */
void http_multipart_begin(struct http_multipart *m, struct http_stream *s);
/** Starts a part: its delimiter and headers (Content-Type content_type, and Content-Location
 *  when location is not NULL); the part's content follows in the stream. */
void http_multipart_part(struct http_multipart *m, const char *content_type, const char *location);
/** Ends the body (the close delimiter). */
void http_multipart_end(struct http_multipart *m);
/** The Content-Type of the body: multipart/related; type="<type>"; boundary=<boundary>, in the
 *  request's arena. type is the root parts' media type, with its own parameters dropped. */
const char *http_multipart_type(struct request *req, const struct http_multipart *m,
                                const char *type);

#endif
