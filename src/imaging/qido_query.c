/* SPDX-License-Identifier: Apache-2.0 */
/* QIDO-RS query parameters (PS3.18 §8.3.4) to SQL. Every value is bound, never spliced: a
 * wildcard becomes a case-sensitive match (store_wildcard, PS3.4 §C.2.2.2.4) or, for person
 * names, a LIKE pattern with its own special characters escaped first. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access/access.h"
#include "core/kana.h"
#include "dicom/dicom.h"
#include "imaging_int.h"
#include "qido_int.h"

#define ANY QIDO_ANY
#define STUDY QIDO_STUDY
#define SERIES QIDO_SERIES
#define INSTANCE QIDO_INSTANCE

const struct qido_attr qido_attrs[] = {
    {0x00080005, "SpecificCharacterSet", "CS", ANY, QM_NONE, "'ISO_IR 192'", true},
    {0x00080016, "SOPClassUID", "UI", INSTANCE, QM_UID, "i.sop_class_uid", true},
    {0x00080018, "SOPInstanceUID", "UI", INSTANCE, QM_UID, "i.sop_instance_uid", true},
    {0x00080020, "StudyDate", "DA", STUDY, QM_DATE, "st.study_date", true},
    {0x00080021, "SeriesDate", "DA", SERIES, QM_DATE, "se.series_date", false},
    {0x00080030, "StudyTime", "TM", STUDY, QM_TIME, "st.study_time", true},
    {0x00080031, "SeriesTime", "TM", SERIES, QM_TIME, "se.series_time", false},
    {0x00080050, "AccessionNumber", "SH", STUDY, QM_TEXT, "st.accession_number", true},
    {0x00080056, "InstanceAvailability", "CS", ANY, QM_NONE, "'ONLINE'", true},
    {0x00080060, "Modality", "CS", SERIES, QM_TEXT, "se.modality", true},
    {0x00080061, "ModalitiesInStudy", "CS", STUDY, QM_MODALITIES, "st.modalities_in_study", true},
    {0x00080090, "ReferringPhysicianName", "PN", STUDY, QM_PN, "st.referring_physician", true},
    {0x00081030, "StudyDescription", "LO", STUDY, QM_TEXT, "st.study_description", false},
    {0x0008103E, "SeriesDescription", "LO", SERIES, QM_TEXT, "se.series_description", true},
    {0x00081190, "RetrieveURL", "UR", ANY, QM_NONE, NULL, true},
    {0x00083002, "AvailableTransferSyntaxUID", "UI", INSTANCE, QM_UID, "i.transfer_syntax_uid",
     false},
    {0x00100010, "PatientName", "PN", STUDY, QM_PN, "st.patient_name", true},
    {0x00100020, "PatientID", "LO", STUDY, QM_TEXT, "st.dicom_patient_id", true},
    {0x00100021, "IssuerOfPatientID", "LO", STUDY, QM_TEXT, "st.dicom_patient_issuer", false},
    {0x00100030, "PatientBirthDate", "DA", STUDY, QM_DATE, "st.patient_birth_date", true},
    {0x00100040, "PatientSex", "CS", STUDY, QM_TEXT, "st.patient_sex", true},
    {0x00180015, "BodyPartExamined", "CS", SERIES, QM_TEXT, "se.body_part_examined", false},
    {0x0020000D, "StudyInstanceUID", "UI", STUDY, QM_UID, "st.study_uid", true},
    {0x0020000E, "SeriesInstanceUID", "UI", SERIES, QM_UID, "se.series_uid", true},
    {0x00200010, "StudyID", "SH", STUDY, QM_TEXT, "st.study_id", true},
    {0x00200011, "SeriesNumber", "IS", SERIES, QM_INT, "se.series_number", true},
    {0x00200013, "InstanceNumber", "IS", INSTANCE, QM_INT, "i.instance_number", true},
    {0x00201206, "NumberOfStudyRelatedSeries", "IS", STUDY, QM_NONE, "st.number_of_series", true},
    {0x00201208, "NumberOfStudyRelatedInstances", "IS", STUDY, QM_NONE, "st.number_of_instances",
     true},
    {0x00201209, "NumberOfSeriesRelatedInstances", "IS", SERIES, QM_NONE, "se.number_of_instances",
     true},
    {0x00280008, "NumberOfFrames", "IS", INSTANCE, QM_INT, "i.number_of_frames", true},
    {0x00280010, "Rows", "US", INSTANCE, QM_INT, "i.pixel_rows", true},
    {0x00280011, "Columns", "US", INSTANCE, QM_INT, "i.pixel_columns", true},
};
const int qido_attr_count = (int)(sizeof qido_attrs / sizeof qido_attrs[0]);

/* Standard QIDO-RS keys (PS3.18 Table 6.7.1-1) this archive does not index: named in the 400. */
static const char *const unindexed[] = {"TimezoneOffsetFromUTC",
                                        "00080201",
                                        "PerformedProcedureStepStartDate",
                                        "00400244",
                                        "PerformedProcedureStepStartTime",
                                        "00400245",
                                        "RequestAttributesSequence",
                                        "00400275",
                                        NULL};

