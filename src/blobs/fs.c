/* SPDX-License-Identifier: Apache-2.0 */
/* Local-filesystem blob store: <data_dir>/blobs/<k0k1>/<key>, written as temp file → fsync →
 * rename → fsync(directory); a batch writes every temp file, syncs the file system once, renames
 * them all and syncs once more. */
#include "blobs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/ids.h"

struct blobs {
    char root[4096];
};

static bool fsync_path(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return false;
    bool ok = fsync(fd) == 0;
    close(fd);
    return ok;
}

/* A write error as a client should hear it: no room, a read-only file system, or other. */
static enum error_code write_error(int e)
{
    return e == ENOSPC || e == EDQUOT ? ERR_STORE_FULL : e == EROFS ? ERR_STORE_READONLY : ERR_IO;
}

/* Creates dir if missing; a new directory's entry is made durable in its parent. */
static bool ensure_dir(struct error *err, const char *dir, const char *parent)
{
    if (mkdir(dir, 0700) == 0)
        return fsync_path(parent) ? true : error_set(err, ERR_IO, "fsync %s", parent);
    if (errno == EEXIST)
        return true;
    return error_set(err, write_error(errno), "mkdir %s: %s", dir, strerror(errno));
}

/* The 256 directories 00..ff, made once with one fsync of the root, so that storing never pays
 * for a directory of its own (a batch of a new store would otherwise create dozens). */
static bool fan_out(struct error *err, struct blobs *b)
{
    bool created = false;
    for (int i = 0; i < 256; i++) {
        char dir[4200];
        snprintf(dir, sizeof(dir), "%s/%02x", b->root, i);
        if (mkdir(dir, 0700) == 0)
            created = true;
        else if (errno != EEXIST)
            return error_set(err, write_error(errno), "mkdir %s: %s", dir, strerror(errno));
    }
    return !created || fsync_path(b->root) || error_set(err, ERR_IO, "fsync %s", b->root);
}

struct blobs *blobs_open(struct error *err, const char *data_dir)
{
    struct blobs *b = calloc(1, sizeof(*b));
    if (!b) {
        error_set(err, ERR_NOMEM, "blobs");
        return NULL;
    }
    snprintf(b->root, sizeof(b->root), "%s/blobs", data_dir);
    if (!ensure_dir(err, b->root, data_dir) || !fan_out(err, b)) {
        free(b);
        return NULL;
    }
    return b;
}

void blobs_close(struct blobs *b)
{
    free(b);
}

static bool write_all(int fd, const unsigned char *p, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        p += n;
        len -= (size_t)n;
    }
    return true;
}

