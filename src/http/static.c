/* SPDX-License-Identifier: Apache-2.0 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/ids.h"
#include "core/log.h"
#include "response_int.h"
#include "static_files.h"

enum { MAX_FILES = 512, MAX_FILE_BYTES = 16 * 1024 * 1024 };

/* A file of the UI as found at start-up. Its bytes are read again for each answer instead of
 * being held: the viewer's codecs and bundles are several MB that the API's memory should not
 * carry, and a UI replaced on disk while the server runs is then served as it is now. */
struct static_file {
    char *path;    /* URL path, e.g. "/assets/index-abc123.js" */
    char *fs_path; /* where it is read from */
    const char *type;
    char etag[24];         /* of the content found at start-up, */
    off_t size;            /* which had this size */
    struct timespec mtime; /* and this modification time */
    bool immutable;
};

static struct static_file files[MAX_FILES];
static int file_count;

static const char *type_of(const char *name)
{
    static const struct {
        const char *ext, *type;
    } types[] = {
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".json", "application/json"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".jpg", "image/jpeg"},
        {".ico", "image/x-icon"},
        {".woff2", "font/woff2"},
        {".txt", "text/plain; charset=utf-8"},
        {".map", "application/json"},
        {".webmanifest", "application/manifest+json"},
        {".wasm", "application/wasm"}, /* WebAssembly.instantiateStreaming requires it */
    };
    const char *dot = strrchr(name, '.');
    for (size_t i = 0; dot && i < sizeof(types) / sizeof(types[0]); i++)
        if (strcmp(dot, types[i].ext) == 0)
            return types[i].type;
    return "application/octet-stream";
}

/* The file's content (malloc'd, for the caller to free) and its status; false when it is not
 * a regular file that could be read whole. */
static bool read_file(const char *fs_path, char **data, size_t *len, struct stat *out)
{
    int fd = open(fs_path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return false;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > MAX_FILE_BYTES) {
        close(fd);
        return false;
    }
    char *buf = malloc((size_t)st.st_size + 1);
    size_t got = 0;
    while (buf && got < (size_t)st.st_size) {
        ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(fd);
    if (!buf || got != (size_t)st.st_size) {
        free(buf);
        return false;
    }
    *data = buf;
    *len = got;
    *out = st;
    return true;
}

/* A strong validator of data: the start of its SHA-256, quoted. */
static void etag_of(const char *data, size_t len, char etag[24])
{
    char hash[SHA256_HEX_LEN];
    ids_sha256_hex(data, len, hash);
    snprintf(etag, 24, "\"%.20s\"", hash);
}

static void add_file(const char *fs_path, const char *url_path)
{
    if (file_count == MAX_FILES)
        return;
    struct static_file *f = &files[file_count];
    char *data;
    size_t len;
    struct stat st;
    if (!read_file(fs_path, &data, &len, &st))
        return;
    etag_of(data, len, f->etag);
    free(data);
    f->size = st.st_size;
    f->mtime = st.st_mtim;
    f->path = strdup(url_path);
    f->fs_path = strdup(fs_path);
    if (!f->path || !f->fs_path) {
        free(f->path);
        free(f->fs_path);
        return;
    }
    f->type = type_of(url_path);
    /* Vite puts content-hashed names under /assets/: they never change, cache them for a year. */
    f->immutable = strncmp(url_path, "/assets/", 8) == 0;
    file_count++;
}

static void walk(const char *dir, const char *url_prefix, int depth)
{
    DIR *d = opendir(dir);
    if (!d || depth > 8) {
        if (d)
            closedir(d);
        return;
    }
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char fs[4096], url[2048];
        snprintf(fs, sizeof(fs), "%s/%s", dir, e->d_name);
        snprintf(url, sizeof(url), "%s/%s", url_prefix, e->d_name);
        struct stat st;
        if (lstat(fs, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode))
            walk(fs, url, depth + 1);
        else if (S_ISREG(st.st_mode))
            add_file(fs, url);
    }
    closedir(d);
}

bool static_files_load(struct error *err, const char *dir)
{
    (void)err;
    struct stat st;
    if (!dir || stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        log_msg(LOG_WARN, "static.missing", "web UI directory %s not found; only the API is served",
                dir ? dir : "(none)");
        return true;
    }
    walk(dir, "", 0);
    log_msg(LOG_INFO, "static.loaded", "%d web UI files from %s", file_count, dir);
    return true;
}

void static_files_free(void)
{
    for (int i = 0; i < file_count; i++) {
        free(files[i].path);
        free(files[i].fs_path);
    }
    file_count = 0;
}

void static_files_serve(struct request *req)
{
    const char *path = strcmp(req->path, "/") == 0 ? "/index.html" : req->path;
    for (int i = 0; i < file_count; i++) {
        struct static_file *f = &files[i];
        if (strcmp(f->path, path) != 0)
            continue;
        char *data;
        size_t len;
        struct stat st;
        if (!read_file(f->fs_path, &data, &len, &st))
            break; /* removed since start-up */
        /* the validator of start-up while the file is as it was, else of what it is now */
        char etag[24];
        if (st.st_size == f->size && st.st_mtim.tv_sec == f->mtime.tv_sec &&
            st.st_mtim.tv_nsec == f->mtime.tv_nsec)
            memcpy(etag, f->etag, sizeof etag);
        else
            etag_of(data, len, etag);
        const char *inm = request_header(req, "If-None-Match");
        response_header(req, "ETag", etag);
        response_header(req, "Cache-Control",
                        f->immutable ? "public, max-age=31536000, immutable" : "no-cache");
        if (inm && strcmp(inm, etag) == 0) {
            free(data);
            response_empty(req, 304);
        } else {
            response_take(req, 200, f->type, data, len);
        }
        return;
    }
    struct error e = {0};
    error_set(&e, ERR_NOT_FOUND, NULL);
    response_problem(req, &e);
}
