/* SPDX-License-Identifier: Apache-2.0 */
/* The demo region's patients (src/demo/demo_data.c): demographics, the organisations' local ids,
 * care teams and consents, some withdrawn and given again. Ids are derived from the patient's
 * number so that the region is the same on every machine. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/kana.h"
#include "demo/demo.h"
#include "demo/demo_clinical.h"
#include "demo/demo_data.h"
#include "patients_int.h"

static int64_t date_ms(const char *date)
{
    int64_t ms = 0;
    clock_parse_iso(date, &ms);
    return ms + 9 * 3600 * 1000; /* 09:00 JST on that day */
}

/* The organisation's administrator, who "records" its demo consents. */
static const char *org_admin_login(const char *org_code)
{
    for (int u = 0; u < demo_user_count; u++)
        for (int m = 0; m < demo_users[u].membership_count; m++)
            if (strcmp(demo_users[u].memberships[m].org_code, org_code) == 0 &&
                strcmp(demo_users[u].memberships[m].role, "org_admin") == 0)
                return demo_users[u].login;
    return "jimukyoku";
}

/* A consent recorded by the registering organisation's administrator on date, naming the first
 * org_count organisations of the patient's list. */
static bool insert_consent(struct error *err, struct op *op, const char *consent_key,
                           const char *patient, const struct demo_patient *p, const char *date,
                           int org_count)
{
    const char *registrar = p->local_ids[0].org_code;
    char consent[UUID_STR_LEN], orgs[DEMO_MAX_CONSENT_ORGS][UUID_STR_LEN];
    const char *org_ids[DEMO_MAX_CONSENT_ORGS];
    for (int i = 0; i < org_count; i++) {
        demo_clinical_uuid(orgs[i], "org", p->consent_org_codes[i]);
        org_ids[i] = orgs[i];
    }
    demo_clinical_uuid(consent, "consent", consent_key);
    demo_act(op, org_admin_login(registrar), registrar, date_ms(date));
    const struct patients_consent c = {patient, "all",   p->consent_method, date,
                                       "",      org_ids, (size_t)org_count};
    return patients_consent_insert(err, op, &c, consent);
}

static bool load_consents(struct error *err, struct op *op, const char *patient,
                          const struct demo_patient *p, int i)
{
    char key[32], consent[UUID_STR_LEN];
    snprintf(key, sizeof(key), "%d/1", i);
    if (!insert_consent(err, op, key, patient, p, p->consented_on, p->consent_count))
        return false;
    if (!p->consent_withdrawn_for_last)
        return true;
    const char *registrar = p->local_ids[0].org_code;
    demo_clinical_uuid(consent, "consent", key);
    demo_act(op, org_admin_login(registrar), registrar, date_ms(p->withdrawn_on));
    if (!patients_consent_withdraw(err, op, patient, consent, p->withdraw_reason))
        return false;
    snprintf(key, sizeof(key), "%d/2", i);
    return insert_consent(err, op, key, patient, p, p->withdrawn_on, p->consent_count - 1);
}

/* 山田 花子's named members: her home doctor (主治医), the clinic's visiting nurse and her care
 * manager, whose office her consent does not name (so the team shows
 * that it may not see her record). */
static bool load_named_members(struct error *err, struct op *op, const char *patient, int64_t at)
{
    static const struct {
        const char *org_code, *login, *role_code;
    } named[] = {
        {"aoba-homecare", "aoba.tanaka", "attending_physician"},
        {"aoba-homecare", "aoba.nakajima", "visiting_nurse"},
        {"minami-cmo", "cm.watanabe", "care_manager"},
    };
    char key[48], member[UUID_STR_LEN], org[UUID_STR_LEN], user[UUID_STR_LEN];
    for (size_t k = 0; k < sizeof named / sizeof named[0]; k++) {
        snprintf(key, sizeof key, "0/%s", named[k].login);
        demo_clinical_uuid(member, "team", key);
        demo_clinical_uuid(org, "org", named[k].org_code);
        demo_clinical_uuid(user, "user", named[k].login);
        demo_act(op, org_admin_login("minami-gh"), "minami-gh", at + (int64_t)k);
        const struct patients_member m = {patient, org, user, "", named[k].role_code};
        if (!patients_team_insert(err, op, &m, member))
            return false;
    }
    return true;
}

static bool load_patient(struct error *err, struct op *op, int i, int64_t now)
{
    struct demo_patient p;
    char id[UUID_STR_LEN], key[16], org[UUID_STR_LEN], member[UUID_STR_LEN];
    demo_patient_get(i, &p);
    snprintf(key, sizeof(key), "%d", i);
    demo_clinical_uuid(id, "patient", key);
    const char *registrar = p.local_ids[0].org_code;
    demo_act(op, "cli", NULL, now);
    const struct patients_new patient = {p.name,       p.name_kana, p.sex,
                                         p.birth_date, p.address,   p.phone};
    bool ok = patients_patient_create(err, op, &patient, id);
    for (int k = 0; ok && k < p.local_id_count; k++) {
        demo_clinical_uuid(org, "org", p.local_ids[k].org_code);
        demo_act(op, "cli", NULL, now + k);
        ok = patients_local_id_insert(err, op, id, org, p.local_ids[k].local_id);
    }
    for (int k = 0; ok && k < p.team_count; k++) {
        char mkey[32];
        snprintf(mkey, sizeof(mkey), "%d/%d", i, k);
        demo_clinical_uuid(member, "team", mkey);
        demo_clinical_uuid(org, "org", p.team_org_codes[k]);
        demo_act(op, org_admin_login(registrar), registrar, date_ms(p.consented_on) + k);
        const struct patients_member m = {id, org, NULL, "", NULL};
        ok = patients_team_insert(err, op, &m, member);
    }
    if (ok && i == 0)
        ok = load_named_members(err, op, id, date_ms(p.consented_on) + p.team_count);
    return ok && load_consents(err, op, id, &p, i);
}

bool patients_demo_load(struct error *err, struct op *op)
{
    int64_t now = op->now_ms;
    for (int i = 0; i < DEMO_PATIENT_COUNT; i++)
        if (!load_patient(err, op, i, now))
            return false;
    return true;
}
