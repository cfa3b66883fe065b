/* SPDX-License-Identifier: Apache-2.0 */
#include "audit.h"

#include <errno.h>

#include <nettle/sha2.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit_int.h"
#include "core/clock.h"
#include "core/log.h"

const char audit_genesis_hash[65] =
    "0000000000000000000000000000000000000000000000000000000000000000";

/* The decimal digits of n followed by ':' into out (room for 24); their count. */
static size_t decimal_colon(char *out, unsigned long long n)
{
    char rev[24];
    size_t k = 0;
    do
        rev[k++] = (char)('0' + n % 10);
    while ((n /= 10) > 0);
    for (size_t i = 0; i < k; i++)
        out[i] = rev[k - 1 - i];
    out[k] = ':';
    return k + 1;
}

static void hash_field(struct sha256_ctx *st, const char *s)
{
    /* A field is its length-prefixed bytes ("<length>:<bytes>", or "-:" for NULL), so no choice
     * of values can shift a boundary; NULL differs from the empty string. Every record hashes a
     * dozen of them: the length is written without printf. */
    char len[24];
    size_t bytes = s ? strlen(s) : 0;
    size_t n = s ? decimal_colon(len, bytes) : (memcpy(len, "-:", 2), 2);
    sha256_update(st, n, (const uint8_t *)len);
    if (s)
        sha256_update(st, bytes, (const uint8_t *)s);
}

void audit_hash(const char *prev_hash, int64_t seq, const char *time,
                const struct audit_record *rec, char out[65])
{
    struct sha256_ctx st;
    sha256_init(&st);
    char buf[48];
    char action[2] = {rec->action, 0};
    hash_field(&st, prev_hash);
    snprintf(buf, sizeof(buf), "%lld", (long long)seq); /* a signed number: printf's rules */
    hash_field(&st, buf);
    hash_field(&st, time);
    hash_field(&st, rec->event_id);
    hash_field(&st, action);
    snprintf(buf, sizeof(buf), "%d", (int)rec->outcome);
    hash_field(&st, buf);
    hash_field(&st, rec->user_id);
    hash_field(&st, rec->user_login);
    hash_field(&st, rec->org_id);
    hash_field(&st, rec->client);
    hash_field(&st, rec->patient_id);
    hash_field(&st, rec->object_type);
    hash_field(&st, rec->object_id);
    hash_field(&st, rec->request_id);
    hash_field(&st, rec->detail);
    uint8_t h[SHA256_DIGEST_SIZE];
    sha256_digest(&st, sizeof h, h);
    sodium_bin2hex(out, 65, h, sizeof(h));
}

/* A failed append fails the request as ERR_AUDIT, unless the store said why writes fail (no
 * room, a read-only file system): that is what an administrator must be told. */
static enum error_code failure_code(const struct error *e)
{
    return e->code == ERR_STORE_FULL || e->code == ERR_STORE_READONLY ? e->code : ERR_AUDIT;
}

static _Atomic int last_failure = ERR_AUDIT;

enum error_code audit_failure_code(void)
{
    return (enum error_code)atomic_load(&last_failure);
}

static bool append_failed(struct error *err, const struct error *e)
{
    log_msg(LOG_ERROR, "audit.append_failed", "%s", e->detail);
    atomic_store(&last_failure, (int)failure_code(e));
    return error_set(err, failure_code(e), "%s", e->detail);
}

/* Group commit: callers queue their records and sleep; the writer thread takes everything queued,
 * appends it to the log in one write and one fdatasync, and wakes them. The batches form by
 * themselves: what arrives while a batch is written goes into the next one. The writer never waits
 * for company: holding a batch open for up to 1 ms (as it once did) halved WADO-RS throughput at 8
 * connections and cost the patient read at 64 connections 10 %, because every waiting request
 * then waited that long too. */
struct waiter {
    struct waiter *next;
    const struct audit_record *recs;
    size_t n;
    struct audit_stamp *stamps; /* txn records: their stamps, for the index rows; else NULL */
    audit_done_fn done_fn;      /* asynchronous waiter, or NULL for a blocked thread */
    void *done_arg;
    bool done;
    bool ok;
    pthread_cond_t wake; /* one per blocked waiter: a batch wakes only its own requests */
};
_Static_assert(sizeof(struct waiter) <= sizeof(struct audit_ticket), "audit_ticket too small");

