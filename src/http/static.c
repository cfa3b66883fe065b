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

struct static_file {
    char *path; /* URL path, e.g. "/assets/index-abc123.js" */
    char *data;
    size_t len;
    const char *type;
    char etag[24];
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

static bool read_file(const char *fs_path, char **data, size_t *len)
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
    return true;
}

static void add_file(const char *fs_path, const char *url_path)
{
    if (file_count == MAX_FILES)
        return;
    struct static_file *f = &files[file_count];
    if (!read_file(fs_path, &f->data, &f->len))
        return;
    char hash[SHA256_HEX_LEN];
    ids_sha256_hex(f->data, f->len, hash);
    snprintf(f->etag, sizeof(f->etag), "\"%.20s\"", hash);
    f->path = strdup(url_path);
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
        free(files[i].data);
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
        const char *inm = request_header(req, "If-None-Match");
        response_header(req, "ETag", f->etag);
        response_header(req, "Cache-Control",
                        f->immutable ? "public, max-age=31536000, immutable" : "no-cache");
        if (inm && strcmp(inm, f->etag) == 0)
            response_empty(req, 304);
        else
            response_static(req, 200, f->type, f->data, f->len);
        return;
    }
    struct error e = {0};
    error_set(&e, ERR_NOT_FOUND, NULL);
    response_problem(req, &e);
}
