/* SPDX-License-Identifier: Apache-2.0 */
/* WADO-RS frames and bulk data (PS3.18 §10.4.1.1.3-4): the stored bytes of the frames or
 * elements asked for, as multipart/related parts, served from the blob store by range when they
 * lie in the file as one piece. */
#include <stdlib.h>
#include <string.h>

#include "dicom/pixels.h"
#include "dicomweb_int.h"
#include "http/stream.h"
#include "wado_int.h"

enum { WADO_FRAMES_MAX = 1024 };

/* PS3.18 Table 8.7.3-5: the media type of a frame in a compressed transfer syntax;
 * application/octet-stream for native (uncompressed) pixel data. */
static const char *frame_media_type(const char *ts)
{
    switch (dicom_pixel_syntax_of(ts)) {
    case DICOM_SYNTAX_RLE:
        return "image/dicom-rle";
    case DICOM_SYNTAX_JPEG_8BIT:
    case DICOM_SYNTAX_JPEG_LOSSLESS:
        return "image/jpeg";
    case DICOM_SYNTAX_JPEG_LS:
        return "image/jls";
    case DICOM_SYNTAX_J2K:
        return "image/jp2";
    default:
        return "application/octet-stream";
    }
}

/* The part type for bytes in transfer syntax ts that the Accept header admits (its own media
 * type, or application/octet-stream), or NULL (406). transfer-syntax must be absent, "*" or ts:
 * the archive never transcodes. */
static const char *accepted_part_type(struct request *req, const char *ts, const char *own)
{
    struct dicomweb_accept ranges[DICOMWEB_ACCEPT_MAX];
    int n = dicomweb_accept_parse(req, ranges);
    for (int i = 0; i < n; i++) {
        const struct dicomweb_accept *a = &ranges[i];
        const char *t = a->transfer_syntax;
        if (t[0] && strcmp(t, "*") != 0 && strcmp(t, ts) != 0)
            continue;
        if (strcmp(a->type, "*/*") == 0 || strcmp(a->type, "multipart/*") == 0)
            return own;
        if (strcmp(a->type, "multipart/related") != 0)
            continue;
        if (!a->related_type[0] || strcmp(a->related_type, "application/octet-stream") == 0)
            return "application/octet-stream";
        if (strcmp(a->related_type, own) == 0)
            return own;
    }
    return NULL;
}

/* A frame list "1,2,3" (1-based, PS3.18 §8.1.1) into 0-based indexes. */
static bool parse_frames(struct error *err, const char *list, uint32_t frames, uint32_t *out,
                         int *count)
{
    int n = 0;
    for (const char *p = list;;) {
        char *end;
        long v = strtol(p, &end, 10);
        if (end == p || (*end && *end != ',') || *p == '-' || *p == '+')
            return error_set(err, ERR_BAD_QUERY, "frames: a comma-separated list of numbers");
        if (v < 1 || (uint64_t)v > frames)
            return error_set(err, ERR_IMAGING_FRAME_NOT_FOUND, "frame %ld of %u", v, frames);
        if (n == WADO_FRAMES_MAX)
            return error_set(err, ERR_BAD_QUERY, "frames: at most %d", WADO_FRAMES_MAX);
        out[n++] = (uint32_t)(v - 1);
        if (!*end)
            break;
        p = end + 1;
    }
    *count = n;
    return true;
}

static void image_clear(void *arg)
{
    dicom_image_clear(arg);
}

bool wado_image(struct error *err, struct request *req, struct wado_loaded *l,
                struct dicom_image *img)
{
    memset(img, 0, sizeof *img);
    if (!dicom_image_read(err, &l->file->dataset, img)) {
        error_clear(err);
        return error_set(err, ERR_IMAGING_FRAME_NOT_FOUND, "the instance has no image");
    }
    arena_cleanup_add(req->op.arena, image_clear, img);
    return true;
}

/* Appends bytes of the loaded file: by range of the blob when they are a slice of it (not
 * inflated), else copied. */
