/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka needs the headers above first */
#include <cmocka.h>

#include "core/text.h"

static void word_listed_matches_whole_words(void **state)
{
    (void)state;
    const char *list = "physician nurse  pharmacist";
    assert_true(text_word_listed(list, "physician"));
    assert_true(text_word_listed(list, "nurse"));
    assert_true(text_word_listed(list, "pharmacist")); /* after two spaces, at the end */
    assert_false(text_word_listed(list, "nur"));       /* a prefix is not the word */
    assert_false(text_word_listed(list, "pharmacists"));
    assert_false(text_word_listed(list, "care_worker"));
    assert_false(text_word_listed(list, ""));
    assert_false(text_word_listed(list, NULL));
    assert_false(text_word_listed("", "nurse"));
    assert_false(text_word_listed(NULL, "nurse"));
}

static void copy_cuts_and_takes_null_as_empty(void **state)
{
    (void)state;
    char small[4] = "xyz";
    text_copy(small, sizeof small, "abcdef");
    assert_string_equal(small, "abc");
    text_copy(small, sizeof small, NULL);
    assert_string_equal(small, "");
    text_copy(small, sizeof small, "日");
    assert_string_equal(small, "日");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(word_listed_matches_whole_words),
        cmocka_unit_test(copy_cuts_and_takes_null_as_empty),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
