/* SPDX-License-Identifier: Apache-2.0 */
#include "store.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "fhir/search_params.h"
#include "fhir/validate.h"
#include "store_index.h"

const char *const fhir_stored_types[] = {
    "Practitioner",
    "PractitionerRole",
    "Encounter",
    "Condition",
    "AllergyIntolerance",
    "MedicationRequest",
    "MedicationStatement",
    "Observation",
    "DiagnosticReport",
    "DocumentReference",
    "Binary",
    "Composition",
    "Bundle",
    "ServiceRequest",
    "Task",
    "Appointment",
    "CarePlan",
    "Communication",
    "Flag",
    NULL,
};

static bool in_list(const char *const *list, const char *s)
{
    for (; *list; list++)
        if (strcmp(*list, s) == 0)
            return true;
    return false;
}

bool fhir_type_stored(const char *type)
{
    return type && in_list(fhir_stored_types, type);
}

bool fhir_type_emergency(const char *type)
{
    static const char *const types[] = {"Patient",
                                        "AllergyIntolerance",
                                        "Condition",
                                        "Flag",
                                        "MedicationRequest",
                                        "MedicationStatement",
                                        "DocumentReference",
                                        "Composition",
                                        "Binary",
                                        NULL};
    return type && in_list(types, type);
}

bool fhir_id_valid(const char *id)
{
    size_t n = id ? strlen(id) : 0;
    if (n == 0 || n > FHIR_ID_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = id[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '.'))
            return false;
    }
    return true;
}

/* ---- compartment --------------------------------------------------------------------- */

/* Takes the patient id out of a "Patient/<id>" reference into out; a reference to anything
 * else is ignored, a second different patient is an error. */
static bool note_patient(struct error *err, const char *ref, const char *base_url,
                         const char *where, char out[UUID_STR_LEN])
{
    char norm[160];
    if (!fhir_reference_normalize(ref, base_url, norm, sizeof norm) ||
        strncmp(norm, "Patient/", 8) != 0)
        return true;
    const char *id = norm + 8;
    if (!ids_uuid_valid(id))
        return error_set(err, ERR_FHIR_REFERENCE, "%s: no such patient %s", where, id);
    if (out[0] && strcmp(out, id) != 0)
        return error_set(err, ERR_FHIR_COMPARTMENT, "%s: names two different patients", where);
    memcpy(out, id, UUID_STR_LEN);
    return true;
}

static const char *ref_of(const json_t *reference)
{
    return json_string_value(json_object_get(reference, "reference"));
}

struct compartment_arg {
    const char *base_url;
    char *out;
};

static bool compartment_emit(struct error *err, const struct fhir_index_value *v, void *arg)
{
    struct compartment_arg *a = arg;
    if (v->param->type != FHIR_PARAM_REFERENCE || strcmp(v->param->name, "patient") != 0)
        return true;
    char path[96];
    snprintf(path, sizeof path, "%s.%s", v->param->resource_type, v->param->path);
    return note_patient(err, v->reference, a->base_url, path, a->out);
}

bool fhir_compartment_of(struct error *err, const json_t *res, const char *base_url,
                         char out[UUID_STR_LEN])
{
    out[0] = '\0';
    const char *type = json_string_value(json_object_get(res, "resourceType"));
    if (!type)
        return error_set(err, ERR_FHIR_REQUIRED, "resourceType: missing");
    if (strcmp(type, "Binary") == 0) {
        const char *ref = ref_of(json_object_get(res, "securityContext"));
        if (!ref)
            return error_set(err, ERR_FHIR_COMPARTMENT,
                             "Binary.securityContext: must name the patient or a resource of hers");
        return note_patient(err, ref, base_url, "Binary.securityContext", out);
    }
    if (strcmp(type, "Bundle") == 0) {
        const json_t *first =
            json_object_get(json_array_get(json_object_get(res, "entry"), 0), "resource");
        const char *ref = ref_of(json_object_get(first, "subject"));
        return !ref || note_patient(err, ref, base_url, "Bundle.entry[0].resource.subject", out);
    }
    struct compartment_arg a = {base_url, out};
    if (fhir_index_extract(err, res, base_url, compartment_emit, &a))
        return true;
    if (err->code == ERR_FIELD_VALUE) /* a value the index cannot read, e.g. month 13 */
        err->code = ERR_FHIR_FORMAT;
    return false;
}

