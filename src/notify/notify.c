/* SPDX-License-Identifier: Apache-2.0 */
#include "notify.h"

#include <stdio.h>
#include <stdlib.h>

#include "core/ids.h"

static bool notify_to(struct error *err, struct op *op, const char *org_id, const char *user_id,
                      const struct notify_message *m)
{
    char id[UUID_STR_LEN];
    if (m->id)
        snprintf(id, sizeof id, "%s", m->id);
    else
        ids_uuid_new(id);
    char *summary = json_dumps(m->summary, JSON_COMPACT);
    if (!summary)
        return error_set(err, ERR_NOMEM, NULL);
    bool ok = op_write_begin(err, op) &&
              store_exec(err, op->conn, NULL,
                         "INSERT INTO notifications (id, org_id, kind, patient_id, ref_id, "
                         "summary, created_at, audience, user_id) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                         "ttttttitt", id, org_id, m->kind, m->patient_id, m->ref_id, summary,
                         op->now_ms, m->admins_only ? "admins" : "members", user_id);
    free(summary);
    if (!ok)
        return false;
    json_t *event = json_pack("{s:s, s:s}", "id", id, "kind", m->kind);
    if (event && m->event)
        json_object_update(event, (json_t *)m->event);
    op_publish_user_json(op, "notification", org_id, user_id, event);
    return true;
}

bool notify_org(struct error *err, struct op *op, const char *org_id,
                const struct notify_message *m)
{
    return notify_to(err, op, org_id, NULL, m);
}

bool notify_user(struct error *err, struct op *op, const char *org_id, const char *user_id,
                 const struct notify_message *m)
{
    return notify_to(err, op, org_id, user_id, m);
}

bool notify_care_team(struct error *err, struct op *op, const char *except_org,
                      const struct notify_message *m)
{
    struct store_stmt *s =
        store_query(err, op->conn,
                    "SELECT DISTINCT org_id FROM care_team WHERE patient_id = ? AND "
                    "removed_at IS NULL AND org_id <> ? ORDER BY org_id",
                    "tt", m->patient_id, except_org ? except_org : "");
    if (!s)
        return false;
    json_t *orgs = json_array();
    enum store_step_result r;
    while ((r = store_step(err, s)) == STORE_ROW)
        json_array_append_new(orgs, json_string(store_text(s, 0)));
    store_done(s);
    bool ok = r != STORE_FAIL;
    for (size_t i = 0; ok && i < json_array_size(orgs); i++) {
        const char *org = json_string_value(json_array_get(orgs, i));
        bool sees;
        ok = access_org_sees(err, op->conn, org, m->patient_id, DATA_DEMOGRAPHICS, &sees) &&
             (!sees || notify_org(err, op, org, m));
    }
    json_decref(orgs);
    return ok;
}
