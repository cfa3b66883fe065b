/* SPDX-License-Identifier: Apache-2.0 */
/* The pre-examination checklists (issue 13, item 4): a hospital sets, per kind of examination of
 * its shared equipment (an equipment code, or "contrast" for any examination with contrast
 * medium), the items the ordering clinic confirms when it books (ペースメーカー・体内金属 for MRI,
 * 妊娠の可能性 and 絶食 for contrast). The booking keeps which items were ticked. */
#include <stdlib.h>
#include <string.h>

#include "booking_int.h"
#include "core/clock.h"
#include "core/jsonv.h"
#include "directory/directory.h"

enum { CHECKLIST_ITEMS_MAX = 12, CHECKLIST_ITEM_MAX = 100 };

#define CONTRAST_KIND "contrast"

static bool kind_known(const char *kind)
{
    if (strcmp(kind, CONTRAST_KIND) == 0)
        return true;
    for (const char *const *c = dir_equipment_codes; *c; c++)
        if (strcmp(*c, kind) == 0)
            return true;
    return false;
}

/* The items of org_id's checklist of kind (a new array, empty when none is set). */
static json_t *items_of(struct error *err, struct store_conn *conn, const char *org_id,
                        const char *kind)
{
    struct store_stmt *s = store_query(
        err, conn, "SELECT items FROM equipment_checklists WHERE org_id = ? AND exam_kind = ?",
        "tt", org_id, kind);
    if (!s)
        return NULL;
    enum store_step_result r = store_step(err, s);
    json_t *items = r == STORE_ROW ? json_loads(store_text(s, 0), 0, NULL) : NULL;
    store_done(s);
    if (r == STORE_FAIL)
        return NULL;
    return json_is_array(items) ? items : (json_decref(items), json_array());
}

json_t *booking_checklist_for(struct error *err, struct store_conn *conn, const char *org_id,
                              const char *equipment, const char *exam)
{
    json_t *all = items_of(err, conn, org_id, equipment);
    if (!all || !booking_exam_uses_contrast(exam))
        return all;
    json_t *contrast = items_of(err, conn, org_id, CONTRAST_KIND);
    if (!contrast || json_array_extend(all, contrast) != 0) {
        json_decref(contrast);
        json_decref(all);
        return err->code ? NULL : (error_set(err, ERR_NOMEM, NULL), NULL);
    }
    json_decref(contrast);
    return all;
}

/* The booking's answer: every item of the list that applies with whether it was ticked; a ticked
 * item that is not on the list is refused (422 naming "checklist"). */
json_t *booking_checklist_answer(struct error *err, struct request *req, const char *org_id,
                                 const char *equipment, const char *exam)
{
    const json_t *ticked = json_object_get(req->json, "checklist");
    json_t *list = booking_checklist_for(err, req->op.conn, org_id, equipment, exam);
    if (!list)
        return NULL;
    size_t i, j;
    json_t *t, *item;
    json_array_foreach(ticked, i, t)
    {
        bool listed = false;
        json_array_foreach(list, j, item) listed |= json_equal(item, t);
        if (!listed) {
            json_decref(list);
            return (error_set(err, ERR_BOOKING_CHECKLIST_UNKNOWN, "checklist"), NULL);
        }
    }
    json_t *answer = json_array();
    json_array_foreach(list, j, item)
    {
        bool checked = false;
        json_array_foreach(ticked, i, t) checked |= json_equal(item, t);
        json_array_append_new(answer, json_pack("{s:O, s:b}", "item", item, "checked", checked));
    }
    json_decref(list);
    return answer;
}

bool booking_checklists_list(struct error *err, struct request *req)
{
    if (!request_query_check(err, req, (const char *const[]){"org_id", NULL}))
        return false;
    const char *org = request_query(req, "org_id");
    if (org && !ids_uuid_valid(org))
        return error_set(err, ERR_FIELD_VALUE, "org_id");
    if (!org && !request_require_org(err, req))
        return false;
    org = org ? org : req->op.principal.org_id;
    struct store_stmt *s = store_query(err, req->op.conn,
                                       "SELECT exam_kind, items FROM equipment_checklists "
                                       "WHERE org_id = ? ORDER BY exam_kind",
                                       "t", org);
    json_t *items = json_array();
    enum store_step_result r = STORE_FAIL;
    while (s && (r = store_step(err, s)) == STORE_ROW) {
        json_t *list = json_loads(store_text(s, 1), 0, NULL);
        json_array_append_new(items, json_pack("{s:s, s:o}", "kind", store_text(s, 0), "items",
                                               list ? list : json_array()));
    }
    store_done(s);
    if (r == STORE_FAIL) {
        json_decref(items);
        return false;
    }
    response_json(req, 200, json_pack("{s:s, s:o}", "org_id", org, "items", items));
    return true;
}

bool booking_checklists_set(struct error *err, struct request *req)
{
    static const struct jfield fields[] = {
        {"items", JV_STRING_ARRAY, true, CHECKLIST_ITEMS_MAX, NULL},
        {NULL, 0, false, 0, NULL},
    };
    const char *kind = request_param(req, 0);
    if (!jsonv_check(err, req->json, fields))
        return false;
    if (!kind_known(kind))
        return error_set(err, ERR_FIELD_VALUE, "kind");
    json_t *items = json_array();
    arena_cleanup_add(req->op.arena, (arena_cleanup_fn)json_decref, items);
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(req->json, "items"), i, v)
    {
        const char *text = api_trimmed(req, json_string_value(v));
        if (!text[0] || utf8_length(text) > CHECKLIST_ITEM_MAX)
            return error_set(err, ERR_FIELD_VALUE, "items[%zu]", i);
        json_array_append_new(items, json_string(text));
    }
    char *text = json_dumps(items, JSON_COMPACT);
    if (!text)
        return error_set(err, ERR_NOMEM, NULL);
    const char *stored = arena_strdup(req->op.arena, text);
    free(text);
    const char *org = req->op.principal.org_id;
    if (!request_require_org(err, req) || !dir_may_edit(err, req, org) ||
        !op_write_begin(err, &req->op) ||
        !store_exec(err, req->op.conn, NULL,
                    "INSERT INTO equipment_checklists (org_id, exam_kind, items, updated_at, "
                    "updated_by) VALUES (?, ?, ?, ?, ?) ON CONFLICT (org_id, exam_kind) DO UPDATE "
                    "SET items = excluded.items, updated_at = excluded.updated_at, "
                    "updated_by = excluded.updated_by",
                    "tttit", org, kind, stored, clock_now_ms(), req->op.principal.user_id))
        return false;
    req->object_type = "equipment_checklist";
    req->object_id = arena_printf(req->op.arena, "%s/%s", org, kind);
    response_json(req, 200,
                  json_pack("{s:s, s:s, s:O}", "org_id", org, "kind", kind, "items", items));
    return true;
}
