/* SPDX-License-Identifier: Apache-2.0 */
/* The printed 訪問看護報告書 (src/homecare/report_pdf.c, on the shared typesetter): the form's
 * parts read back by pdftotext (poppler, a reader we did not write), the calendar's marks, odd
 * input that must not break it, the page cap and a missing font. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka needs the headers above first */
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "homecare/homecare_int.h"
#include "pdf_text.h"

static struct homecare_report sample_report(const char *status)
{
    struct homecare_report r = {0};
    snprintf(r.month, sizeof r.month, "%s", "2026-11");
    r.version = 2;
    r.status = status;
    r.reason = "体重の記載誤り";
    r.sha256 = "a89e206fe5b101d285f985aa46119ff4ae5e72efbd6f6aac802d5dcea6a58712";
    r.signed_at = strcmp(status, "signed") == 0 ? INT64_C(1796000000000) : 0;
    r.org_name = "みなみ訪問看護ステーション";
    r.to_org_name = "あおば在宅クリニック";
    r.author_name = "鈴木 恵子";
    return r;
}

static json_t *sample_content(void)
{
    json_t *c =
        json_pack("{s:[{s:s, s:s}, {s:s, s:s}, {s:s, s:s}], s:s, s:s, s:s, s:s}", "visits", "date",
                  "2026-11-02", "kind", "home_nursing", "date", "2026-11-02", "kind", "home_rehab",
                  "date", "2026-11-19", "kind", "home_nursing", "condition",
                  "11/2 下腿浮腫あり。\n11/19 浮腫は軽減。", "care_given",
                  "体重測定、服薬確認、足浴", "home_care", "妻が主介護者。夜間の介護負担が大きい。",
                  "remarks", "レスパイト入院の検討をお願いします。");
    assert_non_null(c);
    return c;
}

static struct report_pdf_in sample_in(const struct homecare_report *r, const json_t *content,
                                      const json_t *vitals)
{
    return (struct report_pdf_in){.r = r,
                                  .patient_name = "佐藤 一郎",
                                  .patient_kana = "サトウ イチロウ",
                                  .birth_date = "1938-09-03",
                                  .address = "みなみ市中央町3-8-15",
                                  .org_address = "みなみ市中央町2-9-4",
                                  .org_phone = "099-555-0160",
                                  .signed_by = "鈴木 恵子",
                                  .content = content,
                                  .vitals = vitals};
}

static void render(const struct report_pdf_in *in, unsigned char **pdf, size_t *len)
{
    struct error err = {0};
    if (!report_pdf_render(&err, in, pdf, len))
        fail_msg("render: %s %s", error_code_name(err.code), err.detail);
    assert_true(*len > 1000);
    assert_memory_equal(*pdf, "%PDF-", 5);
}

/* ---- tests ------------------------------------------------------------------------------ */

static void renders_the_form_with_its_text(void **state)
{
    (void)state;
    struct homecare_report r = sample_report("signed");
    json_t *content = sample_content();
    json_t *vitals =
        json_pack("[{s:s, s:s, s:s, s:i, s:f, s:f, s:f}]", "vital", "weight", "ja", "体重", "unit",
                  "kg", "count", 2, "min", 58.2, "max", 60.4, "last", 60.4);
    struct report_pdf_in in = sample_in(&r, content, vitals);
    unsigned char *pdf;
    size_t len;
    render(&in, &pdf, &len);
    int pages;
    char *text = pdf_text(pdf, len, &pages);
    assert_true(pages >= 1 && pages <= 2); /* the form, and the vitals kept with their heading */
    char numbers[32];
    snprintf(numbers, sizeof numbers, "1 / %d", pages);
    assert_has(text, numbers);
    static const char *const parts[] = {"訪問看護報告書",
                                        "あおば在宅クリニック",
                                        "主治医",
                                        "みなみ訪問看護ステーション",
                                        "佐藤 一郎 様",
                                        "2026年11月分",
                                        "1938年9月3日",
                                        "訪問日",
                                        "2 ○◇",
                                        "19 ○",
                                        "訪問回数 計 3 回",
                                        "病状の経過",
                                        "下腿浮腫あり",
                                        "看護の内容",
                                        "足浴",
                                        "家庭での介護の状況",
                                        "夜間の介護負担",
                                        "特記すべき事項",
                                        "レスパイト入院",
                                        "体重(kg)",
                                        "58.2",
                                        "60.4",
                                        "署名: 鈴木 恵子",
                                        "第2版",
                                        "a89e206fe5b101d2",
                                        "訂正理由: 体重の記載誤り",
                                        "佐藤 一郎 様　訪問看護報告書(2026年11月)",
                                        "1 / 1"};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++)
        assert_has(text, parts[i]);
    free(text);
    free(pdf);
    json_decref(content);
    json_decref(vitals);
}

