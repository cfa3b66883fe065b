/* SPDX-License-Identifier: Apache-2.0 */
/* What the rules deliver (issue 17): at once, a notification to each recipient (kind "sharing")
 * in the write that caused the event; for a digest, a queued row that the sweep turns, once its
 * Tokyo time has come, into one notification per recipient and patient (kind "sharing_digest"),
 * checking the access rule again then. Every target of every rule leaves a row in the log, which
 * the team reads (GET /api/patients/{id}/sharing/deliveries). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access/access.h"
#include "core/clock.h"
#include "core/text.h"
#include "notify/notify.h"
#include "sharing_int.h"

static json_t *author_json(struct op *op, const struct sharing_author *a)
{
    return a->user_id && a->user_id[0]
               ? json_pack("{s:s, s:s, s:s?}", "id", a->user_id, "name", op->principal.name,
                           "org_id", a->org_id && a->org_id[0] ? a->org_id : NULL)
               : json_null();
}

/* Notifies target t of ev at once; nid gets the notification's id. */
static bool send_now(struct error *err, struct op *op, const struct team_event *ev,
                     const struct sharing_author *a, const struct sharing_target *t,
                     char nid[UUID_STR_LEN])
{
    ids_uuid_new(nid);
    json_t *summary = json_pack(
        "{s:s, s:s?, s:s, s:s, s:o, s:o}", "event", ev->kind, "severity", ev->severity, "rule_id",
        t->rule_id, "scope", t->region ? "region" : "patient", "what",
        ev->summary ? json_incref((json_t *)ev->summary) : json_object(), "by", author_json(op, a));
    json_t *event = json_pack("{s:s}", "event", ev->kind); /* names no patient */
    struct notify_message m = {.kind = "sharing",
                               .patient_id = ev->patient_id,
                               .ref_id = ev->ref_id,
                               .summary = summary,
                               .id = nid,
                               .event = event};
    bool ok = summary && event &&
              (t->user_id[0] ? notify_user(err, op, t->org_id, t->user_id, &m)
                             : notify_org(err, op, t->org_id, &m));
    if (!summary || !event)
        error_set(err, ERR_NOMEM, NULL);
    json_decref(summary);
    json_decref(event);
    return ok;
}

/* The event, once; *event_id gets its key. */
static bool insert_event(struct error *err, struct op *op, const struct team_event *ev,
                         const struct sharing_author *a, int64_t *event_id)
{
    char *what = ev->summary ? json_dumps(ev->summary, JSON_COMPACT) : strdup("{}");
    if (!what)
        return error_set(err, ERR_NOMEM, NULL);
    struct store_stmt *s = store_query(
        err, op->conn,
        "INSERT INTO sharing_events (patient_id, kind, ref_id, summary, severity, author_id, "
        "created_at) VALUES (?, ?, ?, ?, ?, NULLIF(?, ''), ?) RETURNING id",
        "tttttti", ev->patient_id, ev->kind, ev->ref_id, what, ev->severity,
        a->user_id ? a->user_id : "", op->now_ms);
    free(what);
    if (!s)
        return false;
    enum store_step_result step = store_step(err, s);
    if (step == STORE_ROW)
        *event_id = store_int(s, 0);
    store_done(s);
    return step == STORE_ROW || (step != STORE_FAIL && error_set(err, ERR_STORE, "no id"));
}

bool sharing_plan_write(struct error *err, struct op *op, const struct team_event *ev,
                        const struct sharing_author *a, const struct sharing_plan *plan)
{
    int64_t event_id = 0;
    bool ok = op_write_begin(err, op) && insert_event(err, op, ev, a, &event_id);
    for (int i = 0; ok && i < plan->n; i++) {
        const struct sharing_target *t = &plan->t[i];
        char nid[UUID_STR_LEN] = "";
        bool now = strcmp(t->outcome, "sent") == 0;
        ok = (!now || send_now(err, op, ev, a, t, nid)) &&
             store_exec(err, op->conn, NULL,
                        "INSERT INTO sharing_deliveries (event_id, rule_id, patient_id, org_id, "
                        "user_id, timing, outcome, due_at, sent_at, notification_id) VALUES (?, "
                        "?, ?, ?, NULLIF(?, ''), ?, ?, NULLIF(?, 0), NULLIF(?, 0), NULLIF(?, ''))",
                        "ittttttiit", event_id, t->rule_id, ev->patient_id, t->org_id, t->user_id,
                        t->timing, t->outcome, t->due_at, now ? op->now_ms : 0, nid);
    }
    return ok;
}

