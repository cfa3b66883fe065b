/* SPDX-License-Identifier: Apache-2.0 */
/* The organisation administrator's view of its DICOM senders: the AE titles that may send to the
 * C-STORE SCP for the organisation (GET/POST /api/imaging/ae-titles, DELETE …/{aet}). The same
 * registry as `tsunagu imaging ae` (ae.c). */
#include <string.h>

#include "core/jsonv.h"

#include "imaging_int.h"
#include "scp.h"

static json_t *ae_row(struct store_stmt *s)
{
    return json_pack("{s:s, s:s, s:s, s:o}", "aet", store_text(s, 0), "description",
                     store_text(s, 1), "host", store_text(s, 3), "created_at",
                     api_time_or_null(s, 2));
}

bool imaging_ae_list(struct error *err, struct request *req)
{
    static const char *const query[] = {NULL};
    if (!request_query_check(err, req, query))
        return false;
    json_t *items = api_rows(err,
                             store_query(err, req->op.conn,
                                         "SELECT aet, description, created_at, host FROM "
                                         "imaging_ae_titles WHERE org_id = ? AND removed_at IS "
                                         "NULL ORDER BY aet",
                                         "t", req->op.principal.org_id),
                             ae_row);
    if (!items)
        return false;
    response_json(req, 200, json_pack("{s:o}", "items", items));
    return true;
}

bool imaging_ae_create(struct error *err, struct request *req)
{
    static const struct jfield fields[] = {
        {"aet", JV_TEXT, true, 16, NULL},
        {"description", JV_TEXT, false, 200, NULL},
        {"host", JV_TEXT, false, 39, NULL},
        {NULL, 0, false, 0, NULL},
    };
    if (!jsonv_check(err, req->json, fields))
        return false;
    const char *aet = jsonv_str(req->json, "aet"), *desc = jsonv_str(req->json, "description");
    const char *host = jsonv_str(req->json, "host");
    desc = desc ? desc : "";
    host = host ? host : "";
    if (!imaging_ae_title_valid(aet))
        return error_set(err, ERR_FIELD_VALUE, "aet: %s", IMAGING_AE_TITLE_RULE);
    if (!imaging_ae_host_valid(host))
        return error_set(err, ERR_FIELD_VALUE, "host: an IPv4 or IPv6 address, e.g. 192.0.2.10");
    bool added = false;
    if (!op_write_begin(err, &req->op) ||
        !imaging_ae_insert(err, req->op.conn,
                           &(struct imaging_ae){aet, req->op.principal.org_id, desc, host},
                           req->op.now_ms, &added))
        return false;
    if (!added)
        return error_set(err, ERR_IMAGING_AE_TAKEN, "aet: %s", aet);
    req->object_type = "dicom_ae";
    req->object_id = arena_strdup(req->op.arena, aet);
    response_json(req, 201,
                  json_pack("{s:s, s:s, s:s, s:s}", "aet", aet, "description", desc, "host", host,
                            "org_id", req->op.principal.org_id));
    return true;
}

bool imaging_ae_delete(struct error *err, struct request *req)
{
    const char *aet = request_param(req, 0);
    int64_t changed = 0;
    if (!imaging_ae_title_valid(aet))
        return error_set(err, ERR_IMAGING_AE_NOT_FOUND, NULL);
    if (!op_write_begin(err, &req->op) ||
        !store_exec(err, req->op.conn, &changed,
                    "UPDATE imaging_ae_titles SET removed_at = ? "
                    "WHERE aet = ? AND org_id = ? AND removed_at IS NULL",
                    "itt", req->op.now_ms, aet, req->op.principal.org_id))
        return false;
    if (changed != 1)
        return error_set(err, ERR_IMAGING_AE_NOT_FOUND, NULL);
    req->object_type = "dicom_ae";
    req->object_id = aet;
    response_empty(req, 204);
    return true;
}
