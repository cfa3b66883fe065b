/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_DIRECTORY_DIRECTORY_H
#define TSUNAGU_DIRECTORY_DIRECTORY_H

#include "http/api.h"

/* Code lists of the facility directory (directory_codes.c), with NULL-terminated code arrays
 * for jsonv "allowed". */
extern const struct code_label dir_functions[];
extern const struct code_label dir_departments[];
extern const struct code_label dir_equipment[];
extern const struct code_label dir_services[];
extern const struct code_label dir_bed_kinds[];
extern const struct code_label dir_emergency[];
extern const char *const dir_function_codes[];
extern const char *const dir_department_codes[];
extern const char *const dir_equipment_codes[];
extern const char *const dir_service_codes[];
extern const char *const dir_bed_kind_codes[];
extern const char *const dir_emergency_codes[];
/** The status fields, in answer order. */
extern const char *const dir_status_fields[];

/** The restrictions of list (a status "restrictions" value) still in force today in Asia/Tokyo:
 *  those without an end date or ending today or later. Returns a new array; none for a non-array.
 */
json_t *dir_restrictions_current(const json_t *list);
/** Fails with ERR_ORG_NOT_FOUND unless id is an existing organisation. */
bool dir_org_check(struct error *err, struct request *req, const char *id);
/** Fails with ERR_FORBIDDEN unless the principal may edit organisation id's directory entry:
 *  the network admin, or an org admin or designated editor with id as current organisation. */
bool dir_may_edit(struct error *err, struct request *req, const char *id);
/** Whether a status time is stale for this server (older than --status-stale-seconds). */
bool dir_stale(const struct request *req, int64_t updated_at, int64_t now);

#endif
