/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_MODULES_MODULE_H
#define TSUNAGU_MODULES_MODULE_H

/*
 * A feature module (src/<name>/) registers itself with one descriptor, `<name>_module`, defined in
 * its module.c. The build lists the modules in one place (the `modules` list of src/meson.build)
 * and generates modules_all from it; it also gathers each module's errors.def into the one list
 * of error codes (core/errors.h) and its migrations/ into the store's migrations. Shared layers
 * know no module by name: they read this table.
 */
#include <jansson.h>
#include <stddef.h>

#include "access/access.h"
#include "http/router.h"
#include "op/op.h"

struct fhir_view;

/**
 * Something that happened to a patient that the patient's team may want to hear of (issue 17,
 * the sharing rules): a feature describes it once with modules_team_event and every module that
 * listens (struct module.team_event) decides who hears, so that no feature names the listeners.
 * Every pointer is borrowed for the call.
 */
struct team_event {
    const char *kind;       /* TEAM_EVENT_KINDS: "vitals_abnormal", "visit_record", … */
    const char *patient_id; /* the patient it is about (never NULL) */
    const char *ref_id;     /* the object it is about (an alert, a record, a resource), or NULL */
    const json_t *summary;  /* what happened, for those told (an object), or NULL */
    const char *severity;   /* "high", "medium", "low", or NULL */
    /* users the caller told already (NULL-terminated), not told again; NULL for none */
    const char *const *told_users;
};

/** The kinds of team event, in the order of the API's vocabulary. */
#define TEAM_EVENT_KINDS                                                                           \
    "vitals_abnormal", "visit_record", "medication_change", "admission", "discharge", "death",     \
        "end_of_care"

/** A command of the command line a module adds: `tsunagu <name> …`. */
struct module_command {
    const char *name;     /* the command's first word, e.g. "user" */
    const char *synopsis; /* for tsunagu --help, e.g. "user add|passwd|disable|confirm" */
    const char *summary;  /* one line, for tsunagu --help */
    /** Runs it with the arguments after its name; returns the exit code (cli/cli.h CLI_*). */
    int (*run)(int argc, char **argv);
};

struct module {
    /** The folder's name, e.g. "referral". */
    const char *name;
    /** The module's routes (its routes.def, through MODULE_ROUTES). */
    const struct route *routes;
    int route_count;
    /** The kinds of case the module defines (access_decide_case, record shares, notifications
     *  about a case), NULL-terminated; NULL when it has none. */
    const struct access_case_kind *const *case_kinds;
    /** Adds the module's part of the demo region (src/demo/), or NULL: called in the order of
     *  the modules inside the demo's one write transaction, op acting for nobody at the load
     *  time (demo_act changes who and when). */
    bool (*demo_load)(struct error *err, struct op *op);
    /** The module's commands, ended by one whose name is NULL; NULL when it has none. */
    const struct module_command *commands;
    /** FHIR resource types the module answers from its own tables (read and search, through
     *  the fhir module's REST API; struct fhir_view in fhir/rest.h), NULL-terminated; NULL
     *  when it has none. */
    const struct fhir_view *const *fhir_views;
    /** Work the module does by itself, without a request, e.g. moving a rolling window forward
     *  when the day changes; NULL when it has none. Called by the server's sweeper thread about
     *  every second with op acting for nobody (source OP_JOB): it must return at once when there
     *  is nothing to do, open op's write transaction only when there is, audit what it writes
     *  (op_audit) and do a bounded amount per call (the next call goes on). The sweeper commits
     *  op, or rolls it back and logs err when it fails. */
    bool (*sweep)(struct error *err, struct op *op);
    /** Hears a team event (modules_team_event) inside the write transaction of op, which acts
     *  for whoever caused it; a failure fails (and rolls back) the write that caused it. NULL
     *  when the module does not listen. */
    bool (*team_event)(struct error *err, struct op *op, const struct team_event *ev);
    /** Called once at start-up (modules_init), before any command runs, e.g. to register with
     *  another module's callbacks; NULL when the module has nothing to do. */
    void (*init)(void);
};

/** Calls every module's init hook once, in module order (at start-up, before any command). */
void modules_init(void);

/** Every module, in the order of src/meson.build, NULL-terminated (generated). */
extern const struct module *const modules_all[];

/** Tells every module's team_event hook of ev, in op's write transaction (opened if need be);
 *  false with err set as soon as one fails. */
bool modules_team_event(struct error *err, struct op *op, const struct team_event *ev);

/** The case kind named name (struct access_case_kind.name) of any module, or NULL. */
const struct access_case_kind *modules_case_kind(const char *name);

/* ---- For a module's module.c ------------------------------------------------------------------
 */

/** Declares the handlers of the lines of a routes.def: `#define ROUTE ROUTE_DECLARE`. */
#define ROUTE_DECLARE(method, pattern, handler, perm, patient, action, cls, summary)               \
    bool handler(struct error *err, struct request *req);
/** Makes the lines of a routes.def entries of a struct route array: `#define ROUTE
 *  ROUTE_ENTRY`. */
#define ROUTE_ENTRY(method, pattern, handler, perm, patient, action, cls, summary)                 \
    {#method, pattern, handler, #handler, perm, patient, action, cls, summary},
/** The number of entries of a static array. */
#define MODULE_COUNT(array) ((int)(sizeof(array) / sizeof((array)[0])))

#endif