static const char *const level_names[] = {"study", "series", "instance"};

/* ---- finding attributes -------------------------------------------------------------------- */

static bool parse_tag(const char *s, uint32_t *tag)
{
    if (strlen(s) != 8)
        return false;
    uint32_t v = 0;
    for (int i = 0; i < 8; i++) {
        char c = s[i];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                                       : -1;
        if (d < 0)
            return false;
        v = v << 4 | (uint32_t)d;
    }
    *tag = v;
    return true;
}

/* The index of the attribute named by a keyword or 8 hexadecimal digits, or -1. */
static int attr_find(const char *name)
{
    uint32_t tag;
    bool by_tag = parse_tag(name, &tag);
    for (int i = 0; i < qido_attr_count; i++)
        if (by_tag ? qido_attrs[i].tag == tag : strcmp(qido_attrs[i].keyword, name) == 0)
            return i;
    return -1;
}

/* A keyword of the data dictionary (then it is an attribute we do not index, not a typo). */
static bool dicom_keyword_known(const char *name)
{
    uint32_t tag;
    return dicom_dict_tag(name, &tag);
}

static bool is_unindexed(const char *name)
{
    for (const char *const *u = unindexed; *u; u++)
        if (strcasecmp(*u, name) == 0)
            return true;
    return false;
}

/* Whether an attribute of level `of` can describe a result of level `level`. */
static bool level_has(enum qido_level level, enum qido_level of)
{
    return of == QIDO_ANY || of <= level;
}

/* ---- building conditions ------------------------------------------------------------------- */

static bool arg_text(struct qido_query *q, const char *text)
{
    if (q->nargs == QIDO_ARGS_MAX - 2) /* two left for LIMIT and OFFSET */
        return error_set(q->err, ERR_BAD_QUERY, "too many values in the query");
    q->args[q->nargs++] = (struct store_arg){.type = 't', .text = text};
    return true;
}

static bool arg_int(struct qido_query *q, int64_t v)
{
    if (q->nargs == QIDO_ARGS_MAX - 2)
        return error_set(q->err, ERR_BAD_QUERY, "too many values in the query");
    q->args[q->nargs++] = (struct store_arg){.type = 'i', .i = v};
    return true;
}

static bool has_wildcard(const char *v)
{
    return strpbrk(v, "*?") != NULL;
}

/* A DICOM wildcard value as the store's case-sensitive pattern (STORE_WILDCARD_OP). */
static const char *wildcard_of(struct request *req, const char *v)
{
    char *w = store_wildcard(v);
    char *out = w ? arena_strdup(req->op.arena, w) : NULL;
    free(w);
    return out ? out : "";
}

/* A DICOM wildcard value as a LIKE pattern (STORE_LIKE_ESCAPE): * → %, ? → _. */
static const char *like_of(struct request *req, const char *v)
{
    struct strbuf sb = {0};
    for (const char *p = v; *p; p++) {
        if (*p == '*' || *p == '?')
            strbuf_puts(&sb, *p == '*' ? "%" : "_");
        else if (*p == '%' || *p == '_' || *p == '\\')
            strbuf_printf(&sb, "\\%c", *p);
        else
            strbuf_append(&sb, p, 1);
    }
    char *out = arena_strdup(req->op.arena, sb.buf ? sb.buf : "");
    strbuf_release(&sb);
    return out;
}

