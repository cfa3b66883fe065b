/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka needs the headers above first */
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/kana.h"
#include "fhir/search_params.h"

#define BASE "https://tsunagu.example.jp/fhir"

/* Every emitted value as one line "name=rendering", to assert on. */
struct recorder {
    char lines[64][200];
    size_t n;
    int stop_after; // emit fails after this many values; 0 never
};

static bool record(struct error *err, const struct fhir_index_value *v, void *arg)
{
    struct recorder *r = arg;
    if (r->stop_after && (int)r->n == r->stop_after)
        return error_set(err, ERR_INTERNAL, "stop");
    assert_true(r->n < 64);
    char *line = r->lines[r->n++];
    size_t size = sizeof(r->lines[0]);
    const char *name = v->param->name;
    switch (v->param->type) {
    case FHIR_PARAM_TOKEN:
        snprintf(line, size, "%s=%s|%s", name, v->token.system ? v->token.system : "",
                 v->token.code);
        break;
    case FHIR_PARAM_STRING:
        snprintf(line, size, "%s=%s", name, v->string.key);
        break;
    case FHIR_PARAM_DATE:
        snprintf(line, size, "%s=%lld..%lld", name, (long long)v->date.low_ms,
                 (long long)v->date.high_ms);
        break;
    case FHIR_PARAM_REFERENCE:
        snprintf(line, size, "%s=%s", name, v->reference);
        break;
    case FHIR_PARAM_QUANTITY:
        snprintf(line, size, "%s=%g %s %s", name, v->quantity.value,
                 v->quantity.system ? v->quantity.system : "", v->quantity.code);
        break;
    default:
        snprintf(line, size, "%s=?", name);
    }
    return true;
}

static bool has(const struct recorder *r, const char *line)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->lines[i], line) == 0)
            return true;
    return false;
}

static void assert_has(const struct recorder *r, const char *line)
{
    if (!has(r, line)) {
        for (size_t i = 0; i < r->n; i++)
            fprintf(stderr, "  got %s\n", r->lines[i]);
        fail_msg("missing %s", line);
    }
}

static int64_t iso(const char *s)
{
    int64_t ms;
    assert_true(clock_parse_iso(s, &ms));
    return ms;
}

static char *range_line(const char *name, int64_t low, int64_t high)
{
    static char line[200];
    snprintf(line, sizeof(line), "%s=%lld..%lld", name, (long long)low, (long long)high);
    return line;
}

static void extract_json(const char *text, struct recorder *r)
{
    json_error_t jerr;
    json_t *res = json_loads(text, 0, &jerr);
    assert_non_null(res);
    struct error err = {0};
    bool ok = fhir_index_extract(&err, res, BASE, record, r);
    json_decref(res);
    if (!ok)
        fail_msg("extract: %s", err.detail);
}

static void observation_hba1c(void **state)
{
    (void)state;
    struct recorder r = {0};
    extract_json("{\"resourceType\":\"Observation\",\"id\":\"obs1\","
                 "\"meta\":{\"lastUpdated\":\"2026-11-20T01:00:00.000Z\"},"
                 "\"status\":\"final\","
                 "\"category\":[{\"coding\":[{\"system\":\"http://terminology.hl7.org/CodeSystem/"
                 "observation-category\",\"code\":\"laboratory\"}]}],"
                 "\"code\":{\"coding\":[{\"system\":\"http://medis.or.jp/CodeSystem/"
                 "master-JLAC10-17digits\",\"code\":\"3D046000001920402\",\"display\":\"HbA1c\"}]},"
                 "\"subject\":{\"reference\":\"Patient/p1\"},"
                 "\"encounter\":{\"reference\":\"Encounter/e1\"},"
                 "\"performer\":[{\"reference\":\"Organization/o1\"}],"
                 "\"effectiveDateTime\":\"2026-11-20T09:30:00+09:00\","
                 "\"valueQuantity\":{\"value\":6.8,\"unit\":\"%\","
                 "\"system\":\"http://unitsofmeasure.org\",\"code\":\"%\"}}",
                 &r);
    assert_has(&r, "_id=|obs1");
    int64_t updated = iso("2026-11-20T01:00:00Z");
    assert_has(&r, range_line("_lastUpdated", updated, updated));
    assert_has(&r, "status=|final");
    assert_has(&r,
               "category=http://terminology.hl7.org/CodeSystem/observation-category|laboratory");
    assert_has(&r, "code=http://medis.or.jp/CodeSystem/master-JLAC10-17digits|3D046000001920402");
    assert_has(&r, "patient=Patient/p1");
    assert_has(&r, "subject=Patient/p1");
    assert_has(&r, "encounter=Encounter/e1");
    assert_has(&r, "performer=Organization/o1");
    int64_t at = iso("2026-11-20T00:30:00Z"); // +09:00 to UTC; covers that second
    assert_has(&r, range_line("date", at, at + 999));
    assert_has(&r, "value-quantity=6.8 http://unitsofmeasure.org %");
    assert_int_equal(r.n, 11);
}

