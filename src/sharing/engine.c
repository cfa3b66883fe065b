/* SPDX-License-Identifier: Apache-2.0 */
/* The rules engine (issue 17): for a team event, the rules of its kind in force (one indexed read
 * of the region's and the patient's), their condition, each recipient resolved on the patient's
 * team as it is now, checked with the access rule, and deduplicated. Reads only: deliver.c
 * writes what it plans, the preview shows it. */
#include <stdio.h>
#include <string.h>

#include "access/access.h"
#include "core/text.h"
#include "oncall/oncall.h"
#include "sharing_int.h"

#define MINUTE_MS 60000LL
#define DAY_MS 86400000LL
#define TOKYO_OFFSET_MS (9 * 3600000LL) /* Asia/Tokyo: UTC+9, no daylight saving */

/* The organisation types whose physicians the role oncall_physician reaches. */
static const char *const physician_types = "advanced_acute_hospital acute_hospital "
                                           "recovery_hospital chronic_hospital clinic "
                                           "home_care_clinic";

struct team_org {
    char id[UUID_STR_LEN];
    char type[32];
};

/* An organisation's access_org_sees, asked once per event. */
struct seen {
    char id[UUID_STR_LEN];
    bool sees;
};

struct ctx {
    struct op *op;
    const struct team_event *ev;
    const struct sharing_author *a;
    struct sharing_plan *plan;
    const struct sharing_rule *rule;
    int64_t due_at;
    bool team_loaded, author_type_loaded;
    struct team_org team[SHARING_TEAM_MAX];
    int team_n;
    char author_type[32];
    struct seen seen[SHARING_TEAM_MAX];
    int seen_n;
};

int64_t sharing_next_due(int64_t now, int minute, int weekday)
{
    int64_t local = now + TOKYO_OFFSET_MS;
    int64_t day = local >= 0 ? local / DAY_MS : (local - DAY_MS + 1) / DAY_MS;
    int64_t due = day * DAY_MS + minute * MINUTE_MS;
    if (weekday) {
        int today = (int)(((day + 3) % 7 + 7) % 7) + 1; /* 1970-01-01 was a Thursday (4) */
        due += (int64_t)((weekday - today + 7) % 7) * DAY_MS;
        if (due <= local)
            due += 7 * DAY_MS;
    } else if (due <= local) {
        due += DAY_MS;
    }
    return due - TOKYO_OFFSET_MS;
}

static bool load_team(struct error *err, struct ctx *c)
{
    if (c->team_loaded)
        return true;
    struct store_stmt *s = store_query(
        err, c->op->conn,
        "SELECT DISTINCT ct.org_id, o.type FROM care_team ct JOIN orgs o ON o.id = ct.org_id "
        "WHERE ct.patient_id = ? AND ct.removed_at IS NULL ORDER BY ct.org_id",
        "t", c->ev->patient_id);
    if (!s)
        return false;
    enum store_step_result step = STORE_DONE;
    while (c->team_n < SHARING_TEAM_MAX && (step = store_step(err, s)) == STORE_ROW) {
        text_copy(c->team[c->team_n].id, UUID_STR_LEN, store_text(s, 0));
        text_copy(c->team[c->team_n++].type, 32, store_text(s, 1));
    }
    store_done(s);
    c->team_loaded = step != STORE_FAIL;
    return c->team_loaded;
}

static bool author_type(struct error *err, struct ctx *c)
{
    if (c->author_type_loaded || !c->a->org_id || !c->a->org_id[0])
        return true;
    struct store_stmt *s =
        store_query(err, c->op->conn, "SELECT type FROM orgs WHERE id = ?", "t", c->a->org_id);
    if (!s)
        return false;
    enum store_step_result step = store_step(err, s);
    if (step == STORE_ROW)
        text_copy(c->author_type, sizeof c->author_type, store_text(s, 0));
    store_done(s);
    c->author_type_loaded = step != STORE_FAIL;
    return c->author_type_loaded;
}

