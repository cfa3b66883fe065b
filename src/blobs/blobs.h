/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_BLOBS_BLOBS_H
#define TSUNAGU_BLOBS_BLOBS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/errors.h"

/**
 * The blob store: files (documents, images) kept beside the SQL store and named by the SHA-256
 * of their content. Today it is the local filesystem under <data_dir>/blobs; an S3-compatible
 * backend can implement the same functions later (DESIGN.md "Two backends").
 *
 * Durability contract: blobs_put returns only after the file and its directory entry are on
 * stable storage (fsync of the file, then of every directory it created or renamed into), so a
 * caller may then commit the row that points to the key, and only then answer 2xx.
 */
struct blobs;

#define BLOB_KEY_LEN 65 /* 64 hex characters + NUL */

/** Opens (creating if needed) the blob store of data_dir. */
struct blobs *blobs_open(struct error *err, const char *data_dir);
void blobs_close(struct blobs *b);

/** Stores len bytes durably; key receives their SHA-256 (hex). Storing the same bytes twice is
 *  harmless and gives the same key. */
bool blobs_put(struct error *err, struct blobs *b, const void *data, size_t len,
               char key[BLOB_KEY_LEN]);
/**
 * A batch of blobs written together and made durable together, for many files at once (a STOW-RS
 * request, a CD import): each put writes its file under a temporary name without waiting for the
 * disk; blobs_batch_sync then flushes them all in one pass and only then gives them their names.
 * A key from blobs_batch_put may be referenced by a committed row only after blobs_batch_sync
 * has returned true: from then on the durability contract above holds for every key of the
 * batch. A file is never under its key's name before its content is on stable storage, so a
 * crash leaves at most temporary files, never a short blob.
 */
struct blobs_batch;

/** A new, empty batch of store b (ERR_NOMEM). */
struct blobs_batch *blobs_batch_new(struct error *err, struct blobs *b);
/** Writes len bytes (not yet durable); key receives their SHA-256 (hex). A blob stored before,
 *  or already put in this batch, is not written again. */
bool blobs_batch_put(struct error *err, struct blobs_batch *batch, const void *data, size_t len,
                     char key[BLOB_KEY_LEN]);
/** Takes back a blob put in this batch and not yet synced (its temporary file is removed), e.g.
 *  for an instance found to be refused after its bytes were written. A key the batch does not
 *  hold is ignored. */
void blobs_batch_drop(struct blobs_batch *batch, const char *key);
/** Makes every blob put so far durable under its key (one file-system sync, the renames, one
 *  more sync for the directory entries); the batch is then empty and may take more. On failure
 *  a blob that already got its name is complete (harmless: content-addressed), the others stay
 *  temporary files until blobs_batch_free removes them; no key may be referenced. */
bool blobs_batch_sync(struct error *err, struct blobs_batch *batch);
/** Frees the batch, removing the temporary files of blobs put but not synced. NULL is ignored. */
void blobs_batch_free(struct blobs_batch *batch);

/** Reads a blob into a malloc'd buffer (caller frees *data). ERR_BAD_ID for a key that is not 64
 *  lower-case hex characters or not stored. */
bool blobs_get(struct error *err, struct blobs *b, const char *key, void **data, size_t *len);
/** Opens a blob for reading without loading it (to stream it): *fd (the caller closes it) and
 *  *size. ERR_BAD_ID for a key that is not 64 lower-case hex characters or not stored. */
bool blobs_open_fd(struct error *err, struct blobs *b, const char *key, int *fd, size_t *size);

#endif