static void patient_kanji_and_kana(void **state)
{
    (void)state;
    struct recorder r = {0};
    /* JP Core: the kanji name and its kana reading (iso21090-EN-representation SYL). */
    extract_json("{\"resourceType\":\"Patient\",\"id\":\"p1\","
                 "\"identifier\":[{\"system\":\"urn:oid:1.2.392.100495.20.3.51.11311234567\","
                 "\"value\":\"00012345\"}],"
                 "\"name\":[{\"extension\":[{\"url\":\"http://hl7.org/fhir/StructureDefinition/"
                 "iso21090-EN-representation\",\"valueCode\":\"IDE\"}],\"use\":\"official\","
                 "\"text\":\"山田 花子\",\"family\":\"山田\",\"given\":[\"花子\"]},"
                 "{\"extension\":[{\"url\":\"http://hl7.org/fhir/StructureDefinition/"
                 "iso21090-EN-representation\",\"valueCode\":\"SYL\"}],\"use\":\"official\","
                 "\"text\":\"やまだ はなこ\",\"family\":\"ヤマダ\",\"given\":[\"ハナコ\"]}],"
                 "\"telecom\":[{\"system\":\"phone\",\"value\":\"03-1234-5678\"},"
                 "{\"system\":\"email\",\"value\":\"hanako@example.jp\"}],"
                 "\"gender\":\"female\",\"birthDate\":\"1960-04-01\","
                 "\"address\":[{\"text\":\"東京都千代田区１－１\",\"postalCode\":\"100-0001\"}]}",
                 &r);
    assert_has(&r, "identifier=urn:oid:1.2.392.100495.20.3.51.11311234567|00012345");
    assert_has(&r, "gender=|female");
    assert_has(&r, "phone=|03-1234-5678");
    assert_false(has(&r, "phone=|hanako@example.jp"));
    assert_has(&r, "family=山田");
    assert_has(&r, "family=ヤマダ");
    assert_has(&r, "given=ハナコ");
    assert_has(&r, "name=山田花子");
    assert_has(&r, "name=ヤマダハナコ"); // the hiragana text, folded
    assert_has(&r, "address=東京都千代田区1-1");
    assert_has(&r, "address=100-0001");
    /* A search for ﾔﾏﾀﾞ (half width) finds the key of ヤマダ. */
    char *query = kana_normalize("ﾔﾏﾀﾞ");
    char line[64];
    snprintf(line, sizeof(line), "family=%s", query);
    free(query);
    assert_has(&r, line);
    /* A date without a zone is a day in Asia/Tokyo. */
    int64_t day = iso("1960-03-31T15:00:00Z");
    assert_has(&r, range_line("birthdate", day, day + 86400000 - 1));
}

static void medication_request_yj(void **state)
{
    (void)state;
    struct recorder r = {0};
    extract_json("{\"resourceType\":\"MedicationRequest\",\"id\":\"m1\",\"status\":\"active\","
                 "\"intent\":\"order\",\"medicationCodeableConcept\":{\"coding\":[{\"system\":"
                 "\"urn:oid:1.2.392.100495.20.2.74\",\"code\":\"2149039F1025\"}]},"
                 "\"subject\":{\"reference\":\"Patient/p1/_history/3\"},"
                 "\"authoredOn\":\"2026-11-01\","
                 "\"requester\":{\"reference\":\"" BASE "/Practitioner/dr1\"}}",
                 &r);
    assert_has(&r, "code=urn:oid:1.2.392.100495.20.2.74|2149039F1025");
    assert_has(&r, "status=|active");
    assert_has(&r, "intent=|order");
    assert_has(&r, "patient=Patient/p1");
    assert_has(&r, "requester=Practitioner/dr1");
    int64_t day = iso("2026-10-31T15:00:00Z");
    assert_has(&r, range_line("authoredon", day, day + 86400000 - 1));
}

