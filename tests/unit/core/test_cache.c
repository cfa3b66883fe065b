/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka needs the headers above first */
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/cache.h"

static const struct cache_version V1 = {1, 10}, V2 = {1, 11}, OTHER = {2, 0};

static void holds_a_value_at_its_version_only(void **state)
{
    (void)state;
    static struct cache c = CACHE_INIT(8, sizeof(int64_t));
    int64_t value = 42, got = 0;
    assert_false(cache_get(&c, &V1, "a", &got));
    cache_put(&c, &V1, "a", &value);
    assert_true(cache_get(&c, &V1, "a", &got));
    assert_int_equal(got, 42);
    assert_false(cache_get(&c, &V1, "b", &got));
    /* an older version (a snapshot begun before the change) misses and puts nothing */
    assert_false(cache_get(&c, &(struct cache_version){1, 9}, "a", &got));
    cache_put(&c, &(struct cache_version){1, 9}, "old", &value);
    assert_false(cache_get(&c, &V1, "old", &got));
    assert_true(cache_get(&c, &V1, "a", &got));
    /* a newer version drops everything */
    assert_false(cache_get(&c, &V2, "a", &got));
    assert_false(cache_get(&c, &V1, "a", &got));
    cache_put(&c, &V2, "a", &value);
    assert_true(cache_get(&c, &V2, "a", &got));
    /* so does another store, whatever its count */
    assert_false(cache_get(&c, &OTHER, "a", &got));
    assert_false(cache_get(&c, &V2, "a", &got));
}

static void starts_again_when_full(void **state)
{
    (void)state;
    static struct cache c = CACHE_INIT(4, sizeof(int64_t));
    char key[16];
    for (int64_t i = 0; i < 4; i++) {
        snprintf(key, sizeof key, "k%d", (int)i);
        cache_put(&c, &V1, key, &i);
    }
    int64_t got = -1;
    for (int64_t i = 0; i < 4; i++) {
        snprintf(key, sizeof key, "k%d", (int)i);
        assert_true(cache_get(&c, &V1, key, &got));
        assert_int_equal(got, i);
    }
    int64_t five = 5;
    cache_put(&c, &V1, "k4", &five); /* the fifth: all dropped, then held */
    assert_false(cache_get(&c, &V1, "k0", &got));
    assert_true(cache_get(&c, &V1, "k4", &got));
    assert_int_equal(got, 5);
    /* putting a held key again replaces its value without counting twice */
    for (int i = 0; i < 10; i++)
        cache_put(&c, &V1, "k4", &five);
    assert_true(cache_get(&c, &V1, "k4", &got));
}

static void add(void *value, void *arg)
{
    *(int64_t *)value += *(int64_t *)arg;
}

static void patches_a_held_value_and_refuses_long_keys(void **state)
{
    (void)state;
    static struct cache c = CACHE_INIT(8, sizeof(int64_t));
    int64_t value = 1, got = 0, step = 2;
    cache_patch(&c, "a", add, &step); /* nothing held: nothing to do */
    cache_put(&c, &V1, "a", &value);
    cache_patch(&c, "a", add, &step);
    assert_true(cache_get(&c, &V1, "a", &got));
    assert_int_equal(got, 3);
    char long_key[CACHE_KEY_MAX + 1];
    memset(long_key, 'x', CACHE_KEY_MAX);
    long_key[CACHE_KEY_MAX] = '\0';
    cache_put(&c, &V1, long_key, &value);
    assert_false(cache_get(&c, &V1, long_key, &got));
    cache_clear(&c);
    assert_false(cache_get(&c, &V1, "a", &got));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(holds_a_value_at_its_version_only),
        cmocka_unit_test(starts_again_when_full),
        cmocka_unit_test(patches_a_held_value_and_refuses_long_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
