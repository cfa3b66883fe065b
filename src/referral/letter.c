/* SPDX-License-Identifier: Apache-2.0 */
/* The referral letter (診療情報提供書) and the reply (返書): checked field by field with jsonv,
 * then normalised so that the stored JSON always has every part. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/jsonv.h"
#include "core/plausible.h"
#include "imaging/imaging.h"
#include "referral_int.h"

enum { TEXT_SHORT = 200, TEXT_MEDIUM = 2000, TEXT_LONG = 8000 };

/* One part of the letter: its field, and for arrays of objects the fields of an item. */
struct part {
    const char *name;
    enum jtype type;
    size_t max;
    const struct jfield *items; /* JV_OBJECT_ARRAY only */
};

static const struct jfield diagnosis_fields[] = {
    {"text", JV_STRING, false, TEXT_SHORT, NULL},
    {"code", JV_STRING, false, 40, NULL},
    {"onset", JV_STRING, false, 10, NULL},
    {NULL, 0, false, 0, NULL},
};
static const struct jfield medication_fields[] = {
    {"text", JV_STRING, false, 500, NULL},
    {NULL, 0, false, 0, NULL},
};
static const struct jfield allergy_fields[] = {
    {"text", JV_STRING, false, TEXT_SHORT, NULL},
    {"reaction", JV_STRING, false, TEXT_SHORT, NULL},
    {NULL, 0, false, 0, NULL},
};
static const struct jfield lab_fields[] = {
    {"text", JV_STRING, false, TEXT_SHORT, NULL},
    {"value", JV_STRING, false, 100, NULL},
    {"date", JV_STRING, false, 10, NULL},
    {NULL, 0, false, 0, NULL},
};
static const struct jfield document_fields[] = {
    {"reference", JV_TEXT, true, 100, NULL},
    {"title", JV_STRING, false, TEXT_SHORT, NULL},
    {NULL, 0, false, 0, NULL},
};
/* A study of the archive attached to the letter (shared with the receiver while the referral's
 * record share lasts): the sender names it by study_uid, the server fills in the rest from the
 * archive (a letter read back may be sent again). An item without study_uid is free text. */
static const struct jfield imaging_fields[] = {
    {"study_uid", JV_STRING, false, 64, NULL},
    {"description", JV_STRING, false, 500, NULL},
    {"date", JV_STRING, false, 10, NULL},
    {"modality", JV_STRING, false, 64, NULL},
    {"org_name", JV_STRING, false, TEXT_SHORT, NULL},
    {NULL, 0, false, 0, NULL},
};

/* The parts in letter order; the jsonv table below must list the same names. */
static const struct part parts[] = {
    {"purpose_text", JV_STRING, TEXT_MEDIUM, NULL},
    {"chief_complaint", JV_STRING, TEXT_MEDIUM, NULL},
    {"diagnoses", JV_OBJECT_ARRAY, 50, diagnosis_fields},
    {"history", JV_STRING, TEXT_LONG, NULL},
    {"course", JV_STRING, TEXT_LONG, NULL},
    {"medications", JV_OBJECT_ARRAY, 100, medication_fields},
    {"allergies", JV_OBJECT_ARRAY, 50, allergy_fields},
    {"labs", JV_OBJECT_ARRAY, 100, lab_fields},
    {"documents", JV_OBJECT_ARRAY, 20, document_fields},
    {"imaging", JV_OBJECT_ARRAY, 20, imaging_fields},
    {"follow_up", JV_STRING, TEXT_LONG, NULL},
    {"remarks", JV_STRING, TEXT_MEDIUM, NULL},
    {NULL, 0, 0, NULL},
};

