/* SPDX-License-Identifier: Apache-2.0 */
/* tsunagu token create|list|revoke: API tokens for integrations, from the command line. */
#include <stdio.h>
#include <string.h>

#include "accounts_int.h"
#include "auth/auth.h"
#include "cli/cli.h"
#include "core/clock.h"
#include "core/log.h"

static bool find_id(struct store_conn *conn, const char *sql, const char *key,
                    char out[UUID_STR_LEN])
{
    struct error err = {0};
    struct store_stmt *s = store_query(&err, conn, sql, "t", key);
    bool found = s && store_step(&err, s) == STORE_ROW;
    if (found)
        snprintf(out, UUID_STR_LEN, "%s", store_text(s, 0));
    store_done(s);
    return found;
}

static int token_create(struct store_conn *conn, const char *org_code, const char *login,
                        const char *name)
{
    char org[UUID_STR_LEN], user[UUID_STR_LEN], id[UUID_STR_LEN], token[TOKEN_STR_LEN + 8];
    if (!find_id(conn, "SELECT id FROM orgs WHERE code = ?", org_code, org)) {
        cli_error("token create: no organisation with code %s", org_code);
        return CLI_FAIL;
    }
    if (!find_id(conn, "SELECT id FROM users WHERE login = ?", login, user)) {
        cli_error("token create: no user %s", login);
        return CLI_FAIL;
    }
    struct error err = {0};
    struct audit_record rec = {.event_id = "cli.token_create",
                               .action = 'C',
                               .user_login = "cli",
                               .client = "local",
                               .org_id = org,
                               .object_type = "api_token"};
    struct store_stmt *s = store_query(
        &err, conn, "SELECT 1 FROM memberships WHERE user_id = ? AND org_id = ?", "tt", user, org);
    bool is_member = s && store_step(&err, s) == STORE_ROW;
    store_done(s);
    if (!is_member) {
        cli_error("token create: %s is not a member of %s", login, org_code);
        return CLI_FAIL;
    }
    bool ok = store_begin(&err, conn, true) &&
              auth_token_create(&err, conn, name, org, user, NULL, id, token) &&
              (rec.object_id = id, audit_append_txn(&err, conn, &rec)) && store_commit(&err, conn);
    if (!ok) {
        store_rollback(conn);
        cli_error("token create failed: %s", err.detail);
        return CLI_FAIL;
    }
    printf("%s\n", token); /* only the token, for scripts */
    return CLI_OK;
}

static int token_list(struct store_conn *conn, const char *org_code)
{
    struct error err = {0};
    struct store_stmt *s = store_query(
        &err, conn,
        "SELECT t.id, o.code, u.login, t.name, t.prefix, t.created_at, t.revoked_at "
        "FROM api_tokens t JOIN orgs o ON o.id = t.org_id JOIN users u ON u.id = t.user_id "
        "WHERE CAST(?1 AS TEXT) IS NULL OR o.code = ?1 ORDER BY t.created_at",
        "t", org_code);
    if (!s)
        return CLI_FAIL;
    printf("%-36s  %-16s %-16s %-9s %-24s %s\n", "id", "org", "user", "prefix", "created", "name");
    while (store_step(&err, s) == STORE_ROW) {
        char created[32];
        clock_format_iso(store_int(s, 5), created);
        printf("%-36s  %-16s %-16s %-9s %-24s %s%s\n", store_text(s, 0), store_text(s, 1),
               store_text(s, 2), store_text(s, 4), created, store_text(s, 3),
               store_is_null(s, 6) ? "" : " (revoked)");
    }
    store_done(s);
    return err.code == ERR_NONE ? CLI_OK : CLI_FAIL;
}

static int token_revoke(struct store_conn *conn, const char *id)
{
    struct error err = {0};
    int64_t changed = 0;
    struct audit_record rec = {.event_id = "cli.token_revoke",
                               .action = 'D',
                               .user_login = "cli",
                               .client = "local",
                               .object_type = "api_token",
                               .object_id = id};
    bool ok = store_begin(&err, conn, true) &&
              store_exec(&err, conn, &changed,
                         "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                         "it", clock_now_ms(), id) &&
              changed == 1 && audit_append_txn(&err, conn, &rec) && store_commit(&err, conn);
    if (!ok) {
        store_rollback(conn);
        cli_error("token revoke: no active token with id %s", id);
        return CLI_FAIL;
    }
    printf("revoked %s\n", id);
    return CLI_OK;
}

int accounts_cli_token(int argc, char **argv)
{
    const char *sub = argc > 0 ? argv[0] : "";
    const char *org = NULL, *user = NULL, *name = "integration", *id = NULL;
    const char *data_dir = cli_default_data_dir();
    const struct cli_option options[] = {
        {"org", NULL, &org, NULL, "organisation code"},
        {"user", NULL, &user, NULL, "login of the user the token acts as"},
        {"name", NULL, &name, NULL, "what the token is for"},
        {"id", NULL, &id, NULL, "token id (revoke)"},
        {"data-dir", "TSUNAGU_DATA_DIR", &data_dir, NULL, "data directory"},
        {NULL, NULL, NULL, NULL, NULL},
    };
    bool known =
        strcmp(sub, "create") == 0 || strcmp(sub, "list") == 0 || strcmp(sub, "revoke") == 0;
    if (!known || !cli_parse("token", argc - 1, argv + 1, options)) {
        if (!known)
            cli_error("usage: tsunagu token create --org CODE --user LOGIN [--name N] | "
                      "list [--org CODE] | revoke --id ID");
        return CLI_USAGE;
    }
    if ((strcmp(sub, "create") == 0 && (!org || !user)) || (strcmp(sub, "revoke") == 0 && !id)) {
        cli_error("token %s: missing %s", sub, sub[0] == 'c' ? "--org or --user" : "--id");
        return CLI_USAGE;
    }
    log_set_level(LOG_WARN);
    struct store *st = cli_store_open(data_dir);
    if (!st)
        return CLI_FAIL;
    struct error err = {0};
    struct store_conn *conn = store_conn_get(&err, st);
    int rc = !conn                        ? CLI_FAIL
             : strcmp(sub, "create") == 0 ? token_create(conn, org, user, name)
             : strcmp(sub, "list") == 0   ? token_list(conn, org)
                                          : token_revoke(conn, id);
    store_close(st);
    return rc;
}
