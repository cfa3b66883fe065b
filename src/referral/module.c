/* SPDX-License-Identifier: Apache-2.0 */
/* The referral module (referral and reverse referral (紹介・逆紹介) with the letter): its
 * descriptor. */
#include "referral_int.h"

const struct access_case_kind referral_case = {
    "referral", "SELECT patient_id, from_org_id, to_org_id FROM referrals WHERE id = ?",
    ERR_REFERRAL_NOT_FOUND, NULL};
const struct route_locator referral_locator = ROUTER_CASE_LOCATOR(referral_case);

static const struct access_case_kind *const case_kinds[] = {&referral_case, NULL};

static const struct route routes[] = {
#define ROUTE ROUTE_ENTRY
#include "routes.def"
#undef ROUTE
};

const struct module referral_module = {
    .name = "referral",
    .routes = routes,
    .route_count = MODULE_COUNT(routes),
    .demo_load = referral_demo_load,
    .case_kinds = case_kinds,
};
