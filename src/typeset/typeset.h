/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_TYPESET_TYPESET_H
#define TSUNAGU_TYPESET_TYPESET_H

/*
 * Printable Japanese documents in A4 as PDF (cairo's PDF surface, fonts through FreeType): the
 * shared layer under the referral letter (referral/letter_pdf.h) and the home-care report
 * (homecare/report_pdf.c). It knows no feature: a document is laid out by its caller's layout
 * function with the blocks below, and the layer does fonts, cleaning of untrusted text, line
 * breaking by character width with basic kinsoku, headings, items, table rows and pages.
 *
 * Layout is a first pass that records drawing operations page by page; the second pass draws
 * them, so that every page can say "1 / N". Nothing is trusted: any string may be NULL, empty,
 * very long or odd UTF-8 (invalid bytes become U+FFFD, control characters are dropped), and the
 * output is capped in pages and bytes. Thread-safe: fonts are loaded once per path and shared.
 */
#include <cairo.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/errors.h"

/** Font files tried, in order, when no font path is configured. */
#define TYPESET_FONT_DEFAULTS                                                                      \
    "/usr/share/fonts/opentype/ipaexfont-mincho/ipaexm.ttf",                                       \
        "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",                                 \
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"

/* A4 in PDF points (1/72 in) and the margins of the customary forms. */
#define TYPESET_PAGE_W 595.28
#define TYPESET_PAGE_H 841.89
#define TYPESET_MARGIN_X 56.0
#define TYPESET_MARGIN_TOP 56.0
#define TYPESET_BOTTOM (TYPESET_PAGE_H - 62.0) /* below: the footer */
#define TYPESET_CONTENT_W (TYPESET_PAGE_W - 2 * TYPESET_MARGIN_X)

/* The body text of the blocks: font size and line spacing (points), and their indent. */
#define TYPESET_BODY 10.5
#define TYPESET_LEADING 17.0
#define TYPESET_INDENT 8.0

enum {
    TYPESET_FIELD_MAX = 20000, /* most characters of one text field; the rest is cut with "…" */
    TYPESET_NAME_MAX = 120,    /* most characters of a name or a table cell */
};

enum typeset_op_kind { TYPESET_TEXT, TYPESET_FILL, TYPESET_STROKE };

/** One drawing operation on one page. */
struct typeset_op {
    int page;
    enum typeset_op_kind kind;
    double x, y, w, h; /* text: the baseline origin; rectangles: the box */
    double size;       /* text: font size; stroke: line width */
    double gray;       /* fill: gray level (0 black … 1 white) */
    char *text;        /* TYPESET_TEXT: owned, valid UTF-8 without control characters */
};

/** A document being laid out. */
struct typeset_doc {
    cairo_t *cr; /* for measuring, with the font face set; borrowed */
    struct typeset_op *ops;
    size_t n, cap;
    int page;      /* the current page, from 0 */
    double y;      /* the top of the next line on the current page */
    bool nomem;    /* an allocation failed: the render fails */
    bool full;     /* max_pages reached: later text is dropped */
    int max_pages; /* the page cap */
};

/**
 * The font face for a font file (path NULL or "": the first of TYPESET_FONT_DEFAULTS that
 * loads), or NULL when none loads (the caller sets its own error). Loaded once per path and
 * kept for the life of the process; the caller must not destroy it. In a collection (.ttc) the
 * Japanese face is preferred; a face without kana is refused.
 */
cairo_font_face_t *typeset_font_face(const char *path);

/** A malloc'd copy of s as valid UTF-8: invalid bytes become U+FFFD, CR LF and CR become LF,
 *  tabs become spaces, other control characters are dropped, and text past max_chars
 *  characters is cut with "…". NULL s gives "". NULL only when memory runs out. */
char *typeset_clean(const char *s, size_t max_chars);

/** The advance width of UTF-8 text (cleaned first) at size. */
double typeset_width(struct typeset_doc *d, double size, const char *text);

