/* SPDX-License-Identifier: Apache-2.0 */
/* Photos attached to posts of the team timeline (e.g. a pressure ulcer taken with a tablet):
 * the bytes must decode as JPEG (libjpeg) or PNG (libpng); the pixels are turned upright by the
 * EXIF orientation, reduced to at most TIMELINE_PHOTO_SIDE pixels on the long side and encoded
 * again as JPEG, so that nothing of the original file (EXIF with GPS, XMP, comments, ICC) is kept.
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jpeglib.h>
#include <png.h>

#include "dicom/render.h"
#include "homecare_int.h"

enum {
    PHOTO_QUALITY = 85,
    PHOTO_MAX_DIM = 16384,               /* a side of the upload */
    PHOTO_MAX_PIXELS = 64 * 1024 * 1024, /* decoded pixels of the upload (64 MP) */
};

struct photo {
    struct dicom_rendered px; /* RGB, 3 channels */
    int orientation;          /* EXIF 1..8, 1 when absent */
};

/* ---- EXIF orientation (CIPA DC-008, TIFF 6.0 IFD0 tag 0x0112) ---------------------------------
 */

static unsigned rd16(const uint8_t *p, bool le)
{
    return le ? (unsigned)(p[0] | p[1] << 8) : (unsigned)(p[0] << 8 | p[1]);
}

