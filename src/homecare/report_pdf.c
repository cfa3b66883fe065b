/* SPDX-License-Identifier: Apache-2.0 */
/* The 訪問看護報告書 as PDF, laid out on the shared typesetter (typeset/typeset.h) in the
 * customary form (別紙様式2 of the 訪問看護指示書 and 報告書 notices): title, addressee (the
 * physician), the station, the patient, the visits of the month as a calendar (○ 訪問看護,
 * ◇ 訪問リハビリ), 病状の経過, 看護の内容, 家庭での介護の状況, 特記すべき事項, the vitals of the
 * month and the closing sentence with the signature.
 *   GET /api/patients/{id}/homecare/reports/{rid}/report.pdf?version=N */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "homecare_int.h"
#include "typeset/typeset.h"

enum { MAX_PAGES = REPORT_PDF_MAX_PAGES };

static const char *or_empty(const char *s)
{
    return s ? s : "";
}

static const char *field(const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? s : "";
}

/* "2026年11月" of a valid month "YYYY-MM"; the text as given otherwise. */
static void month_ja(const char *month, char *out, size_t cap)
{
    int64_t from, until;
    if (report_month_range(month, &from, &until))
        snprintf(out, cap, "%.4s年%d月", month, atoi(month + 5));
    else
        snprintf(out, cap, "%.16s", or_empty(month));
}

static int month_days(int y, int m)
{
    return (int)(clock_days_from_civil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1) -
                 clock_days_from_civil(y, m, 1));
}

/* ---- the parts of the form -------------------------------------------------------------- */

static void head(struct typeset_doc *d, const struct report_pdf_in *f)
{
    const char *title = "訪問看護報告書";
    typeset_text(d, (TYPESET_PAGE_W - typeset_width(d, 20, title)) / 2, d->y + 20, 20, title);
    d->y += 36;
    char date[64], line[96];
    char day[32] = "";
    if (f->r->signed_at) {
        char iso[32];
        clock_format_iso(f->r->signed_at + 9LL * 3600 * 1000, iso); /* JST has no DST */
        snprintf(day, sizeof day, "%.10s", iso);
    }
    typeset_date_ja(day, date, sizeof date);
    snprintf(line, sizeof line, "%s", f->r->signed_at ? date : "下書き(未署名)");
    typeset_text(d, TYPESET_PAGE_W - TYPESET_MARGIN_X - typeset_width(d, TYPESET_BODY, line),
                 d->y + TYPESET_BODY, TYPESET_BODY, line);
    d->y += 20;
    typeset_paragraph(d, TYPESET_MARGIN_X, TYPESET_CONTENT_W * 0.6, 13, 20, f->r->to_org_name);
    typeset_paragraph(d, TYPESET_MARGIN_X + 13, TYPESET_CONTENT_W * 0.6, 13, 20, "主治医　殿");
    d->y += 8;
}

static void sender(struct typeset_doc *d, const struct report_pdf_in *f)
{
    static const char *const labels[] = {"訪問看護ステーション", "所在地", "電話番号", "報告者"};
    const char *values[] = {f->r->org_name, f->org_address, f->org_phone, f->r->author_name};
    double x = TYPESET_PAGE_W / 2 - 30, lw = 106;
    for (int i = 0; i < 4; i++) {
        if (typeset_room(d, TYPESET_LEADING))
            typeset_text(d, x, d->y + 9.5, 9.5, labels[i]);
        typeset_paragraph(d, x + lw, TYPESET_PAGE_W - TYPESET_MARGIN_X - x - lw, TYPESET_BODY,
                          TYPESET_LEADING, values[i] && values[i][0] ? values[i] : "—");
    }
    d->y += 10;
}

