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
json_t *timeline_attachments(struct error *err, struct store_conn *conn, const char *post_id);

#endif
