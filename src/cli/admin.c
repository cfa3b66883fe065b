/* SPDX-License-Identifier: Apache-2.0 */
/* Administrative subcommands: init, org, user, token, audit, openapi. Each change is written in
 * one transaction with its audit record, attributed to the local operator ("cli"). */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "accounts/accounts.h"
#include "audit/audit.h"
#include "auth/auth.h"
#include "auth/password.h"
#include "blobs/blobs.h"
#include "cli.h"
#include "core/clock.h"
#include "core/log.h"
#include "demo/demo.h"
#include "http/openapi.h"

struct store *cli_store_open(const char *data_dir)
{
    struct error err = {0};
    struct stat st;
    if (stat(data_dir, &st) != 0) {
        cli_error("no data directory %s (run 'tsunagu init' first)", data_dir);
        return NULL;
    }
    struct store *s = store_open(&err, data_dir);
    if (!s)
        cli_error("cannot open the store in %s: %s", data_dir, err.detail);
    return s;
}

static bool fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return false;
    bool ok = fsync(fd) == 0;
    close(fd);
    return ok;
}

int cli_init(int argc, char **argv)
{
    const char *data_dir = cli_default_data_dir();
    bool demo = false, help = false;
    const struct cli_option options[] = {
        {"data-dir", "TSUNAGU_DATA_DIR", &data_dir, NULL, "data directory (default ./data)"},
        {"demo", NULL, NULL, &demo, "load the fictional demo region みなみ市"},
        {"help", NULL, NULL, &help, "this text"},
        {NULL, NULL, NULL, NULL, NULL},
    };
    if (!cli_parse("init", argc, argv, options))
        return CLI_USAGE;
    if (help) {
        puts("usage: tsunagu init [--data-dir DIR] [--demo]");
        cli_print_options(options);
        return CLI_OK;
    }
    log_set_level(LOG_WARN);
    if (mkdir(data_dir, 0700) != 0 && errno != EEXIST) {
        cli_error("cannot create %s: %s", data_dir, strerror(errno));
        return CLI_FAIL;
    }
    struct store *st = cli_store_open(data_dir);
    if (!st)
        return CLI_FAIL;
    struct error err = {0};
    bool ok = true;
    if (demo) {
        struct blobs *blobs = blobs_open(&err, data_dir);
        ok = blobs && demo_load(&err, st, blobs);
        if (blobs)
            blobs_close(blobs);
    }
    store_close(st);
    /* The new database file's directory entry must be durable too. */
    ok = fsync_dir(data_dir) && ok;
    if (!ok) {
        cli_error("init failed: %s", err.detail[0] ? err.detail : "cannot sync the directory");
        return CLI_FAIL;
    }
    printf("initialised %s%s\n", data_dir, demo ? " with the demo region みなみ市" : "");
    if (demo)
        demo_print_logins();
    return CLI_OK;
}

