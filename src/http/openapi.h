/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_HTTP_OPENAPI_H
#define TSUNAGU_HTTP_OPENAPI_H

#include <stdio.h>

/** Writes the OpenAPI 3.0 document of the app API, generated from the route table, so the two
 *  cannot drift (docs/api/openapi.yaml is this output). */
void openapi_write(FILE *out);

#endif
