/* SPDX-License-Identifier: Apache-2.0 */
/* The embedded backend: one SQLite file in WAL mode with synchronous=FULL, so a commit that has
 * returned survives power loss (https://sqlite.org/pragma.html#pragma_synchronous). */
#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "core/log.h"
#include "store/migrations.h"
#include "store_int.h"

/* Statements are cached per connection by SQL text and never evicted (a cached statement may be
 * stepping while another is prepared), so the cache must hold every distinct static SQL text
 * the program uses: about 300 today. Dynamic SQL goes through query_args, uncached, or through
 * query_args_cached (a search whose text repeats, e.g. QIDO-RS), which keeps a copy of its text
 * while the cache has more than STMT_STATIC_RESERVE entries free for the static texts. */
enum { STMT_CACHE = 1024, STMT_STATIC_RESERVE = 400 };

struct sqlite_stmt {
    struct store_conn *conn; /* must be first: see store.c */
    const char *sql;         /* the caller's string, compared by address then text */
    sqlite3_stmt *stmt;
    bool owned;     /* a store_query_args statement: finalised and freed by done() */
    bool sql_owned; /* sql is a copy (query_args_cached), freed with the connection */
};

struct sqlite_conn {
    struct store_conn_base base; /* must be first */
    sqlite3 *db;
    int last_rc;
    int cache_used;
    struct sqlite_stmt cache[STMT_CACHE];
    sqlite3_stmt *txn[4]; /* BEGIN, BEGIN IMMEDIATE, COMMIT, ROLLBACK: prepared once */
};

/* What a failed call means to a client: busy (try again), no room, a read-only file system, or
 * anything else. */
static enum error_code classify(struct sqlite_conn *c, int rc)
{
    int primary = rc & 0xff, sys = sqlite3_system_errno(c->db);
    if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
        return ERR_STORE_BUSY;
    if (primary == SQLITE_FULL || (primary == SQLITE_IOERR && sys == ENOSPC))
        return ERR_STORE_FULL;
    if (primary == SQLITE_READONLY || (primary == SQLITE_IOERR && sys == EROFS))
        return ERR_STORE_READONLY;
    return ERR_STORE;
}

static bool fail(struct error *err, struct sqlite_conn *c, int rc, const char *what)
{
    c->last_rc = rc;
    enum error_code code = classify(c, rc);
    if (code == ERR_STORE_FULL || code == ERR_STORE_READONLY)
        store_note_write(c->base.store, code);
    if (code == ERR_STORE)
        log_msg(LOG_ERROR, "store.error", "%s: %s (%d)", what, sqlite3_errmsg(c->db), rc);
    return error_set(err, code, "%s: %s", what, sqlite3_errstr(rc));
}

static bool exec_simple(struct error *err, struct sqlite_conn *c, const char *sql)
{
    char *msg = NULL;
    int rc = sqlite3_exec(c->db, sql, NULL, NULL, &msg);
    sqlite3_free(msg);
    return rc == SQLITE_OK ? true : fail(err, c, rc, "exec");
}

/* SQLite's 'now' (julianday('now'), strftime('%s','now')) asks the VFS for the time. When a test
 * build shifts the program's clock (clock_shift_set, clock_advance), the default VFS is wrapped so
 * that SQL sees the same shifted "now" as C: a copy of it whose time methods add the shift. */
static sqlite3_vfs shifted_vfs;
static sqlite3_vfs *real_vfs;

static int shifted_time_int64(sqlite3_vfs *vfs, sqlite3_int64 *julian_ms)
{
    (void)vfs;
    int rc = real_vfs->xCurrentTimeInt64(real_vfs, julian_ms);
    *julian_ms += clock_shift_ms();
    return rc;
}

static int shifted_time(sqlite3_vfs *vfs, double *julian_days)
{
    sqlite3_int64 ms = 0;
    int rc = shifted_time_int64(vfs, &ms);
    *julian_days = (double)ms / 86400000.0;
    return rc;
}

