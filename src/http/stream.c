/* SPDX-License-Identifier: Apache-2.0 */
/* Bodies read while they are sent: a list of parts (bytes in memory, ranges of blobs) behind an
 * MHD callback response. A blob is opened when the reader reaches it and closed when it is
 * done, so a response holds at most one file descriptor. */
#include "stream.h"

#include <microhttpd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "response_int.h"

enum part_kind { PART_MEM, PART_OWNED, PART_BLOB };

struct part {
    enum part_kind kind;
    uint64_t length;
    uint64_t offset; /* PART_MEM: in s->mem; PART_BLOB: in the blob */
    void *owned;     /* PART_OWNED */
    char key[BLOB_KEY_LEN];
    uint64_t size; /* PART_BLOB: the blob's whole size */
};

struct http_stream {
    struct blobs *blobs;
    struct strbuf mem; /* every PART_MEM's bytes, one after the other */
    struct part *parts;
    size_t count, cap;
    uint64_t length;
    /* the reader's position */
    size_t at;       /* current part */
    uint64_t at_off; /* bytes of it already sent */
    uint64_t sent;
    int fd; /* the open blob of the current part, or -1 */
};

/* Big enough for few system calls per megabyte; MHD allocates it once per response. */
enum { STREAM_BLOCK = 256 * 1024 };

struct http_stream *http_stream_new(struct blobs *blobs)
{
    struct http_stream *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    s->blobs = blobs;
    s->fd = -1;
    return s;
}

void http_stream_free(struct http_stream *s)
{
    if (!s)
        return;
    if (s->fd >= 0)
        close(s->fd);
    for (size_t i = 0; i < s->count; i++)
        free(s->parts[i].owned);
    free(s->parts);
    strbuf_release(&s->mem);
    free(s);
}

static struct part *part_add(struct http_stream *s, enum part_kind kind, uint64_t length)
{
    if (s->count == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 16;
        s->parts = realloc(s->parts, s->cap * sizeof *s->parts);
        if (!s->parts)
            abort();
    }
    struct part *p = &s->parts[s->count++];
    memset(p, 0, sizeof *p);
    p->kind = kind;
    p->length = length;
    s->length += length;
    return p;
}

void http_stream_bytes(struct http_stream *s, const void *data, size_t n)
{
    if (n == 0)
        return;
    /* consecutive chunks in memory form one part */
    struct part *last = s->count ? &s->parts[s->count - 1] : NULL;
    if (last && last->kind == PART_MEM && last->offset + last->length == s->mem.len) {
        last->length += n;
        s->length += n;
    } else {
        part_add(s, PART_MEM, n)->offset = s->mem.len;
    }
    strbuf_append(&s->mem, data, n);
}

void http_stream_text(struct http_stream *s, const char *text)
{
    http_stream_bytes(s, text, strlen(text));
}

void http_stream_bytes_take(struct http_stream *s, void *data, size_t n)
{
    if (n == 0) {
        free(data);
        return;
    }
    part_add(s, PART_OWNED, n)->owned = data;
}

void http_stream_blob(struct http_stream *s, const char *key, uint64_t size, uint64_t offset,
                      uint64_t length)
{
    if (length == 0)
        return;
    struct part *p = part_add(s, PART_BLOB, length);
    snprintf(p->key, sizeof p->key, "%s", key);
    p->size = size;
    p->offset = offset;
}

uint64_t http_stream_length(const struct http_stream *s)
{
    return s->length;
}

/* Reads up to max bytes of blob part p from where the reader stands; -1 on failure. */
static ssize_t read_blob(struct http_stream *s, const struct part *p, char *buf, size_t max)
{
    if (s->fd < 0) {
        struct error err = {0};
        size_t size;
        if (!blobs_open_fd(&err, s->blobs, p->key, &s->fd, &size)) {
            log_msg(LOG_ERROR, "http.stream", "blob %.12s: %s", p->key, err.detail);
            return -1;
        }
        if (size != p->size || p->offset + p->length > size) {
            log_msg(LOG_ERROR, "http.stream", "blob %.12s changed size", p->key);
            return -1;
        }
    }
    ssize_t n = pread(s->fd, buf, max, (off_t)(p->offset + s->at_off));
    if (n <= 0)
        log_msg(LOG_ERROR, "http.stream", "read blob %.12s failed", p->key);
    return n <= 0 ? -1 : n;
}