static void condition_onset_period(void **state)
{
    (void)state;
    struct recorder r = {0};
    extract_json("{\"resourceType\":\"Condition\",\"id\":\"c1\","
                 "\"clinicalStatus\":{\"coding\":[{\"system\":\"http://terminology.hl7.org/"
                 "CodeSystem/condition-clinical\",\"code\":\"active\"}]},"
                 "\"code\":{\"coding\":[{\"system\":\"http://hl7.org/fhir/sid/icd-10\","
                 "\"code\":\"E11.9\"}]},"
                 "\"subject\":{\"reference\":\"Group/g1\"},"
                 "\"encounter\":{\"reference\":\"#enc\"},"
                 "\"onsetPeriod\":{\"start\":\"2026-01\"},\"onsetString\":\"昨年\"}",
                 &r);
    assert_has(&r, "code=http://hl7.org/fhir/sid/icd-10|E11.9");
    assert_has(&r,
               "clinical-status=http://terminology.hl7.org/CodeSystem/condition-clinical|active");
    assert_has(&r, "subject=Group/g1");
    assert_false(has(&r, "patient=Group/g1")); // patient only for Patient targets
    for (size_t i = 0; i < r.n; i++)
        assert_null(strstr(r.lines[i], "encounter=")); // contained: not indexed
    assert_has(&r, range_line("onset-date", iso("2025-12-31T15:00:00Z"), FHIR_DATE_MAX));
}

static void assert_range(const char *s, const char *low, const char *high_plus_1ms)
{
    struct fhir_date_range r;
    if (!fhir_date_range_parse(s, &r))
        fail_msg("refused %s", s);
    assert_int_equal(r.low_ms, iso(low));
    assert_int_equal(r.high_ms, iso(high_plus_1ms) - 1);
}

static void date_precision(void **state)
{
    (void)state;
    assert_range("2026", "2025-12-31T15:00:00Z", "2026-12-31T15:00:00Z");
    assert_range("2028-02", "2028-01-31T15:00:00Z", "2028-02-29T15:00:00Z");
    assert_range("2026-11-22", "2026-11-21T15:00:00Z", "2026-11-22T15:00:00Z");
    assert_range("2026-11-22T10:00+09:00", "2026-11-22T01:00:00Z", "2026-11-22T01:01:00Z");
    assert_range("2026-11-22T10:00:05Z", "2026-11-22T10:00:05Z", "2026-11-22T10:00:06Z");
    assert_range("2026-11-22T10:00:05.123Z", "2026-11-22T10:00:05.123Z",
                 "2026-11-22T10:00:05.124Z");
    assert_range("2026-11-22T10:00:05.1-05:00", "2026-11-22T15:00:05.100Z",
                 "2026-11-22T15:00:05.200Z");
    assert_range("2026-11-22T10:00:00", "2026-11-22T01:00:00Z", "2026-11-22T01:00:01Z");
}

static void date_malformed(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",
        "26",
        "2026-13",
        "2026-02-30",
        "2026-11-22T25:00:00Z",
        "2026-1-2",
        "2026-11-22 ",
        "2026-11-22T10:00:00+9",
        "2026-11-22T10:00:00.Z",
        "2026-11-22T10:00:00ZZ",
        "0000",
        "2026-11-22T10",
    };
    struct fhir_date_range r;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (fhir_date_range_parse(bad[i], &r))
            fail_msg("accepted '%s'", bad[i]);

    json_t *res =
        json_pack("{s:s, s:s}", "resourceType", "Observation", "effectiveDateTime", "2026-11-31");
    struct recorder rec = {0};
    struct error err = {0};
    assert_false(fhir_index_extract(&err, res, NULL, record, &rec));
    assert_int_equal(err.code, ERR_FIELD_VALUE);
    assert_non_null(strstr(err.detail, "Observation.effectiveDateTime"));
    json_decref(res);

    res = json_loads("{\"resourceType\":\"Encounter\",\"period\":[{\"start\":\"x\"}]}", 0, NULL);
    error_clear(&err);
    assert_false(fhir_index_extract(&err, res, NULL, record, &rec));
    assert_non_null(strstr(err.detail, "Encounter.period[0].start"));
    json_decref(res);
}

