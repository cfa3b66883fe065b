/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_AUDITLOG_AUDITLOG_INT_H
#define TSUNAGU_AUDITLOG_AUDITLOG_INT_H

/* The handlers of the auditlog module. */

#include "http/api.h"
#include "modules/module.h"

#define ROUTE ROUTE_DECLARE
#include "auditlog/routes.def"
#undef ROUTE

#endif
