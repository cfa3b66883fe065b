/* SPDX-License-Identifier: Apache-2.0 */
/* WADO-RS retrieval of studies, series and instances (PS3.18 §10.4): the stored Part 10 bytes,
 * streamed from the blob store as multipart/related parts (never transcoded, never loaded
 * whole), and their metadata as the DICOM JSON model with bulk data by reference. */
#include <stdlib.h>
#include <string.h>

#include "dicomweb_int.h"
#include "http/stream.h"
#include "wado_int.h"

static const char sql_study[] =
    "SELECT i.sop_instance_uid, i.series_uid, i.blob_key, i.size_bytes, i.transfer_syntax_uid "
    "FROM imaging_instances i JOIN imaging_series se ON se.series_uid = i.series_uid "
    "WHERE i.study_uid = ? ORDER BY se.series_number, i.series_uid, i.instance_number, "
    "i.sop_instance_uid";
static const char sql_series[] =
    "SELECT sop_instance_uid, series_uid, blob_key, size_bytes, transfer_syntax_uid "
    "FROM imaging_instances WHERE study_uid = ? AND series_uid = ? "
    "ORDER BY instance_number, sop_instance_uid";
static const char sql_instance[] =
    "SELECT sop_instance_uid, series_uid, blob_key, size_bytes, transfer_syntax_uid "
    "FROM imaging_instances WHERE study_uid = ? AND series_uid = ? AND sop_instance_uid = ?";

static enum error_code missing_code(int depth)
{
    return depth == 3   ? ERR_IMAGING_INSTANCE_NOT_FOUND
           : depth == 2 ? ERR_IMAGING_SERIES_NOT_FOUND
                        : ERR_IMAGING_STUDY_NOT_FOUND;
}

bool wado_refs(struct error *err, struct request *req, int depth, struct wado_ref **out, int *count)
{
    const char *study = request_param(req, 0), *series = request_param(req, 1),
               *sop = request_param(req, 2);
    if ((depth >= 2 && !imaging_uid_valid(series)) || (depth >= 3 && !imaging_uid_valid(sop)))
        return error_set(err, missing_code(depth), "malformed UID");
    struct store_stmt *s =
        depth == 1   ? store_query(err, req->op.conn, sql_study, "t", study)
        : depth == 2 ? store_query(err, req->op.conn, sql_series, "tt", study, series)
                     : store_query(err, req->op.conn, sql_instance, "ttt", study, series, sop);
    if (!s)
        return false;
    int n = 0, cap = 16;
    struct wado_ref *refs = arena_alloc(req->op.arena, (size_t)cap * sizeof *refs);
    enum store_step_result r;
    struct arena *a = req->op.arena;
    while ((r = store_step(err, s)) == STORE_ROW) {
        if (n == cap) {
            struct wado_ref *more = arena_alloc(a, (size_t)cap * 2 * sizeof *refs);
            memcpy(more, refs, (size_t)cap * sizeof *refs);
            refs = more, cap *= 2;
        }
        refs[n++] = (struct wado_ref){study,
                                      arena_strdup(a, store_text(s, 1)),
                                      arena_strdup(a, store_text(s, 0)),
                                      arena_strdup(a, store_text(s, 2)),
                                      arena_strdup(a, store_text(s, 4)),
                                      store_int(s, 3)};
    }
    store_done(s);
    if (r == STORE_FAIL)
        return false;
    if (n == 0)
        return error_set(err, missing_code(depth), NULL);
    *out = refs;
    *count = n;
    return true;
}

void wado_unload(struct wado_loaded *l)
{
    dicom_free(l->file);
    free(l->bytes);
    l->file = NULL;
    l->bytes = NULL;
}

static void unload(void *arg)
{
    wado_unload(arg);
}

struct wado_loaded *wado_load(struct error *err, struct request *req, const struct wado_ref *ref)
{
    struct wado_loaded *l = arena_alloc(req->op.arena, sizeof *l);
    memset(l, 0, sizeof *l);
    l->ref = *ref;
    void *data;
    if (!blobs_get(err, req->ctx->env.blobs, ref->blob_key, &data, &l->len))
        return NULL;
    l->bytes = data;
    arena_cleanup_add(req->op.arena, unload, l);
    return dicom_parse(err, l->bytes, l->len, NULL, &l->file) ? l : NULL;
}

const char *wado_instance_url(struct request *req, const struct wado_ref *ref)
{
    return arena_printf(req->op.arena, "%s/studies/%s/series/%s/instances/%s", dicomweb_base(req),
                        ref->study_uid, ref->series_uid, ref->sop_instance_uid);
}

/* ---- instances as application/dicom ------------------------------------------------------- */

/* Whether the Accept header admits multipart/related application/dicom parts of every
 * instance's stored transfer syntax (transfer-syntax absent or "*": as stored; we never
 * transcode). */
static bool accepts_dicom(struct request *req, const struct wado_ref *refs, int n)
{
    struct dicomweb_accept ranges[DICOMWEB_ACCEPT_MAX];
    int count = dicomweb_accept_parse(req, ranges);
    for (int i = 0; i < count; i++) {
        const struct dicomweb_accept *a = &ranges[i];
        bool multipart = strcmp(a->type, "multipart/related") == 0 &&
                         (!a->related_type[0] || strcmp(a->related_type, "application/dicom") == 0);
        if (!multipart && strcmp(a->type, "*/*") != 0 && strcmp(a->type, "multipart/*") != 0)
            continue;
        const char *ts = a->transfer_syntax;
        bool all = true;
        for (int k = 0; k < n && ts[0] && strcmp(ts, "*") != 0; k++)
            all &= strcmp(refs[k].transfer_syntax, ts) == 0;
        if (all)
            return true;
    }
    return false;
}

