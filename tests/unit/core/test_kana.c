/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka needs the headers above first */
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/kana.h"

static void assert_key(const char *input, const char *expected)
{
    char *key = kana_normalize(input);
    assert_non_null(key);
    assert_string_equal(key, expected);
    free(key);
}

static void widths_and_scripts_meet(void **state)
{
    (void)state;
    assert_key("ﾔﾏﾀﾞ ﾊﾅｺ", "ヤマダハナコ");
    assert_key("やまだ　はなこ", "ヤマダハナコ");
    assert_key("ヤマダハナコ", "ヤマダハナコ");
    assert_key("ヤマダ・ハナコ", "ヤマダハナコ");
    assert_key("ﾔﾏﾀﾞ･ﾊﾅｺ", "ヤマダハナコ");
}

static void kanji_keep_spaces_go(void **state)
{
    (void)state;
    assert_key("山田 花子", "山田花子");
    assert_key("山田　花子", "山田花子");
    assert_key(" \t山田\n花子\r ", "山田花子");
}

static void half_width_marks_compose(void **state)
{
    (void)state;
    assert_key("ﾊﾟ", "パ");
    assert_key("ｳﾞ", "ヴ");
    assert_key("ｶﾞｷﾞｸﾞ", "ガギグ");
    assert_key("ﾗｰﾒﾝ", "ラーメン");
    assert_key("ｰ", "ー");
    // A hiragana base with a combining mark, and a detached ゛ typed after a space-less base.
    assert_key("か\xE3\x82\x99", "ガ");
    assert_key("か゛", "ガ");
}

static void hiragana_edges(void **state)
{
    (void)state;
    assert_key("ぁゖ", "ァヶ");
    assert_key("ゝゞ", "ヽヾ");
    assert_key("ゔ", "ヴ");
}

static void latin_folds(void **state)
{
    (void)state;
    assert_key("ＹＡＭＡＤＡ　Ｈａｎａｋｏ", "yamadahanako");
    assert_key("Tanaka Taro", "tanakataro");
    assert_key("１２３", "123");
}

static void empty_and_only_spaces(void **state)
{
    (void)state;
    assert_key("", "");
    assert_key(" 　・", "");
    assert_null(kana_normalize(NULL));
}

static void invalid_utf8_rejected(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "\xE3\x83",         // truncated katakana
        "\xC0\x80",         // overlong NUL
        "\xE0\x80\xAF",     // overlong '/'
        "\xED\xA0\x80",     // surrogate U+D800
        "\xF4\x90\x80\x80", // U+110000
        "\xFF",
        "\x80",       // stray continuation
        "a\xE3\x83z", // truncated in the middle
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_false(utf8_valid(bad[i], strlen(bad[i])));
        assert_null(kana_normalize(bad[i]));
    }
}

static void utf8_valid_edges(void **state)
{
    (void)state;
    assert_true(utf8_valid("", 0));
    assert_true(utf8_valid(NULL, 0));
    assert_true(utf8_valid("\x7F", 1));
    assert_true(utf8_valid("\xC2\x80", 2));
    assert_true(utf8_valid("\xED\x9F\xBF", 3));     // U+D7FF
    assert_true(utf8_valid("\xEE\x80\x80", 3));     // U+E000
    assert_true(utf8_valid("\xF4\x8F\xBF\xBF", 4)); // U+10FFFF
    assert_true(utf8_valid("山田", strlen("山田")));
    assert_false(utf8_valid("a\0b", 3));
    assert_false(utf8_valid("\xC2", 1));
    assert_false(utf8_valid("\xF8\x88\x80\x80\x80", 5));
}

static void assert_match(const char *a, const char *b)
{
    char *ka = kana_match_key(a), *kb = kana_match_key(b);
    assert_non_null(ka);
    assert_non_null(kb);
    assert_string_equal(ka, kb);
    free(ka);
    free(kb);
}

static void assert_no_match(const char *a, const char *b)
{
    char *ka = kana_match_key(a), *kb = kana_match_key(b);
    assert_non_null(ka);
    assert_non_null(kb);
    assert_string_not_equal(ka, kb);
    free(ka);
    free(kb);
}

static void match_key_folds_reading_variants(void **state)
{
    (void)state;
    // width, script and spaces, as kana_normalize
    assert_match("ﾔﾏﾀﾞ ﾊﾅｺ", "やまだ　はなこ");
    // small kana
    assert_match("キヨウコ", "キョウコ");
    assert_match("ヤマザキ", "ヤマサ\xE3\x82\x99キ");
    assert_match("ハットリ", "ハツトリ");
    // long vowels: ー, ウ and オ after o-row, イ after e-row
    assert_match("サトウ", "サトー");
    assert_match("サトウ", "サトオ");
    assert_match("トオル", "トール");
    assert_match("ケイコ", "ケーコ");
    assert_match("ユウコ", "ユーコ");
    // old and voiced variants
    assert_match("チヂワ", "チジワ");
    assert_match("ミヅキ", "ミズキ");
    assert_match("ヴント", "ブント");
    assert_match("かをる", "カオル");
    // different names stay different
    assert_no_match("ヤマダハナコ", "ヤマダハルコ");
    assert_no_match("サトウ", "サイトウ");
    assert_no_match("カトウ", "カト\xE3\x82\x99ウ"); // カトウ / カドウ
    char *key = kana_match_key("ｻﾄｰ ｷｮｳｺ");
    assert_string_equal(key, "サトキヨコ");
    free(key);
    assert_null(kana_match_key(NULL));
    assert_null(kana_match_key("\xFF"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(widths_and_scripts_meet),
        cmocka_unit_test(kanji_keep_spaces_go),
        cmocka_unit_test(half_width_marks_compose),
        cmocka_unit_test(hiragana_edges),
        cmocka_unit_test(latin_folds),
        cmocka_unit_test(empty_and_only_spaces),
        cmocka_unit_test(invalid_utf8_rejected),
        cmocka_unit_test(utf8_valid_edges),
        cmocka_unit_test(match_key_folds_reading_variants),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
