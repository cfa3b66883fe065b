/* SPDX-License-Identifier: Apache-2.0 */
/* The referral letter (診療情報提供書) as PDF (letter_pdf.h), in the layout of the customary form
 * (様式 of 診療情報提供料(I), 医科点数表 B009): title, date, addressee, sender, patient, then
 * 傷病名, 紹介目的, 既往歴及び家族歴, 症状経過・検査結果・治療経過, 現在の処方, アレルギー,
 * 検査結果, 添付資料 and 備考 with the note on record sharing. The typesetting is in
 * letter_typeset.c. */
#include "letter_pdf.h"

#include <cairo-pdf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "letter_pdf_int.h"

enum { ITEMS_MAX = 200, NAME_MAX_CHARS = 120 };
#define PDF_BYTES_MAX (64u * 1024 * 1024)

#define BODY 10.5 /* font sizes and line spacing, points */
#define LEADING 17.0
#define INDENT 8.0

/* ---- helpers ---------------------------------------------------------------------------- */

static const char *field(const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? s : "";
}

static const char *or_empty(const char *s)
{
    return s ? s : "";
}

void letter_pdf_date_ja(const char *s, char *out, size_t cap)
{
    char date[11];
    int y, m, d;
    snprintf(date, sizeof date, "%s", or_empty(s));
    if (strlen(date) == 10 && clock_parse_date(date, &y, &m, &d))
        snprintf(out, cap, "%d年%d月%d日", y, m, d);
    else
        snprintf(out, cap, "%s", or_empty(s));
}

/* The Asia/Tokyo date of an ISO 8601 instant, as 2027年2月20日; "" when it is not one. */
static void instant_date_ja(const char *iso, char *out, size_t cap)
{
    int64_t ms;
    out[0] = '\0';
    if (!iso || !clock_parse_iso(iso, &ms))
        return;
    char local[32];
    clock_format_iso(ms + INT64_C(9) * 3600 * 1000, local); /* JST has no DST */
    letter_pdf_date_ja(local, out, cap);
}

/* A malloc'd printf result; NULL (and d->nomem) when memory runs out. */
__attribute__((format(printf, 2, 3))) static char *format(struct lp_doc *d, const char *fmt, ...)
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

/* text fitted to width: the size shrinks down to min, then characters are cut ("…"). */
static char *fit(struct lp_doc *d, const char *text, double width, double *size, double min)
{
    char *s = lp_clean(text, NAME_MAX_CHARS);
    char *cut = s ? malloc(strlen(s) + 4) : NULL;
    if (!cut) {
        free(s);
        d->nomem = true;
        return NULL;
    }
    double w = lp_width(d, *size, s);
    if (w > width)
        *size = *size * width / w < min ? min : *size * width / w;
    strcpy(cut, s);
    size_t len = strlen(s);
    while (len > 0 && lp_width(d, *size, cut) > width) {
        do /* back one character */
            len--;
        while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80);
        memcpy(cut + len, "…", sizeof "…");
    }
    free(s);
    return cut;
}

/* ---- blocks ----------------------------------------------------------------------------- */

static void heading(struct lp_doc *d, const char *title)
{
    if (!lp_room(d, 24 + LEADING))
        return; /* a heading never ends a page */
    d->y += 6;
    lp_fill(d, LP_MARGIN_X, d->y, LP_CONTENT_W, 17, 0.88);
    lp_text(d, LP_MARGIN_X + 4, d->y + 12.8, 11, title);
    d->y += 22;
}

static void text_block(struct lp_doc *d, const char *text, const char *if_empty)
{
    lp_paragraph(d, LP_MARGIN_X + INDENT, LP_CONTENT_W - INDENT, BODY, LEADING,
                 text && text[0] ? text : if_empty);
}

/* One item of a list with a hanging indent after its bullet; takes text (may be NULL). */
static void item(struct lp_doc *d, const char *bullet, char *text)
{
    if (!text || d->full) {
        free(text);
        return;
    }
    double x = LP_MARGIN_X + INDENT, bw = lp_width(d, BODY, bullet);
    char **lines;
    size_t n = lp_wrap(d, text, BODY, LP_CONTENT_W - INDENT - bw, &lines);
    for (size_t i = 0; i < n && lp_room(d, LEADING); i++) {
        if (i == 0)
            lp_text(d, x, d->y + BODY, BODY, bullet);
        lp_text(d, x + bw, d->y + BODY, BODY, lines[i]);
        d->y += LEADING;
    }
    lp_lines_free(lines, n);
    free(text);
}