bool sharing_team_event(struct error *err, struct op *op, const struct team_event *ev)
{
    struct sharing_author a = {op->principal.user_id, op->principal.profession,
                               op->principal.org_id};
    struct sharing_plan plan;
    return sharing_plan_event(err, op, ev, &a, &plan) &&
           (plan.n == 0 || sharing_plan_write(err, op, ev, &a, &plan));
}

json_t *sharing_plan_json(struct error *err, struct op *op, const struct sharing_plan *plan)
{
    json_t *items = json_array();
    for (int i = 0; items && i < plan->n; i++) {
        const struct sharing_target *t = &plan->t[i];
        char due[32] = "";
        if (t->due_at)
            clock_format_iso(t->due_at, due);
        const char *outcome = strcmp(t->outcome, "sent") == 0     ? "send"
                              : strcmp(t->outcome, "queued") == 0 ? "queue"
                                                                  : t->outcome;
        json_t *org = sharing_named(err, op->conn, false, t->org_id);
        json_t *user = org ? sharing_named(err, op->conn, true, t->user_id) : NULL;
        if (!user) {
            json_decref(org);
            json_decref(items);
            return NULL;
        }
        json_t *item =
            json_pack("{s:s, s:s, s:s?, s:s, s:s?, s:o, s:o, s:s}", "rule_id", t->rule_id, "scope",
                      t->region ? "region" : "patient", "role", t->role, "timing", t->timing,
                      "due_at", due[0] ? due : NULL, "org", org, "user", user, "outcome", outcome);
        if (!item || json_array_append_new(items, item) != 0) {
            json_decref(items);
            error_set(err, ERR_NOMEM, "preview");
            return NULL;
        }
    }
    return items;
}

/* ---- digests --------------------------------------------------------------------------------- */

enum { DIGEST_ITEMS_MAX = 200, DIGEST_GROUPS_PER_SWEEP = 32 };

struct group {
    char org_id[UUID_STR_LEN], user_id[UUID_STR_LEN], patient_id[UUID_STR_LEN];
};

/* The items of one recipient's digest about one patient, due now; ids gets their row ids. */
static json_t *digest_items(struct error *err, struct op *op, const struct group *g, int64_t *ids,
                            int *n, const char **timing)
{
    struct store_stmt *s = store_query(
        err, op->conn,
        "SELECT d.id, e.kind, e.ref_id, e.summary, e.created_at, d.timing, e.severity, d.rule_id "
        "FROM sharing_deliveries d JOIN sharing_events e ON e.id = d.event_id WHERE d.outcome = "
        "'queued' AND d.due_at <= ? AND d.org_id = ? AND COALESCE(d.user_id, '') = ? AND "
        "d.patient_id = ? ORDER BY d.id LIMIT 200",
        "ittt", op->now_ms, g->org_id, g->user_id, g->patient_id);
    if (!s)
        return NULL;
    json_t *items = json_array();
    enum store_step_result step;
    *n = 0;
    while (items && (step = store_step(err, s)) == STORE_ROW && *n < DIGEST_ITEMS_MAX) {
        ids[*n] = store_int(s, 0);
        if ((*n)++ == 0)
            *timing = strcmp(store_text(s, 5), "weekly") == 0 ? "weekly" : "daily";
        json_t *what = json_loads(store_text(s, 3), 0, NULL);
        json_array_append_new(
            items, json_pack("{s:s, s:o, s:o, s:o, s:o, s:s}", "event", store_text(s, 1), "ref_id",
                             api_text_or_null(s, 2), "at", api_time_or_null(s, 4), "severity",
                             api_text_or_null(s, 6), "what", what ? what : json_object(), "rule_id",
                             store_text(s, 7)));
    }
    store_done(s);
    if (!items || step == STORE_FAIL) {
        json_decref(items);
        return NULL;
    }
    return items;
}

