/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_HTTP_STATIC_FILES_H
#define TSUNAGU_HTTP_STATIC_FILES_H

#include <stdbool.h>

#include "request.h"

/** Loads every regular file below dir into memory (the built UI is small and immutable while
 *  the server runs). A missing dir is not an error: the API still works. */
bool static_files_load(struct error *err, const char *dir);
void static_files_free(void);
/** Answers GET/HEAD of a static file (index.html for "/"), with type, ETag and cache headers;
 *  404 problem when absent. */
void static_files_serve(struct request *req);

#endif
