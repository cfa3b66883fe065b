/* SPDX-License-Identifier: Apache-2.0 */
/* WADO-RS rendered and thumbnail resources (PS3.18 §10.4.1.1.3, §9.5.1.2): frames decoded and
 * windowed by the pixel layer (dicom/render.h), as image/jpeg or image/png by Accept. */
#include <stdlib.h>
#include <string.h>

#include "dicom/render.h"
#include "dicomweb_int.h"
#include "http/stream.h"
#include "wado_int.h"

/* The first of image/jpeg and image/png the Accept header admits, in its order of preference;
 * for several images, multipart/related; type="image/…" admits its type too. */
static bool choose_format(struct error *err, struct request *req, enum dicom_render_format *out)
{
    struct dicomweb_accept ranges[DICOMWEB_ACCEPT_MAX];
    int n = dicomweb_accept_parse(req, ranges);
    for (int i = 0; i < n; i++) {
        const struct dicomweb_accept *a = &ranges[i];
        const char *t = strcmp(a->type, "multipart/related") == 0 ? a->related_type : a->type;
        if (!*t)
            continue;
        if (dicomweb_accept_admits(a, "image/jpeg") || strcmp(t, "image/jpeg") == 0) {
            *out = DICOM_RENDER_JPEG;
            return true;
        }
        if (dicomweb_accept_admits(a, "image/png") || strcmp(t, "image/png") == 0) {
            *out = DICOM_RENDER_PNG;
            return true;
        }
    }
    return error_set(err, ERR_IMAGING_NOT_ACCEPTABLE,
                     "rendered images are image/jpeg or image/png");
}

static bool parse_numbers(const char *s, double *v, int max, int *count)
{
    int n = 0;
    for (const char *p = s; n < max;) {
        char *end;
        v[n++] = strtod(p, &end);
        if (end == p || (*end && *end != ','))
            return false;
        if (!*end) {
            *count = n;
            return true;
        }
        p = end + 1;
    }
    return false;
}

/* PS3.18 §8.3.5.1: window=center,width,function (linear only), quality=1..100,
 * viewport=vw,vh. */
static bool render_options(struct error *err, struct request *req, bool thumbnail,
                           struct dicom_render_options *o)
{
    static const char *const allowed[] = {"window", "quality", "viewport", NULL};
    static const char *const allowed_thumb[] = {"viewport", NULL};
    if (!request_query_check(err, req, thumbnail ? allowed_thumb : allowed))
        return false;
    memset(o, 0, sizeof *o);
    const char *w = request_query(req, "window"), *q = request_query(req, "quality"),
               *vp = request_query(req, "viewport");
    double v[3];
    int n;
    if (w) {
        const char *fn = strchr(w, ',') ? strchr(strchr(w, ',') + 1, ',') : NULL;
        if (fn && strcasecmp(fn + 1, "linear") != 0)
            return error_set(err, ERR_BAD_QUERY, "window: only the linear function is supported");
        char *cw = fn ? strndup(w, (size_t)(fn - w)) : strdup(w);
        bool ok = cw && parse_numbers(cw, v, 2, &n) && n == 2 && v[1] >= 1;
        free(cw);
        if (!ok)
            return error_set(err, ERR_BAD_QUERY, "window must be center,width[,linear]");
        o->has_window = true;
        o->window_center = v[0];
        o->window_width = v[1];
    }
    if (q && (!parse_numbers(q, v, 1, &n) || v[0] < 1 || v[0] > 100 || v[0] != (int)v[0]))
        return error_set(err, ERR_BAD_QUERY, "quality must be 1 to 100");
    o->quality = q ? (int)v[0] : 0;
    if (vp) {
        if (!parse_numbers(vp, v, 2, &n) || n != 2 || v[0] < 0 || v[1] < 0 ||
            v[0] > DICOM_RENDER_MAX_SIDE || v[1] > DICOM_RENDER_MAX_SIDE)
            return error_set(err, ERR_BAD_QUERY, "viewport must be width,height");
        o->width = (uint32_t)v[0];
        o->height = (uint32_t)v[1];
    } else if (thumbnail) {
        o->width = o->height = DICOM_THUMBNAIL_SIZE;
    }
    return choose_format(err, req, &o->format);
}

static const char *mime_of(enum dicom_render_format f)
{
    return f == DICOM_RENDER_PNG ? "image/png" : "image/jpeg";
}

/* Renders frame index of ref into a malloc'd image. */
static bool render_one(struct error *err, struct request *req, const struct wado_ref *ref,
                       uint32_t index, const struct dicom_render_options *o, uint8_t **out,
                       size_t *len)
{
    struct wado_loaded *l = wado_load(err, req, ref);
    struct dicom_image *img = arena_alloc(req->op.arena, sizeof *img);
    if (!l || !wado_image(err, req, l, img))
        return false;
    if (index >= img->frames)
        return error_set(err, ERR_IMAGING_FRAME_NOT_FOUND, "frame %u of %u", index + 1,
                         img->frames);
    bool ok = dicom_render(err, img, index, o, out, len);
    if (!ok && err->code != ERR_FIELD_VALUE) {
        const char *why = arena_strdup(req->op.arena, err->detail);
        error_clear(err);
        error_set(err, ERR_IMAGING_RENDER_FAILED, "%s", why);
    }
    wado_unload(l);
    return ok;
}

