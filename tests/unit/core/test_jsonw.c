/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka needs the headers above first */
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/jsonw.h"

/* jsonw writes exactly what json_dumps writes for v (the answers' flags). */
static void assert_same_as_jansson(const json_t *v)
{
    size_t len = 0;
    char *ours = jsonw_text(v, &len);
    char *theirs = json_dumps(v, JSON_COMPACT | JSON_REAL_PRECISION(15) | JSON_ENCODE_ANY);
    assert_non_null(ours);
    assert_non_null(theirs);
    assert_string_equal(ours, theirs);
    assert_int_equal(len, strlen(theirs));
    free(ours);
    free(theirs);
}

static void scalars_and_strings(void **state)
{
    (void)state;
    json_t *values[] = {
        json_true(),
        json_false(),
        json_null(),
        json_integer(0),
        json_integer(-1),
        json_integer(INT64_MAX),
        json_integer(INT64_MIN),
        json_string(""),
        json_string("鈴木 正雄 ｽｽﾞｷ 🩺"),
        json_string("\"quoted\" back\\slash /slash\b\f\n\r\t\x01\x1f\x7f"),
        json_stringn("a\0b", 3),
    };
    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        assert_same_as_jansson(values[i]);
        json_decref(values[i]);
    }
    /* longer than a block of the writer, escapes and multi-byte characters across its edges */
    char long_text[12000];
    size_t n = 0;
    while (n + 4 < sizeof long_text) {
        const char *piece = n % 7 == 0 ? "\n" : n % 5 == 0 ? "血" : "a\"";
        memcpy(long_text + n, piece, strlen(piece));
        n += strlen(piece);
    }
    long_text[n] = '\0';
    json_t *long_string = json_string(long_text);
    assert_same_as_jansson(long_string);
    json_decref(long_string);
}

static void reals_as_jansson_writes_them(void **state)
{
    (void)state;
    const double reals[] = {0.0,       -0.0,    1.0,
                            -2.5,      0.1,     100.0,
                            36.8,      1e20,    1e21,
                            1e-5,      1e-7,    123456789012345678.0,
                            1e300,     -1e-300, 3.14159265358979,
                            2.0 / 3.0, 5e-324};
    for (size_t i = 0; i < sizeof reals / sizeof reals[0]; i++) {
        json_t *r = json_real(reals[i]);
        assert_same_as_jansson(r);
        json_decref(r);
    }
}

static void objects_keep_their_order(void **state)
{
    (void)state;
    json_t *o = json_object();
    json_object_set_new(o, "zeta", json_integer(1));
    json_object_set_new(o, "alpha", json_pack("[s, {s:b}, [], {}]", "x", "k", 1));
    json_object_set_new(o, "氏名", json_string("山田 花子"));
    json_object_setn_new(o, "nul\0key", 7, json_null());
    json_object_set_new(o, "esc\"key", json_real(36.5));
    json_object_del(o, "alpha"); /* a deleted key leaves no trace */
    json_object_set_new(o, "alpha", json_integer(2));
    assert_same_as_jansson(o);
    size_t len = 0;
    char *text = jsonw_text(o, &len);
    assert_non_null(strstr(text, "{\"zeta\":1,\"氏名\""));
    free(text);
    json_decref(o);
}

/* A string that is not UTF-8 is refused, as json_dumps refuses it, and leaves nothing behind. */
static void invalid_utf8_is_refused(void **state)
{
    (void)state;
    json_t *o = json_pack("{s:s, s:o}", "ok", "yes", "bad", json_stringn_nocheck("\xff\xfe", 2));
    assert_null(json_dumps(o, JSON_COMPACT));
    size_t len = 99;
    assert_null(jsonw_text(o, &len));
    struct strbuf sb = {0};
    strbuf_puts(&sb, "before");
    assert_false(jsonw_append(&sb, o));
    assert_string_equal(sb.buf, "before");
    assert_int_equal(sb.len, 6);
    strbuf_release(&sb);
    json_decref(o);
}

/* Random nested values (a fixed seed, so a failure repeats) written both ways. */
static json_t *random_value(unsigned *seed, int depth)
{
    static const char *const pieces[] = {"a",  "\"", "\\", "\n", "\x02",
                                         "あ", "𠮷", " ",  "/",  "\x7f"};
    int kind = rand_r(seed) % (depth > 3 ? 5 : 7);
    switch (kind) {
    case 0:
        return json_integer((json_int_t)rand_r(seed) * (rand_r(seed) % 2 ? 1 : -1000003));
    case 1:
        return json_real(ldexp((double)rand_r(seed), rand_r(seed) % 200 - 100));
    case 2:
    case 3: {
        char buf[64] = "";
        int n = rand_r(seed) % 8;
        for (int i = 0; i < n; i++)
            strcat(buf, pieces[rand_r(seed) % (sizeof pieces / sizeof pieces[0])]);
        return json_string(buf);
    }
    case 4:
        return rand_r(seed) % 3 ? json_boolean(rand_r(seed) % 2) : json_null();
    case 5: {
        json_t *a = json_array();
        for (int n = rand_r(seed) % 5; n > 0; n--)
            json_array_append_new(a, random_value(seed, depth + 1));
        return a;
    }
    default: {
        json_t *o = json_object();
        for (int n = rand_r(seed) % 5; n > 0; n--) {
            char key[16];
            snprintf(key, sizeof key, "k%d", rand_r(seed) % 50);
            json_object_set_new(o, key, random_value(seed, depth + 1));
        }
        return o;
    }
    }
}

static void random_values(void **state)
{
    (void)state;
    unsigned seed = 20261207;
    for (int i = 0; i < 2000; i++) {
        json_t *v = random_value(&seed, 0);
        assert_same_as_jansson(v);
        json_decref(v);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(scalars_and_strings),
        cmocka_unit_test(reals_as_jansson_writes_them),
        cmocka_unit_test(objects_keep_their_order),
        cmocka_unit_test(invalid_utf8_is_refused),
        cmocka_unit_test(random_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
