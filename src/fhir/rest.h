/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_FHIR_REST_H
#define TSUNAGU_FHIR_REST_H

/* The FHIR REST layer (rest*.c, views.c, metadata.c, document.c): what its files share, and what
 * other modules use to answer in FHIR (fhir_allow, the environment, the views). */

#include <jansson.h>

#include "access/access.h"
#include "core/strbuf.h"
#include "fhir/search.h"
#include "fhir/store.h"
#include "http/request.h"
#include "http/router.h"

/** The FHIR interactions: each handler finds every resource's patient and asks fhir_allow. */
extern const struct route_locator fhir_locator;
#define PAT_FHIR (&fhir_locator)

/** The store environment of a request (blobs, this server's FHIR base URL). */
struct fhir_env fhir_env_of(struct request *req);
/** Writes res (taken) as the request's principal: a new resource when id is NULL, else the next
 *  version of id; patient (or NULL) is its known compartment. *row (or NULL) gets the stored
 *  row. For the FHIR projection of a feature's case, inside the case's write transaction. */
bool fhir_put_as_principal(struct error *err, struct request *req, json_t *res, const char *id,
                           const char *patient, struct fhir_row *row);
/** This server's FHIR base URL: the public URL (--public-url, else the listen address) and
 *  "/fhir". */
const char *fhir_base_url(struct request *req);

/**
 * The access decision for one resource: patient_id "" (outside any compartment) needs only an
 * organisation context; otherwise access_decide with the data class of type. A refusal is
 * audited and fails with ERR_FHIR_NOT_FOUND "type/id" when id names an existing resource (it
 * must look exactly like one that does not exist), else with ERR_FHIR_FORBIDDEN (a create into
 * a compartment one may not write). Marks the request as having decided.
 */
bool fhir_allow(struct error *err, struct request *req, const char *patient_id, const char *type,
                const char *id, enum access_action action);
/**
 * The access decisions of a write of type: onto old (the current row, deleted or not, or NULL
 * for a new id), with fhir_allow for update or delete on old's patient; into compartment patient
 * (NULL for a delete), which must be old's (a resource never moves to another patient), with
 * fhir_allow for create or update. Inside a patient's record, the write matrix decides too: the
 * principal's profession must be allowed to write the kind of record res is (NULL for a delete)
 * and, for an update or delete, the kind the current version is.
 */
bool fhir_allow_write(struct error *err, struct request *req, const char *type,
                      const struct fhir_row *old, const char *patient, const json_t *res,
                      enum access_action action);
/** The write matrix alone for a new resource res of patient ("" for none), when fhir_allow has
 *  already allowed this request to create that patient's data of res's class. */
bool fhir_may_write(struct error *err, struct request *req, const char *type, const char *patient,
                    const json_t *res);
/** Called with each resource found (borrowed for the call); false stops with err set. */
typedef bool (*fhir_record_fn)(struct error *err, struct request *req, json_t *res, void *arg);
/**
 * Calls fn for each resource of type in the compartment of req->patient_id that matches params,
 * as the request's principal may see it (the record tab's search). For a route whose router
 * has decided that the principal may read this patient's clinical record (PAT_PATH,
 * DATA_CLINICAL) and audits the read (record_read.c).
 */
bool fhir_record_each(struct error *err, struct request *req, const char *type,
                      const struct fhir_qparam *params, int n, fhir_record_fn fn, void *arg);
/** The string member key of j, or "" (never NULL). */
const char *fhir_json_str(const json_t *j, const char *key);
/** The text of a CodeableConcept: its text, else the first coding's display, else its code. */
const char *fhir_concept_text(const json_t *cc);
/** The extension on meta that carries the reason of a correction, withdrawal (entered-in-error)
 *  or stop: valueString, required on every update of an entry of a patient's record. */
#define FHIR_EXT_CHANGE_REASON "https://tsunagu.example.jp/fhir/StructureDefinition/change-reason"
/** The change-reason of res (record_change.c), or NULL. */
const char *fhir_change_reason(const json_t *res);
/**
 * The rules of correcting the record (record_change.c), for an update (res) or deletion (res
 * NULL) of old, a live resource in a patient compartment: only the organisation that recorded
 * its first version (ERR_FHIR_NOT_AUTHOR, audited); an update carries a change-reason
 * (ERR_FHIR_CHANGE_REASON); a MedicationRequest newly stopped has statusReason and an end date
 * between its start and today (ERR_FHIR_STOP). Anything else passes.
 */
bool fhir_change_allowed(struct error *err, struct request *req, const char *type,
                         const struct fhir_row *old, const json_t *res);
