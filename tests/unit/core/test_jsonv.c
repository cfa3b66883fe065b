/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka needs the headers above first */
#include <cmocka.h>
#include <string.h>

#include "core/jsonv.h"

static const struct jfield fields[] = {
    {"text", JV_STRING, true, 10, NULL},
    {NULL, 0, false, 0, NULL},
};

static void check_at_names_the_path_of_the_failure(void **state)
{
    (void)state;
    struct error err = {0};
    json_t *good = json_pack("{s:s}", "text", "ok");
    json_t *bad = json_pack("{s:i}", "text", 3);
    assert_true(jsonv_check_at(&err, good, fields, "letter.labs[2]"));
    assert_false(jsonv_check_at(&err, bad, fields, "letter.labs[2]"));
    assert_int_equal(err.code, ERR_FIELD_TYPE);
    assert_true(strncmp(err.detail, "letter.labs[2].text", strlen("letter.labs[2].text")) == 0);
    json_decref(good);
    json_decref(bad);
}

static void check_at_cuts_a_long_path_to_the_detail(void **state)
{
    (void)state;
    struct error err = {0};
    char path[3 * sizeof err.detail];
    memset(path, 'a', sizeof path - 1);
    path[sizeof path - 1] = '\0';
    json_t *missing = json_object();
    assert_false(jsonv_check_at(&err, missing, fields, path));
    assert_int_equal(err.code, ERR_FIELD_MISSING);
    assert_int_equal(strlen(err.detail), sizeof err.detail - 1);
    json_decref(missing);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(check_at_names_the_path_of_the_failure),
        cmocka_unit_test(check_at_cuts_a_long_path_to_the_detail),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
