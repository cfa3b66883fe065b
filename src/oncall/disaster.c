/* SPDX-License-Identifier: Apache-2.0 */
/* The network office's disaster view (issue 17): for each organisation under a declaration in
 * force, its home-care patients (on its care team, with a consent in force naming it) counted by
 * their dependence on a ventilator, oxygen or dialysis, and per accepted partner how many of them
 * it is responsible for (their consent names it). Counts only: the network office never opens a
 * patient (access_decide refuses network administrators), so no name or id leaves here. */
#include <stdio.h>

#include "core/clock.h"
#include "oncall_int.h"

/* A consent in force (?2: today) of patient p.id naming the organisation in column `org`. */
#define CONSENT_NAMES(org)                                                                         \
    "EXISTS (SELECT 1 FROM consent_orgs co JOIN consents c ON c.id = co.consent_id WHERE "         \
    "co.patient_id = p.id AND co.org_id = " org " AND c.withdrawn_at IS NULL AND "                 \
    "c.consented_on <= ?2)"

/* ?1 the declaring organisation, ?2 today, ?3 the partner ('' for all the home-care patients). */
static const char sql_counts[] =
    "SELECT COUNT(*), COALESCE(SUM(dp.ventilator), 0), COALESCE(SUM(dp.oxygen), 0), "
    "COALESCE(SUM(dp.dialysis), 0) FROM patients p LEFT JOIN oncall_dependence dp ON "
    "dp.patient_id = p.id WHERE EXISTS (SELECT 1 FROM care_team t WHERE t.patient_id = p.id AND "
    "t.org_id = ?1 AND t.removed_at IS NULL) AND " CONSENT_NAMES(
        "?1") " AND (?3 = '' OR " CONSENT_NAMES("?3") ")";

static json_t *counts(struct error *err, struct store_conn *conn, const char *org,
                      const char *today, const char *partner)
{
    struct store_stmt *s = store_query(err, conn, sql_counts, "ttt", org, today, partner);
    if (!s)
        return NULL;
    json_t *c = NULL;
    if (store_step(err, s) == STORE_ROW)
        c = json_pack("{s:I, s:I, s:I, s:I}", "patients", (json_int_t)store_int(s, 0), "ventilator",
                      (json_int_t)store_int(s, 1), "oxygen", (json_int_t)store_int(s, 2),
                      "dialysis", (json_int_t)store_int(s, 3));
    store_done(s);
    return c;
}

/* The partners of the declaration's grants, each with the counts of those it covers. */
static json_t *partners(struct error *err, struct store_conn *conn, const char *declaration,
                        const char *org, const char *today)
{
    struct store_stmt *s = store_query(
        err, conn,
        "SELECT o.id, o.name, o.phone FROM standby_grants sg JOIN orgs o ON o.id = "
        "sg.partner_org_id WHERE sg.declaration_id = ? AND sg.ended_at IS NULL ORDER BY o.name",
        "t", declaration);
    if (!s)
        return NULL;
    json_t *out = json_array();
    enum store_step_result r;
    bool ok = true;
    while (ok && (r = store_step(err, s)) == STORE_ROW) {
        json_t *c = counts(err, conn, org, today, store_text(s, 0));
        ok =
            c && json_array_append_new(out, json_pack("{s:s, s:s, s:s, s:o}", "id",
                                                      store_text(s, 0), "name", store_text(s, 1),
                                                      "phone", store_text(s, 2), "covers", c)) == 0;
    }
    store_done(s);
    if (!ok || r == STORE_FAIL) {
        json_decref(out);
        return NULL;
    }
    return out;
}

static bool add_details(struct error *err, struct store_conn *conn, json_t *items,
                        const char *today)
{
    size_t i;
    json_t *d;
    json_array_foreach(items, i, d)
    {
        const char *id = json_string_value(json_object_get(d, "id"));
        const char *org = json_string_value(json_object_get(json_object_get(d, "org"), "id"));
        json_t *c = counts(err, conn, org, today, ""), *p = partners(err, conn, id, org, today);
        if (!c || !p) {
            json_decref(c);
            json_decref(p);
            return false;
        }
        json_object_set_new(d, "home_care", c);
        json_object_set_new(d, "partners", p);
    }
    return true;
}

static json_t *declaration_row(struct store_stmt *s)
{
    return json_pack("{s:s, s:o, s:s, s:o, s:o, s:o}", "id", store_text(s, 0), "org",
                     api_id_name(s, 1, 2), "reason", store_text(s, 3), "note",
                     api_text_or_null(s, 4), "started_at", api_time_or_null(s, 5), "planned_end_at",
                     api_time_or_null(s, 6));
}

bool oncall_disaster(struct error *err, struct request *req)
{
    if (!request_query_check(err, req, (const char *const[]){NULL}))
        return false;
    char today[11];
    clock_today_tokyo(today);
    json_t *items = api_rows(
        err,
        store_query(err, req->op.conn,
                    "SELECT d.id, d.org_id, o.name, d.reason, d.note, d.started_at, "
                    "d.planned_end_at FROM oncall_declarations d JOIN orgs o ON o.id = d.org_id "
                    "WHERE d.ended_at IS NULL AND d.planned_end_at > ? ORDER BY d.started_at, "
                    "d.id",
                    "i", clock_now_ms()),
        declaration_row);
    if (items && !add_details(err, req->op.conn, items, today)) {
        json_decref(items);
        return false;
    }
    /* what the office saw is recorded, though it names no patient */
    op_audit_read(&req->op, "oncall_disaster", AUDIT_SUCCESS, NULL, "oncall_declaration", NULL,
                  "disaster view: counts per organisation and dependence");
    return api_respond_items(req, items);
}
