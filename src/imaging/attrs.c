/* SPDX-License-Identifier: Apache-2.0 */
/* What the index keeps of an instance: its UIDs (checked), and the patient, study, series and
 * image attributes, as UTF-8 text fit for the index and for any screen (no control characters,
 * a bounded length). */
#include <stdlib.h>
#include <string.h>

#include "core/kana.h"
#include "dicom/dicom.h"
#include "imaging_int.h"

/* The longest text kept of one attribute (LO is 64 characters; LT and UT are not indexed). */
enum { ATTR_MAX_BYTES = 1024 };

/* Cuts s to at most max bytes on a UTF-8 character boundary and replaces control characters
 * (the parser gives valid UTF-8) by spaces. */
static void tidy(char *s, size_t max)
{
    size_t n = strlen(s);
    if (n > max) {
        n = max;
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
        s[n] = '\0';
    }
    for (char *p = s; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7F)
            *p = ' ';
}

/* The text of tag (all values, '\'-separated), tidied, in the arena; "" when absent. */
static const char *text(struct arena *arena, const struct dicom_dataset *ds, uint32_t tag)
{
    char *v = dicom_get_string(ds, tag, DICOM_ALL_VALUES);
    if (!v)
        return "";
    tidy(v, ATTR_MAX_BYTES);
    char *out = arena_strdup(arena, v);
    free(v);
    return out;
}

/* A DA value as YYYYMMDD ("" unless it is 8 digits; the old "YYYY.MM.DD" form is accepted). */
static const char *date(struct arena *arena, const struct dicom_dataset *ds, uint32_t tag)
{
    const char *v = text(arena, ds, tag);
    char d[9];
    size_t n = 0;
    for (const char *p = v; *p && n < 9; p++) {
        if (*p >= '0' && *p <= '9')
            d[n++] = *p;
        else if (*p != '.' || strlen(v) != 10)
            return "";
    }
    if (n != 8)
        return "";
    d[8] = '\0';
    return arena_strdup(arena, d);
}

/* A TM value as recorded when it looks like one (digits, '.', ':'), else "". */
static const char *time_of(struct arena *arena, const struct dicom_dataset *ds, uint32_t tag)
{
    const char *v = text(arena, ds, tag);
    if (strlen(v) > 16 || strspn(v, "0123456789.:") != strlen(v))
        return "";
    return v;
}

static int64_t integer(const struct dicom_dataset *ds, uint32_t tag)
{
    int64_t v;
    return dicom_get_int(ds, tag, 0, &v) && v >= 0 && v <= INT32_MAX ? v : -1;
}

static bool uid(struct error *err, struct arena *arena, const struct dicom_dataset *ds,
                uint32_t tag, const char *name, const char **out)
{
    const struct dicom_element *el = dicom_find(ds, tag);
    if (!el || el->value_length == 0)
        return error_set(err, ERR_IMAGING_ATTRIBUTE_MISSING, "%s (%04X,%04X) is missing", name,
                         DICOM_TAG_GROUP(tag), DICOM_TAG_ELEMENT(tag));
    char v[65];
    if (!dicom_get_uid(ds, tag, v) || !dicom_uid_valid(v))
        return error_set(err, ERR_IMAGING_UID_INVALID,
                         "%s (%04X,%04X) is not a legal UID (PS3.5 9.1: digits and dots, at "
                         "most 64 characters)",
                         name, DICOM_TAG_GROUP(tag), DICOM_TAG_ELEMENT(tag));
    *out = arena_strdup(arena, v);
    return true;
}

/* PatientName: the whole value (A=I=P), each component group and its matching key. */
static void person_name(struct arena *arena, const struct dicom_dataset *ds,
                        struct imaging_attrs *a)
{
    a->patient_name = text(arena, ds, DICOM_TAG_PATIENT_NAME);
    const char *p = a->patient_name;
    for (int g = 0; g < 3; g++) {
        const char *end = strchr(p, '=');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        char *group = arena_strndup(arena, p, n);
        a->name_groups[g] = group;
        char *key = group[0] ? kana_match_key(group) : NULL;
        a->name_keys[g] = key ? arena_strdup(arena, key) : "";
        free(key);
        p = end ? end + 1 : p + n;
    }
}

