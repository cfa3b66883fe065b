/* SPDX-License-Identifier: Apache-2.0 */
/* The transfer module (救急画像送信, emergency transfer of images and a summary): its
 * descriptor. */
#include "transfer_int.h"

const struct access_case_kind transfer_case = {
    "transfer", "SELECT patient_id, from_org_id, to_org_id FROM transfers WHERE id = ?",
    ERR_TRANSFER_NOT_FOUND, NULL};
const struct route_locator transfer_locator = ROUTER_CASE_LOCATOR(transfer_case);

static const struct access_case_kind *const case_kinds[] = {&transfer_case, NULL};

static const struct route routes[] = {
#define ROUTE ROUTE_ENTRY
#include "routes.def"
#undef ROUTE
};

const struct module transfer_module = {
    .name = "transfer",
    .routes = routes,
    .route_count = MODULE_COUNT(routes),
    .case_kinds = case_kinds,
    .demo_load = transfer_demo_load,
    .sweep = transfer_sweep,
};