static bool sees(struct error *err, struct ctx *c, const char *org_id, bool *out)
{
    for (int i = 0; i < c->seen_n; i++)
        if (strcmp(c->seen[i].id, org_id) == 0)
            return *out = c->seen[i].sees, true;
    if (!access_org_sees(err, c->op->conn, org_id, c->ev->patient_id, DATA_CLINICAL, out))
        return false;
    if (c->seen_n < SHARING_TEAM_MAX) {
        text_copy(c->seen[c->seen_n].id, UUID_STR_LEN, org_id);
        c->seen[c->seen_n++].sees = *out;
    }
    return true;
}

static bool told(const struct ctx *c, const char *user_id)
{
    for (const char *const *u = c->ev->told_users; user_id[0] && u && *u; u++)
        if (strcmp(*u, user_id) == 0)
            return true;
    return false;
}

/* Another delivery at the same time reaches the same people already. */
static bool duplicate(const struct ctx *c, const char *org_id, const char *user_id)
{
    for (int i = 0; i < c->plan->n; i++) {
        const struct sharing_target *t = &c->plan->t[i];
        if (t->due_at == c->due_at && strcmp(t->org_id, org_id) == 0 &&
            (!t->user_id[0] || strcmp(t->user_id, user_id) == 0) &&
            (strcmp(t->outcome, "sent") == 0 || strcmp(t->outcome, "queued") == 0))
            return true;
    }
    return false;
}

static bool add(struct error *err, struct ctx *c, const char *org_id, const char *user_id,
                const char *role)
{
    if (c->plan->n >= SHARING_TARGETS_MAX)
        return true; /* bounded: the rest of an absurd rule set is not planned */
    bool org_sees = false;
    const char *outcome;
    if (duplicate(c, org_id, user_id))
        outcome = "duplicate";
    else if (told(c, user_id))
        outcome = "skipped_told";
    else if (!sees(err, c, org_id, &org_sees))
        return false;
    else
        outcome = !org_sees ? "skipped_no_consent" : c->due_at ? "queued" : "sent";
    struct sharing_target *t = &c->plan->t[c->plan->n++];
    t->rule_id = arena_strdup(c->op->arena, c->rule->id);
    t->region = !c->rule->patient_id[0];
    text_copy(t->org_id, UUID_STR_LEN, org_id);
    text_copy(t->user_id, UUID_STR_LEN, user_id);
    t->role = NULL; /* the vocabulary's own string: the rule's is gone after the plan */
    for (int i = 0; role && sharing_roles[i]; i++)
        if (strcmp(sharing_roles[i], role) == 0)
            t->role = sharing_roles[i];
    t->timing = strcmp(c->rule->timing, "daily") == 0    ? "daily"
                : strcmp(c->rule->timing, "weekly") == 0 ? "weekly"
                                                         : "immediate";
    t->due_at = c->due_at;
    t->outcome = outcome;
    return t->rule_id != NULL || error_set(err, ERR_NOMEM, NULL);
}

/* The on-call primary of each physicians' organisation of the team, or the organisation when
 * nobody is on call. */
static bool oncall_physicians(struct error *err, struct ctx *c, const char *role)
{
    for (int i = 0; i < c->team_n; i++) {
        if (!sharing_in_list(physician_types, c->team[i].type))
            continue;
        struct oncall_answer ans;
        if (!oncall_now(err, c->op->conn, c->team[i].id, c->op->now_ms, &ans) ||
            !add(err, c, c->team[i].id, ans.found ? ans.primary.user_id : "", role))
            return false;
    }
    return true;
}

/* The community comprehensive support centres on the team or named by a consent of the
 * patient (the access rule then decides whether they hear). */