static const struct jfield letter_fields[] = {
    {"purpose_text", JV_STRING, false, TEXT_MEDIUM, NULL},
    {"chief_complaint", JV_STRING, false, TEXT_MEDIUM, NULL},
    {"diagnoses", JV_OBJECT_ARRAY, false, 50, NULL},
    {"history", JV_STRING, false, TEXT_LONG, NULL},
    {"course", JV_STRING, false, TEXT_LONG, NULL},
    {"medications", JV_OBJECT_ARRAY, false, 100, NULL},
    {"allergies", JV_OBJECT_ARRAY, false, 50, NULL},
    {"labs", JV_OBJECT_ARRAY, false, 100, NULL},
    {"documents", JV_OBJECT_ARRAY, false, 20, NULL},
    {"imaging", JV_OBJECT_ARRAY, false, 20, NULL},
    {"follow_up", JV_STRING, false, TEXT_LONG, NULL},
    {"remarks", JV_STRING, false, TEXT_MEDIUM, NULL},
    /* set by the server; accepted (a letter read back may be sent again) and ignored */
    {"record_shared", JV_BOOL, false, 0, NULL},
    {"share_expires_at", JV_STRING, false, 40, NULL},
    {NULL, 0, false, 0, NULL},
};

/* An optional date part ("" or YYYY-MM-DD) of a clinical event: from 1900, not ahead. */
static bool check_date(struct error *err, const json_t *item, const char *name, const char *path)
{
    const char *v = jsonv_str(item, name);
    int y, m, d;
    struct plausible_why why;
    if (v && v[0] && !clock_parse_date(v, &y, &m, &d))
        return error_set(err, ERR_FIELD_VALUE, "%s.%s: expected YYYY-MM-DD or \"\"", path, name);
    if (v && v[0] && plausible_date(PLAUSIBLE_EVENT_DATE, v, NULL, &why)) {
        char field[128];
        snprintf(field, sizeof field, "%s.%s", path, name);
        return plausible_error(err, ERR_FIELD_RANGE, field, &why);
    }
    return true;
}

/* A document attached to the letter: a live DocumentReference of this patient. */
static bool check_document(struct error *err, struct request *req, const char *patient_id,
                           const json_t *item, const char *path)
{
    const char *ref = jsonv_str(item, "reference");
    const char *prefix = "DocumentReference/";
    size_t n = strlen(prefix);
    struct fhir_row row;
    bool found = false;
    if (strncmp(ref, prefix, n) != 0 || !fhir_id_valid(ref + n))
        return error_set(err, ERR_REFERRAL_LETTER_INVALID, "%s.reference: not a DocumentReference",
                         path);
    if (!fhir_store_lookup(err, req->op.conn, "DocumentReference", ref + n, &row, &found))
        return false;
    if (!found || row.deleted || strcmp(row.patient_id, patient_id) != 0)
        return error_set(err, ERR_REFERRAL_LETTER_INVALID, "%s.reference: %s", path, ref);
    return true;
}

/* An attached study: one the sender may see, of this patient, named once; the item as the
 * archive describes it (the sender's description kept when the study has none). */
static json_t *study_item(struct error *err, struct request *req, const char *patient_id,
                          const json_t *item, const json_t *done, const char *path)
{
    const char *uid = jsonv_str(item, "study_uid");
    for (size_t i = 0; i < json_array_size(done); i++)
        if (strcmp(jsonv_str(json_array_get(done, i), "study_uid"), uid) == 0)
            return error_set(err, ERR_REFERRAL_LETTER_INVALID, "%s.study_uid: named twice", path),
                   NULL;
    struct error e = {0};
    json_t *study = imaging_study_attachable(&e, &req->op, patient_id, uid);
    if (!study) {
        if (e.code == ERR_IMAGING_STUDY_NOT_ATTACHABLE)
            return error_set(err, e.code, "%s.study_uid: %s", path, uid), NULL;
        *err = e;
        return NULL;
    }
    const char *own = jsonv_str(study, "description"), *given = jsonv_str(item, "description");
    json_t *out =
        json_pack("{s:s, s:s, s:s, s:s, s:s}", "study_uid", uid, "date", jsonv_str(study, "date"),
                  "modality", jsonv_str(study, "modality"), "description",
                  own[0]  ? own
                  : given ? given
                          : "",
                  "org_name", jsonv_str(study, "org_name"));
    json_decref(study);
    return out;
}

