/* SPDX-License-Identifier: Apache-2.0 */
/* What the parts of the homecare module share: reading rows into structs, the canonical JSON a
 * signature's SHA-256 is taken of, and the care team's organisations that hear of a change. */
#include <stdio.h>
#include <stdlib.h>

#include "access/access.h"
#include "homecare_int.h"

const char *homecare_text_or_null(struct op *op, struct store_stmt *s, int col)
{
    return store_is_null(s, col) ? NULL : arena_strdup(op->arena, store_text(s, col));
}

const char *homecare_canonical(struct op *op, const json_t *j)
{
    char *text = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(15));
    if (!text)
        return NULL;
    const char *out = arena_strdup(op->arena, text);
    free(text);
    return out;
}

int homecare_team_orgs(struct error *err, struct store_conn *conn, const char *patient_id,
                       char orgs[][UUID_STR_LEN])
{
    struct store_stmt *s = store_query(err, conn,
                                       "SELECT DISTINCT org_id FROM care_team WHERE "
                                       "patient_id = ? AND removed_at IS NULL ORDER BY org_id",
                                       "t", patient_id);
    if (!s)
        return -1;
    int n = 0;
    enum store_step_result r = STORE_DONE;
    while (n < HOMECARE_TEAM_MAX && (r = store_step(err, s)) == STORE_ROW)
        text_copy(orgs[n++], UUID_STR_LEN, store_text(s, 0));
    store_done(s);
    return r == STORE_FAIL ? -1 : n;
}

bool homecare_publish_team(struct error *err, struct op *op, const char *patient_id,
                           const char *topic, json_t *event)
{
    char(*orgs)[UUID_STR_LEN] = arena_alloc(op->arena, HOMECARE_TEAM_MAX * UUID_STR_LEN);
    int n = orgs ? homecare_team_orgs(err, op->conn, patient_id, orgs) : -1;
    bool ok = n >= 0 && event;
    if (!orgs || (n >= 0 && !event))
        error_set(err, ERR_NOMEM, "event");
    for (int i = 0; ok && i < n; i++) {
        bool sees;
        ok = access_org_sees(err, op->conn, orgs[i], patient_id, DATA_CLINICAL, &sees);
        if (ok && sees)
            op_publish_json(op, topic, orgs[i], json_incref(event));
    }
    json_decref(event);
    return ok;
}

void homecare_as_document(json_t *v, const char *key)
{
    json_object_set(v, "version_id", json_object_get(v, "id"));
    json_object_set(v, "id", json_object_get(v, key));
    json_object_del(v, key);
}

json_t *homecare_versions_document(struct error *err, json_t *versions, const char *key,
                                   enum error_code not_found)
{
    size_t n = json_array_size(versions);
    if (n == 0) {
        json_decref(versions);
        error_set(err, not_found, NULL);
        return NULL;
    }
    json_t *out = json_deep_copy(json_array_get(versions, n - 1));
    homecare_as_document(out, key);
    json_object_set_new(out, "versions", versions);
    return out;
}