/* ---- references ---------------------------------------------------------------------- */

int fhir_pending_cmp(const void *a, const void *b)
{
    const struct fhir_pending *x = a, *y = b;
    int c = strcmp(x->type, y->type);
    return c ? c : strcmp(x->id, y->id);
}

/* Whether "Type/id" exists and is live, and the patient compartment it lies in. */
static bool target_exists(struct error *err, struct store_conn *conn, const char *type,
                          const char *id, bool *exists, char patient[UUID_STR_LEN])
{
    patient[0] = '\0';
    const char *sql = NULL;
    if (strcmp(type, "Patient") == 0)
        sql = "SELECT id FROM patients WHERE id = ?";
    else if (strcmp(type, "Organization") == 0)
        sql = "SELECT NULL FROM orgs WHERE id = ?";
    else if (strcmp(type, "Consent") == 0)
        sql = "SELECT patient_id FROM consents WHERE id = ?";
    if (sql) {
        struct store_stmt *s = store_query(err, conn, sql, "t", id);
        if (!s)
            return false;
        enum store_step_result r = store_step(err, s);
        *exists = r == STORE_ROW;
        if (*exists && !store_is_null(s, 0))
            snprintf(patient, UUID_STR_LEN, "%s", store_text(s, 0));
        store_done(s);
        return r != STORE_FAIL;
    }
    struct fhir_row row;
    if (!fhir_store_lookup(err, conn, type, id, &row, exists))
        return false;
    if (*exists && row.deleted)
        *exists = false;
    if (*exists)
        memcpy(patient, row.patient_id, UUID_STR_LEN);
    return true;
}

struct ref_walk {
    struct store_conn *conn;
    const struct fhir_env *env;
    const char *base_url;
    const char *patient; /* the writer's compartment */
    char path[256];
};

static bool check_reference(struct error *err, struct ref_walk *w, const char *ref)
{
    if (ref[0] == '#')
        return true; /* contained */
    char norm[160];
    if (strncmp(ref, "urn:uuid:", 9) == 0 || strncmp(ref, "urn:oid:", 8) == 0)
        return error_set(err, ERR_FHIR_REFERENCE, "%s: %s resolves only inside a transaction",
                         w->path, ref);
    if (!fhir_reference_normalize(ref, w->base_url, norm, sizeof norm))
        return error_set(err, ERR_FHIR_REFERENCE, "%s: malformed reference", w->path);
    if (strstr(norm, "://"))
        return true; /* a resource on another server */
    char *slash = strchr(norm, '/');
    if (!slash)
        return error_set(err, ERR_FHIR_REFERENCE, "%s: malformed reference", w->path);
    *slash = '\0';
    const char *type = norm, *id = slash + 1;
    if (!fhir_type_stored(type) && !fhir_type_view(type))
        return error_set(err, ERR_FHIR_REFERENCE, "%s: type %s is not kept here", w->path, type);
    bool exists = false;
    char patient[UUID_STR_LEN];
    const struct fhir_pending key = {type, id, ""};
    const struct fhir_pending *p =
        w->env->pending_n
            ? bsearch(&key, w->env->pending, w->env->pending_n, sizeof *p, fhir_pending_cmp)
            : NULL;
    if (p) {
        if (p->patient[0] && strcmp(p->patient, w->patient) != 0)
            return error_set(err, ERR_FHIR_COMPARTMENT, "%s: %s/%s belongs to another patient",
                             w->path, type, id);
        return true;
    }
    if (!fhir_id_valid(id) || !target_exists(err, w->conn, type, id, &exists, patient))
        return err->code ? false : error_set(err, ERR_FHIR_REFERENCE, "%s: malformed id", w->path);
    /* Another patient's resource answers exactly like a missing one: the writer may not be
     * allowed to know it exists. */
    if (!exists || (patient[0] && strcmp(patient, w->patient) != 0))
        return error_set(err, ERR_FHIR_REFERENCE, "%s: %s/%s does not exist in this record",
                         w->path, type, id);
    return true;
}