/* A normalised item: every field of its table, "" when absent. */
static json_t *normalise_item(const json_t *item, const struct jfield *fields)
{
    json_t *out = json_object();
    for (const struct jfield *f = fields; f->name; f++) {
        const char *v = jsonv_str(item, f->name);
        json_object_set_new(out, f->name, json_string(v ? v : ""));
    }
    return out;
}

static bool check_items(struct error *err, struct request *req, const char *patient_id,
                        const struct part *p, const json_t *list, json_t *out)
{
    for (size_t i = 0; i < json_array_size(list); i++) {
        const json_t *item = json_array_get(list, i);
        const char *path = arena_printf(req->op.arena, "letter.%s[%zu]", p->name, i);
        if (!jsonv_check_at(err, item, p->items, path))
            return false;
        if (p->items == diagnosis_fields && !check_date(err, item, "onset", path))
            return false;
        if (p->items == lab_fields && !check_date(err, item, "date", path))
            return false;
        if (p->items == document_fields && !check_document(err, req, patient_id, item, path))
            return false;
        const char *uid = p->items == imaging_fields ? jsonv_str(item, "study_uid") : NULL;
        json_t *norm = uid && uid[0] ? study_item(err, req, patient_id, item, out, path)
                                     : normalise_item(item, p->items);
        if (!norm)
            return false;
        json_array_append_new(out, norm);
    }
    return true;
}

json_t *referral_letter_check(struct error *err, struct request *req, const char *patient_id,
                              const json_t *letter)
{
    if (!jsonv_check_at(err, letter, letter_fields, "letter"))
        return NULL;
    json_t *out = json_object();
    for (const struct part *p = parts; p->name; p++) {
        const json_t *v = json_object_get(letter, p->name);
        if (p->type == JV_STRING) {
            const char *s = json_is_string(v) ? json_string_value(v) : "";
            json_object_set_new(out, p->name, json_string(s));
            continue;
        }
        json_t *list = json_array();
        json_object_set_new(out, p->name, list);
        if (!check_items(err, req, patient_id, p, v, list)) {
            json_decref(out);
            return NULL;
        }
    }
    const char *purpose = api_trimmed(req, jsonv_str(out, "purpose_text"));
    if (!purpose[0]) {
        json_decref(out);
        error_set(err, ERR_REFERRAL_LETTER_INCOMPLETE, "letter.purpose_text");
        return NULL;
    }
    json_object_set_new(out, "record_shared", json_false());
    json_object_set_new(out, "share_expires_at", json_null());
    return out;
}

static const struct jfield reply_fields[] = {
    {"diagnosis", JV_STRING, false, TEXT_MEDIUM, NULL},
    {"findings", JV_STRING, false, TEXT_LONG, NULL},
    {"treatment", JV_STRING, false, TEXT_LONG, NULL},
    {"plan", JV_STRING, false, TEXT_LONG, NULL},
    {"remarks", JV_STRING, false, TEXT_MEDIUM, NULL},
    {NULL, 0, false, 0, NULL},
};

json_t *referral_reply_check(struct error *err, struct request *req, const json_t *reply)
{
    if (!jsonv_check_at(err, reply, reply_fields, "reply"))
        return NULL;
    json_t *out = normalise_item(reply, reply_fields);
    bool any = false;
    for (const struct jfield *f = reply_fields; f->name; f++)
        any = any || api_trimmed(req, jsonv_str(out, f->name))[0];
    if (!any) {
        json_decref(out);
        error_set(err, ERR_REFERRAL_REPLY_EMPTY, "reply");
        return NULL;
    }
    return out;
}

const char *referral_canonical(struct request *req, const json_t *j)
{
    char *text = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    const char *out = arena_strdup(req->op.arena, text ? text : "null");
    free(text);
    return out;
}