static void period_open_ends(void **state)
{
    (void)state;
    struct recorder r = {0};
    extract_json("{\"resourceType\":\"Encounter\",\"period\":{\"end\":\"2026-11-22T10:00:00Z\"},"
                 "\"status\":\"finished\",\"class\":{\"system\":\"http://terminology.hl7.org/"
                 "CodeSystem/v3-ActCode\",\"code\":\"IMP\"}}",
                 &r);
    assert_has(&r, range_line("date", FHIR_DATE_MIN, iso("2026-11-22T10:00:01Z") - 1));
    assert_has(&r, "class=http://terminology.hl7.org/CodeSystem/v3-ActCode|IMP");
    struct recorder both = {0};
    extract_json("{\"resourceType\":\"CarePlan\",\"period\":{\"start\":\"2026-04-01\","
                 "\"end\":\"2027-03\"}}",
                 &both);
    assert_has(&both,
               range_line("date", iso("2026-03-31T15:00:00Z"), iso("2027-03-31T15:00:00Z") - 1));
}

static void date_prefixes(void **state)
{
    (void)state;
    struct error err = {0};
    enum fhir_prefix p;
    struct fhir_date_range r;
    assert_true(fhir_date_param_parse(&err, "ge2026-01", &p, &r));
    assert_int_equal(p, FHIR_PREFIX_GE);
    assert_int_equal(r.low_ms, iso("2025-12-31T15:00:00Z"));
    assert_true(fhir_date_param_parse(&err, "lt2026-11-22T10:00:00+09:00", &p, &r));
    assert_int_equal(p, FHIR_PREFIX_LT);
    assert_int_equal(r.low_ms, iso("2026-11-22T01:00:00Z"));
    assert_true(fhir_date_param_parse(&err, "2026", &p, &r));
    assert_int_equal(p, FHIR_PREFIX_EQ);
    assert_true(fhir_date_param_parse(&err, "sa2026", &p, &r));
    assert_int_equal(p, FHIR_PREFIX_SA);
    assert_true(fhir_date_param_parse(&err, "eb2026", &p, &r));
    assert_int_equal(p, FHIR_PREFIX_EB);
    assert_true(fhir_date_param_parse(&err, "ap2026-11-22", &p, &r));
    assert_int_equal(p, FHIR_PREFIX_AP);
    assert_false(fhir_date_param_parse(&err, "xx2026", &p, &r));
    assert_int_equal(err.code, ERR_BAD_QUERY);
    error_clear(&err);
    assert_false(fhir_date_param_parse(&err, "ge", &p, &r));
    assert_false(fhir_date_param_parse(&err, "ge2026-11-22T10:00:00 09:00", &p, &r));
}

static void date_matching(void **state)
{
    (void)state;
    struct fhir_date_range year, day, period;
    assert_true(fhir_date_range_parse("2026", &year));
    assert_true(fhir_date_range_parse("2026-11-22", &day));
    period = (struct fhir_date_range){day.low_ms, FHIR_DATE_MAX};
    int64_t now = day.low_ms;
    assert_true(fhir_date_match(FHIR_PREFIX_EQ, &year, &day, now));
    assert_false(fhir_date_match(FHIR_PREFIX_EQ, &day, &year, now));
    assert_true(fhir_date_match(FHIR_PREFIX_NE, &day, &year, now));
    assert_true(fhir_date_match(FHIR_PREFIX_GT, &year, &period, now));
    assert_false(fhir_date_match(FHIR_PREFIX_LT, &year, &period, now));
    assert_true(fhir_date_match(FHIR_PREFIX_GE, &year, &day, now));
    assert_true(fhir_date_match(FHIR_PREFIX_LE, &year, &day, now));
    struct fhir_date_range y2025;
    assert_true(fhir_date_range_parse("2025", &y2025));
    assert_true(fhir_date_match(FHIR_PREFIX_SA, &y2025, &day, now));
    assert_false(fhir_date_match(FHIR_PREFIX_SA, &year, &day, now));
    assert_true(fhir_date_match(FHIR_PREFIX_EB, &day, &y2025, now));
    assert_false(fhir_date_match(FHIR_PREFIX_EB, &day, &period, now));
    struct fhir_date_range next_day = {day.low_ms + 86400000, day.high_ms + 86400000};
    assert_true(fhir_date_match(FHIR_PREFIX_AP, &day, &next_day, now));
    assert_false(fhir_date_match(FHIR_PREFIX_AP, &day, &y2025, now));
}

