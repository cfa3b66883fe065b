/* SPDX-License-Identifier: Apache-2.0 */
/* Query results as JSON arrays: the one loop every list answer shares. */
#include "api.h"
#include "core/clock.h"

json_t *api_counts(struct error *err, struct store_stmt *s, const char *const *codes)
{
    if (!s)
        return NULL;
    json_t *counts = json_object();
    for (; *codes; codes++)
        json_object_set_new(counts, *codes, json_integer(0));
    enum store_step_result r;
    while ((r = store_step(err, s)) == STORE_ROW)
        json_object_set_new(counts, store_text(s, 0), json_integer(store_int(s, 1)));
    store_done(s);
    if (r == STORE_FAIL) {
        json_decref(counts);
        return NULL;
    }
    return counts;
}

json_t *api_rows(struct error *err, struct store_stmt *s, api_row_fn row)
{
    if (!s)
        return NULL;
    json_t *items = json_array();
    enum store_step_result r;
    while ((r = store_step(err, s)) == STORE_ROW)
        json_array_append_new(items, row(s));
    store_done(s);
    if (r == STORE_FAIL) {
        json_decref(items);
        return NULL;
    }
    return items;
}

bool api_respond_items(struct request *req, json_t *items)
{
    if (!items)
        return false;
    response_json(req, 200, json_pack("{s:o}", "items", items));
    return true;
}

json_t *api_time_or_null(struct store_stmt *s, int col)
{
    if (store_is_null(s, col))
        return json_null();
    char t[32];
    clock_format_iso(store_int(s, col), t);
    return json_string(t);
}

json_t *api_text_or_null(struct store_stmt *s, int col)
{
    return store_is_null(s, col) ? json_null() : json_string(store_text(s, col));
}

json_t *api_id_name(struct store_stmt *s, int id_col, int name_col)
{
    if (store_is_null(s, id_col))
        return json_null();
    return json_pack("{s:s, s:o}", "id", store_text(s, id_col), "name",
                     api_text_or_null(s, name_col));
}

json_t *api_code_labels(const struct code_label *list)
{
    json_t *items = json_array();
    for (const struct code_label *c = list; c->code; c++)
        json_array_append_new(
            items, json_pack("{s:s, s:s, s:s}", "code", c->code, "ja", c->ja, "en", c->en));
    return items;
}

json_t *api_texts(const struct request *req, const struct api_text *texts, size_t n)
{
    json_t *out = json_object();
    for (size_t i = 0; i < n; i++)
        json_object_set_new(out, texts[i].key,
                            json_string(req->english ? texts[i].en : texts[i].ja));
    return out;
}
