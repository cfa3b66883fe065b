/* SPDX-License-Identifier: Apache-2.0 */
#include "errors.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct error_info {
    const char *name;
    int status;
    const char *fhir;
    const char *ja;
    const char *en;
};

static const struct error_info infos[ERR__COUNT] = {
#define X(id, code, status, fhir, ja, en) [id] = {code, status, fhir, ja, en},
#include "errors.def"
#include "modules_errors.def"
#undef X
};

bool error_set(struct error *err, enum error_code code, const char *fmt, ...)
{
    if (!err || err->code != ERR_NONE)
        return false;
    err->code = code;
    err->detail[0] = '\0';
    err->detail_ja[0] = '\0';
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->detail, sizeof(err->detail), fmt, ap);
        va_end(ap);
    }
    return false;
}

bool error_set_bilingual(struct error *err, enum error_code code, const char *detail,
                         const char *detail_ja)
{
    if (!err || err->code != ERR_NONE)
        return false;
    error_set(err, code, "%s", detail ? detail : "");
    snprintf(err->detail_ja, sizeof err->detail_ja, "%s", detail_ja ? detail_ja : "");
    return false;
}

void error_clear(struct error *err)
{
    if (!err)
        return;
    err->code = ERR_NONE;
    err->detail[0] = '\0';
    err->detail_ja[0] = '\0';
}

static const struct error_info *info(enum error_code code)
{
    if ((int)code < 0 || code >= ERR__COUNT)
        code = ERR_INTERNAL;
    return &infos[code];
}

const char *error_code_name(enum error_code code)
{
    return info(code)->name;
}
int error_http_status(enum error_code code)
{
    return info(code)->status;
}
const char *error_fhir_type(enum error_code code)
{
    return info(code)->fhir;
}
const char *error_message(enum error_code code, bool english)
{
    return english ? info(code)->en : info(code)->ja;
}
