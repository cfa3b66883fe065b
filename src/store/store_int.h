/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_STORE_STORE_INT_H
#define TSUNAGU_STORE_STORE_INT_H

#include <pthread.h>
#include <stdarg.h>

#include "store.h"

/** What a backend implements. Every function sets err on failure. */
struct store_ops {
    const char *name;
    struct store_conn *(*conn_open)(struct error *err, struct store *st);
    void (*conn_close)(struct store_conn *conn);
    bool (*begin)(struct error *err, struct store_conn *conn, bool write);
    bool (*commit)(struct error *err, struct store_conn *conn);
    void (*rollback)(struct store_conn *conn);
    struct store_stmt *(*query)(struct error *err, struct store_conn *conn, const char *sql,
                                const char *types, va_list ap);
    struct store_stmt *(*query_args)(struct error *err, struct store_conn *conn, const char *sql,
                                     const struct store_arg *args, int n);
    struct store_stmt *(*query_args_cached)(struct error *err, struct store_conn *conn,
                                            const char *sql, const struct store_arg *args, int n);
    enum store_step_result (*step)(struct error *err, struct store_stmt *stmt);
    void (*done)(struct store_stmt *stmt);
    const char *(*text)(struct store_stmt *stmt, int col);
    int64_t (*integer)(struct store_stmt *stmt, int col);
    double (*real)(struct store_stmt *stmt, int col);
    bool (*is_null)(struct store_stmt *stmt, int col);
    int64_t (*changes)(struct store_conn *conn);
    bool (*unique_violation)(struct store_conn *conn);
    bool (*migrate)(struct error *err, struct store_conn *conn);
    bool (*maintenance_start)(struct error *err, struct store *st);
    void (*maintenance_stop)(struct store *st);
};

/** Common head of every backend connection. */
struct store_conn_base {
    struct store *store;
    struct store_conn_base *next_open; /* list of connections to close */
    bool in_txn;
    bool write_txn;      /* the open transaction writes */
    bool holds_writer;   /* it holds the store's writer turn (store.c) */
    store_txn_hook hook; /* store_txn_hook_set, for the open transaction */
    void *hook_arg;
    /* the change count read in the open read transaction (store_version), while known */
    bool version_known;
    int64_t version_count;
};

struct store {
    const struct store_ops *ops;
    char *data_dir;
    char *db_path;
    pthread_mutex_t lock;
    struct store_conn_base *conns;
    void *maintenance; /* backend-specific background work, or NULL */
    uint64_t serial;   /* which store_open this is (struct cache_version's source), from 1 */
    /* Why the last write failed, while no write has succeeded since (store_condition):
     * ERR_STORE_FULL, ERR_STORE_READONLY or ERR_NONE. */
    _Atomic int condition;
    /* The writer turn: this process's write transactions wait for each other here, on a
     * condition variable, instead of polling SQLite's busy handler (which another process, such
     * as the command line, still meets). */
    pthread_mutex_t writer_lock;
    pthread_cond_t writer_free;
    bool writer_busy;
};

/** Notes the outcome of a write for store_condition (code ERR_NONE: it succeeded). */
void store_note_write(struct store *st, enum error_code code);

extern const struct store_ops store_sqlite_ops;

#endif