static void token_forms(void **state)
{
    (void)state;
    struct error err = {0};
    struct fhir_token_query q;
    assert_true(fhir_token_param_parse(&err, "http://loinc.org|4548-4", &q));
    assert_true(q.system_given);
    assert_int_equal(q.system_len, strlen("http://loinc.org"));
    assert_memory_equal(q.system, "http://loinc.org", q.system_len);
    assert_string_equal(q.code, "4548-4");
    assert_true(fhir_token_param_parse(&err, "|final", &q));
    assert_true(q.system_given);
    assert_int_equal(q.system_len, 0);
    assert_string_equal(q.code, "final");
    assert_true(fhir_token_param_parse(&err, "final", &q));
    assert_false(q.system_given);
    assert_null(q.system);
    assert_int_equal(q.code_len, 5);
    assert_true(fhir_token_param_parse(&err, "urn:oid:1.2.392.100495.20.2.74|", &q));
    assert_true(q.system_given);
    assert_null(q.code);
    assert_true(fhir_token_match(&q, "urn:oid:1.2.392.100495.20.2.74", "2149039F1025"));
    assert_false(fhir_token_match(&q, "urn:oid:1.2.392.100495.20.2.7", "2149039F1025"));
    assert_true(fhir_token_param_parse(&err, "|final", &q));
    assert_true(fhir_token_match(&q, NULL, "final"));
    assert_false(fhir_token_match(&q, "http://x", "final"));
    assert_true(fhir_token_param_parse(&err, "final", &q));
    assert_true(fhir_token_match(&q, "http://x", "final"));
    assert_false(fhir_token_match(&q, NULL, "finalised"));
    assert_false(fhir_token_match(&q, NULL, "fina"));
    assert_true(fhir_token_param_parse(&err, "http://loinc.org|4548-4", &q));
    assert_true(fhir_token_match(&q, "http://loinc.org", "4548-4"));
    assert_false(fhir_token_match(&q, NULL, "4548-4"));
    assert_false(fhir_token_match(&q, "http://loinc.org", "4548-5"));
    assert_false(fhir_token_param_parse(&err, "", &q));
    assert_int_equal(err.code, ERR_BAD_QUERY);
    assert_false(fhir_token_param_parse(&err, "|", &q));
    assert_false(fhir_token_param_parse(&err, "a|b|c", &q));
}

static void quantity_and_number(void **state)
{
    (void)state;
    struct error err = {0};
    struct fhir_quantity_query q;
    assert_true(fhir_quantity_param_parse(&err, "ge6.5|http://unitsofmeasure.org|%", &q));
    assert_int_equal(q.prefix, FHIR_PREFIX_GE);
    assert_true(q.value == 6.5);
    assert_int_equal(q.system_len, strlen("http://unitsofmeasure.org"));
    assert_memory_equal(q.system, "http://unitsofmeasure.org", q.system_len);
    assert_string_equal(q.code, "%");
    assert_true(fhir_number_match(&q, 6.8));
    assert_false(fhir_number_match(&q, 6.4));
    assert_true(fhir_quantity_param_parse(&err, "6.8||%", &q));
    assert_null(q.system);
    assert_string_equal(q.code, "%");
    assert_true(fhir_number_match(&q, 6.8));
    assert_true(fhir_number_match(&q, 6.84));
    assert_false(fhir_number_match(&q, 6.85));
    assert_true(fhir_quantity_param_parse(&err, "lt7", &q));
    assert_null(q.code);
    assert_true(fhir_number_match(&q, 6.8));
    assert_true(fhir_number_param_parse(&err, "1e2", &q));
    assert_true(q.low == 50 && q.high == 150);
    assert_true(fhir_number_param_parse(&err, "ap100", &q));
    assert_true(fhir_number_match(&q, 109));
    assert_false(fhir_number_match(&q, 111));
    static const char *const bad[] = {"",          "x",  "1.", ".5",    "6.8|", "6.8|a|",
                                      "6.8|a|b|c", "ge", "1e", "1e999", "--1"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        error_clear(&err);
        if (fhir_quantity_param_parse(&err, bad[i], &q))
            fail_msg("accepted '%s'", bad[i]);
        assert_int_equal(err.code, ERR_BAD_QUERY);
    }
}

