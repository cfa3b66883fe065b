/* SPDX-License-Identifier: Apache-2.0 */
/* Loads the demo region: every module adds its part (struct module.demo_load) from the
 * fictional data of demo_data.c and demo_clinical*.c, in one transaction with one audit record.
 * Ids are derived from names (not random) so that the region is the same on every machine. */
#include "demo.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "auth/password.h"
#include "core/clock.h"
#include "core/ids.h"
#include "core/kana.h"
#include "demo_clinical.h"
#include "demo_data.h"
#include "modules/module.h"

void demo_act(struct op *op, const char *login, const char *org_code, int64_t at)
{
    struct principal *p = &op->principal;
    *p = (struct principal){0};
    const struct demo_user *u = demo_user_find(login);
    snprintf(p->login, sizeof p->login, "%s", login);
    if (u) {
        demo_clinical_uuid(p->user_id, "user", u->login);
        snprintf(p->name, sizeof p->name, "%s", u->name);
        snprintf(p->profession, sizeof p->profession, "%s", u->profession);
        p->network_admin = u->network_admin;
        for (int m = 0; m < u->membership_count; m++)
            if (org_code && strcmp(u->memberships[m].org_code, org_code) == 0)
                snprintf(p->org_role, sizeof p->org_role, "%s", u->memberships[m].role);
    }
    if (org_code)
        demo_clinical_uuid(p->org_id, "org", org_code);
    snprintf(p->state, sizeof p->state, "%s", SESSION_ACTIVE);
    op->now_ms = at;
}

/* Every module's part, in the order of the modules, each as the demo loader at the load time. */
static bool load_modules(struct error *err, struct op *op)
{
    int64_t now = op->now_ms;
    for (const struct module *const *m = modules_all; *m; m++) {
        demo_act(op, "cli", NULL, now);
        if ((*m)->demo_load && !(*m)->demo_load(err, op))
            return false;
    }
    demo_act(op, "cli", NULL, now);
    return true;
}

bool demo_load(struct error *err, struct store *st, struct blobs *blobs)
{
    struct store_conn *conn = store_conn_get(err, st);
    if (!conn || !store_begin(err, conn, true))
        return false;
    struct store_stmt *s = store_query(err, conn, "SELECT COUNT(*) FROM orgs", "");
    bool empty = s && store_step(err, s) == STORE_ROW && store_int(s, 0) == 0;
    store_done(s);
    if (!empty) {
        store_rollback(conn);
        return error_set(err, ERR_USAGE, "the store already has organisations");
    }
    struct arena *arena = arena_new();
    if (!arena) {
        store_rollback(conn);
        return error_set(err, ERR_NOMEM, NULL);
    }
    const struct op_env env = {.store = st, .blobs = blobs};
    struct op op;
    op_init(&op, arena, &env, conn, NULL, OP_DEMO, "local");
    op.writing = true; /* the one transaction of the whole load */
    bool ok = load_modules(err, &op);
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
    arena_free(arena);
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