static void append_slice(struct http_stream *s, const struct wado_loaded *l, const uint8_t *data,
                         size_t length)
{
    if (!l->file->deflated && data >= l->bytes && data + length <= l->bytes + l->len)
        http_stream_blob(s, l->ref.blob_key, (uint64_t)l->len, (uint64_t)(data - l->bytes), length);
    else
        http_stream_bytes(s, data, length);
}

bool imaging_wado_frames(struct error *err, struct request *req)
{
    struct wado_ref *ref;
    int n;
    if (!wado_refs(err, req, 3, &ref, &n))
        return false;
    struct wado_loaded *l = wado_load(err, req, ref);
    struct dicom_image *img = arena_alloc(req->op.arena, sizeof *img);
    uint32_t *frames = arena_alloc(req->op.arena, WADO_FRAMES_MAX * sizeof *frames);
    int count;
    if (!l || !wado_image(err, req, l, img) ||
        !parse_frames(err, request_param(req, 3), img->frames, frames, &count))
        return false;
    const char *ts = ref->transfer_syntax;
    const char *type = accepted_part_type(req, ts, frame_media_type(ts));
    if (!type)
        return error_set(err, ERR_IMAGING_NOT_ACCEPTABLE,
                         "frames are sent in their stored transfer syntax %s", ts);
    struct http_stream *s = http_stream_new(req->ctx->env.blobs);
    struct http_multipart m;
    http_multipart_begin(&m, s);
    for (int i = 0; i < count; i++) {
        struct dicom_frame_bytes fb = {0};
        if (!dicom_image_frame_bytes(err, img, frames[i], &fb)) {
            http_stream_free(s);
            return false;
        }
        http_multipart_part(&m, arena_printf(req->op.arena, "%s; transfer-syntax=%s", type, ts),
                            NULL);
        append_slice(s, l, fb.data, fb.length);
        dicom_frame_bytes_clear(&fb);
    }
    http_multipart_end(&m);
    response_stream(req, 200, http_multipart_type(req, &m, type), s);
    return true;
}

/* ---- bulk data ----------------------------------------------------------------------------- */

/* The binary element of ds (or of its items, at any depth) whose header is at offset. */
static const struct dicom_element *find_at(const struct dicom_dataset *ds, size_t offset)
{
    for (size_t i = 0; i < ds->count; i++) {
        const struct dicom_element *el = &ds->elements[i];
        if (el->offset == offset)
            return dicom_vr_is_binary(el->vr) || el->encapsulated ? el : NULL;
        for (size_t k = 0; k < el->item_count; k++) {
            const struct dicom_element *found = find_at(&el->items[k], offset);
            if (found)
                return found;
        }
    }
    return NULL;
}

bool imaging_wado_bulk(struct error *err, struct request *req)
{
    struct wado_ref *ref;
    int n;
    if (!wado_refs(err, req, 3, &ref, &n))
        return false;
    const char *p = request_param(req, 3);
    char *end;
    unsigned long long offset = strtoull(p, &end, 10);
    if (*end || *p < '0' || *p > '9')
        return error_set(err, ERR_IMAGING_BULKDATA_NOT_FOUND, "malformed reference");
    struct wado_loaded *l = wado_load(err, req, ref);
    if (!l)
        return false;
    const struct dicom_element *el = find_at(&l->file->dataset, (size_t)offset);
    if (!el)
        return error_set(err, ERR_IMAGING_BULKDATA_NOT_FOUND, NULL);
    const char *type = accepted_part_type(req, ref->transfer_syntax, "application/octet-stream");
    if (!type)
        return error_set(err, ERR_IMAGING_NOT_ACCEPTABLE,
                         "bulk data is multipart/related; type=\"application/octet-stream\"");
    struct http_stream *s = http_stream_new(req->ctx->env.blobs);
    struct http_multipart m;
    http_multipart_begin(&m, s);
    http_multipart_part(&m, "application/octet-stream", NULL);
    append_slice(s, l, el->value, el->value_length);
    http_multipart_end(&m);
    response_stream(req, 200, http_multipart_type(req, &m, "application/octet-stream"), s);
    return true;
}
