/* SPDX-License-Identifier: Apache-2.0 */
/* The team timeline of a patient (issue 16): posts (報告・相談・依頼・連絡) by the care team,
 * replies in threads, read receipts per person and per organisation. Items carry a `type` so that
 * visit records and schedule changes can join the same list later (docs/api/homecare.md). */
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/ids.h"
#include "core/jsonv.h"
#include "homecare_int.h"

static const char *const categories[] = {"report", "consult", "request", "notice", NULL};
static const char *const urgencies[] = {"normal", "urgent", NULL};

/* ---- read receipts --------------------------------------------------------------------------- */

static json_t *receipt_row(struct store_stmt *s)
{
    return json_pack("{s:o, s:o, s:o}", "user", api_id_name(s, 0, 1), "org", api_id_name(s, 2, 3),
                     "read_at", api_time_or_null(s, 4));
}

static bool has_read(const json_t *people, const char *user_id)
{
    size_t i;
    const json_t *r;
    json_array_foreach(people, i, r)
    {
        const char *id = json_string_value(json_object_get(json_object_get(r, "user"), "id"));
        if (strcmp(id, user_id) == 0)
            return true;
    }
    return false;
}

/* Who of one team organisation has read (per organisation) and who has not (per person). */
static json_t *org_state(const json_t *org, const json_t *people, json_t *unread)
{
    size_t i, read = 0;
    const json_t *m;
    const json_t *members = json_object_get(org, "members");
    json_t *ref = json_pack("{s:O, s:O}", "id", json_object_get(org, "id"), "name",
                            json_object_get(org, "name"));
    json_array_foreach(members, i, m)
    {
        const char *id = json_string_value(json_object_get(m, "id"));
        if (has_read(people, id))
            read++;
        else
            json_array_append_new(unread, json_pack("{s:O, s:O}", "user", m, "org", ref));
    }
    return json_pack("{s:o, s:b, s:I, s:I}", "org", ref, "read", read > 0, "read_count",
                     (json_int_t)read, "member_count", (json_int_t)json_array_size(members));
}

/* {"people": who has read, "unread_people": who of the team has not, "orgs": per organisation}. */
static json_t *read_state(struct error *err, struct store_conn *conn, const char *post_id,
                          const json_t *team)
{
    json_t *people = api_rows(
        err,
        store_query(err, conn,
                    "SELECT r.user_id, u.name, r.org_id, o.name, r.read_at "
                    "FROM homecare_post_reads r JOIN users u ON u.id = r.user_id "
                    "JOIN orgs o ON o.id = r.org_id WHERE r.post_id = ? ORDER BY r.read_at, u.id",
                    "t", post_id),
        receipt_row);
    if (!people)
        return NULL;
    json_t *unread = json_array(), *orgs = json_array();
    size_t i;
    const json_t *org;
    json_array_foreach(team, i, org) json_array_append_new(orgs, org_state(org, people, unread));
    return json_pack("{s:o, s:o, s:o}", "people", people, "unread_people", unread, "orgs", orgs);
}

/* ---- one post as JSON ------------------------------------------------------------------------ */

static json_t *post_row(struct store_stmt *s)
{
    return json_pack("{s:s, s:s, s:o, s:s, s:s, s:s, s:o, s:o, s:o}", "type", "post", "id",
                     store_text(s, 0), "parent_id", api_text_or_null(s, 1), "category",
                     store_text(s, 2), "urgency", store_text(s, 3), "text", store_text(s, 4), "at",
                     api_time_or_null(s, 5), "author", api_id_name(s, 6, 7), "org",
                     api_id_name(s, 8, 9));
}

/* Adds what a post's row does not hold: mentions, attachments, read receipts. */
static bool post_complete(struct error *err, struct store_conn *conn, json_t *post,
                          const json_t *team)
{
    const char *id = json_string_value(json_object_get(post, "id"));
    json_t *mentions = timeline_mentions(err, conn, id);
    json_t *attachments = mentions ? timeline_attachments(err, conn, id) : NULL;
    json_t *read = attachments ? read_state(err, conn, id, team) : NULL;
    if (!read) {
        json_decref(mentions);
        json_decref(attachments);
        return false;
    }
    json_object_set_new(post, "mentions", mentions);
    json_object_set_new(post, "attachments", attachments);
    json_object_set_new(post, "read", read);
    return true;
}

