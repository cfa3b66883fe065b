/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_AUDIT_AUDIT_H
#define TSUNAGU_AUDIT_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/errors.h"
#include "store/store.h"

/** RFC 3881 / DICOM PS3.15 A.5 event outcome indicators. */
enum audit_outcome {
    AUDIT_SUCCESS = 0,
    AUDIT_MINOR_FAILURE = 4,   /* e.g. access denied, bad input */
    AUDIT_SERIOUS_FAILURE = 8, /* e.g. a failed login */
    AUDIT_MAJOR_FAILURE = 12,
};

/**
 * One audit record. Strings are borrowed for the duration of the call; NULL means "not
 * applicable". `action` is the RFC 3881 EventActionCode: 'C'reate, 'R'ead, 'U'pdate, 'D'elete,
 * 'E'xecute. `detail` holds a reason or a short description and never a secret.
 */
struct audit_record {
    const char *event_id; /* e.g. "patient.read", "auth.login" */
    char action;
    enum audit_outcome outcome;
    const char *user_id;
    const char *user_login;
    const char *org_id;
    const char *client;
    const char *patient_id;
    const char *object_type;
    const char *object_id;
    const char *request_id;
    const char *detail;
};

/** The all-zero hash the first record chains to. */
extern const char audit_genesis_hash[65];

/**
 * Adds rec to the write transaction the caller has open on conn: when the transaction commits,
 * its records are appended to the audit log (durably, before the COMMIT) and indexed inside the
 * transaction, so a change and its record are both kept or neither is indexed as done; when it
 * rolls back, they are dropped. Fails with ERR_AUDIT (then, or at the commit).
 */
bool audit_append_txn(struct error *err, struct store_conn *conn, const struct audit_record *rec);

/**
 * Starts the group-commit writer (reads' records from many requests are appended to the log in
 * one write and one fdatasync, and each caller waits until its records are durable) and the
 * indexer, which brings the audit table up to date with the log in the background.
 */
bool audit_writer_start(struct error *err, struct store *st);
/** Drains the queue, stops the writer and, after a last catch-up, the indexer. */
void audit_writer_stop(void);

/**
 * Appends n records through the group-commit writer and returns once they are durable (true) or
 * could not be written (false, ERR_AUDIT). Without a running writer, appends in a transaction of
 * its own on the calling thread's connection of st.
 */
bool audit_append_durable(struct error *err, struct store *st, const struct audit_record *recs,
                          size_t n);

/** Called by the writer thread once records are durable (ok) or could not be written. */
typedef void (*audit_done_fn)(void *arg, bool ok);

/** Room for the writer's bookkeeping of one asynchronous append; owned by the caller and kept
 *  alive until done runs. */
struct audit_ticket {
    void *opaque[16];
};

/**
 * Queues n records for the group-commit writer and returns at once; done(arg, ok) runs on the
 * writer thread when they are durable. recs and ticket must stay valid until then. Without a
 * running writer, appends synchronously and calls done before returning.
 */
void audit_append_async(struct store *st, const struct audit_record *recs, size_t n,
                        struct audit_ticket *ticket, audit_done_fn done, void *arg);

/** The chain hash of a record: SHA-256 over the previous hash and every field, in hex. */
void audit_hash(const char *prev_hash, int64_t seq, const char *time,
                const struct audit_record *rec, char out[65]);

/** Result of walking the chain. */
struct audit_verify_result {
    int64_t records;
    int64_t bad_seq;   /* 0 when the chain is intact */
    int64_t unindexed; /* records of the log the index does not hold yet (at its end) */
    char reason[160];
    char head_hash[65];
};

/** Walks the whole chain in order; false with result->bad_seq set when it is broken. err is set
 *  only when the store cannot be read. */
bool audit_verify(struct error *err, struct store_conn *conn, struct audit_verify_result *result);

/**
 * Waits until every record durable when called is in the audit table (the audit views read it);
 * a read transaction open on conn is taken again, so that it sees them. Inside a write
 * transaction it does nothing (the indexer needs the write lock).
 */
bool audit_index_sync(struct error *err, struct store_conn *conn);

/** Why the last group commit failed: ERR_STORE_FULL or ERR_STORE_READONLY when the store said
 *  so, else ERR_AUDIT (for requests told only that their records were not written). */
enum error_code audit_failure_code(void);

#endif
