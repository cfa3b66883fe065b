/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_EMERGENCY_EMERGENCY_INT_H
#define TSUNAGU_EMERGENCY_EMERGENCY_INT_H

/* What the files of the emergency module share: break-the-glass access and its review. */

#include "http/api.h"
#include "modules/module.h"

#define ROUTE ROUTE_DECLARE
#include "emergency/routes.def"
#undef ROUTE

/** Emergency grants with their patient, user, organisation and review, for
 *  emergency_grant_row; append a WHERE clause on e (emergency_access). */
#define EMERGENCY_GRANT_SELECT                                                                     \
    "SELECT e.id, e.patient_id, p.name, p.name_kana, e.user_id, u.name, u.profession, e.org_id, "  \
    "o.name, e.reason, e.started_at, e.expires_at, e.ended_at, e.end_reason, "                     \
    "e.review_closed_at, e.review_closed_by, r.name, e.review_comment FROM emergency_access e "    \
    "JOIN patients p ON p.id = e.patient_id JOIN users u ON u.id = e.user_id "                     \
    "JOIN orgs o ON o.id = e.org_id LEFT JOIN users r ON r.id = e.review_closed_by "
json_t *emergency_grant_row(struct store_stmt *s);

/** The length of the audit detail "emergency access <grant id>" that starts the records of what
 *  a grant opened (request_emergency): 17 characters and a UUID. */
#define EMERGENCY_DETAIL_LEN "53"

#endif
