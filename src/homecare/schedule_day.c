/* SPDX-License-Identifier: Apache-2.0 */
/* A staff member's visits across patients: the day list with the patients' addresses, in visit
 * order. Only patients the access rule admits for the organisation are listed, and each one
 * listed leaves an audit record. */
#include <stdio.h>
#include <string.h>

#include "access/access.h"
#include "core/clock.h"
#include "homecare_int.h"

static const char sql_staff[] =
    "SELECT v.id, v.patient_id, p.name, p.address, v.kind, v.status, o.name, v.starts_at, "
    "v.ends_at, v.updated_at FROM homecare_visits v JOIN patients p ON p.id = v.patient_id "
    "JOIN orgs o ON o.id = v.org_id WHERE v.staff_user_id = ?5 AND v.org_id = ?1 AND "
    "v.local_date BETWEEN ?6 AND ?7 AND (?8 = 1 OR v.status = 'planned') AND " ACCESS_VISIBLE_SQL
    " ORDER BY v.starts_at, v.id";

bool schedule_staff_each(struct error *err, struct request *req, const char *user_id,
                         const char *org_id, const char *from, const char *until,
                         bool with_cancelled, schedule_staff_fn fn, void *arg)
{
    struct access_rule_args rule;
    access_rule_args_org(org_id, &rule);
    struct store_arg args[ACCESS_RULE_PARAMS + 4];
    access_rule_bind(&rule, args);
    args[4] = (struct store_arg){.type = 't', .text = user_id};
    args[5] = (struct store_arg){.type = 't', .text = from};
    args[6] = (struct store_arg){.type = 't', .text = until};
    args[7] = (struct store_arg){.type = 'i', .i = with_cancelled};
    struct store_stmt *s = store_query_args(err, req->op.conn, sql_staff, args, 8);
    if (!s)
        return false;
    enum store_step_result r;
    bool ok = true;
    while (ok && (r = store_step(err, s)) == STORE_ROW) {
        struct schedule_staff_row row = {store_text(s, 0), store_text(s, 1), store_text(s, 2),
                                         store_text(s, 3), store_text(s, 4), store_text(s, 5),
                                         store_text(s, 6), store_int(s, 7),  store_int(s, 8),
                                         store_int(s, 9)};
        ok = fn(err, req, &row, arg);
    }
    store_done(s);
    return ok && r != STORE_FAIL;
}

static bool add_visit(struct error *err, struct request *req, const struct schedule_staff_row *row,
                      void *arg)
{
    char start[6], end[6], starts[32], ends[32];
    schedule_hhmm_format(row->starts_at, start);
    schedule_hhmm_format(row->ends_at, end);
    clock_format_iso(row->starts_at, starts);
    clock_format_iso(row->ends_at, ends);
    const struct homecare_kind *k = homecare_kind_find(row->kind);
    json_t *v =
        json_pack("{s:s, s:{s:s, s:s, s:s}, s:{s:s, s:s?}, s:s, s:s, s:s, s:s}", "id",
                  row->visit_id, "patient", "id", row->patient_id, "name", row->patient_name,
                  "address", row->address, "kind", "code", row->kind, "ja", k ? k->ja : NULL,
                  "start", start, "end", end, "starts_at", starts, "ends_at", ends);
    if (!v || json_array_append_new(arg, v) != 0)
        return error_set(err, ERR_NOMEM, "day list");
    op_audit_read(&req->op, req->route->handler_name, AUDIT_SUCCESS, row->patient_id,
                  "homecare_visit", row->visit_id, NULL);
    return true;
}

bool homecare_my_day(struct error *err, struct request *req)
{
    if (!request_query_check(err, req, (const char *const[]){"date", NULL}) ||
        !request_require_org(err, req))
        return false;
    const char *date = request_query(req, "date");
    int64_t day = schedule_today();
    if (date && !schedule_date_days(date, &day))
        return error_set(err, ERR_FIELD_VALUE, "date");
    char d[11];
    schedule_days_date(day, d);
    json_t *items = json_array();
    if (!items)
        return error_set(err, ERR_NOMEM, "day list");
    if (!schedule_staff_each(err, req, req->op.principal.user_id, req->op.principal.org_id, d, d,
                             false, add_visit, items)) {
        json_decref(items);
        return false;
    }
    response_json(req, 200, json_pack("{s:s, s:o}", "date", d, "items", items));
    return true;
}
