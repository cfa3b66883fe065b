/* SPDX-License-Identifier: Apache-2.0 */
/* Finding the same patient (名寄せ, issue 13 item 3): the score of a candidate against what was
 * typed at registration, after kana_match_key, as an IHE PDQm $match would give it; and the
 * candidates one principal may be shown (access_match_may_show). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access/access.h"
#include "core/kana.h"
#include "patients_int.h"

const char *patients_match_grade(double score)
{
    /* FHIR R4 match-grade extension: certain | probable | possible | certainly-not */
    if (score >= 0.95)
        return "certain";
    if (score >= 0.8)
        return "probable";
    return score >= PATIENTS_MATCH_MIN ? "possible" : "certainly-not";
}

/* Whether two YYYY-MM-DD dates differ in exactly one of year, month and day (a typing slip). */
static bool one_part_differs(const char *a, const char *b)
{
    if (strlen(a) != 10 || strlen(b) != 10)
        return false;
    int same =
        (memcmp(a, b, 4) == 0) + (memcmp(a + 5, b + 5, 2) == 0) + (memcmp(a + 8, b + 8, 2) == 0);
    return same == 2;
}

double patients_match_score(const struct patients_match_keys *q,
                            const struct patients_match_keys *c)
{
    double score;
    bool name_same = q->name_key[0] && strcmp(q->name_key, c->name_key) == 0;
    if (strcmp(q->kana_key, c->kana_key) == 0)
        score = 0.5; /* the reading, in any width or script */
    else if (strcmp(q->match_key, c->match_key) == 0)
        score = 0.4; /* the reading up to small kana and long vowels */
    else if (name_same)
        score = 0.35; /* the kanji, with another reading */
    else
        return 0; /* no agreement on the name: not the same person for a match */
    if (strcmp(q->birth_date, c->birth_date) == 0)
        score += 0.35;
    else if (one_part_differs(q->birth_date, c->birth_date))
        score += 0.1;
    if (strcmp(q->sex, c->sex) == 0)
        score += 0.15;
    else if (!strcmp(q->sex, "unknown") || !strcmp(c->sex, "unknown"))
        score += 0.05;
    return score > 1 ? 1 : score;
}

bool patients_match_keys_of(struct arena *arena, const char *name, const char *kana,
                            const char *sex, const char *birth_date, struct patients_match_keys *k)
{
    char *name_key = kana_normalize(name ? name : ""), *kana_key = kana_normalize(kana);
    char *match_key = kana_match_key(kana);
    bool ok = name_key && kana_key && match_key;
    if (ok)
        *k = (struct patients_match_keys){arena_strdup(arena, name_key),
                                          arena_strdup(arena, kana_key),
                                          arena_strdup(arena, match_key), sex, birth_date};
    free(name_key);
    free(kana_key);
    free(match_key);
    return ok;
}

/* Candidates: the same birth date, or the same name or reading with another birth date; never a
 * patient merged into another. With the rule's parts for the principal. */
static const char sql_candidates[] =
    "SELECT p.id, p.name, p.name_kana, p.name_key, p.kana_key, p.sex, "
    "p.birth_date, " ACCESS_DEMOGRAPHICS_SQL ", " ACCESS_CONSENT_SQL " FROM patients p "
    "WHERE (p.birth_date = ?5 OR p.kana_key = ?6 OR (p.name_key = ?7 AND ?7 <> '')) "
    "AND NOT EXISTS (SELECT 1 FROM patient_merges m WHERE m.merged_id = p.id) "
    "ORDER BY p.id LIMIT 500";

static void hit_insert(struct patients_match_hit *hits, int *n, const struct patients_match_hit *h)
{
    int i = *n < PATIENTS_MATCH_MAX ? (*n)++ : PATIENTS_MATCH_MAX;
    while (i > 0 && hits[i - 1].score < h->score) {
        if (i < PATIENTS_MATCH_MAX)
            hits[i] = hits[i - 1];
        i--;
    }
    if (i < PATIENTS_MATCH_MAX)
        hits[i] = *h;
}

static bool hit_of(struct arena *arena, struct store_stmt *s, const struct patients_match_keys *q,
                   struct patients_match_hit *h)
{
    struct patients_match_keys c;
    if (!patients_match_keys_of(arena, store_text(s, 1), store_text(s, 2), store_text(s, 5),
                                store_text(s, 6), &c))
        return false;
    *h = (struct patients_match_hit){.score = patients_match_score(q, &c),
                                     .visible = store_int(s, 7) != 0,
                                     .consented = store_int(s, 8) != 0};
    snprintf(h->id, sizeof h->id, "%s", store_text(s, 0));
    h->name = arena_strdup(arena, store_text(s, 1));
    h->name_kana = arena_strdup(arena, store_text(s, 2));
    h->sex = arena_strdup(arena, store_text(s, 5));
    h->birth_date = arena_strdup(arena, store_text(s, 6));
    return true;
}

bool patients_match_find(struct error *err, struct op *op, const struct patients_match_keys *q,
                         struct patients_match_hit hits[PATIENTS_MATCH_MAX], int *n)
{
    struct access_rule_args a;
    access_rule_args_of(&op->principal, &a);
    *n = 0;
    struct store_stmt *s =
        store_query(err, op->conn, sql_candidates, "tttittt", a.org_id, a.today, a.user_id,
                    a.now_ms, q->birth_date, q->kana_key, q->name_key);
    if (!s)
        return false;
    enum store_step_result r;
    while ((r = store_step(err, s)) == STORE_ROW) {
        struct patients_match_hit h;
        if (!hit_of(op->arena, s, q, &h)) {
            store_done(s);
            return error_set(err, ERR_NOMEM, NULL);
        }
        if (h.score >= PATIENTS_MATCH_MIN &&
            access_match_may_show(&op->principal, h.visible, h.score))
            hit_insert(hits, n, &h);
    }
    store_done(s);
    return r != STORE_FAIL;
}