static bool walk_references(struct error *err, struct ref_walk *w, const json_t *j)
{
    size_t mark = strlen(w->path);
    bool ok = true;
    if (json_is_object(j)) {
        const char *key;
        json_t *v;
        json_object_foreach((json_t *)j, key, v)
        {
            bool is_ref = json_is_string(v) && strcmp(key, "reference") == 0;
            if (strcmp(key, "contained") == 0 ||
                (!is_ref && !json_is_object(v) && !json_is_array(v)))
                continue; /* contained resources refer within the container; scalars hold none */
            snprintf(w->path + mark, sizeof w->path - mark, ".%s", key);
            if (is_ref)
                ok = check_reference(err, w, json_string_value(v));
            else
                ok = walk_references(err, w, v);
            if (!ok)
                break;
        }
    } else if (json_is_array(j)) {
        for (size_t i = 0; ok && i < json_array_size(j); i++) {
            const json_t *item = json_array_get(j, i);
            if (!json_is_object(item) && !json_is_array(item))
                continue;
            snprintf(w->path + mark, sizeof w->path - mark, "[%zu]", i);
            ok = walk_references(err, w, item);
        }
    }
    w->path[mark] = '\0';
    return ok;
}

/* ---- rows ---------------------------------------------------------------------------- */

#define ROW_COLUMNS "rid, type, id, version, patient_id, org_id, last_updated, deleted"

static void row_read(struct store_stmt *s, struct fhir_row *out)
{
    out->rid = store_int(s, 0);
    snprintf(out->type, sizeof out->type, "%s", store_text(s, 1));
    snprintf(out->id, sizeof out->id, "%s", store_text(s, 2));
    out->version = (int)store_int(s, 3);
    snprintf(out->patient_id, sizeof out->patient_id, "%s",
             store_is_null(s, 4) ? "" : store_text(s, 4));
    snprintf(out->org_id, sizeof out->org_id, "%s", store_text(s, 5));
    out->last_updated = store_int(s, 6);
    out->deleted = store_int(s, 7) != 0;
}

bool fhir_store_lookup(struct error *err, struct store_conn *conn, const char *type, const char *id,
                       struct fhir_row *out, bool *found)
{
    struct store_stmt *s = store_query(
        err, conn, "SELECT " ROW_COLUMNS " FROM fhir_resources WHERE type = ? AND id = ?", "tt",
        type, id);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    *found = r == STORE_ROW;
    if (*found)
        row_read(s, out);
    store_done(s);
    return r != STORE_FAIL;
}

bool fhir_store_author_org(struct error *err, struct store_conn *conn, int64_t rid,
                           char org_id[UUID_STR_LEN])
{
    struct store_stmt *s = store_query(
        err, conn, "SELECT org_id FROM fhir_versions WHERE rid = ? ORDER BY version LIMIT 1", "i",
        (int64_t)rid);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    snprintf(org_id, UUID_STR_LEN, "%s", r == STORE_ROW ? store_text(s, 0) : "");
    store_done(s);
    return r != STORE_FAIL;
}

bool fhir_store_version(struct error *err, struct store_conn *conn, int64_t rid, int version,
                        char **json, char blob_key[BLOB_KEY_LEN], bool *found)
{
    *json = NULL;
    if (blob_key)
        blob_key[0] = '\0';
    struct store_stmt *s =
        version > 0
            ? store_query(err, conn,
                          "SELECT json, blob FROM fhir_versions WHERE rid = ? AND version = ?",
                          "ii", rid, (int64_t)version)
            : store_query(err, conn,
                          "SELECT v.json, v.blob FROM fhir_resources r JOIN fhir_versions v "
                          "ON v.rid = r.rid AND v.version = r.version WHERE r.rid = ?",
                          "i", rid);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    *found = r == STORE_ROW;
    if (*found) {
        if (!store_is_null(s, 0) && !(*json = strdup(store_text(s, 0)))) {
            store_done(s);
            return error_set(err, ERR_NOMEM, NULL);
        }
        if (blob_key && !store_is_null(s, 1))
            snprintf(blob_key, BLOB_KEY_LEN, "%s", store_text(s, 1));
    }
    store_done(s);
    return r != STORE_FAIL;
}

