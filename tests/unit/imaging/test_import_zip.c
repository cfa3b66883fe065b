/* SPDX-License-Identifier: Apache-2.0 */
/* The CD import's zip reader (src/imaging/import_zip.c): names that leave the archive, links and
 * devices refused, limits that stop a bomb before anything is read, entries read exactly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka needs the headers above first */
#include <cmocka.h>

#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>
#include <string.h>

#include "imaging/import_zip.h"

struct zip_out {
    char buf[1 << 20];
    size_t used;
};

/* A zip in memory (libarchive's writer): entries of name, mode and content (NULL: a folder). */
static void add(struct archive *a, const char *name, unsigned mode, const char *data, size_t n,
                const char *link)
{
    struct archive_entry *e = archive_entry_new();
    archive_entry_set_pathname(e, name);
    archive_entry_set_mode(e, mode);
    archive_entry_set_size(e, (la_int64_t)n);
    if (link)
        archive_entry_set_symlink(e, link);
    assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
    if (n)
        assert_int_equal(archive_write_data(a, data, n), (la_ssize_t)n);
    archive_entry_free(e);
}

static struct archive *writer(struct zip_out *out)
{
    struct archive *a = archive_write_new();
    assert_int_equal(archive_write_set_format_zip(a), ARCHIVE_OK);
    assert_int_equal(archive_write_open_memory(a, out->buf, sizeof out->buf, &out->used),
                     ARCHIVE_OK);
    return a;
}

static void finish(struct archive *a)
{
    assert_int_equal(archive_write_close(a), ARCHIVE_OK);
    archive_write_free(a);
}

static void names_that_leave_the_archive(void **state)
{
    (void)state;
    const char *outside[] = {"",     "/etc/passwd", "\\x",      "C:x",  "c:\\x", "..",
                             "../x", "a/../../x",   "a\\..\\x", "a/..", NULL};
    for (const char **n = outside; *n; n++)
        assert_true(zip_name_escapes(*n));
    const char *inside[] = {"DICOMDIR", "a/b/c", "..a", "a..", "a/.../b", "a/./b", "IM0001", NULL};
    for (const char **n = inside; *n; n++)
        assert_false(zip_name_escapes(*n));
}

static void refused_entries_are_listed_with_their_reason(void **state)
{
    (void)state;
    static struct zip_out out;
    out.used = 0;
    struct archive *a = writer(&out);
    add(a, "CD/", AE_IFDIR | 0755, NULL, 0, NULL);
    add(a, "CD/IM1", AE_IFREG | 0644, "DICM-ish", 8, NULL);
    add(a, "../EVIL", AE_IFREG | 0644, "evil", 4, NULL);
    add(a, "CD/LINK", AE_IFLNK | 0777, NULL, 0, "/etc/passwd");
    finish(a);
    struct arena *arena = arena_new();
    struct zip_listing l;
    struct error err = {0};
    assert_true(zip_scan(&err, arena, out.buf, out.used, NULL, &l));
    assert_int_equal(l.count, 4);
    assert_true(l.entries[0].directory);
    assert_int_equal(l.entries[1].refusal, ERR_NONE);
    assert_int_equal(l.entries[1].size, 8);
    assert_int_equal(l.entries[2].refusal, ERR_IMAGING_ENTRY_OUTSIDE);
    assert_int_equal(l.entries[3].refusal, ERR_IMAGING_ENTRY_LINK);
    assert_int_equal(l.total_bytes, 8);
    arena_free(arena);
}

static void a_bomb_is_stopped_by_each_limit(void **state)
{
    (void)state;
    static struct zip_out out;
    static char zeros[200000];
    out.used = 0;
    struct archive *a = writer(&out);
    add(a, "A", AE_IFREG | 0644, zeros, sizeof zeros, NULL);
    add(a, "B", AE_IFREG | 0644, zeros, 10, NULL);
    finish(a);
    struct arena *arena = arena_new();
    struct zip_listing l;
    struct zip_limits tight[] = {
        {.max_entry_bytes = 100000},
        {.max_total_bytes = 200005},
        {.max_entries = 1},
    };
    for (size_t i = 0; i < sizeof tight / sizeof tight[0]; i++) {
        struct error err = {0};
        assert_false(zip_scan(&err, arena, out.buf, out.used, &tight[i], &l));
        assert_int_equal(err.code, ERR_IMAGING_ARCHIVE_TOO_LARGE);
    }
    struct error err = {0};
    assert_true(zip_scan(&err, arena, out.buf, out.used, NULL, &l)); /* under the 16 MiB floor */
    assert_int_equal(l.total_bytes, sizeof zeros + 10);
    arena_free(arena);
}

struct seen {
    size_t index[4];
    size_t len[4];
    int count;
};

static bool collect(struct error *err, void *ctx, size_t index, uint8_t *data, size_t len)
{
    (void)err;
    struct seen *s = ctx;
    assert_true(s->count < 4);
    assert_memory_equal(data, index == 0 ? "first" : "third!", len);
    s->index[s->count] = index;
    s->len[s->count++] = len;
    free(data);
    return true;
}

static void wanted_entries_are_read_exactly(void **state)
{
    (void)state;
    static struct zip_out out;
    out.used = 0;
    struct archive *a = writer(&out);
    add(a, "1", AE_IFREG | 0644, "first", 5, NULL);
    add(a, "2", AE_IFREG | 0644, "second", 6, NULL);
    add(a, "3", AE_IFREG | 0644, "third!", 6, NULL);
    finish(a);
    struct arena *arena = arena_new();
    struct zip_listing l;
    struct error err = {0};
    assert_true(zip_scan(&err, arena, out.buf, out.used, NULL, &l));
    bool want[3] = {true, false, true};
    struct seen s = {0};
    assert_true(zip_read(&err, out.buf, out.used, &l, want, collect, &s));
    assert_int_equal(s.count, 2);
    assert_int_equal(s.index[0], 0);
    assert_int_equal(s.index[1], 2);
    assert_int_equal(s.len[1], 6);
    arena_free(arena);
}

static void not_a_zip(void **state)
{
    (void)state;
    struct arena *arena = arena_new();
    struct zip_listing l;
    struct error err = {0};
    assert_false(zip_scan(&err, arena, "hello, world", 12, NULL, &l));
    assert_int_equal(err.code, ERR_IMAGING_ARCHIVE_INVALID);
    arena_free(arena);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(names_that_leave_the_archive),
        cmocka_unit_test(refused_entries_are_listed_with_their_reason),
        cmocka_unit_test(a_bomb_is_stopped_by_each_limit),
        cmocka_unit_test(wanted_entries_are_read_exactly),
        cmocka_unit_test(not_a_zip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