static void shift_sqlite_clock(void)
{
    real_vfs = sqlite3_vfs_find(NULL);
    if (!real_vfs || real_vfs->iVersion < 2 || !real_vfs->xCurrentTimeInt64)
        return;
    shifted_vfs = *real_vfs;
    shifted_vfs.pNext = NULL;
    shifted_vfs.zName = "tsunagu-shifted-clock";
    shifted_vfs.xCurrentTime = shifted_time;
    shifted_vfs.xCurrentTimeInt64 = shifted_time_int64;
    sqlite3_vfs_register(&shifted_vfs, 1);
}

/* Every connection's busy handler. The locks are held for microseconds to a few milliseconds (a
 * commit, a restarting checkpoint), but SQLite's own handler (sqlite3_busy_timeout) sleeps 1, 2,
 * 5, 10, 15, 20… ms between tries, so a writer that met a 1 ms wait slept 3 to 18 ms. Sleep
 * 50 µs, then 100, … up to 1 ms between tries, and give up (SQLITE_BUSY) after about 10 s. */
static int wait_for_lock(void *arg, int attempts)
{
    (void)arg;
    enum { RAMP = 20, STEP_US = 50, MAX_US = 1000, GIVE_UP = RAMP + 10000 };
    if (attempts >= GIVE_UP)
        return 0;
    long us = attempts < RAMP ? STEP_US * (attempts + 1L) : MAX_US;
    struct timespec ts = {0, us * 1000};
    nanosleep(&ts, NULL);
    return 1;
}

/* Process-wide settings, before SQLite initialises: no memory statistics (they take a global
 * mutex on every allocation, which every worker thread then contends for). */
static void configure_once(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
#ifdef TSUNAGU_TEST_CLOCK
    shift_sqlite_clock(); /* the shift may change while the program runs (clock_advance) */
#else
    if (clock_shift_ms() != 0)
        shift_sqlite_clock();
#endif
}

static struct store_conn *conn_open(struct error *err, struct store *st)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, configure_once);
    struct sqlite_conn *c = calloc(1, sizeof(*c));
    if (!c) {
        error_set(err, ERR_NOMEM, "sqlite connection");
        return NULL;
    }
    c->base.store = st;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    int rc = sqlite3_open_v2(st->db_path, &c->db, flags, NULL);
    if (rc != SQLITE_OK) {
        error_set(err, ERR_STORE, "cannot open %s: %s", st->db_path, sqlite3_errstr(rc));
        sqlite3_close(c->db);
        free(c);
        return NULL;
    }
    sqlite3_extended_result_codes(c->db, 1);
    sqlite3_busy_handler(c->db, wait_for_lock, NULL);
    /* With the checkpointer running, commits never checkpoint themselves (which would stall the
     * committing request for a whole checkpoint). */
    if (!exec_simple(err, c,
                     "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                     "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;"
                     "PRAGMA mmap_size=1073741824;") ||
        (st->maintenance && !exec_simple(err, c, "PRAGMA wal_autocheckpoint=0"))) {
        sqlite3_close(c->db);
        free(c);
        return NULL;
    }
    /* Reads go through the memory map (no copy, no page cache to invalidate on every commit);
     * the file grows in 16 MiB steps so the map is rarely rebuilt. */
    int chunk = 16 * 1024 * 1024;
    sqlite3_file_control(c->db, "main", SQLITE_FCNTL_CHUNK_SIZE, &chunk);
    return (struct store_conn *)c;
}

static void conn_close(struct store_conn *conn)
{
    struct sqlite_conn *c = (struct sqlite_conn *)conn;
    for (int i = 0; i < 4; i++)
        sqlite3_finalize(c->txn[i]);
    for (int i = 0; i < c->cache_used; i++) {
        sqlite3_finalize(c->cache[i].stmt);
        if (c->cache[i].sql_owned)
            free((char *)c->cache[i].sql);
    }
    sqlite3_close(c->db);
    free(c);
}