static bool all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

static bool date_valid(const char *s)
{
    return strlen(s) == 8 && all_digits(s, 8);
}

/* HH, HHMM, HHMMSS, HHMMSS.F{1,6} (PS3.5 §6.2 TM) */
static bool time_valid(const char *s)
{
    size_t n = strcspn(s, ".");
    if (n < 2 || n > 6 || n % 2 || !all_digits(s, n))
        return false;
    if (!s[n])
        return true;
    size_t f = strlen(s + n + 1);
    return n == 6 && f >= 1 && f <= 6 && all_digits(s + n + 1, f);
}

/* One value of a date or time key: a value, or a range A-B, -B or A- (PS3.4 §C.2.2.2.5). The
 * upper bound of a time is extended past its last digit (1015 includes 10:15:59). */
static bool cond_range(struct qido_query *q, const struct qido_attr *a, const char *v,
                       struct strbuf *w)
{
    bool time = a->match == QM_TIME;
    bool (*valid)(const char *) = time ? time_valid : date_valid;
    const char *dash = strchr(v, '-');
    if (!dash) {
        if (!valid(v))
            return error_set(q->err, ERR_BAD_QUERY, "%s: %s is not a %s", a->keyword, v,
                             time ? "time (HHMMSS)" : "date (YYYYMMDD)");
        if (time) {
            strbuf_printf(w, "(%s >= ? AND %s <= ?)", a->column, a->column);
            return arg_text(q, v) && arg_text(q, arena_printf(q->req->op.arena, "%s~", v));
        }
        strbuf_printf(w, "%s = ?", a->column);
        return arg_text(q, v);
    }
    const char *from = arena_strndup(q->req->op.arena, v, (size_t)(dash - v)), *to = dash + 1;
    if ((!*from && !*to) || (*from && !valid(from)) || (*to && !valid(to)) ||
        (*from && *to && strcmp(from, to) > 0))
        return error_set(q->err, ERR_BAD_QUERY, "%s: %s is not a %s range", a->keyword, v,
                         time ? "time" : "date");
    strbuf_printf(w, "(%s <> ''", a->column);
    if (*from && !(strbuf_printf(w, " AND %s >= ?", a->column), arg_text(q, from)))
        return false;
    if (*to && !(strbuf_printf(w, " AND %s <= ?", a->column),
                 arg_text(q, time ? arena_printf(q->req->op.arena, "%s~", to) : to)))
        return false;
    strbuf_puts(w, ")");
    return true;
}

static bool parse_int(const char *s, int64_t *out)
{
    bool neg = s[0] == '-';
    size_t n = strlen(s + neg);
    if (n == 0 || n > 9 || !all_digits(s + neg, n))
        return false;
    *out = strtoll(s, NULL, 10);
    return true;
}

/* Person names (PatientName: each component group, and the whole value; other PN: the whole
 * value): exact or wildcard, case-insensitive (PS3.4 §C.2.2.2.1 allows it for PN). */
static bool cond_pn(struct qido_query *q, const struct qido_attr *a, const char *v,
                    struct strbuf *w)
{
    const char *pattern = like_of(q->req, v);
    static const char *const groups[] = {"", "_alphabetic", "_ideographic", "_phonetic"};
    int n = a->tag == 0x00100010 ? 4 : 1;
    strbuf_puts(w, "(");
    for (int g = 0; g < n; g++) {
        strbuf_printf(w, "%s%s%s LIKE ?" STORE_LIKE_ESCAPE, g ? " OR " : "", a->column, groups[g]);
        if (!arg_text(q, pattern))
            return false;
    }
    strbuf_puts(w, ")");
    return true;
}

/* fuzzymatching on PatientName: the kana_match_key of the value (each piece between wildcards
 * normalised alone) as the start of any component of the Alphabetic, Ideographic or Phonetic
 * group's key: ﾔﾏﾀﾞ finds やまだ^はなこ, and so 山田^花子 of the same name. */
