/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka needs the headers above first */
#include <cmocka.h>

#include <string.h>

#include "auth/password.h"
#include "auth/password_int.h"

static void hash_round_trip(void **state)
{
    (void)state;
    struct error err = {0};
    char hash[PASSWORD_HASH_MAX];
    assert_true(password_hash(&err, "minami-demo-2026", hash));
    assert_int_equal(err.code, ERR_NONE);
    assert_true(strncmp(hash, "$argon2id$", 10) == 0);
    assert_non_null(strstr(hash, "$m=19456,t=2,p=1$"));
    assert_true(password_verify(hash, "minami-demo-2026"));
    assert_false(password_verify(hash, "minami-demo-2027"));
    assert_false(password_verify(hash, ""));
}

static void salts_differ(void **state)
{
    (void)state;
    struct error err = {0};
    char first[PASSWORD_HASH_MAX], second[PASSWORD_HASH_MAX];
    assert_true(password_hash(&err, "same password here", first));
    assert_true(password_hash(&err, "same password here", second));
    assert_string_not_equal(first, second);
}

static void unicode_password_round_trip(void **state)
{
    (void)state;
    struct error err = {0};
    char hash[PASSWORD_HASH_MAX];
    assert_true(password_hash(&err, "つなぐ地域医療ネットワーク", hash));
    assert_true(password_verify(hash, "つなぐ地域医療ネットワーク"));
    assert_false(password_verify(hash, "ツナグ地域医療ネットワーク"));
}

static void malformed_hash_fails(void **state)
{
    (void)state;
    char unterminated[PASSWORD_HASH_MAX + 8];
    memset(unterminated, 'a', sizeof(unterminated));
    assert_false(password_verify("", "whatever password"));
    assert_false(password_verify("$argon2id$v=19$m=19456,t=2,p=1$garbage", "whatever password"));
    assert_false(password_verify("plain text", "plain text"));
    assert_false(password_verify(unterminated, "whatever password"));
    assert_false(password_verify(NULL, "whatever password"));
    assert_false(password_verify("$argon2id$", NULL));
}

static void assert_weak(const char *password, const char *rule)
{
    struct error err = {0};
    assert_false(password_policy_check(&err, password));
    assert_int_equal(err.code, ERR_WEAK_PASSWORD);
    assert_string_equal(err.detail, rule);
}

static void assert_policy_ok(const char *password)
{
    struct error err = {0};
    assert_true(password_policy_check(&err, password));
    assert_int_equal(err.code, ERR_NONE);
}

static void policy_lengths(void **state)
{
    (void)state;
    char text[200];
    memset(text, 'x', sizeof(text));
    text[11] = '\0';
    assert_weak("", "too short");
    assert_weak(text, "too short");
    text[11] = 'y';
    text[12] = '\0';
    assert_policy_ok(text);
    text[12] = 'y';
    text[128] = '\0';
    assert_policy_ok(text);
    text[128] = 'y';
    text[129] = '\0';
    assert_weak(text, "too long");
}

static void policy_counts_code_points(void **state)
{
    (void)state;
    // 12 kana are 36 bytes but 12 characters; 11 kana are 33 bytes and still too short.
    assert_policy_ok("あいうえおかきくけこさし");
    assert_weak("あいうえおかきくけこさ", "too short");
    char kana[129 * 3 + 1] = "";
    for (int i = 0; i < 128; i++)
        strcat(kana, "あ");
    assert_policy_ok(kana);
    strcat(kana, "あ");
    assert_weak(kana, "too long");
}

static void policy_rejects_invalid_utf8(void **state)
{
    (void)state;
    struct error err = {0};
    assert_false(password_policy_check(&err, "twelve chars\xFF"));
    assert_int_equal(err.code, ERR_FIELD_VALUE);
    error_clear(&err);
    assert_false(password_policy_check(&err, NULL));
    assert_int_equal(err.code, ERR_FIELD_VALUE);
}

static void policy_rejects_common(void **state)
{
    (void)state;
    assert_weak("password1234", "common password");
    assert_weak("PassWord1234", "common password");
    assert_weak("QWERTYUIOPASDF", "common password");
    assert_weak("1qaz2wsx3edc4rfv", "common password");
    assert_weak("123456789012", "common password");
    assert_weak("Doraemon1234", "common password");
    assert_weak("sakurasakura", "common password");
    assert_true(password_is_common("ILOVEYOU1234"));
    assert_false(password_is_common("minami-demo-2026"));
    assert_false(password_is_common("password123"));
    assert_false(password_is_common(NULL));
    assert_policy_ok("minami-demo-2026");
}

static void blocklist_sorted_and_well_formed(void **state)
{
    (void)state;
    assert_true(password_blocklist_count >= 300);
    for (size_t i = 0; i < password_blocklist_count; i++) {
        const char *entry = password_blocklist[i];
        assert_true(strlen(entry) >= PASSWORD_MIN_CHARS);
        for (const char *c = entry; *c; c++)
            assert_false(*c >= 'A' && *c <= 'Z');
        if (i > 0)
            assert_true(strcmp(password_blocklist[i - 1], entry) < 0);
        assert_true(password_is_common(entry));
    }
}

static void fullwidth_input_matches_ascii(void **state)
{
    (void)state;
    /* An IME left in full-width mode types ｍｉｎａｍｉ－ｄｅｍｏ－２０２６; NFKC makes it match.
     */
    char hash[PASSWORD_HASH_MAX];
    struct error err = {0};
    assert_true(password_hash(&err, "minami-demo-2026", hash));
    assert_true(password_verify(hash, "ｍｉｎａｍｉ－ｄｅｍｏ－２０２６"));
    assert_false(password_verify(hash, "minami-demo-2027"));
    assert_weak("ＰＡＳＳＷＯＲＤ１２３４", "common password");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hash_round_trip),
        cmocka_unit_test(salts_differ),
        cmocka_unit_test(unicode_password_round_trip),
        cmocka_unit_test(malformed_hash_fails),
        cmocka_unit_test(policy_lengths),
        cmocka_unit_test(policy_counts_code_points),
        cmocka_unit_test(policy_rejects_invalid_utf8),
        cmocka_unit_test(policy_rejects_common),
        cmocka_unit_test(blocklist_sorted_and_well_formed),
        cmocka_unit_test(fullwidth_input_matches_ascii),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
