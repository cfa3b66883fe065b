/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_SHARING_SHARING_INT_H
#define TSUNAGU_SHARING_SHARING_INT_H

/*
 * Sharing rules (情報共有ルール, issue 17, docs/api/sharing.md): which team event (modules/module.h
 * struct team_event) reaches whom of a patient's team, and when. A rule is the region's (set by
 * the network office) or one patient's (set by the team); it names an event kind, a condition
 * from a fixed vocabulary, recipients (team roles; in a patient's rule also an organisation or a
 * person) and a timing (at once, or a digest daily or weekly at a Tokyo time of day). The engine
 * (engine.c) plans the deliveries of an event inside the write that caused it; deliver.c writes
 * them (notifications at once, queued digest items) and the sweep sends the digests. Nothing
 * reaches an organisation the access rule does not let see the patient (access_org_sees), checked
 * when a rule is saved and again at every delivery.
 */
#include <jansson.h>
#include <stdint.h>

#include "core/ids.h"
#include "http/api.h"
#include "modules/module.h"

#define ROUTE ROUTE_DECLARE
#include "sharing/routes.def"
#undef ROUTE

enum {
    SHARING_RECIPIENTS_MAX = 12,
    SHARING_CODES_MAX = 16,   /* codes in one condition list */
    SHARING_NOTE_MAX = 500,   /* code points */
    SHARING_TEAM_MAX = 64,    /* organisations of a team the engine considers */
    SHARING_TARGETS_MAX = 256 /* deliveries one event may plan */
};

/** The vocabularies, each NULL-terminated: event kinds, team roles, severities, timings,
 *  weekdays ("mon".."sun", index + 1 is the stored weekday). */
extern const char *const sharing_kinds[];
extern const char *const sharing_roles[];
extern const char *const sharing_severities[];
extern const char *const sharing_timings[];
extern const char *const sharing_weekdays[];

/** A recipient of a rule: a team role, or an organisation, or one person of an organisation. */
struct sharing_recipient {
    char role[24];              /* sharing_roles code, or "" */
    char org_id[UUID_STR_LEN];  /* "" with a role */
    char user_id[UUID_STR_LEN]; /* "" unless one person */
};

/** A rule as stored. */
struct sharing_rule {
    char id[UUID_STR_LEN];
    char patient_id[UUID_STR_LEN]; /* "" for a region rule */
    char kind[24];
    char professions[400], severities[40], org_types[400]; /* space-separated, "" any */
    struct sharing_recipient recipients[SHARING_RECIPIENTS_MAX];
    int recipient_count;
    char timing[12];
    int weekday;   /* 1..7 for weekly, else 0 */
    int at_minute; /* Tokyo minute of the day for digests, else -1 */
};

/* ---- rules.c: the rules' shape, checks and store ---- */

/** Reads body (the API's rule object) into *r (kind, condition, recipients, timing); region
 *  rules take roles only. Checks the vocabulary and, for a patient's rule, that each person is
 *  a member of the organisation named and each organisation is covered by the patient's consent
 *  (ERR_SHARING_NOT_CONSENTED naming it, with the reason). */
bool sharing_rule_parse(struct error *err, struct op *op, const json_t *body,
                        const char *patient_id, struct sharing_rule *r, const char **note);
/** Inserts r (a new id) or replaces rule r->id of the same scope; audited. */
bool sharing_rule_save(struct error *err, struct op *op, struct sharing_rule *r, const char *note,
                       bool is_new);
/** Deletes (marks) rule id of patient_id ("" or NULL for the region); audited. */
bool sharing_rule_delete(struct error *err, struct op *op, const char *patient_id, const char *id);
/** The rules in force of patient_id (NULL: the region's), oldest first, as the API shows them. */
json_t *sharing_rules_json(struct error *err, struct op *op, const char *patient_id);
/** The rule in force with id, as the API shows it; NULL with err set. */
json_t *sharing_rule_json(struct error *err, struct op *op, const char *id);

/** {id, name} of user id (user) or organisation id, or JSON null for "" or NULL; NULL with err
 *  set when the store fails. */
json_t *sharing_named(struct error *err, struct store_conn *conn, bool user, const char *id);

/** Reads the current row of a rule query (the columns of SHARING_RULE_COLUMNS) into *r. */
bool sharing_rule_from_row(struct store_stmt *s, struct sharing_rule *r);
#define SHARING_RULE_COLUMNS                                                                       \
    "id, COALESCE(patient_id, ''), kind, professions, severities, org_types, recipients, timing, " \
    "COALESCE(weekday, 0), COALESCE(at_minute, -1)"

/** Whether code is one of the space-separated list ("" holds every code). */
bool sharing_in_list(const char *list, const char *code);
/** "HH:MM" of a minute of the day (out needs 6 bytes). */
void sharing_hhmm(int minute, char out[6]);

/* ---- engine.c: who would get what, when ---- */

/** One planned delivery of an event. */
struct sharing_target {
    const char *rule_id; /* arena */
    bool region;
    char org_id[UUID_STR_LEN];
    char user_id[UUID_STR_LEN]; /* "" for the whole organisation */
    const char *role;           /* the role it came from, or NULL (named by the rule) */
    const char *timing;         /* "immediate", "daily", "weekly" */
    int64_t due_at;             /* digests: when they are sent; 0 at once */
    const char *outcome; /* "sent", "queued", "skipped_no_consent", "skipped_told", "duplicate" */
};

/** What the engine planned for an event (arena-owned). */
struct sharing_plan {
    struct sharing_target *t;
    int n;
    int rules_matched;
};

/** Who caused an event: the user, their profession and their organisation (op's principal). */
struct sharing_author {
    const char *user_id, *profession, *org_id;
};

/** Plans ev: the rules of its kind in force (the region's and the patient's) whose condition the
 *  author and event meet, each recipient resolved on the patient's team now and checked with
 *  access_org_sees, deduplicated. Reads only. */
bool sharing_plan_event(struct error *err, struct op *op, const struct team_event *ev,
                        const struct sharing_author *a, struct sharing_plan *plan);
/** The next instant after now (ms, UTC) at minute of the day in Asia/Tokyo, on weekday (1..7,
 *  Monday first) when weekday is not 0. */
int64_t sharing_next_due(int64_t now, int minute, int weekday);

/* ---- deliver.c: notifications, the queue, the digests, the log ---- */

/** Writes plan: a notification for each delivery sent at once, the queue of digest items, and a
 *  log row for every target. */
bool sharing_plan_write(struct error *err, struct op *op, const struct team_event *ev,
                        const struct sharing_author *a, const struct sharing_plan *plan);
/** The plan as the preview shows it, with names (a new reference), or NULL. */
json_t *sharing_plan_json(struct error *err, struct op *op, const struct sharing_plan *plan);
/** The module's team_event hook. */
bool sharing_team_event(struct error *err, struct op *op, const struct team_event *ev);
/** The module's sweep: sends the digests that fell due. */
bool sharing_sweep(struct error *err, struct op *op);

/* ---- demo.c ---- */
bool sharing_demo_load(struct error *err, struct op *op);

#endif