/* ---- write --------------------------------------------------------------------------- */

/* Sets meta.versionId, meta.lastUpdated and our source-organisation extension (replacing one a
 * client sent: the server knows who recorded it). */
static bool set_meta(struct error *err, json_t *res, int version, int64_t now, const char *org_id,
                     const char *org_name)
{
    json_t *meta = json_object_get(res, "meta");
    if (!meta) {
        meta = json_object();
        if (!meta || json_object_set_new(res, "meta", meta) != 0)
            return error_set(err, ERR_NOMEM, NULL);
    }
    char v[16], t[32];
    snprintf(v, sizeof v, "%d", version);
    clock_format_iso(now, t);
    json_t *ext = json_object_get(meta, "extension");
    if (!ext) {
        ext = json_array();
        json_object_set_new(meta, "extension", ext);
    }
    for (size_t i = json_array_size(ext); i-- > 0;) {
        const char *url = json_string_value(json_object_get(json_array_get(ext, i), "url"));
        if (url && strcmp(url, FHIR_EXT_SOURCE_ORG) == 0)
            json_array_remove(ext, i);
    }
    char ref[64];
    snprintf(ref, sizeof ref, "Organization/%s", org_id);
    json_t *e =
        json_pack("{s:s, s:{s:s}}", "url", FHIR_EXT_SOURCE_ORG, "valueReference", "reference", ref);
    if (e && org_name && org_name[0])
        json_object_set_new(json_object_get(e, "valueReference"), "display", json_string(org_name));
    if (!ext || !e || json_array_append_new(ext, e) != 0 ||
        json_object_set_new(meta, "versionId", json_string(v)) != 0 ||
        json_object_set_new(meta, "lastUpdated", json_string(t)) != 0)
        return error_set(err, ERR_NOMEM, NULL);
    return true;
}

/* Moves a Binary's base64 data into the blob store; key receives its content key. */
static bool binary_take_data(struct error *err, const struct fhir_env *env, json_t *res,
                             char key[BLOB_KEY_LEN])
{
    key[0] = '\0';
    const char *type = json_string_value(json_object_get(res, "resourceType"));
    json_t *data = json_object_get(res, "data");
    if (!type || strcmp(type, "Binary") != 0 || !json_is_string(data))
        return true;
    if (!env->blobs)
        return error_set(err, ERR_INTERNAL, "no blob store");
    size_t cap = json_string_length(data) / 4 * 3 + 3, len = 0;
    unsigned char *raw = malloc(cap);
    if (!raw)
        return error_set(err, ERR_NOMEM, NULL);
    const char *b64 = json_string_value(data);
    bool ok = sodium_base642bin(raw, cap, b64, strlen(b64), " \r\n", &len, NULL,
                                sodium_base64_VARIANT_ORIGINAL) == 0;
    if (!ok)
        error_set(err, ERR_FHIR_FORMAT, "Binary.data: not base64");
    else
        ok = blobs_put(err, env->blobs, raw, len, key);
    free(raw);
    if (ok)
        json_object_del(res, "data");
    return ok;
}

static bool write_version(struct error *err, struct store_conn *conn, const struct fhir_row *row,
                          const char *method, const struct fhir_actor *actor, const char *json,
                          const char *blob)
{
    return store_exec(err, conn, NULL,
                      "INSERT INTO fhir_versions (rid, version, method, org_id, user_id, "
                      "last_updated, json, blob) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                      "iitttitt", row->rid, (int64_t)row->version, method, actor->org_id,
                      actor->user_id, row->last_updated, json, blob[0] ? blob : NULL);
}

