/* SPDX-License-Identifier: Apache-2.0 */
/* Loads the demo region through the store. Ids are derived from names (not random) so that the
 * region is the same on every machine. */
#include "demo.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "auth/password.h"
#include "core/clock.h"
#include "core/ids.h"
#include "core/kana.h"
#include "demo_booking.h"
#include "demo_clinical.h"
#include "demo_data.h"
#include "demo_directory.h"
#include "demo_referrals.h"
#include "fhir/store.h"

#include <stdlib.h>

/* The deterministic id of kind/key (one derivation, shared with the clinical history). */
static void demo_id(char out[UUID_STR_LEN], const char *kind, const char *key)
{
    demo_clinical_uuid(out, kind, key);
}

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

static bool load_orgs(struct error *err, struct store_conn *conn, int64_t now)
{
    for (int i = 0; i < demo_org_count; i++) {
        const struct demo_org *o = &demo_orgs[i];
        char id[UUID_STR_LEN];
        demo_id(id, "org", o->code);
        if (!store_exec(err, conn, NULL,
                        "INSERT INTO orgs (id, code, name, name_kana, type, address, phone, "
                        "totp_required, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
                        "?, ?)",
                        "tttttttbii", id, o->code, o->name, o->name_kana, o->type, o->address,
                        o->phone, o->totp_required, now, now))
            return false;
    }
    return true;
}

static bool load_users(struct error *err, struct store_conn *conn, int64_t now)
{
    /* One hash for every demo user: they share the documented password anyway, and hashing it
     * once keeps `init --demo` fast. */
    char hash[PASSWORD_HASH_MAX];
    if (!password_hash(err, DEMO_PASSWORD, hash))
        return false;
    for (int i = 0; i < demo_user_count; i++) {
        const struct demo_user *u = &demo_users[i];
        char id[UUID_STR_LEN];
        demo_id(id, "user", u->login);
        if (!store_exec(err, conn, NULL,
                        "INSERT INTO users (id, login, name, name_kana, profession, network_admin, "
                        "password_hash, must_change_password, created_at, updated_at) VALUES "
                        "(?, ?, ?, ?, ?, ?, ?, 0, ?, ?)",
                        "tttttbtii", id, u->login, u->name, u->name_kana, u->profession,
                        u->network_admin, hash, now, now))
            return false;
        for (int m = 0; m < u->membership_count; m++) {
            char org[UUID_STR_LEN];
            demo_id(org, "org", u->memberships[m].org_code);
            if (!store_exec(err, conn, NULL,
                            "INSERT INTO memberships (user_id, org_id, role, created_at) VALUES "
                            "(?, ?, ?, ?)",
                            "ttti", id, org, u->memberships[m].role, now + m))
                return false;
        }
    }
    return true;
}

static bool insert_consent(struct error *err, struct store_conn *conn, const char *consent_id,
                           const char *patient, const struct demo_patient *p, const char *date,
                           int org_count)
{
    char user[UUID_STR_LEN], org[UUID_STR_LEN];
    const char *registrar = p->local_ids[0].org_code;
    demo_id(user, "user", org_admin_login(registrar));
    demo_id(org, "org", registrar);
    if (!store_exec(err, conn, NULL,
                    "INSERT INTO consents (id, patient_id, scope, method, consented_on, note, "
                    "recorded_by, recorded_by_org, recorded_at) VALUES (?, ?, 'all', ?, ?, '', "
                    "?, ?, ?)",
                    "tttttti", consent_id, patient, p->consent_method, date, user, org,
                    date_ms(date)))
        return false;
    for (int i = 0; i < org_count; i++) {
        demo_id(org, "org", p->consent_org_codes[i]);
        if (!store_exec(err, conn, NULL,
                        "INSERT INTO consent_orgs (consent_id, org_id, patient_id) VALUES (?, ?, "
                        "?)",
                        "ttt", consent_id, org, patient))
            return false;
    }
    return true;
}

static bool load_consents(struct error *err, struct store_conn *conn, const char *patient,
                          const struct demo_patient *p, int i)
{
    char key[32], consent[UUID_STR_LEN], user[UUID_STR_LEN];
    snprintf(key, sizeof(key), "%d/1", i);
    demo_id(consent, "consent", key);
    if (!insert_consent(err, conn, consent, patient, p, p->consented_on, p->consent_count))
        return false;
    if (!p->consent_withdrawn_for_last)
        return true;
    demo_id(user, "user", org_admin_login(p->local_ids[0].org_code));
    if (!store_exec(err, conn, NULL,
                    "UPDATE consents SET withdrawn_at = ?, withdrawn_by = ?, withdraw_reason = ? "
                    "WHERE id = ?",
                    "ittt", date_ms(p->withdrawn_on), user, p->withdraw_reason, consent))
        return false;
    snprintf(key, sizeof(key), "%d/2", i);
    demo_id(consent, "consent", key);
    return insert_consent(err, conn, consent, patient, p, p->withdrawn_on, p->consent_count - 1);
}