static struct {
    pthread_mutex_t lock;
    pthread_cond_t wake_writer;
    pthread_t thread;
    struct audit_log *log;
    struct store *store;
    struct waiter *head, **tail;
    bool running, stopping;
    struct error failure; /* of the last batch that failed */
} writer = {
    .lock = PTHREAD_MUTEX_INITIALIZER,
    .wake_writer = PTHREAD_COND_INITIALIZER,
};

static void index_wake(void);

/* Appends the waiters' records in one batch: entries in the waiters' order. */
static bool append_waiters(struct error *err, struct audit_log *log, struct waiter *group)
{
    size_t total = 0;
    for (struct waiter *w = group; w; w = w->next)
        total += w->n;
    struct audit_entry *entries = malloc(total * sizeof(*entries) + 1);
    if (!entries)
        return error_set(err, ERR_AUDIT, "out of memory");
    size_t k = 0;
    for (struct waiter *w = group; w; w = w->next)
        for (size_t i = 0; i < w->n; i++)
            entries[k++] = (struct audit_entry){&w->recs[i], w->stamps != NULL,
                                                w->stamps ? &w->stamps[i] : NULL};
    bool ok = audit_log_append(err, log, entries, total);
    free(entries);
    return ok;
}

static void write_group(struct waiter *group)
{
    struct error e = {0};
    bool ok = append_waiters(&e, writer.log, group);
    if (!ok)
        append_failed(NULL, &e);
    else
        index_wake();
    /* A blocked waiter's frame may be gone as soon as it is woken, and an asynchronous one's
     * memory as soon as its callback runs: touch neither afterwards. Asynchronous waiters are
     * moved to a list of their own under the lock and called after it is released. */
    struct waiter *async_head = NULL, **async_tail = &async_head;
    pthread_mutex_lock(&writer.lock);
    for (struct waiter *w = group, *next; w; w = next) {
        next = w->next;
        if (w->done_fn) {
            w->next = NULL;
            *async_tail = w;
            async_tail = &w->next;
            continue;
        }
        w->ok = ok;
        w->done = true;
        pthread_cond_signal(&w->wake);
    }
    pthread_mutex_unlock(&writer.lock);
    for (struct waiter *w = async_head, *next; w; w = next) {
        next = w->next;
        w->done_fn(w->done_arg, ok);
    }
}

static void *writer_main(void *arg)
{
    (void)arg;
    pthread_setname_np(pthread_self(), "audit-writer"); /* in top, perf and /proc */
    pthread_mutex_lock(&writer.lock);
    for (;;) {
        while (!writer.head && !writer.stopping)
            pthread_cond_wait(&writer.wake_writer, &writer.lock);
        if (!writer.head && writer.stopping)
            break;
        struct waiter *group = writer.head;
        writer.head = NULL;
        writer.tail = &writer.head;
        pthread_mutex_unlock(&writer.lock);
        write_group(group);
        pthread_mutex_lock(&writer.lock);
    }
    pthread_mutex_unlock(&writer.lock);
    return NULL;
}

/* ---- the background indexer --------------------------------------------------------------- */

/* Records are indexed in batches this far apart at most, unless someone waits for them (an audit
 * view, audit_index_sync): fewer, larger transactions cost the request path less. */
enum { INDEX_DELAY_MS = 100, INDEX_POLL_MS = 1000 };

static struct {
    pthread_mutex_t lock;
    pthread_cond_t wake, caught_up;
    pthread_t thread;
    struct store_conn *conn;
    struct audit_log *log;
    bool running, stopping, dirty, wanted;
    int64_t dirty_since_ms;
    off_t reached;   /* the log is indexed up to here */
    unsigned rounds; /* catch-ups finished */
    bool failed;     /* the last catch-up failed */
} indexer = {
    .lock = PTHREAD_MUTEX_INITIALIZER,
    .wake = PTHREAD_COND_INITIALIZER,
    .caught_up = PTHREAD_COND_INITIALIZER,
};

static void index_wake(void)
{
    pthread_mutex_lock(&indexer.lock);
    if (!indexer.dirty) {
        indexer.dirty = true;
        indexer.dirty_since_ms = clock_mono_ms();
    }
    pthread_cond_signal(&indexer.wake);
    pthread_mutex_unlock(&indexer.lock);
}

