/* SPDX-License-Identifier: Apache-2.0 */
/* The typesetter (typeset.h): fonts through FreeType, cleaning of untrusted UTF-8, line breaking
 * with basic kinsoku (JIS X 4051 §3.1.7 and §3.1.10: line-start and line-end prohibited characters,
 * here by hanging punctuation or pulling a character down), and the recorded pages drawn with
 * cairo. */
#include <cairo-ft.h>
#include <ft2build.h>
#include FT_FREETYPE_H
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "typeset.h"

/* ---- fonts ------------------------------------------------------------------------------ */

enum { FONT_CACHE = 8, FONT_FACES_MAX = 64 };

static pthread_mutex_t font_lock = PTHREAD_MUTEX_INITIALIZER;
static FT_Library font_library;
static struct {
    char *path;
    cairo_font_face_t *face;
} fonts[FONT_CACHE];
static int font_count;

/* The face of a file to use: in a collection the first Japanese one, else the first; it must
 * be scalable and have kana. Called with font_lock held. */
static FT_Face open_face(const char *path)
{
    FT_Face probe;
    if (FT_New_Face(font_library, path, -1, &probe) != 0)
        return NULL;
    long faces = probe->num_faces;
    FT_Done_Face(probe);
    FT_Face chosen = NULL;
    for (long i = 0; i < faces && i < FONT_FACES_MAX; i++) {
        FT_Face f;
        if (FT_New_Face(font_library, path, i, &f) != 0)
            continue;
        bool usable = FT_IS_SCALABLE(f) && FT_Get_Char_Index(f, 0x3042) != 0; /* あ */
        bool japanese = usable && f->family_name && strstr(f->family_name, "JP");
        if (usable && (!chosen || japanese)) {
            if (chosen)
                FT_Done_Face(chosen);
            chosen = f;
            if (japanese)
                break;
        } else {
            FT_Done_Face(f);
        }
    }
    return chosen;
}

/* Called with font_lock held. */
static cairo_font_face_t *cached_face(const char *path)
{
    for (int i = 0; i < font_count; i++)
        if (strcmp(fonts[i].path, path) == 0)
            return fonts[i].face;
    if (font_count == FONT_CACHE || (!font_library && FT_Init_FreeType(&font_library) != 0))
        return NULL;
    char *copy = strdup(path);
    FT_Face ft = copy ? open_face(path) : NULL;
    if (!ft) {
        free(copy);
        return NULL;
    }
    /* cairo locks the FT_Face itself while it uses it; both live until the process ends */
    cairo_font_face_t *face = cairo_ft_font_face_create_for_ft_face(ft, 0);
    if (cairo_font_face_status(face) != CAIRO_STATUS_SUCCESS) {
        cairo_font_face_destroy(face);
        FT_Done_Face(ft);
        free(copy);
        return NULL;
    }
    fonts[font_count].path = copy;
    fonts[font_count++].face = face;
    return face;
}

cairo_font_face_t *typeset_font_face(const char *path)
{
    static const char *const defaults[] = {TYPESET_FONT_DEFAULTS};
    cairo_font_face_t *face = NULL;
    pthread_mutex_lock(&font_lock);
    if (path && path[0]) {
        face = cached_face(path);
    } else {
        for (size_t i = 0; !face && i < sizeof defaults / sizeof defaults[0]; i++)
            face = cached_face(defaults[i]);
    }
    pthread_mutex_unlock(&font_lock);
    return face;
}

/* ---- text ------------------------------------------------------------------------------- */

/* One character of s (n bytes left, n ≥ 1) per RFC 3629 §4; *cp is U+FFFD for an invalid
 * sequence, of which one byte is consumed. Returns the bytes consumed. */
static size_t utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned c = s[0];
    size_t len = c < 0x80                 ? 1
                 : c >= 0xC2 && c <= 0xDF ? 2
                 : c >= 0xE0 && c <= 0xEF ? 3
                 : c >= 0xF0 && c <= 0xF4 ? 4
                                          : 0;
    *cp = 0xFFFD;
    if (len == 0 || len > n)
        return 1;
    if (len == 1) {
        *cp = c;
        return 1;
    }
    unsigned lo = 0x80, hi = 0xBF; /* the second byte's range */
    if (c == 0xE0)
        lo = 0xA0;
    else if (c == 0xED)
        hi = 0x9F; /* no surrogates */
    else if (c == 0xF0)
        lo = 0x90;
    else if (c == 0xF4)
        hi = 0x8F;
    if (s[1] < lo || s[1] > hi)
        return 1;
    for (size_t i = 2; i < len; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 1;
    uint32_t v = c & (0xFF >> (len + 1));
    for (size_t i = 1; i < len; i++)
        v = (v << 6) | (s[i] & 0x3F);
    *cp = v;
    return len;
}