/* Starts or ends a transaction through a statement prepared once for the connection: every
 * request does this, and sqlite3_exec would parse the text each time. */
enum txn_verb { TXN_BEGIN, TXN_BEGIN_WRITE, TXN_COMMIT, TXN_ROLLBACK };

static bool txn_step(struct error *err, struct sqlite_conn *c, enum txn_verb verb)
{
    static const char *const sql[] = {"BEGIN", "BEGIN IMMEDIATE", "COMMIT", "ROLLBACK"};
    if (!c->txn[verb]) {
        int rc = sqlite3_prepare_v2(c->db, sql[verb], -1, &c->txn[verb], NULL);
        if (rc != SQLITE_OK)
            return fail(err, c, rc, "prepare");
    }
    int rc = sqlite3_step(c->txn[verb]);
    sqlite3_reset(c->txn[verb]);
    return rc == SQLITE_DONE ? true : fail(err, c, rc, sql[verb]);
}

static bool begin(struct error *err, struct store_conn *conn, bool write)
{
    return txn_step(err, (struct sqlite_conn *)conn, write ? TXN_BEGIN_WRITE : TXN_BEGIN);
}

static bool commit(struct error *err, struct store_conn *conn)
{
    return txn_step(err, (struct sqlite_conn *)conn, TXN_COMMIT);
}

static void rollback(struct store_conn *conn)
{
    txn_step(NULL, (struct sqlite_conn *)conn, TXN_ROLLBACK);
}

static struct sqlite_stmt *cached(struct error *err, struct sqlite_conn *c, const char *sql)
{
    for (int i = 0; i < c->cache_used; i++)
        if (c->cache[i].sql == sql)
            return &c->cache[i];
    for (int i = 0; i < c->cache_used; i++)
        if (strcmp(c->cache[i].sql, sql) == 0)
            return &c->cache[i];
    if (c->cache_used == STMT_CACHE) {
        fail(err, c, SQLITE_FULL, "statement cache full");
        return NULL;
    }
    sqlite3_stmt *stmt;
    int rc = sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
    if (rc != SQLITE_OK) {
        log_msg(LOG_ERROR, "store.prepare", "%s: %.200s", sqlite3_errmsg(c->db), sql);
        fail(err, c, rc, "prepare");
        return NULL;
    }
    struct sqlite_stmt *s = &c->cache[c->cache_used++];
    s->conn = (struct store_conn *)c;
    s->sql = sql;
    s->stmt = stmt;
    return s;
}

static bool bind_args(struct error *err, struct sqlite_conn *c, sqlite3_stmt *stmt,
                      const char *types, va_list ap)
{
    for (int i = 0; types && types[i]; i++) {
        int rc;
        const char *text;
        switch (types[i]) {
        case 't':
            text = va_arg(ap, const char *);
            rc = text ? sqlite3_bind_text(stmt, i + 1, text, -1, SQLITE_TRANSIENT)
                      : sqlite3_bind_null(stmt, i + 1);
            break;
        case 'i':
            rc = sqlite3_bind_int64(stmt, i + 1, va_arg(ap, int64_t));
            break;
        case 'b':
            rc = sqlite3_bind_int(stmt, i + 1, va_arg(ap, int) ? 1 : 0);
            break;
        case 'd':
            rc = sqlite3_bind_double(stmt, i + 1, va_arg(ap, double));
            break;
        default:
            return error_set(err, ERR_INTERNAL, "bad bind type %c", types[i]);
        }
        if (rc != SQLITE_OK)
            return fail(err, c, rc, "bind");
    }
    return true;
}

