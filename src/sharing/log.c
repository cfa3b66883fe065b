/* SPDX-License-Identifier: Apache-2.0 */
/* A patient's sharing rules seen from the team (issue 17): the preview ("if this happened now,
 * who would get what, when") and the log of what the rules delivered. */
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/jsonv.h"
#include "sharing_int.h"

static const struct jfield preview_fields[] = {
    {"kind", JV_STRING, true, 24, sharing_kinds},
    {"severity", JV_STRING, false, 8, sharing_severities},
    {NULL, 0, false, 0, NULL},
};

bool sharing_patient_preview(struct error *err, struct request *req)
{
    if (!jsonv_check(err, req->json, preview_fields))
        return false;
    struct op *op = &req->op;
    json_t *what = json_pack("{s:b}", "preview", true);
    struct team_event ev = {.kind = jsonv_str(req->json, "kind"),
                            .patient_id = req->patient_id,
                            .summary = what,
                            .severity = jsonv_str(req->json, "severity")};
    struct sharing_author a = {op->principal.user_id, op->principal.profession,
                               op->principal.org_id};
    struct sharing_plan plan;
    bool ok = sharing_plan_event(err, op, &ev, &a, &plan);
    json_decref(what);
    json_t *items = ok ? sharing_plan_json(err, op, &plan) : NULL;
    if (!items)
        return false;
    char now[32];
    clock_format_iso(op->now_ms, now);
    req->object_type = "sharing_preview";
    response_json(req, 200,
                  json_pack("{s:s, s:s?, s:s, s:i, s:o}", "kind", ev.kind, "severity", ev.severity,
                            "now", now, "rules_matched", plan.rules_matched, "items", items));
    return true;
}

static json_t *delivery_row(struct store_stmt *s)
{
    json_t *what = json_loads(store_text(s, 5), 0, NULL);
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)store_int(s, 0));
    return json_pack("{s:s, s:{s:s, s:s, s:o}, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:s, s:s, "
                     "s:o, s:o, s:o}",
                     "id", id, "rule", "id", store_text(s, 1), "scope",
                     store_is_null(s, 2) ? "region" : "patient", "note", api_text_or_null(s, 3),
                     "event", store_text(s, 4), "what", what ? what : json_object(), "ref_id",
                     api_text_or_null(s, 6), "severity", api_text_or_null(s, 7), "by",
                     api_id_name(s, 8, 9), "org", api_id_name(s, 10, 11), "user",
                     api_id_name(s, 12, 13), "timing", store_text(s, 14), "outcome",
                     store_text(s, 15), "due_at", api_time_or_null(s, 16), "sent_at",
                     api_time_or_null(s, 17), "created_at", api_time_or_null(s, 18));
}

bool sharing_patient_deliveries(struct error *err, struct request *req)
{
    static const char *const allowed[] = {"limit", "cursor", NULL};
    int64_t limit, offset;
    if (!request_query_check(err, req, allowed) || !request_page(err, req, &limit, &offset))
        return false;
    json_t *items = api_rows(
        err,
        store_query(err, req->op.conn,
                    "SELECT d.id, d.rule_id, r.patient_id, r.note, e.kind, e.summary, e.ref_id, "
                    "e.severity, e.author_id, a.name, d.org_id, o.name, d.user_id, u.name, "
                    "d.timing, d.outcome, d.due_at, d.sent_at, e.created_at FROM "
                    "sharing_deliveries d JOIN sharing_events e ON e.id = d.event_id JOIN "
                    "sharing_rules r ON r.id = d.rule_id LEFT JOIN users a ON a.id = "
                    "e.author_id LEFT JOIN orgs o ON o.id = d.org_id LEFT JOIN users u ON u.id = "
                    "d.user_id WHERE e.patient_id = ? ORDER BY e.id DESC, d.id LIMIT ? "
                    "OFFSET ?",
                    "tii", req->patient_id, limit + 1, offset),
        delivery_row);
    req->object_type = "sharing_deliveries";
    return request_respond_page(req, items, offset, limit);
}