static void patient(struct typeset_doc *d, const struct report_pdf_in *f)
{
    char birth[64], label[40], month[48];
    typeset_date_ja(f->birth_date, birth, sizeof birth);
    month_ja(f->r->month, label, sizeof label);
    snprintf(month, sizeof month, "%s分", label);
    char *name = typeset_format(d, "%s 様", or_empty(f->patient_name));
    const double w[] = {64, 190, 64, TYPESET_CONTENT_W - TYPESET_INDENT - 318};
    const char *rows[3][4] = {
        {"ふりがな", f->patient_kana, "報告月", month},
        {"利用者氏名", name ? name : "", "生年月日", birth},
        {"住所", f->address, "報告先", f->r->to_org_name},
    };
    for (int r = 0; r < 3; r++)
        typeset_table_row(d, rows[r], w, 4, 22, 0x5);
    free(name);
    d->y += 4;
}

/* The mark of a day: ○ a nursing visit, ◇ a rehabilitation visit, both when both. */
static const char *day_mark(const json_t *visits, const char *date)
{
    bool nursing = false, rehab = false;
    for (size_t i = 0; i < json_array_size(visits); i++) {
        const json_t *v = json_array_get(visits, i);
        if (strcmp(field(v, "date"), date) != 0)
            continue;
        if (strcmp(field(v, "kind"), "home_rehab") == 0)
            rehab = true;
        else
            nursing = true;
    }
    return nursing && rehab ? "○◇" : nursing ? "○" : rehab ? "◇" : "";
}

/* The month as a calendar, Sunday first, a mark on each day visited. */
static void calendar(struct typeset_doc *d, const struct report_pdf_in *f)
{
    typeset_heading(d, "訪問日");
    const json_t *visits = json_object_get(f->content, "visits");
    int64_t from, until;
    if (!report_month_range(f->r->month, &from, &until)) {
        typeset_text_block(d, NULL, "—");
        return;
    }
    int y = atoi(f->r->month), m = atoi(f->r->month + 5);
    int first = (int)((clock_days_from_civil(y, m, 1) + 4) % 7); /* 1970-01-01 was a Thursday */
    int days = month_days(y, m);
    double cw = (TYPESET_CONTENT_W - TYPESET_INDENT) / 7;
    const double w[7] = {cw, cw, cw, cw, cw, cw, cw};
    static const char *const names[7] = {"日", "月", "火", "水", "木", "金", "土"};
    typeset_table_row(d, names, w, 7, 18, 0x7f);
    for (int week = 0; week * 7 - first < days; week++) {
        char cells[7][24];
        const char *row[7];
        for (int i = 0; i < 7; i++) {
            int day = week * 7 + i - first + 1;
            char date[24];
            snprintf(date, sizeof date, "%.7s-%02d", f->r->month, day);
            if (day >= 1 && day <= days)
                snprintf(cells[i], sizeof cells[i], "%d %s", day, day_mark(visits, date));
            else
                cells[i][0] = '\0';
            row[i] = cells[i];
        }
        typeset_table_row(d, row, w, 7, 22, 0);
    }
    char *legend = typeset_format(d, "○ 訪問看護　◇ 訪問リハビリ　訪問回数 計 %zu 回",
                                  json_array_size(visits));
    d->y += 4;
    typeset_text_block(d, legend, "");
    free(legend);
}

/* A UCUM unit as people read it (mm[Hg] → mmHg, Cel → ℃). */
static const char *unit_label(const char *unit)
{
    return !strcmp(unit, "mm[Hg]")    ? "mmHg"
           : !strcmp(unit, "Cel")     ? "℃"
           : !strcmp(unit, "/min")    ? "/分"
           : !strcmp(unit, "{score}") ? ""
                                      : unit;
}

