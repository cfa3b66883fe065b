/* SPDX-License-Identifier: Apache-2.0 */
/* The handlers of co-viewing, and the two locators its routes.def names: a study (the imaging
 * module's case kind, decided for reading: co-viewing reads the study, it writes nothing of the
 * record) and a session (its study, decided the same way, for its starter, participants and
 * invitees only). */
#include <stdio.h>
#include <string.h>

#include "core/ids.h"
#include "core/jsonv.h"
#include "coview_int.h"
#include "notify/notify.h"

const struct access_case_kind *coview_study_kind(void)
{
    return modules_case_kind("study"); /* a walk of a few static entries */
}

/* PS3.5 §9.1, loosely: digits and dots, at most 64 characters (the case query decides the
 * rest). */
static bool uid_plausible(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    return n > 0 && n <= COVIEW_STUDY_UID_MAX && strspn(s, "0123456789.") == n;
}

/* The access rule on study uid for the request's principal; on a refusal, not_found. */
static bool decide_study(struct error *err, struct request *req, const char *uid,
                         enum error_code not_found, const char *object_type, const char *object_id)
{
    const struct access_case_kind *kind = coview_study_kind();
    if (!kind)
        return error_set(err, ERR_INTERNAL, "no case kind \"study\"");
    if (!router_decide_case(err, req, kind, uid, ACCESS_READ, object_type, object_id)) {
        if (err->code != kind->not_found || kind->not_found == not_found)
            return false;
        error_clear(err); /* a hidden session's study: the session is what is not found */
        return error_set(err, not_found, NULL);
    }
    if (!req->patient_id) /* a study waiting for its patient is not co-viewed */
        return error_set(err, not_found, NULL);
    return true;
}

static bool locate_study(struct error *err, struct request *req, const struct route_locator *self)
{
    (void)self;
    const char *uid = request_param(req, 0);
    const struct access_case_kind *kind = coview_study_kind();
    if (!uid_plausible(uid))
        return error_set(err, kind ? kind->not_found : ERR_NOT_FOUND, "malformed UID");
    return decide_study(err, req, uid, kind ? kind->not_found : ERR_NOT_FOUND, "study", uid);
}

const struct route_locator coview_study_locator = {
    "reading the study (access_decide_case of the imaging module's case kind study)", locate_study,
    NULL, false, false};

static bool locate_session(struct error *err, struct request *req, const struct route_locator *self)
{
    (void)self;
    const char *sid = request_param(req, 0);
    struct coview_ref *ref = arena_alloc(req->op.arena, sizeof *ref);
    if (!ids_uuid_valid(sid) || !coview_session_find(sid, &req->op.principal, ref))
        return error_set(err, ERR_COVIEW_NOT_FOUND, NULL);
    if (decide_study(err, req, ref->study_uid, ERR_COVIEW_NOT_FOUND, "coview", ref->id))
        return true;
    /* A participant whose access ended (a consent withdrawn) is out: the others see it go,
     * and the last one who may stay can end the session by leaving. */
    if (err->code == ERR_COVIEW_NOT_FOUND && ref->participant)
        coview_session_drop(ref->id, &req->op.principal);
    return false;
}

const struct route_locator coview_session_locator = {
    "the session's study, read by its starter, participants or invitees (access_decide_case of "
    "the case kind study)",
    locate_session, NULL, false, false};

/* The session the locator found, as the caller sees it now. */
static bool ref_now(struct error *err, struct request *req, struct coview_ref *ref)
{
    return coview_session_find(req->object_id, &req->op.principal, ref) ||
           error_set(err, ERR_COVIEW_NOT_FOUND, "ended");
}

static bool org_name(struct error *err, struct store_conn *conn, const char *org_id,
                     char out[COVIEW_NAME_MAX])
{
    out[0] = '\0';
    struct store_stmt *s =
        store_query(err, conn, "SELECT name FROM orgs WHERE id = ?", "t", org_id);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    if (r == STORE_ROW)
        snprintf(out, COVIEW_NAME_MAX, "%s", store_text(s, 0));
    store_done(s);
    return r != STORE_FAIL;
}

static bool respond_session(struct error *err, struct request *req, int status)
{
    json_t *o = coview_session_json(req->object_id, true);
    if (!o)
        return error_set(err, ERR_COVIEW_NOT_FOUND, "ended");
    response_json(req, status, o);
    return true;
}

