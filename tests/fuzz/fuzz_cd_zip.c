/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: the CD import's archive reader (imaging/import_zip.c) and its DICOMDIR
 * reading (imaging/import_dicomdir.c): scan with small limits, read every entry, plan the
 * DICOMDIR. No store: bytes in, entries and a plan out. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "imaging/import_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_read {
    const struct zip_listing *listing;
    uint8_t *dicomdir;
    size_t dicomdir_len;
    size_t at;
};

static bool take(struct error *err, void *ctx, size_t index, uint8_t *bytes, size_t len)
{
    (void)err;
    struct fuzz_read *r = ctx;
    if (len != r->listing->entries[index].size)
        abort(); /* an entry reads exactly as scanned */
    if (index == r->at && !r->dicomdir) {
        r->dicomdir = bytes;
        r->dicomdir_len = len;
        return true;
    }
    free(bytes);
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct zip_limits limits = {
        .max_entries = 256, .max_entry_bytes = 1 << 20, .max_total_bytes = 4 << 20};
    struct arena *a = arena_new();
    struct error err = {0};
    struct zip_listing l;
    if (zip_scan(&err, a, data, size, &limits, &l)) {
        bool *want = arena_alloc(a, l.count * sizeof *want + 1);
        for (size_t i = 0; i < l.count; i++)
            want[i] = true;
        struct fuzz_read r = {&l, NULL, 0, dicomdir_find(&l)};
        if (zip_read(&err, data, size, &l, want, take, &r) && r.dicomdir) {
            struct dicomdir_plan plan;
            struct error why = {0};
            dicomdir_read(&why, a, r.dicomdir, r.dicomdir_len, &l, r.at, &plan);
        }
        free(r.dicomdir);
    }
    arena_free(a);
    return 0;
}