static void list_more(struct lp_doc *d, size_t total)
{
    if (total > ITEMS_MAX) {
        char note[64];
        snprintf(note, sizeof note, "ほか %zu 件", total - ITEMS_MAX);
        text_block(d, note, "");
    }
}

/* A row of n cells, each text fitted to its cell; bit i of shaded shades cell i. */
static void table_row(struct lp_doc *d, const char *const *cells, const double *widths, int n,
                      double height, unsigned shaded)
{
    if (!lp_room(d, height))
        return;
    double x = LP_MARGIN_X + INDENT;
    for (int i = 0; i < n; i++) {
        if (shaded & (1u << i))
            lp_fill(d, x, d->y, widths[i], height, 0.92);
        lp_stroke(d, x, d->y, widths[i], height, 0.5);
        double size = BODY;
        char *s = fit(d, cells[i], widths[i] - 8, &size, 6);
        if (s)
            lp_text(d, x + 4, d->y + (height + size * 0.75) / 2, size, s);
        free(s);
        x += widths[i];
    }
    d->y += height;
}

/* ---- the parts of the form -------------------------------------------------------------- */

static void head(struct lp_doc *d, const struct letter_pdf_in *in)
{
    const char *title = "診療情報提供書";
    lp_text(d, (LP_PAGE_W - lp_width(d, 20, title)) / 2, d->y + 20, 20, title);
    d->y += 36;
    char date[64];
    letter_pdf_date_ja(in->date, date, sizeof date);
    lp_text(d, LP_PAGE_W - LP_MARGIN_X - lp_width(d, BODY, date), d->y + BODY, BODY, date);
    d->y += 20;
    /* the addressee: 御侍史 to a named department, 先生 御机下 to the physician in charge */
    char *to = lp_clean(in->to_org_name, NAME_MAX_CHARS);
    char *dept = lp_clean(in->to_department, NAME_MAX_CHARS);
    if (to && dept) {
        lp_paragraph(d, LP_MARGIN_X, LP_CONTENT_W * 0.6, 13, 20, to);
        char *line = dept[0] ? format(d, "%s　御侍史", dept) : format(d, "ご担当医　先生　御机下");
        if (line)
            lp_paragraph(d, LP_MARGIN_X + 13, LP_CONTENT_W * 0.6, 13, 20, line);
        free(line);
    } else {
        d->nomem = true;
    }
    free(to);
    free(dept);
    d->y += 8;
}

static void sender(struct lp_doc *d, const struct letter_pdf_in *in)
{
    static const char *const labels[] = {"紹介元医療機関", "所在地", "電話番号", "医師"};
    const char *values[] = {in->from_org_name, in->from_org_address, in->from_org_phone,
                            in->signer_name};
    double x = LP_PAGE_W / 2 - 20, lw = 76;
    for (int i = 0; i < 4; i++) {
        char *value = lp_clean(values[i], NAME_MAX_CHARS);
        if (!value) {
            d->nomem = true;
            return;
        }
        if (lp_room(d, LEADING))
            lp_text(d, x, d->y + 9.5, 9.5, labels[i]);
        lp_paragraph(d, x + lw, LP_PAGE_W - LP_MARGIN_X - x - lw, BODY, LEADING,
                     value[0] ? value : "—");
        free(value);
    }
    d->y += 10;
}

static void patient(struct lp_doc *d, const struct letter_pdf_in *in)
{
    char birth[64], age[32] = "", born[128], *name = lp_clean(in->patient_name, NAME_MAX_CHARS);
    if (!name) {
        d->nomem = true;
        return;
    }
    letter_pdf_date_ja(in->patient_birth_date, birth, sizeof birth);
    if (in->patient_age >= 0 && in->patient_age < 200)
        snprintf(age, sizeof age, "（%d歳）", in->patient_age);
    snprintf(born, sizeof born, "%s%s%s", birth, birth[0] ? "生 " : "", age);
    char *honorific = format(d, "%s 様", name);
    free(name);
    const double w[] = {64, 190, 64, LP_CONTENT_W - INDENT - 318};
    const char *rows[3][4] = {
        {"ふりがな", or_empty(in->patient_kana), "性別", or_empty(in->patient_sex)},
        {"患者氏名", honorific ? honorific : "", "生年月日", born},
        {"紹介区分", or_empty(in->urgency), "紹介目的", or_empty(in->purpose)},
    };
    for (int r = 0; r < 3; r++)
        table_row(d, rows[r], w, 4, 22, 0x5);
    free(honorific);
}

