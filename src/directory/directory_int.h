/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_DIRECTORY_DIRECTORY_INT_H
#define TSUNAGU_DIRECTORY_DIRECTORY_INT_H

/* What the files of the directory module share. */

#include "directory.h"
#include "modules/module.h"

#define ROUTE ROUTE_DECLARE
#include "directory/routes.def"
#undef ROUTE

#endif