static struct store_stmt *query(struct error *err, struct store_conn *conn, const char *sql,
                                const char *types, va_list ap)
{
    struct sqlite_conn *c = (struct sqlite_conn *)conn;
    struct sqlite_stmt *s = cached(err, c, sql);
    if (!s)
        return NULL;
    sqlite3_reset(s->stmt);
    sqlite3_clear_bindings(s->stmt);
    if (!bind_args(err, c, s->stmt, types, ap))
        return NULL;
    return (struct store_stmt *)s;
}

/* Binds args[0..n) to stmt; arguments past the last parameter the text uses are not bound (a
 * builder may number values it then leaves out of the text). */
static int bind_array(sqlite3_stmt *stmt, const struct store_arg *args, int n)
{
    int used = sqlite3_bind_parameter_count(stmt), rc = SQLITE_OK;
    if (n > used)
        n = used;
    for (int i = 0; rc == SQLITE_OK && i < n; i++) {
        const struct store_arg *a = &args[i];
        if (a->type == 'i')
            rc = sqlite3_bind_int64(stmt, i + 1, a->i);
        else if (a->type == 'd')
            rc = sqlite3_bind_double(stmt, i + 1, a->d);
        else
            rc = a->text ? sqlite3_bind_text(stmt, i + 1, a->text, -1, SQLITE_TRANSIENT)
                         : sqlite3_bind_null(stmt, i + 1);
    }
    return rc;
}

static struct store_stmt *query_args(struct error *err, struct store_conn *conn, const char *sql,
                                     const struct store_arg *args, int n)
{
    struct sqlite_conn *c = (struct sqlite_conn *)conn;
    struct sqlite_stmt *s = calloc(1, sizeof *s);
    if (!s) {
        error_set(err, ERR_NOMEM, NULL);
        return NULL;
    }
    int rc = sqlite3_prepare_v2(c->db, sql, -1, &s->stmt, NULL);
    if (rc == SQLITE_OK)
        rc = bind_array(s->stmt, args, n);
    if (rc != SQLITE_OK) {
        log_msg(LOG_ERROR, "store.prepare", "%s: %.200s", sqlite3_errmsg(c->db), sql);
        fail(err, c, rc, "prepare");
        sqlite3_finalize(s->stmt);
        free(s);
        return NULL;
    }
    s->conn = conn;
    s->sql = sql;
    s->owned = true;
    return (struct store_stmt *)s;
}

static struct store_stmt *query_args_cached(struct error *err, struct store_conn *conn,
                                            const char *sql, const struct store_arg *args, int n)
{
    struct sqlite_conn *c = (struct sqlite_conn *)conn;
    struct sqlite_stmt *s = NULL;
    for (int i = 0; i < c->cache_used && !s; i++)
        if (strcmp(c->cache[i].sql, sql) == 0)
            s = &c->cache[i];
    if (!s && c->cache_used < STMT_CACHE - STMT_STATIC_RESERVE) {
        char *copy = strdup(sql);
        if (copy && (s = cached(err, c, copy)) != NULL)
            s->sql_owned = true;
        else if (copy) {
            free(copy);
            return NULL;
        }
    }
    if (!s || sqlite3_stmt_busy(s->stmt)) /* no room, or in use by the caller: prepare anew */
        return query_args(err, conn, sql, args, n);
    sqlite3_reset(s->stmt);
    sqlite3_clear_bindings(s->stmt);
    int rc = bind_array(s->stmt, args, n);
    if (rc != SQLITE_OK) {
        fail(err, c, rc, "bind");
        return NULL;
    }
    return (struct store_stmt *)s;
}

static enum store_step_result step(struct error *err, struct store_stmt *stmt)
{
    struct sqlite_stmt *s = (struct sqlite_stmt *)stmt;
    int rc = sqlite3_step(s->stmt);
    if (rc == SQLITE_ROW)
        return STORE_ROW;
    if (rc == SQLITE_DONE)
        return STORE_DONE;
    fail(err, (struct sqlite_conn *)s->conn, rc, "step");
    return STORE_FAIL;
}

