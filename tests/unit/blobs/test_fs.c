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

/* Counts the files of <dir>/blobs/<k0k1>/ whose name starts with prefix. */
static int files_in(const char *key, const char *prefix)
{
    char cmd[512];
    snprintf(cmd, sizeof(cmd), "ls -A %s/blobs/%.2s 2>/dev/null | grep -c '^%s'", dir, key, prefix);
    FILE *f = popen(cmd, "r");
    int n = 0;
    if (f && fscanf(f, "%d", &n) != 1)
        n = 0;
    if (f)
        pclose(f);
    return n;
}

static void a_batch_names_its_blobs_only_once_synced(void **state)
{
    (void)state;
    struct error err = {0};
    struct blobs *b = blobs_open(&err, dir);
    struct blobs_batch *batch = blobs_batch_new(&err, b);
    assert_non_null(batch);
    char k1[BLOB_KEY_LEN], k2[BLOB_KEY_LEN], k3[BLOB_KEY_LEN];
    assert_true(blobs_batch_put(&err, batch, "画像1", strlen("画像1"), k1));
    assert_true(blobs_batch_put(&err, batch, "画像2", strlen("画像2"), k2));
    assert_true(blobs_batch_put(&err, batch, "画像1", strlen("画像1"), k3)); /* once */
    assert_string_equal(k1, k3);
    void *data;
    size_t len;
    assert_false(blobs_get(&err, b, k1, &data, &len)); /* not under its name before the sync */
    error_clear(&err);
    assert_int_equal(files_in(k1, ".tmp-"), 1);
    assert_true(blobs_batch_sync(&err, batch));
    assert_int_equal(files_in(k1, ".tmp-"), 0);
    assert_true(blobs_get(&err, b, k2, &data, &len));
    assert_memory_equal(data, "画像2", len);
    free(data);
    /* a blob taken back is not named by the sync */
    char k5[BLOB_KEY_LEN];
    struct blobs_batch *second = blobs_batch_new(&err, b);
    assert_true(blobs_batch_put(&err, second, "取り消し", strlen("取り消し"), k5));
    blobs_batch_drop(second, k5);
    assert_true(blobs_batch_sync(&err, second));
    assert_int_equal(files_in(k5, k5) + files_in(k5, ".tmp-"), 0);
    blobs_batch_free(second);
    /* a batch freed before its sync leaves nothing */
    struct blobs_batch *dropped = blobs_batch_new(&err, b);
    char k4[BLOB_KEY_LEN];
    assert_true(blobs_batch_put(&err, dropped, "捨てる", strlen("捨てる"), k4));
    blobs_batch_free(dropped);
    assert_int_equal(files_in(k4, ".tmp-"), 0);
    assert_int_equal(files_in(k4, k4), 0);
    blobs_batch_free(batch);
    blobs_close(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(put_then_get_round_trips),
        cmocka_unit_test(bad_keys_are_refused),
        cmocka_unit_test(a_batch_names_its_blobs_only_once_synced),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
