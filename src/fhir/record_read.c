/* SPDX-License-Identifier: Apache-2.0 */
/* Reading a patient's record from another feature (the referral draft, the safety summary):
 * the same search as /fhir, restricted to the request's patient and to what its principal may
 * see, and the few readers of resource fields such features need. */
#include "fhir/rest.h"

bool fhir_record_each(struct error *err, struct request *req, const char *type,
                      const struct fhir_qparam *params, int n, fhir_record_fn fn, void *arg)
{
    struct fhir_search_in in = {.type = type,
                                .params = params,
                                .n = n,
                                .base_url = fhir_base_url(req),
                                .compartment = req->patient_id,
                                .visibility_decided = true};
    access_rule_args_of(&req->op.principal, &in.viewer.rule);
    struct fhir_search_out out;
    bool ok = fhir_search(err, req->op.conn, &in, &out);
    for (size_t i = 0; ok && i < out.n; i++) {
        if (out.hits[i].include)
            continue;
        json_t *res = json_loads(out.hits[i].json, 0, NULL);
        if (!res) {
            ok = error_set(err, ERR_INTERNAL, "stored %s unreadable", type);
            break;
        }
        ok = fn(err, req, res, arg);
        json_decref(res);
    }
    fhir_search_free(&out);
    return ok;
}

const char *fhir_json_str(const json_t *j, const char *key)
{
    const char *s = json_string_value(json_object_get(j, key));
    return s ? s : "";
}

const char *fhir_concept_text(const json_t *cc)
{
    const json_t *coding = json_array_get(json_object_get(cc, "coding"), 0);
    if (fhir_json_str(cc, "text")[0])
        return fhir_json_str(cc, "text");
    return fhir_json_str(coding, "display")[0] ? fhir_json_str(coding, "display")
                                               : fhir_json_str(coding, "code");
}
