/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka needs the headers above first */
#include <cmocka.h>

#include <sys/resource.h>

#include "http/server.h"

static void the_default_holds_ten_thousand_event_streams(void **state)
{
    (void)state;
    assert_int_equal(server_connection_limit(0, 1048576), SERVER_MAX_CONNECTIONS);
    assert_true(SERVER_MAX_CONNECTIONS > 10000);
    assert_int_equal(server_connection_limit(12000, 1048576), 12000);
}

static void the_file_descriptor_limit_lowers_the_connection_limit(void **state)
{
    (void)state;
    /* systemd's default soft limit: the rest goes to the database, logs, DICOM associations */
    assert_int_equal(server_connection_limit(0, 1024), 1024 - SERVER_FD_RESERVE);
    assert_int_equal(server_connection_limit(20000, 20000), 20000 - SERVER_FD_RESERVE);
    assert_int_equal(server_connection_limit(100, 1024), 100);
    assert_int_equal(server_connection_limit(0, SERVER_FD_RESERVE + 16 + 10000), 10016);
}

static void a_tiny_or_unlimited_descriptor_limit_still_gives_a_sane_number(void **state)
{
    (void)state;
    assert_int_equal(server_connection_limit(0, 100), 16);
    assert_int_equal(server_connection_limit(0, 0), 16);
    assert_int_equal(server_connection_limit(0, RLIM_INFINITY), SERVER_MAX_CONNECTIONS);
    assert_int_equal(server_connection_limit(1048576, RLIM_INFINITY), 1048576);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_default_holds_ten_thousand_event_streams),
        cmocka_unit_test(the_file_descriptor_limit_lowers_the_connection_limit),
        cmocka_unit_test(a_tiny_or_unlimited_descriptor_limit_still_gives_a_sane_number),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
