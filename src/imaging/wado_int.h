/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_IMAGING_WADO_INT_H
#define TSUNAGU_IMAGING_WADO_INT_H

/* What the WADO-RS files share: the instances a path names, and one instance parsed. */
#include <stdbool.h>
#include <stdint.h>

#include "dicom/dicom.h"
#include "http/request.h"
#include "imaging_int.h"

/** One instance of the index. */
struct wado_ref {
    const char *study_uid, *series_uid, *sop_instance_uid;
    const char *blob_key, *transfer_syntax;
    int64_t size;
};

/** The instances the path names (param 0 study, 1 series, 2 instance, as far as the route
 *  goes: depth 1, 2 or 3), in series and instance order, in the request's arena. A malformed or
 *  missing series or instance is ERR_IMAGING_SERIES_NOT_FOUND / ERR_IMAGING_INSTANCE_NOT_FOUND
 *  (the router has decided the study). */
bool wado_refs(struct error *err, struct request *req, int depth, struct wado_ref **out,
               int *count);

/** An instance read and parsed: the file (its bytes owned by the request's arena cleanup). */
struct wado_loaded {
    struct wado_ref ref;
    uint8_t *bytes;
    size_t len;
    struct dicom_file *file;
};

/** Reads and parses ref's file (arena-owned; its bytes are freed with the request, or earlier
 *  by wado_unload). NULL with err set on failure. */
struct wado_loaded *wado_load(struct error *err, struct request *req, const struct wado_ref *ref);
/** Frees the file's bytes now (one file in memory at a time); l stays valid but empty. */
void wado_unload(struct wado_loaded *l);

/** The URL of an instance (for Content-Location and BulkDataURI), in the request's arena. */
const char *wado_instance_url(struct request *req, const struct wado_ref *ref);

struct dicom_image;
/** The image of a loaded instance (freed with the request); ERR_IMAGING_FRAME_NOT_FOUND when it
 *  has none. */
bool wado_image(struct error *err, struct request *req, struct wado_loaded *l,
                struct dicom_image *img);

#endif
