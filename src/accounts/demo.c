/* SPDX-License-Identifier: Apache-2.0 */
/* The demo region's organisations and users (src/demo/demo_data.c), with ids derived from their
 * codes and logins so that the region is the same on every machine. */
#include "accounts_int.h"
#include "auth/password.h"
#include "demo/demo_clinical.h"
#include "demo/demo_data.h"

static bool load_orgs(struct error *err, struct op *op)
{
    for (int i = 0; i < demo_org_count; i++) {
        const struct demo_org *o = &demo_orgs[i];
        char id[UUID_STR_LEN];
        demo_clinical_uuid(id, "org", o->code);
        const struct accounts_org_new org = {o->code,    o->name,  o->name_kana,    o->type,
                                             o->address, o->phone, o->totp_required};
        if (!accounts_org_create(err, op, &org, id))
            return false;
    }
    return true;
}

static bool load_users(struct error *err, struct op *op)
{
    /* One hash for every demo user: they share the documented password anyway, and hashing it
     * once keeps `init --demo` fast. */
    char hash[PASSWORD_HASH_MAX];
    if (!password_hash(err, DEMO_PASSWORD, hash))
        return false;
    for (int i = 0; i < demo_user_count; i++) {
        const struct demo_user *u = &demo_users[i];
        char id[UUID_STR_LEN];
        demo_clinical_uuid(id, "user", u->login);
        const struct accounts_user_new user = {.login = u->login,
                                               .name = u->name,
                                               .name_kana = u->name_kana,
                                               .profession = u->profession,
                                               .network_admin = u->network_admin,
                                               .password_hash = hash};
        if (!accounts_user_create(err, op, &user, id))
            return false;
        for (int m = 0; m < u->membership_count; m++) {
            char org[UUID_STR_LEN];
            demo_clinical_uuid(org, "org", u->memberships[m].org_code);
            if (!accounts_membership_put(err, op, id, org, u->memberships[m].role, NULL,
                                         op->now_ms + m))
                return false;
        }
    }
    return true;
}

bool accounts_demo_load(struct error *err, struct op *op)
{
    return load_orgs(err, op) && load_users(err, op);
}