static bool save_row(struct error *err, struct store_conn *conn, struct fhir_row *row, bool exists)
{
    const char *patient = row->patient_id[0] ? row->patient_id : NULL;
    if (exists)
        return store_exec(err, conn, NULL,
                          "UPDATE fhir_resources SET version = ?, patient_id = ?, org_id = ?, "
                          "last_updated = ?, deleted = ? WHERE rid = ?",
                          "ittiii", (int64_t)row->version, patient, row->org_id, row->last_updated,
                          (int64_t)row->deleted, row->rid);
    struct store_stmt *s = store_query(
        err, conn,
        "INSERT INTO fhir_resources (type, id, version, patient_id, org_id, last_updated, "
        "deleted) VALUES (?, ?, ?, ?, ?, ?, 0) RETURNING rid",
        "ttitti", row->type, row->id, (int64_t)row->version, patient, row->org_id,
        row->last_updated);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    if (r == STORE_ROW)
        row->rid = store_int(s, 0);
    store_done(s);
    return r == STORE_ROW || (r != STORE_FAIL && error_set(err, ERR_STORE, "no rid"));
}

/* Plausible values (fhir_validate_values), judged by the patient's birth date. */
static bool check_values(struct error *err, struct store_conn *conn, const json_t *res,
                         const char *patient)
{
    char birth[11] = "";
    if (patient[0]) {
        struct store_stmt *s =
            store_query(err, conn, "SELECT birth_date FROM patients WHERE id = ?", "t", patient);
        if (!s)
            return false;
        enum store_step_result r = store_step(err, s);
        if (r == STORE_ROW)
            snprintf(birth, sizeof birth, "%s", store_text(s, 0));
        store_done(s);
        if (r == STORE_FAIL)
            return false;
    }
    return fhir_validate_values(err, res, birth[0] ? birth : NULL);
}

/* A resource valid in itself and of a type this store writes; *type_out its type. */
static bool storable(struct error *err, json_t *res, const char **type_out)
{
    if (!fhir_validate(err, res))
        return false;
    const char *type = json_string_value(json_object_get(res, "resourceType"));
    if (!fhir_type_stored(type))
        return error_set(err, fhir_type_view(type) ? ERR_FHIR_READ_ONLY : ERR_FHIR_UNKNOWN_TYPE,
                         "%s", type);
    *type_out = type;
    return true;
}

/* The checks before a put: type, id, version precondition, compartment, references, values. */
static bool put_check(struct error *err, struct store_conn *conn, const struct fhir_env *env,
                      json_t *res, const struct fhir_row *old, bool exists, int if_match,
                      char patient[UUID_STR_LEN])
{
    const char *type = NULL;
    if (!storable(err, res, &type))
        return false;
    if (if_match > 0 && (!exists || old->deleted || old->version != if_match))
        return error_set(err, ERR_FHIR_VERSION_CONFLICT, "current version %d, If-Match %d",
                         exists ? old->version : 0, if_match);
    if (env->known_compartment)
        snprintf(patient, UUID_STR_LEN, "%s", env->known_compartment);
    else if (!fhir_compartment_of(err, res, env->base_url, patient))
        return false;
    /* A resource's compartment never changes, even after a deletion: its history stays under
     * its patient's access rule. */
    if (exists && strcmp(old->patient_id, patient) != 0)
        return error_set(err, ERR_FHIR_COMPARTMENT,
                         "%s: an update may not move a record to another patient", type);
    struct ref_walk w = {conn, env, env->base_url, patient, ""};
    snprintf(w.path, sizeof w.path, "%s", type);
    return walk_references(err, &w, res) && check_values(err, conn, res, patient);
}

