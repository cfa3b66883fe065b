/* SPDX-License-Identifier: Apache-2.0 */
/* Sessions, API tokens and lock-out against a real store. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka needs the headers above first */
#include <cmocka.h>

#include <string.h>

#include "auth/auth.h"
#include "core/clock.h"
#include "test_store_fixture.h"

static struct store_fixture fx;
static const char user_id[] = "11111111-1111-4111-8111-111111111111";
static const char org_id[] = "22222222-2222-4222-8222-222222222222";
static const struct auth_timeouts timeouts = {15 * 60 * 1000, 12 * 3600 * 1000};

static int setup(void **state)
{
    (void)state;
    struct error err = {0};
    if (store_fixture_open(&fx) != 0)
        return -1;
    return store_exec(&err, fx.conn, NULL,
                      "INSERT INTO orgs (id, code, name, type, created_at, updated_at) VALUES "
                      "(?, 'org', 'Org', 'clinic', 0, 0)",
                      "t", org_id) &&
                   store_exec(&err, fx.conn, NULL,
                              "INSERT INTO users (id, login, name, profession, password_hash, "
                              "created_at, updated_at) VALUES (?, 'doc', 'Doc', 'physician', 'x', "
                              "0, 0)",
                              "t", user_id) &&
                   store_exec(&err, fx.conn, NULL,
                              "INSERT INTO memberships (user_id, org_id, role, created_at) VALUES "
                              "(?, ?, 'member', 0)",
                              "tt", user_id, org_id)
               ? 0
               : -1;
}

static int teardown(void **state)
{
    (void)state;
    return store_fixture_close(&fx);
}

static void new_session(char token[TOKEN_STR_LEN], char id[UUID_STR_LEN])
{
    struct error err = {0};
    struct principal p = {0};
    char csrf[TOKEN_STR_LEN];
    assert_true(auth_principal_load(&err, fx.conn, user_id, NULL, &p));
    assert_string_equal(p.org_id, org_id);
    assert_true(auth_session_create(&err, fx.conn, &p, SESSION_ACTIVE, "127.0.0.1", "test", token,
                                    id, csrf));
    assert_int_equal(strlen(token), 43);
}

static void session_resolves_and_is_stored_hashed(void **state)
{
    (void)state;
    char token[TOKEN_STR_LEN], id[UUID_STR_LEN];
    new_session(token, id);
    struct error err = {0};
    struct principal p = {0};
    assert_true(auth_session_resolve(&err, fx.conn, token, &timeouts, &p));
    assert_string_equal(p.login, "doc");
    assert_string_equal(p.session_id, id);
    struct store_stmt *s = store_query(
        &err, fx.conn, "SELECT COUNT(*) FROM sessions WHERE token_hash = ?", "t", token);
    assert_int_equal(store_step(&err, s), STORE_ROW);
    assert_int_equal(store_int(s, 0), 0); /* the raw token is never stored */
    store_done(s);
    token[0] = token[0] == 'A' ? 'B' : 'A';
    assert_false(auth_session_resolve(&err, fx.conn, token, &timeouts, &p));
    assert_int_equal(err.code, ERR_UNAUTHENTICATED);
}

static void idle_and_absolute_timeouts_expire(void **state)
{
    (void)state;
    char token[TOKEN_STR_LEN], id[UUID_STR_LEN];
    struct error err = {0};
    struct principal p;
    new_session(token, id);
    assert_true(store_exec(&err, fx.conn, NULL,
                           "UPDATE sessions SET last_seen_at = last_seen_at - 901000 WHERE id = ?",
                           "t", id));
    assert_false(auth_session_resolve(&err, fx.conn, token, &timeouts, &p));
    assert_int_equal(err.code, ERR_SESSION_EXPIRED);
    error_clear(&err);
    assert_false(auth_session_resolve(&err, fx.conn, token, &timeouts, &p));
    assert_int_equal(err.code, ERR_UNAUTHENTICATED); /* ended for good */

    new_session(token, id);
    error_clear(&err);
    assert_true(store_exec(&err, fx.conn, NULL,
                           "UPDATE sessions SET created_at = created_at - 43201000 WHERE id = ?",
                           "t", id));
    assert_false(auth_session_resolve(&err, fx.conn, token, &timeouts, &p));
    assert_int_equal(err.code, ERR_SESSION_EXPIRED);
}

static void ending_other_sessions_keeps_this_one(void **state)
{
    (void)state;
    char a[TOKEN_STR_LEN], b[TOKEN_STR_LEN], ida[UUID_STR_LEN], idb[UUID_STR_LEN];
    struct error err = {0};
    struct principal p;
    int64_t ended = 0;
    new_session(a, ida);
    new_session(b, idb);
    assert_true(auth_sessions_end_user(&err, fx.conn, user_id, ida, "test", &ended));
    assert_true(ended >= 1);
    assert_true(auth_session_resolve(&err, fx.conn, a, &timeouts, &p));
    assert_false(auth_session_resolve(&err, fx.conn, b, &timeouts, &p));
}

static void api_token_resolves_until_revoked(void **state)
{
    (void)state;
    struct error err = {0};
    char id[UUID_STR_LEN], token[TOKEN_STR_LEN + 8];
    struct principal p;
    assert_true(auth_token_create(&err, fx.conn, "lab system", org_id, user_id, NULL, id, token));
    assert_memory_equal(token, "tsu_", 4);
    assert_true(auth_token_resolve(&err, fx.conn, token, &p));
    assert_true(p.via_token);
    assert_string_equal(p.org_id, org_id);
    assert_true(store_exec(&err, fx.conn, NULL, "UPDATE api_tokens SET revoked_at = 1 WHERE id = ?",
                           "t", id));
    assert_false(auth_token_resolve(&err, fx.conn, token, &p));
    assert_int_equal(err.code, ERR_UNAUTHENTICATED);
}

static void lockout_backs_off_after_five_failures(void **state)
{
    (void)state;
    struct error err = {0};
    int64_t retry = 0;
    bool locked = false;
    for (int i = 1; i <= 4; i++) {
        assert_true(auth_lockout_fail(&err, fx.conn, user_id, NULL, "10.9.9.9", &locked));
        assert_false(locked);
    }
    assert_true(auth_lockout_check(&err, fx.conn, user_id, NULL, "10.9.9.9", &retry));
    assert_int_equal(retry, 0);
    assert_true(auth_lockout_fail(&err, fx.conn, user_id, NULL, "10.9.9.9", &locked));
    assert_true(locked);
    assert_true(auth_lockout_check(&err, fx.conn, user_id, NULL, "10.9.9.9", &retry));
    assert_in_range(retry, 29, 30);
    assert_true(auth_lockout_fail(&err, fx.conn, user_id, NULL, "10.9.9.9", &locked));
    assert_true(auth_lockout_check(&err, fx.conn, user_id, NULL, "10.9.9.9", &retry));
    assert_in_range(retry, 59, 60); /* doubled */
    assert_true(auth_lockout_clear(&err, fx.conn, user_id, "10.9.9.9"));
    assert_true(auth_lockout_check(&err, fx.conn, user_id, NULL, "10.9.9.9", &retry));
    assert_int_equal(retry, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(session_resolves_and_is_stored_hashed),
        cmocka_unit_test(idle_and_absolute_timeouts_expire),
        cmocka_unit_test(ending_other_sessions_keeps_this_one),
        cmocka_unit_test(api_token_resolves_until_revoked),
        cmocka_unit_test(lockout_backs_off_after_five_failures),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