static void done(struct store_stmt *stmt)
{
    struct sqlite_stmt *s = (struct sqlite_stmt *)stmt;
    if (s->owned) {
        sqlite3_finalize(s->stmt);
        free(s);
        return;
    }
    sqlite3_reset(s->stmt);
    sqlite3_clear_bindings(s->stmt);
}

static const char *text(struct store_stmt *stmt, int col)
{
    const unsigned char *t = sqlite3_column_text(((struct sqlite_stmt *)stmt)->stmt, col);
    return t ? (const char *)t : NULL;
}

static double real(struct store_stmt *stmt, int col)
{
    return sqlite3_column_double(((struct sqlite_stmt *)stmt)->stmt, col);
}

static int64_t integer(struct store_stmt *stmt, int col)
{
    return sqlite3_column_int64(((struct sqlite_stmt *)stmt)->stmt, col);
}

static bool is_null(struct store_stmt *stmt, int col)
{
    return sqlite3_column_type(((struct sqlite_stmt *)stmt)->stmt, col) == SQLITE_NULL;
}

static int64_t changes(struct store_conn *conn)
{
    return sqlite3_changes64(((struct sqlite_conn *)conn)->db);
}

static bool unique_violation(struct store_conn *conn)
{
    int rc = ((struct sqlite_conn *)conn)->last_rc;
    return rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY;
}

static bool migrate(struct error *err, struct store_conn *conn)
{
    struct sqlite_conn *c = (struct sqlite_conn *)conn;
    if (!exec_simple(err, c,
                     "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER "
                     "PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)"))
        return false;
    for (int i = 0; i < store_migrations_count; i++) {
        const struct migration *m = &store_migrations[i];
        if (!exec_simple(err, c, "BEGIN IMMEDIATE"))
            return false;
        sqlite3_stmt *q;
        sqlite3_prepare_v2(c->db, "SELECT 1 FROM schema_migrations WHERE version = ?", -1, &q,
                           NULL);
        sqlite3_bind_int(q, 1, m->version);
        bool applied = sqlite3_step(q) == SQLITE_ROW;
        sqlite3_finalize(q);
        if (!applied) {
            char insert[256];
            snprintf(insert, sizeof(insert),
                     "INSERT INTO schema_migrations VALUES (%d, '%s', "
                     "CAST(strftime('%%s','now') AS INTEGER) * 1000)",
                     m->version, m->name);
            if (!exec_simple(err, c, m->sql) || !exec_simple(err, c, insert)) {
                exec_simple(NULL, c, "ROLLBACK");
                return false;
            }
            log_msg(LOG_INFO, "store.migrated", "applied migration %s", m->name);
        }
        if (!exec_simple(err, c, "COMMIT"))
            return false;
    }
    return true;
}

/* Background WAL checkpoints (https://sqlite.org/wal.html#ckpt): PASSIVE, so they normally never
 * wait for readers or block writers. A writer starts the log again from its beginning only when it
 * finds the log wholly copied back, and under a steady stream of commits (every read appends an
 * audit record) the next commit always lands while a checkpoint is still copying: the log would
 * grow for ever ("checkpoint starvation"). So once it passes WAL_RESTART_FRAMES and a passive
 * checkpoint has copied all of it, a RESTART checkpoint holds writers back for the moment it takes
 * to copy the few frames committed since and for the readers of the moment to finish (about a
 * millisecond), and the next commit writes from the log's beginning again, over bytes the file
 * already has. TRUNCATE stays for a log that passes WAL_LIMIT_FRAMES all the same (one huge
 * transaction): it also gives the disk space back, but stalls writers for tens of milliseconds. */
enum {
    WAL_RESTART_FRAMES = 4096, /* 16 MiB of 4 KiB pages */
    WAL_LIMIT_FRAMES = 16384,  /* 64 MiB */
};

struct checkpointer {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool stop;
    struct store_conn *conn;
};

