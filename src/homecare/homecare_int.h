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

#endif
