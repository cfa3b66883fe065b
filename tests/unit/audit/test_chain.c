/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka needs the headers above first */
#include <cmocka.h>

#include <string.h>

#include "audit/audit.h"
#include "test_store_fixture.h"

static struct store_fixture fx;

static int setup(void **state)
{
    (void)state;
    if (store_fixture_open(&fx) != 0)
        return -1;
    struct error err = {0};
    for (int i = 0; i < 5; i++) {
        char object[16];
        snprintf(object, sizeof(object), "obj-%d", i);
        struct audit_record rec = {.event_id = "patients_read",
                                   .action = 'R',
                                   .user_login = "gh.sato",
                                   .client = "127.0.0.1",
                                   .object_type = "patient",
                                   .object_id = object};
        if (!store_begin(&err, fx.conn, true) || !audit_append_txn(&err, fx.conn, &rec) ||
            !store_commit(&err, fx.conn))
            return -1;
    }
    /* The log indexed up to its end: a record missing from the index is then a removed one. */
    if (!audit_index_sync(&err, fx.conn))
        return -1;
    /* Tampering with the index as an attacker with file access would: without the append-only
     * triggers. */
    return store_exec(&err, fx.conn, NULL, "DROP TRIGGER audit_no_update", "") &&
                   store_exec(&err, fx.conn, NULL, "DROP TRIGGER audit_no_delete", "")
               ? 0
               : -1;
}

static int teardown(void **state)
{
    (void)state;
    return store_fixture_close(&fx);
}

static bool verify(struct audit_verify_result *res)
{
    struct error err = {0};
    bool ok = audit_verify(&err, fx.conn, res);
    assert_int_equal(err.code, ERR_NONE);
    return ok;
}

/* Each test runs inside a transaction it rolls back, so every test sees the intact chain. */
static void tamper(const char *const *sql, int64_t expect_bad)
{
    struct error err = {0};
    struct audit_verify_result res;
    assert_true(store_begin(&err, fx.conn, true));
    for (; *sql; sql++)
        assert_true(store_exec(&err, fx.conn, NULL, *sql, ""));
    assert_false(verify(&res));
    assert_int_equal(res.bad_seq, expect_bad);
    store_rollback(fx.conn);
    assert_true(verify(&res));
}

static void intact_chain_verifies(void **state)
{
    (void)state;
    struct audit_verify_result res;
    assert_true(verify(&res));
    assert_int_equal(res.records, 5);
    assert_int_equal(res.bad_seq, 0);
}

static void changed_record_is_detected(void **state)
{
    (void)state;
    static const char *const sql[] = {"UPDATE audit SET user_login = 'someone.else' WHERE seq = 3",
                                      NULL};
    tamper(sql, 3);
}

static void removed_record_is_detected(void **state)
{
    (void)state;
    static const char *const sql[] = {"DELETE FROM audit WHERE seq = 2", NULL};
    tamper(sql, 2);
}

static void inserted_record_is_detected(void **state)
{
    (void)state;
    /* Make room after record 2 and forge a record there that links to record 2. */
    static const char *const sql[] = {
        "UPDATE audit SET seq = -seq WHERE seq >= 3",
        "UPDATE audit SET seq = 1 - seq WHERE seq < 0",
        "INSERT INTO audit (seq, time, event_id, action, outcome, prev_hash, hash) SELECT 3, time, "
        "'patients_read', 'R', 0, hash, hash FROM audit WHERE seq = 2",
        NULL};
    tamper(sql, 3);
}

static void reordered_records_are_detected(void **state)
{
    (void)state;
    static const char *const sql[] = {
        "UPDATE audit SET seq = -seq WHERE seq IN (2, 4)",
        "UPDATE audit SET seq = CASE seq WHEN -2 THEN 4 ELSE 2 END WHERE seq < 0", NULL};
    tamper(sql, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(intact_chain_verifies),
        cmocka_unit_test(changed_record_is_detected),
        cmocka_unit_test(removed_record_is_detected),
        cmocka_unit_test(inserted_record_is_detected),
        cmocka_unit_test(reordered_records_are_detected),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
