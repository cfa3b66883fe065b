/* SPDX-License-Identifier: Apache-2.0 */
/* Lookups over the generated table of modules. */
#include "module.h"

#include <string.h>

const struct access_case_kind *modules_case_kind(const char *name)
{
    for (const struct module *const *m = modules_all; *m; m++)
        for (const struct access_case_kind *const *k = (*m)->case_kinds; k && *k; k++)
            if (strcmp((*k)->name, name) == 0)
                return *k;
    return NULL;
}