/* Whether an instance may go as a single application/dicom body (PS3.18 §8.7.3.5: a single
 * instance in a single part), asked for before any multipart range. */
static bool single_part(struct request *req, const struct wado_ref *ref)
{
    struct dicomweb_accept ranges[DICOMWEB_ACCEPT_MAX];
    int count = dicomweb_accept_parse(req, ranges);
    for (int i = 0; i < count; i++) {
        const char *ts = ranges[i].transfer_syntax;
        if (strcmp(ranges[i].type, "application/dicom") == 0)
            return !ts[0] || strcmp(ts, "*") == 0 || strcmp(ts, ref->transfer_syntax) == 0;
        if (strcmp(ranges[i].type, "multipart/related") == 0 || strcmp(ranges[i].type, "*/*") == 0)
            return false;
    }
    return false;
}

/* The instances the path names (depth 1 study, 2 series, 3 instance), as stored. */
static bool retrieve(struct error *err, struct request *req, int depth)
{
    struct wado_ref *refs;
    int n;
    if (!wado_refs(err, req, depth, &refs, &n))
        return false;
    if (depth == 3 && single_part(req, refs)) {
        struct http_stream *s = http_stream_new(req->ctx->env.blobs);
        http_stream_blob(s, refs->blob_key, (uint64_t)refs->size, 0, (uint64_t)refs->size);
        response_stream(req, 200,
                        arena_printf(req->op.arena, "application/dicom; transfer-syntax=%s",
                                     refs->transfer_syntax),
                        s);
        return true;
    }
    if (!accepts_dicom(req, refs, n))
        return error_set(err, ERR_IMAGING_NOT_ACCEPTABLE,
                         "instances are sent as multipart/related; type=\"application/dicom\" in "
                         "their stored transfer syntax");
    struct http_stream *s = http_stream_new(req->ctx->env.blobs);
    struct http_multipart m;
    http_multipart_begin(&m, s);
    for (int i = 0; i < n; i++) {
        http_multipart_part(&m,
                            arena_printf(req->op.arena, "application/dicom; transfer-syntax=%s",
                                         refs[i].transfer_syntax),
                            wado_instance_url(req, &refs[i]));
        http_stream_blob(s, refs[i].blob_key, (uint64_t)refs[i].size, 0, (uint64_t)refs[i].size);
    }
    http_multipart_end(&m);
    response_stream(req, 200, http_multipart_type(req, &m, "application/dicom"), s);
    return true;
}

bool imaging_wado_study(struct error *err, struct request *req)
{
    return retrieve(err, req, 1);
}

bool imaging_wado_series(struct error *err, struct request *req)
{
    return retrieve(err, req, 2);
}

bool imaging_wado_instance(struct error *err, struct request *req)
{
    return retrieve(err, req, 3);
}

/* ---- metadata ------------------------------------------------------------------------------ */

/* Binary values longer than this go by reference (BulkDataURI); shorter ones inline. */
enum { WADO_BULK_THRESHOLD = 256 };

struct bulk_ctx {
    struct request *req;
    const char *instance_url;
};

/* PS3.18 §F.2.6: the URI of a bulk data element: .../bulk/{byte offset of the element} */
static bool bulk_uri(void *ctx, const struct dicom_dataset *ds, const struct dicom_element *el,
                     struct strbuf *uri)
{
    (void)ds;
    struct bulk_ctx *b = ctx;
    strbuf_printf(uri, "%s/bulk/%zu", b->instance_url, el->offset);
    return true;
}

static bool accepts_json(struct request *req)
{
    struct dicomweb_accept ranges[DICOMWEB_ACCEPT_MAX];
    int n = dicomweb_accept_parse(req, ranges);
    for (int i = 0; i < n; i++)
        if (dicomweb_accept_admits(&ranges[i], "application/dicom+json") ||
            strcmp(ranges[i].type, "application/json") == 0)
            return true;
    return false;
}

static bool metadata(struct error *err, struct request *req, int depth)
{
    struct wado_ref *refs;
    int n;
    if (!wado_refs(err, req, depth, &refs, &n))
        return false;
    if (!accepts_json(req))
        return error_set(err, ERR_IMAGING_NOT_ACCEPTABLE, "metadata is application/dicom+json");
    struct http_stream *s = http_stream_new(req->ctx->env.blobs);
    http_stream_text(s, "[");
    for (int i = 0; i < n; i++) {
        struct strbuf json = {0};
        struct bulk_ctx b = {req, wado_instance_url(req, &refs[i])};
        struct dicom_json_options opts = {WADO_BULK_THRESHOLD, bulk_uri, &b, true};
        struct wado_loaded *l = wado_load(err, req, &refs[i]);
        if (!l || !dicom_to_json(err, &l->file->dataset, &opts, &json)) {
            strbuf_release(&json);
            http_stream_free(s);
            return false;
        }
        wado_unload(l); /* one file in memory at a time */
        if (i)
            http_stream_text(s, ",");
        size_t len = json.len;
        http_stream_bytes_take(s, strbuf_steal(&json), len);
    }
    http_stream_text(s, "]");
    response_stream(req, 200, "application/dicom+json", s);
    return true;
}

bool imaging_wado_study_metadata(struct error *err, struct request *req)
{
    return metadata(err, req, 1);
}

bool imaging_wado_series_metadata(struct error *err, struct request *req)
{
    return metadata(err, req, 2);
}

bool imaging_wado_instance_metadata(struct error *err, struct request *req)
{
    return metadata(err, req, 3);
}
