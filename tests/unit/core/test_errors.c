/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka needs the headers above first */
#include <cmocka.h>

#include "core/errors.h"

static void set_once_keeps_first(void **state)
{
    (void)state;
    struct error err = {0};
    assert_false(error_set(&err, ERR_BAD_JSON, "at byte %d", 7));
    assert_false(error_set(&err, ERR_INTERNAL, "later"));
    assert_int_equal(err.code, ERR_BAD_JSON);
    assert_string_equal(err.detail, "at byte 7");
}

static void codes_map_to_http(void **state)
{
    (void)state;
    assert_int_equal(error_http_status(ERR_LOCKED), 429);
    assert_string_equal(error_code_name(ERR_CSRF), "auth.csrf");
    assert_string_equal(error_message(ERR_NOT_FOUND, true), "No such URL.");
    assert_int_equal(error_http_status((enum error_code)9999), 500);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(set_once_keeps_first),
        cmocka_unit_test(codes_map_to_http),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