/* Sends (or, when the organisation no longer sees the patient, skips) one digest. */
static bool send_digest(struct error *err, struct op *op, const struct group *g)
{
    int64_t *ids = arena_alloc(op->arena, DIGEST_ITEMS_MAX * sizeof *ids);
    int n = 0;
    const char *timing = "daily";
    bool sees = false;
    if (!ids)
        return error_set(err, ERR_NOMEM, NULL);
    json_t *items = digest_items(err, op, g, ids, &n, &timing);
    if (!items)
        return err->code != ERR_NONE ? false : error_set(err, ERR_NOMEM, NULL);
    if (n == 0) {
        json_decref(items);
        return true;
    }
    char nid[UUID_STR_LEN] = "";
    bool ok = access_org_sees(err, op->conn, g->org_id, g->patient_id, DATA_CLINICAL, &sees);
    if (ok && sees) {
        ids_uuid_new(nid);
        json_t *summary =
            json_pack("{s:s, s:i, s:O}", "digest", timing, "count", n, "items", items);
        json_t *event = json_pack("{s:s}", "digest", timing);
        struct notify_message m = {.kind = "sharing_digest",
                                   .patient_id = g->patient_id,
                                   .summary = summary,
                                   .id = nid,
                                   .event = event};
        ok = summary && event &&
             (g->user_id[0] ? notify_user(err, op, g->org_id, g->user_id, &m)
                            : notify_org(err, op, g->org_id, &m));
        json_decref(summary);
        json_decref(event);
    }
    json_decref(items);
    for (int i = 0; ok && i < n; i++)
        ok = store_exec(err, op->conn, NULL,
                        "UPDATE sharing_deliveries SET outcome = ?, sent_at = ?, notification_id "
                        "= NULLIF(?, '') WHERE id = ? AND outcome = 'queued'",
                        "titi", sees ? "sent" : "skipped_no_consent", op->now_ms, nid, ids[i]);
    char first[24];
    snprintf(first, sizeof first, "%lld", (long long)ids[0]);
    return ok && op_audit(err, op, "sharing.digest", 'C', g->patient_id,
                          sees ? "notification" : "sharing_delivery", sees ? nid : first,
                          sees ? "digest sent" : "digest skipped: no consent");
}

static bool next_group(struct error *err, struct op *op, struct group *g, bool *found)
{
    struct store_stmt *s = store_query(
        err, op->conn,
        "SELECT org_id, COALESCE(user_id, ''), patient_id FROM sharing_deliveries WHERE outcome "
        "= 'queued' AND due_at <= ? ORDER BY due_at, id LIMIT 1",
        "i", op->now_ms);
    if (!s)
        return false;
    enum store_step_result step = store_step(err, s);
    *found = step == STORE_ROW;
    if (*found) {
        text_copy(g->org_id, UUID_STR_LEN, store_text(s, 0));
        text_copy(g->user_id, UUID_STR_LEN, store_text(s, 1));
        text_copy(g->patient_id, UUID_STR_LEN, store_text(s, 2));
    }
    store_done(s);
    return step != STORE_FAIL;
}

bool sharing_sweep(struct error *err, struct op *op)
{
    for (int i = 0; i < DIGEST_GROUPS_PER_SWEEP; i++) {
        struct group g;
        bool found = false;
        if (!next_group(err, op, &g, &found))
            return false;
        if (!found)
            return true;
        if (!op_write_begin(err, op) || !send_digest(err, op, &g))
            return false;
    }
    return true;
}
