/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka needs the headers above first */
#include <cmocka.h>

#include <string.h>

#include "http/multipart.h"

static bool parse(struct arena *a, const char *body, struct multipart_part **parts, size_t *n,
                  struct error *err)
{
    return multipart_parse(err, a, (const uint8_t *)body, strlen(body), "b0und", parts, n);
}

static void two_parts_with_preamble_and_epilogue(void **state)
{
    (void)state;
    struct arena *a = arena_new();
    struct error err = {0};
    struct multipart_part *parts;
    size_t n;
    const char *body = "preamble\r\n--b0und\r\nContent-Type: application/dicom\r\n\r\nAB\r\n"
                       "--b0und  \r\ncontent-type:  Application/DICOM \r\nX-A: 1\r\n\r\n"
                       "C\r\n--b0und\r\n--b0und--\r\nepilogue";
    assert_false(parse(a, body, &parts, &n, &err)); /* "--b0und\r\n--b0und" is not a part end */
    body = "--b0und\r\nContent-Type: application/dicom\r\n\r\nAB\r\n"
           "--b0und  \r\ncontent-type:  Application/DICOM \r\nX-A: 1\r\n\r\n"
           "C\r\n--b0und--\r\nepilogue";
    assert_true(parse(a, body, &parts, &n, &err));
    assert_int_equal(n, 2);
    assert_int_equal(parts[0].len, 2);
    assert_memory_equal(parts[0].data, "AB", 2);
    assert_string_equal(parts[0].content_type, "application/dicom");
    assert_string_equal(parts[1].content_type, "Application/DICOM");
    assert_int_equal(parts[1].len, 1);
    body = "ignored\r\n--b0und\r\n\r\nno headers\r\n--b0und--";
    assert_true(parse(a, body, &parts, &n, &err));
    assert_int_equal(n, 1);
    assert_null(parts[0].content_type);
    assert_int_equal(parts[0].len, 10);
    arena_free(a);
}

static void malformed_bodies_fail(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",
        "no delimiter at all",
        "--b0und--",                                           /* no parts */
        "--b0und\r\nContent-Type: x\r\n\r\ntruncated",         /* no close delimiter */
        "--b0und\r\nContent-Type: x\r\n\r\nA\r\n--b0undX\r\n", /* boundary in a longer line */
        "--b0und\r\nNo colon here\r\n\r\nA\r\n--b0und--",
        "--b0und\r\nContent-Type: x\r\nA\r\n--b0und--", /* headers never end */
        "--b0undjunk\r\n\r\nA\r\n--b0und--",
    };
    struct arena *a = arena_new();
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct error err = {0};
        struct multipart_part *parts;
        size_t n;
        assert_false(parse(a, bad[i], &parts, &n, &err));
        assert_int_equal(err.code, ERR_BAD_MULTIPART);
    }
    arena_free(a);
}

static void content_type_parameters(void **state)
{
    (void)state;
    struct arena *a = arena_new();
    struct error err = {0};
    const char *boundary, *type;
    assert_true(multipart_content_type(
        &err, a, "Multipart/Related; type=\"application/dicom\"; boundary=\"a b:c\"",
        "multipart/related", &boundary, &type));
    assert_string_equal(boundary, "a b:c");
    assert_string_equal(type, "application/dicom");
    assert_true(multipart_content_type(&err, a, "multipart/related;boundary=xyz",
                                       "multipart/related", &boundary, &type));
    assert_null(type);
    struct error e2 = {0};
    assert_false(
        multipart_content_type(&e2, a, "application/json", "multipart/related", &boundary, &type));
    assert_int_equal(e2.code, ERR_CONTENT_TYPE);
    struct error e3 = {0};
    assert_false(multipart_content_type(&e3, a, "multipart/related; type=application/dicom",
                                        "multipart/related", &boundary, &type));
    assert_int_equal(e3.code, ERR_BAD_MULTIPART);
    struct error e4 = {0};
    assert_false(multipart_content_type(&e4, a, "multipart/relatedx; boundary=a",
                                        "multipart/related", &boundary, &type));
    arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(two_parts_with_preamble_and_epilogue),
        cmocka_unit_test(malformed_bodies_fail),
        cmocka_unit_test(content_type_parameters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
