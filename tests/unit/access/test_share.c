/* SPDX-License-Identifier: Apache-2.0 */
/* Record shares (a referral opens the record to its receiver, within the patient's consent) and
 * the per-case decision, against a real store. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka needs the headers above first */
#include <cmocka.h>

#include <string.h>

#include "access/access.h"
#include "core/clock.h"
#include "test_store_fixture.h"

static struct store_fixture fx;
static struct arena *arena;
static const char clinic[] = "22222222-2222-4222-8222-222222222222";
static const char hospital[] = "33333333-3333-4333-8333-333333333333";
static const char pharmacy[] = "66666666-6666-4666-8666-666666666666";
static const char doctor[] = "11111111-1111-4111-8111-111111111111";
static const char patient[] = "44444444-4444-4444-8444-444444444444";
static const char referral[] = "55555555-5555-4555-8555-555555555555";
static const char consent[] = "77777777-7777-4777-8777-777777777777";
/* A case kind as a feature defines one (access/ knows none by name). */
static const struct access_case_kind case_kind = {
    "referral", "SELECT patient_id, from_org_id, to_org_id FROM referrals WHERE id = ?",
    ERR_REFERRAL_NOT_FOUND, NULL};

/* An op on the fixture's connection at the program's clock, as a feature's step has one. */
static struct op *op_now(void)
{
    static struct op op;
    if (!arena)
        arena = arena_new();
    op_init(&op, arena, NULL, fx.conn, NULL, OP_CLI, "test");
    return &op;
}

static bool exec(const char *sql, const char *types, ...)
{
    /* Only fixed-arity helpers below call this with up to three text parameters. */
    struct error err = {0};
    va_list ap;
    va_start(ap, types);
    const char *a = strlen(types) > 0 ? va_arg(ap, const char *) : NULL;
    const char *b = strlen(types) > 1 ? va_arg(ap, const char *) : NULL;
    const char *c = strlen(types) > 2 ? va_arg(ap, const char *) : NULL;
    va_end(ap);
    return store_exec(&err, fx.conn, NULL, sql, types, a, b, c);
}

static int setup(void **state)
{
    (void)state;
    if (store_fixture_open(&fx) != 0)
        return -1;
    bool ok =
        exec("INSERT INTO orgs (id, code, name, type, created_at, updated_at) VALUES "
             "(?, 'c', 'C', 'clinic', 0, 0), (?, 'h', 'H', 'acute_hospital', 0, 0), "
             "(?, 'p', 'P', 'pharmacy', 0, 0)",
             "ttt", clinic, hospital, pharmacy) &&
        exec("INSERT INTO users (id, login, name, profession, password_hash, created_at, "
             "updated_at) VALUES (?, 'doc', 'Doc', 'physician', 'x', 0, 0)",
             "t", doctor) &&
        exec("INSERT INTO patients (id, name, name_kana, name_key, kana_key, sex, birth_date, "
             "created_at, updated_at) VALUES (?, 'P', 'P', 'p', 'p', 'female', '1941-04-12', 0, 0)",
             "t", patient) &&
        exec("INSERT INTO care_team (id, patient_id, org_id, added_by, added_at) VALUES "
             "('88888888-8888-4888-8888-888888888888', ?, ?, 'x', 0)",
             "tt", patient, clinic) &&
        /* The consent names the clinic and the hospital, not the pharmacy. */
        exec("INSERT INTO consents (id, patient_id, scope, method, consented_on, recorded_by, "
             "recorded_at) VALUES (?, ?, 'all', 'written', '2020-01-01', ?, 0)",
             "ttt", consent, patient, doctor) &&
        exec("INSERT INTO consent_orgs (consent_id, org_id, patient_id) VALUES (?, ?, ?)", "ttt",
             consent, clinic, patient) &&
        exec("INSERT INTO consent_orgs (consent_id, org_id, patient_id) VALUES (?, ?, ?)", "ttt",
             consent, hospital, patient) &&
        exec("INSERT INTO referrals (id, kind, patient_id, from_org_id, from_user_id, to_org_id, "
             "urgency, purpose, status, letter, letter_sha256, signed_at, sent_at, updated_at) "
             "VALUES ('55555555-5555-4555-8555-555555555555', 'referral', ?, ?, "
             "'11111111-1111-4111-8111-111111111111', ?, 'routine', 'workup', 'sent', '{}', '', "
             "0, 0, 0)",
             "ttt", patient, clinic, hospital);
    return ok ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    arena_free(arena);
    arena = NULL;
    return store_fixture_close(&fx);
}

