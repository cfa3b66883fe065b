/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_HOMECARE_HOMECARE_INT_H
#define TSUNAGU_HOMECARE_HOMECARE_INT_H

/* Home care (issue 16): what the module's files share. Its handlers are declared from
 * routes.def. */

#include "homecare/homecare.h"
#include "http/api.h"
#include "modules/module.h"

#define ROUTE ROUTE_DECLARE
#include "homecare/routes.def"
#undef ROUTE

/* ---- timeline: the team timeline of a patient (timeline*.c) ---------------------------------- */

#include <jansson.h>
#include <stdint.h>

#include "dicom/render.h"

enum {
    TIMELINE_TEXT_MAX = 4000,      /* code points of a post */
    TIMELINE_MENTIONS_MAX = 20,    /* mentions in one post */
    TIMELINE_ATTACHMENTS_MAX = 10, /* photos on one post */
};

/** Whether organisation org_id is on patient_id's care team with a consent in force (the access
 *  rule's reading for writes, ACCESS_TEAM_SQL), as of now. */
bool timeline_org_on_team(struct error *err, struct store_conn *conn, const char *org_id,
                          const char *patient_id, bool *on_team);
/** The patient's care team as the timeline counts it: [{id, name, members: [{id, name}]}], the
 *  organisations on the team with consent in force and their confirmed, enabled members (a new
 *  reference; NULL with err set). */
json_t *timeline_team(struct error *err, struct store_conn *conn, const char *patient_id);
/** Checks the "mentions" of a new post (each {user_id[, org_id]} or {org_id}) against team (from
 *  timeline_team) and stores them for post_id, in op's write transaction. */
bool timeline_mentions_save(struct error *err, struct op *op, const json_t *mentions,
                            const json_t *team, const char *post_id);
/** The mentions of a post: [{kind: "user"|"org", user: {id, name}|null, org: {id, name}}]. */
json_t *timeline_mentions(struct error *err, struct store_conn *conn, const char *post_id);
/** Notifies, for a new post, every organisation mentioned (or with a member mentioned), and
 *  every organisation of the team when it is urgent, only where access_org_sees; then publishes
 *  the "homecare.timeline" event to each organisation of the team. */
bool timeline_notify(struct error *err, struct op *op, const char *patient_id, const char *post_id,
                     const char *thread_id, bool urgent, const json_t *team);
/** Writes post_id as FHIR Communication (timeline_fhir.c): a new resource the first time, else
 *  its next version (after a photo is attached), in the request's write transaction. */
bool timeline_sync_communication(struct error *err, struct request *req, const char *post_id);
/** The attachments of a post: [{n, media_type, width, height, size}] (a new reference). */

/* The photo pipeline (timeline_photo.c; public for its unit tests). */
enum {
    TIMELINE_PHOTO_MAX_BYTES = 10 * 1024 * 1024, /* an upload */
    TIMELINE_PHOTO_SIDE = 1600,                  /* the long side stored */
};
/** The photo as stored from the len bytes of a JPEG or PNG: upright (EXIF orientation), at most
 *  TIMELINE_PHOTO_SIDE on its long side, encoded again as JPEG, so without any metadata. *out is
 *  malloc'd (the caller frees it). ERR_HOMECARE_TIMELINE_NOT_IMAGE for bytes that are neither,
 *  ERR_HOMECARE_TIMELINE_IMAGE_TOO_LARGE for too many pixels. */
bool timeline_photo_reduce(struct error *err, const uint8_t *data, size_t len, uint8_t **out,
                           size_t *out_len, uint32_t *width, uint32_t *height);
/** The orientation (1–8) in the data of an APP1 "Exif\0\0" segment (CIPA DC-008, TIFF IFD0 tag
 *  0x0112), or 1 when absent or unreadable; every offset is checked against n. */
int timeline_exif_orientation(const uint8_t *data, size_t n);
/** Turns RGB pixels (3 channels) upright for EXIF orientation 2–8 (mirror and/or rotate; others
 *  change nothing); px->data is replaced (ERR_NOMEM leaves it). */
bool timeline_photo_upright(struct error *err, struct dicom_rendered *px, int orientation);
json_t *timeline_attachments(struct error *err, struct store_conn *conn, const char *post_id);

#endif
