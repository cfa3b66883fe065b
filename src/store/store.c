/* SPDX-License-Identifier: Apache-2.0 */
#include "store_int.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>

#include "core/clock.h"
#include "core/log.h"

char *store_like(const char *before, const char *text, const char *after)
{
    size_t n = strlen(before) + 2 * strlen(text) + strlen(after) + 1;
    char *out = malloc(n), *o = out;
    if (!out)
        return NULL;
    o = stpcpy(o, before);
    for (const char *p = text; *p; p++) {
        if (*p == '%' || *p == '_' || *p == '\\')
            *o++ = '\\';
        *o++ = *p;
    }
    strcpy(o, after);
    return out;
}

char *store_wildcard(const char *pattern)
{
    char *out = malloc(3 * strlen(pattern) + 1), *o = out;
    if (!out)
        return NULL;
    for (const char *p = pattern; *p; p++)
        o = *p == '[' ? stpcpy(o, "[[]") : (*o = *p, o + 1); /* GLOB's only other special */
    *o = 0;
    return out;
}

static _Thread_local struct store_conn *thread_conn;
static _Thread_local struct store *thread_conn_store;

static const struct store_ops *ops_of(struct store_conn *conn)
{
    return ((struct store_conn_base *)conn)->store->ops;
}

struct store *store_open(struct error *err, const char *data_dir)
{
    struct store *st = calloc(1, sizeof(*st));
    if (!st) {
        error_set(err, ERR_NOMEM, "store");
        return NULL;
    }
    static _Atomic uint64_t opened;
    st->ops = &store_sqlite_ops;
    st->serial = atomic_fetch_add(&opened, 1) + 1;
    st->data_dir = strdup(data_dir);
    size_t n = strlen(data_dir) + sizeof("/tsunagu.db");
    st->db_path = malloc(n);
    if (!st->data_dir || !st->db_path)
        goto fail_alloc;
    snprintf(st->db_path, n, "%s/tsunagu.db", data_dir);
    pthread_mutex_init(&st->lock, NULL);
    pthread_mutex_init(&st->writer_lock, NULL);
    pthread_cond_init(&st->writer_free, NULL);
    struct store_conn *conn = store_conn_open(err, st);
    if (!conn)
        goto fail_open;
    bool ok = st->ops->migrate(err, conn);
    store_conn_free(conn);
    if (!ok)
        goto fail_open;
    return st;
fail_open:
    pthread_cond_destroy(&st->writer_free);
    pthread_mutex_destroy(&st->writer_lock);
    pthread_mutex_destroy(&st->lock);
fail_alloc:
    if (err && err->code == ERR_NONE)
        error_set(err, ERR_NOMEM, "store");
    free(st->db_path);
    free(st->data_dir);
    free(st);
    return NULL;
}

bool store_maintenance_start(struct error *err, struct store *st)
{
    return st->ops->maintenance_start(err, st);
}

void store_close(struct store *st)
{
    if (!st)
        return;
    st->ops->maintenance_stop(st);
    pthread_mutex_lock(&st->lock);
    struct store_conn_base *c = st->conns;
    st->conns = NULL;
    pthread_mutex_unlock(&st->lock);
    while (c) {
        struct store_conn_base *next = c->next_open;
        st->ops->conn_close((struct store_conn *)c);
        c = next;
    }
    if (thread_conn_store == st) {
        thread_conn = NULL;
        thread_conn_store = NULL;
    }
    pthread_cond_destroy(&st->writer_free);
    pthread_mutex_destroy(&st->writer_lock);
    pthread_mutex_destroy(&st->lock);
    free(st->db_path);
    free(st->data_dir);
    free(st);
}

struct store_conn *store_conn_open(struct error *err, struct store *st)
{
    return st->ops->conn_open(err, st);
}

void store_conn_free(struct store_conn *conn)
{
    if (!conn)
        return;
    store_rollback(conn); /* gives the writer turn back */
    ops_of(conn)->conn_close(conn);
}

struct store_conn *store_conn_get(struct error *err, struct store *st)
{
    if (thread_conn && thread_conn_store == st)
        return thread_conn;
    struct store_conn *conn = st->ops->conn_open(err, st);
    if (!conn)
        return NULL;
    struct store_conn_base *base = (struct store_conn_base *)conn;
    pthread_mutex_lock(&st->lock);
    base->next_open = st->conns;
    st->conns = base;
    pthread_mutex_unlock(&st->lock);
    thread_conn = conn;
    thread_conn_store = st;
    return conn;
}

/* The writer turn (struct store): a writer of this process sleeps until the one before it has
 * committed or rolled back, and is woken then, rather than polling SQLite's lock. A thread that
 * already holds the turn (a second connection) and a writer that waited WRITER_WAIT_US go on to
 * SQLite's busy handler as before, so the turn can delay a write but never deadlock one. */
