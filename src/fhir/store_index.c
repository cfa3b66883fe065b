/* SPDX-License-Identifier: Apache-2.0 */
#include "store_index.h"

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

struct index_arg {
    struct store_conn *conn;
    int64_t rid;
};

/* ON CONFLICT DO NOTHING: the same value reached through two paths is one index row. */
static bool index_emit(struct error *err, const struct fhir_index_value *v, void *arg)
{
    struct index_arg *a = arg;
    const char *name = v->param->name;
    switch (v->param->type) {
    case FHIR_PARAM_TOKEN:
        return store_exec(err, a->conn, NULL,
                          "INSERT INTO fhir_idx_token (rid, name, code, system) "
                          "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                          "ittt", a->rid, name, v->token.code,
                          v->token.system ? v->token.system : "");
    case FHIR_PARAM_STRING:
        return store_exec(err, a->conn, NULL,
                          "INSERT INTO fhir_idx_string (rid, name, key, original) "
                          "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                          "ittt", a->rid, name, v->string.key, v->string.original);
    case FHIR_PARAM_DATE:
        return store_exec(err, a->conn, NULL,
                          "INSERT INTO fhir_idx_date (rid, name, low, high) "
                          "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                          "itii", a->rid, name, v->date.low_ms, v->date.high_ms);
    case FHIR_PARAM_REFERENCE:
        return store_exec(
            err, a->conn, NULL,
            "INSERT INTO fhir_idx_ref (rid, name, ref) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            "itt", a->rid, name, v->reference);
    case FHIR_PARAM_QUANTITY:
        return store_exec(err, a->conn, NULL,
                          "INSERT INTO fhir_idx_quantity (rid, name, value, system, code) "
                          "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                          "itdtt", a->rid, name, v->quantity.value,
                          v->quantity.system ? v->quantity.system : "",
                          v->quantity.code   ? v->quantity.code
                          : v->quantity.unit ? v->quantity.unit
                                             : "");
    case FHIR_PARAM_NUMBER:
        return store_exec(err, a->conn, NULL,
                          "INSERT INTO fhir_idx_quantity (rid, name, value, system, "
                          "code) VALUES (?, ?, ?, '', '') ON CONFLICT DO NOTHING",
                          "itd", a->rid, name, v->number);
    case FHIR_PARAM_URI:
        return store_exec(
            err, a->conn, NULL,
            "INSERT INTO fhir_idx_uri (rid, name, uri) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
            "itt", a->rid, name, v->uri);
    }
    return true;
}

bool fhir_index_write(struct error *err, struct store_conn *conn, int64_t rid, const json_t *res,
                      const char *base_url, bool replace)
{
    if (replace && !fhir_index_clear(err, conn, rid))
        return false;
    struct index_arg a = {conn, rid};
    return fhir_index_extract(err, res, base_url, index_emit, &a);
}
