/* SPDX-License-Identifier: Apache-2.0 */
/* Lock-out with exponential back-off, per account and per client address. */
#include "auth.h"
#include "core/clock.h"

enum {
    ACCOUNT_FREE_FAILURES = 5,    /* failures before the first account lock */
    ACCOUNT_BASE_LOCK_MS = 30000, /* doubled for every further failure */
    ACCOUNT_MAX_LOCK_MS = 900000, /* 15 minutes */
    CLIENT_FREE_FAILURES = 20,    /* a client may mistype across several accounts */
    CLIENT_BASE_LOCK_MS = 60000,
    CLIENT_MAX_LOCK_MS = 1800000, /* 30 minutes */
    CLIENT_WINDOW_MS = 900000,    /* failures older than this are forgotten */
};

static int64_t backoff(int64_t failures, int64_t free_failures, int64_t base, int64_t max)
{
    if (failures < free_failures)
        return 0;
    int64_t shift = failures - free_failures;
    if (shift > 20)
        return max;
    int64_t lock = base << shift;
    return lock > max ? max : lock;
}

static const char sql_account[] = "SELECT locked_until FROM users WHERE id = ?";
static const char sql_login[] = "SELECT locked_until FROM login_failures WHERE login = ?";
static const char sql_client[] = "SELECT locked_until FROM client_failures WHERE client = ?";

static bool locked_until(struct error *err, struct store_conn *conn, const char *sql,
                         const char *key, int64_t *until)
{
    *until = 0;
    struct store_stmt *s = store_query(err, conn, sql, "t", key);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    if (r == STORE_ROW)
        *until = store_int(s, 0);
    store_done(s);
    return r != STORE_FAIL;
}

bool auth_lockout_check(struct error *err, struct store_conn *conn, const char *user_id,
                        const char *login, const char *client, int64_t *retry_after_s)
{
    int64_t a = 0, c = 0, now = clock_now_ms();
    if (user_id && !locked_until(err, conn, sql_account, user_id, &a))
        return false;
    if (!user_id && login && !locked_until(err, conn, sql_login, login, &a))
        return false;
    if (!locked_until(err, conn, sql_client, client, &c))
        return false;
    int64_t until = a > c ? a : c;
    *retry_after_s = until > now ? (until - now + 999) / 1000 : 0;
    return true;
}

static const char sql_account_fail[] =
    "UPDATE users SET failed_logins = failed_logins + 1 WHERE id = ? RETURNING failed_logins";
static const char sql_account_lock[] = "UPDATE users SET locked_until = ? WHERE id = ?";
/* An unknown login's count grows like an account's (never decays while it is tried); a day
 * without tries forgets it, so made-up names do not pile up. */
static const char sql_login_fail[] =
    "INSERT INTO login_failures (login, failures, locked_until, last_failure_at) "
    "VALUES (?1, 1, 0, ?2) ON CONFLICT (login) DO UPDATE SET failures = failures + 1, "
    "last_failure_at = excluded.last_failure_at RETURNING failures";
static const char sql_login_lock[] = "UPDATE login_failures SET locked_until = ? WHERE login = ?";
static const char sql_login_forget[] = "DELETE FROM login_failures WHERE last_failure_at < ?";
enum { LOGIN_FORGET_MS = 86400000 };
static const char sql_client_fail[] =
    "INSERT INTO client_failures (client, failures, locked_until, last_failure_at) "
    "VALUES (?, 1, 0, ?) ON CONFLICT (client) DO UPDATE SET "
    "failures = CASE WHEN last_failure_at < ? THEN 1 ELSE failures + 1 END, "
    "last_failure_at = excluded.last_failure_at RETURNING failures";
static const char sql_client_lock[] =
    "UPDATE client_failures SET locked_until = ? WHERE client = ?";

/* Runs a "... RETURNING count" statement s and reads the count. */
static bool read_count(struct error *err, struct store_stmt *s, int64_t *failures)
{
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    *failures = r == STORE_ROW ? store_int(s, 0) : 0;
    while (r == STORE_ROW)
        r = store_step(err, s);
    store_done(s);
    return r != STORE_FAIL;
}

bool auth_lockout_fail(struct error *err, struct store_conn *conn, const char *user_id,
                       const char *login, const char *client, bool *locked_now)
{
    int64_t now = clock_now_ms(), failures;
    *locked_now = false;
    if (user_id || login) {
        struct store_stmt *s =
            user_id ? store_query(err, conn, sql_account_fail, "t", user_id)
                    : (store_exec(err, conn, NULL, sql_login_forget, "i", now - LOGIN_FORGET_MS)
                           ? store_query(err, conn, sql_login_fail, "ti", login, now)
                           : NULL);
        if (!read_count(err, s, &failures))
            return false;
        int64_t lock =
            backoff(failures, ACCOUNT_FREE_FAILURES, ACCOUNT_BASE_LOCK_MS, ACCOUNT_MAX_LOCK_MS);
        if (lock) {
            *locked_now = true;
            if (!store_exec(err, conn, NULL, user_id ? sql_account_lock : sql_login_lock, "it",
                            now + lock, user_id ? user_id : login))
                return false;
        }
    }
    struct store_stmt *s = store_query(err, conn, sql_client_fail, "tii", client, now,
                                       now - (int64_t)CLIENT_WINDOW_MS);
    if (!read_count(err, s, &failures))
        return false;
    int64_t lock = backoff(failures, CLIENT_FREE_FAILURES, CLIENT_BASE_LOCK_MS, CLIENT_MAX_LOCK_MS);
    if (lock) {
        *locked_now = true;
        return store_exec(err, conn, NULL, sql_client_lock, "it", now + lock, client);
    }
    return true;
}

bool auth_lockout_clear(struct error *err, struct store_conn *conn, const char *user_id,
                        const char *client)
{
    (void)client; /* a client's count decays with its window; one success does not clear it */
    return store_exec(err, conn, NULL,
                      "UPDATE users SET failed_logins = 0, locked_until = 0 WHERE id = ?", "t",
                      user_id);
}
