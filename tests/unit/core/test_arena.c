/* SPDX-License-Identifier: Apache-2.0 */
/* The arena as the release build has it: this test compiles src/core/arena.c itself without
 * AddressSanitizer (tests/unit/meson.build), since under ASan every allocation is its own malloc
 * and the shared blocks and the thread's spare block would go untested. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka needs the headers above first */
#include <cmocka.h>

#include <pthread.h>
#include <string.h>

#include "core/arena.h"

static void zeroed_and_aligned_after_reuse(void **state)
{
    (void)state;
    /* fill an arena's blocks with a pattern, free it, and ask again: the spare block comes
     * back, and what it hands out must be zeroed */
    for (int round = 0; round < 3; round++) {
        struct arena *a = arena_new();
        assert_non_null(a);
        for (size_t n = 1; n < 3000; n += 37) {
            unsigned char *p = arena_alloc(a, n);
            assert_int_equal((uintptr_t)p % 16, 0);
            for (size_t i = 0; i < n; i++)
                assert_int_equal(p[i], 0);
            memset(p, 0xAB, n);
        }
        arena_free(a);
    }
}

static void big_and_small_stay_apart(void **state)
{
    (void)state;
    struct arena *a = arena_new();
    char *small1 = arena_strdup(a, "処方");
    char *big = arena_alloc(a, 100000); /* its own block */
    memset(big, 0x5A, 100000);
    char *small2 = arena_printf(a, "%s-%d", small1, 42);
    assert_string_equal(small1, "処方");
    assert_string_equal(small2, "処方-42");
    assert_int_equal(big[99999], 0x5A);
    arena_free(a);
}

static int order[4];
static int ran;

static void note(void *data)
{
    order[ran++] = *(int *)data;
}

static void cleanups_run_newest_first(void **state)
{
    (void)state;
    static int one = 1, two = 2, three = 3;
    struct arena *a = arena_new();
    arena_cleanup_add(a, note, &one);
    arena_cleanup_add(a, note, &two);
    (void)arena_alloc(a, 9000); /* a big block between the cleanups */
    arena_cleanup_add(a, note, &three);
    arena_free(a);
    assert_int_equal(ran, 3);
    assert_int_equal(order[0], 3);
    assert_int_equal(order[1], 2);
    assert_int_equal(order[2], 1);
    arena_free(NULL);
}

/* A thread that ends with a spare block frees it (LeakSanitizer of the test build would report
 * it otherwise; without it, a short-lived thread would leak 8 KiB each). */
static void *one_request(void *arg)
{
    (void)arg;
    struct arena *a = arena_new();
    memset(arena_alloc(a, 100), 1, 100);
    arena_free(a); /* its block becomes the thread's spare */
    return NULL;
}

static void threads_free_their_spare(void **state)
{
    (void)state;
    for (int i = 0; i < 4; i++) {
        pthread_t t;
        assert_int_equal(pthread_create(&t, NULL, one_request, NULL), 0);
        assert_int_equal(pthread_join(t, NULL), 0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(zeroed_and_aligned_after_reuse),
        cmocka_unit_test(big_and_small_stay_apart),
        cmocka_unit_test(cleanups_run_newest_first),
        cmocka_unit_test(threads_free_their_spare),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