static void vitals(struct typeset_doc *d, const json_t *list)
{
    /* the heading, the table's head and two rows together */
    if (!typeset_room(d, 24 + TYPESET_LEADING + 3 * 19))
        return;
    typeset_heading(d, "バイタルサイン(月間)");
    size_t n = json_array_size(list);
    if (n == 0) {
        typeset_text_block(d, NULL, "記録なし");
        return;
    }
    double width = TYPESET_CONTENT_W - TYPESET_INDENT;
    const double w[] = {width * 0.36, width * 0.16, width * 0.16, width * 0.16, width * 0.16};
    const char *const titles[] = {"項目", "回数", "最低", "最高", "最終"};
    typeset_table_row(d, titles, w, 5, 19, 0x1f);
    for (size_t i = 0; i < n; i++) {
        const json_t *v = json_array_get(list, i);
        char name[128], count[16], lo[32], hi[32], last[32];
        const char *unit = unit_label(field(v, "unit"));
        snprintf(name, sizeof name, "%s%s%s%s", field(v, "ja"), unit[0] ? "(" : "", unit,
                 unit[0] ? ")" : "");
        snprintf(count, sizeof count, "%lld",
                 (long long)json_integer_value(json_object_get(v, "count")));
        snprintf(lo, sizeof lo, "%g", json_number_value(json_object_get(v, "min")));
        snprintf(hi, sizeof hi, "%g", json_number_value(json_object_get(v, "max")));
        snprintf(last, sizeof last, "%g", json_number_value(json_object_get(v, "last")));
        const char *cells[] = {name, count, lo, hi, last};
        typeset_table_row(d, cells, w, 5, 19, 0);
    }
    d->y += 4;
}

static void closing(struct typeset_doc *d, const struct report_pdf_in *f)
{
    d->y += 8;
    typeset_paragraph(d, TYPESET_MARGIN_X, TYPESET_CONTENT_W, TYPESET_BODY, TYPESET_LEADING,
                      "上記のとおり、指定訪問看護の実施について報告いたします。");
    char *line = NULL;
    if (f->r->signed_at)
        line = typeset_format(d, "署名: %s　第%d版　SHA-256 %.16s…", f->signed_by, f->r->version,
                              f->r->sha256 ? f->r->sha256 : "");
    else
        line = typeset_format(d, "第%d版(下書き: 署名されていません)", f->r->version);
    if (line)
        typeset_paragraph(d, TYPESET_MARGIN_X, TYPESET_CONTENT_W, 9, 14, line);
    free(line);
    if (f->r->version > 1 && f->r->reason) {
        char *reason = typeset_format(d, "訂正理由: %s", or_empty(f->r->reason));
        if (reason)
            typeset_paragraph(d, TYPESET_MARGIN_X, TYPESET_CONTENT_W, 9, 14, reason);
        free(reason);
    }
}

static void layout(struct typeset_doc *d, const void *arg)
{
    const struct report_pdf_in *f = arg;
    head(d, f);
    sender(d, f);
    patient(d, f);
    calendar(d, f);
    typeset_heading(d, "病状の経過");
    typeset_text_block(d, field(f->content, "condition"), "記載なし");
    typeset_heading(d, "看護の内容");
    typeset_text_block(d, field(f->content, "care_given"), "記載なし");
    typeset_heading(d, "家庭での介護の状況");
    typeset_text_block(d, field(f->content, "home_care"), "記載なし");
    typeset_heading(d, "特記すべき事項");
    typeset_text_block(d, field(f->content, "remarks"), "記載なし");
    vitals(d, f->vitals);
    closing(d, f);
}

/* ---- the route ---------------------------------------------------------------------------- */

/* Copies column c into the request's arena ("" for NULL). */
static const char *col(struct request *req, struct store_stmt *s, int c)
{
    return arena_strdup(req->op.arena, store_is_null(s, c) ? "" : store_text(s, c));
}

static bool form_details(struct error *err, struct request *req, struct report_pdf_in *f)
{
    struct store_stmt *s = store_query(
        err, req->op.conn,
        "SELECT p.name, p.name_kana, p.birth_date, p.address, o.address, o.phone, su.name "
        "FROM patients p JOIN orgs o ON o.id = ? LEFT JOIN users su ON su.id = "
        "(SELECT signed_by FROM homecare_reports WHERE id = ?) WHERE p.id = ?",
        "ttt", f->r->org_id, f->r->id, f->r->patient_id);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    if (r == STORE_ROW) {
        f->patient_name = col(req, s, 0);
        f->patient_kana = col(req, s, 1);
        f->birth_date = col(req, s, 2);
        f->address = col(req, s, 3);
        f->org_address = col(req, s, 4);
        f->org_phone = col(req, s, 5);
        f->signed_by = col(req, s, 6);
    }
    store_done(s);
    if (r == STORE_FAIL)
        return false;
    return r == STORE_ROW || error_set(err, ERR_HOMECARE_REPORT_NOT_FOUND, NULL);
}

