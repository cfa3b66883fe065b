/* SPDX-License-Identifier: Apache-2.0 */
/* Standby grants (issue 17): a declaration opens the declaring organisation's patients to its
 * backup partners for reading, within the patient's consent, until it ends; against a real
 * store. */
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
static const char declaration[] = "55555555-5555-4555-8555-555555555555";
static const char consent[] = "77777777-7777-4777-8777-777777777777";

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
        /* the clinic (on the team) declared itself unavailable; its declaration row is
         * oncall/'s, written here as the module would */
        exec("INSERT INTO oncall_declarations (id, org_id, reason, started_at, planned_end_at) "
             "VALUES (?, ?, 'disaster', 0, 9000000000000)",
             "tt", declaration, clinic);
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

static struct access_decision decided(const char *org, enum access_action action,
                                      enum data_class cls)
{
    struct error err = {0};
    struct access_decision d;
    struct principal p = member_of(org);
    assert_true(access_decide(&err, fx.conn, &p, patient, action, cls, &d));
    return d;
}

static bool allowed(const char *org, enum access_action action, enum data_class cls)
{
    return decided(org, action, cls).allow;
}

static void standby_opens_reading_within_consent_until_it_ends(void **state)
{
    (void)state;
    struct error err = {0};
    struct op *op = op_now();
    char to_hospital[UUID_STR_LEN], to_pharmacy[UUID_STR_LEN];
    assert_false(allowed(hospital, ACCESS_READ, DATA_DEMOGRAPHICS));
    assert_true(access_standby_start(&err, op, declaration, clinic, hospital,
                                     clock_now_ms() + 60000, to_hospital));
    assert_true(access_standby_start(&err, op, declaration, clinic, pharmacy,
                                     clock_now_ms() + 60000, to_pharmacy));
    /* the hospital, named by the consent, reads the summary and the record, named as such */
    struct access_decision d = decided(hospital, ACCESS_READ, DATA_CLINICAL);
    assert_true(d.allow && d.standby && !d.emergency);
    assert_string_equal(d.grant_id, to_hospital);
    assert_true(allowed(hospital, ACCESS_READ, DATA_DEMOGRAPHICS));
    /* never a write, the consents, the team or the audit trail */
    assert_false(allowed(hospital, ACCESS_UPDATE, DATA_DEMOGRAPHICS));
    assert_false(allowed(hospital, ACCESS_CREATE, DATA_CLINICAL));
    assert_false(allowed(hospital, ACCESS_READ, DATA_CONSENT));
    assert_false(allowed(hospital, ACCESS_READ, DATA_TEAM));
    assert_false(allowed(hospital, ACCESS_READ, DATA_AUDIT));
    /* the pharmacy holds a grant too, but the consent does not name it */
    assert_false(allowed(pharmacy, ACCESS_READ, DATA_DEMOGRAPHICS));
    /* nor does the organisation notified in person (notifications never follow a grant) */
    bool sees = true;
    assert_true(access_org_sees(&err, fx.conn, hospital, patient, DATA_CLINICAL, &sees));
    assert_false(sees);
    /* a declaring organisation off the team opens nothing */
    assert_true(exec("UPDATE care_team SET removed_at = 1 WHERE org_id = ?", "t", clinic));
    assert_false(allowed(hospital, ACCESS_READ, DATA_CLINICAL));
    assert_true(exec("UPDATE care_team SET removed_at = NULL WHERE org_id = ?", "t", clinic));

    int ended = 0;
    assert_true(access_standby_end(&err, op, declaration, NULL, "ended", &ended));
    assert_int_equal(ended, 2);
    assert_false(allowed(hospital, ACCESS_READ, DATA_CLINICAL));
    op_rollback(op);
}

static void expired_standby_opens_nothing(void **state)
{
    (void)state;
    struct error err = {0};
    struct op *op = op_now();
    char gid[UUID_STR_LEN];
    assert_true(
        access_standby_start(&err, op, declaration, clinic, hospital, clock_now_ms() - 1, gid));
    assert_false(allowed(hospital, ACCESS_READ, DATA_CLINICAL));
    op_rollback(op);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(standby_opens_reading_within_consent_until_it_ends),
        cmocka_unit_test(expired_standby_opens_nothing),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