/** Records text (cleaned first) with its baseline at (x, baseline) on the current page. */
void typeset_text(struct typeset_doc *d, double x, double baseline, double size, const char *text);
/** Records a filled (gray) or stroked (line width) rectangle on the current page. */
void typeset_fill(struct typeset_doc *d, double x, double y, double w, double h, double gray);
void typeset_stroke(struct typeset_doc *d, double x, double y, double w, double h,
                    double line_width);

/** Makes sure h more points fit on the current page, starting a new page if not. False (and
 *  d->full) when that would pass the page cap; a note then says the rest was left out. */
bool typeset_room(struct typeset_doc *d, double h);

/**
 * Breaks text (cleaned first; "\n" ends a paragraph) into lines no wider than width at size:
 * Latin words stay whole where they can, closing punctuation (、。）」 …) never starts a line
 * (it hangs into the margin or pulls the previous character down) and opening brackets never
 * end one. *lines receives a malloc'd array of malloc'd strings (free with
 * typeset_lines_free). Returns the number of lines (at least 1), or 0 when memory runs out.
 */
size_t typeset_wrap(struct typeset_doc *d, const char *text, double size, double width,
                    char ***lines);
void typeset_lines_free(char **lines, size_t n);

/** Lays out text as wrapped lines at x, one every leading points, breaking pages as needed. */
void typeset_paragraph(struct typeset_doc *d, double x, double width, double size, double leading,
                       const char *text);

/** Draws the recorded pages on surface (cairo PDF) with footer_left and "n / N" at the bottom
 *  of every page. ERR_INTERNAL when cairo fails. Frees nothing. */
bool typeset_draw(struct error *err, struct typeset_doc *d, cairo_surface_t *surface,
                  cairo_font_face_t *face, const char *footer_left);

/** Frees the recorded operations. */
void typeset_doc_free(struct typeset_doc *d);

/* ---- blocks (typeset_blocks.c) ------------------------------------------------------------ */

/** A malloc'd printf result; NULL (and d->nomem) when memory runs out. */
__attribute__((format(printf, 2, 3))) char *typeset_format(struct typeset_doc *d, const char *fmt,
                                                           ...);

/** text (cleaned, at most TYPESET_NAME_MAX characters) fitted to width: *size shrinks down to
 *  min, then characters are cut ("…"). Malloc'd; NULL (and d->nomem) when memory runs out. */
char *typeset_fit(struct typeset_doc *d, const char *text, double width, double *size, double min);

/** A shaded heading bar across the content width; never the last thing on a page. */
void typeset_heading(struct typeset_doc *d, const char *title);

/** Body text indented under a heading; if_empty when text is NULL or "". */
void typeset_text_block(struct typeset_doc *d, const char *text, const char *if_empty);

/** One item of a list with a hanging indent after its bullet; takes text (may be NULL). */
void typeset_item(struct typeset_doc *d, const char *bullet, char *text);

/** A row of n cells of widths, indented, each text fitted to its cell; bit i of shaded shades
 *  cell i. */
void typeset_table_row(struct typeset_doc *d, const char *const *cells, const double *widths, int n,
                       double height, unsigned shaded);

/** Formats "YYYY-MM-DD…" as "2026年11月22日" into out (cap bytes); copies s when it is not a
 *  date. */
void typeset_date_ja(const char *s, char *out, size_t cap);

/** A document to render: its layout function draws it into d with the blocks above. */
struct typeset_pdf {
    cairo_font_face_t *face;                                /* from typeset_font_face */
    const char *title;                                      /* the PDF's metadata title */
    const char *footer;                                     /* at the bottom left of each page */
    int max_pages;                                          /* the page cap */
    void (*layout)(struct typeset_doc *d, const void *arg); /* lays the document out */
    const void *arg;
};

/**
 * Renders the document. On success *pdf receives malloc'd bytes (the caller frees them) and
 * *len their length. Fails with ERR_NOMEM when memory or the output cap (64 MiB) runs out,
 * ERR_INTERNAL when cairo fails; *pdf is then NULL.
 */
bool typeset_pdf_render(struct error *err, const struct typeset_pdf *doc, unsigned char **pdf,
                        size_t *len);

#endif
