/* SPDX-License-Identifier: Apache-2.0 */
/* What the parts of the conference module share: the kinds, loading a conference for its
 * participants, the access rule for its patient, and who is told of it. */
#include <stdio.h>
#include <string.h>

#include "access/access.h"
#include "conference_int.h"
#include "notify/notify.h"

const struct conference_kind conference_kinds[] = {
    {"discharge", "退院前カンファレンス", "Pre-discharge conference"},
    {"service", "サービス担当者会議", "Care service meeting"},
    {"case_study", "症例検討会", "Case study meeting"},
    {NULL, NULL, NULL},
};

const struct conference_kind *conference_kind_find(const char *code)
{
    for (const struct conference_kind *k = conference_kinds; code && k->code; k++)
        if (strcmp(k->code, code) == 0)
            return k;
    return NULL;
}

bool conference_kinds_list(struct error *err, struct request *req)
{
    if (!request_query_check(err, req, (const char *const[]){NULL}))
        return false;
    json_t *items = json_array();
    for (const struct conference_kind *k = conference_kinds; k->code; k++)
        json_array_append_new(
            items, json_pack("{s:s, s:s, s:s}", "code", k->code, "ja", k->ja, "en", k->en));
    response_json(req, 200, json_pack("{s:o}", "items", items));
    return true;
}

bool conference_load(struct error *err, struct store_conn *conn, const char *id,
                     struct conference *c)
{
    if (!ids_uuid_valid(id))
        return error_set(err, ERR_CONFERENCE_NOT_FOUND, "malformed id");
    struct store_stmt *s = store_query(err, conn,
                                       "SELECT id, kind, org_id, patient_id, status, starts_at, "
                                       "ends_at FROM conferences WHERE id = ?",
                                       "t", id);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    if (r == STORE_ROW) {
        snprintf(c->id, sizeof c->id, "%s", store_text(s, 0));
        snprintf(c->kind, sizeof c->kind, "%s", store_text(s, 1));
        snprintf(c->org_id, sizeof c->org_id, "%s", store_text(s, 2));
        snprintf(c->patient_id, sizeof c->patient_id, "%s",
                 store_is_null(s, 3) ? "" : store_text(s, 3));
        snprintf(c->status, sizeof c->status, "%s", store_text(s, 4));
        c->starts_at = store_int(s, 5);
        c->ends_at = store_int(s, 6);
    }
    store_done(s);
    if (r == STORE_DONE)
        return error_set(err, ERR_CONFERENCE_NOT_FOUND, NULL);
    return r == STORE_ROW;
}

bool conference_load_for(struct error *err, struct op *op, const char *id, struct conference *c)
{
    if (!conference_load(err, op->conn, id, c))
        return false;
    struct store_stmt *s = store_query(
        err, op->conn, "SELECT 1 FROM conference_orgs WHERE conference_id = ? AND org_id = ?", "tt",
        id, op->principal.org_id);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    store_done(s);
    if (r == STORE_DONE)
        return error_set(err, ERR_CONFERENCE_NOT_FOUND, NULL);
    return r == STORE_ROW;
}

bool conference_sees(struct error *err, struct op *op, const struct conference *c, char action,
                     bool *sees)
{
    *sees = true;
    if (!c->patient_id[0])
        return true;
    struct access_decision d;
    if (!access_decide(err, op->conn, &op->principal, c->patient_id, (enum access_action)action,
                       DATA_CLINICAL, &d))
        return false;
    /* an emergency grant opens the emergency view, never a conference's patient */
    *sees = d.allow && !d.emergency;
    return true;
}

bool conference_organiser_check(struct error *err, struct op *op, const struct conference *c)
{
    if (strcmp(c->org_id, op->principal.org_id) != 0)
        return error_set(err, ERR_CONFERENCE_NOT_ORGANISER, NULL);
    if (strcmp(c->status, "cancelled") == 0)
        return error_set(err, ERR_CONFERENCE_CANCELLED, NULL);
    bool sees;
    if (!conference_sees(err, op, c, ACCESS_UPDATE, &sees))
        return false;
    return sees ? true : error_set(err, ERR_CONFERENCE_PATIENT_HIDDEN, NULL);
}

bool conference_open(struct error *err, struct request *req, char action, struct conference *c,
                     bool *sees)
{
    const char *id = request_param(req, 0);
    if (!request_require_org(err, req))
        return false;
    if (ids_uuid_valid(id)) {
        req->object_type = "conference";
        req->object_id = id;
    }
    if (!conference_load_for(err, &req->op, id, c) ||
        !conference_sees(err, &req->op, c, action, sees))
        return false;
    if (*sees && c->patient_id[0])
        req->patient_id = arena_strdup(req->op.arena, c->patient_id);
    return true;
}

/* Adds org to orgs (n of them) once. */
static int add_org(char orgs[][UUID_STR_LEN], int n, const char *org)
{
    for (int i = 0; i < n; i++)
        if (strcmp(orgs[i], org) == 0)
            return n;
    if (n >= CONFERENCE_ORGS_MAX)
        return n;
    snprintf(orgs[n], UUID_STR_LEN, "%s", org);
    return n + 1;
}

int conference_audience(struct error *err, struct op *op, const struct conference *c,
                        bool with_team, char orgs[][UUID_STR_LEN])
{
    struct store_stmt *s = store_query(
        err, op->conn,
        "SELECT org_id FROM conference_orgs WHERE conference_id = ?1 UNION SELECT org_id FROM "
        "care_team WHERE patient_id = ?2 AND ?3 AND removed_at IS NULL ORDER BY 1",
        "ttb", c->id, c->patient_id, with_team);
    if (!s)
        return -1;
    int n = 0, kept = 0;
    enum store_step_result r;
    while ((r = store_step(err, s)) == STORE_ROW)
        n = add_org(orgs, n, store_text(s, 0));
    store_done(s);
    if (r == STORE_FAIL)
        return -1;
    for (int i = 0; i < n; i++) {
        bool sees = true;
        if (c->patient_id[0] &&
            !access_org_sees(err, op->conn, orgs[i], c->patient_id, DATA_CLINICAL, &sees))
            return -1;
        if (sees && kept != i)
            memcpy(orgs[kept], orgs[i], UUID_STR_LEN);
        kept += sees;
    }
    return kept;
}

bool conference_tell(struct error *err, struct op *op, const struct conference *c,
                     char orgs[][UUID_STR_LEN], int n, const char *event)
{
    json_t *summary =
        json_pack("{s:s, s:s, s:s}", "event", event, "conference_id", c->id, "kind", c->kind);
    json_t *ev = json_pack("{s:s, s:s}", "conference_id", c->id, "event", event);
    bool ok = summary && ev;
    for (int i = 0; ok && i < n; i++) {
        struct notify_message m = {.kind = "conference",
                                   .patient_id = c->patient_id[0] ? c->patient_id : NULL,
                                   .ref_id = c->id,
                                   .summary = summary};
        ok = notify_org(err, op, orgs[i], &m);
        if (ok)
            op_publish_json(op, "conference", orgs[i], json_incref(ev));
    }
    if (!summary || !ev)
        error_set(err, ERR_NOMEM, "notification");
    json_decref(summary);
    json_decref(ev);
    return ok;
}
