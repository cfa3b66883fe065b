/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka needs the headers above first */
#include <cmocka.h>

#include <cairo-pdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pdf_text.h"
#include "referral/letter_pdf.h"

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#define lsan_disable() __lsan_disable()
#define lsan_enable() __lsan_enable()
#else
#define lsan_disable() ((void)0)
#define lsan_enable() ((void)0)
#endif

/* ---- helpers ---------------------------------------------------------------------------- */

/* A string of n copies of unit. */
static char *repeat(const char *unit, size_t n)
{
    size_t len = strlen(unit);
    char *s = malloc(len * n + 1);
    assert_non_null(s);
    for (size_t i = 0; i < n; i++)
        memcpy(s + i * len, unit, len);
    s[len * n] = '\0';
    return s;
}

static json_t *sample_letter(void)
{
    char *course = repeat("労作時の息切れと下腿浮腫が2週間前から増悪し、体重が3kg増加した。"
                          "胸部X線で心拡大と両側胸水を認め、BNPは856pg/mLと上昇していた。",
                          40);
    json_t *letter = json_pack(
        "{s:s, s:s, s:[{s:s, s:s, s:s}, {s:s, s:s, s:s}], s:s, s:o, s:[{s:s}, {s:s}],"
        " s:[{s:s, s:s}], s:[{s:s, s:s, s:s}], s:[{s:s, s:s}], s:[{s:s, s:s}], s:s, s:s, s:b,"
        " s:s}",
        "purpose_text", "心不全増悪の精査と加療をお願いいたします。", "chief_complaint", "息切れ",
        "diagnoses", "text", "慢性心不全", "code", "I50.0", "onset", "2026-06-02", "text",
        "2型糖尿病", "code", "E11.9", "onset", "2012-04-10", "history",
        "高血圧症(2005年〜)。母に糖尿病。", "course", json_string(course), "medications", "text",
        "フロセミド錠20mg 1回1錠 1日1回 朝食後", "text",
        "ジャディアンス錠10mg 1回1錠 1日1回 朝食後", "allergies", "text", "ペニシリン系抗菌薬",
        "reaction", "全身蕁麻疹・呼吸困難", "labs", "text", "HbA1c(NGSP)", "value", "7.0 %", "date",
        "2026-11-15", "documents", "reference", "DocumentReference/x", "title",
        "退院時サマリー(2026年6月16日)", "imaging", "study_uid", "1.2.392.200036.9116.2.1",
        "description", "胸部CT", "follow_up", "", "remarks", "ご不明な点はご連絡ください。",
        "record_shared", 1, "share_expires_at", "2027-02-20T07:31:13.000Z");
    free(course);
    assert_non_null(letter);
    return letter;
}

static struct letter_pdf_in sample_in(const json_t *letter)
{
    return (struct letter_pdf_in){
        .date = "2026-11-22",
        .patient_name = "山田 花子",
        .patient_kana = "ヤマダ ハナコ",
        .patient_sex = "女",
        .patient_birth_date = "1941-03-05",
        .patient_age = 85,
        .from_org_name = "さくら内科クリニック",
        .from_org_address = "みなみ市中央1-2-3",
        .from_org_phone = "0120-000-000",
        .signer_name = "小林 誠",
        .to_org_name = "みなみ大学病院",
        .to_department = "循環器内科",
        .urgency = "急ぎ",
        .purpose = "精査",
        .letter = letter,
    };
}

/* Fails unless every page says "n / pages". */
static void assert_page_numbers(const char *text, int pages)
{
    for (int i = 1; i <= pages; i++) {
        char number[32];
        snprintf(number, sizeof number, "%d/%d", i, pages);
        assert_has(text, number);
    }
}

static void render(const struct letter_pdf_in *in, unsigned char **pdf, size_t *len)
{
    struct error err = {0};
    bool ok = letter_pdf_render(&err, in, pdf, len);
    if (!ok)
        fail_msg("render: %s %s", error_code_name(err.code), err.detail);
    assert_true(*len > 1000);
    assert_memory_equal(*pdf, "%PDF-", 5);
}

/* ---- tests ------------------------------------------------------------------------------ */

static void renders_the_form_with_its_text(void **state)
{
    (void)state;
    json_t *letter = sample_letter();
    struct letter_pdf_in in = sample_in(letter);
    unsigned char *pdf;
    size_t len;
    render(&in, &pdf, &len);
    int pages;
    char *text = pdf_text(pdf, len, &pages);
    static const char *const expected[] = {
        "診療情報提供書",
        "2026年11月22日",
        "みなみ大学病院",
        "循環器内科　御侍史",
        "さくら内科クリニック",
        "小林 誠",
        "山田 花子 様",
        "ヤマダ ハナコ",
        "1941年3月5日",
        "（85歳）",
        "傷病名",
        "慢性心不全（I50.0）",
        "発症: 2026年6月2日",
        "紹介目的",
        "心不全増悪の精査と加療をお願いいたします。",
        "主訴: 息切れ",
        "既往歴及び家族歴",
        "母に糖尿病",
        "現在の処方",
        "フロセミド錠20mg 1回1錠 1日1回 朝食後",
        "アレルギー",
        "ペニシリン系抗菌薬（症状: 全身蕁麻疹・呼吸困難）",
        "検査結果",
        "HbA1c(NGSP)",
        "7.0 %",
        "添付資料",
        "退院時サマリー",
        "胸部CT",
        "備考",
        "ご不明な点はご連絡ください。",
        "本紹介に伴い、患者の同意に基づき診療情報を共有しています(2027年2月20日まで)",
    };
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++)
        assert_has(text, expected[i]);
    assert_true(pages >= 2); /* the long course runs over */
    assert_page_numbers(text, pages);
    free(text);
    free(pdf);
    json_decref(letter);
}

