/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka needs the headers above first */
#include <cmocka.h>

#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "demo/demo_clinical.h"
#include "demo/demo_data.h"
#include "fhir/validate.h"

#define BUDGET 4000
#define SET_SIZE 16384 /* power of two, > 2 * (BUDGET + patients + orgs) */

/* ---- a set of "Type/id" strings (open addressing) ---- */

struct set {
    char *items[SET_SIZE];
    int values[SET_SIZE];
    int count;
};

static unsigned hash(const char *s)
{
    unsigned h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* The slot of s, or -1 if absent. */
static int set_find(const struct set *set, const char *s)
{
    for (unsigned i = hash(s) & (SET_SIZE - 1);; i = (i + 1) & (SET_SIZE - 1)) {
        if (!set->items[i])
            return -1;
        if (strcmp(set->items[i], s) == 0)
            return (int)i;
    }
}

static bool set_add(struct set *set, const char *s, int value)
{
    if (set_find(set, s) >= 0)
        return false;
    unsigned i = hash(s) & (SET_SIZE - 1);
    while (set->items[i])
        i = (i + 1) & (SET_SIZE - 1);
    set->items[i] = strdup(s);
    set->values[i] = value;
    set->count++;
    return true;
}

static void set_clear(struct set *set)
{
    for (int i = 0; i < SET_SIZE; i++)
        free(set->items[i]);
    memset(set, 0, sizeof *set);
}

/* ---- collecting the resources ---- */

struct run {
    struct set known; /* patients (value: index), organisations (-1), emitted resources (-2) */
    char **dumps;     /* canonical JSON of each resource, in order */
    json_t *patient0; /* copies of patient 0's resources */
    int count;
    int by_type[32];
    const char *types[32];
    int type_count;
};

static void add_ref_target(struct run *run, const char *type, const char *id, int value)
{
    char ref[96];
    snprintf(ref, sizeof ref, "%s/%s", type, id);
    assert_true(set_add(&run->known, ref, value));
}

static void init_run(struct run *run)
{
    memset(run, 0, sizeof *run);
    for (int i = 0; i < DEMO_PATIENT_COUNT; i++) {
        char key[16], id[UUID_STR_LEN];
        snprintf(key, sizeof key, "%d", i);
        demo_clinical_uuid(id, "patient", key);
        add_ref_target(run, "Patient", id, i);
    }
    for (int i = 0; i < demo_org_count; i++) {
        char id[UUID_STR_LEN];
        demo_clinical_uuid(id, "org", demo_orgs[i].code);
        add_ref_target(run, "Organization", id, -1);
    }
    run->dumps = calloc(BUDGET + 1, sizeof *run->dumps);
    run->patient0 = json_array();
}

static void free_run(struct run *run)
{
    for (int i = 0; i < run->count && i <= BUDGET; i++)
        free(run->dumps[i]);
    free(run->dumps);
    json_decref(run->patient0);
    set_clear(&run->known);
}

/* Every "reference" (and attachment url "Composition/…") names a known target; returns the patient
 * index of a Patient reference found, else -1 (the last one wins: there is one per resource). */
static int check_references(struct run *run, const json_t *v, int patient)
{
    if (json_is_array(v)) {
        size_t i;
        const json_t *item;
        json_array_foreach(v, i, item) patient = check_references(run, item, patient);
        return patient;
    }
    if (!json_is_object(v))
        return patient;
    const char *key;
    const json_t *member;
    json_object_foreach((json_t *)v, key, member)
    {
        const char *s = json_string_value(member);
        bool is_ref = strcmp(key, "reference") == 0 ||
                      (strcmp(key, "url") == 0 && s && strncmp(s, "Composition/", 12) == 0);
        if (is_ref) {
            int slot = set_find(&run->known, s);
            if (slot < 0)
                fail_msg("unknown reference %s in resource %d", s, run->count);
            if (run->known.values[slot] >= 0) {
                assert_true(patient < 0 || patient == run->known.values[slot]);
                patient = run->known.values[slot];
            }
        } else {
            patient = check_references(run, member, patient);
        }
    }
    return patient;
}

static bool is_member(const char *login, const char *org_code)
{
    const struct demo_user *u = demo_user_find(login);
    for (int m = 0; u && m < u->membership_count; m++)
        if (strcmp(u->memberships[m].org_code, org_code) == 0)
            return true;
    return false;
}

static void count_type(struct run *run, const char *type)
{
    static char names[32][40];
    for (int i = 0; i < run->type_count; i++)
        if (strcmp(run->types[i], type) == 0) {
            run->by_type[i]++;
            return;
        }
    assert_true(run->type_count < 32);
    snprintf(names[run->type_count], sizeof names[0], "%s", type);
    run->types[run->type_count] = names[run->type_count];
    run->by_type[run->type_count++] = 1;
}

static bool collect(struct error *err, const struct demo_resource *r, void *arg)
{
    struct run *run = arg;
    struct error verr = {0};
    const char *type = json_string_value(json_object_get(r->resource, "resourceType"));
    const char *id = json_string_value(json_object_get(r->resource, "id"));
    assert_non_null(type);
    assert_non_null(id);
    if (!fhir_validate(&verr, r->resource)) {
        char *text = json_dumps(r->resource, JSON_COMPACT);
        print_error("%s\n", text);
        free(text);
        fail_msg("%s/%s invalid: %s (%s)", type, id, verr.detail, error_code_name(verr.code));
    }
    assert_non_null(demo_org_find(r->org_code));
    assert_true(is_member(r->user_login, r->org_code));

    int patient = check_references(run, r->resource, -1);
    assert_true(patient >= 0); /* every clinical resource belongs to one patient */
    struct demo_patient p;
    demo_patient_get(patient, &p);
    if (!demo_patient_visible_to(&p, r->org_code))
        fail_msg("%s/%s of patient %d recorded by %s, which does not see the patient", type, id,
                 patient, r->org_code);
    add_ref_target(run, type, id, -2); /* unique per type */

    assert_true(run->count < BUDGET);
    run->dumps[run->count] =
        json_dumps(r->resource, JSON_COMPACT | JSON_SORT_KEYS | JSON_REAL_PRECISION(15));
    if (patient == 0) {
        json_t *copy = json_deep_copy(r->resource);
        json_object_set_new(copy, "_org", json_string(r->org_code));
        json_array_append_new(run->patient0, copy);
    }
    count_type(run, type);
    run->count++;
    (void)err;
    return true;
}

static struct run *run_once(void)
{
    struct run *run = calloc(1, sizeof *run);
    struct error err = {0};
    init_run(run);
    assert_true(demo_clinical_each(&err, collect, run));
    return run;
}

/* ---- patient 0 ---- */

static int count_where(const json_t *list, const char *type, const char *path_key,
                       const char *needle)
{
    int n = 0;
    size_t i;
    const json_t *res;
    json_array_foreach(list, i, res)
    {
        if (strcmp(json_string_value(json_object_get(res, "resourceType")), type) != 0)
            continue;
        char *text = json_dumps(json_object_get(res, path_key), JSON_COMPACT | JSON_ENCODE_ANY);
        if (!needle || (text && strstr(text, needle)))
            n++;
        free(text);
    }
    return n;
}

/* The values of patient 0's Observations with that JLAC10 code, in order. */
static int series(const json_t *list, const char *jlac10, double *out, int max, int *high)
{
    int n = 0;
    size_t i;
    const json_t *res;
    json_array_foreach(list, i, res)
    {
        const json_t *coding =
            json_array_get(json_object_get(json_object_get(res, "code"), "coding"), 0);
        const char *code = json_string_value(json_object_get(coding, "code"));
        if (!code || strcmp(code, jlac10) != 0 || n >= max)
            continue;
        out[n++] =
            json_number_value(json_object_get(json_object_get(res, "valueQuantity"), "value"));
        char *interpretation = json_dumps(json_object_get(res, "interpretation"), 0);
        if (interpretation && strstr(interpretation, "\"H\""))
            (*high)++;
        free(interpretation);
    }
    return n;
}

static void test_patient0_history(void **state)
{
    struct run *run = run_once();
    const json_t *p0 = run->patient0;
    assert_true(count_where(p0, "Condition", "category", "problem-list-item") >= 8);
    assert_true(count_where(p0, "Condition", "clinicalStatus", "resolved") >= 2);
    assert_true(count_where(p0, "Condition", "code", "master-disease-exCode") >= 1);
    assert_int_equal(count_where(p0, "Condition", "category", "\"infection\""), 1);
    assert_true(count_where(p0, "AllergyIntolerance", "criticality", "high") >= 2);
    assert_true(count_where(p0, "AllergyIntolerance", "category", "food") >= 1);
    assert_true(count_where(p0, "Flag", "category", "flag-category") >= 1);
    assert_true(count_where(p0, "Flag", "code", "ワルファリン併用禁忌") >= 1);
    assert_true(count_where(p0, "MedicationRequest", "status", "active") >= 3);
    assert_true(count_where(p0, "MedicationRequest", "status", "completed") >= 3);
    assert_true(count_where(p0, "MedicationRequest", "requester", "あおば在宅クリニック") >= 3);
    assert_true(count_where(p0, "MedicationRequest", "requester", "みなみ総合病院") >= 3);
    assert_int_equal(count_where(p0, "Encounter", "class", "\"IMP\""), 2);
    assert_int_equal(count_where(p0, "Composition", "type", "18842-5"), 2);
    assert_int_equal(count_where(p0, "Composition", "type", "57133-1"), 1);
    assert_int_equal(count_where(p0, "DocumentReference", "type", NULL), 3);
    /* the documents are their Compositions, in Japanese, with no placeholder PDF */
    assert_int_equal(count_where(p0, "Binary", NULL, NULL), 0);
    assert_int_equal(count_where(p0, "DocumentReference", "content", "application/fhir+json"), 3);
    assert_int_equal(count_where(p0, "Composition", "section", "今後の方針"), 2);
    assert_int_equal(count_where(p0, "Composition", "section", "document-section"), 2);
    assert_int_equal(count_where(p0, "Composition", "section", "別記"), 0);

    double hba1c[16], egfr[16], k[16];
    int high = 0, ignored = 0;
    int n = series(p0, "3D046000001906202", hba1c, 16, &ignored);
    assert_int_equal(n, 9);
    int peak = 0;
    for (int i = 1; i < n; i++)
        peak = hba1c[i] > hba1c[peak] ? i : peak;
    assert_true(peak > 0 && peak < n - 1 && hba1c[n - 1] < hba1c[peak] - 1.0);
    assert_int_equal(series(p0, "8A065000002391901", egfr, 16, &ignored), 9);
    for (int i = 1; i < 9; i++)
        assert_true(egfr[i] < egfr[i - 1]);
    assert_int_equal(series(p0, "3H015000002326101", k, 16, &high), 9);
    assert_int_equal(high, 1);

    size_t i;
    const json_t *res;
    json_array_foreach(p0, i, res)
    {
        const char *type = json_string_value(json_object_get(res, "resourceType"));
        if (strcmp(type, "Observation") == 0) {
            const char *when = json_string_value(json_object_get(res, "effectiveDateTime"));
            assert_true(strcmp(when, "2024-11-15") > 0 && strcmp(when, "2026-11-16") < 0);
            assert_non_null(strstr(when, "+09:00"));
        }
    }
    free_run(run);
    free(run);
    (void)state;
}

/* Every resource valid, referenced targets first, within budget; the same twice. */
static void test_all_resources(void **state)
{
    struct run *a = run_once();
    struct run *b = run_once();
    assert_int_equal(a->count, b->count);
    for (int i = 0; i < a->count; i++)
        assert_string_equal(a->dumps[i], b->dumps[i]);
    assert_true(a->count >= 1000 && a->count <= BUDGET);
    for (int t = 0; t < a->type_count; t++)
        print_message("%-20s %d\n", a->types[t], a->by_type[t]);
    print_message("total %d\n", a->count);

    /* modest histories for many patients, some infections besides patient 0 */
    int infections = 0, patients_with_records = 0;
    for (int i = 0; i < a->count; i++)
        if (strstr(a->dumps[i], "\"infection\""))
            infections++;
    char seen[DEMO_PATIENT_COUNT] = {0};
    for (int i = 0; i < a->count; i++) {
        for (int p = 0; p < DEMO_PATIENT_COUNT; p++) {
            if (seen[p])
                continue;
            char key[16], id[UUID_STR_LEN];
            snprintf(key, sizeof key, "%d", p);
            demo_clinical_uuid(id, "patient", key);
            if (strstr(a->dumps[i], id)) {
                seen[p] = 1;
                patients_with_records++;
                break;
            }
        }
    }
    assert_true(infections >= 5);
    assert_true(patients_with_records >= DEMO_PATIENT_COUNT / 2);
    free_run(a);
    free_run(b);
    free(a);
    free(b);
    (void)state;
}

/* The ids are those demo.c gives: patient 0 and minami-gh as loaded. */
static void test_ids(void **state)
{
    char id[UUID_STR_LEN];
    demo_clinical_uuid(id, "patient", "0");
    assert_int_equal(strlen(id), 36);
    assert_int_equal(id[14], '8');
    assert_true(strchr("89ab", id[19]) != NULL);
    char again[UUID_STR_LEN];
    demo_clinical_uuid(again, "patient", "0");
    assert_string_equal(id, again);
    demo_clinical_uuid(again, "org", "minami-gh");
    assert_string_not_equal(id, again);
    (void)state;
}

static bool stop_at_third(struct error *err, const struct demo_resource *r, void *arg)
{
    int *n = arg;
    (void)r;
    return ++*n < 3 || error_set(err, ERR_USAGE, "stop");
}

static void test_callback_stops_the_walk(void **state)
{
    struct error err = {0};
    int n = 0;
    assert_false(demo_clinical_each(&err, stop_at_third, &n));
    assert_int_equal(n, 3);
    assert_int_equal(err.code, ERR_USAGE);
    (void)state;
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ids),
        cmocka_unit_test(test_callback_stops_the_walk),
        cmocka_unit_test(test_patient0_history),
        cmocka_unit_test(test_all_resources),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
