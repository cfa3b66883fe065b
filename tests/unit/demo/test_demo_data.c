/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* cmocka needs the headers above first */
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "demo/demo_data.h"

static const char *const org_types[] = {
    "advanced_acute_hospital",  "acute_hospital", "recovery_hospital",
    "chronic_hospital",         "clinic",         "home_care_clinic",
    "visiting_nursing",         "pharmacy",       "care_management",
    "community_support_center", "care_facility",  "municipality",
};
#define ORG_TYPE_COUNT ((int)(sizeof org_types / sizeof org_types[0]))

static const char *const professions[] = {
    "physician", "nurse", "pharmacist", "care_manager", "msw", "therapist", "clerk", "care_worker",
};

static bool in_list(const char *s, const char *const *list, int n)
{
    for (int k = 0; k < n; k++) {
        if (s && strcmp(s, list[k]) == 0)
            return true;
    }
    return false;
}

static bool leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Strict YYYY-MM-DD with a day that exists. */
static bool valid_date(const char *s)
{
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (int k = 0; k < 10; k++) {
        if (k != 4 && k != 7 && (s[k] < '0' || s[k] > '9'))
            return false;
    }
    int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
    static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1900 || m < 1 || m > 12 || d < 1)
        return false;
    return d <= dim[m - 1] + (m == 2 && leap(y));
}

