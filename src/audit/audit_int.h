/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_AUDIT_AUDIT_INT_H
#define TSUNAGU_AUDIT_AUDIT_INT_H

/*
 * The audit trail's two parts (docs/security.md, "Audit trail"):
 *  - the log, <data-dir>/audit.log: the trail itself, one JSON line a record, hash-chained, only
 *    ever appended, each batch written and fdatasync'd once, under an exclusive flock so that
 *    the server and command-line processes append to one chain;
 *  - the index, the SQLite table audit: the same records, for the audit views and the access
 *    history, filled in the background from the log (index.c).
 * A write's records are appended to the log before its transaction commits, and put into the
 * index inside that transaction ("txn" records): their index row exists exactly when the data
 * committed. Whoever indexes holds the write lock, so a txn record missing from the index is
 * one whose transaction ended without committing; it is indexed with committed = 0.
 */
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "audit.h"

/** What the log gave a record: its number, time and chain hashes. */
struct audit_stamp {
    int64_t seq;
    char time[32];
    char prev[65];
    char hash[65];
};

/** One record to append: txn marks a record written inside a write transaction. */
struct audit_entry {
    const struct audit_record *rec;
    bool txn;
    struct audit_stamp *stamp; /* filled on success, or NULL */
};

struct audit_log;

/** The log of a data directory, opened (and created) on first use; shared by the process. */
struct audit_log *audit_log_of(struct error *err, const char *data_dir);
/** The log's path. */
const char *audit_log_path(const struct audit_log *log);

/** Appends the entries durably (one write and one fdatasync), or none of them. */
bool audit_log_append(struct error *err, struct audit_log *log, const struct audit_entry *entries,
                      size_t n);

/** Reads the chain's head, cutting what a writer that died in the middle of a batch left. */
bool audit_log_recover(struct error *err, struct audit_log *log);

/** Length of the log up to its last durable record (no append in progress). */
bool audit_log_durable_end(struct error *err, struct audit_log *log, off_t *end);

/** Runs fn under the log's exclusive locks (in-process and file), with the log's length. */
bool audit_log_locked(struct error *err, struct audit_log *log,
                      bool (*fn)(struct error *err, int fd, off_t end, void *arg), void *arg);

/** A record read back from the log (line.c): the strings point into mem. */
struct audit_line {
    struct audit_record rec;
    int64_t seq;
    const char *time, *prev, *hash;
    bool txn;
    char *mem;
};

/** Parses one line (without its newline); false if it is not a record of the log's shape.
 *  Free a parsed line with audit_line_free. */
bool audit_line_parse(const char *text, size_t len, struct audit_line *line);
void audit_line_free(struct audit_line *line);

/** Calls fn for each complete line of the file at path from offset `from` up to `to` (-1: to
 *  its end), with the offset just past the line. Stops when fn returns false. */
bool audit_log_scan(struct error *err, const char *path, off_t from, off_t to,
                    bool (*fn)(void *arg, const char *text, size_t len, off_t next), void *arg);

/** Appends one record's line (with its newline) to sb. */
struct strbuf;
void audit_line_format(struct strbuf *sb, const struct audit_record *rec,
                       const struct audit_stamp *stamp, bool txn);

/** Indexes the log's durable records not yet in the index, in transactions of their own on
 *  conn (which must have none open). A log still empty while the index has records (a trail
 *  kept in the database by an earlier version) is first written out from the index. reached:
 *  the log's length indexed. */
bool audit_index_catch_up(struct error *err, struct store_conn *conn, struct audit_log *log,
                          off_t *reached);

/** How far the index has read the log: the offset just past its last indexed record. */
bool audit_index_offset(struct error *err, struct store_conn *conn, off_t *offset);

/** Inserts the index rows of txn records inside the caller's transaction. */
bool audit_index_insert(struct error *err, struct store_conn *conn,
                        const struct audit_entry *entries, size_t n);

#endif
