/* SPDX-License-Identifier: Apache-2.0 */
/* The import of a CD's zip: scan the archive, follow its DICOMDIR (or try every file), and store
 * each DICOM file the way STOW-RS does, in batches whose bytes are synced together. */
#include <stdlib.h>
#include <string.h>

#include "dicom/dicom.h"
#include "import_int.h"

/* A batch is committed (its bytes synced, its rows written) past either of these, so that the
 * bytes held in memory stay bounded whatever the size of the CD. */
#define BATCH_MAX_BYTES ((size_t)64 * 1024 * 1024)
#define BATCH_MAX_FILES 256

struct import_run {
    struct op *op;
    struct import_file *files;
    struct imaging_batch *batch;
    uint8_t **held; /* the bytes of the batch's files, freed once it is committed */
    size_t held_count;
    size_t held_bytes;
    bool only_listed; /* from a DICOMDIR: every file it lists is tried as DICOM */
};

/* Commits the current batch (or, when commit is false, gives it up: the op is rolled back) and
 * frees its bytes. */
static bool flush(struct error *err, struct import_run *run, bool commit)
{
    bool ok = true;
    if (run->batch && commit)
        ok = imaging_batch_commit(err, run->batch);
    run->batch = NULL;
    for (size_t i = 0; i < run->held_count; i++)
        free(run->held[i]);
    run->held_count = 0;
    run->held_bytes = 0;
    return ok;
}

/* PS3.10 §7.1: a Part 10 file has "DICM" after its 128-byte preamble. Without it, a file is
 * taken for DICOM only when it parses with a SOP Instance UID (some CDs omit the preamble). */
static bool looks_like_dicom(const uint8_t *data, size_t len)
{
    if (len >= 132 && memcmp(data + 128, "DICM", 4) == 0)
        return true;
    struct error ignored = {0};
    struct dicom_file *file = NULL;
    if (!dicom_parse(&ignored, data, len, NULL, &file))
        return false;
    bool has_uid = file->sop_instance_uid[0] != '\0';
    dicom_free(file);
    return has_uid;
}

/* zip_read's callback: one file of the archive, into the current batch. Takes data. */
static bool take_file(struct error *err, void *ctx, size_t index, uint8_t *data, size_t len)
{
    struct import_run *run = ctx;
    struct import_file *f = &run->files[index];
    if (!run->only_listed && !looks_like_dicom(data, len)) {
        f->skipped = ERR_IMAGING_NOT_DICOM;
        free(data);
        return true;
    }
    if (!run->batch && !(run->batch = imaging_batch_new(err, run->op, NULL))) {
        free(data);
        return false;
    }
    run->held[run->held_count++] = data;
    run->held_bytes += len;
    f->tried = true;
    bool fatal = false;
    struct error refused = {0};
    if (!imaging_batch_add(&refused, run->batch, data, len, &f->stored, &fatal) && fatal) {
        *err = refused;
        return false;
    }
    if (run->held_count >= BATCH_MAX_FILES || run->held_bytes >= BATCH_MAX_BYTES)
        return flush(err, run, true);
    return true;
}

/* Keeps the DICOMDIR's bytes (zip_read's callback for that one entry). */
static bool keep_bytes(struct error *err, void *ctx, size_t index, uint8_t *data, size_t len)
{
    (void)err, (void)index;
    struct {
        uint8_t *data;
        size_t len;
    } *kept = ctx;
    kept->data = data;
    kept->len = len;
    return true;
}

/* Reads the archive's DICOMDIR into plan. False with err only when the archive fails; a DICOMDIR
 * that cannot be read leaves plan->listed NULL and *why set (every file is tried instead). */
static bool plan_dicomdir(struct error *err, struct op *op, const void *bytes, size_t len,
                          const struct zip_listing *listing, size_t at, struct dicomdir_plan *plan,
                          struct error *why)
{
    bool *want = arena_alloc(op->arena, listing->count * sizeof *want);
    memset(want, 0, listing->count * sizeof *want);
    want[at] = true;
    struct {
        uint8_t *data;
        size_t len;
    } kept = {0};
    if (!zip_read(err, bytes, len, listing, want, keep_bytes, &kept))
        return false;
    if (!dicomdir_read(why, op->arena, kept.data, kept.len, listing, at, plan))
        *plan = (struct dicomdir_plan){0};
    free(kept.data);
    return true;
}

/* Which entries to read: those the DICOMDIR lists, else every file; the others get their
 * reason (refused, or not listed). */
static bool *choose(struct arena *arena, const struct zip_listing *listing,
                    const struct dicomdir_plan *plan, size_t dicomdir, struct import_file *files)
{
    bool *want = arena_alloc(arena, listing->count * sizeof *want);
    for (size_t i = 0; i < listing->count; i++) {
        const struct zip_entry *z = &listing->entries[i];
        files[i] = (struct import_file){.name = z->name};
        want[i] = false;
        if (z->directory)
            continue;
        if (z->refusal != ERR_NONE) {
            files[i].skipped = z->refusal;
            files[i].detail = z->refusal_detail;
        } else if (i == dicomdir) {
            continue;
        } else if (plan->listed && !plan->listed[i]) {
            files[i].skipped = ERR_IMAGING_NOT_IN_DICOMDIR;
        } else {
            want[i] = true;
        }
    }
    return want;
}

bool imaging_import_zip(struct error *err, struct op *op, const void *bytes, size_t len,
                        const char *patient_id, bool english, json_t **result)
{
    struct zip_listing listing;
    if (!zip_scan(err, op->arena, bytes, len, NULL, &listing))
        return false;
    size_t dicomdir = dicomdir_find(&listing);
    struct dicomdir_plan plan = {0};
    struct error dicomdir_problem = {0};
    if (dicomdir != SIZE_MAX &&
        !plan_dicomdir(err, op, bytes, len, &listing, dicomdir, &plan, &dicomdir_problem))
        return false;
    struct import_file *files = arena_alloc(op->arena, listing.count * sizeof *files);
    bool *want = choose(op->arena, &listing, &plan, dicomdir, files);
    if (dicomdir != SIZE_MAX && dicomdir_problem.code != ERR_NONE) {
        files[dicomdir].skipped = dicomdir_problem.code;
        files[dicomdir].detail = arena_strdup(op->arena, dicomdir_problem.detail);
    }
    struct import_run run = {.op = op,
                             .files = files,
                             .held = calloc(BATCH_MAX_FILES, sizeof(uint8_t *)),
                             .only_listed = plan.listed != NULL};
    if (!run.held)
        return error_set(err, ERR_NOMEM, "import");
    bool ok = zip_read(err, bytes, len, &listing, want, take_file, &run);
    ok = flush(err, &run, ok) && ok;
    free(run.held);
    if (!ok)
        return false;
    *result =
        import_result_json(files, listing.count, &plan, dicomdir != SIZE_MAX, patient_id, english);
    return true;
}