static size_t utf8_put(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

char *typeset_clean(const char *s, size_t max_chars)
{
    const unsigned char *in = (const unsigned char *)(s ? s : "");
    size_t n = strlen((const char *)in);
    size_t cap = (n < max_chars ? n : max_chars) * 4 + 8;
    char *out = malloc(cap);
    if (!out)
        return NULL;
    size_t len = 0, chars = 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        i += utf8_next(in + i, n - i, &cp);
        if (cp == '\r') {
            cp = '\n';
            if (i < n && in[i] == '\n')
                i++;
        } else if (cp == '\t') {
            cp = ' ';
        } else if (cp == 0x2028 || cp == 0x2029) {
            cp = '\n';
        }
        if ((cp < 0x20 && cp != '\n') || (cp >= 0x7F && cp < 0xA0) || cp == 0xFEFF)
            continue;
        if (chars == max_chars) {
            len += utf8_put(0x2026, out + len); /* … */
            break;
        }
        len += utf8_put(cp, out + len);
        chars++;
    }
    out[len] = '\0';
    return out;
}

/* Advance of one character (text already clean); ASCII widths are cached per size. */
static double char_width(struct typeset_doc *d, double size, uint32_t cp, double ascii[128],
                         bool cached[128])
{
    if (cp < 128 && cached[cp])
        return ascii[cp];
    char buf[5];
    buf[utf8_put(cp, buf)] = '\0';
    cairo_text_extents_t ext;
    cairo_set_font_size(d->cr, size);
    cairo_text_extents(d->cr, buf, &ext);
    double w = ext.x_advance > 0 && ext.x_advance < size * 4 ? ext.x_advance : size;
    if (cp < 128) {
        ascii[cp] = w;
        cached[cp] = true;
    }
    return w;
}

double typeset_width(struct typeset_doc *d, double size, const char *text)
{
    char *clean = typeset_clean(text, TYPESET_FIELD_MAX);
    if (!clean) {
        d->nomem = true;
        return 0;
    }
    cairo_text_extents_t ext;
    cairo_set_font_size(d->cr, size);
    cairo_text_extents(d->cr, clean, &ext);
    free(clean);
    return ext.x_advance;
}

/* ---- recording -------------------------------------------------------------------------- */

static struct typeset_op *new_op(struct typeset_doc *d, enum typeset_op_kind kind)
{
    if (d->nomem || d->full)
        return NULL;
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : 256;
        struct typeset_op *ops = realloc(d->ops, cap * sizeof *ops);
        if (!ops) {
            d->nomem = true;
            return NULL;
        }
        d->ops = ops;
        d->cap = cap;
    }
    struct typeset_op *op = &d->ops[d->n++];
    *op = (struct typeset_op){.page = d->page, .kind = kind};
    return op;
}

void typeset_text(struct typeset_doc *d, double x, double baseline, double size, const char *text)
{
    char *clean = typeset_clean(text, TYPESET_FIELD_MAX);
    struct typeset_op *op = clean && clean[0] ? new_op(d, TYPESET_TEXT) : NULL;
    if (!op) {
        d->nomem |= !clean;
        free(clean);
        return;
    }
    op->x = x;
    op->y = baseline;
    op->size = size;
    op->text = clean;
}

void typeset_fill(struct typeset_doc *d, double x, double y, double w, double h, double gray)
{
    struct typeset_op *op = new_op(d, TYPESET_FILL);
    if (op)
        *op = (struct typeset_op){
            .page = d->page, .kind = TYPESET_FILL, .x = x, .y = y, .w = w, .h = h, .gray = gray};
}

void typeset_stroke(struct typeset_doc *d, double x, double y, double w, double h,
                    double line_width)
{
    struct typeset_op *op = new_op(d, TYPESET_STROKE);
    if (op)
        *op = (struct typeset_op){.page = d->page,
                                  .kind = TYPESET_STROKE,
                                  .x = x,
                                  .y = y,
                                  .w = w,
                                  .h = h,
                                  .size = line_width};
}

bool typeset_room(struct typeset_doc *d, double h)
{
    if (d->full)
        return false;
    if (d->y + h <= TYPESET_BOTTOM)
        return true;
    if (d->page + 1 >= d->max_pages) {
        typeset_text(
            d, TYPESET_MARGIN_X, TYPESET_BOTTOM + 14, 9,
            "(以下省略: 印刷できるページ数の上限に達しました。全文は電子版をご覧ください)");
        d->full = true;
        return false;
    }
    d->page++;
    d->y = TYPESET_MARGIN_TOP;
    return true;
}

/* ---- line breaking --------------------------------------------------------------------- */

/* JIS X 4051 line-start prohibited characters (closing brackets, punctuation, small kana,
 * the prolonged sound mark, iteration marks) and line-end prohibited ones (opening brackets). */