static struct principal member_of(const char *org)
{
    struct principal p = {0};
    snprintf(p.user_id, sizeof(p.user_id), "%s", doctor);
    snprintf(p.profession, sizeof(p.profession), "physician");
    snprintf(p.org_id, sizeof(p.org_id), "%s", org);
    return p;
}

static bool allowed(const char *org, enum access_action action, enum data_class cls)
{
    struct error err = {0};
    struct access_decision d;
    struct principal p = member_of(org);
    assert_true(access_decide(&err, fx.conn, &p, patient, action, cls, &d));
    return d.allow;
}

static void share_opens_reading_within_consent_until_it_ends(void **state)
{
    (void)state;
    struct error err = {0};
    bool shared = true;
    assert_false(allowed(hospital, ACCESS_READ, DATA_CLINICAL));
    /* The pharmacy is outside the consent: no share is opened. */
    assert_true(access_share_start(&err, op_now(), patient, pharmacy, &case_kind, referral,
                                   clock_now_ms() + 60000, &shared));
    assert_false(shared);
    assert_false(allowed(pharmacy, ACCESS_READ, DATA_CLINICAL));

    assert_true(access_share_start(&err, op_now(), patient, hospital, &case_kind, referral,
                                   clock_now_ms() + 60000, &shared));
    assert_true(shared);
    assert_true(allowed(hospital, ACCESS_READ, DATA_CLINICAL));
    assert_true(allowed(hospital, ACCESS_READ, DATA_DEMOGRAPHICS));
    /* Reading only, and not the consent records. */
    assert_false(allowed(hospital, ACCESS_CREATE, DATA_CLINICAL));
    assert_false(allowed(hospital, ACCESS_UPDATE, DATA_DEMOGRAPHICS));
    assert_false(allowed(hospital, ACCESS_READ, DATA_CONSENT));

    /* A withdrawn consent closes the share at once. */
    assert_true(exec("UPDATE consents SET withdrawn_at = 1 WHERE id = ?", "t", consent));
    assert_false(allowed(hospital, ACCESS_READ, DATA_CLINICAL));
    assert_true(exec("UPDATE consents SET withdrawn_at = NULL WHERE id = ?", "t", consent));

    int ended = 0;
    assert_true(access_share_end(&err, op_now(), &case_kind, referral, "closed", &ended));
    assert_int_equal(ended, 1);
    assert_false(allowed(hospital, ACCESS_READ, DATA_CLINICAL));
}

static void expired_share_opens_nothing(void **state)
{
    (void)state;
    struct error err = {0};
    bool shared = false;
    assert_true(access_share_start(&err, op_now(), patient, hospital, &case_kind, referral,
                                   clock_now_ms() - 1, &shared));
    assert_true(shared);
    assert_false(allowed(hospital, ACCESS_READ, DATA_CLINICAL));
    assert_true(access_share_end(&err, op_now(), &case_kind, referral, "closed", NULL));
}

static bool case_allowed(const char *org, const char *id, enum access_action action,
                         char patient_out[UUID_STR_LEN])
{
    struct error err = {0};
    struct access_decision d;
    struct principal p = member_of(org);
    assert_true(access_decide_case(&err, fx.conn, &p, &case_kind, id, action, &d, patient_out));
    return d.allow;
}

static void parties_act_on_a_case_the_team_reads_it(void **state)
{
    (void)state;
    char found[UUID_STR_LEN];
    assert_true(case_allowed(hospital, referral, ACCESS_UPDATE, found));
    assert_string_equal(found, patient);
    assert_true(case_allowed(clinic, referral, ACCESS_UPDATE, found));
    /* The pharmacy is neither party nor on the team. */
    assert_false(case_allowed(pharmacy, referral, ACCESS_READ, found));
    assert_string_equal(found, patient);
    /* On the team with consent: may read, not act. */
    assert_true(exec("INSERT INTO care_team (id, patient_id, org_id, added_by, added_at) VALUES "
                     "('99999999-9999-4999-8999-999999999999', ?, ?, 'x', 0)",
                     "tt", patient, pharmacy));
    assert_true(exec("INSERT INTO consent_orgs (consent_id, org_id, patient_id) VALUES (?, ?, ?)",
                     "ttt", consent, pharmacy, patient));
    assert_true(case_allowed(pharmacy, referral, ACCESS_READ, found));
    assert_false(case_allowed(pharmacy, referral, ACCESS_UPDATE, found));
    /* No such case: denied, no patient named. */
    assert_false(case_allowed(clinic, "00000000-0000-4000-8000-000000000000", ACCESS_READ, found));
    assert_string_equal(found, "");
}

