/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka needs the headers above first */
#include <cmocka.h>

#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/totp.h"

/* RFC 6238 Appendix B: the SHA-1 seed "12345678901234567890" in base32. */
#define RFC_SECRET "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

static void assert_code(time_t t, const char *expected)
{
    struct error err = {0};
    char code[7];
    assert_true(totp_code_at(&err, RFC_SECRET, t, code));
    assert_string_equal(code, expected);
}

static void rfc6238_vectors(void **state)
{
    (void)state;
    // The RFC lists 8 digits; 6-digit codes are the last six (94287082 → 287082).
    assert_code(59, "287082");
    assert_code(1111111109, "081804");
    assert_code(1111111111, "050471");
    assert_code(1234567890, "005924");
    assert_code(2000000000, "279037");
}

static void code_at_rejects_bad_input(void **state)
{
    (void)state;
    struct error err = {0};
    char code[7];
    assert_false(totp_code_at(&err, "not base32!", 59, code));
    assert_int_equal(err.code, ERR_FIELD_VALUE);
    assert_string_equal(code, "");
    error_clear(&err);
    assert_false(totp_code_at(&err, "", 59, code));
    error_clear(&err);
    assert_false(totp_code_at(&err, RFC_SECRET, -1, code));
    assert_int_equal(err.code, ERR_FIELD_VALUE);
}

static void verify_window(void **state)
{
    (void)state;
    int64_t step = -1;
    assert_true(totp_verify(RFC_SECRET, "287082", 59, 1, &step));
    assert_int_equal(step, 1);
    step = -1;
    assert_true(totp_verify(RFC_SECRET, "287082", 59 + 30, 1, &step)); // one step late
    assert_int_equal(step, 1);
    step = -1;
    assert_true(totp_verify(RFC_SECRET, "287082", 29, 1, &step)); // one step early
    assert_int_equal(step, 1);
    step = -1;
    assert_false(totp_verify(RFC_SECRET, "287082", 59 + 60, 1, &step)); // two steps late
    assert_false(totp_verify(RFC_SECRET, "287082", 59 + 30, 0, &step));
    assert_int_equal(step, -1);
    assert_true(totp_verify(RFC_SECRET, "005924", 1234567890, 1, &step));
    assert_int_equal(step, 1234567890 / 30);
    assert_true(totp_verify(RFC_SECRET, "005924", 1234567890, 0, NULL));
}

static void verify_rejects_malformed(void **state)
{
    (void)state;
    int64_t step = -1;
    assert_false(totp_verify(RFC_SECRET, "28708", 59, 1, &step));
    assert_false(totp_verify(RFC_SECRET, "2870820", 59, 1, &step));
    assert_false(totp_verify(RFC_SECRET, "28708a", 59, 1, &step));
    assert_false(totp_verify(RFC_SECRET, " 287082", 59, 1, &step));
    assert_false(totp_verify(RFC_SECRET, "287 082", 59, 1, &step));
    assert_false(totp_verify(RFC_SECRET, "２８７０８２", 59, 1, &step));
    assert_false(totp_verify(RFC_SECRET, "", 59, 1, &step));
    assert_false(totp_verify(RFC_SECRET, NULL, 59, 1, &step));
    assert_false(totp_verify("bad secret", "287082", 59, 1, &step));
    assert_false(totp_verify(NULL, "287082", 59, 1, &step));
    assert_false(totp_verify(RFC_SECRET, "287082", 59, -1, &step));
    assert_false(totp_verify(RFC_SECRET, "287082", 59, TOTP_WINDOW_MAX + 1, &step));
    assert_false(totp_verify(RFC_SECRET, "287082", -59, 1, &step));
    assert_int_equal(step, -1);
}