/* The posts of statement s, completed; NULL with err set. */
static json_t *posts_of(struct error *err, struct store_conn *conn, struct store_stmt *s,
                        const json_t *team)
{
    json_t *posts = api_rows(err, s, post_row);
    size_t i;
    json_t *post;
    json_array_foreach(posts, i, post)
    {
        if (!post_complete(err, conn, post, team)) {
            json_decref(posts);
            return NULL;
        }
    }
    return posts;
}

/* One post of the patient (replies: []), or NULL with err set (404 when not the patient's). */
static json_t *post_json(struct error *err, struct store_conn *conn, const char *patient_id,
                         const char *post_id, const json_t *team)
{
    static const char sql[] =
        "SELECT p.id, p.parent_id, p.category, p.urgency, p.body, p.created_at, p.user_id, "
        "u.name, p.org_id, o.name FROM homecare_posts p JOIN users u ON u.id = p.user_id "
        "JOIN orgs o ON o.id = p.org_id WHERE p.id = ? AND p.patient_id = ?";
    json_t *posts =
        posts_of(err, conn, store_query(err, conn, sql, "tt", post_id, patient_id), team);
    if (!posts)
        return NULL;
    json_t *post = json_incref(json_array_get(posts, 0));
    json_decref(posts);
    if (!post)
        error_set(err, ERR_HOMECARE_TIMELINE_POST_NOT_FOUND, NULL);
    else
        json_object_set_new(post, "replies", json_array());
    return post;
}

/* ---- posting --------------------------------------------------------------------------------- */

/* The thread a reply joins: the parent's thread (one level of replies), which must be a post of
 * the same patient. */
static bool thread_of(struct error *err, struct store_conn *conn, const char *patient_id,
                      const char *parent_id, char thread[UUID_STR_LEN])
{
    struct store_stmt *s = store_query(
        err, conn,
        "SELECT COALESCE(parent_id, id) FROM homecare_posts WHERE id = ? AND patient_id = ?", "tt",
        parent_id, patient_id);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    if (r == STORE_ROW)
        snprintf(thread, UUID_STR_LEN, "%s", store_text(s, 0));
    store_done(s);
    if (r == STORE_DONE)
        return error_set(err, ERR_HOMECARE_TIMELINE_PARENT, "parent_id");
    return r == STORE_ROW;
}

static bool post_check(struct error *err, const json_t *body)
{
    static const struct jfield fields[] = {
        {"category", JV_STRING, true, 0, categories},
        {"text", JV_TEXT, true, TIMELINE_TEXT_MAX, NULL},
        {"urgency", JV_STRING, false, 0, urgencies},
        {"parent_id", JV_UUID, false, 0, NULL},
        {"mentions", JV_OBJECT_ARRAY, false, TIMELINE_MENTIONS_MAX, NULL},
        {NULL, 0, false, 0, NULL},
    };
    if (!body)
        return error_set(err, ERR_FIELD_MISSING, "category");
    return jsonv_check(err, body, fields);
}

/* Refuses, clearly, anyone the access rule's reading for writes does not count on the team (the
 * router has decided already for a request; this keeps the rule of this route visible where it
 * is used). */
static bool author_on_team(struct error *err, struct op *op, const char *patient_id)
{
    bool on = false;
    if (!timeline_org_on_team(err, op->conn, op->principal.org_id, patient_id, &on))
        return false;
    return on ? true : error_set(err, ERR_HOMECARE_TIMELINE_NOT_TEAM, NULL);
}

/* A repeat of an earlier post by the same user with the same key (a tablet sending again after
 * losing the connection): *id gets that post's id (NULL when the key is new). */
static bool replay(struct error *err, struct op *op, const char *key, const char *digest,
                   const char **id)
{
    return api_idempotency_match(err, op->arena,
                                 store_query(err, op->conn,
                                             "SELECT id, request_sha256 FROM homecare_posts "
                                             "WHERE user_id = ? AND idempotency_key = ?",
                                             "tt", op->principal.user_id, key),
                                 digest, ERR_HOMECARE_TIMELINE_IDEMPOTENCY_CONFLICT, id);
}