/* The version asked for: version=N (1–9999) or the current one (0). */
static bool version_asked(struct error *err, struct request *req, int *version)
{
    static const char *const allowed[] = {"version", NULL};
    *version = 0;
    if (!request_query_check(err, req, allowed))
        return false;
    const char *v = request_query(req, "version");
    if (!v)
        return true;
    char *end;
    long n = strtol(v, &end, 10);
    if (!v[0] || *end || n < 1 || n > 9999)
        return error_set(err, ERR_BAD_QUERY, "version: expected a version number");
    *version = (int)n;
    return true;
}

bool report_pdf_render(struct error *err, const struct report_pdf_in *in, unsigned char **pdf,
                       size_t *len)
{
    *pdf = NULL;
    *len = 0;
    cairo_font_face_t *face = typeset_font_face(in->font_path);
    if (!face)
        return error_set(err, ERR_HOMECARE_REPORT_FONT, "%s",
                         in->font_path && in->font_path[0] ? in->font_path : "no default font");
    char month[40], *name = typeset_clean(in->patient_name, TYPESET_NAME_MAX), *footer = NULL;
    month_ja(in->r->month, month, sizeof month);
    if (!name || asprintf(&footer, "%s 様　訪問看護報告書(%s)", name, month) < 0) {
        free(name);
        return error_set(err, ERR_NOMEM, "report layout");
    }
    struct typeset_pdf doc = {
        .face = face,
        .title = "訪問看護報告書",
        .footer = footer,
        .max_pages = MAX_PAGES,
        .layout = layout,
        .arg = in,
    };
    bool ok = typeset_pdf_render(err, &doc, pdf, len);
    free(name);
    free(footer);
    return ok;
}

/* The stored version's content and vitals, in the request's arena. */
static bool render(struct error *err, struct request *req, struct report_pdf_in *f,
                   unsigned char **pdf, size_t *len)
{
    json_t *content = json_loads(f->r->content, 0, NULL);
    json_t *vitals = json_loads(f->r->vitals, 0, NULL);
    arena_cleanup_add(req->op.arena, (arena_cleanup_fn)json_decref, content);
    arena_cleanup_add(req->op.arena, (arena_cleanup_fn)json_decref, vitals);
    f->content = content;
    f->vitals = vitals;
    f->font_path = req->ctx->env.letter_font;
    return report_pdf_render(err, f, pdf, len);
}

bool homecare_reports_pdf(struct error *err, struct request *req)
{
    const char *rid = request_param(req, 1);
    req->object_type = "homecare_report";
    req->object_id = rid;
    int version;
    struct homecare_report r;
    struct report_pdf_in f = {.r = &r};
    unsigned char *pdf = NULL;
    size_t len = 0;
    if (!version_asked(err, req, &version) ||
        !report_load(err, &req->op, req->patient_id, rid, version, &r) ||
        !form_details(err, req, &f) || !render(err, req, &f, &pdf, &len))
        return false;
    req->audit_detail = arena_printf(req->op.arena, "pdf version %d", r.version);
    req->status = 200;
    req->content_type = "application/pdf";
    req->resp_body = (char *)pdf; /* malloc'd: freed with the response */
    req->resp_len = len;
    response_allow_same_origin_frame(req);
    response_header(req, "Content-Disposition",
                    arena_printf(req->op.arena, "inline; filename=\"homecare-report-%s-v%d.pdf\"",
                                 r.month, r.version));
    return true;
}
