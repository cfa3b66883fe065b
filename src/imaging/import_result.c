/* SPDX-License-Identifier: Apache-2.0 */
/* The answer of an import: one result per file, the studies it touched, and the counts. */
#include <string.h>

#include "import_int.h"

struct counts {
    json_int_t stored, duplicates, failed, skipped;
};

static json_t *reason_json(enum error_code code, const char *detail, bool english)
{
    const char *message = error_message(code, english);
    json_t *r = json_pack("{s:s, s:s}", "code", error_code_name(code), "reason", message);
    if (detail && detail[0])
        json_object_set_new(r, "detail", json_string(detail));
    return r;
}

/* The warning for a file stored (or found again) whose study is not linked to the patient of
 * the page it was uploaded on, or waits for reconciliation. */
static enum error_code warning_of(const struct imaging_stored *s, const char *patient_id)
{
    if (s->waiting)
        return patient_id ? ERR_IMAGING_PATIENT_MISMATCH_QUEUED : ERR_IMAGING_QUEUED;
    if (patient_id && s->patient_id[0] && strcmp(s->patient_id, patient_id) != 0)
        return ERR_IMAGING_PATIENT_MISMATCH_OTHER;
    return ERR_NONE;
}

static json_t *tried_json(const struct import_file *f, const char *patient_id, bool english,
                          struct counts *n)
{
    const struct imaging_stored *s = &f->stored;
    if (s->outcome == IMAGING_FAILED) {
        n->failed++;
        json_t *r =
            reason_json(s->code != ERR_NONE ? s->code : ERR_IMAGING_INVALID, s->reason, english);
        json_object_set_new(r, "status", json_string("failed"));
        return r;
    }
    bool stored = s->outcome == IMAGING_STORED;
    stored ? n->stored++ : n->duplicates++;
    json_t *r = json_pack("{s:s, s:s, s:s, s:s}", "status", stored ? "stored" : "duplicate",
                          "study_uid", s->study_uid, "series_uid", s->series_uid,
                          "sop_instance_uid", s->sop_instance_uid);
    enum error_code warning = warning_of(s, patient_id);
    if (warning != ERR_NONE)
        json_object_set_new(r, "warning", reason_json(warning, NULL, english));
    return r;
}

static json_t *file_json(const struct import_file *f, const char *patient_id, bool english,
                         struct counts *n)
{
    json_t *r;
    if (f->tried) {
        r = tried_json(f, patient_id, english, n);
    } else {
        bool skipped =
            f->skipped == ERR_IMAGING_NOT_DICOM || f->skipped == ERR_IMAGING_NOT_IN_DICOMDIR;
        skipped ? n->skipped++ : n->failed++;
        r = reason_json(f->skipped, f->detail, english);
        json_object_set_new(r, "status", json_string(skipped ? "skipped" : "failed"));
    }
    json_object_set_new(r, "name", json_string(f->name));
    return r;
}

/* The studies the import stored or found again: instances, and where each went. */
static json_t *studies_json(const struct import_file *files, size_t count, const char *patient_id)
{
    json_t *by_uid = json_object(), *list = json_array();
    for (size_t i = 0; i < count; i++) {
        const struct imaging_stored *s = &files[i].stored;
        if (!files[i].tried || s->outcome == IMAGING_FAILED || !s->study_uid[0])
            continue;
        json_t *study = json_object_get(by_uid, s->study_uid);
        if (!study) {
            const char *state = s->waiting ? "waiting" : s->patient_id[0] ? "linked" : "stored";
            study = json_pack("{s:s, s:s, s:i}", "study_uid", s->study_uid, "state", state,
                              "instances", 0);
            if (patient_id && !s->waiting)
                json_object_set_new(study, "this_patient",
                                    json_boolean(strcmp(s->patient_id, patient_id) == 0));
            json_object_set(by_uid, s->study_uid, study);
            json_array_append_new(list, study);
        }
        json_int_t n = json_integer_value(json_object_get(study, "instances"));
        json_object_set_new(study, "instances", json_integer(n + 1));
    }
    json_decref(by_uid);
    return list;
}

json_t *import_result_json(const struct import_file *files, size_t count,
                           const struct dicomdir_plan *plan, bool dicomdir, const char *patient_id,
                           bool english)
{
    struct counts n = {0};
    json_t *list = json_array();
    for (size_t i = 0; i < count; i++) {
        const struct import_file *f = &files[i];
        if (f->tried || f->skipped != ERR_NONE) /* folders and a readable DICOMDIR: no result */
            json_array_append_new(list, file_json(f, patient_id, english, &n));
    }
    for (size_t i = 0; i < plan->problem_count; i++) {
        const struct dicomdir_problem *p = &plan->problems[i];
        json_t *r = reason_json(p->code, NULL, english);
        json_object_set_new(r, "status", json_string("failed"));
        json_object_set_new(r, "name", json_string(p->file_id));
        json_object_set_new(r, "from_dicomdir", json_true());
        json_array_append_new(list, r);
        n.failed++;
    }
    return json_pack("{s:b, s:{s:I, s:I, s:I, s:I}, s:o, s:o}", "dicomdir", dicomdir, "summary",
                     "stored", n.stored, "duplicates", n.duplicates, "failed", n.failed, "skipped",
                     n.skipped, "studies", studies_json(files, count, patient_id), "files", list);
}