static bool cond_fuzzy(struct qido_query *q, const struct qido_attr *a, const char *v,
                       struct strbuf *w)
{
    struct strbuf key = {0};
    const char *p = v;
    for (;;) {
        size_t n = strcspn(p, "*?");
        char *piece = arena_strndup(q->req->op.arena, p, n);
        char *k = kana_match_key(piece);
        if (!k) {
            strbuf_release(&key);
            return error_set(q->err, ERR_BAD_QUERY, "%s: not a name", a->keyword);
        }
        strbuf_puts(&key, like_of(q->req, k));
        free(k);
        if (!p[n])
            break;
        strbuf_puts(&key, p[n] == '*' ? "%" : "_");
        p += n + 1;
    }
    const char *prefix = arena_printf(q->req->op.arena, "%s%%", key.buf ? key.buf : "");
    const char *inner = arena_printf(q->req->op.arena, "%%^%s%%", key.buf ? key.buf : "");
    strbuf_release(&key);
    static const char *const groups[] = {"alphabetic", "ideographic", "phonetic"};
    strbuf_puts(w, "(");
    for (int g = 0; g < 3; g++) {
        strbuf_printf(
            w, "%s%s_key_%s LIKE ?" STORE_LIKE_ESCAPE " OR %s_key_%s LIKE ?" STORE_LIKE_ESCAPE,
            g ? " OR " : "", a->column, groups[g], a->column, groups[g]);
        if (!arg_text(q, prefix) || !arg_text(q, inner))
            return false;
    }
    strbuf_puts(w, ")");
    return true;
}

/* One value of a list (or the only one). */
static bool cond_value(struct qido_query *q, const struct qido_attr *a, const char *v,
                       struct strbuf *w)
{
    int64_t n;
    switch (a->match) {
    case QM_DATE:
    case QM_TIME:
        return cond_range(q, a, v, w);
    case QM_PN:
        return q->fuzzy && a->tag == 0x00100010 ? cond_fuzzy(q, a, v, w) : cond_pn(q, a, v, w);
    case QM_INT:
        if (!parse_int(v, &n))
            return error_set(q->err, ERR_BAD_QUERY, "%s: %s is not an integer", a->keyword, v);
        strbuf_printf(w, "%s = ?", a->column);
        return arg_int(q, n);
    case QM_MODALITIES:
        strbuf_puts(w, "EXISTS (SELECT 1 FROM imaging_series ms WHERE ms.study_uid = st.study_uid "
                       "AND ms.modality ");
        strbuf_puts(w, has_wildcard(v) ? STORE_WILDCARD_OP " ?)" : "= ?)");
        return arg_text(q, has_wildcard(v) ? wildcard_of(q->req, v) : v);
    case QM_UID:
        if (!imaging_uid_valid(v))
            return error_set(q->err, ERR_BAD_QUERY, "%s: %s is not a UID", a->keyword, v);
        strbuf_printf(w, "%s = ?", a->column);
        return arg_text(q, v);
    default:
        strbuf_printf(w, has_wildcard(v) ? "%s " STORE_WILDCARD_OP " ?" : "%s = ?", a->column);
        return arg_text(q, has_wildcard(v) ? wildcard_of(q->req, v) : v);
    }
}

/* A query key: its value, a comma-separated list of values (any may match), or empty
 * (universal matching: only returned). */
static bool cond_attr(struct qido_query *q, const struct qido_attr *a, const char *value)
{
    if (!value || !*value)
        return true;
    if (strlen(value) > 1024)
        return error_set(q->err, ERR_BAD_QUERY, "%s: value too long", a->keyword);
    struct strbuf w = {0};
    const char *p = value;
    int count = 0;
    bool ok = true;
    strbuf_puts(&w, "(");
    while (ok) {
        size_t n = strcspn(p, ",");
        const char *v = arena_strndup(q->req->op.arena, p, n);
        if (!*v) {
            ok = error_set(q->err, ERR_BAD_QUERY, "%s: empty value in a list", a->keyword);
            break;
        }
        strbuf_puts(&w, count++ ? " OR " : "");
        ok = cond_value(q, a, v, &w);
        if (!p[n])
            break;
        p += n + 1;
    }
    strbuf_puts(&w, ")");
    if (ok) {
        strbuf_puts(&q->where, " AND ");
        strbuf_append(&q->where, w.buf, w.len);
    }
    strbuf_release(&w);
    return ok;
}