static bool no_line_start(uint32_t cp)
{
    static const uint32_t set[] = {
        0x3001, 0x3002, 0xFF0C, 0xFF0E, ',',    '.',    ')',    ']',    '}',    0xFF09, 0xFF3D,
        0xFF5D, 0x300D, 0x300F, 0x3011, 0x3015, 0x3009, 0x300B, 0x3017, 0x3019, 0x201D, 0x2019,
        '!',    '?',    0xFF01, 0xFF1F, ':',    ';',    0xFF1A, 0xFF1B, 0x30FB, 0x30FC, 0x3005,
        0x309D, 0x309E, 0x30FD, 0x30FE, 0x3041, 0x3043, 0x3045, 0x3047, 0x3049, 0x3063, 0x3083,
        0x3085, 0x3087, 0x308E, 0x30A1, 0x30A3, 0x30A5, 0x30A7, 0x30A9, 0x30C3, 0x30E3, 0x30E5,
        0x30E7, 0x30EE, 0x30F5, 0x30F6, '%',    0xFF05, 0x2026,
    };
    for (size_t i = 0; i < sizeof set / sizeof set[0]; i++)
        if (set[i] == cp)
            return true;
    return false;
}

static bool no_line_end(uint32_t cp)
{
    static const uint32_t set[] = {'(',    '[',    '{',    0xFF08, 0xFF3B, 0xFF5B, 0x300C, 0x300E,
                                   0x3010, 0x3014, 0x3008, 0x300A, 0x3016, 0x3018, 0x201C, 0x2018};
    for (size_t i = 0; i < sizeof set / sizeof set[0]; i++)
        if (set[i] == cp)
            return true;
    return false;
}

static bool latin_word(uint32_t cp)
{
    return (cp >= '0' && cp <= '9') || (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') ||
           cp == '-' || cp == '_' || cp == '/' || cp == '.' || cp == '%';
}

/* The text decoded: characters, their byte offsets (n + 1 of them) and widths. */
struct chars {
    uint32_t *cp;
    size_t *off;
    double *w;
    size_t n;
};

static bool decode(struct typeset_doc *d, const char *text, double size, struct chars *c)
{
    size_t len = strlen(text);
    c->cp = malloc((len + 1) * sizeof *c->cp);
    c->off = malloc((len + 1) * sizeof *c->off);
    c->w = malloc((len + 1) * sizeof *c->w);
    c->n = 0;
    if (!c->cp || !c->off || !c->w)
        return false;
    double ascii[128];
    bool cached[128] = {false};
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        c->off[c->n] = i;
        i += utf8_next((const unsigned char *)text + i, len - i, &cp);
        c->cp[c->n] = cp;
        c->w[c->n++] = cp == '\n' ? 0 : char_width(d, size, cp, ascii, cached);
    }
    c->off[c->n] = len;
    return true;
}

/* Where the line that starts at start and overflows at i (> start) ends. */
static size_t line_end(const struct chars *c, size_t start, size_t i)
{
    size_t brk = i, n = c->n;
    if (no_line_start(c->cp[brk])) {
        /* hang one or two closing marks into the margin, else pull characters down */
        if (brk + 1 >= n || !no_line_start(c->cp[brk + 1]))
            brk += 1;
        else if (brk + 2 >= n || !no_line_start(c->cp[brk + 2]))
            brk += 2;
        else {
            size_t j = brk;
            while (j - 1 > start && no_line_start(c->cp[j]))
                j--;
            brk = no_line_start(c->cp[j]) ? i : j; /* a run of marks: break anyway */
        }
    }
    while (brk - 1 > start && no_line_end(c->cp[brk - 1]))
        brk--;
    if (brk < n && latin_word(c->cp[brk]) && latin_word(c->cp[brk - 1])) {
        size_t j = brk;
        while (j > start && latin_word(c->cp[j - 1]))
            j--;
        if (j > start)
            brk = j;
    }
    return brk;
}

struct line_list {
    char **lines;
    size_t n, cap;
    bool nomem;
};

static void add_line(struct line_list *l, const char *text, size_t from, size_t to)
{
    while (to > from && text[to - 1] == ' ')
        to--;
    if (l->nomem)
        return;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        char **lines = realloc(l->lines, cap * sizeof *lines);
        if (!lines) {
            l->nomem = true;
            return;
        }
        l->lines = lines;
        l->cap = cap;
    }
    char *s = malloc(to - from + 1);
    if (!s) {
        l->nomem = true;
        return;
    }
    memcpy(s, text + from, to - from);
    s[to - from] = '\0';
    l->lines[l->n++] = s;
}

