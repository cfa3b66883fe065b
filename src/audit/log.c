/* SPDX-License-Identifier: Apache-2.0 */
/* The audit log file (audit_int.h): appending, reading back, and the chain's head. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit_int.h"
#include "core/clock.h"
#include "core/kana.h"
#include "core/log.h"
#include "core/strbuf.h"

struct audit_log {
    struct audit_log *next;
    char *dir;
    char *path;
    int fd;
    pthread_mutex_t lock; /* one appender of the process at a time; the flock is for others */
    off_t end;            /* the length the head below was read at */
    int64_t seq;          /* the chain's head: the last record's number and hash */
    char hash[65];
    struct strbuf buf; /* the lines of the batch being appended */
};

static pthread_mutex_t logs_lock = PTHREAD_MUTEX_INITIALIZER;
static struct audit_log *logs;

const char *audit_log_path(const struct audit_log *log)
{
    return log->path;
}

/* The file's entry survives a crash only once its directory is synced. */
static void sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

struct audit_log *audit_log_of(struct error *err, const char *data_dir)
{
    pthread_mutex_lock(&logs_lock);
    struct audit_log *log = logs;
    while (log && strcmp(log->dir, data_dir) != 0)
        log = log->next;
    if (log) {
        pthread_mutex_unlock(&logs_lock);
        return log;
    }
    log = calloc(1, sizeof(*log));
    size_t n = strlen(data_dir) + sizeof("/audit.log");
    if (log) {
        log->dir = strdup(data_dir);
        log->path = malloc(n);
    }
    if (!log || !log->dir || !log->path) {
        pthread_mutex_unlock(&logs_lock);
        if (log)
            free(log->dir), free(log->path), free(log);
        error_set(err, ERR_NOMEM, "audit log");
        return NULL;
    }
    snprintf(log->path, n, "%s/audit.log", data_dir);
    bool existed = access(log->path, F_OK) == 0;
    log->fd = open(log->path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (log->fd < 0) {
        int e = errno;
        pthread_mutex_unlock(&logs_lock);
        error_set(err,
                  e == ENOSPC  ? ERR_STORE_FULL
                  : e == EROFS ? ERR_STORE_READONLY
                               : ERR_AUDIT,
                  "cannot open %s: %s", log->path, strerror(e));
        free(log->dir), free(log->path), free(log);
        return NULL;
    }
    if (!existed)
        sync_dir(data_dir);
    pthread_mutex_init(&log->lock, NULL);
    log->end = -1; /* the head is read at the first append */
    log->next = logs;
    logs = log;
    pthread_mutex_unlock(&logs_lock);
    return log;
}

/* ---- writing ------------------------------------------------------------------------------- */

/* A copy of s with every byte of an ill-formed UTF-8 sequence replaced by '?' (the log is JSON,
 * which carries text only), or s itself when it is well-formed. */
static const char *well_formed(const char *s, char **copy)
{
    if (!s || utf8_valid(s, strlen(s)))
        return s;
    size_t n = strlen(s);
    char *c = malloc(n + 1);
    if (!c)
        return "?";
    for (size_t i = 0; i < n; i++)
        c[i] = (unsigned char)s[i] < 0x80 ? s[i] : '?';
    c[n] = 0;
    *copy = c;
    return c;
}

/* The record as it is logged and hashed: text fields well-formed. copies collects what to free. */
static struct audit_record logged(const struct audit_record *rec, char *copies[10])
{
    struct audit_record r = *rec;
    const char **f[] = {&r.event_id,   &r.user_id,     &r.user_login, &r.org_id,     &r.client,
                        &r.patient_id, &r.object_type, &r.object_id,  &r.request_id, &r.detail};
    for (size_t i = 0; i < 10; i++)
        *f[i] = well_formed(*f[i], &copies[i]);
    return r;
}

static bool read_full(int fd, char *buf, size_t n, off_t at)
{
    while (n > 0) {
        ssize_t got = pread(fd, buf, n, at);
        if (got <= 0) {
            if (got < 0 && errno == EINTR)
                continue;
            return false;
        }
        buf += got, n -= (size_t)got, at += got;
    }
    return true;
}

/* Reads the chain's head from the file's last record. A last line without its newline is what
 * a writer that died in the middle of a batch left: never durable, never answered; it is cut. */
static bool read_head(struct error *err, struct audit_log *log)
{
    struct stat sb;
    if (fstat(log->fd, &sb) != 0)
        return error_set(err, ERR_AUDIT, "audit log: %s", strerror(errno));
    off_t size = sb.st_size, start = size;
    char *tail = NULL;
    size_t len = 0;
    /* Grow the window backwards until it holds a whole line before the last newline. */
    for (size_t want = 4096;; want *= 4) {
        start = size > (off_t)want ? size - (off_t)want : 0;
        len = (size_t)(size - start);
        char *t = realloc(tail, len + 1);
        if (!t) {
            free(tail);
            return error_set(err, ERR_NOMEM, "audit log head");
        }
        tail = t;
        if (!read_full(log->fd, tail, len, start)) {
            free(tail);
            return error_set(err, ERR_AUDIT, "cannot read %s", log->path);
        }
        tail[len] = 0;
        char *last_nl = memrchr(tail, '\n', len);
        if (last_nl && (memrchr(tail, '\n', (size_t)(last_nl - tail)) || start == 0))
            break;
        if (!last_nl && start == 0)
            break;
    }
    char *last_nl = memrchr(tail, '\n', len);
    off_t complete = last_nl ? start + (last_nl - tail) + 1 : start;
    if (complete != size) {
        log_msg(LOG_WARN, "audit.log_tail_cut", "%lld bytes of an unfinished record",
                (long long)(size - complete));
        if (ftruncate(log->fd, complete) != 0 || fdatasync(log->fd) != 0) {
            free(tail);
            return error_set(err, ERR_AUDIT, "cannot cut %s: %s", log->path, strerror(errno));
        }
    }
    log->seq = 0;
    memcpy(log->hash, audit_genesis_hash, 65);
    if (last_nl) {
        *last_nl = 0;
        char *line = memrchr(tail, '\n', (size_t)(last_nl - tail));
        line = line ? line + 1 : tail;
        struct audit_line rec;
        if (!audit_line_parse(line, (size_t)(last_nl - line), &rec)) {
            free(tail);
            return error_set(err, ERR_AUDIT, "the last record of %s cannot be read", log->path);
        }
        log->seq = rec.seq;
        snprintf(log->hash, sizeof(log->hash), "%s", rec.hash);
        audit_line_free(&rec);
    }
    free(tail);
    log->end = complete;
    return true;
}

/* Takes the process's lock and the file's; reads the head again when another process (or a
 * failed write) changed the file since. */
static bool lock_log(struct error *err, struct audit_log *log)
{
    pthread_mutex_lock(&log->lock);
    while (flock(log->fd, LOCK_EX) != 0) {
        if (errno != EINTR) {
            pthread_mutex_unlock(&log->lock);
            return error_set(err, ERR_AUDIT, "cannot lock %s: %s", log->path, strerror(errno));
        }
    }
    struct stat sb;
    if (log->end < 0 || fstat(log->fd, &sb) != 0 || sb.st_size != log->end) {
        if (!read_head(err, log)) {
            flock(log->fd, LOCK_UN);
            pthread_mutex_unlock(&log->lock);
            return false;
        }
    }
    return true;
}

static void unlock_log(struct audit_log *log)
{
    flock(log->fd, LOCK_UN);
    pthread_mutex_unlock(&log->lock);
}

static enum error_code write_failure(int e)
{
    return e == ENOSPC || e == EDQUOT ? ERR_STORE_FULL
           : e == EROFS               ? ERR_STORE_READONLY
                                      : ERR_AUDIT;
}

/* Writes buf at the end and syncs it; on failure cuts what part of it was written. */
static bool write_batch(struct error *err, struct audit_log *log)
{
    const char *p = log->buf.buf;
    size_t left = log->buf.len;
    off_t at = log->end;
    while (left > 0) {
        ssize_t n = pwrite(log->fd, p, left, at);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            int e = n < 0 ? errno : ENOSPC;
            if (ftruncate(log->fd, log->end) != 0)
                log->end = -1; /* read the head again next time */
            return error_set(err, write_failure(e), "cannot write %s: %s", log->path, strerror(e));
        }
        p += n, left -= (size_t)n, at += n;
    }
    if (fdatasync(log->fd) != 0) {
        int e = errno;
        if (ftruncate(log->fd, log->end) != 0)
            log->end = -1;
        return error_set(err, write_failure(e), "cannot sync %s: %s", log->path, strerror(e));
    }
    log->end = at;
    return true;
}