static void greeting(struct lp_doc *d, const struct letter_pdf_in *in)
{
    lp_paragraph(d, LP_MARGIN_X, LP_CONTENT_W, BODY, LEADING,
                 in->reverse ? "下記の患者さんにつきまして、当院での診療経過をご報告いたします。"
                               "今後の診療をよろしくお願い申し上げます。"
                             : "下記の患者さんをご紹介いたします。"
                               "ご高診のほど、よろしくお願い申し上げます。");
    d->y += 6;
}

static void diagnoses(struct lp_doc *d, const json_t *list)
{
    heading(d, "傷病名");
    size_t n = json_array_size(list);
    for (size_t i = 0; i < n && i < ITEMS_MAX; i++) {
        const json_t *dx = json_array_get(list, i);
        const char *code = field(dx, "code");
        char onset[64], bullet[16];
        letter_pdf_date_ja(field(dx, "onset"), onset, sizeof onset);
        snprintf(bullet, sizeof bullet, "%zu. ", i + 1);
        item(d, bullet,
             format(d, "%s%s%s%s%s%s", field(dx, "text"), code[0] ? "（" : "", code,
                    code[0] ? "）" : "", onset[0] ? "　発症: " : "", onset));
    }
    if (n == 0)
        text_block(d, NULL, "記載なし");
    list_more(d, n);
}

static void purpose(struct lp_doc *d, const json_t *letter)
{
    heading(d, "紹介目的");
    const char *complaint = field(letter, "chief_complaint");
    if (complaint[0])
        item(d, "主訴: ", format(d, "%s", complaint));
    text_block(d, field(letter, "purpose_text"), "記載なし");
}

static void medications(struct lp_doc *d, const json_t *list)
{
    heading(d, "現在の処方");
    size_t n = json_array_size(list);
    for (size_t i = 0; i < n && i < ITEMS_MAX; i++) {
        char bullet[16];
        snprintf(bullet, sizeof bullet, "%zu. ", i + 1);
        item(d, bullet, format(d, "%s", field(json_array_get(list, i), "text")));
    }
    if (n == 0)
        text_block(d, NULL, "記載なし");
    list_more(d, n);
}

static void allergies(struct lp_doc *d, const json_t *list)
{
    heading(d, "アレルギー・副作用歴");
    size_t n = json_array_size(list);
    for (size_t i = 0; i < n && i < ITEMS_MAX; i++) {
        const json_t *a = json_array_get(list, i);
        const char *reaction = field(a, "reaction");
        item(d, "・",
             format(d, "%s%s%s%s", field(a, "text"), reaction[0] ? "（症状: " : "", reaction,
                    reaction[0] ? "）" : ""));
    }
    if (n == 0)
        text_block(d, NULL, "記載なし");
    list_more(d, n);
}

static void lab_results(struct lp_doc *d, const json_t *list)
{
    heading(d, "検査結果");
    size_t n = json_array_size(list);
    if (n == 0) {
        text_block(d, NULL, "記載なし");
        return;
    }
    double width = LP_CONTENT_W - INDENT;
    const double w[] = {width * 0.46, width * 0.30, width * 0.24};
    const char *const titles[] = {"検査項目", "結果", "検査日"};
    table_row(d, titles, w, 3, 19, 0x7);
    for (size_t i = 0; i < n && i < ITEMS_MAX; i++) {
        const json_t *lab = json_array_get(list, i);
        char date[64];
        letter_pdf_date_ja(field(lab, "date"), date, sizeof date);
        const char *cells[] = {field(lab, "text"), field(lab, "value"), date};
        table_row(d, cells, w, 3, 19, 0);
    }
    d->y += 4;
    list_more(d, n);
}

static void attachments(struct lp_doc *d, const json_t *docs, const json_t *imaging)
{
    heading(d, "添付資料");
    size_t nd = json_array_size(docs), ni = json_array_size(imaging);
    for (size_t i = 0; i < nd && i < ITEMS_MAX; i++) {
        const char *title = field(json_array_get(docs, i), "title");
        item(d, "・",
             format(d, "%s", title[0] ? title : field(json_array_get(docs, i), "reference")));
    }
    list_more(d, nd);
    for (size_t i = 0; i < ni && i < ITEMS_MAX; i++) {
        const json_t *study = json_array_get(imaging, i);
        const char *uid = field(study, "study_uid");
        item(d, "・",
             format(d, "画像検査: %s%s%s%s", field(study, "description"),
                    uid[0] ? "（Study UID " : "", uid, uid[0] ? "）" : ""));
    }
    list_more(d, ni);
    if (nd + ni == 0)
        text_block(d, NULL, "なし");
}