/* Katakana (ァ..ヶ), ー and single ASCII spaces between words only. */
static bool katakana_name(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    if (!*p || *p == ' ')
        return false;
    while (*p) {
        if (*p == ' ') {
            if (p[1] == ' ' || p[1] == '\0')
                return false;
            p++;
            continue;
        }
        if ((p[0] & 0xF0) != 0xE0 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
            return false;
        unsigned cp = ((p[0] & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
        if (!((cp >= 0x30A1 && cp <= 0x30F6) || cp == 0x30FC))
            return false;
        p += 3;
    }
    return true;
}

/* "family given": exactly one ASCII space, not at either end. */
static bool spaced_name(const char *s)
{
    const char *sp = strchr(s, ' ');
    return sp && sp != s && sp[1] && !strchr(sp + 1, ' ');
}

static bool same_str(const char *a, const char *b)
{
    return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

static bool same_patient(const struct demo_patient *a, const struct demo_patient *b)
{
    if (strcmp(a->name, b->name) || strcmp(a->name_kana, b->name_kana) ||
        !same_str(a->sex, b->sex) || strcmp(a->birth_date, b->birth_date) ||
        strcmp(a->address, b->address) || strcmp(a->phone, b->phone) ||
        a->local_id_count != b->local_id_count || a->team_count != b->team_count ||
        a->consent_count != b->consent_count || strcmp(a->consented_on, b->consented_on) ||
        !same_str(a->consent_method, b->consent_method) ||
        a->consent_withdrawn_for_last != b->consent_withdrawn_for_last ||
        strcmp(a->withdrawn_on, b->withdrawn_on) ||
        !same_str(a->withdraw_reason, b->withdraw_reason))
        return false;
    for (int k = 0; k < a->local_id_count; k++) {
        if (!same_str(a->local_ids[k].org_code, b->local_ids[k].org_code) ||
            strcmp(a->local_ids[k].local_id, b->local_ids[k].local_id))
            return false;
    }
    for (int k = 0; k < a->team_count; k++) {
        if (!same_str(a->team_org_codes[k], b->team_org_codes[k]))
            return false;
    }
    for (int k = 0; k < a->consent_count; k++) {
        if (!same_str(a->consent_org_codes[k], b->consent_org_codes[k]))
            return false;
    }
    return true;
}

static bool codes_have(const char *const *codes, int n, const char *code)
{
    return in_list(code, codes, n);
}

static void deterministic(void **state)
{
    (void)state;
    for (int i = 0; i < DEMO_PATIENT_COUNT; i++) {
        struct demo_patient a, b;
        memset(&b, 0xA5, sizeof b);
        demo_patient_get(i, &a);
        demo_patient_get(i, &b);
        assert_true(same_patient(&a, &b));
    }
    /* Interleaved calls do not disturb each other (no hidden state). */
    struct demo_patient a, b, c;
    demo_patient_get(57, &a);
    demo_patient_get(3, &c);
    demo_patient_get(57, &b);
    assert_true(same_patient(&a, &b));
    assert_false(same_patient(&a, &c));
}

static void counts(void **state)
{
    (void)state;
    assert_int_equal(demo_org_count, 12);
    assert_true(demo_user_count >= 24);
    assert_int_equal(DEMO_PATIENT_COUNT, 200);
    assert_string_equal(DEMO_PASSWORD, "minami-demo-2026");

    struct demo_patient p;
    demo_patient_get(DEMO_PATIENT_COUNT, &p);
    assert_int_equal(p.local_id_count, 0);
    demo_patient_get(-1, &p);
    assert_int_equal(p.local_id_count, 0);
}

static void orgs_valid(void **state)
{
    (void)state;
    for (int t = 0; t < ORG_TYPE_COUNT; t++) {
        bool used = false;
        for (int i = 0; i < demo_org_count; i++)
            used = used || strcmp(demo_orgs[i].type, org_types[t]) == 0;
        assert_true(used);
    }
    for (int i = 0; i < demo_org_count; i++) {
        const struct demo_org *o = &demo_orgs[i];
        assert_true(in_list(o->type, org_types, ORG_TYPE_COUNT));
        assert_true(katakana_name(o->name_kana));
        assert_true(strncmp(o->address, "みなみ市", strlen("みなみ市")) == 0);
        assert_true(strncmp(o->phone, "099-555-", 8) == 0);
        assert_ptr_equal(demo_org_find(o->code), o);
        for (int j = 0; j < i; j++)
            assert_true(strcmp(demo_orgs[j].code, o->code) != 0);
    }
    const struct demo_org *gh = demo_org_find("minami-gh");
    assert_non_null(gh);
    assert_string_equal(gh->type, "acute_hospital");
    assert_int_equal(gh->beds, 400);
    assert_string_equal(gh->features, "ER,CT,MRI");
    assert_null(demo_org_find("no-such-org"));
    static const char *const required[] = {
        "minami-gh",     "minami-uh",     "minami-rehab", "minami-ltc",
        "sakura-clinic", "aoba-homecare", "minami-vns",   "hikari-pharmacy",
        "minami-cmo",    "minami-chiiki", "minami-care",  "minami-city",
    };
    for (size_t k = 0; k < sizeof required / sizeof required[0]; k++)
        assert_non_null(demo_org_find(required[k]));
    assert_string_equal(demo_org_find("minami-city")->type, "municipality");
    assert_string_equal(demo_org_find("aoba-homecare")->type, "home_care_clinic");
}

static void users_valid(void **state)
{
    (void)state;
    int admins = 0;
    for (int i = 0; i < demo_user_count; i++) {
        const struct demo_user *u = &demo_users[i];
        assert_true(in_list(u->profession, professions, 8));
        assert_true(spaced_name(u->name));
        assert_true(katakana_name(u->name_kana));
        assert_true(spaced_name(u->name_kana));
        assert_non_null(u->description_ja);
        assert_non_null(u->description_en);
        assert_true(u->membership_count >= 1 && u->membership_count <= 3);
        for (int m = 0; m < u->membership_count; m++) {
            assert_non_null(demo_org_find(u->memberships[m].org_code));
            assert_true(strcmp(u->memberships[m].role, "member") == 0 ||
                        strcmp(u->memberships[m].role, "org_admin") == 0);
        }
        assert_ptr_equal(demo_user_find(u->login), u);
        for (int j = 0; j < i; j++)
            assert_true(strcmp(demo_users[j].login, u->login) != 0);
        admins += u->network_admin;
    }
    assert_int_equal(admins, 1);
    assert_null(demo_user_find("nobody"));

    /* Every organisation has an organisation admin. */
    for (int o = 0; o < demo_org_count; o++) {
        bool found = false;
        for (int i = 0; i < demo_user_count; i++) {
            for (int m = 0; m < demo_users[i].membership_count; m++) {
                found = found ||
                        (strcmp(demo_users[i].memberships[m].org_code, demo_orgs[o].code) == 0 &&
                         strcmp(demo_users[i].memberships[m].role, "org_admin") == 0);
            }
        }
        assert_true(found);
    }
}

static void check_user(const char *login, const char *profession, bool network_admin,
                       const char *org, const char *role)
{
    const struct demo_user *u = demo_user_find(login);
    assert_non_null(u);
    assert_string_equal(u->profession, profession);
    assert_int_equal(u->network_admin, network_admin);
    assert_string_equal(u->memberships[0].org_code, org);
    assert_string_equal(u->memberships[0].role, role);
}

static void required_logins(void **state)
{
    (void)state;
    check_user("jimukyoku", "clerk", true, "minami-city", "member");
    check_user("gh.sato", "physician", false, "minami-gh", "member");
    check_user("gh.admin", "clerk", false, "minami-gh", "org_admin");
    check_user("gh.renkei", "msw", false, "minami-gh", "member");
    check_user("ph.ito", "pharmacist", false, "hikari-pharmacy", "member");
    check_user("aoba.tanaka", "physician", false, "aoba-homecare", "org_admin");
    check_user("vns.suzuki", "nurse", false, "minami-vns", "member");
    check_user("cm.watanabe", "care_manager", false, "minami-cmo", "member");

    const struct demo_user *k = demo_user_find("multi.kobayashi");
    assert_non_null(k);
    assert_string_equal(k->profession, "physician");
    assert_int_equal(k->membership_count, 2);
    assert_string_equal(k->memberships[0].org_code, "sakura-clinic");
    assert_string_equal(k->memberships[1].org_code, "minami-gh");
}

static void patient_zero(void **state)
{
    (void)state;
    struct demo_patient p;
    demo_patient_get(0, &p);
    assert_string_equal(p.name, "山田 花子");
    assert_string_equal(p.name_kana, "ヤマダ ハナコ");
    assert_string_equal(p.sex, "female");
    assert_string_equal(p.birth_date, "1941-04-12");
    assert_int_equal(p.local_id_count, 1);
    assert_string_equal(p.local_ids[0].org_code, "minami-gh");
    assert_string_equal(p.local_ids[0].local_id, "GH-000001");
    assert_int_equal(p.team_count, 2);
    assert_string_equal(p.team_org_codes[0], "minami-gh");
    assert_string_equal(p.team_org_codes[1], "aoba-homecare");
    assert_int_equal(p.consent_count, 2);
    assert_string_equal(p.consent_org_codes[0], "minami-gh");
    assert_string_equal(p.consent_org_codes[1], "aoba-homecare");
    assert_string_equal(p.consent_method, "written");
    assert_false(p.consent_withdrawn_for_last);
    assert_true(demo_patient_visible_to(&p, "minami-gh"));
    assert_true(demo_patient_visible_to(&p, "aoba-homecare"));
    assert_false(demo_patient_visible_to(&p, "hikari-pharmacy"));
    assert_false(demo_patient_visible_to(&p, "sakura-clinic"));

    /* Nobody else is called 山田 花子, so searches find exactly one. */
    for (int i = 1; i < DEMO_PATIENT_COUNT; i++) {
        demo_patient_get(i, &p);
        assert_true(strcmp(p.name, "山田 花子") != 0);
        assert_true(strcmp(p.name_kana, "ヤマダ ハナコ") != 0);
    }
}

static void patient_one(void **state)
{
    (void)state;
    static const char *const team[] = {"minami-gh",  "sakura-clinic",   "aoba-homecare",
                                       "minami-vns", "hikari-pharmacy", "minami-cmo"};
    struct demo_patient p;
    demo_patient_get(1, &p);
    assert_string_equal(p.name, "佐藤 一郎");
    assert_string_equal(p.name_kana, "サトウ イチロウ");
    assert_string_equal(p.sex, "male");
    assert_string_equal(p.birth_date, "1938-09-03");
    assert_int_equal(p.local_id_count, 2);
    assert_string_equal(p.local_ids[0].org_code, "minami-gh");
    assert_string_equal(p.local_ids[0].local_id, "GH-000002");
    assert_string_equal(p.local_ids[1].org_code, "sakura-clinic");
    assert_string_equal(p.local_ids[1].local_id, "SC-0001");
    assert_int_equal(p.team_count, 6);
    assert_int_equal(p.consent_count, 6);
    for (int k = 0; k < 6; k++) {
        assert_string_equal(p.team_org_codes[k], team[k]);
        assert_string_equal(p.consent_org_codes[k], team[k]);
        assert_true(demo_patient_visible_to(&p, team[k]));
    }
    assert_false(p.consent_withdrawn_for_last);
    assert_false(demo_patient_visible_to(&p, "minami-uh"));
}

static void patients_valid(void **state)
{
    (void)state;
    /* (org, local id) pairs seen so far. */
    static char seen[DEMO_PATIENT_COUNT * 4][64];
    int seen_count = 0;
    int withdrawn = 0, never_given = 0, at_gh = 0, verbal = 0, elderly = 0;
    bool team_sizes[7] = {false};
    bool org_on_a_team[32] = {false};
    assert_true(demo_org_count <= 32);

    for (int i = 0; i < DEMO_PATIENT_COUNT; i++) {
        struct demo_patient p;
        demo_patient_get(i, &p);
        assert_true(spaced_name(p.name));
        assert_true(spaced_name(p.name_kana));
        assert_true(katakana_name(p.name_kana));
        assert_true(strcmp(p.sex, "male") == 0 || strcmp(p.sex, "female") == 0 ||
                    strcmp(p.sex, "other") == 0 || strcmp(p.sex, "unknown") == 0);
        assert_true(valid_date(p.birth_date));
        assert_true(valid_date(p.consented_on));
        assert_true(strcmp(p.birth_date, p.consented_on) < 0);
        assert_true(strcmp(p.consented_on, "2026-11-22") < 0);
        elderly += strncmp(p.birth_date, "1961", 4) < 0;
        assert_true(strncmp(p.address, "みなみ市", strlen("みなみ市")) == 0);
        assert_true(strncmp(p.phone, "099-555-", 8) == 0 && strlen(p.phone) == 12);
        assert_true(strcmp(p.consent_method, "written") == 0 ||
                    strcmp(p.consent_method, "verbal") == 0);
        verbal += strcmp(p.consent_method, "verbal") == 0;

        /* Team: 1..6 distinct existing organisations, never the municipality. */
        assert_true(p.team_count >= 1 && p.team_count <= 6);
        team_sizes[p.team_count] = true;
        for (int k = 0; k < p.team_count; k++) {
            const struct demo_org *o = demo_org_find(p.team_org_codes[k]);
            assert_non_null(o);
            assert_true(strcmp(o->type, "municipality") != 0);
            org_on_a_team[o - demo_orgs] = true;
            assert_false(codes_have(p.team_org_codes, k, p.team_org_codes[k]));
        }

        /* Consent: 1..team organisations, all on the team, distinct. */
        assert_true(p.consent_count >= 1 && p.consent_count <= p.team_count);
        for (int k = 0; k < p.consent_count; k++) {
            assert_true(codes_have(p.team_org_codes, p.team_count, p.consent_org_codes[k]));
            assert_false(codes_have(p.consent_org_codes, k, p.consent_org_codes[k]));
        }
        if (p.consent_count < p.team_count)
            never_given++;
        if (p.consent_withdrawn_for_last) {
            withdrawn++;
            assert_true(p.consent_count >= 2);
            assert_true(valid_date(p.withdrawn_on));
            assert_true(strcmp(p.consented_on, p.withdrawn_on) < 0);
            assert_true(strcmp(p.withdrawn_on, "2026-11-22") < 0);
            assert_non_null(p.withdraw_reason);
            assert_false(demo_patient_visible_to(&p, p.consent_org_codes[p.consent_count - 1]));
        } else {
            assert_string_equal(p.withdrawn_on, "");
            assert_null(p.withdraw_reason);
        }
        /* The registering organisation always sees the patient. */
        assert_true(demo_patient_visible_to(&p, p.team_org_codes[0]));
        assert_false(demo_patient_visible_to(&p, "minami-city"));

        /* Local ids: 1..4, the first at the registering organisation, all on the team. */
        assert_true(p.local_id_count >= 1 && p.local_id_count <= 4);
        assert_string_equal(p.local_ids[0].org_code, p.team_org_codes[0]);
        for (int k = 0; k < p.local_id_count; k++) {
            const struct demo_local_id *lid = &p.local_ids[k];
            assert_true(codes_have(p.team_org_codes, p.team_count, lid->org_code));
            assert_true(lid->local_id[0] != '\0');
            for (int j = 0; j < k; j++)
                assert_true(strcmp(p.local_ids[j].org_code, lid->org_code) != 0);
            if (strcmp(lid->org_code, "minami-gh") == 0) {
                char want[24];
                snprintf(want, sizeof want, "GH-%06d", i + 1);
                assert_string_equal(lid->local_id, want);
                at_gh++;
            }
            char key[64];
            snprintf(key, sizeof key, "%s|%s", lid->org_code, lid->local_id);
            for (int s = 0; s < seen_count; s++)
                assert_true(strcmp(seen[s], key) != 0);
            snprintf(seen[seen_count++], sizeof seen[0], "%s", key);
        }

        /* No two patients share a name. */
        for (int j = 0; j < i; j++) {
            struct demo_patient o;
            demo_patient_get(j, &o);
            assert_true(strcmp(o.name, p.name) != 0);
        }
    }
    /* The mix the demo promises. */
    assert_true(withdrawn >= 5 && withdrawn <= 20);
    assert_true(never_given >= 3);
    assert_true(at_gh > DEMO_PATIENT_COUNT / 2);
    assert_true(verbal > 0);
    assert_true(elderly > DEMO_PATIENT_COUNT * 3 / 4);
    for (int n = 1; n <= 6; n++)
        assert_true(team_sizes[n]);
    for (int o = 0; o < demo_org_count; o++) {
        if (strcmp(demo_orgs[o].type, "municipality") != 0)
            assert_true(org_on_a_team[o]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(deterministic),   cmocka_unit_test(counts),
        cmocka_unit_test(orgs_valid),      cmocka_unit_test(users_valid),
        cmocka_unit_test(required_logins), cmocka_unit_test(patient_zero),
        cmocka_unit_test(patient_one),     cmocka_unit_test(patients_valid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
