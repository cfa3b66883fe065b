/* SPDX-License-Identifier: Apache-2.0 */
/* The accounts module (logging in, one's own account, users, API tokens and organisations): its
 * descriptor. */
#include "accounts_int.h"

static const struct route routes[] = {
#define ROUTE ROUTE_ENTRY
#include "routes.def"
#undef ROUTE
};

static const struct module_command commands[] = {
    {"org", "org add", "register an organisation", accounts_cli_org},
    {"user", "user add|passwd|disable|confirm", "manage user accounts (passwords from stdin)",
     accounts_cli_user},
    {"token", "token create|list|revoke", "API tokens for integrations", accounts_cli_token},
    {NULL, NULL, NULL, NULL},
};

const struct module accounts_module = {
    .name = "accounts",
    .routes = routes,
    .route_count = MODULE_COUNT(routes),
    .demo_load = accounts_demo_load,
    .commands = commands,
};
