/* SPDX-License-Identifier: Apache-2.0 */
/* Reading a zip in memory with libarchive: checked names, counted bytes, nothing on disk. */
#include "import_zip.h"

#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>
#include <string.h>

#include "core/kana.h"

/* A CD holds 700 MB; a DVD of images rarely more than a few GB, which goes by STOW-RS instead. */
#define DEFAULT_MAX_ENTRIES 20000
#define DEFAULT_MAX_ENTRY_BYTES ((size_t)512 * 1024 * 1024)
#define DEFAULT_MAX_TOTAL_BYTES ((size_t)2 * 1024 * 1024 * 1024)
/* DICOM compresses 2–5 times (more with padding); a bomb, thousands of times. */
#define DEFAULT_MAX_RATIO 200
/* Small archives may always unpack to this much, whatever their ratio. */
#define RATIO_FLOOR_BYTES ((size_t)16 * 1024 * 1024)

static struct zip_limits effective(const struct zip_limits *given, size_t archive_len)
{
    struct zip_limits l = given ? *given : (struct zip_limits){0};
    if (!l.max_entries)
        l.max_entries = DEFAULT_MAX_ENTRIES;
    if (!l.max_entry_bytes)
        l.max_entry_bytes = DEFAULT_MAX_ENTRY_BYTES;
    if (!l.max_total_bytes)
        l.max_total_bytes = DEFAULT_MAX_TOTAL_BYTES;
    if (!l.max_ratio)
        l.max_ratio = DEFAULT_MAX_RATIO;
    size_t by_ratio = archive_len > SIZE_MAX / l.max_ratio ? SIZE_MAX : archive_len * l.max_ratio;
    if (by_ratio < RATIO_FLOOR_BYTES)
        by_ratio = RATIO_FLOOR_BYTES;
    if (by_ratio < l.max_total_bytes)
        l.max_total_bytes = by_ratio;
    return l;
}

static struct archive *open_zip(struct error *err, const void *bytes, size_t len)
{
    struct archive *a = archive_read_new();
    if (!a)
        return error_set(err, ERR_NOMEM, "libarchive"), NULL;
    if (archive_read_support_format_zip(a) != ARCHIVE_OK ||
        archive_read_open_memory(a, bytes, len) != ARCHIVE_OK) {
        error_set(err, ERR_IMAGING_ARCHIVE_INVALID, "%s", archive_error_string(a));
        archive_read_free(a);
        return NULL;
    }
    return a;
}

bool zip_name_escapes(const char *name)
{
    if (!name[0] || name[0] == '/' || name[0] == '\\')
        return true;
    if (((name[0] | 0x20) >= 'a' && (name[0] | 0x20) <= 'z') && name[1] == ':')
        return true;
    for (const char *p = name; *p;) {
        size_t n = strcspn(p, "/\\");
        if (n == 2 && p[0] == '.' && p[1] == '.')
            return true;
        p += n;
        if (*p)
            p++;
    }
    return false;
}

/* The entry's path as valid UTF-8: libarchive's UTF-8 form, else the raw bytes with every
 * byte that is not ASCII shown as '?' (names in a legacy code page). */
static const char *entry_name(struct arena *arena, struct archive_entry *e)
{
    const char *utf8 = archive_entry_pathname_utf8(e);
    if (utf8 && utf8_valid(utf8, strlen(utf8)))
        return arena_strdup(arena, utf8);
    const char *raw = archive_entry_pathname(e);
    char *copy = arena_strdup(arena, raw ? raw : "");
    for (char *p = copy; *p; p++)
        if ((unsigned char)*p >= 0x80 || (unsigned char)*p < 0x20)
            *p = '?';
    return copy;
}

/* Why an entry is never read (PS3.10 §8.2: a File-set names files by relative IDs only). */
static void check_entry(struct zip_entry *z, struct archive_entry *e)
{
    unsigned type = archive_entry_filetype(e);
    z->directory = type == AE_IFDIR;
    if (archive_entry_hardlink(e)) {
        z->refusal = ERR_IMAGING_ENTRY_LINK;
        z->refusal_detail = "hard link";
    } else if (type == AE_IFLNK || archive_entry_symlink(e)) {
        z->refusal = ERR_IMAGING_ENTRY_LINK;
        z->refusal_detail = "symbolic link";
    } else if (archive_entry_is_encrypted(e)) {
        z->refusal = ERR_IMAGING_ENTRY_ENCRYPTED;
        z->refusal_detail = "encrypted";
    } else if (type != AE_IFREG && type != AE_IFDIR) {
        z->refusal = ERR_IMAGING_ENTRY_SPECIAL;
        z->refusal_detail = "device or special file";
    } else if (zip_name_escapes(z->name)) {
        z->refusal = ERR_IMAGING_ENTRY_OUTSIDE;
        z->refusal_detail = "absolute path or '..'";
    }
}

