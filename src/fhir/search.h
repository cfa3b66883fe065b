/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_FHIR_SEARCH_H
#define TSUNAGU_FHIR_SEARCH_H

/* Search of the stored resources (R4 §3.1.1): query parameters in, matching rows out, filtered
 * by the access rule of access/ in the same SQL so totals count only what the caller may see. */

#include <stdbool.h>
#include <stdint.h>

#include "access/access.h"
#include "blobs/blobs.h"
#include "core/errors.h"
#include "store/store.h"

/** One decoded query parameter as given ("date", "ge2026-01"); names repeat. */
struct fhir_qparam {
    const char *name;
    const char *value;
};

/** Who searches: the access rule's parameters (access_rule_args_of), bound first into every
 *  query and its visibility condition. */
struct fhir_viewer {
    struct access_rule_args rule;
};

struct fhir_search_in {
    const char *type;
    const struct fhir_qparam *params;
    int n;
    struct fhir_viewer viewer;
    const char *base_url;
    /** Restricts to one patient compartment ($everything), or NULL. The type may then be NULL
     *  (every stored type). */
    const char *compartment;
    /** The caller has decided (access_decide) that every resource of this type in the one
     *  patient the query is restricted to may be seen: the per-row visibility rule is left out.
     *  Only for a query restricted to exactly that patient. */
    bool visibility_decided;
};

/** One resource found. json is malloc'd (owned by the result). */
struct fhir_hit {
    int64_t rid;
    char type[40];
    char id[72];
    char *json;
    char blob[BLOB_KEY_LEN];
    char patient[40]; /* compartment, "" if none */
    bool include;     /* search.mode include (a _revinclude) */
};

struct fhir_search_out {
    struct fhir_hit *hits;
    size_t n, cap;
    int64_t total; /* -1 when not counted (_total=none) */
    int count;     /* _count (page size) */
    int offset;    /* _offset */
    bool more;     /* another page follows */
    bool summary_count;
    /** The _include values given ("Observation:subject"), for the caller to resolve. */
    const char *includes[8];
    int include_n;
};

/**
 * Runs a search of in->type. Parameters: those declared for the type in search_params.def, with
 * the R4 modifiers :exact and :contains (string) and :missing; _id, _lastUpdated, _count (1–1000,
 * default 50), _offset, _sort, _summary=count, _total, _include, _revinclude, _format. Anything
 * else is ERR_BAD_QUERY: a search must never silently ignore a condition. Free out with
 * fhir_search_free even on failure.
 */
bool fhir_search(struct error *err, struct store_conn *conn, const struct fhir_search_in *in,
                 struct fhir_search_out *out);
void fhir_search_free(struct fhir_search_out *out);

/** Calls fn for each indexed reference of rid under parameter name. */
bool fhir_search_refs(struct error *err, struct store_conn *conn, int64_t rid, const char *name,
                      bool (*fn)(struct error *err, const char *ref, void *arg), void *arg);

/** The SQL condition "a resource row r is visible to the viewer": ?1 org, ?2 today, ?3 user. */
extern const char fhir_visible_sql[];

#endif