static void answer_image(struct request *req, enum dicom_render_format f, uint8_t *data, size_t len)
{
    struct http_stream *s = http_stream_new(req->ctx->env.blobs);
    http_stream_bytes_take(s, data, len);
    response_stream(req, 200, mime_of(f), s);
}

/* Several images as multipart/related parts (rendered study, series or frames). */
static bool answer_many(struct error *err, struct request *req, const struct wado_ref *refs, int n,
                        const uint32_t *frames, const struct dicom_render_options *o)
{
    struct http_stream *s = http_stream_new(req->ctx->env.blobs);
    struct http_multipart m;
    http_multipart_begin(&m, s);
    for (int i = 0; i < n; i++) {
        uint8_t *data;
        size_t len;
        const struct wado_ref *ref = frames ? &refs[0] : &refs[i];
        if (!render_one(err, req, ref, frames ? frames[i] : 0, o, &data, &len)) {
            if (!frames && err->code == ERR_IMAGING_FRAME_NOT_FOUND) {
                error_clear(err); /* an instance without an image (a report) is left out */
                continue;
            }
            http_stream_free(s);
            return false;
        }
        http_multipart_part(&m, mime_of(o->format), NULL);
        http_stream_bytes_take(s, data, len);
    }
    http_multipart_end(&m);
    response_stream(req, 200, http_multipart_type(req, &m, mime_of(o->format)), s);
    return true;
}

static bool frame_list(struct error *err, const char *list, uint32_t *out, int *count)
{
    int n = 0;
    for (const char *p = list; n < 64;) {
        char *end;
        long v = strtol(p, &end, 10);
        if (end == p || v < 1 || (*end && *end != ','))
            return error_set(err, ERR_BAD_QUERY, "frames: a comma-separated list of numbers");
        out[n++] = (uint32_t)(v - 1);
        if (!*end) {
            *count = n;
            return true;
        }
        p = end + 1;
    }
    return error_set(err, ERR_BAD_QUERY, "frames: at most 64 rendered at once");
}

/* depth: 1 study, 2 series, 3 instance, 4 frames. */
static bool rendered(struct error *err, struct request *req, int depth)
{
    struct dicom_render_options o;
    struct wado_ref *refs;
    int n;
    if (!render_options(err, req, false, &o) ||
        !wado_refs(err, req, depth > 3 ? 3 : depth, &refs, &n))
        return false;
    uint8_t *data;
    size_t len;
    if (depth == 4) {
        uint32_t frames[64];
        int count;
        if (!frame_list(err, request_param(req, 3), frames, &count))
            return false;
        if (count > 1)
            return answer_many(err, req, refs, count, frames, &o);
        if (!render_one(err, req, refs, frames[0], &o, &data, &len))
            return false;
    } else if (depth < 3) {
        return answer_many(err, req, refs, n, NULL, &o);
    } else if (!render_one(err, req, refs, 0, &o, &data, &len)) {
        return false;
    }
    answer_image(req, o.format, data, len);
    return true;
}

/* The thumbnail of a study or series: its middle instance's (PS3.18 leaves the choice). */
static bool thumbnail(struct error *err, struct request *req, int depth)
{
    struct dicom_render_options o;
    struct wado_ref *refs;
    int n;
    if (!render_options(err, req, true, &o) ||
        !wado_refs(err, req, depth > 3 ? 3 : depth, &refs, &n))
        return false;
    uint32_t frame = 0;
    if (depth == 4) {
        uint32_t frames[64];
        int count;
        if (!frame_list(err, request_param(req, 3), frames, &count))
            return false;
        frame = frames[0];
    }
    uint8_t *data;
    size_t len;
    if (!render_one(err, req, &refs[depth < 3 ? n / 2 : 0], frame, &o, &data, &len))
        return false;
    answer_image(req, o.format, data, len);
    return true;
}

bool imaging_wado_study_rendered(struct error *err, struct request *req)
{
    return rendered(err, req, 1);
}
bool imaging_wado_series_rendered(struct error *err, struct request *req)
{
    return rendered(err, req, 2);
}
bool imaging_wado_instance_rendered(struct error *err, struct request *req)
{
    return rendered(err, req, 3);
}
bool imaging_wado_frames_rendered(struct error *err, struct request *req)
{
    return rendered(err, req, 4);
}
bool imaging_wado_study_thumbnail(struct error *err, struct request *req)
{
    return thumbnail(err, req, 1);
}
bool imaging_wado_series_thumbnail(struct error *err, struct request *req)
{
    return thumbnail(err, req, 2);
}
bool imaging_wado_instance_thumbnail(struct error *err, struct request *req)
{
    return thumbnail(err, req, 3);
}
bool imaging_wado_frames_thumbnail(struct error *err, struct request *req)
{
    return thumbnail(err, req, 4);
}
