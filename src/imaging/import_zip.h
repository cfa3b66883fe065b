/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_IMAGING_IMPORT_ZIP_H
#define TSUNAGU_IMAGING_IMPORT_ZIP_H

/*
 * Reading a zip of a CD (or of a folder the browser packed) in memory, with libarchive: nothing
 * is ever extracted to disk. A first pass (zip_scan) lists the entries, refuses the ones that
 * could name something outside the archive (an absolute path, a `..` component, a link, a
 * device) and decompresses every file to count its bytes, so that a zip bomb is stopped before
 * anything is stored. A second pass (zip_read) hands the wanted files to a callback, one at a
 * time, each in a buffer of its own that the callback takes.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/errors.h"

/** What an archive may hold; zero fields take the defaults (import_zip.c). */
struct zip_limits {
    size_t max_entries;     /* entries, folders included */
    size_t max_entry_bytes; /* one file, uncompressed */
    size_t max_total_bytes; /* all files, uncompressed */
    size_t max_ratio;       /* all files uncompressed / the archive's size */
};

/** One entry of the archive, in archive order. */
struct zip_entry {
    const char *name;           /* the path in the archive, as valid UTF-8 (arena) */
    enum error_code refusal;    /* ERR_NONE, or why it is never read */
    const char *refusal_detail; /* a short English detail of the refusal (static), or NULL */
    bool directory;
    size_t size; /* uncompressed bytes (counted by zip_scan) */
};

struct zip_listing {
    struct zip_entry *entries; /* arena */
    size_t count;
    size_t total_bytes;
};

/**
 * Lists the entries of the zip in bytes (len bytes), decompressing every regular file to count
 * its bytes against limits (NULL: the defaults). Allocates from arena. Fails with
 * ERR_IMAGING_ARCHIVE_INVALID (not a zip, a damaged entry) or ERR_IMAGING_ARCHIVE_TOO_LARGE
 * (a limit passed: a zip bomb), and then nothing has been read from it.
 */
bool zip_scan(struct error *err, struct arena *arena, const void *bytes, size_t len,
              const struct zip_limits *limits, struct zip_listing *out);

/** Receives one entry's bytes, malloc'd, and takes them (frees them, even on failure); false
 *  with err stops zip_read. */
typedef bool (*zip_entry_fn)(struct error *err, void *ctx, size_t index, uint8_t *data, size_t len);

/**
 * Reads the entries of a scanned archive whose want[index] is true (refused entries and folders
 * never), in archive order, and calls fn with each. Every entry is read into memory up to the
 * size the scan counted, never more. False with err when the archive reads differently from the
 * scan, or when fn fails.
 */
bool zip_read(struct error *err, const void *bytes, size_t len, const struct zip_listing *listing,
              const bool *want, zip_entry_fn fn, void *ctx);

/** True when name could point outside the archive: empty, absolute (`/x`, `\x`, `C:x`), or a
 *  `..` component (separated by `/` or `\`). */
bool zip_name_escapes(const char *name);

#endif