bool blobs_put(struct error *err, struct blobs *b, const void *data, size_t len,
               char key[BLOB_KEY_LEN])
{
    ids_sha256_hex((const char *)data, len, key);
    char dir[4200], path[4300], tmp[4320];
    snprintf(dir, sizeof(dir), "%s/%.2s", b->root, key);
    snprintf(path, sizeof(path), "%s/%s", dir, key);
    if (!ensure_dir(err, dir, b->root))
        return false;
    if (access(path, F_OK) == 0)
        return true; /* content-addressed: already durable */
    snprintf(tmp, sizeof(tmp), "%s/.tmp-%s-%d", dir, key, (int)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return error_set(err, write_error(errno), "create %s: %s", tmp, strerror(errno));
    bool ok = write_all(fd, data, len) && fsync(fd) == 0;
    ok = close(fd) == 0 && ok;
    ok = ok && rename(tmp, path) == 0 && fsync_path(dir);
    if (!ok) {
        int e = errno;
        unlink(tmp);
        return error_set(err, write_error(e), "write blob: %s", strerror(e));
    }
    return true;
}

static bool valid_key(const char *key)
{
    if (!key || strlen(key) != 64)
        return false;
    for (const char *p = key; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return false;
    return true;
}

bool blobs_get(struct error *err, struct blobs *b, const char *key, void **data, size_t *len)
{
    if (!valid_key(key))
        return error_set(err, ERR_BAD_ID, "blob key");
    char path[4300];
    snprintf(path, sizeof(path), "%s/%.2s/%s", b->root, key, key);
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return error_set(err, errno == ENOENT ? ERR_BAD_ID : ERR_IO, "blob %.12s", key);
    struct stat st;
    unsigned char *buf = NULL;
    size_t got = 0;
    if (fstat(fd, &st) == 0 && (buf = malloc((size_t)st.st_size + 1))) {
        ssize_t n;
        while (got < (size_t)st.st_size && (n = read(fd, buf + got, (size_t)st.st_size - got)) > 0)
            got += (size_t)n;
    }
    close(fd);
    if (!buf || got != (size_t)st.st_size) {
        free(buf);
        return error_set(err, ERR_IO, "read blob %.12s", key);
    }
    *data = buf;
    *len = got;
    return true;
}

bool blobs_open_fd(struct error *err, struct blobs *b, const char *key, int *fd, size_t *size)
{
    if (!valid_key(key))
        return error_set(err, ERR_BAD_ID, "blob key");
    char path[4300];
    snprintf(path, sizeof(path), "%s/%.2s/%s", b->root, key, key);
    int f = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (f < 0)
        return error_set(err, errno == ENOENT ? ERR_BAD_ID : ERR_IO, "blob %.12s", key);
    struct stat st;
    if (fstat(f, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(f);
        return error_set(err, ERR_IO, "stat blob %.12s", key);
    }
    *fd = f;
    *size = (size_t)st.st_size;
    return true;
}

/* ---- Batches: write now, sync once ------------------------------------------------------------
 */

struct batch_entry {
    char key[BLOB_KEY_LEN];
    unsigned long serial; /* of its temporary name */
};

struct blobs_batch {
    struct blobs *blobs;
    struct batch_entry *entries;
    size_t count, cap;
};

/* Temporary names are unique in the process: two batches may put the same content at once. */
static atomic_ulong tmp_serial;

static void tmp_path(const struct blobs *b, const struct batch_entry *e, char *out, size_t cap)
{
    snprintf(out, cap, "%s/%.2s/.tmp-%s-%d-%lu", b->root, e->key, e->key, (int)getpid(), e->serial);
}

struct blobs_batch *blobs_batch_new(struct error *err, struct blobs *b)
{
    struct blobs_batch *batch = calloc(1, sizeof(*batch));
    if (!batch) {
        error_set(err, ERR_NOMEM, "blobs batch");
        return NULL;
    }
    batch->blobs = b;
    return batch;
}

static bool batch_has(const struct blobs_batch *batch, const char *key)
{
    for (size_t i = 0; i < batch->count; i++)
        if (strcmp(batch->entries[i].key, key) == 0)
            return true;
    return false;
}

static struct batch_entry *batch_push(struct error *err, struct blobs_batch *batch)
{
    if (batch->count == batch->cap) {
        size_t cap = batch->cap ? batch->cap * 2 : 16;
        struct batch_entry *e = realloc(batch->entries, cap * sizeof(*e));
        if (!e) {
            error_set(err, ERR_NOMEM, "blobs batch");
            return NULL;
        }
        batch->entries = e;
        batch->cap = cap;
    }
    return &batch->entries[batch->count];
}

bool blobs_batch_put(struct error *err, struct blobs_batch *batch, const void *data, size_t len,
                     char key[BLOB_KEY_LEN])
{
    struct blobs *b = batch->blobs;
    ids_sha256_hex((const char *)data, len, key);
    char dir[4200], path[4300], tmp[4400];
    snprintf(dir, sizeof(dir), "%s/%.2s", b->root, key);
    snprintf(path, sizeof(path), "%s/%s", dir, key);
    if (batch_has(batch, key) || access(path, F_OK) == 0)
        return true; /* in this batch already, or stored (a named blob is durable) */
    struct batch_entry *e = batch_push(err, batch);
    if (!e || !ensure_dir(err, dir, b->root))
        return false;
    memcpy(e->key, key, BLOB_KEY_LEN);
    e->serial = atomic_fetch_add(&tmp_serial, 1);
    tmp_path(b, e, tmp, sizeof(tmp));
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return error_set(err, write_error(errno), "create %s: %s", tmp, strerror(errno));
    bool ok = write_all(fd, data, len);
    int e_write = errno;
    ok = close(fd) == 0 && ok;
    if (!ok) {
        unlink(tmp);
        return error_set(err, write_error(e_write), "write blob: %s", strerror(e_write));
    }
    batch->count++;
    return true;
}

void blobs_batch_drop(struct blobs_batch *batch, const char *key)
{
    for (size_t i = 0; i < batch->count; i++) {
        if (strcmp(batch->entries[i].key, key) != 0)
            continue;
        char tmp[4400];
        tmp_path(batch->blobs, &batch->entries[i], tmp, sizeof(tmp));
        unlink(tmp);
        batch->entries[i] = batch->entries[--batch->count];
        return;
    }
}

/* A batch of a few files (one C-STORE, a small STOW request): fsync each file (or its
 * directory) rather than the whole file system, whose other dirty data (other programs' files)
 * a syncfs would wait for as well. */
#define SYNC_EACH_MAX 4

static bool sync_each(struct blobs_batch *batch, bool dirs)
{
    char path[4400];
    for (size_t i = 0; i < batch->count; i++) {
        const struct batch_entry *e = &batch->entries[i];
        if (dirs) {
            snprintf(path, sizeof(path), "%s/%.2s", batch->blobs->root, e->key);
            if (!fsync_path(path))
                return false;
            continue;
        }
        tmp_path(batch->blobs, e, path, sizeof(path));
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        bool ok = fd >= 0 && fsync(fd) == 0;
        if (fd >= 0)
            close(fd);
        if (!ok)
            return false;
    }
    return true;
}

/* One flush of the whole file system holding the store (Linux syncfs: one journal commit for
 * every file of the batch instead of one per file); elsewhere, each file or directory. */
static bool sync_all(struct blobs_batch *batch, bool dirs)
{
#ifdef __linux__
    if (batch->count <= SYNC_EACH_MAX)
        return sync_each(batch, dirs);
    int fd = open(batch->blobs->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return false;
    bool ok = syncfs(fd) == 0;
    close(fd);
    return ok;
#else
    return sync_each(batch, dirs);
#endif
}

bool blobs_batch_sync(struct error *err, struct blobs_batch *batch)
{
    if (batch->count == 0)
        return true;
    if (!sync_all(batch, false))
        return error_set(err, write_error(errno), "sync blobs: %s", strerror(errno));
    char tmp[4400], path[4300];
    size_t renamed = 0;
    for (; renamed < batch->count; renamed++) {
        const struct batch_entry *e = &batch->entries[renamed];
        tmp_path(batch->blobs, e, tmp, sizeof(tmp));
        snprintf(path, sizeof(path), "%s/%.2s/%s", batch->blobs->root, e->key, e->key);
        if (rename(tmp, path) != 0)
            break;
    }
    int e_rename = errno;
    bool ok = renamed == batch->count && sync_all(batch, true);
    int e_sync = errno;
    /* The renamed files are complete and durable in content: they may stay under their names
     * (content-addressed; a later put finds them). Only the rest are removed. */
    memmove(batch->entries, batch->entries + renamed,
            (batch->count - renamed) * sizeof(*batch->entries));
    batch->count -= renamed;
    if (!ok) {
        int e = batch->count ? e_rename : e_sync;
        return error_set(err, write_error(e), "sync blobs: %s", strerror(e));
    }
    return true;
}

void blobs_batch_free(struct blobs_batch *batch)
{
    if (!batch)
        return;
    char tmp[4400];
    for (size_t i = 0; i < batch->count; i++) {
        tmp_path(batch->blobs, &batch->entries[i], tmp, sizeof(tmp));
        unlink(tmp);
    }
    free(batch->entries);
    free(batch);
}
