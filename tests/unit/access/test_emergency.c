/* SPDX-License-Identifier: Apache-2.0 */
/* Emergency (break-the-glass) grants in access_decide, eligibility and the expiry sweep, against
 * a real store. */
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
static const char hospital[] = "22222222-2222-4222-8222-222222222222";
static const char pharmacy[] = "33333333-3333-4333-8333-333333333333";
static const char doctor[] = "11111111-1111-4111-8111-111111111111";
static const char patient[] = "44444444-4444-4444-8444-444444444444";
static const char grant[] = "55555555-5555-4555-8555-555555555555";

static int setup(void **state)
{
    (void)state;
    struct error err = {0};
    if (store_fixture_open(&fx) != 0)
        return -1;
    return store_exec(&err, fx.conn, NULL,
                      "INSERT INTO orgs (id, code, name, type, created_at, updated_at) VALUES "
                      "(?, 'h', 'H', 'acute_hospital', 0, 0), (?, 'p', 'P', 'pharmacy', 0, 0)",
                      "tt", hospital, pharmacy) &&
                   store_exec(&err, fx.conn, NULL,
                              "INSERT INTO users (id, login, name, profession, password_hash, "
                              "created_at, updated_at) VALUES (?, 'doc', 'Doc', 'physician', 'x', "
                              "0, 0)",
                              "t", doctor) &&
                   store_exec(&err, fx.conn, NULL,
                              "INSERT INTO patients (id, name, name_kana, name_key, kana_key, sex, "
                              "birth_date, created_at, updated_at) VALUES (?, 'P', 'P', 'p', 'p', "
                              "'female', '1941-04-12', 0, 0)",
                              "t", patient)
               ? 0
               : -1;
}

static int teardown(void **state)
{
    (void)state;
    return store_fixture_close(&fx);
}

static struct principal doctor_at(const char *org, const char *profession)
{
    struct principal p = {0};
    snprintf(p.user_id, sizeof(p.user_id), "%s", doctor);
    snprintf(p.login, sizeof(p.login), "doc");
    snprintf(p.profession, sizeof(p.profession), "%s", profession);
    snprintf(p.org_id, sizeof(p.org_id), "%s", org);
    return p;
}

static void add_grant(int64_t expires_at)
{
    struct error err = {0};
    assert_true(store_exec(&err, fx.conn, NULL, "DELETE FROM emergency_access", ""));
    assert_true(store_exec(&err, fx.conn, NULL,
                           "INSERT INTO emergency_access (id, user_id, org_id, patient_id, reason, "
                           "started_at, expires_at) VALUES (?, ?, ?, ?, 'unconscious', ?, ?)",
                           "ttttii", grant, doctor, hospital, patient, clock_now_ms(), expires_at));
}

static void decide(const struct principal *p, enum access_action action, enum data_class cls,
                   struct access_decision *d)
{
    struct error err = {0};
    assert_true(access_decide(&err, fx.conn, p, patient, action, cls, d));
}

static void grant_opens_only_reads_of_the_emergency_view(void **state)
{
    (void)state;
    struct principal p = doctor_at(hospital, "physician");
    struct access_decision d;
    decide(&p, ACCESS_READ, DATA_DEMOGRAPHICS, &d);
    assert_false(d.allow);
    add_grant(clock_now_ms() + 60000);
    decide(&p, ACCESS_READ, DATA_DEMOGRAPHICS, &d);
    assert_true(d.allow);
    assert_true(d.emergency);
    assert_string_equal(d.grant_id, grant);
    decide(&p, ACCESS_READ, DATA_CLINICAL_EMERGENCY, &d);
    assert_true(d.allow && d.emergency);
    decide(&p, ACCESS_READ, DATA_CLINICAL, &d);
    assert_false(d.allow);
    decide(&p, ACCESS_READ, DATA_CONSENT, &d);
    assert_false(d.allow);
    decide(&p, ACCESS_READ, DATA_TEAM, &d);
    assert_false(d.allow);
    decide(&p, ACCESS_UPDATE, DATA_DEMOGRAPHICS, &d);
    assert_false(d.allow);
    /* the grant belongs to the organisation it was started in */
    struct principal other = doctor_at(pharmacy, "physician");
    decide(&other, ACCESS_READ, DATA_DEMOGRAPHICS, &d);
    assert_false(d.allow);
    /* an expired grant opens nothing, even before the sweep ends it */
    add_grant(clock_now_ms() - 1);
    decide(&p, ACCESS_READ, DATA_DEMOGRAPHICS, &d);
    assert_false(d.allow || d.emergency);
}

static void eligibility(void **state)
{
    (void)state;
    struct error err = {0};
    struct principal p = doctor_at(hospital, "physician");
    assert_true(access_emergency_eligible(&err, fx.conn, &p));
    p = doctor_at(hospital, "nurse");
    assert_true(access_emergency_eligible(&err, fx.conn, &p));
    const char *refused[] = {"clerk", "pharmacist", "therapist", "msw", "care_manager"};
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        struct error e = {0};
        p = doctor_at(hospital, refused[i]);
        assert_false(access_emergency_eligible(&e, fx.conn, &p));
        assert_int_equal(e.code, ERR_EMERGENCY_NOT_ELIGIBLE);
    }
    struct error e1 = {0}, e2 = {0}, e3 = {0};
    p = doctor_at(pharmacy, "physician");
    assert_false(access_emergency_eligible(&e1, fx.conn, &p));
    assert_int_equal(e1.code, ERR_EMERGENCY_NOT_ELIGIBLE);
    p = doctor_at(hospital, "physician");
    p.network_admin = true;
    assert_false(access_emergency_eligible(&e2, fx.conn, &p));
    assert_int_equal(e2.code, ERR_EMERGENCY_NOT_ELIGIBLE);
    p = doctor_at(hospital, "physician");
    p.via_token = true;
    assert_false(access_emergency_eligible(&e3, fx.conn, &p));
    assert_true(access_org_type_is_hospital("chronic_hospital"));
    assert_false(access_org_type_is_hospital("home_care_clinic"));
}

static void sweep_ends_expired_grants_with_an_audit_record(void **state)
{
    (void)state;
    struct error err = {0};
    int ended = -1;
    add_grant(clock_now_ms() + 60000);
    assert_true(access_emergency_sweep(&err, fx.conn, clock_now_ms(), &ended));
    assert_int_equal(ended, 0);
    add_grant(clock_now_ms() - 1);
    assert_true(access_emergency_sweep(&err, fx.conn, clock_now_ms(), &ended));
    assert_int_equal(ended, 1);
    struct store_stmt *s = store_query(
        &err, fx.conn,
        "SELECT e.end_reason, (SELECT count(*) FROM audit a WHERE a.event_id = 'emergency.end' "
        "AND a.object_id = e.id AND a.detail = 'emergency override end: expired') "
        "FROM emergency_access e WHERE e.id = ?",
        "t", grant);
    assert_non_null(s);
    assert_int_equal(store_step(&err, s), STORE_ROW);
    assert_string_equal(store_text(s, 0), "expired");
    assert_int_equal(store_int(s, 1), 1);
    store_done(s);
    assert_true(access_emergency_sweep(&err, fx.conn, clock_now_ms(), &ended));
    assert_int_equal(ended, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(grant_opens_only_reads_of_the_emergency_view),
        cmocka_unit_test(eligibility),
        cmocka_unit_test(sweep_ends_expired_grants_with_an_audit_record),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