static bool load_patient(struct error *err, struct store_conn *conn, int i, int64_t now)
{
    struct demo_patient p;
    char id[UUID_STR_LEN], key[16], org[UUID_STR_LEN], user[UUID_STR_LEN], member[UUID_STR_LEN];
    demo_patient_get(i, &p);
    snprintf(key, sizeof(key), "%d", i);
    demo_id(id, "patient", key);
    char *name_key = kana_normalize(p.name), *kana_key = kana_normalize(p.name_kana);
    bool ok = store_exec(err, conn, NULL,
                         "INSERT INTO patients (id, name, name_kana, name_key, kana_key, sex, "
                         "birth_date, address, phone, created_at, updated_at) VALUES (?, ?, ?, ?, "
                         "?, ?, ?, ?, ?, ?, ?)",
                         "tttttttttii", id, p.name, p.name_kana, name_key, kana_key, p.sex,
                         p.birth_date, p.address, p.phone, now, now);
    free(name_key);
    free(kana_key);
    for (int k = 0; ok && k < p.local_id_count; k++) {
        demo_id(org, "org", p.local_ids[k].org_code);
        ok = store_exec(err, conn, NULL,
                        "INSERT INTO patient_local_ids (org_id, local_id, patient_id, created_at) "
                        "VALUES (?, ?, ?, ?)",
                        "ttti", org, p.local_ids[k].local_id, id, now + k);
    }
    for (int k = 0; ok && k < p.team_count; k++) {
        char mkey[32];
        snprintf(mkey, sizeof(mkey), "%d/%d", i, k);
        demo_id(member, "team", mkey);
        demo_id(org, "org", p.team_org_codes[k]);
        demo_id(user, "user", org_admin_login(p.local_ids[0].org_code));
        ok = store_exec(err, conn, NULL,
                        "INSERT INTO care_team (id, patient_id, org_id, role, added_by, added_at) "
                        "VALUES (?, ?, ?, '', ?, ?)",
                        "tttti", member, id, org, user, date_ms(p.consented_on) + k);
    }
    return ok && load_consents(err, conn, id, &p, i);
}

struct clinical_ctx {
    struct store_conn *conn;
    struct fhir_env env;
};

/* Stores one resource of the clinical history as its recording organisation and user. */
static bool load_clinical(struct error *err, const struct demo_resource *r, void *arg)
{
    struct clinical_ctx *c = arg;
    char org[UUID_STR_LEN], user[UUID_STR_LEN];
    demo_id(org, "org", r->org_code);
    demo_id(user, "user", r->user_login);
    struct fhir_actor actor = {.org_id = org, .user_id = user};
    json_t *copy = json_deep_copy(r->resource);
    const char *id = json_string_value(json_object_get(copy, "id"));
    struct fhir_row row;
    bool created;
    bool ok = copy && fhir_store_put(err, c->conn, &c->env, &actor, copy, id, 0, &row, &created);
    json_decref(copy);
    return ok;
}

bool demo_load(struct error *err, struct store *st, struct blobs *blobs)
{
    struct store_conn *conn = store_conn_get(err, st);
    if (!conn || !store_begin(err, conn, true))
        return false;
    struct store_stmt *s = store_query(err, conn, "SELECT COUNT(*) FROM orgs", "");
    bool empty = s && store_step(err, s) == STORE_ROW && store_int(s, 0) == 0;
    store_done(s);
    int64_t now = clock_now_ms();
    if (!empty) {
        store_rollback(conn);
        return error_set(err, ERR_USAGE, "the store already has organisations");
    }
    bool ok = load_orgs(err, conn, now) && load_users(err, conn, now) &&
              demo_directory_load(err, conn, now);
    for (int i = 0; ok && i < DEMO_PATIENT_COUNT; i++)
        ok = load_patient(err, conn, i, now);
    struct clinical_ctx clinical = {conn, {.blobs = blobs}};
    ok = ok && demo_clinical_each(err, load_clinical, &clinical);
    ok = ok && demo_referrals_load(err, conn, now);
    ok = ok && demo_booking_load(err, conn, &clinical.env, now);
    struct audit_record rec = {
        .event_id = "demo.load",
        .action = 'C',
        .outcome = AUDIT_SUCCESS,
        .user_login = "cli",
        .client = "local",
        .object_type = "region",
        .object_id = "minami",
        .detail = "demo region みなみ市 loaded",
    };
    ok = ok &&
         store_exec(err, conn, NULL,
                    "INSERT INTO policy (key, value) VALUES ('demo_region', 'minami')", "") &&
         audit_append_txn(err, conn, &rec) && store_commit(err, conn);
    if (!ok)
        store_rollback(conn);
    return ok;
}

void demo_print_logins(void)
{
    printf("Demo logins (password for all: %s):\n", DEMO_PASSWORD);
    for (int i = 0; i < demo_user_count; i++)
        printf("  %-16s %s\n", demo_users[i].login, demo_users[i].description_ja);
}

void demo_announce(struct store *st, const char *url)
{
    struct error err = {0};
    struct store_conn *conn = store_conn_get(&err, st);
    struct store_stmt *s =
        conn ? store_query(&err, conn, "SELECT 1 FROM policy WHERE key = 'demo_region'", "") : NULL;
    bool demo = s && store_step(&err, s) == STORE_ROW;
    store_done(s);
    if (demo)
        demo_print_logins();
    printf("tsunagu is ready: %s\n", url);
    if (demo) // the README's tour, step 1 and 2
        printf("First step: open %s, log in as gh.sato and search ﾔﾏﾀﾞ ﾊﾅｺ "
               "(README.md, \"A short tour\").\n",
               url);
    fflush(stdout);
}