bool audit_log_append(struct error *err, struct audit_log *log, const struct audit_entry *entries,
                      size_t n)
{
    if (n == 0)
        return true;
    if (!lock_log(err, log))
        return false;
    int64_t seq = log->seq;
    char hash[65];
    memcpy(hash, log->hash, 65);
    char now[32];
    clock_format_iso(clock_now_ms(), now);
    log->buf.len = 0;
    for (size_t i = 0; i < n; i++) {
        char *copies[10] = {0};
        struct audit_record rec = logged(entries[i].rec, copies);
        struct audit_stamp st = {.seq = ++seq};
        memcpy(st.time, now, sizeof(now));
        memcpy(st.prev, hash, 65);
        audit_hash(hash, st.seq, now, &rec, st.hash);
        memcpy(hash, st.hash, 65);
        audit_line_format(&log->buf, &rec, &st, entries[i].txn);
        for (size_t k = 0; k < 10; k++)
            free(copies[k]);
        if (entries[i].stamp)
            *entries[i].stamp = st;
    }
    bool ok = write_batch(err, log);
    if (ok) {
        log->seq = seq;
        memcpy(log->hash, hash, 65);
    }
    if (log->buf.cap > (1u << 20)) /* one large batch does not keep its buffer */
        strbuf_release(&log->buf);
    unlock_log(log);
    return ok;
}