bool coview_start(struct error *err, struct request *req)
{
    static const struct jfield fields[] = {{NULL}};
    if (!jsonv_check(err, req->json, fields) || !request_require_org(err, req))
        return false;
    char name[COVIEW_NAME_MAX];
    struct coview_ref ref;
    if (!org_name(err, req->op.conn, req->op.principal.org_id, name) ||
        !coview_session_start(err, &req->op.principal, name, request_param(req, 0), req->patient_id,
                              &ref))
        return false;
    req->object_type = "coview";
    req->object_id = arena_strdup(req->op.arena, ref.id);
    req->audit_detail = arena_printf(req->op.arena, "started on study %s", ref.study_uid);
    return respond_session(err, req, 201);
}

bool coview_read(struct error *err, struct request *req)
{
    return respond_session(err, req, 200);
}

/* Whether organisation org_id exists, and user_id (when given) is one of its members. */
static bool invitee_exists(struct error *err, struct store_conn *conn, const char *org_id,
                           const char *user_id)
{
    struct store_stmt *s =
        user_id
            ? store_query(err, conn, "SELECT 1 FROM memberships WHERE org_id = ? AND user_id = ?",
                          "tt", org_id, user_id)
            : store_query(err, conn, "SELECT 1 FROM orgs WHERE id = ?", "t", org_id);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    store_done(s);
    if (r == STORE_FAIL)
        return false;
    return r == STORE_ROW || error_set(err, ERR_COVIEW_INVITEE, user_id ? "user_id" : "org_id");
}

/* Whether the invitee's organisation, in person (no emergency grant), may read the study. */
static bool invitee_may_read(struct error *err, struct request *req, const char *study_uid,
                             const char *org_id)
{
    struct principal q = {0};
    snprintf(q.org_id, sizeof q.org_id, "%s", org_id);
    snprintf(q.org_role, sizeof q.org_role, "member");
    snprintf(q.state, sizeof q.state, "%s", SESSION_ACTIVE);
    struct access_decision d;
    char patient[UUID_STR_LEN];
    if (!access_decide_case(err, req->op.conn, &q, coview_study_kind(), study_uid, ACCESS_READ, &d,
                            patient))
        return false;
    return (d.allow && strcmp(patient, req->patient_id) == 0) ||
           error_set(err, ERR_COVIEW_INVITEE_ACCESS, NULL);
}

/* The invitee's notification: the inbox (kept while the session may be missed) and at once on
 * the event stream of the user or organisation; naming the patient, so listed only to whom the
 * access rule lets see them. */
static bool notify_invitee(struct error *err, struct request *req, const struct coview_ref *ref,
                           const char *org_id, const char *user_id)
{
    char from_org[COVIEW_NAME_MAX];
    if (!org_name(err, req->op.conn, req->op.principal.org_id, from_org) ||
        !op_write_begin(err, &req->op))
        return false;
    json_t *summary = json_pack("{s:s, s:s, s:s, s:s, s:s}", "event", "invited", "session_id",
                                ref->id, "study_uid", ref->study_uid, "from_name",
                                req->op.principal.name, "from_org_name", from_org);
    json_t *ev = json_pack("{s:s, s:s}", "event", "coview_invited", "session_id", ref->id);
    struct notify_message m = {.kind = "coview",
                               .patient_id = req->patient_id,
                               .ref_id = ref->id,
                               .summary = summary,
                               .event = ev};
    bool ok = !summary || !ev ? error_set(err, ERR_NOMEM, NULL)
              : user_id       ? notify_user(err, &req->op, org_id, user_id, &m)
                              : notify_org(err, &req->op, org_id, &m);
    json_decref(summary);
    json_decref(ev);
    return ok;
}

bool coview_invite(struct error *err, struct request *req)
{
    static const struct jfield fields[] = {
        {"org_id", JV_UUID, true, 0, NULL}, {"user_id", JV_UUID, false, 0, NULL}, {NULL}};
    struct coview_ref ref;
    if (!jsonv_check(err, req->json, fields) || !ref_now(err, req, &ref))
        return false;
    if (!ref.participant)
        return error_set(err, ERR_COVIEW_NOT_PARTICIPANT, NULL);
    const char *org = jsonv_str(req->json, "org_id"), *user = jsonv_str(req->json, "user_id");
    if (!invitee_exists(err, req->op.conn, org, user) ||
        !invitee_may_read(err, req, ref.study_uid, org) ||
        !coview_session_invite(err, ref.id, org, user) ||
        !notify_invitee(err, req, &ref, org, user))
        return false;
    req->audit_detail = arena_printf(req->op.arena, "invited organisation %s%s%s", org,
                                     user ? ", user " : "", user ? user : "");
    return respond_session(err, req, 200);
}

