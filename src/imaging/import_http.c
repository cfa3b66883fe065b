/* SPDX-License-Identifier: Apache-2.0 */
/* POST /api/imaging/imports[/patients/{id}]: a CD, or a folder the browser packed, as one zip. */
#include <string.h>
#include <strings.h>

#include "import_int.h"

/* True if a Content-Type header names media type t (parameters after ';' allowed). */
static bool media_type_is(const char *header, const char *t)
{
    size_t n = strlen(t);
    return strncasecmp(header, t, n) == 0 && (header[n] == '\0' || header[n] == ';');
}

static bool import(struct error *err, struct request *req, const char *patient_id)
{
    static const char *const no_query[] = {NULL};
    /* as registering a patient: a clinical organisation's member, not the network office */
    if (!access_may_search(&req->op.principal))
        return error_set(err, access_search_refusal(&req->op.principal),
                         "importing images needs an organisation");
    if (!request_query_check(err, req, no_query))
        return false;
    const char *type = request_header(req, "Content-Type");
    if (!type || !(media_type_is(type, "application/zip") ||
                   media_type_is(type, "application/x-zip-compressed")))
        return error_set(err, ERR_IMAGING_NOT_ZIP, NULL);
    if (req->body.len == 0)
        return error_set(err, ERR_IMAGING_ARCHIVE_INVALID, "empty body");
    json_t *result = NULL;
    if (!imaging_import_zip(err, &req->op, req->body.buf, req->body.len, patient_id, req->english,
                            &result))
        return false;
    /* The store audits each study it stored instances of; this record is the import's own,
     * with what came of every file, whatever was stored. */
    json_t *summary = json_object_get(result, "summary");
    const char *detail = arena_printf(
        req->op.arena,
        "zip of %zu bytes%s: %lld stored, %lld duplicates, %lld failed, %lld skipped",
        req->body.len, json_is_true(json_object_get(result, "dicomdir")) ? " with DICOMDIR" : "",
        (long long)json_integer_value(json_object_get(summary, "stored")),
        (long long)json_integer_value(json_object_get(summary, "duplicates")),
        (long long)json_integer_value(json_object_get(summary, "failed")),
        (long long)json_integer_value(json_object_get(summary, "skipped")));
    if (!op_write_begin(err, &req->op) || !op_audit(err, &req->op, req->route->handler_name, 'C',
                                                    patient_id, "import", NULL, detail)) {
        json_decref(result);
        return false;
    }
    response_json(req, 200, result);
    return true;
}

bool imaging_import_org(struct error *err, struct request *req)
{
    return import(err, req, NULL);
}

bool imaging_import_patient(struct error *err, struct request *req)
{
    return import(err, req, req->patient_id);
}