static void new_secret_round_trip(void **state)
{
    (void)state;
    struct error err = {0};
    char first[TOTP_SECRET_B32_MAX], second[TOTP_SECRET_B32_MAX], code[7];
    assert_true(totp_secret_new(&err, first));
    assert_true(totp_secret_new(&err, second));
    assert_int_equal(strlen(first), 32);
    assert_int_equal(strspn(first, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"), 32);
    assert_string_not_equal(first, second);
    assert_true(totp_code_at(&err, first, 1700000000, code));
    assert_true(totp_verify(first, code, 1700000000, 1, NULL));
}

static void otpauth_uri_encodes(void **state)
{
    (void)state;
    char *uri = totp_otpauth_uri("つなぐ", "yamada@example.jp", RFC_SECRET);
    assert_non_null(uri);
    assert_string_equal(uri, "otpauth://totp/%E3%81%A4%E3%81%AA%E3%81%90:yamada%40example.jp"
                             "?secret=" RFC_SECRET "&issuer=%E3%81%A4%E3%81%AA%E3%81%90"
                             "&algorithm=SHA1&digits=6&period=30");
    free(uri);
    uri = totp_otpauth_uri("みなみ 連携:net", "a&b=c/d", RFC_SECRET);
    assert_non_null(uri);
    assert_non_null(strstr(uri, "%20%E9%80%A3%E6%90%BA%3Anet:a%26b%3Dc%2Fd?"));
    free(uri);
    assert_null(totp_otpauth_uri("", "user", RFC_SECRET));
    assert_null(totp_otpauth_uri("つなぐ", "user\xFF", RFC_SECRET));
    assert_null(totp_otpauth_uri("つなぐ", "user", "lower&case"));
    assert_null(totp_otpauth_uri(NULL, "user", RFC_SECRET));
}

/* Redraws the path's runs into a grid and compares it with libqrencode's modules. */
static void assert_path_matches(const char *svg, const QRcode *qr)
{
    int size = qr->width + 8;
    unsigned char *grid = calloc((size_t)size * (size_t)size, 1);
    assert_non_null(grid);
    const char *p = strstr(svg, " d=\"");
    assert_non_null(p);
    p += 4;
    int x, y, run, back, used;
    while (sscanf(p, "M%d %dh%dv1h-%dz%n", &x, &y, &run, &back, &used) == 4) {
        assert_int_equal(run, back);
        assert_true(x >= 4 && y >= 4 && x + run <= size - 4 && y < size - 4);
        for (int i = 0; i < run; i++)
            grid[y * size + x + i] = 1;
        p += used;
    }
    assert_int_equal(*p, '"');
    for (y = 0; y < size; y++)
        for (x = 0; x < size; x++) {
            bool inside = x >= 4 && y >= 4 && x < size - 4 && y < size - 4;
            int dark = inside ? qr->data[(y - 4) * qr->width + (x - 4)] & 1 : 0;
            assert_int_equal(grid[y * size + x], dark);
        }
    free(grid);
}

static void qr_svg_is_plain(void **state)
{
    (void)state;
    const char *text = "otpauth://totp/x:y?secret=" RFC_SECRET;
    char *svg = totp_qr_svg(text);
    assert_non_null(svg);
    assert_true(strncmp(svg, "<svg", 4) == 0);
    assert_null(strstr(svg, "<script"));
    assert_null(strstr(svg, "href"));
    assert_true(strcmp(svg + strlen(svg) - 6, "</svg>") == 0);

    QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
    assert_non_null(qr);
    char view_box[64];
    snprintf(view_box, sizeof(view_box), "viewBox=\"0 0 %d %d\"", qr->width + 8, qr->width + 8);
    assert_non_null(strstr(svg, view_box));
    // The top-left finder pattern starts at the quiet zone with a run of 7 dark modules.
    assert_non_null(strstr(svg, "M4 4h7v1h-7z"));
    assert_path_matches(svg, qr);
    QRcode_free(qr);
    free(svg);
    assert_null(totp_qr_svg(""));
    assert_null(totp_qr_svg(NULL));
}

static bool in_alphabet(char c)
{
    return c && strchr("23456789abcdefghjkmnpqrstuvwxyz", c) != NULL;
}

static void recovery_codes_format(void **state)
{
    (void)state;
    struct error err = {0};
    char codes[RECOVERY_CODE_COUNT][RECOVERY_CODE_LEN];
    assert_true(totp_recovery_codes_new(&err, codes));
    for (int i = 0; i < RECOVERY_CODE_COUNT; i++) {
        assert_int_equal(strlen(codes[i]), 14);
        for (int j = 0; j < 14; j++) {
            if (j == 4 || j == 9)
                assert_int_equal(codes[i][j], '-');
            else
                assert_true(in_alphabet(codes[i][j]));
        }
        for (int k = 0; k < i; k++)
            assert_string_not_equal(codes[i], codes[k]);
        char canonical[16];
        assert_true(totp_recovery_code_canonical(codes[i], canonical, sizeof(canonical)));
        assert_int_equal(strlen(canonical), 12);
    }
}

static void assert_canonical(const char *input, const char *expected)
{
    char out[13];
    assert_true(totp_recovery_code_canonical(input, out, sizeof(out)));
    assert_string_equal(out, expected);
}

static void recovery_canonical(void **state)
{
    (void)state;
    assert_canonical("ABCD EFGH-jkmn", "abcdefghjkmn");
    assert_canonical("abcdefghjkmn", "abcdefghjkmn");
    assert_canonical(" abcd - efgh - jkmn ", "abcdefghjkmn");
    assert_canonical("ＡＢＣＤ－ＥＦＧＨ－ＪＫＭＮ", "abcdefghjkmn"); // typed in full width
    assert_canonical("abcd　efgh ー jkmn", "abcdefghjkmn");

    char out[13] = "x";
    assert_false(totp_recovery_code_canonical("abcd-efgh-jkm", out, sizeof(out)));
    assert_string_equal(out, "");
    assert_false(totp_recovery_code_canonical("abcd-efgh-jkmnp", out, sizeof(out)));
    assert_false(totp_recovery_code_canonical("abcd-efgh-jkm0", out, sizeof(out)));
    assert_false(totp_recovery_code_canonical("abcd-efgh-jkmo", out, sizeof(out)));
    assert_false(totp_recovery_code_canonical("abcd_efgh_jkmn", out, sizeof(out)));
    assert_false(totp_recovery_code_canonical("abcd-efgh-jkm\xFF", out, sizeof(out)));
    assert_false(totp_recovery_code_canonical("", out, sizeof(out)));
    assert_false(totp_recovery_code_canonical(NULL, out, sizeof(out)));
    assert_false(totp_recovery_code_canonical("abcd-efgh-jkmn", out, 12));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rfc6238_vectors),       cmocka_unit_test(code_at_rejects_bad_input),
        cmocka_unit_test(verify_window),         cmocka_unit_test(verify_rejects_malformed),
        cmocka_unit_test(new_secret_round_trip), cmocka_unit_test(otpauth_uri_encodes),
        cmocka_unit_test(qr_svg_is_plain),       cmocka_unit_test(recovery_codes_format),
        cmocka_unit_test(recovery_canonical),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