bool coview_join(struct error *err, struct request *req)
{
    static const struct jfield fields[] = {{NULL}};
    struct coview_ref ref;
    char name[COVIEW_NAME_MAX];
    if (!jsonv_check(err, req->json, fields) || !ref_now(err, req, &ref) ||
        !org_name(err, req->op.conn, req->op.principal.org_id, name) ||
        !coview_session_join(err, ref.id, &req->op.principal, name))
        return false;
    req->audit_detail = "joined";
    return respond_session(err, req, 200);
}

bool coview_leave(struct error *err, struct request *req)
{
    static const struct jfield fields[] = {{NULL}};
    bool ended;
    if (!jsonv_check(err, req->json, fields) ||
        !coview_session_leave(err, req->object_id, &req->op.principal, &ended))
        return false;
    req->audit_detail = ended ? "left; the last participant: the session ended" : "left";
    response_json(req, 200, json_pack("{s:b}", "ended", ended));
    return true;
}

bool coview_view(struct error *err, struct request *req)
{
    static const struct jfield fields[] = {{"view", JV_OBJECT, true, 0, NULL}, {NULL}};
    if (!jsonv_check(err, req->json, fields))
        return false;
    char *text = json_dumps(json_object_get(req->json, "view"), JSON_COMPACT);
    if (!text)
        return error_set(err, ERR_NOMEM, "view");
    size_t n = strlen(text);
    bool ok = n <= COVIEW_VIEW_MAX
                  ? coview_session_view(err, req->object_id, &req->op.principal, text)
                  : error_set(err, ERR_COVIEW_VIEW, "%zu bytes", n);
    free(text);
    if (ok)
        response_empty(req, 204);
    return ok;
}

bool coview_pointer(struct error *err, struct request *req)
{
    static const struct jfield fields[] = {{"pointer", JV_OBJECT, false, 0, NULL}, {NULL}};
    static const struct jfield at[] = {{"pane", JV_INT, true, 0, NULL},
                                       {"x", JV_NUMBER, true, 0, NULL},
                                       {"y", JV_NUMBER, true, 0, NULL},
                                       {NULL}};
    if (!jsonv_check(err, req->json, fields))
        return false;
    json_t *p = json_object_get(req->json, "pointer");
    if (!json_object_get(req->json, "pointer"))
        return error_set(err, ERR_FIELD_MISSING, "pointer");
    bool visible = !json_is_null(p);
    if (visible && !jsonv_check_at(err, p, at, "pointer"))
        return false;
    json_int_t pane = visible ? json_integer_value(json_object_get(p, "pane")) : 0;
    double x = visible ? json_number_value(json_object_get(p, "x")) : 0;
    double y = visible ? json_number_value(json_object_get(p, "y")) : 0;
    if (pane < 0 || pane > 3 || !(x >= 0 && x <= 1) || !(y >= 0 && y <= 1))
        return error_set(err, ERR_FIELD_RANGE, "pointer: pane 0..3, x and y 0..1");
    if (!coview_session_pointer(err, req->object_id, &req->op.principal, visible, (int)pane, x, y))
        return false;
    response_empty(req, 204);
    return true;
}

bool coview_message(struct error *err, struct request *req)
{
    static const struct jfield fields[] = {{"text", JV_TEXT, true, COVIEW_TEXT_MAX, NULL}, {NULL}};
    uint64_t seq;
    if (!jsonv_check(err, req->json, fields) ||
        !coview_session_message(err, req->object_id, &req->op.principal,
                                jsonv_str(req->json, "text"), &seq))
        return false;
    req->audit_detail = arena_printf(req->op.arena, "message %llu", (unsigned long long)seq);
    response_json(req, 201, json_pack("{s:I}", "seq", (json_int_t)seq));
    return true;
}

bool coview_presenter(struct error *err, struct request *req)
{
    static const struct jfield fields[] = {
        {"user_id", JV_UUID, true, 0, NULL}, {"org_id", JV_UUID, true, 0, NULL}, {NULL}};
    if (!jsonv_check(err, req->json, fields) ||
        !coview_session_hand_over(err, req->object_id, &req->op.principal,
                                  jsonv_str(req->json, "user_id"), jsonv_str(req->json, "org_id")))
        return false;
    req->audit_detail =
        arena_printf(req->op.arena, "presenter to %s", jsonv_str(req->json, "user_id"));
    return respond_session(err, req, 200);
}

bool coview_stream(struct error *err, struct request *req)
{
    struct coview_ref ref;
    if (!request_query_check(err, req, (const char *const[]){NULL}) || !ref_now(err, req, &ref))
        return false;
    return coview_stream_open(err, req, &ref);
}
