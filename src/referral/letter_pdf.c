/* SPDX-License-Identifier: Apache-2.0 */
/* The referral letter (診療情報提供書) as PDF (letter_pdf.h), in the layout of the customary form
 * (様式 of 診療情報提供料(I), 医科点数表 B009): title, date, addressee, sender, patient, then
 * 傷病名, 紹介目的, 既往歴及び家族歴, 症状経過・検査結果・治療経過, 現在の処方, アレルギー,
 * 検査結果, 添付資料 and 備考 with the note on record sharing. The typesetting is the
 * shared layer typeset/typeset.h. */
#include "letter_pdf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "typeset/typeset.h"

enum { ITEMS_MAX = 200, NAME_MAX_CHARS = TYPESET_NAME_MAX };

#define BODY TYPESET_BODY /* font sizes and line spacing, points */
#define LEADING TYPESET_LEADING
#define INDENT TYPESET_INDENT

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
    typeset_date_ja(s, out, cap);
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

static void list_more(struct typeset_doc *d, size_t total)
{
    if (total > ITEMS_MAX) {
        char note[64];
        snprintf(note, sizeof note, "ほか %zu 件", total - ITEMS_MAX);
        typeset_text_block(d, note, "");
    }
}

/* ---- the parts of the form -------------------------------------------------------------- */

static void head(struct typeset_doc *d, const struct letter_pdf_in *in)
{
    const char *title = "診療情報提供書";
    typeset_text(d, (TYPESET_PAGE_W - typeset_width(d, 20, title)) / 2, d->y + 20, 20, title);
    d->y += 36;
    char date[64];
    letter_pdf_date_ja(in->date, date, sizeof date);
    typeset_text(d, TYPESET_PAGE_W - TYPESET_MARGIN_X - typeset_width(d, BODY, date), d->y + BODY,
                 BODY, date);
    d->y += 20;
    /* the addressee: 御侍史 to a named department, 先生 御机下 to the physician in charge */
    char *to = typeset_clean(in->to_org_name, NAME_MAX_CHARS);
    char *dept = typeset_clean(in->to_department, NAME_MAX_CHARS);
    if (to && dept) {
        typeset_paragraph(d, TYPESET_MARGIN_X, TYPESET_CONTENT_W * 0.6, 13, 20, to);
        char *line = dept[0] ? typeset_format(d, "%s　御侍史", dept)
                             : typeset_format(d, "ご担当医　先生　御机下");
        if (line)
            typeset_paragraph(d, TYPESET_MARGIN_X + 13, TYPESET_CONTENT_W * 0.6, 13, 20, line);
        free(line);
    } else {
        d->nomem = true;
    }
    free(to);
    free(dept);
    d->y += 8;
}

static void sender(struct typeset_doc *d, const struct letter_pdf_in *in)
{
    static const char *const labels[] = {"紹介元医療機関", "所在地", "電話番号", "医師"};
    const char *values[] = {in->from_org_name, in->from_org_address, in->from_org_phone,
                            in->signer_name};
    double x = TYPESET_PAGE_W / 2 - 20, lw = 76;
    for (int i = 0; i < 4; i++) {
        char *value = typeset_clean(values[i], NAME_MAX_CHARS);
        if (!value) {
            d->nomem = true;
            return;
        }
        if (typeset_room(d, LEADING))
            typeset_text(d, x, d->y + 9.5, 9.5, labels[i]);
        typeset_paragraph(d, x + lw, TYPESET_PAGE_W - TYPESET_MARGIN_X - x - lw, BODY, LEADING,
                          value[0] ? value : "—");
        free(value);
    }
    d->y += 10;
}

static void patient(struct typeset_doc *d, const struct letter_pdf_in *in)
{
    char birth[64], age[32] = "", born[128],
                    *name = typeset_clean(in->patient_name, NAME_MAX_CHARS);
    if (!name) {
        d->nomem = true;
        return;
    }
    letter_pdf_date_ja(in->patient_birth_date, birth, sizeof birth);
    if (in->patient_age >= 0 && in->patient_age < 200)
        snprintf(age, sizeof age, "（%d歳）", in->patient_age);
    snprintf(born, sizeof born, "%s%s%s", birth, birth[0] ? "生 " : "", age);
    char *honorific = typeset_format(d, "%s 様", name);
    free(name);
    const double w[] = {64, 190, 64, TYPESET_CONTENT_W - INDENT - 318};
    const char *rows[3][4] = {
        {"ふりがな", or_empty(in->patient_kana), "性別", or_empty(in->patient_sex)},
        {"患者氏名", honorific ? honorific : "", "生年月日", born},
        {"紹介区分", or_empty(in->urgency), "紹介目的", or_empty(in->purpose)},
    };
    for (int r = 0; r < 3; r++)
        typeset_table_row(d, rows[r], w, 4, 22, 0x5);
    free(honorific);
}

