/* SPDX-License-Identifier: Apache-2.0 */
/* The accounts module's commands: tsunagu org add, tsunagu user add|passwd|disable|confirm. Each
 * change is written in one transaction with its audit record, attributed to the local operator
 * ("cli"). */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "accounts_int.h"
#include "audit/audit.h"
#include "auth/auth.h"
#include "auth/password.h"
#include "cli/cli.h"
#include "core/clock.h"

/* Runs fn in an operation of the local operator ("cli") whose write transaction also appends
 * the audit record of rec's event, action and object. */
static int in_op(const char *data_dir, bool (*fn)(struct error *, struct op *, void *), void *arg,
                 const struct audit_record *rec)
{
    struct store *st = cli_store_open(data_dir);
    if (!st)
        return CLI_FAIL;
    struct error err = {0};
    struct arena *arena = arena_new();
    struct store_conn *conn = arena ? store_conn_get(&err, st) : NULL;
    const struct op_env env = {.store = st};
    struct principal cli = {.login = "cli"};
    struct op op;
    op_init(&op, arena, &env, conn, &cli, OP_CLI, "local");
    bool ok = conn && op_write_begin(&err, &op) && fn(&err, &op, arg) &&
              op_audit(&err, &op, rec->event_id, rec->action, NULL, rec->object_type,
                       rec->object_id, rec->detail) &&
              op_commit(&err, &op);
    if (!ok && conn)
        op_rollback(&op);
    store_close(st);
    arena_free(arena);
    if (!ok) {
        cli_error("%s%s%s", error_message(err.code, true), err.detail[0] ? ": " : "", err.detail);
        return err.code == ERR_USAGE ? CLI_USAGE : CLI_FAIL;
    }
    return CLI_OK;
}

static bool lookup_id(struct error *err, struct store_conn *conn, const char *sql, const char *key,
                      char out[UUID_STR_LEN], enum error_code missing)
{
    struct store_stmt *s = store_query(err, conn, sql, "t", key);
    if (!s)
        return false;
    enum store_step_result r = store_step(err, s);
    if (r == STORE_ROW)
        snprintf(out, UUID_STR_LEN, "%s", store_text(s, 0));
    store_done(s);
    if (r == STORE_FAIL)
        return false;
    return r == STORE_ROW ? true : error_set(err, missing, "%s", key);
}

#define SQL_ORG_BY_CODE "SELECT id FROM orgs WHERE code = ?"
#define SQL_USER_BY_LOGIN "SELECT id FROM users WHERE login = ?"

struct org_args {
    const char *code, *name, *kana, *type, *address, *phone;
    char id[UUID_STR_LEN];
};

static bool org_add(struct error *err, struct op *op, void *arg)
{
    struct org_args *a = arg;
    bool known = false;
    for (const char *const *t = accounts_org_type_codes; *t; t++)
        known |= strcmp(*t, a->type) == 0;
    if (!known)
        return error_set(err, ERR_USAGE, "unknown --type %s", a->type);
    const struct accounts_org_new o = {a->code,    a->name,  a->kana, a->type,
                                       a->address, a->phone, false};
    return accounts_org_create(err, op, &o, a->id);
}

int accounts_cli_org(int argc, char **argv)
{
    if (argc < 1 || strcmp(argv[0], "add") != 0) {
        cli_error("usage: tsunagu org add --code CODE --name NAME --type TYPE [--name-kana K] "
                  "[--address A] [--phone P] [--data-dir DIR]");
        return CLI_USAGE;
    }
    struct org_args a = {0};
    const char *data_dir = cli_default_data_dir();
    const struct cli_option options[] = {
        {"code", NULL, &a.code, NULL, "short code, e.g. minami-gh"},
        {"name", NULL, &a.name, NULL, "name"},
        {"name-kana", NULL, &a.kana, NULL, "name in katakana"},
        {"type", NULL, &a.type, NULL, "organisation type code (docs/api.md)"},
        {"address", NULL, &a.address, NULL, "address"},
        {"phone", NULL, &a.phone, NULL, "phone"},
        {"data-dir", "TSUNAGU_DATA_DIR", &data_dir, NULL, "data directory"},
        {NULL, NULL, NULL, NULL, NULL},
    };
    if (!cli_parse("org add", argc - 1, argv + 1, options))
        return CLI_USAGE;
    if (!a.code || !a.name || !a.type) {
        cli_error("org add: --code, --name and --type are required");
        return CLI_USAGE;
    }
    struct audit_record rec = {
        .event_id = "cli.org_add", .action = 'C', .object_type = "org", .object_id = a.code};
    int rc = in_op(data_dir, org_add, &a, &rec);
    if (rc == CLI_OK)
        printf("%s\n", a.id);
    return rc;
}

/* Reads a password from the first line of standard input (never from the command line, where
 * other users could see it). */
static bool read_password(char *out, size_t cap)
{
    if (!fgets(out, (int)cap, stdin))
        return false;
    out[strcspn(out, "\r\n")] = '\0';
    return out[0] != '\0';
}

struct user_args {
    const char *login, *name, *kana, *profession, *org, *role;
    bool network_admin;
    char password[1100];
    char id[UUID_STR_LEN];
};

