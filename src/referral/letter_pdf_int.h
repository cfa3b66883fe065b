/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_REFERRAL_LETTER_PDF_INT_H
#define TSUNAGU_REFERRAL_LETTER_PDF_INT_H

/* The typesetter under the letter (letter_typeset.c): Japanese fonts, cleaning of untrusted
 * text, line breaking by character width with basic kinsoku, and pages. Layout is a first pass
 * that records drawing operations page by page; the second pass draws them, so that every page
 * can say "1 / N". */

#include <cairo.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/errors.h"

/* A4 in PDF points (1/72 in) and the margins of the form. */
#define LP_PAGE_W 595.28
#define LP_PAGE_H 841.89
#define LP_MARGIN_X 56.0
#define LP_MARGIN_TOP 56.0
#define LP_BOTTOM (LP_PAGE_H - 62.0) /* below: the footer */
#define LP_CONTENT_W (LP_PAGE_W - 2 * LP_MARGIN_X)

/** Most characters of one text field; the rest is cut with "…". */
enum { LP_FIELD_MAX = 20000 };

enum lp_op_kind { LP_TEXT, LP_FILL, LP_STROKE };

/** One drawing operation on one page. */
struct lp_op {
    int page;
    enum lp_op_kind kind;
    double x, y, w, h; /* text: the baseline origin; rectangles: the box */
    double size;       /* text: font size; stroke: line width */
    double gray;       /* fill: gray level (0 black … 1 white) */
    char *text;        /* LP_TEXT: owned, valid UTF-8 without control characters */
};

/** A document being laid out. */
struct lp_doc {
    cairo_t *cr; /* for measuring, with the font face set; borrowed */
    struct lp_op *ops;
    size_t n, cap;
    int page;   /* the current page, from 0 */
    double y;   /* the top of the next line on the current page */
    bool nomem; /* an allocation failed: the render fails */
    bool full;  /* LETTER_PDF_MAX_PAGES reached: later text is dropped */
    int max_pages;
};

/**
 * The font face for a font file (path NULL or "": the first of LETTER_PDF_FONT_DEFAULTS that
 * loads). Loaded once per path and kept for the life of the process; the caller must not
 * destroy it. In a collection (.ttc) the Japanese face is preferred. ERR_LETTER_FONT if none
 * loads.
 */
cairo_font_face_t *lp_font_face(struct error *err, const char *path);

/** A malloc'd copy of s as valid UTF-8: invalid bytes become U+FFFD, CR LF and CR become LF,
 *  tabs become spaces, other control characters are dropped, and text past max_chars
 *  characters is cut with "…". NULL s gives "". NULL only when memory runs out. */
char *lp_clean(const char *s, size_t max_chars);

/** The advance width of UTF-8 text (cleaned first) at size. */
double lp_width(struct lp_doc *d, double size, const char *text);

/** Records text (cleaned first) with its baseline at (x, baseline) on the current page. */
void lp_text(struct lp_doc *d, double x, double baseline, double size, const char *text);
/** Records a filled (gray) or stroked (line width) rectangle on the current page. */
void lp_fill(struct lp_doc *d, double x, double y, double w, double h, double gray);
void lp_stroke(struct lp_doc *d, double x, double y, double w, double h, double line_width);

/** Makes sure h more points fit on the current page, starting a new page if not. False (and
 *  d->full) when that would pass the page cap. */
bool lp_room(struct lp_doc *d, double h);

/**
 * Breaks text (cleaned first; "\n" ends a paragraph) into lines no wider than width at size:
 * Latin words stay whole where they can, closing punctuation (、。）」 …) never starts a line
 * (it hangs into the margin or pulls the previous character down) and opening brackets never
 * end one. *lines receives a malloc'd array of malloc'd strings (free with lp_lines_free).
 * Returns the number of lines (at least 1), or 0 when memory runs out.
 */
size_t lp_wrap(struct lp_doc *d, const char *text, double size, double width, char ***lines);
void lp_lines_free(char **lines, size_t n);

/** Lays out text as wrapped lines at x, one every leading points, breaking pages as needed. */
void lp_paragraph(struct lp_doc *d, double x, double width, double size, double leading,
                  const char *text);

/** Draws the recorded pages on surface (cairo PDF) with footer_left and "n / N" at the bottom
 *  of every page. ERR_INTERNAL when cairo fails. Frees nothing. */
bool lp_draw(struct error *err, struct lp_doc *d, cairo_surface_t *surface, cairo_font_face_t *face,
             const char *footer_left);

/** Frees the recorded operations. */
void lp_doc_free(struct lp_doc *d);

#endif