/* A study as the imaging module defines its case kind, with its shares (imaging_shares). */
static const struct access_case_kind study_kind = {
    "study",
    "SELECT COALESCE(patient_id, ''), org_id, org_id FROM imaging_studies WHERE study_uid = ?",
    ERR_IMAGING_STUDY_NOT_FOUND,
    "SELECT consent_free, source_kind, id FROM imaging_shares WHERE study_uid = ?1 AND org_id = ?2 "
    "AND ended_at IS NULL AND expires_at > ?3 ORDER BY consent_free, started_at DESC"};

static bool study_decision(const char *org, const char *uid, struct access_decision *d)
{
    struct error err = {0};
    char found[UUID_STR_LEN];
    struct principal p = member_of(org);
    assert_true(access_decide_case(&err, fx.conn, &p, &study_kind, uid, ACCESS_READ, d, found));
    return d->allow;
}

static void a_study_share_opens_reading_with_consent_or_as_an_emergency(void **state)
{
    (void)state;
    static const char uid[] = "1.2.3.4";
    struct access_decision d;
    assert_true(exec("INSERT INTO imaging_studies (study_uid, org_id, reconciliation, patient_id, "
                     "created_at, updated_at) VALUES ('1.2.3.4', ?, 'linked', ?, 0, 0)",
                     "tt", clinic, patient));
    /* no share: the hospital (named by the consent, not on the team) and the pharmacy see nothing
     */
    assert_false(study_decision(hospital, uid, &d));
    assert_false(study_decision(pharmacy, uid, &d));
    /* a share that needs consent: the hospital reads, the pharmacy (not named) does not */
    assert_true(
        exec("INSERT INTO imaging_shares (id, study_uid, patient_id, org_id, source_kind, "
             "source_id, consent_free, started_at, expires_at) VALUES "
             "('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaa1', '1.2.3.4', ?, ?, 'referral', 'r', 0, "
             "0, 9999999999999)",
             "tt", patient, hospital));
    assert_true(
        exec("INSERT INTO imaging_shares (id, study_uid, patient_id, org_id, source_kind, "
             "source_id, consent_free, started_at, expires_at) VALUES "
             "('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaa2', '1.2.3.4', ?, ?, 'referral', 'r', 0, "
             "0, 9999999999999)",
             "tt", patient, pharmacy));
    assert_true(study_decision(hospital, uid, &d));
    assert_string_equal(d.reason, "study shared by referral, consent in force");
    assert_false(d.emergency_share);
    assert_false(study_decision(pharmacy, uid, &d));
    /* an emergency share opens it without consent, flagged, naming the share */
    assert_true(
        exec("INSERT INTO imaging_shares (id, study_uid, patient_id, org_id, source_kind, "
             "source_id, consent_free, reason, started_at, expires_at) VALUES "
             "('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaa3', '1.2.3.4', ?, ?, 'transfer', 't', 1, "
             "'意識障害', 0, 9999999999999)",
             "tt", patient, pharmacy));
    assert_true(study_decision(pharmacy, uid, &d));
    assert_true(d.emergency_share);
    assert_string_equal(d.grant_id, "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaa3");
    /* ended: closed again; and a share never opens a write */
    assert_true(exec("UPDATE imaging_shares SET ended_at = 1 WHERE org_id = ?", "t", pharmacy));
    assert_false(study_decision(pharmacy, uid, &d));
    struct error err = {0};
    char found[UUID_STR_LEN];
    struct principal p = member_of(hospital);
    assert_true(access_decide_case(&err, fx.conn, &p, &study_kind, uid, ACCESS_UPDATE, &d, found));
    assert_false(d.allow);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(share_opens_reading_within_consent_until_it_ends),
        cmocka_unit_test(expired_share_opens_nothing),
        cmocka_unit_test(a_study_share_opens_reading_with_consent_or_as_an_emergency),
        cmocka_unit_test(parties_act_on_a_case_the_team_reads_it),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