static void *checkpoint_main(void *arg)
{
    struct checkpointer *cp = arg;
    pthread_setname_np(pthread_self(), "checkpointer");
    struct sqlite_conn *c = (struct sqlite_conn *)cp->conn;
    pthread_mutex_lock(&cp->lock);
    while (!cp->stop) {
        struct timespec until;
        clock_deadline_in(&until, 250 * 1000);
        pthread_cond_timedwait(&cp->wake, &cp->lock, &until);
        if (cp->stop)
            break;
        pthread_mutex_unlock(&cp->lock);
        int log_frames = 0, copied = 0;
        sqlite3_wal_checkpoint_v2(c->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log_frames, &copied);
        /* Only once the passive checkpoint has copied everything, so that little is left to
         * copy while writers wait. */
        if (log_frames > WAL_LIMIT_FRAMES && copied == log_frames)
            sqlite3_wal_checkpoint_v2(c->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
        else if (log_frames > WAL_RESTART_FRAMES && copied == log_frames)
            sqlite3_wal_checkpoint_v2(c->db, NULL, SQLITE_CHECKPOINT_RESTART, NULL, NULL);
        pthread_mutex_lock(&cp->lock);
    }
    pthread_mutex_unlock(&cp->lock);
    return NULL;
}

/* The checkpointer's busy handler: while a restarting or truncating checkpoint waits for readers,
 * writers wait too, and readers finish within microseconds. Poll every 100 µs, for at most 2 s
 * (then the checkpoint gives up and is tried again 250 ms later). */
static int poll_briefly(void *arg, int attempts)
{
    (void)arg;
    if (attempts >= 20000)
        return 0;
    struct timespec ts = {0, 100 * 1000};
    nanosleep(&ts, NULL);
    return 1;
}

static bool maintenance_start(struct error *err, struct store *st)
{
    struct checkpointer *cp = calloc(1, sizeof(*cp));
    if (!cp)
        return error_set(err, ERR_NOMEM, "checkpointer");
    st->maintenance = cp; /* from now on connections open without auto-checkpoints */
    cp->conn = conn_open(err, st);
    if (!cp->conn)
        goto fail;
    sqlite3_busy_handler(((struct sqlite_conn *)cp->conn)->db, poll_briefly, NULL);
    pthread_mutex_init(&cp->lock, NULL);
    pthread_cond_init(&cp->wake, NULL);
    if (pthread_create(&cp->thread, NULL, checkpoint_main, cp) != 0) {
        error_set(err, ERR_INTERNAL, "cannot start the checkpointer");
        conn_close(cp->conn);
        goto fail;
    }
    return true;
fail:
    st->maintenance = NULL;
    free(cp);
    return false;
}

static void maintenance_stop(struct store *st)
{
    struct checkpointer *cp = st->maintenance;
    if (!cp)
        return;
    pthread_mutex_lock(&cp->lock);
    cp->stop = true;
    pthread_cond_signal(&cp->wake);
    pthread_mutex_unlock(&cp->lock);
    pthread_join(cp->thread, NULL);
    sqlite3_wal_checkpoint_v2(((struct sqlite_conn *)cp->conn)->db, NULL,
                              SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
    conn_close(cp->conn);
    pthread_cond_destroy(&cp->wake);
    pthread_mutex_destroy(&cp->lock);
    free(cp);
    st->maintenance = NULL;
}

const struct store_ops store_sqlite_ops = {
    .name = "sqlite",
    .conn_open = conn_open,
    .conn_close = conn_close,
    .begin = begin,
    .commit = commit,
    .rollback = rollback,
    .query = query,
    .query_args = query_args,
    .query_args_cached = query_args_cached,
    .step = step,
    .done = done,
    .text = text,
    .integer = integer,
    .real = real,
    .is_null = is_null,
    .changes = changes,
    .unique_violation = unique_violation,
    .migrate = migrate,
    .maintenance_start = maintenance_start,
    .maintenance_stop = maintenance_stop,
};