bool fhir_store_put(struct error *err, struct store_conn *conn, const struct fhir_env *env,
                    const struct fhir_actor *actor, json_t *res, const char *id, int if_match,
                    struct fhir_row *out, bool *created)
{
    const char *type = json_string_value(json_object_get(res, "resourceType"));
    char id_buf[FHIR_ID_MAX + 1]; /* id may point into res, whose "id" is replaced below */
    if (!id) {
        ids_uuid_v7_new(id_buf);
    } else if (!fhir_id_valid(id)) {
        return error_set(err, ERR_FHIR_FORMAT, "%s.id: not a valid id", type ? type : "Resource");
    } else {
        snprintf(id_buf, sizeof id_buf, "%s", id);
    }
    id = id_buf;
    struct fhir_row old = {0};
    bool exists = false;
    if (type && fhir_type_stored(type) && !fhir_store_lookup(err, conn, type, id, &old, &exists))
        return false;
    if (json_object_set_new(res, "id", json_string(id)) != 0)
        return error_set(err, ERR_NOMEM, NULL);
    char patient[UUID_STR_LEN];
    if (!put_check(err, conn, env, res, &old, exists, if_match, patient))
        return false;
    struct fhir_row row = exists ? old : (struct fhir_row){0};
    snprintf(row.type, sizeof row.type, "%s", type);
    snprintf(row.id, sizeof row.id, "%s", id);
    memcpy(row.patient_id, patient, UUID_STR_LEN);
    snprintf(row.org_id, sizeof row.org_id, "%s", actor->org_id);
    row.version = exists ? old.version + 1 : 1;
    row.last_updated = clock_now_ms();
    if (exists && row.last_updated <= old.last_updated)
        row.last_updated = old.last_updated + 1; /* versions keep their order */
    row.deleted = false;
    char blob[BLOB_KEY_LEN];
    char org_name[256] = "";
    if (actor->org_name) {
        snprintf(org_name, sizeof org_name, "%s", actor->org_name);
    } else {
        struct store_stmt *on =
            store_query(err, conn, "SELECT name FROM orgs WHERE id = ?", "t", actor->org_id);
        if (!on)
            return false;
        if (store_step(err, on) == STORE_ROW)
            snprintf(org_name, sizeof org_name, "%s", store_text(on, 0));
        store_done(on);
    }
    if (!set_meta(err, res, row.version, row.last_updated, actor->org_id, org_name) ||
        !binary_take_data(err, env, res, blob))
        return false;
    char *json = json_dumps(res, JSON_COMPACT | JSON_REAL_PRECISION(15));
    if (!json)
        return error_set(err, ERR_NOMEM, NULL);
    bool ok = save_row(err, conn, &row, exists) &&
              write_version(err, conn, &row, exists ? "PUT" : "POST", actor, json, blob) &&
              fhir_index_write(err, conn, row.rid, res, env->base_url, exists);
    free(json);
    if (ok) {
        *out = row;
        *created = !exists || old.deleted;
    }
    return ok;
}

bool fhir_store_prepare(struct error *err, const struct fhir_env *env,
                        const struct fhir_actor *actor, json_t *res, const char *id,
                        struct fhir_prepared *out)
{
    *out = (struct fhir_prepared){.res = res};
    if (json_object_set_new(res, "id", json_string(id)) != 0)
        return error_set(err, ERR_NOMEM, NULL);
    const char *type = NULL;
    if (!storable(err, res, &type))
        return false;
    struct fhir_row *row = &out->row;
    snprintf(row->type, sizeof row->type, "%s", type);
    snprintf(row->id, sizeof row->id, "%s", id);
    snprintf(row->patient_id, sizeof row->patient_id, "%s", env->known_compartment);
    snprintf(row->org_id, sizeof row->org_id, "%s", actor->org_id);
    row->version = 1;
    row->last_updated = clock_now_ms();
    clock_format_iso(row->last_updated, out->stamp);
    if (!set_meta(err, res, 1, row->last_updated, actor->org_id, actor->org_name) ||
        !binary_take_data(err, env, res, out->blob))
        return false;
    if (!(out->json = json_dumps(res, JSON_COMPACT | JSON_REAL_PRECISION(15))) ||
        !(out->index = calloc(1, sizeof *out->index)))
        return error_set(err, ERR_NOMEM, NULL);
    return fhir_index_collect(err, res, env->base_url, out->index);
}

