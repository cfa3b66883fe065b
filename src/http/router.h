/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_HTTP_ROUTER_H
#define TSUNAGU_HTTP_ROUTER_H

#include <stdbool.h>

#include "access/access.h"
#include "request.h"

enum route_permission {
    PERM_PUBLIC,
    PERM_SESSION, /* logged in, in any session state, or an API token */
    PERM_LOGIN,   /* a person's own login steps: a browser session in any state, never a token */
    PERM_USER,    /* fully logged in, or an API token */
    PERM_PERSON,  /* a person's own account and sessions: a full browser session, never a token */
    PERM_ADMIN,
    PERM_ORG_ADMIN,
    PERM_NET_ADMIN,
};

struct route_locator;
/** Decides access to what a route names before its handler runs, and names the request's
 *  patient (for the handler and the audit); false with err to refuse. */
typedef bool (*route_locate_fn)(struct error *err, struct request *req,
                                const struct route_locator *self);

/** How a route finds the patient it touches (the routes.def column "patient"). */
struct route_locator {
    /** For the OpenAPI document: how the access decision is made. */
    const char *doc;
    /** The router's decision before the handler, or NULL when the handler decides. */
    route_locate_fn locate;
    /** For router_locate_case: the kind of case the first path parameter names. */
    const struct access_case_kind *case_kind;
    /** The handler finds each resource's patient and asks access_decide (through fhir_allow)
     *  before it reads or writes; the router refuses to answer if it did not. */
    bool handler_decides;
    /** The body may also be application/fhir+json, or a form (a FHIR search by POST). */
    bool fhir_body;
};

/** The first path parameter is a patient id: access_decide decides. */
extern const struct route_locator router_patient_path;
/** The first path parameter is a case of self->case_kind: access_decide_case decides, and the
 *  request's patient is the case's. */
bool router_locate_case(struct error *err, struct request *req, const struct route_locator *self);
/**
 * The access rule on case id of kind, for action, by the request's principal: a refusal is
 * audited (when the case names a patient) and answers kind->not_found; an allowance names the
 * case's patient (NULL when it has none, e.g. a study waiting for reconciliation) and the object
 * (object_type, object_id) for the route's audit record, whose detail says when the access came
 * through an emergency grant, a standby grant or a share made without consent. Every locator of
 * a case goes through it.
 */
bool router_decide_case(struct error *err, struct request *req, const struct access_case_kind *kind,
                        const char *id, enum access_action action, const char *object_type,
                        const char *object_id);
/** The audit detail that names how decision d allowed the request (an emergency grant, also
 *  shown in a response header; a standby grant; a share without consent), else the request's
 *  own detail. */
const char *router_grant_detail(struct request *req, const struct access_decision *d);
/** A locator for routes whose first path parameter is a case of kind (a struct
 *  access_case_kind). */
#define ROUTER_CASE_LOCATOR(kind)                                                                  \
    {                                                                                              \
        "the case's parties or care team, decided by access_decide_case", router_locate_case,      \
            &(kind), false, false                                                                  \
    }

/** routes.def's names for the common locators; features define their own (PAT_REFERRAL). */
#define PAT_NONE NULL
#define PAT_PATH (&router_patient_path)

/** One line of routes.def. */
struct route {
    const char *method;
    const char *pattern;
    route_handler_fn handler;
    const char *handler_name;
    enum route_permission permission;
    const struct route_locator *patient; /* NULL: the route names no patient */
    char action;
    enum data_class data_class;
    const char *summary;
};

/** The route table: the server's own routes (http/routes.def) followed by every module's (its
 *  routes.def, in the order of modules_all); built on first use, static. *count gets the number
 *  of routes. */
const struct route *const *router_table(int *count);

/** The server's own routes (GET /api/health). */
bool health_get(struct error *err, struct request *req);
/** POST /api/test/clock (test builds only): see http/test_clock.c. */
bool test_clock_advance(struct error *err, struct request *req);

/**
 * Matches method and path against the table: of the routes that match, the most specific
 * (router_pattern_compare), so the table's order does not matter. Returns the route (filling
 * params into req), or NULL: then *path_known tells 405 (the path exists with other methods;
 * allow receives them, comma-separated, capacity cap) from 404.
 */
const struct route *router_match(struct request *req, const char *method, const char *path,
                                 bool *path_known, char *allow, size_t cap);

/** Runs the generic checks of the matched route (authentication, CSRF, permission, body, access
 *  decision, audit) and its handler; the response is set on req when it returns. Writes' audit
 *  records are committed with them; reads' records are left in req->op.reads, and the caller must
 *  make them durable (audit_append_async) before the response leaves. */
void router_dispatch(struct request *req);

/** > 0 when pattern a is more specific than b, < 0 when less, 0 when neither: from the left, the
 *  first segment that is a literal in one and a {parameter} in the other decides. */
int router_pattern_compare(const char *a, const char *b);

/** Checks a route table: no two routes of one method that a path could match both of are equally
 *  specific (a duplicate, or /a/{x} beside /a/{y}). ERR_INTERNAL names them otherwise. The
 *  server refuses to start on a table that fails it. */
bool router_table_check(struct error *err, const struct route *const *routes, int n);

/** Name of a permission, for documentation. */
const char *router_permission_name(enum route_permission p);

#endif
