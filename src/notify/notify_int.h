/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_NOTIFY_NOTIFY_INT_H
#define TSUNAGU_NOTIFY_NOTIFY_INT_H

/* The handlers of the notify module. */

#include "http/api.h"
#include "modules/module.h"

#define ROUTE ROUTE_DECLARE
#include "notify/routes.def"
#undef ROUTE

#endif