static void greeting(struct typeset_doc *d, const struct letter_pdf_in *in)
{
    typeset_paragraph(d, TYPESET_MARGIN_X, TYPESET_CONTENT_W, BODY, LEADING,
                      in->reverse
                          ? "下記の患者さんにつきまして、当院での診療経過をご報告いたします。"
                            "今後の診療をよろしくお願い申し上げます。"
                          : "下記の患者さんをご紹介いたします。"
                            "ご高診のほど、よろしくお願い申し上げます。");
    d->y += 6;
}

static void diagnoses(struct typeset_doc *d, const json_t *list)
{
    typeset_heading(d, "傷病名");
    size_t n = json_array_size(list);
    for (size_t i = 0; i < n && i < ITEMS_MAX; i++) {
        const json_t *dx = json_array_get(list, i);
        const char *code = field(dx, "code");
        char onset[64], bullet[16];
        letter_pdf_date_ja(field(dx, "onset"), onset, sizeof onset);
        snprintf(bullet, sizeof bullet, "%zu. ", i + 1);
        typeset_item(d, bullet,
                     typeset_format(d, "%s%s%s%s%s%s", field(dx, "text"), code[0] ? "（" : "", code,
                                    code[0] ? "）" : "", onset[0] ? "　発症: " : "", onset));
    }
    if (n == 0)
        typeset_text_block(d, NULL, "記載なし");
    list_more(d, n);
}

static void purpose(struct typeset_doc *d, const json_t *letter)
{
    typeset_heading(d, "紹介目的");
    const char *complaint = field(letter, "chief_complaint");
    if (complaint[0])
        typeset_item(d, "主訴: ", typeset_format(d, "%s", complaint));
    typeset_text_block(d, field(letter, "purpose_text"), "記載なし");
}

static void medications(struct typeset_doc *d, const json_t *list)
{
    typeset_heading(d, "現在の処方");
    size_t n = json_array_size(list);
    for (size_t i = 0; i < n && i < ITEMS_MAX; i++) {
        char bullet[16];
        snprintf(bullet, sizeof bullet, "%zu. ", i + 1);
        typeset_item(d, bullet, typeset_format(d, "%s", field(json_array_get(list, i), "text")));
    }
    if (n == 0)
        typeset_text_block(d, NULL, "記載なし");
    list_more(d, n);
}

static void allergies(struct typeset_doc *d, const json_t *list)
{
    typeset_heading(d, "アレルギー・副作用歴");
    size_t n = json_array_size(list);
    for (size_t i = 0; i < n && i < ITEMS_MAX; i++) {
        const json_t *a = json_array_get(list, i);
        const char *reaction = field(a, "reaction");
        typeset_item(d, "・",
                     typeset_format(d, "%s%s%s%s", field(a, "text"), reaction[0] ? "（症状: " : "",
                                    reaction, reaction[0] ? "）" : ""));
    }
    if (n == 0)
        typeset_text_block(d, NULL, "記載なし");
    list_more(d, n);
}

static void lab_results(struct typeset_doc *d, const json_t *list)
{
    typeset_heading(d, "検査結果");
    size_t n = json_array_size(list);
    if (n == 0) {
        typeset_text_block(d, NULL, "記載なし");
        return;
    }
    double width = TYPESET_CONTENT_W - INDENT;
    const double w[] = {width * 0.46, width * 0.30, width * 0.24};
    const char *const titles[] = {"検査項目", "結果", "検査日"};
    typeset_table_row(d, titles, w, 3, 19, 0x7);
    for (size_t i = 0; i < n && i < ITEMS_MAX; i++) {
        const json_t *lab = json_array_get(list, i);
        char date[64];
        letter_pdf_date_ja(field(lab, "date"), date, sizeof date);
        const char *cells[] = {field(lab, "text"), field(lab, "value"), date};
        typeset_table_row(d, cells, w, 3, 19, 0);
    }
    d->y += 4;
    list_more(d, n);
}