/** The kind of clinical record a resource of type is (record_kind.c; res may be NULL). */
enum access_record_kind fhir_record_kind(const char *type, const json_t *res);
/** The data class of a resource type: the emergency view's types, or the rest of the record. */
enum data_class fhir_data_class(const char *type);

/** Parses a stored JSON text into a resource (Binary: with its data inlined). */
json_t *fhir_load(struct error *err, struct request *req, const char *json, const char *blob);

/** The query parameters of the request (GET) or its form body (POST _search) as a list. */
bool fhir_query_params(struct error *err, struct request *req, bool from_body,
                       struct fhir_qparam **out, int *n);

/** A Bundle of type with an empty entry array. */
json_t *fhir_bundle_new(const char *type);

/** A search parameter of a view type, as the CapabilityStatement lists it. */
struct fhir_view_param {
    const char *name, *type; /* e.g. "organization", "reference" */
};

/**
 * A FHIR resource type that a module answers from its own tables, read-only ("view" types:
 * Patient, Organization, Consent and AuditEvent from fhir/views.c, Location and
 * HealthcareService from the directory). A module lists its views in its descriptor
 * (struct module.fhir_views); the REST layer finds them with fhir_view_find.
 */
struct fhir_view {
    const char *type;
    /** Reads resource id with access decided into *out; ERR_FHIR_NOT_FOUND when absent. */
    bool (*read)(struct error *err, struct request *req, const char *type, const char *id,
                 json_t **out);
    /** Searches: adds entries to bundle and sets its total. */
    bool (*search)(struct error *err, struct request *req, const char *type,
                   const struct fhir_qparam *params, int n, json_t *bundle);
    const struct fhir_view_param *params; /* ended by {NULL, NULL} */
};

/** The view of type (of any module), or NULL when no module answers it. */
const struct fhir_view *fhir_view_find(const char *type);

/** Reads a view resource with access decided; ERR_FHIR_NOT_FOUND if absent. */
bool fhir_view_read(struct error *err, struct request *req, const char *type, const char *id,
                    json_t **out);
/** Searches a view type; adds entries to bundle and sets its total. */
bool fhir_view_search(struct error *err, struct request *req, const char *type,
                      const struct fhir_qparam *params, int n, json_t *bundle);

/** The 地域連携室 (liaison office) phone, fax and email as ContactPoints; NULL when none is
 *  given (an organisation's contact, in the Organization and directory views). */
json_t *fhir_liaison_telecom(const char *phone, const char *fax, const char *email);

/** A search over a view's tables under construction: SQL text and its text arguments, numbered
 *  ?1… in order, and the page asked for. Shared by every view (fhir_views*.c). */
enum { FHIR_VIEW_ARGS = 40, FHIR_VIEW_COUNT_MAX = 200 };
struct fhir_view_query {
    struct strbuf sql;
    struct store_arg args[FHIR_VIEW_ARGS];
    int n, count, offset;
};
/** Appends a text argument (ERR_BAD_QUERY when there are too many). */
bool fhir_view_arg(struct error *err, struct fhir_view_query *q, const char *text);
/** Reads _count (≤ FHIR_VIEW_COUNT_MAX) or _offset into q (ERR_BAD_QUERY if malformed). */
bool fhir_view_paging(struct error *err, struct fhir_view_query *q, const char *name,
                      const char *value);
/** Adds "an organisation `o` whose name, or its kana reading, contains value". */
bool fhir_view_org_name(struct error *err, struct request *req, struct fhir_view_query *q,
                        const char *value);

/** Reads "Type/id" (stored or view) for an include or a document, with access decided; *out
 *  NULL when it does not exist or is deleted. */
bool fhir_read_ref(struct error *err, struct request *req, const char *ref, json_t **out);

/**
 * The document Bundle (type document) of Composition id, in the JP-CLINS shape: the Composition
 * first, then what it references, to two levels, each read through fhir_read_ref (so with the
 * access decision of any read, or req->decided_patient). One mechanism behind
 * GET /fhir/Composition/{id}/$document and GET /api/referrals/{rid}/document. *out receives a
 * new reference. ERR_FHIR_NOT_FOUND, ERR_FHIR_GONE or ERR_FHIR_FORBIDDEN for a Composition that
 * does not exist, was deleted or may not be read.
 */
bool fhir_document_bundle(struct error *err, struct request *req, const char *id, json_t **out);

/** Audits a read of a patient's data once per patient per request (searches, history, includes,
 *  documents); a patient seen only through the principal's emergency grant is shown and audited
 *  as such (request_emergency). Fails only when the store cannot answer. */
bool fhir_audit_patient_read(struct error *err, struct request *req, const char *patient_id,
                             const char *type, const char *id);

#endif
