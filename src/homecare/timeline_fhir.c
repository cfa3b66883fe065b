/* SPDX-License-Identifier: Apache-2.0 */
/* A post of the team timeline as FHIR R4 Communication (written through the FHIR store in the
 * post's write transaction, a new version when a photo is attached): the category, the urgency
 * as priority, the patient as subject, the author's organisation as sender, the mentioned as
 * recipients, the thread as inResponseTo, the text and the photos as payload. */
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "fhir/rest.h"
#include "homecare_int.h"

#define POST_ID_SYSTEM "https://tsunagu.example.jp/fhir/NamingSystem/homecare-post"
#define CATEGORY_SYSTEM "https://tsunagu.example.jp/fhir/CodeSystem/homecare-post-category"

static const char sql_post[] =
    "SELECT p.patient_id, p.category, p.urgency, p.body, p.created_at, p.org_id, o.name, u.name, "
    "p.fhir_communication_id, (SELECT q.fhir_communication_id FROM homecare_posts q "
    "WHERE q.id = p.parent_id) FROM homecare_posts p JOIN orgs o ON o.id = p.org_id "
    "JOIN users u ON u.id = p.user_id WHERE p.id = ?";

static const char *category_ja(const char *code)
{
    static const char *const names[][2] = {
        {"report", "報告"}, {"consult", "相談"}, {"request", "依頼"}, {"notice", "連絡"}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(names[i][0], code) == 0)
            return names[i][1];
    return code;
}

static json_t *reference(const char *type, const char *id, const char *display)
{
    char r[96];
    snprintf(r, sizeof r, "%s/%s", type, id);
    return display ? json_pack("{s:s, s:s}", "reference", r, "display", display)
                   : json_pack("{s:s}", "reference", r);
}

/* The Communication of a row of sql_post (without recipients and photos). */
static json_t *communication(struct store_stmt *s, const char *post_id)
{
    char sent[32], sender[512];
    clock_format_iso(store_int(s, 4), sent);
    snprintf(sender, sizeof sender, "%s %s", store_text(s, 6), store_text(s, 7));
    const char *category = store_text(s, 1);
    json_t *c = json_pack(
        "{s:s, s:[{s:s, s:s}], s:s, s:[{s:[{s:s, s:s, s:s}]}], s:s, s:o, s:s, s:o, s:[{s:s}]}",
        "resourceType", "Communication", "identifier", "system", POST_ID_SYSTEM, "value", post_id,
        "status", "completed", "category", "coding", "system", CATEGORY_SYSTEM, "code", category,
        "display", category_ja(category), "priority",
        strcmp(store_text(s, 2), "urgent") == 0 ? "urgent" : "routine", "subject",
        reference("Patient", store_text(s, 0), NULL), "sent", sent, "sender",
        reference("Organization", store_text(s, 5), sender), "payload", "contentString",
        store_text(s, 3));
    if (c && !store_is_null(s, 9))
        json_object_set_new(c, "inResponseTo",
                            json_pack("[o]", reference("Communication", store_text(s, 9), NULL)));
    return c;
}

/* The mentioned as recipients: an organisation, with the person's name as display. */
static bool add_recipients(struct error *err, struct store_conn *conn, json_t *c,
                           const char *post_id)
{
    json_t *mentions = timeline_mentions(err, conn, post_id);
    if (!mentions)
        return false;
    json_t *recipients = json_array();
    size_t i;
    json_t *m;
    json_array_foreach(mentions, i, m)
    {
        json_t *org = json_object_get(m, "org"), *user = json_object_get(m, "user");
        const char *display = json_is_object(user)
                                  ? json_string_value(json_object_get(user, "name"))
                                  : json_string_value(json_object_get(org, "name"));
        json_array_append_new(
            recipients,
            reference("Organization", json_string_value(json_object_get(org, "id")), display));
    }
    json_decref(mentions);
    if (json_array_size(recipients) > 0)
        json_object_set_new(c, "recipient", recipients);
    else
        json_decref(recipients);
    return true;
}

/* Each photo as a payload attachment that links to the route serving it (access-checked). */
static bool add_photos(struct error *err, struct store_conn *conn, json_t *c,
                       const char *patient_id, const char *post_id)
{
    json_t *photos = timeline_attachments(err, conn, post_id);
    if (!photos)
        return false;
    json_t *payload = json_object_get(c, "payload");
    size_t i;
    json_t *a;
    json_array_foreach(photos, i, a)
    {
        char url[200];
        snprintf(url, sizeof url, "/api/patients/%s/homecare/posts/%s/attachments/%lld", patient_id,
                 post_id, (long long)json_integer_value(json_object_get(a, "n")));
        json_array_append_new(
            payload, json_pack("{s:{s:s, s:s, s:I}}", "contentAttachment", "contentType",
                               json_string_value(json_object_get(a, "media_type")), "url", url,
                               "size", json_integer_value(json_object_get(a, "size"))));
    }
    json_decref(photos);
    return true;
}

bool timeline_sync_communication(struct error *err, struct op *op, const char *post_id)
{
    struct store_conn *conn = op->conn;
    struct store_stmt *s = store_query(err, conn, sql_post, "t", post_id);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    if (r != STORE_ROW) {
        store_done(s);
        return r == STORE_FAIL ? false : error_set(err, ERR_HOMECARE_TIMELINE_POST_NOT_FOUND, NULL);
    }
    json_t *c = communication(s, post_id);
    const char *patient_id = arena_strdup(op->arena, store_text(s, 0));
    const char *fhir_id = store_is_null(s, 8) ? NULL : arena_strdup(op->arena, store_text(s, 8));
    store_done(s);
    if (!c)
        return error_set(err, ERR_NOMEM, NULL);
    if (!add_recipients(err, conn, c, post_id) || !add_photos(err, conn, c, patient_id, post_id)) {
        json_decref(c);
        return false;
    }
    struct fhir_row row;
    if (!homecare_fhir_put(err, op, c, fhir_id, patient_id, &row))
        return false;
    return fhir_id || store_exec(err, conn, NULL,
                                 "UPDATE homecare_posts SET fhir_communication_id = ? WHERE id = ?",
                                 "tt", row.id, post_id);
}
