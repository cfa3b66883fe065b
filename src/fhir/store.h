/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_FHIR_STORE_H
#define TSUNAGU_FHIR_STORE_H

/* The FHIR resource store (DESIGN.md "Data model"): current versions, every version, and the
 * search index, on top of store/. No HTTP and no access decision: callers decide access (through
 * access/) before they call, and run these inside their write transaction with the audit record. */

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "blobs/blobs.h"
#include "core/errors.h"
#include "core/ids.h"
#include "store/store.h"

/** Longest logical id (R4 §2.26.0.3: [A-Za-z0-9\-\.]{1,64}). */
#define FHIR_ID_MAX 64
/** The extension on meta naming the organisation that recorded a version. */
#define FHIR_EXT_SOURCE_ORG                                                                        \
    "https://tsunagu.example.jp/fhir/StructureDefinition/source-organization"

/** Who writes: the organisation and user of the request. */
struct fhir_actor {
    const char *org_id;
    const char *user_id;  /* NULL for the system (demo loader) */
    const char *org_name; /* for the source-organisation extension; NULL: looked up */
};

/** A resource a transaction is about to create: references to it count as resolved. */
struct fhir_pending {
    const char *type;
    const char *id;
    char patient[UUID_STR_LEN]; /* its compartment */
};

/** Orders pending resources by type, then id (for qsort and bsearch). */
int fhir_pending_cmp(const void *a, const void *b);

/** Where the store keeps things besides the database. */
struct fhir_env {
    struct blobs *blobs;  /* Binary content */
    const char *base_url; /* "http://host/fhir", to relativise absolute references; may be NULL */
    /** a transaction's other new resources, sorted by fhir_pending_cmp, or NULL */
    const struct fhir_pending *pending;
    size_t pending_n;
    /** The patient compartment of the resource being written ("" for none) when the caller
     *  has already worked it out (fhir_compartment_of), or NULL. */
    const char *known_compartment;
};

/** The row of a stored resource. */
struct fhir_row {
    int64_t rid;
    char type[40];
    char id[FHIR_ID_MAX + 1];
    int version;
    char patient_id[UUID_STR_LEN]; /* "" outside any patient compartment */
    char org_id[UUID_STR_LEN];
    int64_t last_updated;
    bool deleted;
};

/** The resource types this store keeps, NULL-terminated. */
extern const char *const fhir_stored_types[];

/** The types of the emergency (break-the-glass) view, as an SQL list for `type IN …`; the same
 *  set fhir_type_emergency answers. */
#define FHIR_EMERGENCY_TYPES_SQL                                                                   \
    "('Patient', 'AllergyIntolerance', 'Condition', 'Flag', 'MedicationRequest', "                 \
    "'MedicationStatement', 'DocumentReference', 'Composition', 'Binary')"
/** True for the types of the emergency view (allergies, contraindications, medications,
 *  problems and infections, documents). */
bool fhir_type_emergency(const char *type);

/** True if id is a valid logical id. */
bool fhir_id_valid(const char *id);
/** True for the types this store keeps (views such as Patient are not among them). */
bool fhir_type_stored(const char *type);
/** True for the read-only views of operational data that the modules answer (Patient,
 *  Organization, Consent, AuditEvent, Location, HealthcareService: struct fhir_view in
 *  fhir/rest.h, defined with the registry in views.c). */
bool fhir_type_view(const char *type);

/**
 * The patient compartment of a resource about to be written: the regional patient id its
 * patient/subject (Binary: securityContext; document Bundle: its Composition's subject)
 * references, "" if it has none. ERR_FHIR_COMPARTMENT if it names two different patients or a
 * patient reference is not a local "Patient/<id>".
 */
bool fhir_compartment_of(struct error *err, const json_t *res, const char *base_url,
                         char out[UUID_STR_LEN]);

/** Looks a resource up (deleted ones too); *found false if it never existed. */
bool fhir_store_lookup(struct error *err, struct store_conn *conn, const char *type, const char *id,
                       struct fhir_row *out, bool *found);

/**
 * Creates (id NULL: a new UUID) or updates (id given; creates it if it does not exist) a
 * resource. Validates it (fhir_validate), checks that every local reference resolves to a live
 * resource of the same patient compartment, sets id, meta.versionId, meta.lastUpdated and the
 * source-organisation extension on res, stores the version and re-indexes. if_match > 0 requires
 * the current version to be that (ERR_FHIR_VERSION_CONFLICT otherwise). An update may not move a
 * resource to another patient. Fills out (also *created). Must run in a write transaction.
 */
bool fhir_store_put(struct error *err, struct store_conn *conn, const struct fhir_env *env,
                    const struct fhir_actor *actor, json_t *res, const char *id, int if_match,
                    struct fhir_row *out, bool *created);

struct fhir_index_rows;

/** A new resource with a server-assigned id, made ready for the store before the write
 *  transaction (fhir_store_prepare) and stored inside it (fhir_store_create). */
struct fhir_prepared {
    json_t *res;         /* borrowed from the caller */
    struct fhir_row row; /* version 1; rid once created */
    char *json;          /* its serialisation (malloc'd) */
    char stamp[32];      /* meta.lastUpdated as serialised */
    char blob[BLOB_KEY_LEN];
    struct fhir_index_rows *index; /* its search index rows (owned) */
};

/**
 * The part of creating resource res under the new id (a fresh UUID, so it cannot exist) that
 * needs no database: validates it, sets id, meta and the source-organisation extension (of
 * actor, whose org_name must be given), moves a Binary's data to the blob store, serialises it
 * and extracts its index rows. env->known_compartment must be given. Call fhir_prepared_clear
 * on out afterwards, even on failure.
 */
bool fhir_store_prepare(struct error *err, const struct fhir_env *env,
                        const struct fhir_actor *actor, json_t *res, const char *id,
                        struct fhir_prepared *out);

/** Stores a prepared resource inside the write transaction, like fhir_store_put without the
 *  existence look-up: checks its references and values, stamps meta.lastUpdated anew, and
 *  writes the resource, its version and its index rows. */
bool fhir_store_create(struct error *err, struct store_conn *conn, const struct fhir_env *env,
                       const struct fhir_actor *actor, struct fhir_prepared *p);

/** Frees what fhir_store_prepare made (not res). */
void fhir_prepared_clear(struct fhir_prepared *p);

/** Deletes a resource (a new version marked deleted; the index rows go). Deleting a deleted or
 *  missing resource succeeds and changes nothing (R4 §3.1.0.7.1): *changed says which. */
bool fhir_store_delete(struct error *err, struct store_conn *conn, const struct fhir_actor *actor,
                       const char *type, const char *id, int if_match, struct fhir_row *out,
                       bool *changed);

/** The organisation that recorded the first version of resource rid: its author, the only
 *  organisation that may correct or withdraw it through the REST API ("" if none). */
bool fhir_store_author_org(struct error *err, struct store_conn *conn, int64_t rid,
                           char org_id[UUID_STR_LEN]);

/**
 * The JSON of version (0: the current one) of resource rid, as stored (Binary without its
 * data). *json is malloc'd (caller frees) and NULL for a deletion; *found false if there is no
 * such version. blob_key (may be NULL) receives a Binary's content key ("" if none).
 */
bool fhir_store_version(struct error *err, struct store_conn *conn, int64_t rid, int version,
                        char **json, char blob_key[BLOB_KEY_LEN], bool *found);

/** Re-inserts a Binary's content as base64 "data" (for a JSON answer). */
bool fhir_binary_inline(struct error *err, const struct fhir_env *env, json_t *binary,
                        const char *blob_key);

#endif
