/* SPDX-License-Identifier: Apache-2.0 */
/* A study as a case of the access rule: the router's decision for routes that name a study,
 * and the UID syntax it checks first. */
#include <string.h>

#include "imaging_int.h"

const struct access_case_kind imaging_study_case = {
    "study",
    "SELECT COALESCE(patient_id, ''), org_id, org_id FROM imaging_studies "
    "WHERE study_uid = ? AND reconciliation <> 'rejected'",
    ERR_IMAGING_STUDY_NOT_FOUND,
    /* the shares of the study in force (imaging_shares, migration 032); access/ adds the
     * consent test */
    "SELECT consent_free, source_kind, id FROM imaging_shares WHERE study_uid = ?1 AND "
    "org_id = ?2 AND ended_at IS NULL AND expires_at > ?3 ORDER BY consent_free, started_at DESC"};

/* PS3.5 §9.1: components of digits separated by '.', none empty, no leading zero unless the
 * component is "0"; at most 64 characters. */
bool imaging_uid_valid(const char *s)
{
    if (!s || !*s)
        return false;
    size_t n = 0, component = 0;
    char first = 0;
    for (const char *p = s; *p; p++, n++) {
        if (n >= IMAGING_UID_MAX)
            return false;
        if (*p == '.') {
            if (component == 0)
                return false;
            component = 0;
            continue;
        }
        if (*p < '0' || *p > '9')
            return false;
        if (component == 0)
            first = *p;
        else if (first == '0')
            return false;
        component++;
    }
    return component > 0;
}

static bool locate_study(struct error *err, struct request *req, const struct route_locator *self)
{
    (void)self;
    const char *uid = request_param(req, 0);
    if (!imaging_uid_valid(uid))
        return error_set(err, ERR_IMAGING_STUDY_NOT_FOUND, "malformed UID");
    return router_decide_case(err, req, &imaging_study_case, uid, req->route->action, "study", uid);
}

const struct route_locator imaging_study_locator = {
    "the study's sending organisation, or the care team of its linked patient with consent "
    "(access_decide_case)",
    locate_study, &imaging_study_case, false, false};
