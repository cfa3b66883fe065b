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