/* Decompresses the current entry, counting its bytes; a limit passed fails. */
static bool count_entry(struct error *err, struct archive *a, struct zip_entry *z,
                        struct zip_listing *out, const struct zip_limits *l)
{
    for (;;) {
        const void *block;
        size_t n;
        la_int64_t at;
        int r = archive_read_data_block(a, &block, &n, &at);
        if (r == ARCHIVE_EOF)
            return true;
        if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
            return error_set(err, ERR_IMAGING_ARCHIVE_INVALID, "%s: %s", z->name,
                             archive_error_string(a));
        z->size += n;
        out->total_bytes += n;
        if (z->size > l->max_entry_bytes)
            return error_set(err, ERR_IMAGING_ARCHIVE_TOO_LARGE,
                             "%s unpacks to more than %zu bytes", z->name, l->max_entry_bytes);
        if (out->total_bytes > l->max_total_bytes)
            return error_set(err, ERR_IMAGING_ARCHIVE_TOO_LARGE,
                             "the files unpack to more than %zu bytes", l->max_total_bytes);
    }
}

static bool grow(struct arena *arena, struct zip_listing *out, size_t *cap)
{
    if (out->count < *cap)
        return true;
    size_t next = *cap ? *cap * 2 : 64;
    struct zip_entry *bigger = arena_alloc(arena, next * sizeof *bigger);
    if (out->count)
        memcpy(bigger, out->entries, out->count * sizeof *bigger);
    out->entries = bigger;
    *cap = next;
    return true;
}

static bool scan_entries(struct error *err, struct arena *arena, struct archive *a,
                         const struct zip_limits *l, struct zip_listing *out)
{
    size_t cap = 0;
    struct archive_entry *e;
    for (;;) {
        int r = archive_read_next_header(a, &e);
        if (r == ARCHIVE_EOF)
            return true;
        if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
            return error_set(err, ERR_IMAGING_ARCHIVE_INVALID, "%s", archive_error_string(a));
        if (out->count >= l->max_entries)
            return error_set(err, ERR_IMAGING_ARCHIVE_TOO_LARGE, "more than %zu entries",
                             l->max_entries);
        grow(arena, out, &cap);
        struct zip_entry *z = &out->entries[out->count++];
        *z = (struct zip_entry){.name = entry_name(arena, e)};
        check_entry(z, e);
        if (z->refusal == ERR_NONE && !z->directory && !count_entry(err, a, z, out, l))
            return false;
    }
}

bool zip_scan(struct error *err, struct arena *arena, const void *bytes, size_t len,
              const struct zip_limits *limits, struct zip_listing *out)
{
    *out = (struct zip_listing){0};
    struct zip_limits l = effective(limits, len);
    struct archive *a = open_zip(err, bytes, len);
    if (!a)
        return false;
    bool ok = scan_entries(err, arena, a, &l, out);
    archive_read_free(a);
    if (ok && out->count == 0)
        return error_set(err, ERR_IMAGING_ARCHIVE_INVALID, "no entries");
    return ok;
}

/* Reads the current entry, exactly z->size bytes, into a new buffer (freed by the caller). */
static uint8_t *read_entry(struct error *err, struct archive *a, const struct zip_entry *z)
{
    uint8_t *buf = malloc(z->size ? z->size : 1);
    if (!buf)
        return error_set(err, ERR_NOMEM, "%zu bytes", z->size), NULL;
    size_t got = 0;
    for (;;) {
        size_t room = z->size - got;
        char extra;
        la_ssize_t n =
            room ? archive_read_data(a, buf + got, room) : archive_read_data(a, &extra, 1);
        if (n == 0 && got == z->size)
            return buf;
        if (n <= 0 || room == 0) {
            free(buf);
            error_set(err, ERR_IMAGING_ARCHIVE_INVALID, "%s: reads differently the second time",
                      z->name);
            return NULL;
        }
        got += (size_t)n;
    }
}

bool zip_read(struct error *err, const void *bytes, size_t len, const struct zip_listing *listing,
              const bool *want, zip_entry_fn fn, void *ctx)
{
    struct archive *a = open_zip(err, bytes, len);
    if (!a)
        return false;
    bool ok = true;
    struct archive_entry *e;
    for (size_t i = 0; ok && i < listing->count; i++) {
        int r = archive_read_next_header(a, &e);
        const struct zip_entry *z = &listing->entries[i];
        if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
            ok = error_set(err, ERR_IMAGING_ARCHIVE_INVALID, "%s", archive_error_string(a));
            break;
        }
        if (!want[i] || z->refusal != ERR_NONE || z->directory)
            continue;
        uint8_t *data = read_entry(err, a, z);
        ok = data && fn(err, ctx, i, data, z->size);
    }
    archive_read_free(a);
    return ok;
}
