/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_FHIR_REST_INT_H
#define TSUNAGU_FHIR_REST_INT_H

/* The handlers of the FHIR REST layer. */

#include "http/api.h"
#include "modules/module.h"
#include "rest.h"

#define ROUTE ROUTE_DECLARE
#include "fhir/routes.def"
#undef ROUTE

#endif
