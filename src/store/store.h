/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_STORE_STORE_H
#define TSUNAGU_STORE_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/cache.h"
#include "core/errors.h"

/**
 * The store: SQL tables behind one backend-neutral interface. Handlers write portable SQL (the
 * subset SQLite and PostgreSQL share, `?` placeholders, integers and text only) and never learn
 * which backend runs it. SQLite (embedded, WAL, synchronous=FULL) is the only backend today; a
 * PostgreSQL backend implements `struct store_ops` (see store_int.h) and rewrites `?` to `$n`.
 *
 * Each thread uses its own connection (store_conn_get); statements are prepared once per
 * connection and cached by their SQL text.
 */
struct store;
struct store_conn;
struct store_stmt;

enum store_step_result { STORE_ROW, STORE_DONE, STORE_FAIL };

/** Opens (creating if needed) the store in data_dir and applies pending migrations. */
struct store *store_open(struct error *err, const char *data_dir);
/** Closes every connection. Call only when no other thread uses the store. */
void store_close(struct store *st);

/**
 * Starts background maintenance for a long-running server: with SQLite, WAL checkpoints move
 * from the committing request (where they would stall it) to a thread of their own. Call before
 * any connection is handed out; store_close stops it.
 */
bool store_maintenance_start(struct error *err, struct store *st);

/** The calling thread's connection, opened on first use. Owned by the store. */
struct store_conn *store_conn_get(struct error *err, struct store *st);
/** A connection private to the caller (e.g. the audit writer thread); free with store_conn_free. */
struct store_conn *store_conn_open(struct error *err, struct store *st);
void store_conn_free(struct store_conn *conn);

/** Starts a transaction; write=true takes the write lock at once (no upgrade deadlocks). */
bool store_begin(struct error *err, struct store_conn *conn, bool write);
/** Commits; the data is durable when this returns true. */
bool store_commit(struct error *err, struct store_conn *conn);
/** Rolls back if a transaction is open; safe to call at any time. */
void store_rollback(struct store_conn *conn);
/** True while a transaction is open on conn; the second while it is a write transaction. */
bool store_in_txn(struct store_conn *conn);
bool store_in_write_txn(struct store_conn *conn);

/**
 * Work a write transaction does at its end, set by a layer above the store: called once, with
 * commit=true just before the COMMIT (returning false fails the commit, which rolls back), or
 * with commit=false when the transaction rolls back before that. One hook a transaction.
 */
typedef bool (*store_txn_hook)(struct error *err, struct store_conn *conn, void *arg, bool commit);
void store_txn_hook_set(struct store_conn *conn, store_txn_hook fn, void *arg);
/** The arg of fn's hook in the open transaction, or NULL. */
void *store_txn_hook_arg(struct store_conn *conn, store_txn_hook fn);

/** The store a connection belongs to, and the store's data directory. */
struct store *store_of(struct store_conn *conn);
const char *store_data_dir(const struct store *st);

/**
 * The version of what the session lookup and the access decision read, for the caches of their
 * answers: the store (one per store_open) and its change count, which SQL triggers raise with
 * every change to those tables, whichever process writes (migration 031; docs/security.md, "The
 * session and decision caches"). A read transaction reads it once, as its snapshot cannot
 * change; outside a transaction each call reads it. False when no cache may be used now: inside
 * a write transaction (its own changes are not committed and may roll back), or when the count
 * cannot be read (the caller then asks the store itself). Outside a transaction, what the caller
 * reads next may already be newer than the count: cache a value under it only inside a read
 * transaction, where both come from one snapshot.
 */
bool store_version(struct store_conn *conn, struct cache_version *out);

/**
 * Prepares (or takes from the cache) sql and binds the arguments described by types, one letter
 * an argument: 't' const char * (NULL binds SQL NULL), 'i' int64_t, 'b' bool, 'd' double.
 * The statement stays owned by the connection; call store_done when finished with it.
 */
struct store_stmt *store_query(struct error *err, struct store_conn *conn, const char *sql,
                               const char *types, ...);
/** One argument of store_query_args: type 't' (text, NULL binds NULL), 'i' or 'd'. */
struct store_arg {
    char type;
    const char *text;
    int64_t i;
    double d;
};
/** Like store_query for SQL built at run time: not cached (store_done frees the statement), the
 *  arguments from an array. Every call parses and plans the SQL again: a fixed statement on a
 *  hot path goes through store_query, whose cache prepares it once per connection. */
struct store_stmt *store_query_args(struct error *err, struct store_conn *conn, const char *sql,
                                    const struct store_arg *args, int n);
/** Like store_query_args for SQL built at run time whose text repeats (a search form with a few
 *  shapes): prepared once per connection and text, while the cache has room (then as
 *  store_query_args). sql is copied. */
struct store_stmt *store_query_args_cached(struct error *err, struct store_conn *conn,
                                           const char *sql, const struct store_arg *args, int n);
/** Steps a statement; STORE_FAIL sets err. */
enum store_step_result store_step(struct error *err, struct store_stmt *stmt);
/** Resets a statement for its next use. NULL is ignored. */
void store_done(struct store_stmt *stmt);

/** Column accessors for the current row; text is valid until the next step or store_done. */
const char *store_text(struct store_stmt *stmt, int col);
int64_t store_int(struct store_stmt *stmt, int col);
double store_double(struct store_stmt *stmt, int col);
bool store_is_null(struct store_stmt *stmt, int col);

/** Runs a statement that returns no rows; *changes (if not NULL) gets the affected row count. */
bool store_exec(struct error *err, struct store_conn *conn, int64_t *changes, const char *sql,
                const char *types, ...);

/**
 * Whether the store can serve: the data directory's file system is writable and has room (at
 * least STORE_FREE_MIN bytes), the last write did not fail for lack of room or a read-only file
 * system, and a read answers. False with ERR_STORE_FULL, ERR_STORE_READONLY or ERR_STORE (the
 * reason in the detail) otherwise. conn: an open connection of the store.
 */
bool store_health(struct error *err, struct store *st, struct store_conn *conn);
enum { STORE_FREE_MIN = 8 * 1024 * 1024 };

/** ERR_STORE_FULL or ERR_STORE_READONLY while writes fail for that reason, else ERR_NONE. */
enum error_code store_condition(struct store *st);

/** True if the last failure on conn was a uniqueness violation (for 409 answers). */
bool store_last_was_unique_violation(struct store_conn *conn);

/** What follows a LIKE whose pattern comes from store_like: the escape character. */
#define STORE_LIKE_ESCAPE " ESCAPE '\\'"

/**
 * A LIKE pattern that matches text literally: before, then text with %, _ and \ escaped, then
 * after (e.g. "%", text, "%" for "contains"). Use it with STORE_LIKE_ESCAPE. Returns a malloc'd
 * string, NULL when out of memory.
 */
char *store_like(const char *before, const char *text, const char *after);

/** The operator of a case-sensitive wildcard match, `col STORE_WILDCARD_OP ?`, whose pattern
 *  comes from store_wildcard (the embedded store's GLOB; a PostgreSQL backend would use LIKE
 *  with a pattern of its own). */
#define STORE_WILDCARD_OP "GLOB"

/**
 * The pattern for STORE_WILDCARD_OP of a wildcard value in which '*' matches any run of
 * characters, '?' one character, and every other character only itself (case-sensitive).
 * Returns a malloc'd string, NULL when out of memory.
 */
char *store_wildcard(const char *pattern);

#endif
