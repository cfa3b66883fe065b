/* SPDX-License-Identifier: Apache-2.0 */
#include "homecare_int.h"
bool homecare_my_day(struct error *err, struct request *req)
{
    (void)req;
    return error_set(err, ERR_NOT_FOUND, NULL);
}
bool homecare_ical_links_create(struct error *err, struct request *req)
{
    (void)req;
    return error_set(err, ERR_NOT_FOUND, NULL);
}
bool homecare_ical_patient_link(struct error *err, struct request *req)
{
    (void)req;
    return error_set(err, ERR_NOT_FOUND, NULL);
}
bool homecare_ical_links_list(struct error *err, struct request *req)
{
    (void)req;
    return error_set(err, ERR_NOT_FOUND, NULL);
}
bool homecare_ical_links_revoke(struct error *err, struct request *req)
{
    (void)req;
    return error_set(err, ERR_NOT_FOUND, NULL);
}
bool homecare_ical_feed(struct error *err, struct request *req)
{
    (void)req;
    return error_set(err, ERR_NOT_FOUND, NULL);
}