static bool user_add(struct error *err, struct op *op, void *arg)
{
    struct user_args *a = arg;
    char org[UUID_STR_LEN];
    if (a->org && !lookup_id(err, op->conn, SQL_ORG_BY_CODE, a->org, org, ERR_ORG_NOT_FOUND))
        return false;
    const struct accounts_user_new u = {.login = a->login,
                                        .name = a->name,
                                        .name_kana = a->kana,
                                        .profession = a->profession,
                                        .network_admin = a->network_admin,
                                        .password = a->password,
                                        .must_change_password = true};
    return accounts_user_create(err, op, &u, a->id) &&
           (!a->org || accounts_membership_put(err, op, a->id, org, a->role ? a->role : "member",
                                               NULL, op->now_ms));
}

static bool user_passwd(struct error *err, struct op *op, void *arg)
{
    struct user_args *a = arg;
    char id[UUID_STR_LEN];
    return password_policy_check(err, a->password) &&
           lookup_id(err, op->conn, SQL_USER_BY_LOGIN, a->login, id, ERR_USER_NOT_FOUND) &&
           accounts_user_password_reset(err, op, id, a->password, NULL);
}

/* Confirms a membership the network office created or reset, for an organisation that has no
 * other administrator to do it in the UI: by whoever runs the server, with file access. */
static bool user_confirm(struct error *err, struct op *op, void *arg)
{
    struct user_args *a = arg;
    char id[UUID_STR_LEN], org[UUID_STR_LEN];
    return lookup_id(err, op->conn, SQL_USER_BY_LOGIN, a->login, id, ERR_USER_NOT_FOUND) &&
           lookup_id(err, op->conn, SQL_ORG_BY_CODE, a->org, org, ERR_ORG_NOT_FOUND) &&
           accounts_membership_confirm(err, op, id, org);
}

static bool user_disable(struct error *err, struct op *op, void *arg)
{
    struct user_args *a = arg;
    char id[UUID_STR_LEN];
    return lookup_id(err, op->conn, SQL_USER_BY_LOGIN, a->login, id, ERR_USER_NOT_FOUND) &&
           accounts_user_disabled_set(err, op, id, true);
}

static bool check_user_args(const char *sub, struct user_args *a)
{
    if (!a->login) {
        cli_error("user %s: --login is required", sub);
        return false;
    }
    if (strcmp(sub, "add") == 0) {
        bool known = false;
        for (const char *const *p = accounts_profession_codes; a->profession && *p; p++)
            known |= strcmp(*p, a->profession) == 0;
        if (!a->name || !known) {
            cli_error("user add: --name and a valid --profession are required");
            return false;
        }
        if (a->role && strcmp(a->role, "member") != 0 && strcmp(a->role, "org_admin") != 0) {
            cli_error("user add: --role is member or org_admin");
            return false;
        }
    }
    if (strcmp(sub, "confirm") == 0 && !a->org) {
        cli_error("user confirm: --org is required");
        return false;
    }
    if (strcmp(sub, "disable") != 0 && strcmp(sub, "confirm") != 0 &&
        !read_password(a->password, sizeof(a->password))) {
        cli_error("user %s: give the initial password on standard input", sub);
        return false;
    }
    return true;
}

int accounts_cli_user(int argc, char **argv)
{
    const char *sub = argc > 0 ? argv[0] : "";
    bool (*fn)(struct error *, struct op *, void *) = strcmp(sub, "add") == 0       ? user_add
                                                      : strcmp(sub, "passwd") == 0  ? user_passwd
                                                      : strcmp(sub, "disable") == 0 ? user_disable
                                                      : strcmp(sub, "confirm") == 0 ? user_confirm
                                                                                    : NULL;
    if (!fn) {
        cli_error("usage: tsunagu user add|passwd|disable|confirm --login LOGIN [options] "
                  "(the password is read from standard input)");
        return CLI_USAGE;
    }
    struct user_args a = {0};
    const char *data_dir = cli_default_data_dir();
    const struct cli_option options[] = {
        {"login", NULL, &a.login, NULL, "login id"},
        {"name", NULL, &a.name, NULL, "full name"},
        {"name-kana", NULL, &a.kana, NULL, "name in katakana"},
        {"profession", NULL, &a.profession, NULL, "profession code"},
        {"org", NULL, &a.org, NULL,
         "organisation code (add: of the first membership; confirm: the membership to confirm)"},
        {"role", NULL, &a.role, NULL, "member or org_admin"},
        {"network-admin", NULL, NULL, &a.network_admin, "network administrator (事務局)"},
        {"data-dir", "TSUNAGU_DATA_DIR", &data_dir, NULL, "data directory"},
        {NULL, NULL, NULL, NULL, NULL},
    };
    if (!cli_parse("user", argc - 1, argv + 1, options) || !check_user_args(sub, &a))
        return CLI_USAGE;
    struct audit_record rec = {.event_id = "cli.user",
                               .action = fn == user_add ? 'C' : 'U',
                               .object_type = "user",
                               .object_id = a.login,
                               .detail = sub};
    int rc = in_op(data_dir, fn, &a, &rec);
    sodium_memzero(a.password, sizeof(a.password));
    if (rc == CLI_OK && fn == user_add)
        printf("%s\n", a.id);
    return rc;
}