static uint32_t rd32(const uint8_t *p, bool le)
{
    return le ? (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24
              : (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

int timeline_exif_orientation(const uint8_t *d, size_t n)
{
    if (n < 14 || memcmp(d, "Exif\0\0", 6) != 0)
        return 1;
    const uint8_t *t = d + 6;
    size_t len = n - 6;
    bool le = t[0] == 'I' && t[1] == 'I';
    if (!le && !(t[0] == 'M' && t[1] == 'M'))
        return 1;
    uint32_t ifd = rd32(t + 4, le);
    if (ifd > len - 2)
        return 1;
    unsigned count = rd16(t + ifd, le);
    for (unsigned i = 0; i < count; i++) {
        size_t e = (size_t)ifd + 2 + (size_t)i * 12;
        if (e + 12 > len)
            return 1;
        if (rd16(t + e, le) == 0x0112) {
            unsigned v = rd16(t + e + 8, le);
            return v >= 1 && v <= 8 ? (int)v : 1;
        }
    }
    return 1;
}

/* ---- decoding -------------------------------------------------------------------------------- */

struct jpeg_failure {
    struct jpeg_error_mgr mgr;
    jmp_buf jump;
};

static void on_jpeg_error(j_common_ptr cinfo)
{
    longjmp(((struct jpeg_failure *)(void *)cinfo->err)->jump, 1);
}

static void on_jpeg_message(j_common_ptr cinfo)
{
    (void)cinfo; /* warnings about a damaged file: the decode goes on or fails */
}

/* The libjpeg scaling (1/1 … 1/8) that still leaves the long side at least TIMELINE_PHOTO_SIDE. */
static unsigned jpeg_denominator(unsigned w, unsigned h)
{
    unsigned side = w > h ? w : h, d = 1;
    while (d < 8 && side / (d * 2) >= TIMELINE_PHOTO_SIDE)
        d *= 2;
    return d;
}

static bool decode_jpeg(struct error *err, const uint8_t *data, size_t len, struct photo *out)
{
    struct jpeg_decompress_struct cinfo;
    struct jpeg_failure failure;
    uint8_t *volatile px = NULL;
    cinfo.err = jpeg_std_error(&failure.mgr);
    failure.mgr.error_exit = on_jpeg_error;
    failure.mgr.output_message = on_jpeg_message;
    jpeg_create_decompress(&cinfo);
    if (setjmp(failure.jump)) {
        jpeg_destroy_decompress(&cinfo);
        free(px);
        return error_set(err, ERR_HOMECARE_TIMELINE_NOT_IMAGE, "JPEG");
    }
    jpeg_mem_src(&cinfo, data, (unsigned long)len);
    jpeg_save_markers(&cinfo, JPEG_APP0 + 1, 0xFFFF);
    jpeg_read_header(&cinfo, TRUE);
    out->orientation = 1;
    for (jpeg_saved_marker_ptr m = cinfo.marker_list; m; m = m->next)
        if (m->marker == JPEG_APP0 + 1 && out->orientation == 1)
            out->orientation = timeline_exif_orientation(m->data, m->data_length);
    if (cinfo.image_width > PHOTO_MAX_DIM || cinfo.image_height > PHOTO_MAX_DIM ||
        (uint64_t)cinfo.image_width * cinfo.image_height > PHOTO_MAX_PIXELS) {
        jpeg_destroy_decompress(&cinfo);
        return error_set(err, ERR_HOMECARE_TIMELINE_IMAGE_TOO_LARGE, "%u x %u pixels",
                         cinfo.image_width, cinfo.image_height);
    }
    cinfo.out_color_space = JCS_RGB;
    cinfo.scale_num = 1;
    cinfo.scale_denom = jpeg_denominator(cinfo.image_width, cinfo.image_height);
    jpeg_start_decompress(&cinfo);
    size_t stride = (size_t)cinfo.output_width * 3;
    px = malloc(stride * cinfo.output_height);
    if (!px) {
        jpeg_destroy_decompress(&cinfo);
        return error_set(err, ERR_NOMEM, "photo");
    }
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW row = px + stride * cinfo.output_scanline;
        jpeg_read_scanlines(&cinfo, &row, 1);
    }
    out->px = (struct dicom_rendered){cinfo.output_width, cinfo.output_height, 3, px};
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    return true;
}

struct png_source {
    const uint8_t *data;
    size_t len, pos;
};

static void png_source_read(png_structp png, png_bytep out, size_t n)
{
    struct png_source *src = png_get_io_ptr(png);
    if (n > src->len - src->pos)
        png_error(png, "truncated");
    memcpy(out, src->data + src->pos, n);
    src->pos += n;
}

static void png_quiet(png_structp png, png_const_charp message)
{
    (void)png, (void)message;
}

/* PNG to 8-bit RGB: palettes expanded, 16 bits reduced, grey made RGB, alpha dropped. */
static void png_to_rgb(png_structp png, png_infop info)
{
    png_set_expand(png);
    png_set_strip_16(png);
    png_set_strip_alpha(png);
    png_set_gray_to_rgb(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
}

static bool decode_png(struct error *err, const uint8_t *data, size_t len, struct photo *out)
{
    struct png_source src = {data, len, 0};
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, png_quiet, png_quiet);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    uint8_t *volatile px = NULL;
    png_bytep *volatile rows = NULL;
    if (!png || !info) {
        png_destroy_read_struct(&png, &info, NULL);
        return error_set(err, ERR_NOMEM, "photo");
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_read_struct(&png, &info, NULL);
        free(px);
        free(rows);
        return error_set(err, ERR_HOMECARE_TIMELINE_NOT_IMAGE, "PNG");
    }
    png_set_user_limits(png, PHOTO_MAX_DIM, PHOTO_MAX_DIM);
    png_set_read_fn(png, &src, png_source_read);
    png_read_info(png, info);
    png_uint_32 w = png_get_image_width(png, info), h = png_get_image_height(png, info);
    if ((uint64_t)w * h > PHOTO_MAX_PIXELS)
        png_error(png, "too many pixels");
    png_to_rgb(png, info);
    size_t stride = (size_t)w * 3;
    if (png_get_rowbytes(png, info) != stride)
        png_error(png, "unexpected row size");
    px = malloc(stride * h);
    rows = malloc(sizeof(png_bytep) * h);
    if (!px || !rows)
        png_error(png, "out of memory");
    for (png_uint_32 y = 0; y < h; y++)
        rows[y] = px + stride * y;
    png_read_image(png, rows);
    png_destroy_read_struct(&png, &info, NULL);
    free(rows);
    out->px = (struct dicom_rendered){w, h, 3, px};
    out->orientation = 1;
    return true;
}

/* ---- orientation and size -------------------------------------------------------------------- */

bool timeline_photo_upright(struct error *err, struct dicom_rendered *px, int o)
{
    if (o <= 1 || o > 8)
        return true;
    uint32_t w = px->width, h = px->height;
    bool swap = o >= 5;
    uint32_t ow = swap ? h : w, oh = swap ? w : h;
    uint8_t *dst = malloc((size_t)w * h * 3);
    if (!dst)
        return error_set(err, ERR_NOMEM, "photo");
    for (uint32_t y = 0; y < oh; y++) {
        for (uint32_t x = 0; x < ow; x++) {
            uint32_t sx, sy; /* the stored pixel shown at (x, y) */
            switch (o) {
            case 2:
                sx = w - 1 - x, sy = y;
                break;
            case 3:
                sx = w - 1 - x, sy = h - 1 - y;
                break;
            case 4:
                sx = x, sy = h - 1 - y;
                break;
            case 5:
                sx = y, sy = x;
                break;
            case 6:
                sx = y, sy = h - 1 - x;
                break;
            case 7:
                sx = w - 1 - y, sy = h - 1 - x;
                break;
            default:
                sx = w - 1 - y, sy = x;
                break; /* 8 */
            }
            memcpy(dst + ((size_t)y * ow + x) * 3, px->data + ((size_t)sy * w + sx) * 3, 3);
        }
    }
    free(px->data);
    *px = (struct dicom_rendered){ow, oh, 3, dst};
    return true;
}

bool timeline_photo_reduce(struct error *err, const uint8_t *data, size_t len, uint8_t **out,
                           size_t *out_len, uint32_t *width, uint32_t *height)
{
    static const uint8_t jpeg_magic[] = {0xFF, 0xD8, 0xFF};
    static const uint8_t png_magic[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    struct photo p = {0};
    bool ok;
    if (len >= sizeof jpeg_magic && memcmp(data, jpeg_magic, sizeof jpeg_magic) == 0)
        ok = decode_jpeg(err, data, len, &p);
    else if (len >= sizeof png_magic && memcmp(data, png_magic, sizeof png_magic) == 0)
        ok = decode_png(err, data, len, &p);
    else
        return error_set(err, ERR_HOMECARE_TIMELINE_NOT_IMAGE, "neither JPEG nor PNG");
    if (!ok || !timeline_photo_upright(err, &p.px, p.orientation)) {
        free(p.px.data);
        return false;
    }
    uint32_t w = p.px.width, h = p.px.height, side = w > h ? w : h;
    if (side > TIMELINE_PHOTO_SIDE) {
        w = (uint32_t)((uint64_t)w * TIMELINE_PHOTO_SIDE / side);
        h = (uint32_t)((uint64_t)h * TIMELINE_PHOTO_SIDE / side);
    }
    struct dicom_rendered small = {0};
    ok = dicom_render_scale(err, &p.px, w ? w : 1, h ? h : 1, &small) &&
         dicom_render_encode(err, &small, DICOM_RENDER_JPEG, PHOTO_QUALITY, out, out_len);
    free(p.px.data);
    free(small.data);
    *width = small.width;
    *height = small.height;
    return ok;
}

/* ---- the routes ------------------------------------------------------------------------------ */

static bool media_type_is(const char *header, const char *t)
{
    size_t n = strlen(t);
    return header && strncasecmp(header, t, n) == 0 && (header[n] == '\0' || header[n] == ';');
}

/* The post must be the patient's and the caller its author; *next gets the next number. */
static bool post_owned(struct error *err, struct request *req, const char *post_id, int64_t *next)
{
    struct store_stmt *s = store_query(
        err, req->op.conn,
        "SELECT p.user_id, (SELECT COUNT(*) FROM homecare_post_attachments a WHERE a.post_id = "
        "p.id), (SELECT COALESCE(MAX(a.n), 0) + 1 FROM homecare_post_attachments a "
        "WHERE a.post_id = p.id) FROM homecare_posts p WHERE p.id = ? AND p.patient_id = ?",
        "tt", post_id, req->patient_id);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    bool author = r == STORE_ROW && strcmp(store_text(s, 0), req->op.principal.user_id) == 0;
    int64_t count = r == STORE_ROW ? store_int(s, 1) : 0;
    *next = r == STORE_ROW ? store_int(s, 2) : 0;
    store_done(s);
    if (r != STORE_ROW)
        return r == STORE_FAIL ? false : error_set(err, ERR_HOMECARE_TIMELINE_POST_NOT_FOUND, NULL);
    if (!author)
        return error_set(err, ERR_HOMECARE_TIMELINE_NOT_AUTHOR, NULL);
    return count < TIMELINE_ATTACHMENTS_MAX ? true
                                            : error_set(err, ERR_HOMECARE_TIMELINE_ATTACHMENTS_FULL,
                                                        "%d", TIMELINE_ATTACHMENTS_MAX);
}

static bool upload_check(struct error *err, struct request *req, const char *post_id)
{
    const char *type = request_header(req, "Content-Type");
    if (!ids_uuid_valid(post_id))
        return error_set(err, ERR_HOMECARE_TIMELINE_POST_NOT_FOUND, "malformed id");
    if (!media_type_is(type, "image/jpeg") && !media_type_is(type, "image/png"))
        return error_set(err, ERR_HOMECARE_TIMELINE_NOT_IMAGE_TYPE, NULL);
    if (req->body.len > TIMELINE_PHOTO_MAX_BYTES)
        return error_set(err, ERR_HOMECARE_TIMELINE_IMAGE_TOO_LARGE, "%zu bytes", req->body.len);
    return req->body.len > 0 ? true : error_set(err, ERR_HOMECARE_TIMELINE_NOT_IMAGE, "empty");
}

bool homecare_posts_attach(struct error *err, struct request *req)
{
    const char *post_id = request_param(req, 1);
    int64_t n;
    if (!upload_check(err, req, post_id) || !post_owned(err, req, post_id, &n))
        return false;
    uint8_t *jpeg = NULL;
    size_t len = 0;
    uint32_t w = 0, h = 0;
    char key[BLOB_KEY_LEN];
    /* the work on the pixels happens before the write transaction opens */
    bool ok = timeline_photo_reduce(err, (const uint8_t *)req->body.buf, req->body.len, &jpeg, &len,
                                    &w, &h) &&
              blobs_put(err, req->ctx->env.blobs, jpeg, len, key);
    free(jpeg);
    req->object_type = "homecare_post";
    req->object_id = post_id;
    if (!ok || !op_write_begin(err, &req->op) || !post_owned(err, req, post_id, &n) ||
        !store_exec(err, req->op.conn, NULL,
                    "INSERT INTO homecare_post_attachments (post_id, n, blob_key, media_type, "
                    "width, height, size, original_size, created_at) "
                    "VALUES (?, ?, ?, 'image/jpeg', ?, ?, ?, ?, ?)",
                    "titiiiii", post_id, n, key, (int64_t)w, (int64_t)h, (int64_t)len,
                    (int64_t)req->body.len, req->op.now_ms) ||
        !timeline_sync_communication(err, &req->op, post_id))
        return false;
    req->audit_detail = arena_printf(req->op.arena, "attachment %lld", (long long)n);
    response_json(req, 201,
                  json_pack("{s:I, s:s, s:I, s:I, s:I, s:I}", "n", (json_int_t)n, "media_type",
                            "image/jpeg", "width", (json_int_t)w, "height", (json_int_t)h, "size",
                            (json_int_t)len, "original_size", (json_int_t)req->body.len));
    return true;
}

static json_t *attachment_row(struct store_stmt *s)
{
    return json_pack("{s:I, s:s, s:I, s:I, s:I}", "n", (json_int_t)store_int(s, 0), "media_type",
                     store_text(s, 1), "width", (json_int_t)store_int(s, 2), "height",
                     (json_int_t)store_int(s, 3), "size", (json_int_t)store_int(s, 4));
}

json_t *timeline_attachments(struct error *err, struct store_conn *conn, const char *post_id)
{
    return api_rows(err,
                    store_query(err, conn,
                                "SELECT n, media_type, width, height, size FROM "
                                "homecare_post_attachments WHERE post_id = ? ORDER BY n",
                                "t", post_id),
                    attachment_row);
}

bool homecare_posts_attachment(struct error *err, struct request *req)
{
    const char *post_id = request_param(req, 1), *n = request_param(req, 2);
    char *end;
    long long number = strtoll(n, &end, 10);
    if (!ids_uuid_valid(post_id) || *end || number < 1 || number > TIMELINE_ATTACHMENTS_MAX)
        return error_set(err, ERR_HOMECARE_TIMELINE_ATTACHMENT_NOT_FOUND, NULL);
    struct store_stmt *s =
        store_query(err, req->op.conn,
                    "SELECT a.blob_key, a.media_type FROM homecare_post_attachments a "
                    "JOIN homecare_posts p ON p.id = a.post_id WHERE a.post_id = ? AND a.n = ? "
                    "AND p.patient_id = ?",
                    "tit", post_id, (int64_t)number, req->patient_id);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    char key[BLOB_KEY_LEN] = "", type[32] = "";
    if (r == STORE_ROW) {
        snprintf(key, sizeof key, "%s", store_text(s, 0));
        snprintf(type, sizeof type, "%s", store_text(s, 1));
    }
    store_done(s);
    if (r != STORE_ROW)
        return r == STORE_FAIL ? false
                               : error_set(err, ERR_HOMECARE_TIMELINE_ATTACHMENT_NOT_FOUND, NULL);
    void *data = NULL;
    size_t len = 0;
    if (!blobs_get(err, req->ctx->env.blobs, key, &data, &len))
        return false;
    req->object_type = "homecare_post";
    req->object_id = post_id;
    req->status = 200;
    req->content_type = arena_strdup(req->op.arena, type);
    req->resp_body = data; /* malloc'd: freed with the response */
    req->resp_len = len;
    response_allow_same_origin_frame(req);
    response_header(req, "Content-Disposition", "inline");
    response_header(req, "Cache-Control", "private, no-store");
    return true;
}