/* Copies what the current part has left, up to max bytes; -1 on failure. */
static ssize_t read_part(struct http_stream *s, char *buf, size_t max)
{
    const struct part *p = &s->parts[s->at];
    uint64_t left = p->length - s->at_off;
    size_t n = left < max ? (size_t)left : max;
    switch (p->kind) {
    case PART_MEM:
        memcpy(buf, s->mem.buf + p->offset + s->at_off, n);
        return (ssize_t)n;
    case PART_OWNED:
        memcpy(buf, (char *)p->owned + s->at_off, n);
        return (ssize_t)n;
    case PART_BLOB:
        return read_blob(s, p, buf, n);
    }
    return -1;
}

ssize_t http_stream_read(struct http_stream *s, uint64_t pos, char *buf, size_t max)
{
    if (pos != s->sent)
        return -1; /* read in order; never seek back */
    size_t got = 0;
    while (got < max && s->at < s->count) {
        ssize_t n = read_part(s, buf + got, max - got);
        if (n < 0)
            return -1;
        got += (size_t)n;
        s->at_off += (uint64_t)n;
        if (s->at_off == s->parts[s->at].length) {
            if (s->fd >= 0)
                close(s->fd);
            s->fd = -1;
            if (s->parts[s->at].kind == PART_OWNED) { /* sent: let it go now */
                free(s->parts[s->at].owned);
                s->parts[s->at].owned = NULL;
            }
            s->at++;
            s->at_off = 0;
        }
    }
    s->sent += got;
    return (ssize_t)got;
}

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    ssize_t n = http_stream_read(cls, pos, buf, max);
    return n < 0    ? MHD_CONTENT_READER_END_WITH_ERROR
           : n == 0 ? MHD_CONTENT_READER_END_OF_STREAM
                    : n;
}

static void stream_done(void *cls)
{
    http_stream_free(cls);
}

void stream_discard(void *arg)
{
    struct request *req = arg;
    http_stream_free(req->body_stream);
    req->body_stream = NULL;
}

void response_stream(struct request *req, int status, const char *content_type,
                     struct http_stream *s)
{
    if (!req->body_stream)
        arena_cleanup_add(req->op.arena, stream_discard, req);
    http_stream_free(req->body_stream);
    req->body_stream = s;
    free(req->resp_body);
    req->resp_body = NULL;
    req->resp_len = (size_t)s->length;
    req->status = status;
    req->content_type = arena_strdup(req->op.arena, content_type);
}

struct MHD_Response *stream_response_build(struct request *req)
{
    struct http_stream *s = req->body_stream;
    struct MHD_Response *r =
        MHD_create_response_from_callback(s->length, STREAM_BLOCK, stream_read, s, stream_done);
    if (r)
        req->body_stream = NULL; /* MHD frees it with the response */
    return r;
}

/* ---- multipart ------------------------------------------------------------------------------- */

void http_multipart_begin(struct http_multipart *m, struct http_stream *s)
{
    unsigned char rnd[16];
    randombytes_buf(rnd, sizeof rnd);
    char hex[33];
    sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
    snprintf(m->boundary, sizeof m->boundary, "tsunagu-%s", hex);
    m->s = s;
    m->parts = 0;
}

void http_multipart_part(struct http_multipart *m, const char *content_type, const char *location)
{
    /* RFC 2046 §5.1.1: the CRLF before a delimiter belongs to the delimiter */
    http_stream_text(m->s, m->parts++ ? "\r\n--" : "--");
    http_stream_text(m->s, m->boundary);
    http_stream_text(m->s, "\r\nContent-Type: ");
    http_stream_text(m->s, content_type);
    if (location) {
        http_stream_text(m->s, "\r\nContent-Location: ");
        http_stream_text(m->s, location);
    }
    http_stream_text(m->s, "\r\n\r\n");
}

void http_multipart_end(struct http_multipart *m)
{
    http_stream_text(m->s, m->parts ? "\r\n--" : "--");
    http_stream_text(m->s, m->boundary);
    http_stream_text(m->s, "--\r\n");
}

const char *http_multipart_type(struct request *req, const struct http_multipart *m,
                                const char *type)
{
    size_t n = strcspn(type, ";");
    while (n && type[n - 1] == ' ')
        n--;
    return arena_printf(req->op.arena, "multipart/related; type=\"%.*s\"; boundary=%s", (int)n,
                        type, m->boundary);
}
