/* SPDX-License-Identifier: Apache-2.0 */
/* The blocks of a printed form (typeset.h): headings, text under them, list items with a hanging
 * indent, table rows with fitted cells, Japanese dates; and the PDF output, capped in bytes. */
#include <cairo-pdf.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "typeset.h"

#define PDF_BYTES_MAX (64u * 1024 * 1024)

/* ---- helpers ---------------------------------------------------------------------------- */

void typeset_date_ja(const char *s, char *out, size_t cap)
{
    char date[11];
    int y, m, d;
    snprintf(date, sizeof date, "%s", s ? s : "");
    if (strlen(date) == 10 && clock_parse_date(date, &y, &m, &d))
        snprintf(out, cap, "%d年%d月%d日", y, m, d);
    else
        snprintf(out, cap, "%s", s ? s : "");
}

char *typeset_format(struct typeset_doc *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    if (vasprintf(&s, fmt, ap) < 0) {
        s = NULL;
        d->nomem = true;
    }
    va_end(ap);
    return s;
}

char *typeset_fit(struct typeset_doc *d, const char *text, double width, double *size, double min)
{
    char *s = typeset_clean(text, TYPESET_NAME_MAX);
    char *cut = s ? malloc(strlen(s) + 4) : NULL;
    if (!cut) {
        free(s);
        d->nomem = true;
        return NULL;
    }
    double w = typeset_width(d, *size, s);
    if (w > width)
        *size = *size * width / w < min ? min : *size * width / w;
    strcpy(cut, s);
    size_t len = strlen(s);
    while (len > 0 && typeset_width(d, *size, cut) > width) {
        do /* back one character */
            len--;
        while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80);
        memcpy(cut + len, "…", sizeof "…");
    }
    free(s);
    return cut;
}

/* ---- blocks ----------------------------------------------------------------------------- */

void typeset_heading(struct typeset_doc *d, const char *title)
{
    if (!typeset_room(d, 24 + TYPESET_LEADING))
        return; /* a heading never ends a page */
    d->y += 6;
    typeset_fill(d, TYPESET_MARGIN_X, d->y, TYPESET_CONTENT_W, 17, 0.88);
    typeset_text(d, TYPESET_MARGIN_X + 4, d->y + 12.8, 11, title);
    d->y += 22;
}

void typeset_text_block(struct typeset_doc *d, const char *text, const char *if_empty)
{
    typeset_paragraph(d, TYPESET_MARGIN_X + TYPESET_INDENT, TYPESET_CONTENT_W - TYPESET_INDENT,
                      TYPESET_BODY, TYPESET_LEADING, text && text[0] ? text : if_empty);
}

void typeset_item(struct typeset_doc *d, const char *bullet, char *text)
{
    if (!text || d->full) {
        free(text);
        return;
    }
    double x = TYPESET_MARGIN_X + TYPESET_INDENT, bw = typeset_width(d, TYPESET_BODY, bullet);
    char **lines;
    size_t n = typeset_wrap(d, text, TYPESET_BODY, TYPESET_CONTENT_W - TYPESET_INDENT - bw, &lines);
    for (size_t i = 0; i < n && typeset_room(d, TYPESET_LEADING); i++) {
        if (i == 0)
            typeset_text(d, x, d->y + TYPESET_BODY, TYPESET_BODY, bullet);
        typeset_text(d, x + bw, d->y + TYPESET_BODY, TYPESET_BODY, lines[i]);
        d->y += TYPESET_LEADING;
    }
    typeset_lines_free(lines, n);
    free(text);
}

void typeset_table_row(struct typeset_doc *d, const char *const *cells, const double *widths, int n,
                       double height, unsigned shaded)
{
    if (!typeset_room(d, height))
        return;
    double x = TYPESET_MARGIN_X + TYPESET_INDENT;
    for (int i = 0; i < n; i++) {
        if (shaded & (1u << i))
            typeset_fill(d, x, d->y, widths[i], height, 0.92);
        typeset_stroke(d, x, d->y, widths[i], height, 0.5);
        double size = TYPESET_BODY;
        char *s = typeset_fit(d, cells[i], widths[i] - 8, &size, 6);
        if (s)
            typeset_text(d, x + 4, d->y + (height + size * 0.75) / 2, size, s);
        free(s);
        x += widths[i];
    }
    d->y += height;
}

/* ---- output ----------------------------------------------------------------------------- */

struct sink {
    unsigned char *buf;
    size_t len, cap;
    bool overflow;
};

static cairo_status_t sink_write(void *closure, const unsigned char *data, unsigned int length)
{
    struct sink *s = closure;
    if (s->overflow || length > PDF_BYTES_MAX - s->len) {
        s->overflow = true;
        return CAIRO_STATUS_WRITE_ERROR;
    }
    if (s->len + length > s->cap) {
        size_t cap = s->cap ? s->cap : 64 * 1024;
        while (cap < s->len + length)
            cap *= 2;
        unsigned char *buf = realloc(s->buf, cap);
        if (!buf) {
            s->overflow = true;
            return CAIRO_STATUS_NO_MEMORY;
        }
        s->buf = buf;
        s->cap = cap;
    }
    memcpy(s->buf + s->len, data, length);
    s->len += length;
    return CAIRO_STATUS_SUCCESS;
}

static bool render_to(struct error *err, const struct typeset_pdf *doc, cairo_surface_t *surface)
{
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, doc->title);
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "tsunagu");
    cairo_t *cr = cairo_create(surface);
    cairo_set_font_face(cr, doc->face);
    struct typeset_doc d = {.cr = cr, .y = TYPESET_MARGIN_TOP, .max_pages = doc->max_pages};
    doc->layout(&d, doc->arg);
    cairo_destroy(cr);
    bool ok = !d.nomem ? typeset_draw(err, &d, surface, doc->face, doc->footer)
                       : error_set(err, ERR_NOMEM, "document layout");
    typeset_doc_free(&d);
    return ok;
}

bool typeset_pdf_render(struct error *err, const struct typeset_pdf *doc, unsigned char **pdf,
                        size_t *len)
{
    *pdf = NULL;
    *len = 0;
    struct sink sink = {0};
    cairo_surface_t *surface =
        cairo_pdf_surface_create_for_stream(sink_write, &sink, TYPESET_PAGE_W, TYPESET_PAGE_H);
    bool ok = cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS
                  ? render_to(err, doc, surface)
                  : error_set(err, ERR_NOMEM, "cairo PDF surface");
    cairo_surface_finish(surface);
    cairo_status_t status = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    if (ok && (sink.overflow || status != CAIRO_STATUS_SUCCESS))
        ok = error_set(err, sink.overflow ? ERR_NOMEM : ERR_INTERNAL, "PDF: %s",
                       sink.overflow ? "too large" : cairo_status_to_string(status));
    if (!ok) {
        free(sink.buf);
        return false;
    }
    *pdf = sink.buf;
    *len = sink.len;
    return true;
}
