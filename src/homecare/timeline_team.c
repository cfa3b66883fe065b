/* SPDX-License-Identifier: Apache-2.0 */
/* The team timeline's team: who is on the patient's care team (the access rule's reading for
 * writes), who may be mentioned, and who is told of a post (notifications and live events). */
#include <stdio.h>
#include <string.h>

#include "access/access.h"
#include "core/jsonv.h"
#include "homecare_int.h"
#include "notify/notify.h"

bool timeline_org_on_team(struct error *err, struct store_conn *conn, const char *org_id,
                          const char *patient_id, bool *on_team)
{
    struct access_rule_args a;
    access_rule_args_org(org_id, &a);
    /* the rule's ?1 (organisation) and ?2 (today); ACCESS_TEAM_SQL uses no other */
    struct store_stmt *s =
        store_query(err, conn, "SELECT 1 FROM patients p WHERE p.id = ?3 AND " ACCESS_TEAM_SQL,
                    "ttt", org_id, a.today, patient_id);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    store_done(s);
    *on_team = r == STORE_ROW;
    return r != STORE_FAIL;
}

static json_t *id_name(struct store_stmt *s)
{
    return json_pack("{s:s, s:s}", "id", store_text(s, 0), "name", store_text(s, 1));
}

static bool add_members(struct error *err, struct store_conn *conn, json_t *org)
{
    json_t *members = api_rows(
        err,
        store_query(err, conn,
                    "SELECT u.id, u.name FROM memberships m JOIN users u ON u.id = m.user_id "
                    "WHERE m.org_id = ? AND m.pending IS NULL AND u.disabled = 0 "
                    "ORDER BY u.name_kana, u.id",
                    "t", json_string_value(json_object_get(org, "id"))),
        id_name);
    return members && json_object_set_new(org, "members", members) == 0;
}

json_t *timeline_team(struct error *err, struct store_conn *conn, const char *patient_id)
{
    json_t *candidates =
        api_rows(err,
                 store_query(err, conn,
                             "SELECT DISTINCT o.id, o.name, o.name_kana FROM care_team t "
                             "JOIN orgs o ON o.id = t.org_id WHERE t.patient_id = ? "
                             "AND t.removed_at IS NULL ORDER BY o.name_kana, o.id",
                             "t", patient_id),
                 id_name);
    if (!candidates)
        return NULL;
    json_t *team = json_array();
    size_t i;
    json_t *org;
    json_array_foreach(candidates, i, org)
    {
        bool on = false;
        if (!timeline_org_on_team(err, conn, json_string_value(json_object_get(org, "id")),
                                  patient_id, &on) ||
            (on && (!add_members(err, conn, org) || json_array_append(team, org) != 0))) {
            json_decref(candidates);
            json_decref(team);
            return err->code ? NULL : (error_set(err, ERR_NOMEM, NULL), NULL);
        }
    }
    json_decref(candidates);
    return team;
}

/* The team organisation with id org_id, or NULL. */
static const json_t *team_org(const json_t *team, const char *org_id)
{
    size_t i;
    const json_t *org;
    json_array_foreach(team, i, org)
    {
        if (strcmp(json_string_value(json_object_get(org, "id")), org_id) == 0)
            return org;
    }
    return NULL;
}

static bool org_has_member(const json_t *org, const char *user_id)
{
    size_t i;
    const json_t *m;
    json_array_foreach(json_object_get(org, "members"), i, m)
    {
        if (strcmp(json_string_value(json_object_get(m, "id")), user_id) == 0)
            return true;
    }
    return false;
}

/* The organisation of the team through which user_id is on it: org_id when given, else the first
 * (in the team's order) that has the user as a member; NULL when none. */
static const char *user_org(const json_t *team, const char *user_id, const char *org_id)
{
    if (org_id) {
        const json_t *org = team_org(team, org_id);
        return org && org_has_member(org, user_id) ? org_id : NULL;
    }
    size_t i;
    const json_t *org;
    json_array_foreach(team, i, org)
    {
        if (org_has_member(org, user_id))
            return json_string_value(json_object_get(org, "id"));
    }
    return NULL;
}

static bool mention_store(struct error *err, struct op *op, const char *post_id, int seq,
                          const char *user_id, const char *org_id)
{
    struct store_stmt *s = store_query(err, op->conn,
                                       "SELECT 1 FROM homecare_post_mentions WHERE post_id = ? "
                                       "AND org_id = ? AND COALESCE(user_id, '') = ?",
                                       "ttt", post_id, org_id, user_id ? user_id : "");
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    store_done(s);
    if (r != STORE_DONE) /* the same mention twice counts once */
        return r == STORE_ROW;
    return store_exec(err, op->conn, NULL,
                      "INSERT INTO homecare_post_mentions (post_id, seq, user_id, org_id) "
                      "VALUES (?, ?, ?, ?)",
                      "titt", post_id, (int64_t)seq, user_id, org_id);
}