enum { WRITER_WAIT_US = 10 * 1000 * 1000 };
static _Thread_local struct store *thread_writer;

static void writer_take(struct store_conn_base *base)
{
    struct store *st = base->store;
    if (thread_writer == st)
        return;
    struct timespec until;
    clock_deadline_in(&until, WRITER_WAIT_US);
    pthread_mutex_lock(&st->writer_lock);
    int rc = 0;
    while (st->writer_busy && rc == 0)
        rc = pthread_cond_timedwait(&st->writer_free, &st->writer_lock, &until);
    base->holds_writer = !st->writer_busy;
    st->writer_busy = true;
    pthread_mutex_unlock(&st->writer_lock);
    if (base->holds_writer)
        thread_writer = st;
}

static void writer_give(struct store_conn_base *base)
{
    if (!base->holds_writer)
        return;
    struct store *st = base->store;
    base->holds_writer = false;
    if (thread_writer == st)
        thread_writer = NULL;
    pthread_mutex_lock(&st->writer_lock);
    st->writer_busy = false;
    pthread_cond_signal(&st->writer_free);
    pthread_mutex_unlock(&st->writer_lock);
}

bool store_begin(struct error *err, struct store_conn *conn, bool write)
{
    if (write)
        writer_take((struct store_conn_base *)conn);
    if (!ops_of(conn)->begin(err, conn, write)) {
        writer_give((struct store_conn_base *)conn);
        return false;
    }
    ((struct store_conn_base *)conn)->in_txn = true;
    ((struct store_conn_base *)conn)->write_txn = write;
    ((struct store_conn_base *)conn)->version_known = false;
    return true;
}

void store_txn_hook_set(struct store_conn *conn, store_txn_hook fn, void *arg)
{
    struct store_conn_base *base = (struct store_conn_base *)conn;
    base->hook = fn;
    base->hook_arg = arg;
}

void *store_txn_hook_arg(struct store_conn *conn, store_txn_hook fn)
{
    struct store_conn_base *base = (struct store_conn_base *)conn;
    return base->in_txn && base->hook == fn ? base->hook_arg : NULL;
}

struct store *store_of(struct store_conn *conn)
{
    return ((struct store_conn_base *)conn)->store;
}

const char *store_data_dir(const struct store *st)
{
    return st->data_dir;
}

/* Clears and runs the transaction's hook (at most once a transaction). */
static bool run_hook(struct error *err, struct store_conn_base *base, bool commit)
{
    store_txn_hook fn = base->hook;
    void *arg = base->hook_arg;
    base->hook = NULL;
    base->hook_arg = NULL;
    return !fn || fn(err, (struct store_conn *)base, arg, commit);
}

bool store_commit(struct error *err, struct store_conn *conn)
{
    struct store_conn_base *base = (struct store_conn_base *)conn;
    if (!run_hook(err, base, true)) {
        store_rollback(conn);
        return false;
    }
    bool ok = ops_of(conn)->commit(err, conn);
    if (ok) {
        base->in_txn = false;
        base->version_known = false;
        writer_give(base);
        if (base->write_txn) /* writes work (again) */
            store_note_write(base->store, ERR_NONE);
    } else {
        store_rollback(conn);
    }
    return ok;
}

void store_note_write(struct store *st, enum error_code code)
{
    int was = atomic_exchange(&st->condition, (int)code);
    if (was != (int)code)
        log_msg(code == ERR_NONE ? LOG_WARN : LOG_ERROR, "store.condition", "%s",
                code == ERR_STORE_FULL       ? "writes fail: the data directory's disk is full"
                : code == ERR_STORE_READONLY ? "writes fail: the data directory is read-only"
                                             : "writes work again");
}

enum error_code store_condition(struct store *st)
{
    return (enum error_code)atomic_load(&st->condition);
}

/* Whether a write commits now, on a connection of its own (the caller may be inside a read
 * transaction): after writes failed, a commit that works ends the condition (store_commit). It
 * changes no data. */
static bool probe_write(struct error *err, struct store *st)
{
    struct store_conn *probe = store_conn_open(err, st);
    if (!probe)
        return false;
    bool ok = store_begin(err, probe, true) &&
              store_exec(err, probe, NULL,
                         "UPDATE schema_migrations SET applied_at = applied_at WHERE version = "
                         "(SELECT min(version) FROM schema_migrations)",
                         "") &&
              store_commit(err, probe);
    if (!ok && store_in_txn(probe))
        store_rollback(probe);
    store_conn_free(probe);
    return ok;
}

