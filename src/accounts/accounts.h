/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_ACCOUNTS_ACCOUNTS_H
#define TSUNAGU_ACCOUNTS_ACCOUNTS_H

/* What other modules use of the accounts module: the organisations of the region and the code
 * lists of organisation types, professions and roles. */

#include <jansson.h>

#include "http/api.h"

/** Organisation type and profession codes with their labels (static). */
extern const struct code_label accounts_org_types[];
extern const struct code_label accounts_professions[];
/** NULL-terminated lists of the codes, for jsonv "allowed". */
extern const char *const accounts_org_type_codes[];
extern const char *const accounts_profession_codes[];
extern const char *const accounts_role_codes[];

/** JSON of one organisation row selected with ACCOUNTS_ORG_COLUMNS (a new reference). */
#define ACCOUNTS_ORG_COLUMNS "id, code, name, name_kana, type, address, phone, totp_required"
json_t *accounts_org_json(struct store_stmt *s);
/** The JSON of organisation id (a new reference); NULL with ERR_ORG_NOT_FOUND when there is none,
 *  or the store's error. */
json_t *accounts_org_read(struct error *err, struct store_conn *conn, const char *id);
/** The role ("member", "org_admin") of user_id in org_id, or "" when not a member. */
bool accounts_membership_role(struct error *err, struct store_conn *conn, const char *user_id,
                              const char *org_id, char role[16]);
/** Organisation org_id as {id, code, name, type} (a new reference) when principal p may see what
 *  an organisation shows its own members only (its referral figures, its visit figures): one of
 *  its members, or the network administrator. NULL with ERR_ORG_NOT_FOUND (none, or not a UUID),
 *  ERR_FORBIDDEN (not a member) or the store's error. */
json_t *accounts_org_for_member(struct error *err, struct store_conn *conn,
                                const struct principal *p, const char *org_id);
/** accounts_org_for_member for the organisation the query names (org_id=, default the caller's
 *  current one): what the referral and the visit figures answer about. */
json_t *accounts_org_asked_for_member(struct error *err, struct request *req);
/** Whether an organisation id exists. */
bool accounts_org_exists(struct error *err, struct store_conn *conn, const char *org_id,
                         bool *exists);

#endif