static bool insert_post(struct error *err, struct op *op, const char *patient_id,
                        const json_t *body, const char *id, const char *parent, const char *key,
                        const char *digest)
{
    const char *urgency = jsonv_str(body, "urgency");
    return store_exec(err, op->conn, NULL,
                      "INSERT INTO homecare_posts (id, patient_id, user_id, org_id, category, "
                      "body, urgency, parent_id, created_at, idempotency_key, request_sha256) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                      "ttttttttitt", id, patient_id, op->principal.user_id, op->principal.org_id,
                      jsonv_str(body, "category"), homecare_trimmed(op, jsonv_str(body, "text")),
                      urgency ? urgency : "normal", parent, op->now_ms, key, key ? digest : NULL) &&
           /* the author has seen what they wrote */
           store_exec(err, op->conn, NULL,
                      "INSERT INTO homecare_post_reads (post_id, user_id, org_id, read_at) "
                      "VALUES (?, ?, ?, ?)",
                      "ttti", id, op->principal.user_id, op->principal.org_id, op->now_ms);
}

bool homecare_post_create(struct error *err, struct op *op, const char *patient_id,
                          const json_t *body, const char *key, const char *digest,
                          char id[UUID_STR_LEN], bool *repeat)
{
    *repeat = false;
    id[0] = '\0';
    if (!post_check(err, body) || !op_write_begin(err, op) || !author_on_team(err, op, patient_id))
        return false;
    if (key) {
        const char *old;
        if (!replay(err, op, key, digest, &old))
            return false;
        if (old) {
            snprintf(id, UUID_STR_LEN, "%s", old);
            *repeat = true;
            return true;
        }
    }
    const char *parent = jsonv_str(body, "parent_id");
    char thread[UUID_STR_LEN], fresh[UUID_STR_LEN];
    ids_uuid_new(fresh);
    if (parent && !thread_of(err, op->conn, patient_id, parent, thread))
        return false;
    if (!parent)
        snprintf(thread, sizeof thread, "%s", fresh);
    snprintf(id, UUID_STR_LEN, "%s", fresh);
    json_t *team = timeline_team(err, op->conn, patient_id);
    const char *urgency = jsonv_str(body, "urgency");
    bool ok = team &&
              insert_post(err, op, patient_id, body, id, parent ? thread : NULL, key, digest) &&
              timeline_mentions_save(err, op, json_object_get(body, "mentions"), team, id) &&
              timeline_sync_communication(err, op, id) &&
              timeline_notify(err, op, patient_id, id, thread,
                              urgency && strcmp(urgency, "urgent") == 0, team);
    json_decref(team);
    return ok;
}

bool homecare_posts_create(struct error *err, struct request *req)
{
    const char *key;
    char digest[SHA256_HEX_LEN], id[UUID_STR_LEN] = "";
    bool repeat;
    /* homecare_post_create checks the body again: here first so that a bad body is told before
     * a bad Idempotency-Key */
    if (!post_check(err, req->json) ||
        !api_idempotency_key(err, req, ERR_FIELD_VALUE, &key, digest))
        return false;
    bool ok =
        homecare_post_create(err, &req->op, req->patient_id, req->json, key, digest, id, &repeat);
    if (id[0]) {
        req->object_type = "homecare_post";
        req->object_id = arena_strdup(req->op.arena, id);
    }
    if (!ok)
        return false;
    if (repeat) /* the earlier post, answered again */
        req->audit_detail = "idempotent repeat";
    json_t *team = timeline_team(err, req->op.conn, req->patient_id);
    json_t *post = team ? post_json(err, req->op.conn, req->patient_id, id, team) : NULL;
    json_decref(team);
    if (!post)
        return false;
    response_json(req, repeat ? 200 : 201, post);
    return true;
}

/* ---- the list -------------------------------------------------------------------------------- */

