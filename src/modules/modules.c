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

bool modules_team_event(struct error *err, struct op *op, const struct team_event *ev)
{
    if (!op_write_begin(err, op))
        return false;
    for (const struct module *const *m = modules_all; *m; m++)
        if ((*m)->team_event && !(*m)->team_event(err, op, ev))
            return false;
    return true;
}

void modules_init(void)
{
    static bool done;
    if (done)
        return;
    done = true;
    for (const struct module *const *m = modules_all; *m; m++)
        if ((*m)->init)
            (*m)->init();
}