/* 備考, closed by what the letter says about sharing the record (set by the server). */
static void remarks(struct lp_doc *d, const json_t *letter)
{
    heading(d, "備考");
    text_block(d, field(letter, "remarks"), "記載なし");
    const json_t *shared = json_object_get(letter, "record_shared");
    if (!json_is_boolean(shared))
        return;
    char until[64], *note;
    instant_date_ja(field(letter, "share_expires_at"), until, sizeof until);
    if (json_is_true(shared))
        note = format(d, "本紹介に伴い、患者の同意に基づき診療情報を共有しています%s%s%s",
                      until[0] ? "(" : "", until, until[0] ? "まで)" : "");
    else
        note = format(d, "患者の同意の範囲外のため、診療記録は共有していません");
    d->y += 4;
    item(d, "※", note);
}

static void layout(struct lp_doc *d, const struct letter_pdf_in *in)
{
    const json_t *letter = json_is_object(in->letter) ? in->letter : NULL;
    head(d, in);
    sender(d, in);
    greeting(d, in);
    patient(d, in);
    diagnoses(d, json_object_get(letter, "diagnoses"));
    purpose(d, letter);
    heading(d, "既往歴及び家族歴");
    text_block(d, field(letter, "history"), "記載なし");
    heading(d, "症状経過・検査結果・治療経過");
    text_block(d, field(letter, "course"), "記載なし");
    medications(d, json_object_get(letter, "medications"));
    allergies(d, json_object_get(letter, "allergies"));
    lab_results(d, json_object_get(letter, "labs"));
    if (in->reverse || field(letter, "follow_up")[0]) {
        heading(d, "今後の方針・依頼事項");
        text_block(d, field(letter, "follow_up"), "記載なし");
    }
    attachments(d, json_object_get(letter, "documents"), json_object_get(letter, "imaging"));
    remarks(d, letter);
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

static bool render_to(struct error *err, const struct letter_pdf_in *in, cairo_font_face_t *face,
                      cairo_surface_t *surface)
{
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, "診療情報提供書");
    cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, "tsunagu");
    cairo_t *cr = cairo_create(surface);
    cairo_set_font_face(cr, face);
    struct lp_doc d = {.cr = cr, .y = LP_MARGIN_TOP, .max_pages = LETTER_PDF_MAX_PAGES};
    layout(&d, in);
    cairo_destroy(cr);
    char *name = lp_clean(in->patient_name, NAME_MAX_CHARS);
    char *footer = name ? format(&d, "%s 様　診療情報提供書", name) : NULL;
    bool ok = !d.nomem && footer ? lp_draw(err, &d, surface, face, footer)
                                 : error_set(err, ERR_NOMEM, "letter layout");
    free(name);
    free(footer);
    lp_doc_free(&d);
    return ok;
}

bool letter_pdf_font_ready(struct error *err, const char *font_path)
{
    return lp_font_face(err, font_path) != NULL;
}

bool letter_pdf_render(struct error *err, const struct letter_pdf_in *in, unsigned char **pdf,
                       size_t *len)
{
    *pdf = NULL;
    *len = 0;
    cairo_font_face_t *face = lp_font_face(err, in->font_path);
    if (!face)
        return false;
    struct sink sink = {0};
    cairo_surface_t *surface =
        cairo_pdf_surface_create_for_stream(sink_write, &sink, LP_PAGE_W, LP_PAGE_H);
    bool ok = cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS
                  ? render_to(err, in, face, surface)
                  : error_set(err, ERR_NOMEM, "cairo PDF surface");
    cairo_surface_finish(surface);
    cairo_status_t status = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    if (ok && (sink.overflow || status != CAIRO_STATUS_SUCCESS))
        ok = error_set(err, sink.overflow ? ERR_NOMEM : ERR_INTERNAL, "letter PDF: %s",
                       sink.overflow ? "too large" : cairo_status_to_string(status));
    if (!ok) {
        free(sink.buf);
        return false;
    }
    *pdf = sink.buf;
    *len = sink.len;
    return true;
}