static void a_draft_says_so(void **state)
{
    (void)state;
    struct homecare_report r = sample_report("draft");
    json_t *content = sample_content();
    struct report_pdf_in in = sample_in(&r, content, NULL);
    unsigned char *pdf;
    size_t len;
    render(&in, &pdf, &len);
    int pages;
    char *text = pdf_text(pdf, len, &pages);
    assert_has(text, "下書き(未署名)");
    assert_has(text, "署名されていません");
    assert_has(text, "記録なし"); /* no vitals */
    free(text);
    free(pdf);
    json_decref(content);
}

static void survives_odd_input(void **state)
{
    (void)state;
    struct homecare_report r = sample_report("signed");
    r.org_name = r.to_org_name = r.author_name = NULL;
    r.reason = r.sha256 = NULL;
    const char *odd = "\xff\xfe\x01\x1b[31m\xed\xa0\x80\xe3\x81";
    static const char *const months[] = {"", "2026-13", "abcdefg", "2026-02", "0000-00"};
    json_t *shapes[] = {
        json_string("x"), json_pack("{s:s, s:i}", "visits", "x", "condition", 5),
        json_pack("{s:[i, {s:i}, {s:s, s:s}]}", "visits", 1, "date", 3, "date", odd, "kind", odd),
        NULL};
    json_t *vitals = json_pack("[i, {s:s, s:s}]", 5, "ja", odd, "unit", "{score}");
    for (size_t m = 0; m < sizeof months / sizeof months[0]; m++)
        for (size_t c = 0; c < sizeof shapes / sizeof shapes[0]; c++) {
            snprintf(r.month, sizeof r.month, "%s", months[m]);
            struct report_pdf_in in = {
                .r = &r, .patient_name = odd, .content = shapes[c], .vitals = vitals};
            unsigned char *pdf;
            size_t len;
            render(&in, &pdf, &len);
            free(pdf);
        }
    for (size_t c = 0; c < sizeof shapes / sizeof shapes[0]; c++)
        json_decref(shapes[c]);
    json_decref(vitals);
}

static void caps_the_pages(void **state)
{
    (void)state;
    struct homecare_report r = sample_report("signed");
    size_t n = 200000;
    char *long_text = malloc(n + 1);
    assert_non_null(long_text);
    for (size_t i = 0; i < n; i++)
        long_text[i] = i % 50 == 49 ? '\n' : 'a' + (char)(i % 26);
    long_text[n] = '\0';
    json_t *content = json_pack("{s:s, s:s, s:s, s:s}", "condition", long_text, "care_given",
                                long_text, "home_care", long_text, "remarks", long_text);
    free(long_text);
    struct report_pdf_in in = sample_in(&r, content, NULL);
    unsigned char *pdf;
    size_t len;
    render(&in, &pdf, &len);
    int pages;
    char *text = pdf_text(pdf, len, &pages);
    assert_int_equal(pages, REPORT_PDF_MAX_PAGES);
    assert_has(text, "以下省略");
    free(text);
    free(pdf);
    json_decref(content);
}

static void refuses_a_missing_font(void **state)
{
    (void)state;
    struct homecare_report r = sample_report("signed");
    struct report_pdf_in in = sample_in(&r, NULL, NULL);
    in.font_path = "/nonexistent/font.ttf";
    struct error err = {0};
    unsigned char *pdf = (unsigned char *)"x";
    size_t len = 1;
    assert_false(report_pdf_render(&err, &in, &pdf, &len));
    assert_int_equal(err.code, ERR_HOMECARE_REPORT_FONT);
    assert_null(pdf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(renders_the_form_with_its_text),
        cmocka_unit_test(a_draft_says_so),
        cmocka_unit_test(survives_odd_input),
        cmocka_unit_test(caps_the_pages),
        cmocka_unit_test(refuses_a_missing_font),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
