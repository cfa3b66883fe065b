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
#include <unistd.h>

#include "core/ids.h"
#include "http/stream.h"

static char dir[64];
static struct blobs *blobs;

static int setup(void **state)
{
    (void)state;
    ids_init();
    snprintf(dir, sizeof(dir), "/tmp/tsunagu-stream-XXXXXX");
    struct error err = {0};
    return mkdtemp(dir) && (blobs = blobs_open(&err, dir)) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    blobs_close(blobs);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Reads the whole body in reads of at most step bytes; NULL when a read fails. */
static char *read_all(struct http_stream *s, size_t step, size_t *len)
{
    char *out = malloc(http_stream_length(s) + 1);
    size_t got = 0;
    ssize_t n;
    while ((n = http_stream_read(s, got, out + got, step)) > 0)
        got += (size_t)n;
    if (n < 0) {
        free(out);
        return NULL;
    }
    out[got] = '\0';
    *len = got;
    return out;
}

static void parts_come_in_order_whatever_the_read_size(void **state)
{
    (void)state;
    struct error err = {0};
    char key[BLOB_KEY_LEN];
    const char *file = "DICM-0123456789";
    assert_true(blobs_put(&err, blobs, file, strlen(file), key));
    for (size_t step = 1; step <= 64; step *= 3) {
        struct http_stream *s = http_stream_new(blobs);
        http_stream_text(s, "head:");
        http_stream_blob(s, key, strlen(file), 5, 4); /* "0123" */
        http_stream_bytes_take(s, strdup("|owned|"), 7);
        http_stream_blob(s, key, strlen(file), 0, strlen(file));
        assert_int_equal(http_stream_length(s), 5 + 4 + 7 + strlen(file));
        size_t len;
        char *body = read_all(s, step, &len);
        assert_non_null(body);
        assert_string_equal(body, "head:0123|owned|DICM-0123456789");
        free(body);
        http_stream_free(s);
    }
}

static void a_multipart_body_is_framed_as_rfc_2046_says(void **state)
{
    (void)state;
    struct http_stream *s = http_stream_new(blobs);
    struct http_multipart m;
    http_multipart_begin(&m, s);
    http_multipart_part(&m, "application/dicom", "http://x/1");
    http_stream_text(s, "A");
    http_multipart_part(&m, "application/dicom", NULL);
    http_stream_text(s, "B");
    http_multipart_end(&m);
    size_t len;
    char *body = read_all(s, 1000, &len);
    char want[512];
    snprintf(want, sizeof want,
             "--%s\r\nContent-Type: application/dicom\r\nContent-Location: http://x/1\r\n\r\nA"
             "\r\n--%s\r\nContent-Type: application/dicom\r\n\r\nB\r\n--%s--\r\n",
             m.boundary, m.boundary, m.boundary);
    assert_string_equal(body, want);
    free(body);
    http_stream_free(s);
}

static void a_blob_that_changed_size_ends_the_body_with_an_error(void **state)
{
    (void)state;
    struct error err = {0};
    char key[BLOB_KEY_LEN];
    assert_true(blobs_put(&err, blobs, "short", 5, key));
    struct http_stream *s = http_stream_new(blobs);
    http_stream_blob(s, key, 6, 0, 6); /* the index said 6 bytes */
    size_t len;
    assert_null(read_all(s, 100, &len));
    http_stream_free(s);
    s = http_stream_new(blobs);
    http_stream_blob(s, "0000000000000000000000000000000000000000000000000000000000000000", 1, 0,
                     1);
    assert_null(read_all(s, 100, &len));
    http_stream_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parts_come_in_order_whatever_the_read_size),
        cmocka_unit_test(a_multipart_body_is_framed_as_rfc_2046_says),
        cmocka_unit_test(a_blob_that_changed_size_ends_the_body_with_an_error),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
