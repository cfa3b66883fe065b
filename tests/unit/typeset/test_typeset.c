/* SPDX-License-Identifier: Apache-2.0 */
/* The shared typesetter (src/typeset/typeset.h): cleaning untrusted text and breaking lines with
 * kinsoku. The documents built on it are tested with their features (the referral letter:
 * tests/unit/referral/test_letter_pdf.c). */
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

#include "typeset/typeset.h"

static void cleans_text(void **state)
{
    (void)state;
    char *s = typeset_clean("a\r\nb\rc\td\x01\x7f\xc2\x85"
                            "e\xff"
                            "f",
                            100);
    assert_string_equal(s, "a\nb\nc d"
                           "e\xef\xbf\xbd"
                           "f");
    free(s);
    s = typeset_clean("あいうえお", 3);
    assert_string_equal(s, "あいう…");
    free(s);
    s = typeset_clean(NULL, 3);
    assert_string_equal(s, "");
    free(s);
    s = typeset_clean("\xed\xa0\x80\xf0\x9f\x98\x80", 10); /* a surrogate, then an emoji */
    assert_string_equal(s, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xf0\x9f\x98\x80");
    free(s);
}

/* Lines wrapped at a width where punctuation and brackets fall at the edges. */
static void wraps_with_kinsoku(void **state)
{
    (void)state;
    cairo_font_face_t *face = typeset_font_face(NULL);
    assert_non_null(face);
    cairo_surface_t *surface = cairo_pdf_surface_create_for_stream(NULL, NULL, 100, 100);
    cairo_t *cr = cairo_create(surface);
    cairo_set_font_face(cr, face);
    struct typeset_doc d = {.cr = cr, .max_pages = 1};
    double em = typeset_width(&d, 10, "あ");
    assert_true(em > 9 && em < 11);
    static const char *const texts[] = {
        "あいうえお。かきくけこ、さしすせそ」たちつてと",
        "あいうえ「かきくけこ」さしすせ）。",
        "あいうえおかきくけこ。。。。。さしすせそ",
        "abc defghij klmnopqrstuvwxyz0123456789 あ",
        "ああああ\n\nいいい\n",
        "。。。。。。。。。。。。",
    };
    for (size_t t = 0; t < sizeof texts / sizeof texts[0]; t++) {
        char **lines;
        size_t n = typeset_wrap(&d, texts[t], 10, em * 5.5, &lines);
        assert_true(n >= 1);
        size_t total = 0;
        for (size_t i = 0; i < n; i++) {
            total += strlen(lines[i]);
            if (i > 0 && t != 5)
                for (const char *bad = "、。」）"; *bad; bad += 3)
                    if (strncmp(lines[i], bad, 3) == 0)
                        fail_msg("text %zu line %zu starts with %.3s: %s", t, i, bad, lines[i]);
            if (i + 1 < n && strlen(lines[i]) >= 3 &&
                strcmp(lines[i] + strlen(lines[i]) - 3, "「") == 0)
                fail_msg("text %zu line %zu ends with 「", t, i);
        }
        assert_true(total > 0);
        if (getenv("TSUNAGU_SHOW_LINES"))
            for (size_t i = 0; i < n; i++)
                fprintf(stderr, "%zu.%zu [%s]\n", t, i, lines[i]);
        if (t == 3) { /* a word that fits a line moves down whole */
            bool whole = false;
            for (size_t i = 0; i < n; i++)
                whole |= strstr(lines[i], "defghij") != NULL;
            assert_true(whole);
        }
        if (t == 4) { /* a blank line stays, the trailing newline adds none */
            assert_int_equal(n, 3);
            assert_string_equal(lines[1], "");
        }
        typeset_lines_free(lines, n);
    }
    assert_false(d.nomem);
    cairo_destroy(cr);
    cairo_surface_destroy(surface);
}

/* Every page gets its footer and the page cap stops the layout with a note. */
static void layout_many(struct typeset_doc *d, const void *arg)
{
    (void)arg;
    for (int i = 0; i < 400; i++) {
        typeset_heading(d, "見出し");
        typeset_text_block(d, "本文の行です。", "");
    }
}

static void caps_pages_and_renders(void **state)
{
    (void)state;
    cairo_font_face_t *face = typeset_font_face(NULL);
    assert_non_null(face);
    struct typeset_pdf doc = {
        .face = face, .title = "試験", .footer = "フッター", .max_pages = 3, .layout = layout_many};
    struct error err = {0};
    unsigned char *pdf;
    size_t len;
    assert_true(typeset_pdf_render(&err, &doc, &pdf, &len));
    assert_true(len > 5 && memcmp(pdf, "%PDF-", 5) == 0);
    size_t pages = 0;
    for (size_t i = 0; i + 10 < len; i++)
        pages += memcmp(pdf + i, "/Type /Page", 11) == 0 && pdf[i + 11] != 's';
    assert_int_equal(pages, 3);
    free(pdf);
}

static void refuses_a_missing_font(void **state)
{
    (void)state;
    assert_null(typeset_font_face("/nonexistent/font.ttf"));
}

static void dates_in_japanese(void **state)
{
    (void)state;
    char out[64];
    typeset_date_ja("2026-11-02", out, sizeof out);
    assert_string_equal(out, "2026年11月2日");
    typeset_date_ja("2026-11", out, sizeof out);
    assert_string_equal(out, "2026-11");
    typeset_date_ja(NULL, out, sizeof out);
    assert_string_equal(out, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cleans_text),
        cmocka_unit_test(wraps_with_kinsoku),
        cmocka_unit_test(caps_pages_and_renders),
        cmocka_unit_test(refuses_a_missing_font),
        cmocka_unit_test(dates_in_japanese),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
