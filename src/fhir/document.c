/* SPDX-License-Identifier: Apache-2.0 */
/* GET /fhir/Composition/{id}/$document (R4 Composition-document): the document Bundle of a
 * Composition such as a 診療情報提供書 (LOINC 57133-1) or a 退院時サマリー (18842-5), in the
 * JP-CLINS shape: the Composition first, then the resources it references (subject, encounter,
 * authors, custodian, attester, section entries and what those reference in turn), each read
 * through the same access decision as any other read. */
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/ids.h"
#include "rest.h"
#include "rest_int.h"

enum { DOCUMENT_ENTRIES_MAX = 500, DOCUMENT_DEPTH = 2 };

struct doc {
    struct request *req;
    json_t *bundle;
    json_t *seen; /* "Type/id" → true */
};

static bool add_resource(struct error *err, struct doc *d, json_t *res);

/* Adds every resource res references (not yet in the document), to depth levels below it. */
static bool add_references(struct error *err, struct doc *d, const json_t *j, int depth)
{
    if (json_is_object(j)) {
        const char *key;
        json_t *v;
        json_object_foreach((json_t *)j, key, v)
        {
            if (strcmp(key, "contained") == 0)
                continue;
            if (strcmp(key, "reference") == 0 && json_is_string(v)) {
                const char *ref = json_string_value(v);
                if (json_object_get(d->seen, ref) ||
                    json_array_size(json_object_get(d->bundle, "entry")) >= DOCUMENT_ENTRIES_MAX)
                    continue;
                json_object_set_new(d->seen, ref, json_true());
                json_t *target;
                if (!fhir_read_ref(err, d->req, ref, &target))
                    return false;
                bool ok = !target || (add_resource(err, d, target) &&
                                      (depth <= 1 || add_references(err, d, target, depth - 1)));
                json_decref(target); /* the Bundle holds its own reference */
                if (!ok)
                    return false;
            } else if (!add_references(err, d, v, depth)) {
                return false;
            }
        }
    } else if (json_is_array(j)) {
        for (size_t i = 0; i < json_array_size(j); i++)
            if (!add_references(err, d, json_array_get(j, i), depth))
                return false;
    }
    return true;
}

static bool add_resource(struct error *err, struct doc *d, json_t *res)
{
    const char *type = json_string_value(json_object_get(res, "resourceType"));
    const char *id = json_string_value(json_object_get(res, "id"));
    json_t *e =
        json_pack("{s:s, s:O}", "fullUrl",
                  arena_printf(d->req->op.arena, "%s/%s/%s", fhir_base_url(d->req), type, id),
                  "resource", res);
    if (!e || json_array_append_new(json_object_get(d->bundle, "entry"), e) != 0)
        return error_set(err, ERR_NOMEM, NULL);
    return true;
}

bool fhir_document_bundle(struct error *err, struct request *req, const char *id, json_t **out)
{
    *out = NULL;
    json_t *comp = NULL;
    if (!fhir_id_valid(id) ||
        !fhir_read_ref(err, req, arena_printf(req->op.arena, "Composition/%s", id), &comp))
        return err->code ? false : error_set(err, ERR_FHIR_NOT_FOUND, "Composition/%s", id);
    if (!comp) {
        /* fhir_read_ref leaves out what does not exist or may not be seen: tell which */
        struct fhir_row row;
        bool found = false;
        if (!fhir_store_lookup(err, req->op.conn, "Composition", id, &row, &found))
            return false;
        if (!found || row.deleted) {
            req->access_checked = true;
            return error_set(err, found ? ERR_FHIR_GONE : ERR_FHIR_NOT_FOUND, "Composition/%s", id);
        }
        return fhir_allow(err, req, row.patient_id, "Composition", id, ACCESS_READ) &&
               error_set(err, ERR_FHIR_NOT_FOUND, "Composition/%s", id);
    }
    arena_cleanup_add(req->op.arena, (arena_cleanup_fn)json_decref, comp);
    char uuid[UUID_STR_LEN], now[32];
    ids_uuid_new(uuid);
    clock_format_iso(clock_now_ms(), now);
    json_t *bundle = json_pack("{s:s, s:{s:s, s:s}, s:s, s:s, s:[]}", "resourceType", "Bundle",
                               "identifier", "system", "urn:ietf:rfc:3986", "value",
                               arena_printf(req->op.arena, "urn:uuid:%s", uuid), "type", "document",
                               "timestamp", now, "entry");
    json_t *seen = json_object();
    arena_cleanup_add(req->op.arena, (arena_cleanup_fn)json_decref, seen);
    json_object_set_new(seen, arena_printf(req->op.arena, "Composition/%s", id), json_true());
    struct doc d = {req, bundle, seen};
    if (!bundle || !add_resource(err, &d, comp) || !add_references(err, &d, comp, DOCUMENT_DEPTH)) {
        json_decref(bundle);
        return err->code ? false : error_set(err, ERR_NOMEM, "document");
    }
    *out = bundle;
    return true;
}

bool fhir_document(struct error *err, struct request *req)
{
    const char *id = request_param(req, 0);
    req->object_type = "Composition";
    req->object_id = id;
    json_t *bundle;
    if (!fhir_document_bundle(err, req, id, &bundle))
        return false;
    response_fhir(req, 200, bundle);
    return true;
}
