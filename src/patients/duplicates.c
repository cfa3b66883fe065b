/* SPDX-License-Identifier: Apache-2.0 */
/* Possible duplicates for the network office (名寄せ, issue 13 item 3): pairs of patients that
 * likely are one person, to merge (every local id, consent and care-team member moves to the
 * survivor; the merged patient's records stay under its id, which now stands for the survivor)
 * or to mark distinct (never proposed again). Names, readings, birth dates, sexes and local ids
 * only, never clinical data; every patient shown or changed is audited. */
#include <stdlib.h>
#include <string.h>

#include "access/access.h"
#include "core/jsonv.h"
#include "patients_int.h"

#define PAIRS_MAX 100

static const char sql_pairs[] =
    "SELECT a.id, a.name, a.name_kana, a.sex, a.birth_date, b.id, b.name, b.name_kana, b.sex, "
    "b.birth_date FROM patients a JOIN patients b ON a.id < b.id AND (a.birth_date = "
    "b.birth_date OR a.kana_key = b.kana_key) "
    "WHERE NOT EXISTS (SELECT 1 FROM patient_merges m WHERE m.merged_id IN (a.id, b.id)) "
    "AND NOT EXISTS (SELECT 1 FROM patient_distinct_pairs d WHERE d.patient_a = a.id AND "
    "d.patient_b = b.id) ORDER BY a.id, b.id LIMIT 5000";

static bool refuse_unless_office(struct error *err, struct request *req)
{
    if (!access_may_reconcile(&req->op.principal))
        return error_set(err, ERR_FORBIDDEN, "the network office, in person");
    return true;
}

/* One side of a pair: the summary, when and by whom it was registered anew, and why. */
static json_t *side_json(struct error *err, struct request *req, const char *id)
{
    json_t *p = patients_patient_json(err, req->op.conn, id, false);
    if (!p)
        return NULL;
    struct store_stmt *s = store_query(
        err, req->op.conn,
        "SELECT r.reason, o.name FROM patient_new_reasons r JOIN orgs o ON o.id = r.org_id "
        "WHERE r.patient_id = ?",
        "t", id);
    if (!s) {
        json_decref(p);
        return NULL;
    }
    enum store_step_result r = store_step(err, s);
    json_object_set_new(p, "new_patient_reason",
                        r == STORE_ROW ? json_pack("{s:s, s:s}", "reason", store_text(s, 0),
                                                   "org_name", store_text(s, 1))
                                       : json_null());
    store_done(s);
    op_audit_read(&req->op, "duplicates_list", AUDIT_SUCCESS, id, "patient", id,
                  "listed as a possible duplicate");
    return p;
}

static double pair_score(struct arena *arena, struct store_stmt *s)
{
    struct patients_match_keys a, b;
    if (!patients_match_keys_of(arena, store_text(s, 1), store_text(s, 2), store_text(s, 3),
                                store_text(s, 4), &a) ||
        !patients_match_keys_of(arena, store_text(s, 6), store_text(s, 7), store_text(s, 8),
                                store_text(s, 9), &b))
        return 0;
    return patients_match_score(&a, &b);
}

static int by_score(const void *x, const void *y)
{
    double a = json_real_value(json_object_get(*(json_t *const *)x, "score"));
    double b = json_real_value(json_object_get(*(json_t *const *)y, "score"));
    return a < b ? 1 : a > b ? -1 : 0;
}

/* The likely pairs, as {score, a, b} with ids only, best first. */
static json_t *likely_pairs(struct error *err, struct request *req)
{
    struct store_stmt *s = store_query(err, req->op.conn, sql_pairs, "");
    if (!s)
        return NULL;
    json_t *pairs = json_array();
    enum store_step_result r;
    while ((r = store_step(err, s)) == STORE_ROW) {
        double score = pair_score(req->op.arena, s);
        if (score >= PATIENTS_MATCH_LIKELY)
            json_array_append_new(pairs, json_pack("{s:f, s:s, s:s}", "score", score, "a",
                                                   store_text(s, 0), "b", store_text(s, 5)));
    }
    store_done(s);
    if (r == STORE_FAIL) {
        json_decref(pairs);
        return NULL;
    }
    size_t n = json_array_size(pairs);
    json_t **v = calloc(n ? n : 1, sizeof *v);
    for (size_t i = 0; v && i < n; i++)
        v[i] = json_incref(json_array_get(pairs, i));
    if (v)
        qsort(v, n, sizeof *v, by_score);
    json_array_clear(pairs);
    for (size_t i = 0; v && i < n; i++)
        json_array_append_new(pairs, v[i]);
    free(v);
    return pairs;
}

bool duplicates_list(struct error *err, struct request *req)
{
    if (!refuse_unless_office(err, req))
        return false;
    json_t *pairs = likely_pairs(err, req);
    if (!pairs)
        return false;
    json_t *items = json_array(), *pair;
    size_t i;
    json_array_foreach(pairs, i, pair)
    {
        if (i >= PAIRS_MAX)
            break;
        double score = json_real_value(json_object_get(pair, "score"));
        json_t *a = side_json(err, req, json_string_value(json_object_get(pair, "a")));
        json_t *b = a ? side_json(err, req, json_string_value(json_object_get(pair, "b"))) : NULL;
        if (!b) {
            json_decref(a);
            json_decref(items);
            json_decref(pairs);
            return false;
        }
        json_array_append_new(items, json_pack("{s:f, s:s, s:[o, o]}", "score",
                                               (double)(int)(score * 100 + 0.5) / 100, "grade",
                                               patients_match_grade(score), "patients", a, b));
    }
    json_decref(pairs);
    req->audit_detail = arena_printf(req->op.arena, "pairs=%zu", json_array_size(items));
    return api_respond_items(req, items);
}
