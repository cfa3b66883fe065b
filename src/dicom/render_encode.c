/* SPDX-License-Identifier: Apache-2.0 */
/* The last steps of rendering: the output size for a viewport, resampling, and encoding as JPEG
 * (libjpeg) or PNG (libpng), both into memory. */
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <png.h>

#include "dicom/render.h"

bool dicom_render_size(struct error *err, const struct dicom_image *img,
                       const struct dicom_render_options *options, uint32_t *width,
                       uint32_t *height)
{
    // PS3.3 C.7.6.3.1.7: Pixel Aspect Ratio is vertical \ horizontal; tall pixels show taller
    double w = img->columns, h = img->rows;
    if (img->aspect_vertical && img->aspect_horizontal)
        h = h * img->aspect_vertical / img->aspect_horizontal;
    double scale = HUGE_VAL;
    if (options->width)
        scale = options->width / w;
    if (options->height && options->height / h < scale)
        scale = options->height / h;
    if (scale == HUGE_VAL)
        scale = 1;
    double out_w = floor(w * scale + 0.5), out_h = floor(h * scale + 0.5);
    out_w = out_w < 1 ? 1 : out_w;
    out_h = out_h < 1 ? 1 : out_h;
    if (out_w > DICOM_RENDER_MAX_SIDE || out_h > DICOM_RENDER_MAX_SIDE)
        return error_set(err, ERR_DICOM_UNSUPPORTED,
                         "render: %.0f x %.0f pixels is over the %d pixel limit; ask for a "
                         "smaller viewport",
                         out_w, out_h, DICOM_RENDER_MAX_SIDE);
    *width = (uint32_t)out_w;
    *height = (uint32_t)out_h;
    return true;
}

/* The source span [first, end) that output position i of n covers in a source of size. */
static void span(uint32_t i, uint32_t n, uint32_t size, uint32_t *first, uint32_t *end)
{
    *first = (uint32_t)((uint64_t)i * size / n);
    *end = (uint32_t)(((uint64_t)i + 1) * size / n);
    if (*end <= *first)
        *end = *first + 1;
}

bool dicom_render_scale(struct error *err, const struct dicom_rendered *src, uint32_t width,
                        uint32_t height, struct dicom_rendered *out)
{
    memset(out, 0, sizeof *out);
    uint32_t ch = src->channels;
    out->data = malloc((size_t)width * height * ch);
    if (!out->data)
        return error_set(err, ERR_NOMEM, "render: %u x %u", width, height);
    out->width = width;
    out->height = height;
    out->channels = ch;
    if (width == src->width && height == src->height) {
        memcpy(out->data, src->data, (size_t)width * height * ch);
        return true;
    }
    for (uint32_t y = 0; y < height; y++) {
        uint32_t y0, y1;
        span(y, height, src->height, &y0, &y1);
        for (uint32_t x = 0; x < width; x++) {
            uint32_t x0, x1;
            span(x, width, src->width, &x0, &x1);
            for (uint32_t c = 0; c < ch; c++) {
                uint64_t sum = 0;
                for (uint32_t sy = y0; sy < y1; sy++)
                    for (uint32_t sx = x0; sx < x1; sx++)
                        sum += src->data[((size_t)sy * src->width + sx) * ch + c];
                uint64_t count = (uint64_t)(y1 - y0) * (x1 - x0);
                out->data[((size_t)y * width + x) * ch + c] = (uint8_t)((sum + count / 2) / count);
            }
        }
    }
    return true;
}

struct jpeg_failure {
    struct jpeg_error_mgr mgr;
    jmp_buf jump;
};

static void on_jpeg_error(j_common_ptr cinfo)
{
    longjmp(((struct jpeg_failure *)(void *)cinfo->err)->jump, 1);
}

static bool encode_jpeg(struct error *err, const struct dicom_rendered *img, int quality,
                        uint8_t **out, size_t *length)
{
    struct jpeg_compress_struct cinfo;
    struct jpeg_failure failure;
    unsigned char *buf = NULL;
    unsigned long size = 0;
    cinfo.err = jpeg_std_error(&failure.mgr);
    failure.mgr.error_exit = on_jpeg_error;
    jpeg_create_compress(&cinfo);
    if (setjmp(failure.jump)) {
        jpeg_destroy_compress(&cinfo);
        free(buf);
        return error_set(err, ERR_INTERNAL, "render: the JPEG encoder failed");
    }
    jpeg_mem_dest(&cinfo, &buf, &size);
    cinfo.image_width = img->width;
    cinfo.image_height = img->height;
    cinfo.input_components = (int)img->channels;
    cinfo.in_color_space = img->channels == 3 ? JCS_RGB : JCS_GRAYSCALE;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, quality, TRUE);
    jpeg_start_compress(&cinfo, TRUE);
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row = img->data + (size_t)cinfo.next_scanline * img->width * img->channels;
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    *out = buf;
    *length = size;
    return true;
}

struct png_sink {
    uint8_t *data;
    size_t length, capacity;
    bool failed;
};

static void png_sink_write(png_structp png, png_bytep bytes, size_t n)
{
    struct png_sink *sink = png_get_io_ptr(png);
    if (sink->length + n > sink->capacity) {
        size_t capacity = (sink->capacity ? sink->capacity * 2 : 65536) + n;
        uint8_t *grown = realloc(sink->data, capacity);
        if (!grown) {
            sink->failed = true;
            png_error(png, "out of memory");
        }
        sink->data = grown;
        sink->capacity = capacity;
    }
    memcpy(sink->data + sink->length, bytes, n);
    sink->length += n;
}

static void png_sink_flush(png_structp png)
{
    (void)png;
}

static bool encode_png(struct error *err, const struct dicom_rendered *img, uint8_t **out,
                       size_t *length)
{
    struct png_sink sink = {0};
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!png || !info) {
        png_destroy_write_struct(&png, &info);
        return error_set(err, ERR_NOMEM, "render: PNG encoder");
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        free(sink.data);
        return error_set(err, sink.failed ? ERR_NOMEM : ERR_INTERNAL,
                         "render: the PNG encoder failed");
    }
    png_set_write_fn(png, &sink, png_sink_write, png_sink_flush);
    png_set_IHDR(png, info, img->width, img->height, 8,
                 img->channels == 3 ? PNG_COLOR_TYPE_RGB : PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_compression_level(png, 3); // rendered on request: speed over the last bytes
    png_write_info(png, info);
    for (uint32_t y = 0; y < img->height; y++)
        png_write_row(png, img->data + (size_t)y * img->width * img->channels);
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    *out = sink.data;
    *length = sink.length;
    return true;
}

bool dicom_render_encode(struct error *err, const struct dicom_rendered *img,
                         enum dicom_render_format format, int quality, uint8_t **out,
                         size_t *length)
{
    *out = NULL;
    *length = 0;
    if (format == DICOM_RENDER_PNG)
        return encode_png(err, img, out, length);
    return encode_jpeg(err, img, quality < 1 ? 1 : quality > 100 ? 100 : quality, out, length);
}
