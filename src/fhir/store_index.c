/* SPDX-License-Identifier: Apache-2.0 */
#include "store_index.h"

#include <stdlib.h>
#include <string.h>

#include "fhir/search_params.h"

bool fhir_index_clear(struct error *err, struct store_conn *conn, int64_t rid)
{
    static const char *const sql[] = {
        "DELETE FROM fhir_idx_token WHERE rid = ?",    "DELETE FROM fhir_idx_string WHERE rid = ?",
        "DELETE FROM fhir_idx_date WHERE rid = ?",     "DELETE FROM fhir_idx_ref WHERE rid = ?",
        "DELETE FROM fhir_idx_quantity WHERE rid = ?", "DELETE FROM fhir_idx_uri WHERE rid = ?",
    };
    for (size_t i = 0; i < sizeof sql / sizeof sql[0]; i++)
        if (!store_exec(err, conn, NULL, sql[i], "i", rid))
            return false;
    return true;
}

void fhir_index_rows_free(struct fhir_index_rows *rows)
{
    for (size_t i = 0; i < rows->n; i++)
        for (int t = 0; t < 3; t++)
            free(rows->rows[i].text[t]);
    free(rows->rows);
    *rows = (struct fhir_index_rows){0};
}

/* The texts of a row as its table stores them ("" for an absent system or code). */
static void row_texts(const struct fhir_index_value *v, const char *text[3])
{
    switch (v->param->type) {
    case FHIR_PARAM_TOKEN:
        text[0] = v->token.code;
        text[1] = v->token.system ? v->token.system : "";
        break;
    case FHIR_PARAM_STRING:
        text[0] = v->string.key;
        text[1] = v->string.original;
        break;
    case FHIR_PARAM_REFERENCE:
        text[0] = v->reference;
        break;
    case FHIR_PARAM_QUANTITY:
        text[0] = v->quantity.system ? v->quantity.system : "";
        text[1] = v->quantity.code ? v->quantity.code : v->quantity.unit ? v->quantity.unit : "";
        break;
    case FHIR_PARAM_URI:
        text[0] = v->uri;
        break;
    default:
        break;
    }
}

static bool collect_emit(struct error *err, const struct fhir_index_value *v, void *arg)
{
    struct fhir_index_rows *rows = arg;
    const char *name = v->param->name;
    if (strcmp(name, "_id") == 0 || strcmp(name, "_lastUpdated") == 0)
        return true; /* search reads them from fhir_resources */
    if (rows->n == rows->cap) {
        size_t cap = rows->cap ? 2 * rows->cap : 16;
        struct fhir_index_row *more = realloc(rows->rows, cap * sizeof *more);
        if (!more)
            return error_set(err, ERR_NOMEM, NULL);
        rows->rows = more;
        rows->cap = cap;
    }
    struct fhir_index_row *r = &rows->rows[rows->n];
    *r = (struct fhir_index_row){.param = v->param,
                                 .low = v->date.low_ms,
                                 .high = v->date.high_ms,
                                 .value = v->param->type == FHIR_PARAM_NUMBER ? v->number
                                                                              : v->quantity.value};
    const char *text[3] = {NULL, NULL, NULL};
    row_texts(v, text);
    rows->n++; /* before the copies: fhir_index_rows_free frees what was copied */
    for (int t = 0; t < 3; t++)
        if (text[t] && !(r->text[t] = strdup(text[t])))
            return error_set(err, ERR_NOMEM, NULL);
    return true;
}

bool fhir_index_collect(struct error *err, const json_t *res, const char *base_url,
                        struct fhir_index_rows *out)
{
    return fhir_index_extract(err, res, base_url, collect_emit, out);
}

/* ON CONFLICT DO NOTHING: the same value reached through two paths is one index row. */
static bool insert_row(struct error *err, struct store_conn *conn, int64_t rid,
                       const struct fhir_index_row *r)
{
    const char *name = r->param->name;
    char *const *t = r->text;
    switch (r->param->type) {
    case FHIR_PARAM_TOKEN:
        return store_exec(err, conn, NULL,
                          "INSERT INTO fhir_idx_token (rid, name, code, system) "
                          "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                          "ittt", rid, name, t[0], t[1]);
    case FHIR_PARAM_STRING:
        return store_exec(err, conn, NULL,
                          "INSERT INTO fhir_idx_string (rid, name, key, original) "
                          "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                          "ittt", rid, name, t[0], t[1]);
    case FHIR_PARAM_DATE:
        return store_exec(err, conn, NULL,
                          "INSERT INTO fhir_idx_date (rid, name, low, high) "
                          "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                          "itii", rid, name, r->low, r->high);
    case FHIR_PARAM_REFERENCE:
        return store_exec(
            err, conn, NULL,
            "INSERT INTO fhir_idx_ref (rid, name, ref) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            "itt", rid, name, t[0]);
    case FHIR_PARAM_QUANTITY:
        return store_exec(err, conn, NULL,
                          "INSERT INTO fhir_idx_quantity (rid, name, value, system, code) "
                          "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                          "itdtt", rid, name, r->value, t[0], t[1]);
    case FHIR_PARAM_NUMBER:
        return store_exec(err, conn, NULL,
                          "INSERT INTO fhir_idx_quantity (rid, name, value, system, "
                          "code) VALUES (?, ?, ?, '', '') ON CONFLICT DO NOTHING",
                          "itd", rid, name, r->value);
    case FHIR_PARAM_URI:
        return store_exec(
            err, conn, NULL,
            "INSERT INTO fhir_idx_uri (rid, name, uri) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            "itt", rid, name, t[0]);
    }
    return true;
}

bool fhir_index_insert(struct error *err, struct store_conn *conn, int64_t rid,
                       const struct fhir_index_rows *rows)
{
    for (size_t i = 0; i < rows->n; i++)
        if (!insert_row(err, conn, rid, &rows->rows[i]))
            return false;
    return true;
}

bool fhir_index_write(struct error *err, struct store_conn *conn, int64_t rid, const json_t *res,
                      const char *base_url, bool replace)
{
    struct fhir_index_rows rows = {0};
    bool ok = fhir_index_collect(err, res, base_url, &rows) &&
              (!replace || fhir_index_clear(err, conn, rid)) &&
              fhir_index_insert(err, conn, rid, &rows);
    fhir_index_rows_free(&rows);
    return ok;
}