/* Runs fn inside a write transaction that also appends the audit record rec. */
static int in_txn(const char *data_dir, bool (*fn)(struct error *, struct store_conn *, void *),
                  void *arg, struct audit_record *rec)
{
    struct store *st = cli_store_open(data_dir);
    if (!st)
        return CLI_FAIL;
    struct error err = {0};
    struct store_conn *conn = store_conn_get(&err, st);
    rec->user_login = "cli";
    rec->client = "local";
    rec->outcome = AUDIT_SUCCESS;
    bool ok = conn && store_begin(&err, conn, true) && fn(&err, conn, arg) &&
              audit_append_txn(&err, conn, rec) && store_commit(&err, conn);
    if (!ok && conn)
        store_rollback(conn);
    store_close(st);
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

static bool org_add(struct error *err, struct store_conn *conn, void *arg)
{
    struct org_args *a = arg;
    bool known = false;
    for (const char *const *t = accounts_org_type_codes; *t; t++)
        known |= strcmp(*t, a->type) == 0;
    if (!known)
        return error_set(err, ERR_USAGE, "unknown --type %s", a->type);
    ids_uuid_new(a->id);
    int64_t now = clock_now_ms();
    if (store_exec(err, conn, NULL,
                   "INSERT INTO orgs (id, code, name, name_kana, type, address, phone, created_at, "
                   "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   "tttttttii", a->id, a->code, a->name, a->kana ? a->kana : "", a->type,
                   a->address ? a->address : "", a->phone ? a->phone : "", now, now))
        return true;
    if (store_last_was_unique_violation(conn)) {
        error_clear(err);
        return error_set(err, ERR_ORG_CODE_TAKEN, "%s", a->code);
    }
    return false;
}

int cli_org(int argc, char **argv)
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
    int rc = in_txn(data_dir, org_add, &a, &rec);
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

static bool user_add(struct error *err, struct store_conn *conn, void *arg)
{
    struct user_args *a = arg;
    char hash[PASSWORD_HASH_MAX], org[UUID_STR_LEN];
    if (!password_policy_check(err, a->password) || !password_hash(err, a->password, hash))
        return false;
    if (a->org && !lookup_id(err, conn, SQL_ORG_BY_CODE, a->org, org, ERR_ORG_NOT_FOUND))
        return false;
    ids_uuid_new(a->id);
    int64_t now = clock_now_ms();
    if (!store_exec(err, conn, NULL,
                    "INSERT INTO users (id, login, name, name_kana, profession, network_admin, "
                    "password_hash, must_change_password, created_at, updated_at) VALUES "
                    "(?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
                    "tttttbtii", a->id, a->login, a->name, a->kana ? a->kana : "", a->profession,
                    a->network_admin, hash, now, now)) {
        if (!store_last_was_unique_violation(conn))
            return false;
        error_clear(err);
        return error_set(err, ERR_LOGIN_TAKEN, "%s", a->login);
    }
    return !a->org ||
           store_exec(err, conn, NULL,
                      "INSERT INTO memberships (user_id, org_id, role, created_at) VALUES (?, ?, "
                      "?, ?)",
                      "ttti", a->id, org, a->role ? a->role : "member", now);
}

static bool user_passwd(struct error *err, struct store_conn *conn, void *arg)
{
    struct user_args *a = arg;
    char hash[PASSWORD_HASH_MAX], id[UUID_STR_LEN];
    /* As a reset through the API: sessions and API tokens issued under the old password end,
     * and TOTP is enrolled again (the reset may be because they were compromised). */
    return password_policy_check(err, a->password) &&
           lookup_id(err, conn, SQL_USER_BY_LOGIN, a->login, id, ERR_USER_NOT_FOUND) &&
           password_hash(err, a->password, hash) &&
           store_exec(err, conn, NULL,
                      "UPDATE users SET password_hash = ?, must_change_password = 1, "
                      "failed_logins = 0, locked_until = 0, totp_enabled = 0, totp_secret = NULL, "
                      "totp_pending_secret = NULL, totp_last_step = 0, updated_at = ? WHERE id = ?",
                      "tit", hash, clock_now_ms(), id) &&
           auth_sessions_end_user(err, conn, id, NULL, "password reset", NULL) &&
           auth_tokens_revoke_user(err, conn, id, NULL);
}

/* Confirms a membership the network office created or reset, for an organisation that has no
 * other administrator to do it in the UI: by whoever runs the server, with file access. */
static bool user_confirm(struct error *err, struct store_conn *conn, void *arg)
{
    struct user_args *a = arg;
    char id[UUID_STR_LEN], org[UUID_STR_LEN];
    int64_t changed = 0;
    if (!lookup_id(err, conn, SQL_USER_BY_LOGIN, a->login, id, ERR_USER_NOT_FOUND) ||
        !lookup_id(err, conn, SQL_ORG_BY_CODE, a->org, org, ERR_ORG_NOT_FOUND) ||
        !store_exec(err, conn, &changed,
                    "UPDATE memberships SET pending = NULL, pending_since = NULL WHERE user_id = ? "
                    "AND org_id = ? AND pending IS NOT NULL",
                    "tt", id, org))
        return false;
    return changed == 1 || error_set(err, ERR_ACCOUNT_CONFIRMED, "no membership awaits it");
}

static bool user_disable(struct error *err, struct store_conn *conn, void *arg)
{
    struct user_args *a = arg;
    char id[UUID_STR_LEN];
    return lookup_id(err, conn, SQL_USER_BY_LOGIN, a->login, id, ERR_USER_NOT_FOUND) &&
           store_exec(err, conn, NULL, "UPDATE users SET disabled = 1 WHERE id = ?", "t", id) &&
           auth_sessions_end_user(err, conn, id, NULL, "account disabled", NULL);
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

int cli_user(int argc, char **argv)
{
    const char *sub = argc > 0 ? argv[0] : "";
    bool (*fn)(struct error *, struct store_conn *, void *) =
        strcmp(sub, "add") == 0       ? user_add
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
    int rc = in_txn(data_dir, fn, &a, &rec);
    sodium_memzero(a.password, sizeof(a.password));
    if (rc == CLI_OK && fn == user_add)
        printf("%s\n", a.id);
    return rc;
}
