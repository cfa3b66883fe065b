/* SPDX-License-Identifier: Apache-2.0 */
/* The backup routes (災害時の相互支援, issue 17): partnerships, declarations and the network
 * office's disaster view. */
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/jsonv.h"
#include "oncall_int.h"

static const struct jfield partner_fields[] = {
    {"partner_org_id", JV_UUID, true, 0, NULL},
    {NULL, 0, false, 0, NULL},
};

bool oncall_partners_create(struct error *err, struct request *req)
{
    char id[UUID_STR_LEN];
    if (!request_require_org(err, req) || !jsonv_check(err, req->json, partner_fields) ||
        !oncall_partner_create(err, &req->op, jsonv_str(req->json, "partner_org_id"), id))
        return false;
    response_json(req, 201, json_pack("{s:s}", "id", id));
    return true;
}

bool oncall_partners_accept(struct error *err, struct request *req)
{
    const char *pid = request_param(req, 0);
    if (!request_require_org(err, req))
        return false;
    if (!ids_uuid_valid(pid))
        return error_set(err, ERR_ONCALL_PARTNER_NOT_FOUND, "malformed id");
    if (!api_no_fields(err, req) || !oncall_partner_accept(err, &req->op, pid))
        return false;
    response_json(req, 200, json_pack("{s:s}", "id", pid));
    return true;
}

bool oncall_partners_end(struct error *err, struct request *req)
{
    const char *pid = request_param(req, 0);
    if (!request_require_org(err, req))
        return false;
    if (!ids_uuid_valid(pid))
        return error_set(err, ERR_ONCALL_PARTNER_NOT_FOUND, "malformed id");
    if (!api_no_fields(err, req) || !oncall_partner_end(err, &req->op, pid))
        return false;
    response_json(req, 200, json_pack("{s:s}", "id", pid));
    return true;
}

static json_t *partner_row(struct store_stmt *s)
{
    return json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:o}", "id", store_text(s, 0), "org",
                     api_id_name(s, 1, 2), "partner", api_id_name(s, 3, 4), "proposed_at",
                     api_time_or_null(s, 5), "accepted_at", api_time_or_null(s, 6),
                     "declaration_in_force", api_text_or_null(s, 7), "declared_org",
                     api_text_or_null(s, 8));
}

bool oncall_partners_list(struct error *err, struct request *req)
{
    if (!request_query_check(err, req, (const char *const[]){NULL}) ||
        !request_require_org(err, req))
        return false;
    /* the declaration in force of either side, so that a partner sees when it stands by */
    return api_respond_items(
        req, api_rows(err,
                      store_query(
                          err, req->op.conn,
                          "SELECT pa.id, pa.org_id, o.name, pa.partner_org_id, po.name, "
                          "pa.proposed_at, pa.accepted_at, d.id, d.org_id FROM oncall_partners "
                          "pa JOIN orgs o ON o.id = pa.org_id JOIN orgs po ON po.id = "
                          "pa.partner_org_id LEFT JOIN oncall_declarations d ON d.ended_at IS "
                          "NULL AND d.planned_end_at > ?2 AND (d.org_id = pa.org_id OR d.org_id "
                          "= pa.partner_org_id) WHERE (pa.org_id = ?1 OR pa.partner_org_id = ?1) "
                          "AND pa.ended_at IS NULL ORDER BY pa.proposed_at, pa.id",
                          "ti", req->op.principal.org_id, clock_now_ms()),
                      partner_row));
}

static const char *const reasons[] = {"disaster", "illness", "other", NULL};
static const struct jfield declaration_fields[] = {
    {"reason", JV_STRING, true, 10, reasons},
    {"note", JV_TEXT, false, 500, NULL},
    {"planned_end_at", JV_STRING, true, 40, NULL},
    {NULL, 0, false, 0, NULL},
};

bool oncall_declarations_create(struct error *err, struct request *req)
{
    int64_t end = 0;
    char id[UUID_STR_LEN];
    if (!request_require_org(err, req) || !jsonv_check(err, req->json, declaration_fields) ||
        !oncall_parse_instant(err, jsonv_str(req->json, "planned_end_at"), "planned_end_at",
                              &end) ||
        !oncall_declare(err, &req->op, jsonv_str(req->json, "reason"), jsonv_str(req->json, "note"),
                        end, id))
        return false;
    response_json(req, 201, json_pack("{s:s}", "id", id));
    return true;
}

static json_t *declaration_row(struct store_stmt *s)
{
    return json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o}", "id", store_text(s, 0), "reason",
                     store_text(s, 1), "note", api_text_or_null(s, 2), "started_at",
                     api_time_or_null(s, 3), "planned_end_at", api_time_or_null(s, 4), "ended_at",
                     api_time_or_null(s, 5), "end_reason", api_text_or_null(s, 6), "declared_by",
                     store_is_null(s, 7) ? json_null() : api_id_name(s, 7, 8));
}

bool oncall_declarations_list(struct error *err, struct request *req)
{
    if (!request_query_check(err, req, (const char *const[]){NULL}) ||
        !request_require_org(err, req))
        return false;
    return api_respond_items(
        req, api_rows(err,
                      store_query(err, req->op.conn,
                                  "SELECT d.id, d.reason, d.note, d.started_at, d.planned_end_at, "
                                  "d.ended_at, d.end_reason, d.declared_by, u.name FROM "
                                  "oncall_declarations d LEFT JOIN users u ON u.id = "
                                  "d.declared_by WHERE d.org_id = ? ORDER BY d.ended_at IS NOT "
                                  "NULL, d.started_at DESC, d.id LIMIT 20",
                                  "t", req->op.principal.org_id),
                      declaration_row));
}

bool oncall_declarations_end(struct error *err, struct request *req)
{
    const char *did = request_param(req, 0);
    if (!request_require_org(err, req))
        return false;
    if (!ids_uuid_valid(did))
        return error_set(err, ERR_ONCALL_DECLARATION_NOT_FOUND, "malformed id");
    if (!api_no_fields(err, req) ||
        !oncall_declaration_end(err, &req->op, req->op.principal.org_id, did, "ended"))
        return false;
    response_json(req, 200, json_pack("{s:s}", "id", did));
    return true;
}