bool timeline_mentions_save(struct error *err, struct op *op, const json_t *mentions,
                            const json_t *team, const char *post_id)
{
    static const struct jfield fields[] = {
        {"user_id", JV_UUID, false, 0, NULL},
        {"org_id", JV_UUID, false, 0, NULL},
        {NULL, 0, false, 0, NULL},
    };
    size_t i;
    const json_t *m;
    json_array_foreach(mentions, i, m)
    {
        if (!jsonv_check(err, m, fields)) {
            /* say which mention: the checker named only the field inside it */
            struct error inner = *err;
            *err = (struct error){ERR_NONE, "", ""};
            return error_set(err, inner.code, "mentions[%zu].%s", i, inner.detail);
        }
        const char *user = jsonv_str(m, "user_id"), *org = jsonv_str(m, "org_id");
        if (!user && !org)
            return error_set(err, ERR_FIELD_MISSING, "mentions[%zu].user_id", i);
        const char *via = user ? user_org(team, user, org) : team_org(team, org) ? org : NULL;
        if (!via)
            return error_set(err, ERR_HOMECARE_TIMELINE_MENTION, "mentions[%zu]", i);
        if (!mention_store(err, op, post_id, (int)i + 1, user, via))
            return false;
    }
    return true;
}

static json_t *mention_row(struct store_stmt *s)
{
    return json_pack("{s:s, s:o, s:o}", "kind", store_is_null(s, 0) ? "org" : "user", "user",
                     api_id_name(s, 0, 1), "org", api_id_name(s, 2, 3));
}

json_t *timeline_mentions(struct error *err, struct store_conn *conn, const char *post_id)
{
    return api_rows(err,
                    store_query(err, conn,
                                "SELECT m.user_id, u.name, m.org_id, o.name "
                                "FROM homecare_post_mentions m JOIN orgs o ON o.id = m.org_id "
                                "LEFT JOIN users u ON u.id = m.user_id WHERE m.post_id = ? "
                                "ORDER BY m.seq",
                                "t", post_id),
                    mention_row);
}

/* ---- who is told ----------------------------------------------------------------------------- */

/* What organisation org_id is told of the post: the members of it mentioned (user ids), whether
 * it is mentioned itself. */
static bool org_mentions(struct error *err, struct store_conn *conn, const char *post_id,
                         const char *org_id, json_t **users, bool *whole_org)
{
    *whole_org = false;
    *users = json_array();
    struct store_stmt *s = store_query(
        err, conn, "SELECT user_id FROM homecare_post_mentions WHERE post_id = ? AND org_id = ?",
        "tt", post_id, org_id);
    if (!s)
        return false;
    enum store_step_result r;
    while ((r = store_step(err, s)) == STORE_ROW) {
        if (store_is_null(s, 0))
            *whole_org = true;
        else
            json_array_append_new(*users, json_string(store_text(s, 0)));
    }
    store_done(s);
    return r == STORE_DONE;
}

/* What every notification of one post says. */
struct post_news {
    const char *patient_id, *post_id, *category, *org_name;
    bool urgent;
};

static bool notify_one(struct error *err, struct op *op, const struct post_news *n,
                       const char *org_id, json_t *users, bool whole_org)
{
    json_t *summary = json_pack("{s:s, s:s, s:s, s:b, s:b, s:O, s:s, s:s}", "event", "posted",
                                "post_id", n->post_id, "category", n->category, "urgent", n->urgent,
                                "mentions_org", whole_org, "mentioned_users", users, "org_name",
                                n->org_name, "user_name", op->principal.name);
    json_t *extra = json_pack("{s:s}", "post_id", n->post_id);
    struct notify_message m = {.kind = "homecare_post",
                               .patient_id = n->patient_id,
                               .ref_id = n->post_id,
                               .summary = summary,
                               .event = extra};
    bool ok = summary && extra ? notify_org(err, op, org_id, &m) : error_set(err, ERR_NOMEM, NULL);
    json_decref(summary);
    json_decref(extra);
    return ok;
}

/* The summary's category and author organisation, from the stored post. */
static bool fill_summary(struct error *err, struct op *op, const char *post_id, char *category,
                         char *org_name, size_t cap)
{
    struct store_stmt *s = store_query(err, op->conn,
                                       "SELECT p.category, o.name FROM homecare_posts p "
                                       "JOIN orgs o ON o.id = p.org_id WHERE p.id = ?",
                                       "t", post_id);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    if (r == STORE_ROW) {
        snprintf(category, 16, "%s", store_text(s, 0));
        snprintf(org_name, cap, "%s", store_text(s, 1));
    }
    store_done(s);
    return r == STORE_ROW    ? true
           : r == STORE_FAIL ? false
                             : error_set(err, ERR_HOMECARE_TIMELINE_POST_NOT_FOUND, NULL);
}

bool timeline_notify(struct error *err, struct op *op, const char *patient_id, const char *post_id,
                     const char *thread_id, bool urgent, const json_t *team)
{
    char category[16] = "", org_name[256] = "";
    if (!fill_summary(err, op, post_id, category, org_name, sizeof org_name))
        return false;
    struct post_news n = {patient_id, post_id, category, org_name, urgent};
    size_t i;
    const json_t *org;
    json_array_foreach(team, i, org)
    {
        const char *org_id = json_string_value(json_object_get(org, "id"));
        json_t *users;
        bool whole = false, sees = false,
             ok = org_mentions(err, op->conn, post_id, org_id, &users, &whole);
        bool told = ok && (urgent || whole || json_array_size(users) > 0);
        if (ok && told)
            ok = access_org_sees(err, op->conn, org_id, patient_id, DATA_CLINICAL, &sees);
        if (ok && told && sees)
            ok = notify_one(err, op, &n, org_id, users, whole);
        json_decref(users);
        if (!ok)
            return false;
        /* the event names no patient: an open timeline that does not hold the thread reloads */
        op_publish_json(op, "homecare.timeline", org_id,
                        json_pack("{s:s, s:s, s:s}", "event", "posted", "post_id", post_id,
                                  "thread_id", thread_id));
    }
    return true;
}