bool audit_log_recover(struct error *err, struct audit_log *log)
{
    log->end = -1;
    if (!lock_log(err, log))
        return false;
    unlock_log(log);
    return true;
}

bool audit_log_durable_end(struct error *err, struct audit_log *log, off_t *end)
{
    /* A shared flock on a descriptor of its own: it waits for any appender, of this process
     * or another, to finish its batch (so what it sees is durable). */
    int fd = open(log->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return error_set(err, ERR_AUDIT, "cannot open %s: %s", log->path, strerror(errno));
    while (flock(fd, LOCK_SH) != 0 && errno == EINTR) {
    }
    struct stat sb;
    bool ok = fstat(fd, &sb) == 0;
    close(fd); /* also releases the lock */
    if (!ok)
        return error_set(err, ERR_AUDIT, "audit log: %s", strerror(errno));
    *end = sb.st_size;
    return true;
}

bool audit_log_locked(struct error *err, struct audit_log *log,
                      bool (*fn)(struct error *err, int fd, off_t end, void *arg), void *arg)
{
    if (!lock_log(err, log))
        return false;
    bool ok = fn(err, log->fd, log->end, arg);
    log->end = -1; /* fn may have appended: read the head again */
    unlock_log(log);
    return ok;
}

/* ---- reading -------------------------------------------------------------------------------- */

bool audit_log_scan(struct error *err, const char *path, off_t from, off_t to,
                    bool (*fn)(void *arg, const char *text, size_t len, off_t next), void *arg)
{
    FILE *f = fopen(path, "rbe");
    if (!f) {
        if (errno == ENOENT && from == 0)
            return true;
        return error_set(err, ERR_AUDIT, "cannot open %s: %s", path, strerror(errno));
    }
    if (fseeko(f, from, SEEK_SET) != 0) {
        fclose(f);
        return error_set(err, ERR_AUDIT, "cannot seek %s", path);
    }
    char *line = NULL;
    size_t cap = 0;
    off_t at = from;
    bool ok = true;
    ssize_t n;
    while ((to < 0 || at < to) && (n = getline(&line, &cap, f)) > 0) {
        if (line[n - 1] != '\n' || (to >= 0 && at + n > to))
            break; /* an unfinished last record */
        at += n;
        if (!fn(arg, line, (size_t)n - 1, at))
            break;
    }
    if (ferror(f))
        ok = error_set(err, ERR_AUDIT, "cannot read %s", path);
    free(line);
    fclose(f);
    return ok;
}