static void deadline_in(struct timespec *ts, int64_t ms)
{
    clock_gettime(CLOCK_REALTIME, ts);
    ts->tv_sec += ms / 1000;
    ts->tv_nsec += (ms % 1000) * 1000000L;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

/* Waits (indexer.lock held) until there is something to index, or a poll is due (records that
 * another process appended, such as the command line's). */
static void index_wait(void)
{
    struct timespec until;
    deadline_in(&until, INDEX_POLL_MS);
    while (!indexer.stopping && !indexer.wanted) {
        if (indexer.dirty) {
            int64_t due = indexer.dirty_since_ms + INDEX_DELAY_MS - clock_mono_ms();
            if (due <= 0)
                return;
            deadline_in(&until, due);
        }
        if (pthread_cond_timedwait(&indexer.wake, &indexer.lock, &until) == ETIMEDOUT &&
            !indexer.dirty)
            return;
    }
}

static void *indexer_main(void *arg)
{
    (void)arg;
    pthread_setname_np(pthread_self(), "audit-index");
    pthread_mutex_lock(&indexer.lock);
    for (bool last = false; !last;) {
        index_wait();
        last = indexer.stopping;
        indexer.dirty = indexer.wanted = false;
        pthread_mutex_unlock(&indexer.lock);
        struct error e = {0};
        off_t reached = 0;
        bool ok = audit_index_catch_up(&e, indexer.conn, indexer.log, &reached);
        if (!ok)
            log_msg(LOG_ERROR, "audit.index_failed", "%s", e.detail);
        pthread_mutex_lock(&indexer.lock);
        indexer.failed = !ok;
        if (ok)
            indexer.reached = reached;
        indexer.rounds++;
        pthread_cond_broadcast(&indexer.caught_up);
    }
    pthread_mutex_unlock(&indexer.lock);
    return NULL;
}

static bool indexer_start(struct error *err, struct store *st, struct audit_log *log)
{
    indexer.conn = store_conn_open(err, st);
    if (!indexer.conn)
        return false;
    /* The index is rebuilt from the log: its commits need not wait for the disk. */
    off_t reached = 0;
    if (!store_exec(err, indexer.conn, NULL, "PRAGMA synchronous=NORMAL", "") ||
        !audit_index_catch_up(err, indexer.conn, log, &reached)) {
        store_conn_free(indexer.conn);
        indexer.conn = NULL;
        return false;
    }
    indexer.log = log;
    indexer.reached = reached;
    indexer.stopping = indexer.dirty = indexer.wanted = indexer.failed = false;
    if (pthread_create(&indexer.thread, NULL, indexer_main, NULL) != 0) {
        store_conn_free(indexer.conn);
        indexer.conn = NULL;
        return error_set(err, ERR_INTERNAL, "cannot start the audit indexer");
    }
    indexer.running = true;
    return true;
}

static void indexer_stop(void)
{
    if (!indexer.running)
        return;
    pthread_mutex_lock(&indexer.lock);
    indexer.stopping = true;
    pthread_cond_signal(&indexer.wake);
    pthread_mutex_unlock(&indexer.lock);
    pthread_join(indexer.thread, NULL);
    store_conn_free(indexer.conn);
    indexer.conn = NULL;
    indexer.running = false;
}

/* Indexes on a connection of its own, on the calling thread (no indexer running). */
static bool index_inline(struct error *err, struct store *st, struct audit_log *log)
{
    struct store_conn *conn = store_conn_open(err, st);
    if (!conn)
        return false;
    off_t reached;
    bool ok = audit_index_catch_up(err, conn, log, &reached);
    store_conn_free(conn);
    return ok;
}

bool audit_index_sync(struct error *err, struct store_conn *conn)
{
    /* Inside a write transaction (a FHIR batch reading AuditEvents) the indexer cannot run: the
     * index is read as it is. */
    if (store_in_write_txn(conn))
        return true;
    struct store *st = store_of(conn);
    struct audit_log *log = audit_log_of(err, store_data_dir(st));
    off_t end;
    if (!log || !audit_log_durable_end(err, log, &end))
        return false;
    pthread_mutex_lock(&indexer.lock);
    bool ours = indexer.running && indexer.log == log;
    while (ours && !indexer.failed && indexer.reached < end) {
        unsigned round = indexer.rounds;
        indexer.wanted = true;
        pthread_cond_signal(&indexer.wake);
        while (indexer.rounds == round)
            pthread_cond_wait(&indexer.caught_up, &indexer.lock);
    }
    bool failed = ours && indexer.failed;
    pthread_mutex_unlock(&indexer.lock);
    if (failed)
        return error_set(err, ERR_AUDIT, "the audit index cannot be brought up to date");
    if (!ours && !index_inline(err, st, log))
        return false;
    if (store_in_txn(conn)) { /* a read snapshot taken before: take it again */
        struct error e = {0};
        if (!store_commit(&e, conn))
            store_rollback(conn);
        return store_begin(err, conn, false);
    }
    return true;
}

/* ---- starting and stopping ---------------------------------------------------------------- */

bool audit_writer_start(struct error *err, struct store *st)
{
    writer.log = audit_log_of(err, store_data_dir(st));
    if (!writer.log || !audit_log_recover(err, writer.log) || !indexer_start(err, st, writer.log))
        return false;
    writer.store = st;
    writer.head = NULL;
    writer.tail = &writer.head;
    writer.stopping = false;
    if (pthread_create(&writer.thread, NULL, writer_main, NULL) != 0) {
        indexer_stop();
        return error_set(err, ERR_INTERNAL, "cannot start the audit writer");
    }
    writer.running = true;
    return true;
}

void audit_writer_stop(void)
{
    if (!writer.running)
        return;
    pthread_mutex_lock(&writer.lock);
    writer.stopping = true;
    pthread_cond_signal(&writer.wake_writer);
    pthread_mutex_unlock(&writer.lock);
    pthread_join(writer.thread, NULL);
    writer.running = false;
    indexer_stop(); /* after a last catch-up */
}

/* ---- appending ---------------------------------------------------------------------------- */

/* Appends on the calling thread (no writer running, as in the command line). */
static bool append_direct(struct error *err, struct store *st, const struct audit_record *recs,
                          size_t n, struct audit_stamp *stamps)
{
    struct error e = {0};
    struct audit_log *log = audit_log_of(&e, store_data_dir(st));
    struct audit_entry *entries = malloc(n * sizeof(*entries) + 1);
    bool ok = log && entries;
    if (!ok && e.code == ERR_NONE)
        error_set(&e, ERR_AUDIT, "out of memory");
    for (size_t i = 0; ok && i < n; i++)
        entries[i] = (struct audit_entry){&recs[i], stamps != NULL, stamps ? &stamps[i] : NULL};
    ok = ok && audit_log_append(&e, log, entries, n);
    free(entries);
    if (!ok)
        return append_failed(err, &e);
    /* Reads' records are indexed at once here: no indexer runs in this process. */
    if (!stamps && !index_inline(&e, st, log))
        log_msg(LOG_WARN, "audit.index_failed", "%s", e.detail);
    return true;
}

/* Queues a blocked waiter and waits for its batch. */
static bool append_waiting(struct error *err, struct store *st, const struct audit_record *recs,
                           size_t n, struct audit_stamp *stamps)
{
    pthread_mutex_lock(&writer.lock);
    if (!writer.running || writer.stopping || writer.store != st) {
        pthread_mutex_unlock(&writer.lock);
        return append_direct(err, st, recs, n, stamps);
    }
    struct waiter w = {.recs = recs, .n = n, .stamps = stamps};
    pthread_cond_init(&w.wake, NULL);
    *writer.tail = &w;
    writer.tail = &w.next;
    pthread_cond_signal(&writer.wake_writer);
    while (!w.done)
        pthread_cond_wait(&w.wake, &writer.lock);
    pthread_mutex_unlock(&writer.lock);
    pthread_cond_destroy(&w.wake);
    return w.ok ? true : error_set(err, audit_failure_code(), "group commit failed");
}

void audit_append_async(struct store *st, const struct audit_record *recs, size_t n,
                        struct audit_ticket *ticket, audit_done_fn done, void *arg)
{
    pthread_mutex_lock(&writer.lock);
    if (!writer.running || writer.stopping || writer.store != st || n == 0) {
        pthread_mutex_unlock(&writer.lock);
        done(arg, n == 0 || append_direct(NULL, st, recs, n, NULL));
        return;
    }
    struct waiter *w = (struct waiter *)ticket;
    *w = (struct waiter){.recs = recs, .n = n, .done_fn = done, .done_arg = arg};
    *writer.tail = w;
    writer.tail = &w->next;
    pthread_cond_signal(&writer.wake_writer);
    pthread_mutex_unlock(&writer.lock);
}

bool audit_append_durable(struct error *err, struct store *st, const struct audit_record *recs,
                          size_t n)
{
    return n == 0 || append_waiting(err, st, recs, n, NULL);
}

/* ---- records of a write transaction -------------------------------------------------------- */

/* The records a write transaction has appended so far (copied: the caller's strings may go). */
struct pending {
    struct audit_record *recs;
    size_t n, cap;
    char **strings;
    size_t nstrings, capstrings;
};

static const char *keep(struct pending *p, const char *s)
{
    if (!s)
        return NULL;
    if (p->nstrings == p->capstrings) {
        size_t cap = p->capstrings ? p->capstrings * 2 : 32;
        char **grown = realloc(p->strings, cap * sizeof(*grown));
        if (!grown)
            return NULL;
        p->strings = grown;
        p->capstrings = cap;
    }
    char *c = strdup(s);
    if (c)
        p->strings[p->nstrings++] = c;
    return c;
}

static void pending_free(struct pending *p)
{
    for (size_t i = 0; i < p->nstrings; i++)
        free(p->strings[i]);
    free(p->strings);
    free(p->recs);
    free(p);
}

/* The transaction's end: its records go to the log before the COMMIT, and into the index inside
 * the transaction; a rollback drops them. */
static bool txn_end(struct error *err, struct store_conn *conn, void *arg, bool commit)
{
    struct pending *p = arg;
    bool ok = true;
    if (commit) {
        struct audit_stamp *stamps = calloc(p->n, sizeof(*stamps));
        struct audit_entry *entries = calloc(p->n, sizeof(*entries));
        ok = stamps && entries ? append_waiting(err, store_of(conn), p->recs, p->n, stamps)
                               : error_set(err, ERR_AUDIT, "out of memory");
        for (size_t i = 0; ok && i < p->n; i++)
            entries[i] = (struct audit_entry){&p->recs[i], true, &stamps[i]};
        struct error e = {0};
        if (ok && !audit_index_insert(&e, conn, entries, p->n))
            ok = append_failed(err, &e);
        free(stamps);
        free(entries);
    }
    pending_free(p);
    return ok;
}

bool audit_append_txn(struct error *err, struct store_conn *conn, const struct audit_record *rec)
{
    if (!store_in_txn(conn))
        return error_set(err, ERR_INTERNAL, "audit_append_txn outside a write transaction");
    struct pending *p = store_txn_hook_arg(conn, txn_end);
    if (!p) {
        p = calloc(1, sizeof(*p));
        if (!p)
            return error_set(err, ERR_AUDIT, "out of memory");
        store_txn_hook_set(conn, txn_end, p);
    }
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 4;
        struct audit_record *grown = realloc(p->recs, cap * sizeof(*grown));
        if (!grown)
            return error_set(err, ERR_AUDIT, "out of memory");
        p->recs = grown;
        p->cap = cap;
    }
    struct audit_record *r = &p->recs[p->n];
    *r = (struct audit_record){
        .event_id = keep(p, rec->event_id),
        .action = rec->action,
        .outcome = rec->outcome,
        .user_id = keep(p, rec->user_id),
        .user_login = keep(p, rec->user_login),
        .org_id = keep(p, rec->org_id),
        .client = keep(p, rec->client),
        .patient_id = keep(p, rec->patient_id),
        .object_type = keep(p, rec->object_type),
        .object_id = keep(p, rec->object_id),
        .request_id = keep(p, rec->request_id),
        .detail = keep(p, rec->detail),
    };
    const char *const in[] = {rec->event_id,   rec->user_id,    rec->user_login,  rec->org_id,
                              rec->client,     rec->patient_id, rec->object_type, rec->object_id,
                              rec->request_id, rec->detail};
    const char *const out[] = {r->event_id,   r->user_id,    r->user_login,  r->org_id,
                               r->client,     r->patient_id, r->object_type, r->object_id,
                               r->request_id, r->detail};
    for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++)
        if (!in[i] != !out[i])
            return error_set(err, ERR_AUDIT, "out of memory");
    p->n++;
    return true;
}