static void study_series(struct arena *arena, const struct dicom_dataset *ds,
                         struct imaging_attrs *a)
{
    a->patient_id = text(arena, ds, DICOM_TAG_PATIENT_ID);
    a->issuer = text(arena, ds, DICOM_TAG_ISSUER_OF_PATIENT_ID);
    person_name(arena, ds, a);
    a->birth_date = date(arena, ds, DICOM_TAG_PATIENT_BIRTH_DATE);
    const char *sex = text(arena, ds, DICOM_TAG_PATIENT_SEX);
    a->sex = strcmp(sex, "M") == 0 || strcmp(sex, "F") == 0 || strcmp(sex, "O") == 0 ? sex : "";
    a->study_date = date(arena, ds, DICOM_TAG_STUDY_DATE);
    a->study_time = time_of(arena, ds, DICOM_TAG_STUDY_TIME);
    a->accession = text(arena, ds, DICOM_TAG_ACCESSION_NUMBER);
    a->study_id = text(arena, ds, DICOM_TAG_STUDY_ID);
    a->study_description = text(arena, ds, DICOM_TAG_STUDY_DESCRIPTION);
    a->referring = text(arena, ds, DICOM_TAG(0x0008, 0x0090));
    a->modality = text(arena, ds, DICOM_TAG_MODALITY);
    a->series_description = text(arena, ds, DICOM_TAG_SERIES_DESCRIPTION);
    a->body_part = text(arena, ds, DICOM_TAG(0x0018, 0x0015));
    a->series_date = date(arena, ds, DICOM_TAG(0x0008, 0x0021));
    a->series_time = time_of(arena, ds, DICOM_TAG(0x0008, 0x0031));
    a->series_number = integer(ds, DICOM_TAG_SERIES_NUMBER);
    a->instance_number = integer(ds, DICOM_TAG_INSTANCE_NUMBER);
}

bool imaging_attrs_read(struct error *err, struct arena *arena, const struct dicom_file *f,
                        struct imaging_attrs *a)
{
    const struct dicom_dataset *ds = &f->dataset;
    memset(a, 0, sizeof(*a));
    if (!uid(err, arena, ds, DICOM_TAG_SOP_INSTANCE_UID, "SOPInstanceUID", &a->sop_instance_uid) ||
        !uid(err, arena, ds, DICOM_TAG_SOP_CLASS_UID, "SOPClassUID", &a->sop_class_uid) ||
        !uid(err, arena, ds, DICOM_TAG_STUDY_INSTANCE_UID, "StudyInstanceUID", &a->study_uid) ||
        !uid(err, arena, ds, DICOM_TAG_SERIES_INSTANCE_UID, "SeriesInstanceUID", &a->series_uid))
        return false;
    if (!dicom_uid_valid(f->transfer_syntax))
        return error_set(err, ERR_IMAGING_UID_INVALID,
                         "TransferSyntaxUID (0002,0010) is missing or not a legal UID");
    a->transfer_syntax_uid = arena_strdup(arena, f->transfer_syntax);
    study_series(arena, ds, a);
    bool pixels = dicom_find(ds, DICOM_TAG_PIXEL_DATA) != NULL;
    a->rows = pixels ? integer(ds, DICOM_TAG_ROWS) : -1;
    a->columns = pixels ? integer(ds, DICOM_TAG_COLUMNS) : -1;
    a->frames = pixels ? integer(ds, DICOM_TAG_NUMBER_OF_FRAMES) : -1;
    if (pixels && a->frames < 1)
        a->frames = 1;
    return true;
}