static void break_lines(const struct chars *c, const char *text, double width, struct line_list *l)
{
    size_t start = 0, i = 0;
    double x = 0;
    while (i < c->n) {
        if (c->cp[i] == '\n' || (x + c->w[i] > width && i > start)) {
            size_t brk = c->cp[i] == '\n' ? i : line_end(c, start, i);
            add_line(l, text, c->off[start], c->off[brk]);
            start = brk;
            if (start < c->n && c->cp[start] == '\n')
                start++; /* the paragraph's end, or a break right before it */
            else
                while (start < c->n && c->cp[start] == ' ')
                    start++;
            i = start;
            x = 0;
            continue;
        }
        x += c->w[i++];
    }
    if (start < c->n || l->n == 0)
        add_line(l, text, c->off[start], c->off[c->n]);
}

size_t typeset_wrap(struct typeset_doc *d, const char *text, double size, double width,
                    char ***lines)
{
    *lines = NULL;
    char *clean = typeset_clean(text, TYPESET_FIELD_MAX);
    struct chars c = {0};
    struct line_list l = {0};
    if (clean && decode(d, clean, size, &c))
        break_lines(&c, clean, width, &l);
    else
        l.nomem = true;
    free(c.cp);
    free(c.off);
    free(c.w);
    free(clean);
    if (l.nomem) {
        typeset_lines_free(l.lines, l.n);
        d->nomem = true;
        return 0;
    }
    *lines = l.lines;
    return l.n;
}

void typeset_lines_free(char **lines, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(lines[i]);
    free(lines);
}

void typeset_paragraph(struct typeset_doc *d, double x, double width, double size, double leading,
                       const char *text)
{
    if (d->full)
        return;
    char **lines;
    size_t n = typeset_wrap(d, text, size, width, &lines);
    for (size_t i = 0; i < n && typeset_room(d, leading); i++) {
        typeset_text(d, x, d->y + size, size, lines[i]);
        d->y += leading;
    }
    typeset_lines_free(lines, n);
}

/* ---- drawing ---------------------------------------------------------------------------- */

static void draw_op(cairo_t *cr, const struct typeset_op *op)
{
    switch (op->kind) {
    case TYPESET_TEXT:
        cairo_set_source_rgb(cr, 0, 0, 0);
        cairo_set_font_size(cr, op->size);
        cairo_move_to(cr, op->x, op->y);
        cairo_show_text(cr, op->text);
        break;
    case TYPESET_FILL:
        cairo_set_source_rgb(cr, op->gray, op->gray, op->gray);
        cairo_rectangle(cr, op->x, op->y, op->w, op->h);
        cairo_fill(cr);
        break;
    case TYPESET_STROKE:
        cairo_set_source_rgb(cr, 0, 0, 0);
        cairo_set_line_width(cr, op->size);
        cairo_rectangle(cr, op->x, op->y, op->w, op->h);
        cairo_stroke(cr);
        break;
    }
}

static void draw_footer(cairo_t *cr, const char *left, int page, int pages)
{
    char number[32];
    snprintf(number, sizeof number, "%d / %d", page, pages);
    cairo_text_extents_t ext;
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_set_font_size(cr, 9);
    cairo_text_extents(cr, number, &ext);
    cairo_move_to(cr, (TYPESET_PAGE_W - ext.x_advance) / 2, TYPESET_PAGE_H - 30);
    cairo_show_text(cr, number);
    if (left && left[0]) {
        cairo_set_font_size(cr, 8);
        cairo_move_to(cr, TYPESET_MARGIN_X, TYPESET_PAGE_H - 30);
        cairo_show_text(cr, left);
    }
}

bool typeset_draw(struct error *err, struct typeset_doc *d, cairo_surface_t *surface,
                  cairo_font_face_t *face, const char *footer_left)
{
    char *footer = typeset_clean(footer_left, 200);
    if (!footer)
        return error_set(err, ERR_NOMEM, "page footer");
    cairo_t *cr = cairo_create(surface);
    cairo_set_font_face(cr, face);
    size_t k = 0;
    for (int page = 0; page <= d->page; page++) {
        for (; k < d->n && d->ops[k].page == page; k++)
            draw_op(cr, &d->ops[k]);
        draw_footer(cr, footer, page + 1, d->page + 1);
        cairo_show_page(cr);
    }
    cairo_status_t status = cairo_status(cr);
    cairo_destroy(cr);
    free(footer);
    if (status != CAIRO_STATUS_SUCCESS)
        return error_set(err, status == CAIRO_STATUS_NO_MEMORY ? ERR_NOMEM : ERR_INTERNAL,
                         "cairo: %s", cairo_status_to_string(status));
    return true;
}

void typeset_doc_free(struct typeset_doc *d)
{
    for (size_t i = 0; i < d->n; i++)
        free(d->ops[i].text);
    free(d->ops);
    d->ops = NULL;
    d->n = d->cap = 0;
}
