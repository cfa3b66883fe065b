/* SPDX-License-Identifier: Apache-2.0 */
#include "codes.h"

#include <string.h>

const char *codes_label(const struct code_label *list, const char *code, bool japanese)
{
    for (const struct code_label *c = list; code && c->code; c++)
        if (strcmp(c->code, code) == 0)
            return japanese ? c->ja : c->en;
    return code;
}

bool codes_known(const char *const *codes, const char *code)
{
    for (; code && *codes; codes++)
        if (strcmp(*codes, code) == 0)
            return true;
    return false;
}
