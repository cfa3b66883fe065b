/* SPDX-License-Identifier: Apache-2.0 */
/* GET /fhir/metadata: the CapabilityStatement, generated from the tables the server runs on
 * (the stored and view types, search_params.def), so it describes exactly what is implemented. */
#include <string.h>

#include "fhir/search_params.h"
#include "rest.h"
#include "rest_int.h"

static const char *param_type_name(enum fhir_param_type t)
{
    static const char *const names[] = {"token",    "string", "date", "reference",
                                        "quantity", "number", "uri"};
    return names[t];
}

static json_t *interactions(bool view)
{
    static const char *const all[] = {"read",         "vread",       "create",
                                      "update",       "delete",      "history-instance",
                                      "history-type", "search-type", NULL};
    json_t *a = json_array();
    for (int i = 0; all[i]; i++)
        if (!view || !strcmp(all[i], "read") || !strcmp(all[i], "search-type"))
            json_array_append_new(a, json_pack("{s:s}", "code", all[i]));
    return a;
}

/* The parameters a view type answers (its struct fhir_view). */
static json_t *view_params(const struct fhir_view *v)
{
    json_t *a = json_array();
    for (const struct fhir_view_param *p = v->params; p && p->name; p++)
        json_array_append_new(a, json_pack("{s:s, s:s}", "name", p->name, "type", p->type));
    return a;
}

static json_t *resource_entry(const char *type, bool view)
{
    json_t *r = json_pack("{s:s, s:o, s:s, s:b, s:b}", "type", type, "interaction",
                          interactions(view), "versioning", view ? "no-version" : "versioned",
                          "readHistory", !view, "updateCreate", !view);
    if (view) {
        json_object_set_new(r, "searchParam", view_params(fhir_view_find(type)));
        return r;
    }
    const struct fhir_search_param *p = fhir_search_params(type);
    json_t *params = json_array(), *incs = json_array(), *revs = json_array();
    for (int i = 0; p && p[i].name; i++) {
        json_array_append_new(
            params, json_pack("{s:s, s:s}", "name", p[i].name, "type", param_type_name(p[i].type)));
        if (p[i].type == FHIR_PARAM_REFERENCE) {
            char spec[96];
            snprintf(spec, sizeof spec, "%s:%s", type, p[i].name);
            json_array_append_new(incs, json_string(spec));
            json_array_append_new(revs, json_string(spec));
        }
    }
    /* R4 JSON has no empty arrays: leave out what a type does not have */
    const char *names[] = {"searchParam", "searchInclude", "searchRevInclude"};
    json_t *lists[] = {params, incs, revs};
    for (int i = 0; i < 3; i++) {
        if (json_array_size(lists[i]))
            json_object_set_new(r, names[i], lists[i]);
        else
            json_decref(lists[i]);
    }
    if (!strcmp(type, "Composition"))
        json_object_set_new(
            r, "operation",
            json_pack("[{s:s, s:s}]", "name", "document", "definition",
                      "http://hl7.org/fhir/OperationDefinition/Composition-document"));
    return r;
}

bool fhir_metadata(struct error *err, struct request *req)
{
    (void)err;
    json_t *resources = json_array();
    for (const struct module *const *m = modules_all; *m; m++)
        for (const struct fhir_view *const *v = (*m)->fhir_views; v && *v; v++) {
            json_t *r = resource_entry((*v)->type, true);
            if (!strcmp((*v)->type, "Patient"))
                json_object_set_new(
                    r, "operation",
                    json_pack("[{s:s, s:s}, {s:s, s:s}]", "name", "everything", "definition",
                              "http://hl7.org/fhir/OperationDefinition/Patient-everything", "name",
                              "match", "definition",
                              "http://hl7.org/fhir/OperationDefinition/Patient-match"));
            json_array_append_new(resources, r);
        }
    for (int i = 0; fhir_stored_types[i]; i++)
        json_array_append_new(resources, resource_entry(fhir_stored_types[i], false));
    json_t *cs = json_pack(
        "{s:s, s:s, s:s, s:s, s:s, s:s, s:{s:s, s:s}, s:s, s:[s, s], s:[{s:s, s:{s:b, s:s}, "
        "s:o, s:[{s:s}, {s:s}]}]}",
        "resourceType", "CapabilityStatement", "status", "active", "date", "2026-11-22", "kind",
        "instance", "fhirVersion", "4.0.1", "name", "TsunaguFhirServer", "software", "name",
        "tsunagu", "version", "0.1", "publisher", "tsunagu", "format", "application/fhir+json",
        "json", "rest", "mode", "server", "security", "cors", 0, "description",
        "API token (Authorization: Bearer) or the web UI session with X-CSRF-Token. Access to "
        "each patient's record is decided by care team and consent; searches return only what "
        "the caller may see.",
        "resource", resources, "interaction", "code", "transaction", "code", "batch");
    json_object_set_new(cs, "implementation",
                        json_pack("{s:s, s:s}", "description", "tsunagu regional FHIR store", "url",
                                  fhir_base_url(req)));
    response_fhir(req, 200, cs);
    return true;
}
