/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka needs the headers above first */
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blobs/blobs.h"
#include "core/ids.h"

static char dir[64];

static int setup(void **state)
{
    (void)state;
    ids_init();
    snprintf(dir, sizeof(dir), "/tmp/tsunagu-blobs-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void put_then_get_round_trips(void **state)
{
    (void)state;
    struct error err = {0};
    struct blobs *b = blobs_open(&err, dir);
    assert_non_null(b);
    char key[BLOB_KEY_LEN], again[BLOB_KEY_LEN];
    assert_true(blobs_put(&err, b, "紹介状 PDF", strlen("紹介状 PDF"), key));
    assert_true(blobs_put(&err, b, "紹介状 PDF", strlen("紹介状 PDF"), again));
    assert_string_equal(key, again); /* content-addressed */
    void *data;
    size_t len;
    assert_true(blobs_get(&err, b, key, &data, &len));
    assert_int_equal(len, strlen("紹介状 PDF"));
    assert_memory_equal(data, "紹介状 PDF", len);
    free(data);
    char path[256];
    struct stat st;
    snprintf(path, sizeof(path), "%s/blobs/%.2s/%s", dir, key, key);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    blobs_close(b);
}

static void bad_keys_are_refused(void **state)
{
    (void)state;
    struct error err = {0};
    struct blobs *b = blobs_open(&err, dir);
    void *data;
    size_t len;
    assert_false(blobs_get(&err, b, "../../etc/passwd", &data, &len));
    assert_int_equal(err.code, ERR_BAD_ID);
    error_clear(&err);
    assert_false(blobs_get(
        &err, b, "0000000000000000000000000000000000000000000000000000000000000000", &data, &len));
    assert_int_equal(err.code, ERR_BAD_ID);
    blobs_close(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(put_then_get_round_trips),
        cmocka_unit_test(bad_keys_are_refused),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