static void attachments(struct typeset_doc *d, const json_t *docs, const json_t *imaging)
{
    typeset_heading(d, "添付資料");
    size_t nd = json_array_size(docs), ni = json_array_size(imaging);
    for (size_t i = 0; i < nd && i < ITEMS_MAX; i++) {
        const char *title = field(json_array_get(docs, i), "title");
        typeset_item(d, "・",
                     typeset_format(
                         d, "%s", title[0] ? title : field(json_array_get(docs, i), "reference")));
    }
    list_more(d, nd);
    for (size_t i = 0; i < ni && i < ITEMS_MAX; i++) {
        const json_t *study = json_array_get(imaging, i);
        const char *date = field(study, "date"), *modality = field(study, "modality");
        const char *org = field(study, "org_name");
        char date_ja[64] = "";
        if (date[0])
            letter_pdf_date_ja(date, date_ja, sizeof date_ja);
        typeset_item(d, "・",
                     typeset_format(d, "画像検査: %s%s%s%s%s%s%s%s", date_ja, date_ja[0] ? " " : "",
                                    modality, modality[0] ? " " : "", field(study, "description"),
                                    org[0] ? "（" : "", org, org[0] ? "）" : ""));
    }
    list_more(d, ni);
    if (nd + ni == 0)
        typeset_text_block(d, NULL, "なし");
}

/* 備考, closed by what the letter says about sharing the record (set by the server). */
static void remarks(struct typeset_doc *d, const json_t *letter)
{
    typeset_heading(d, "備考");
    typeset_text_block(d, field(letter, "remarks"), "記載なし");
    const json_t *shared = json_object_get(letter, "record_shared");
    if (!json_is_boolean(shared))
        return;
    char until[64], *note;
    instant_date_ja(field(letter, "share_expires_at"), until, sizeof until);
    if (json_is_true(shared))
        note = typeset_format(d, "本紹介に伴い、患者の同意に基づき診療情報を共有しています%s%s%s",
                              until[0] ? "(" : "", until, until[0] ? "まで)" : "");
    else
        note = typeset_format(d, "患者の同意の範囲外のため、診療記録は共有していません");
    d->y += 4;
    typeset_item(d, "※", note);
}

static void layout(struct typeset_doc *d, const struct letter_pdf_in *in)
{
    const json_t *letter = json_is_object(in->letter) ? in->letter : NULL;
    head(d, in);
    sender(d, in);
    greeting(d, in);
    patient(d, in);
    diagnoses(d, json_object_get(letter, "diagnoses"));
    purpose(d, letter);
    typeset_heading(d, "既往歴及び家族歴");
    typeset_text_block(d, field(letter, "history"), "記載なし");
    typeset_heading(d, "症状経過・検査結果・治療経過");
    typeset_text_block(d, field(letter, "course"), "記載なし");
    medications(d, json_object_get(letter, "medications"));
    allergies(d, json_object_get(letter, "allergies"));
    lab_results(d, json_object_get(letter, "labs"));
    if (in->reverse || field(letter, "follow_up")[0]) {
        typeset_heading(d, "今後の方針・依頼事項");
        typeset_text_block(d, field(letter, "follow_up"), "記載なし");
    }
    attachments(d, json_object_get(letter, "documents"), json_object_get(letter, "imaging"));
    remarks(d, letter);
}

/* ---- output ----------------------------------------------------------------------------- */

static void layout_letter(struct typeset_doc *d, const void *arg)
{
    layout(d, arg);
}

bool letter_pdf_font_ready(struct error *err, const char *font_path)
{
    if (typeset_font_face(font_path))
        return true;
    return error_set(err, ERR_LETTER_FONT, "%s",
                     font_path && font_path[0] ? font_path : "no default font");
}

bool letter_pdf_render(struct error *err, const struct letter_pdf_in *in, unsigned char **pdf,
                       size_t *len)
{
    *pdf = NULL;
    *len = 0;
    if (!letter_pdf_font_ready(err, in->font_path))
        return false;
    char *name = typeset_clean(in->patient_name, TYPESET_NAME_MAX), *footer = NULL;
    if (!name || asprintf(&footer, "%s 様　診療情報提供書", name) < 0) {
        free(name);
        return error_set(err, ERR_NOMEM, "letter layout");
    }
    struct typeset_pdf doc = {.face = typeset_font_face(in->font_path),
                              .title = "診療情報提供書",
                              .footer = footer,
                              .max_pages = LETTER_PDF_MAX_PAGES,
                              .layout = layout_letter,
                              .arg = in};
    bool ok = typeset_pdf_render(err, &doc, pdf, len);
    free(name);
    free(footer);
    return ok;
}
