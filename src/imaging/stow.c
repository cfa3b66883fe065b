/* SPDX-License-Identifier: Apache-2.0 */
/* STOW-RS (PS3.18 §10.5): POST /dicom-web/studies[/{study}] with multipart/related;
 * type="application/dicom". Every part is stored or fails alone; the answer is the Store
 * Instances Response Module (PS3.18 §10.5.3) in DICOM JSON. */
#include <string.h>
#include <strings.h>

#include "http/multipart.h"
#include "http/server.h"
#include "imaging_int.h"

/* Our private block in a response item: creator (0009,0010) "TSUNAGU", then (0009,1001) the
 * reason in English, since FailureReason and WarningReason are only numbers. */
#define PRIVATE_CREATOR "TSUNAGU"

static json_t *attr(const char *vr, json_t *value)
{
    return json_pack("{s:s, s:[o]}", "vr", vr, "Value", value);
}

static const char *retrieve_url(struct request *req, const struct imaging_stored *s)
{
    return arena_printf(req->op.arena, "%s/dicom-web/studies/%s/series/%s/instances/%s",
                        server_public_url(), s->study_uid, s->series_uid, s->sop_instance_uid);
}

static void add_reason(json_t *item, const char *reason)
{
    if (!reason || !reason[0])
        return;
    json_object_set_new(item, "00090010", attr("LO", json_string(PRIVATE_CREATOR)));
    json_object_set_new(item, "00091001", attr("LT", json_string(reason)));
}

/* One item of ReferencedSOPSequence (stored, or stored before) or FailedSOPSequence. */
static json_t *item(struct request *req, const struct imaging_stored *s)
{
    json_t *it = json_object();
    if (s->sop_class_uid[0])
        json_object_set_new(it, "00081150", attr("UI", json_string(s->sop_class_uid)));
    if (s->sop_instance_uid[0])
        json_object_set_new(it, "00081155", attr("UI", json_string(s->sop_instance_uid)));
    if (s->outcome == IMAGING_FAILED) {
        json_object_set_new(it, "00081197", attr("US", json_integer(s->status)));
        add_reason(it, s->reason);
        return it;
    }
    json_object_set_new(it, "00081190", attr("UR", json_string(retrieve_url(req, s))));
    if (s->status)
        json_object_set_new(it, "00081196", attr("US", json_integer(s->status)));
    add_reason(it, s->outcome == IMAGING_DUPLICATE
                       ? "already stored with the same content; nothing changed"
                       : s->reason);
    return it;
}

/* The response and its status: 200 all stored, 202 some failed or warned, 409 all failed
 * (PS3.18 §10.5.3.1). */
static void respond(struct request *req, const struct imaging_stored *res, size_t n)
{
    json_t *ok = json_array(), *failed = json_array(), *body = json_object();
    size_t warned = 0;
    const char *study = NULL;
    bool one_study = true;
    for (size_t i = 0; i < n; i++) {
        json_array_append_new(res[i].outcome == IMAGING_FAILED ? failed : ok, item(req, &res[i]));
        warned += res[i].outcome != IMAGING_FAILED && res[i].status != 0;
        if (res[i].outcome == IMAGING_FAILED)
            continue;
        one_study = one_study && (!study || strcmp(study, res[i].study_uid) == 0);
        study = res[i].study_uid;
    }
    if (study && one_study)
        json_object_set_new(
            body, "00081190",
            attr("UR", json_string(arena_printf(req->op.arena, "%s/dicom-web/studies/%s",
                                                server_public_url(), study))));
    size_t nfailed = json_array_size(failed);
    if (nfailed)
        json_object_set_new(body, "00081198", json_pack("{s:s, s:o}", "vr", "SQ", "Value", failed));
    else
        json_decref(failed);
    if (json_array_size(ok))
        json_object_set_new(body, "00081199", json_pack("{s:s, s:o}", "vr", "SQ", "Value", ok));
    else
        json_decref(ok);
    int status = nfailed == n ? 409 : nfailed || warned ? 202 : 200;
    response_json(req, status, body);
    if (req->status == status)
        req->content_type = "application/dicom+json";
}