/* ---- the parameters ------------------------------------------------------------------------ */

static bool set_flag(struct qido_query *q, bool *seen, const char *name)
{
    if (*seen)
        return error_set(q->err, ERR_BAD_QUERY, "repeated parameter %s", name);
    *seen = true;
    return true;
}

static bool parse_count(struct qido_query *q, const char *name, const char *v, int64_t min,
                        int64_t max, int64_t *out)
{
    int64_t n;
    if (!v || !parse_int(v, &n) || n < min || n > max)
        return error_set(q->err, ERR_BAD_QUERY, "%s must be an integer from %lld to %lld", name,
                         (long long)min, (long long)max);
    *out = n;
    return true;
}

static bool include_field(struct qido_query *q, const char *list)
{
    const char *p = list ? list : "";
    for (;;) {
        size_t n = strcspn(p, ",");
        const char *name = arena_strndup(q->req->op.arena, p, n);
        if (strcmp(name, "all") == 0) {
            for (int i = 0; i < qido_attr_count; i++)
                q->include[i] |= level_has(q->level, qido_attrs[i].level);
        } else {
            int i = attr_find(name);
            uint32_t tag;
            /* An attribute the index does not hold is left out of the results (PS3.18 lets an
             * origin server return what it has); a name that is no attribute is an error. */
            if (i >= 0)
                q->include[i] |= level_has(q->level, qido_attrs[i].level);
            else if (!parse_tag(name, &tag) && !is_unindexed(name) && !dicom_keyword_known(name))
                return error_set(q->err, ERR_BAD_QUERY, "includefield: unknown attribute %.64s",
                                 name);
        }
        if (!p[n])
            return true;
        p += n + 1;
    }
}

static bool query_key(struct qido_query *q, const char *name, const char *value)
{
    int i = attr_find(name);
    if (i < 0 || qido_attrs[i].match == QM_NONE) {
        uint32_t tag;
        if (i >= 0 || is_unindexed(name) || parse_tag(name, &tag) || dicom_keyword_known(name))
            return error_set(q->err, ERR_BAD_QUERY,
                             "%.64s is not a supported query key (see docs/api/dicomweb.md)", name);
        return error_set(q->err, ERR_BAD_QUERY, "unknown query parameter %.64s", name);
    }
    const struct qido_attr *a = &qido_attrs[i];
    if (!level_has(q->level, a->level))
        return error_set(q->err, ERR_BAD_QUERY, "%s is not a query key of a %s search", a->keyword,
                         level_names[q->level]);
    q->include[i] = true; /* a matching key is returned (PS3.18 §8.3.4.1) */
    return cond_attr(q, a, value);
}

static bool take_param(void *ctx, const char *name, const char *value)
{
    struct qido_query *q = ctx;
    if (strcmp(name, "includefield") == 0) {
        q->includefield_seen = true;
        return include_field(q, value);
    }
    if (strcmp(name, "limit") == 0)
        return set_flag(q, &q->limit_seen, name) &&
               parse_count(q, name, value, 1, QIDO_LIMIT_MAX, &q->limit);
    if (strcmp(name, "offset") == 0)
        return set_flag(q, &q->offset_seen, name) &&
               parse_count(q, name, value, 0, 100000000, &q->offset);
    if (strcmp(name, "fuzzymatching") == 0)
        return true; /* read first: see qido_query_parse */
    return query_key(q, name, value);
}

static void defaults(struct qido_query *q)
{
    for (int i = 0; i < qido_attr_count; i++) {
        const struct qido_attr *a = &qido_attrs[i];
        /* A search under a study returns no study attributes but its UID; under a series, no
         * series attributes but its UID (PS3.18 Table 6.7.1-2a). */
        bool fixed =
            (a->level == QIDO_STUDY && q->study_uid) || (a->level == QIDO_SERIES && q->series_uid);
        bool uid = a->match == QM_UID && a->level != QIDO_INSTANCE;
        if (a->by_default && level_has(q->level, a->level) &&
            (a->level == q->level || a->level == QIDO_ANY || uid || !fixed))
            q->include[i] = true;
    }
}

