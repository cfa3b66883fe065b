/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka needs the headers above first */
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "core/strbuf.h"

static void printf_fits_and_grows(void **state)
{
    (void)state;
    struct strbuf sb = {0};
    strbuf_printf(&sb, "%08X", 0x0020000Du);
    assert_string_equal(sb.buf, "0020000D");
    /* longer than the room the buffer has: formatted again after growing */
    char big[5000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    strbuf_printf(&sb, "[%s]", big);
    assert_int_equal(sb.len, 8 + 2 + sizeof big - 1);
    assert_int_equal(sb.buf[8], '[');
    assert_int_equal(sb.buf[sb.len - 1], ']');
    assert_int_equal(sb.buf[sb.len], '\0');
    /* many short texts one after the other */
    struct strbuf many = {0};
    for (int i = 0; i < 1000; i++)
        strbuf_printf(&many, "%d,", i % 10);
    assert_int_equal(many.len, 2000);
    assert_memory_equal(many.buf + 1990, "5,6,7,8,9,", 10);
    strbuf_release(&many);
    strbuf_release(&sb);
}

static void json_string_escapes(void **state)
{
    (void)state;
    struct strbuf sb = {0};
    strbuf_json_string(&sb, "山田 \"花子\"\\\n\r\t\x01<script>");
    assert_string_equal(sb.buf, "\"山田 \\\"花子\\\"\\\\\\n\\r\\t\\u0001<script>\"");
    strbuf_release(&sb);
    strbuf_json_string(&sb, NULL);
    assert_string_equal(sb.buf, "\"\"");
    strbuf_release(&sb);
    strbuf_json_string(&sb, "");
    assert_string_equal(sb.buf, "\"\"");
    strbuf_release(&sb);
}

static void json_string_n_stops_at_n_or_nul(void **state)
{
    (void)state;
    struct strbuf sb = {0};
    strbuf_json_string_n(&sb, "CT\\MR", 2);
    assert_string_equal(sb.buf, "\"CT\"");
    strbuf_release(&sb);
    strbuf_json_string_n(&sb, "a\"b", 2); /* the escape is the last byte taken */
    assert_string_equal(sb.buf, "\"a\\\"\"");
    strbuf_release(&sb);
    strbuf_json_string_n(&sb, "ab\0cd", 5);
    assert_string_equal(sb.buf, "\"ab\"");
    strbuf_release(&sb);
}

static void xhtml_text_escapes(void **state)
{
    (void)state;
    struct strbuf sb = {0};
    strbuf_xhtml_text(&sb, "血圧 <140> & \"安定\"\n申し送り");
    assert_string_equal(sb.buf, "血圧 &lt;140&gt; &amp; &quot;安定&quot;<br/>申し送り");
    strbuf_release(&sb);
    strbuf_xhtml_text(&sb, NULL);
    assert_null(sb.buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(printf_fits_and_grows),
        cmocka_unit_test(json_string_escapes),
        cmocka_unit_test(json_string_n_stops_at_n_or_nul),
        cmocka_unit_test(xhtml_text_escapes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