/* The parts of the body: multipart/related; type="application/dicom" only (415 otherwise). */
static bool body_parts(struct error *err, struct request *req, struct multipart_part **parts,
                       size_t *n)
{
    const char *ct = request_header(req, "Content-Type"), *boundary, *type;
    struct error e = {0};
    if (req->body_too_large)
        return error_set(err, ERR_BODY_TOO_LARGE, "limit %zu bytes", req->body_limit);
    if (!multipart_content_type(&e, req->op.arena, ct, "multipart/related", &boundary, &type)) {
        if (e.code == ERR_CONTENT_TYPE)
            return error_set(err, ERR_IMAGING_NOT_MULTIPART, "Content-Type %s",
                             ct ? ct : "missing");
        return error_set(err, e.code, "%s", e.detail);
    }
    if (!type || strcasecmp(type, "application/dicom") != 0)
        return error_set(err, ERR_IMAGING_NOT_MULTIPART,
                         "type=%s: only application/dicom instances are accepted",
                         type ? type : "(missing)");
    return multipart_parse(err, req->op.arena, (const uint8_t *)req->body.buf, req->body.len,
                           boundary, parts, n);
}

/* A part that does not say it is application/dicom fails alone. */
static bool part_is_dicom(const struct multipart_part *p)
{
    if (!p->content_type)
        return true; /* the multipart's type parameter says what its parts are */
    size_t n = strlen("application/dicom");
    return strncasecmp(p->content_type, "application/dicom", n) == 0 &&
           (p->content_type[n] == '\0' || p->content_type[n] == ';' || p->content_type[n] == ' ');
}

static void refuse_part(struct request *req, const struct multipart_part *p,
                        struct imaging_stored *out)
{
    memset(out, 0, sizeof(*out));
    out->outcome = IMAGING_FAILED;
    out->status = IMAGING_STATUS_CANNOT_UNDERSTAND;
    out->code = ERR_IMAGING_NOT_DICOM;
    out->reason = arena_printf(req->op.arena, "part of type %.100s is not application/dicom",
                               p->content_type);
}

static bool stow(struct error *err, struct request *req, const char *study_uid)
{
    static const char *const no_query[] = {NULL};
    struct multipart_part *parts;
    size_t n;
    enum error_code refusal = access_search_refusal(&req->op.principal);
    if (refusal != ERR_NONE) /* network office, no organisation, pending membership */
        return error_set(err, refusal, "storing images needs an organisation to act for");
    if (!request_query_check(err, req, no_query) || !body_parts(err, req, &parts, &n))
        return false;
    struct imaging_store_opts opts = {.study_uid = study_uid};
    struct imaging_batch *batch = imaging_batch_new(err, &req->op, &opts);
    if (!batch)
        return false;
    struct imaging_stored *res = arena_alloc(req->op.arena, n * sizeof(*res));
    for (size_t i = 0; i < n; i++) {
        bool fatal = false;
        struct error e = {0};
        if (!part_is_dicom(&parts[i]))
            refuse_part(req, &parts[i], &res[i]);
        else if (!imaging_batch_add(&e, batch, parts[i].data, parts[i].len, &res[i], &fatal) &&
                 fatal)
            return error_set(err, e.code, "%s", e.detail);
    }
    if (!imaging_batch_commit(err, batch))
        return false;
    respond(req, res, n);
    return true;
}

bool imaging_stow(struct error *err, struct request *req)
{
    return stow(err, req, NULL);
}

bool imaging_stow_study(struct error *err, struct request *req)
{
    const char *study = request_param(req, 0);
    if (!imaging_uid_valid(study))
        return error_set(err, ERR_IMAGING_UID_INVALID, "study in the URL: %.64s", study);
    return stow(err, req, study);
}