static bool municipal(struct error *err, struct ctx *c, const char *role)
{
    struct store_stmt *s = store_query(
        err, c->op->conn,
        "SELECT o.id FROM orgs o WHERE o.type = 'community_support_center' AND (o.id IN (SELECT "
        "ct.org_id FROM care_team ct WHERE ct.patient_id = ?1 AND ct.removed_at IS NULL) OR o.id "
        "IN (SELECT co.org_id FROM consent_orgs co WHERE co.patient_id = ?1)) ORDER BY o.id",
        "t", c->ev->patient_id);
    if (!s)
        return false;
    char ids[8][UUID_STR_LEN];
    int n = 0;
    enum store_step_result step = STORE_DONE;
    while (n < 8 && (step = store_step(err, s)) == STORE_ROW)
        text_copy(ids[n++], UUID_STR_LEN, store_text(s, 0));
    store_done(s);
    for (int i = 0; step != STORE_FAIL && i < n; i++)
        if (!add(err, c, ids[i], "", role))
            return false;
    return step != STORE_FAIL;
}

static bool resolve_role(struct error *err, struct ctx *c, const char *role)
{
    if (!load_team(err, c))
        return false;
    if (strcmp(role, "oncall_physician") == 0)
        return oncall_physicians(err, c, role);
    if (strcmp(role, "municipal_support") == 0)
        return municipal(err, c, role);
    const char *type = strcmp(role, "care_manager") == 0     ? "care_management"
                       : strcmp(role, "pharmacy") == 0       ? "pharmacy"
                       : strcmp(role, "visiting_nurse") == 0 ? "visiting_nursing"
                                                             : NULL; /* whole_team */
    for (int i = 0; i < c->team_n; i++)
        if ((!type || strcmp(c->team[i].type, type) == 0) && !add(err, c, c->team[i].id, "", role))
            return false;
    return true;
}

static bool matches(struct error *err, struct ctx *c, const struct sharing_rule *r, bool *yes)
{
    *yes = sharing_in_list(r->professions, c->a->profession) &&
           sharing_in_list(r->severities, c->ev->severity);
    if (*yes && r->org_types[0]) {
        if (!author_type(err, c))
            return false;
        *yes = sharing_in_list(r->org_types, c->author_type);
    }
    return true;
}

static bool apply(struct error *err, struct ctx *c, const struct sharing_rule *r)
{
    bool yes = false;
    if (!matches(err, c, r, &yes))
        return false;
    if (!yes)
        return true;
    c->plan->rules_matched++;
    c->rule = r;
    c->due_at = strcmp(r->timing, "immediate") == 0
                    ? 0
                    : sharing_next_due(c->op->now_ms, r->at_minute, r->weekday);
    for (int i = 0; i < r->recipient_count; i++) {
        const struct sharing_recipient *rc = &r->recipients[i];
        if (!(rc->role[0] ? resolve_role(err, c, rc->role)
                          : add(err, c, rc->org_id, rc->user_id, NULL)))
            return false;
    }
    return true;
}

bool sharing_plan_event(struct error *err, struct op *op, const struct team_event *ev,
                        const struct sharing_author *a, struct sharing_plan *plan)
{
    *plan = (struct sharing_plan){0};
    /* the region's rules first, then the patient's, each in the order they were made */
    struct store_stmt *s = store_query(
        err, op->conn,
        "SELECT " SHARING_RULE_COLUMNS " FROM sharing_rules WHERE kind = ?1 AND deleted_at IS "
        "NULL AND (patient_id IS NULL OR patient_id = ?2) ORDER BY (CASE WHEN patient_id IS NULL "
        "THEN 0 ELSE 1 END), created_at, id",
        "tt", ev->kind, ev->patient_id);
    if (!s)
        return false;
    struct ctx *c = NULL;
    struct sharing_rule r;
    enum store_step_result step = STORE_DONE;
    bool ok = true;
    while (ok && (step = store_step(err, s)) == STORE_ROW) {
        if (!c) { /* the first rule: the context and room for the plan */
            c = arena_alloc(op->arena, sizeof *c);
            plan->t = arena_alloc(op->arena, SHARING_TARGETS_MAX * sizeof *plan->t);
            if (!c || !plan->t) {
                ok = error_set(err, ERR_NOMEM, NULL);
                break;
            }
            memset(c, 0, sizeof *c);
            *c = (struct ctx){.op = op, .ev = ev, .a = a, .plan = plan};
        }
        ok = !sharing_rule_from_row(s, &r) || apply(err, c, &r);
    }
    store_done(s);
    return ok && step != STORE_FAIL;
}