/* Stamps meta.lastUpdated with the time of the write, in res and in its serialisation. */
static bool restamp(struct error *err, struct fhir_prepared *p)
{
    int64_t now = clock_now_ms();
    if (now == p->row.last_updated)
        return true;
    char stamp[32], was[64];
    clock_format_iso(now, stamp);
    snprintf(was, sizeof was, "\"lastUpdated\":\"%s\"", p->stamp);
    char *at = strstr(p->json, was);
    if (!at || strlen(stamp) != strlen(p->stamp))
        return error_set(err, ERR_INTERNAL, "meta.lastUpdated not found");
    memcpy(at + strlen("\"lastUpdated\":\""), stamp, strlen(stamp));
    json_object_set_new(json_object_get(p->res, "meta"), "lastUpdated", json_string(stamp));
    memcpy(p->stamp, stamp, sizeof stamp);
    p->row.last_updated = now;
    return true;
}

bool fhir_store_create(struct error *err, struct store_conn *conn, const struct fhir_env *env,
                       const struct fhir_actor *actor, struct fhir_prepared *p)
{
    struct ref_walk w = {conn, env, env->base_url, p->row.patient_id, ""};
    snprintf(w.path, sizeof w.path, "%s", p->row.type);
    return walk_references(err, &w, p->res) && check_values(err, conn, p->res, p->row.patient_id) &&
           restamp(err, p) && save_row(err, conn, &p->row, false) &&
           write_version(err, conn, &p->row, "POST", actor, p->json, p->blob) &&
           fhir_index_insert(err, conn, p->row.rid, p->index);
}

void fhir_prepared_clear(struct fhir_prepared *p)
{
    free(p->json);
    p->json = NULL;
    if (p->index)
        fhir_index_rows_free(p->index);
    free(p->index);
    p->index = NULL;
}

bool fhir_store_delete(struct error *err, struct store_conn *conn, const struct fhir_actor *actor,
                       const char *type, const char *id, int if_match, struct fhir_row *out,
                       bool *changed)
{
    bool exists = false;
    struct fhir_row row;
    *changed = false;
    if (!fhir_store_lookup(err, conn, type, id, &row, &exists))
        return false;
    if (if_match > 0 && (!exists || row.deleted || row.version != if_match))
        return error_set(err, ERR_FHIR_VERSION_CONFLICT, "If-Match %d", if_match);
    if (!exists || row.deleted) {
        if (exists)
            *out = row;
        return true;
    }
    int64_t now = clock_now_ms();
    row.version++;
    row.last_updated = now > row.last_updated ? now : row.last_updated + 1;
    row.deleted = true;
    snprintf(row.org_id, sizeof row.org_id, "%s", actor->org_id);
    if (!save_row(err, conn, &row, true) ||
        !write_version(err, conn, &row, "DELETE", actor, NULL, "") ||
        !fhir_index_clear(err, conn, row.rid))
        return false;
    *out = row;
    *changed = true;
    return true;
}

bool fhir_binary_inline(struct error *err, const struct fhir_env *env, json_t *binary,
                        const char *blob_key)
{
    if (!blob_key || !blob_key[0])
        return true;
    void *data = NULL;
    size_t len = 0;
    if (!env->blobs)
        return error_set(err, ERR_INTERNAL, "no blob store");
    if (!blobs_get(err, env->blobs, blob_key, &data, &len))
        return false;
    size_t cap = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_ORIGINAL);
    char *b64 = malloc(cap);
    bool ok = b64 != NULL;
    if (ok) {
        sodium_bin2base64(b64, cap, data, len, sodium_base64_VARIANT_ORIGINAL);
        ok = json_object_set_new(binary, "data", json_string(b64)) == 0;
    }
    free(b64);
    free(data);
    return ok || error_set(err, ERR_NOMEM, NULL);
}
