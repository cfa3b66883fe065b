/* SPDX-License-Identifier: Apache-2.0 */
/* The writer turn (store.c): write transactions of one process queue for each other, and every
 * way out of a transaction (commit, rollback, a connection closed inside one) gives the turn
 * back. A turn left behind would make every later writer wait WRITER_WAIT_US (10 s). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka needs the headers above first */
#include <cmocka.h>

#include <pthread.h>
#include <time.h>

#include "test_store_fixture.h"

static struct store_fixture fx;

enum { THREADS = 4, ROUNDS = 60 };

static int setup(void **state)
{
    (void)state;
    struct error err = {0};
    if (store_fixture_open(&fx) != 0)
        return -1;
    return store_exec(&err, fx.conn, NULL, "CREATE TABLE turn_count (n INTEGER NOT NULL)", "") &&
                   store_exec(&err, fx.conn, NULL, "INSERT INTO turn_count (n) VALUES (0)", "")
               ? 0
               : -1;
}

static int teardown(void **state)
{
    (void)state;
    return store_fixture_close(&fx);
}

/* Each round reads the count and writes it back one higher: two writers interleaving inside
 * one transaction would lose an increment (they cannot: the second waits for the turn). Every
 * third round rolls back, every seventh closes its connection inside the transaction. */
static void *writer(void *arg)
{
    intptr_t ok = 1;
    (void)arg;
    for (int i = 0; i < ROUNDS && ok; i++) {
        struct error err = {0};
        struct store_conn *conn = store_conn_open(&err, fx.store);
        int64_t n = -1;
        ok = conn && store_begin(&err, conn, true);
        struct store_stmt *s = ok ? store_query(&err, conn, "SELECT n FROM turn_count", "") : NULL;
        ok = s && store_step(&err, s) == STORE_ROW;
        if (ok)
            n = store_int(s, 0);
        store_done(s);
        ok = ok && store_exec(&err, conn, NULL, "UPDATE turn_count SET n = ?", "i", n + 1);
        if (ok && i % 3 == 2)
            store_rollback(conn);
        else if (ok && i % 7 != 6)
            ok = store_commit(&err, conn);
        store_conn_free(conn); /* i % 7 == 6: inside the transaction */
    }
    return (void *)ok;
}

static int expected_count(void)
{
    int n = 0;
    for (int i = 0; i < ROUNDS; i++)
        n += i % 3 != 2 && i % 7 != 6;
    return THREADS * n;
}

static void test_writers_queue_and_every_exit_gives_the_turn_back(void **state)
{
    (void)state;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pthread_t threads[THREADS];
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&threads[i], NULL, writer, NULL), 0);
    for (int i = 0; i < THREADS; i++) {
        void *ok;
        pthread_join(threads[i], &ok);
        assert_true((intptr_t)ok);
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    struct error err = {0};
    struct store_stmt *s = store_query(&err, fx.conn, "SELECT n FROM turn_count", "");
    assert_non_null(s);
    assert_int_equal(store_step(&err, s), STORE_ROW);
    assert_int_equal(store_int(s, 0), expected_count());
    store_done(s);
    /* no writer waited out a turn left behind (each such wait lasts 10 s) */
    assert_true(t1.tv_sec - t0.tv_sec < 10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_writers_queue_and_every_exit_gives_the_turn_back),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
