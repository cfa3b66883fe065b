/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_IMAGING_IMPORT_INT_H
#define TSUNAGU_IMAGING_IMPORT_INT_H

/*
 * The import of a CD (or of a folder the browser packed) as one zip: every file goes the way
 * STOW-RS goes (imaging_batch_add), each with its own result. What the import shares between
 * import.c (the files, the batches, the result) and import_dicomdir.c (the DICOMDIR).
 */
#include <jansson.h>

#include "imaging_int.h"
#include "import_zip.h"

/** The result of one entry of the archive (or of one reference of the DICOMDIR). */
struct import_file {
    const char *name;        /* its path in the archive (arena) */
    bool tried;              /* read and handed to the store: stored says the rest */
    enum error_code skipped; /* not tried, and why (ERR_NONE: tried, or a folder) */
    const char *detail;      /* English detail of skipped, or NULL */
    struct imaging_stored stored;
};

/** One reference of the DICOMDIR that names no file of the archive it may read. */
struct dicomdir_problem {
    const char *file_id;  /* the ReferencedFileID as a path ("DIR/FILE", arena) */
    enum error_code code; /* ERR_IMAGING_ENTRY_OUTSIDE or ERR_IMAGING_DICOMDIR_MISSING_FILE */
};

/** The DICOMDIR's plan: which entries it lists, and the references that fail. */
struct dicomdir_plan {
    bool *listed; /* by entry index */
    struct dicomdir_problem *problems;
    size_t problem_count;
};

/** The index of the archive's DICOMDIR (a file named DICOMDIR in any case, the least deep), or
 *  SIZE_MAX when it has none. */
size_t dicomdir_find(const struct zip_listing *listing);

/**
 * Reads the DICOMDIR (PS3.10 §7.2, PS3.3 F.3: the Directory Record Sequence and each record's
 * ReferencedFileID, relative to the DICOMDIR's folder) into plan: the entries it lists, matched
 * without regard to case; a reference that would leave the archive (`..`, an empty or absolute
 * component) or names no entry becomes a problem and is never read. False with
 * ERR_IMAGING_DICOMDIR_INVALID when the DICOMDIR is not a readable directory.
 */
bool dicomdir_read(struct error *err, struct arena *arena, const uint8_t *data, size_t len,
                   const struct zip_listing *listing, size_t dicomdir_index,
                   struct dicomdir_plan *plan);

/** The per-file result and summary of an import, as JSON (docs/api/imaging-import.md). */
json_t *import_result_json(const struct import_file *files, size_t count,
                           const struct dicomdir_plan *plan, bool dicomdir, const char *patient_id,
                           bool english);

/**
 * Imports the zip in bytes as op's organisation: each DICOM file is stored (or found a
 * duplicate, or refused with its reason), linked to a patient through the organisation's
 * local id or put in its reconciliation queue. patient_id: the import was made on this
 * patient's page (access decided by the caller); a study that is not linked to this patient is
 * named in its files' results (never guessed into it). *result gets the JSON answer.
 * False with err for an archive that cannot be read or is too large (nothing stored), or a
 * failure of the store (the caller rolls back).
 */
bool imaging_import_zip(struct error *err, struct op *op, const void *bytes, size_t len,
                        const char *patient_id, bool english, json_t **result);

#endif