static void addresses_a_physician_without_a_department(void **state)
{
    (void)state;
    json_t *letter =
        json_pack("{s:s, s:b}", "purpose_text", "在宅移行のお願い", "record_shared", 0);
    struct letter_pdf_in in = sample_in(letter);
    in.to_department = "";
    in.reverse = true;
    unsigned char *pdf;
    size_t len;
    render(&in, &pdf, &len);
    int pages;
    char *text = pdf_text(pdf, len, &pages);
    assert_has(text, "ご担当医　先生　御机下");
    assert_has(text, "患者の同意の範囲外のため、診療記録は共有していません");
    assert_has(text, "今後の方針・依頼事項");
    assert_page_numbers(text, pages);
    free(text);
    free(pdf);
    json_decref(letter);
}

/* Odd input never crashes and never reaches cairo unclean: invalid UTF-8, controls, NULLs, a
 * letter that is not an object, fields of the wrong types. */
static void survives_odd_input(void **state)
{
    (void)state;
    const char *odd = "\xff\xfe\xc0\xaf\xed\xa0\x80\xf4\x90\x80\x80\x01\x1b[31m\r\n\t\xe3\x81";
    json_t *shapes[] = {
        json_string("not an object"),
        json_pack("{s:i, s:{}, s:[i, s, n, []], s:[{s:i}], s:s}", "purpose_text", 3, "diagnoses",
                  "medications", 1, "x", "allergies", "text", 5, "remarks", "ok"),
        NULL,
    };
    for (size_t i = 0; i < sizeof shapes / sizeof shapes[0]; i++) {
        struct letter_pdf_in in = {.patient_name = odd,
                                   .to_org_name = odd,
                                   .date = odd,
                                   .patient_birth_date = "1941-02-30",
                                   .patient_age = -5,
                                   .letter = shapes[i]};
        unsigned char *pdf;
        size_t len;
        render(&in, &pdf, &len);
        free(pdf);
        json_decref(shapes[i]);
    }
}

/* A letter far longer than the page cap ends with a note on the last allowed page. */
static void caps_the_pages(void **state)
{
    (void)state;
    char *long_text = repeat("長い経過の記載が続きます。", 1400);
    json_t *meds = json_array();
    for (int i = 0; i < 250; i++)
        json_array_append_new(meds, json_pack("{s:s}", "text", long_text + (i % 7) * 3 * 400));
    json_t *letter = json_pack("{s:s, s:s, s:s, s:o}", "purpose_text", long_text, "history",
                               long_text, "course", long_text, "medications", meds);
    struct letter_pdf_in in = sample_in(letter);
    unsigned char *pdf;
    size_t len;
    render(&in, &pdf, &len);
    int pages;
    char *text = pdf_text(pdf, len, &pages);
    assert_int_equal(pages, LETTER_PDF_MAX_PAGES);
    assert_page_numbers(text, pages);
    assert_has(text, "以下省略");
    free(text);
    free(pdf);
    json_decref(letter);
    free(long_text);
}

static void refuses_a_font_that_is_not_japanese(void **state)
{
    (void)state;
    json_t *letter = sample_letter();
    struct letter_pdf_in in = sample_in(letter);
    struct error err = {0};
    unsigned char *pdf = (unsigned char *)"x";
    size_t len = 1;
    in.font_path = "/nonexistent/font.ttf";
    assert_false(letter_pdf_render(&err, &in, &pdf, &len));
    assert_int_equal(err.code, ERR_LETTER_FONT);
    assert_null(pdf);
    assert_int_equal(len, 0);
    json_decref(letter);
}

/* The fallback: Noto CJK, a collection whose Japanese face is not the only one. */
static void renders_with_a_font_collection(void **state)
{
    (void)state;
    const char *noto = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc";
    if (access(noto, R_OK) != 0)
        fail_msg("%s is missing: run scripts/deps.sh test (fonts-noto-cjk)", noto);
    json_t *letter = json_pack("{s:s}", "purpose_text", "精査をお願いします。");
    struct letter_pdf_in in = sample_in(letter);
    in.font_path = noto;
    unsigned char *pdf;
    size_t len;
    /* cairo 1.16 leaks 768 bytes per document when it subsets a CFF font (Noto CJK is one;
     * IPAex, the default, is TrueType and does not) */
    lsan_disable();
    render(&in, &pdf, &len);
    lsan_enable();
    int pages;
    char *text = pdf_text(pdf, len, &pages);
    assert_has(text, "精査をお願いします。");
    assert_has(text, "山田 花子 様");
    free(text);
    free(pdf);
    json_decref(letter);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(renders_the_form_with_its_text),
        cmocka_unit_test(addresses_a_physician_without_a_department),
        cmocka_unit_test(survives_odd_input),
        cmocka_unit_test(caps_the_pages),
        cmocka_unit_test(refuses_a_font_that_is_not_japanese),
        cmocka_unit_test(renders_with_a_font_collection),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
