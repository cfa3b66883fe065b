/* SPDX-License-Identifier: Apache-2.0 */
/* The demo region's clinical records (src/demo/demo_clinical*.c: FHIR resources of the
 * patients' histories), stored as their recording organisation and user. */
#include "demo/demo_clinical.h"
#include "rest_int.h"

struct clinical_ctx {
    struct store_conn *conn;
    struct fhir_env env;
};

/* Stores one resource of the clinical history as its recording organisation and user. */
static bool load_clinical(struct error *err, const struct demo_resource *r, void *arg)
{
    struct clinical_ctx *c = arg;
    char org[UUID_STR_LEN], user[UUID_STR_LEN];
    demo_clinical_uuid(org, "org", r->org_code);
    demo_clinical_uuid(user, "user", r->user_login);
    struct fhir_actor actor = {.org_id = org, .user_id = user};
    json_t *copy = json_deep_copy(r->resource);
    const char *id = json_string_value(json_object_get(copy, "id"));
    struct fhir_row row;
    bool created;
    bool ok = copy && fhir_store_put(err, c->conn, &c->env, &actor, copy, id, 0, &row, &created);
    json_decref(copy);
    return ok;
}

bool fhir_demo_load(struct error *err, struct op *op)
{
    struct clinical_ctx clinical = {op->conn, {.blobs = op->env->blobs}};
    return demo_clinical_each(err, load_clinical, &clinical);
}