static void references(void **state)
{
    (void)state;
    char out[160];
    assert_true(fhir_reference_normalize("Patient/123", BASE, out, sizeof(out)));
    assert_string_equal(out, "Patient/123");
    assert_true(fhir_reference_normalize(BASE "/Patient/123", BASE, out, sizeof(out)));
    assert_string_equal(out, "Patient/123");
    assert_true(fhir_reference_normalize("Patient/123/_history/2", NULL, out, sizeof(out)));
    assert_string_equal(out, "Patient/123");
    assert_true(
        fhir_reference_normalize("https://other.example/fhir/Patient/9", BASE, out, sizeof(out)));
    assert_string_equal(out, "https://other.example/fhir/Patient/9");
    assert_false(fhir_reference_normalize("#x", BASE, out, sizeof(out)));
    assert_false(fhir_reference_normalize("patient/1", BASE, out, sizeof(out)));
    assert_false(fhir_reference_normalize("Patient/", BASE, out, sizeof(out)));
    assert_false(fhir_reference_normalize("Patient/a b", BASE, out, sizeof(out)));
    assert_false(fhir_reference_normalize("Patient/123", BASE, out, 5));
    assert_false(fhir_reference_normalize(NULL, BASE, out, sizeof(out)));
}

static void declared_tables(void **state)
{
    (void)state;
    static const char *const types[] = {
        "Patient",
        "Organization",
        "Practitioner",
        "PractitionerRole",
        "Encounter",
        "Condition",
        "AllergyIntolerance",
        "MedicationRequest",
        "MedicationStatement",
        "Observation",
        "DiagnosticReport",
        "DocumentReference",
        "Composition",
        "ServiceRequest",
        "Task",
        "Appointment",
        "CarePlan",
        "Communication",
        "Flag",
        "Consent",
        "AuditEvent",
    };
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        const struct fhir_search_param *p = fhir_search_params(types[i]);
        assert_non_null(p);
        assert_string_equal(p[0].name, "_id");
        assert_string_equal(p[1].name, "_lastUpdated");
        for (; p->name; p++) {
            assert_string_equal(p->resource_type, types[i]);
            assert_ptr_equal(fhir_search_param_find(types[i], p->name), p);
        }
    }
    const struct fhir_search_param *patient = fhir_search_param_find("Task", "patient");
    assert_non_null(patient);
    assert_int_equal(patient->type, FHIR_PARAM_REFERENCE);
    assert_string_equal(patient->where, "Patient");
    assert_null(fhir_search_params("Bundle"));
    assert_null(fhir_search_param_find("Patient", "nope"));
}

static void emit_stops(void **state)
{
    (void)state;
    json_t *res =
        json_pack("{s:s, s:s, s:s}", "resourceType", "Observation", "id", "o", "status", "final");
    struct recorder r = {.stop_after = 1};
    struct error err = {0};
    assert_false(fhir_index_extract(&err, res, NULL, record, &r));
    assert_int_equal(err.code, ERR_INTERNAL);
    assert_int_equal(r.n, 1);
    json_decref(res);
    /* Not a resource we index: nothing, no error. */
    res = json_pack("{s:s}", "resourceType", "Bundle");
    error_clear(&err);
    assert_true(fhir_index_extract(&err, res, NULL, record, &r));
    json_decref(res);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(observation_hba1c),     cmocka_unit_test(patient_kanji_and_kana),
        cmocka_unit_test(medication_request_yj), cmocka_unit_test(condition_onset_period),
        cmocka_unit_test(date_precision),        cmocka_unit_test(date_malformed),
        cmocka_unit_test(period_open_ends),      cmocka_unit_test(date_prefixes),
        cmocka_unit_test(date_matching),         cmocka_unit_test(token_forms),
        cmocka_unit_test(quantity_and_number),   cmocka_unit_test(references),
        cmocka_unit_test(declared_tables),       cmocka_unit_test(emit_stops),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