bool store_health(struct error *err, struct store *st, struct store_conn *conn)
{
    struct statvfs fs;
    if (statvfs(st->data_dir, &fs) != 0)
        return error_set(err, ERR_STORE, "data directory %s: %s", st->data_dir, strerror(errno));
    if (fs.f_flag & ST_RDONLY)
        return error_set(err, ERR_STORE_READONLY, "the file system of %s is read-only",
                         st->data_dir);
    unsigned long long free_bytes = (unsigned long long)fs.f_bavail * fs.f_frsize;
    if (free_bytes < STORE_FREE_MIN)
        return error_set(err, ERR_STORE_FULL, "%llu bytes free in %s", free_bytes, st->data_dir);
    enum error_code last = store_condition(st);
    if (last != ERR_NONE && !probe_write(err, st))
        return err->code == ERR_NONE ? error_set(err, last, "the last write failed") : false;
    struct store_stmt *s = store_query(err, conn, "SELECT count(*) FROM schema_migrations", "");
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    store_done(s);
    return r == STORE_ROW || (r != STORE_FAIL && error_set(err, ERR_STORE, "no answer"));
}

void store_rollback(struct store_conn *conn)
{
    struct store_conn_base *base = (struct store_conn_base *)conn;
    if (!base->in_txn)
        return;
    ops_of(conn)->rollback(conn);
    base->in_txn = false;
    run_hook(NULL, base, false);
    base->version_known = false;
    writer_give(base);
}

bool store_version(struct store_conn *conn, struct cache_version *out)
{
    struct store_conn_base *base = (struct store_conn_base *)conn;
    if (base->in_txn && base->write_txn)
        return false;
    if (!base->version_known) {
        struct store_stmt *s =
            store_query(NULL, conn, "SELECT n FROM change_count WHERE id = 1", "");
        if (!s)
            return false;
        enum store_step_result r = store_step(NULL, s);
        int64_t n = r == STORE_ROW ? store_int(s, 0) : 0;
        store_done(s);
        if (r != STORE_ROW)
            return false;
        base->version_count = n;
        base->version_known = base->in_txn; /* outside a transaction each read is its own */
    }
    *out = (struct cache_version){base->store->serial, base->version_count};
    return true;
}

bool store_in_txn(struct store_conn *conn)
{
    return ((struct store_conn_base *)conn)->in_txn;
}

bool store_in_write_txn(struct store_conn *conn)
{
    struct store_conn_base *base = (struct store_conn_base *)conn;
    return base->in_txn && base->write_txn;
}

struct store_stmt *store_query(struct error *err, struct store_conn *conn, const char *sql,
                               const char *types, ...)
{
    va_list ap;
    va_start(ap, types);
    struct store_stmt *stmt = ops_of(conn)->query(err, conn, sql, types, ap);
    va_end(ap);
    return stmt;
}

bool store_exec(struct error *err, struct store_conn *conn, int64_t *changes, const char *sql,
                const char *types, ...)
{
    va_list ap;
    va_start(ap, types);
    struct store_stmt *stmt = ops_of(conn)->query(err, conn, sql, types, ap);
    va_end(ap);
    if (!stmt)
        return false;
    enum store_step_result r;
    while ((r = store_step(err, stmt)) == STORE_ROW)
        ;
    store_done(stmt);
    if (r == STORE_FAIL)
        return false;
    if (changes)
        *changes = ops_of(conn)->changes(conn);
    return true;
}

/* Statement functions dispatch through the backend that made the statement: every backend's
 * statement starts with a pointer to its connection. */
struct store_stmt_base {
    struct store_conn *conn;
};

static const struct store_ops *stmt_ops(struct store_stmt *stmt)
{
    return ops_of(((struct store_stmt_base *)stmt)->conn);
}

enum store_step_result store_step(struct error *err, struct store_stmt *stmt)
{
    return stmt_ops(stmt)->step(err, stmt);
}

void store_done(struct store_stmt *stmt)
{
    if (stmt)
        stmt_ops(stmt)->done(stmt);
}

const char *store_text(struct store_stmt *stmt, int col)
{
    return stmt_ops(stmt)->text(stmt, col);
}
struct store_stmt *store_query_args(struct error *err, struct store_conn *conn, const char *sql,
                                    const struct store_arg *args, int n)
{
    return ops_of(conn)->query_args(err, conn, sql, args, n);
}

struct store_stmt *store_query_args_cached(struct error *err, struct store_conn *conn,
                                           const char *sql, const struct store_arg *args, int n)
{
    return ops_of(conn)->query_args_cached(err, conn, sql, args, n);
}

int64_t store_int(struct store_stmt *stmt, int col)
{
    return stmt_ops(stmt)->integer(stmt, col);
}
double store_double(struct store_stmt *stmt, int col)
{
    return stmt_ops(stmt)->real(stmt, col);
}
bool store_is_null(struct store_stmt *stmt, int col)
{
    return stmt_ops(stmt)->is_null(stmt, col);
}

bool store_last_was_unique_violation(struct store_conn *conn)
{
    return ops_of(conn)->unique_violation(conn);
}