static bool add_replies(struct error *err, struct store_conn *conn, json_t *threads,
                        const json_t *team)
{
    static const char sql[] =
        "SELECT p.id, p.parent_id, p.category, p.urgency, p.body, p.created_at, p.user_id, "
        "u.name, p.org_id, o.name FROM homecare_posts p JOIN users u ON u.id = p.user_id "
        "JOIN orgs o ON o.id = p.org_id WHERE p.parent_id = ? ORDER BY p.created_at, p.id";
    size_t i;
    json_t *thread;
    json_array_foreach(threads, i, thread)
    {
        const char *id = json_string_value(json_object_get(thread, "id"));
        json_t *replies = posts_of(err, conn, store_query(err, conn, sql, "t", id), team);
        if (!replies)
            return false;
        json_object_set_new(thread, "replies", replies);
    }
    return true;
}

bool homecare_posts_list(struct error *err, struct request *req)
{
    static const char *const allowed[] = {"limit", "cursor", NULL};
    static const char sql[] =
        "SELECT p.id, p.parent_id, p.category, p.urgency, p.body, p.created_at, p.user_id, "
        "u.name, p.org_id, o.name FROM homecare_posts p JOIN users u ON u.id = p.user_id "
        "JOIN orgs o ON o.id = p.org_id WHERE p.patient_id = ? AND p.parent_id IS NULL "
        "ORDER BY p.created_at DESC, p.id DESC LIMIT ? OFFSET ?";
    int64_t limit, offset;
    if (!request_query_check(err, req, allowed) || !request_page(err, req, &limit, &offset))
        return false;
    struct store_conn *conn = req->op.conn;
    json_t *team = timeline_team(err, conn, req->patient_id);
    json_t *threads =
        team
            ? posts_of(err, conn,
                       store_query(err, conn, sql, "tii", req->patient_id, limit + 1, offset), team)
            : NULL;
    if (!threads || !add_replies(err, conn, threads, team)) {
        json_decref(team);
        json_decref(threads);
        return false;
    }
    bool more = json_array_size(threads) > (size_t)limit;
    if (more)
        json_array_remove(threads, (size_t)limit);
    json_t *body = request_page_body(req, threads, offset, limit, more);
    json_object_set_new(body, "team", team);
    response_json(req, 200, body);
    return true;
}

json_t *timeline_thread(struct error *err, struct store_conn *conn, const char *patient_id,
                        const char *post_id, const json_t *team)
{
    json_t *post = post_json(err, conn, patient_id, post_id, team);
    json_t *one = post ? json_pack("[O]", post) : NULL;
    bool ok = one && add_replies(err, conn, one, team);
    json_decref(one);
    if (!ok) {
        json_decref(post);
        return NULL;
    }
    return post;
}

/* ---- read receipts --------------------------------------------------------------------------- */

bool homecare_post_mark_read(struct error *err, struct op *op, const char *patient_id,
                             const char *post_id, json_t **read)
{
    if (!ids_uuid_valid(post_id))
        return error_set(err, ERR_HOMECARE_TIMELINE_POST_NOT_FOUND, "malformed id");
    json_t *team = NULL, *post = NULL;
    bool ok = op_write_begin(err, op) &&
              (team = timeline_team(err, op->conn, patient_id)) != NULL &&
              (post = post_json(err, op->conn, patient_id, post_id, team)) != NULL &&
              store_exec(err, op->conn, NULL,
                         "INSERT INTO homecare_post_reads (post_id, user_id, org_id, read_at) "
                         "VALUES (?, ?, ?, ?) ON CONFLICT (post_id, user_id) DO NOTHING",
                         "ttti", post_id, op->principal.user_id, op->principal.org_id, op->now_ms);
    if (ok && read)
        ok = (*read = read_state(err, op->conn, post_id, team)) != NULL;
    json_decref(team);
    json_decref(post);
    return ok;
}

bool homecare_posts_mark_read(struct error *err, struct request *req)
{
    const char *post_id = request_param(req, 1);
    if (!api_no_fields(err, req))
        return false;
    if (ids_uuid_valid(post_id)) { /* the audit names the post only when it is an id */
        req->object_type = "homecare_post";
        req->object_id = post_id;
    }
    json_t *read;
    if (!homecare_post_mark_read(err, &req->op, req->patient_id, post_id, &read))
        return false;
    response_json(req, 200, json_pack("{s:s, s:o}", "post_id", post_id, "read", read));
    return true;
}