static bool fuzzy_flag(struct qido_query *q)
{
    const char *f = request_query(q->req, "fuzzymatching");
    if (!f)
        return true;
    if (strcmp(f, "true") && strcmp(f, "false"))
        return error_set(q->err, ERR_BAD_QUERY, "fuzzymatching must be true or false");
    q->fuzzy = strcmp(f, "true") == 0;
    return true;
}

static void release_where(void *arg)
{
    strbuf_release(arg);
}

bool qido_query_parse(struct error *err, struct request *req, enum qido_level level,
                      const char *study_uid, const char *series_uid, struct qido_query *q)
{
    memset(q, 0, sizeof *q);
    q->err = err;
    q->req = req;
    q->level = level;
    q->study_uid = study_uid;
    q->series_uid = series_uid;
    q->limit = QIDO_LIMIT_MAX;
    arena_cleanup_add(req->op.arena, release_where, &q->where);
    struct access_rule_args rule;
    access_rule_args_of(&req->op.principal, &rule);
    access_rule_bind(&rule, q->args);
    q->args[0].text = arena_strdup(req->op.arena, rule.org_id);
    q->args[1].text = arena_strdup(req->op.arena, rule.today);
    q->args[2].text = arena_strdup(req->op.arena, rule.user_id);
    q->nargs = ACCESS_RULE_PARAMS;
    if (study_uid && !(strbuf_puts(&q->where, " AND st.study_uid = ?"), arg_text(q, study_uid)))
        return false;
    if (series_uid && !(strbuf_puts(&q->where, " AND se.series_uid = ?"), arg_text(q, series_uid)))
        return false;
    if (!fuzzy_flag(q))
        return false;
    defaults(q);
    request_query_each(req, take_param, q);
    return err->code == ERR_NONE;
}

/* ---- the statement ------------------------------------------------------------------------- */

static const char *const from_of[] = {
    "imaging_studies st",
    "imaging_series se JOIN imaging_studies st ON st.study_uid = se.study_uid",
    "imaging_instances i JOIN imaging_series se ON se.series_uid = i.series_uid "
    "JOIN imaging_studies st ON st.study_uid = i.study_uid",
};

static const char *const order_of[] = {
    "st.study_date DESC, st.study_time DESC, st.study_uid",
    "st.study_uid, se.series_number, se.series_uid",
    "st.study_uid, se.series_number, se.series_uid, i.instance_number, i.sop_instance_uid",
};

const char *qido_query_sql(struct qido_query *q)
{
    struct strbuf sql = {0};
    strbuf_printf(&sql, "SELECT st.study_uid, st.patient_id, %s, %s, %s",
                  q->level >= QIDO_SERIES ? "se.series_uid" : "NULL",
                  q->level == QIDO_INSTANCE ? "i.sop_instance_uid" : "NULL",
                  IMAGING_EMERGENCY_SHARE_SQL);
    for (int i = 0; i < qido_attr_count; i++)
        if (q->include[i] && qido_attrs[i].column)
            strbuf_printf(&sql, ", %s", qido_attrs[i].column);
    strbuf_printf(&sql, " FROM %s WHERE " IMAGING_STUDY_VISIBLE_SQL, from_of[q->level]);
    strbuf_append(&sql, q->where.buf ? q->where.buf : "", q->where.len);
    /* bound, not spliced: the same search with another page is the same prepared statement */
    strbuf_printf(&sql, " ORDER BY %s LIMIT ? OFFSET ?", order_of[q->level]);
    q->args[q->nargs++] = (struct store_arg){.type = 'i', .i = q->limit + 1};
    q->args[q->nargs++] = (struct store_arg){.type = 'i', .i = q->offset};
    const char *out = arena_strdup(q->req->op.arena, sql.buf);
    strbuf_release(&sql);
    return out;
}
