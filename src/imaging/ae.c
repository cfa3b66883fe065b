/* SPDX-License-Identifier: Apache-2.0 */
/* The registry of DICOM application entities that may send to the C-STORE SCP: calling AE title
 * → organisation (migration 019), and `tsunagu imaging ae add|list|remove`. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "cli/cli.h"
#include "core/clock.h"
#include "core/log.h"
#include "scp.h"

bool imaging_ae_title_valid(const char *aet)
{
    size_t n = aet ? strlen(aet) : 0;
    if (n == 0 || n > 16)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = aet[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.'))
            return false;
    }
    return true;
}

bool imaging_ae_host_valid(const char *host)
{
    unsigned char addr[sizeof(struct in6_addr)];
    char canonical[INET6_ADDRSTRLEN];
    if (!host[0])
        return true;
    int family = strchr(host, ':') ? AF_INET6 : AF_INET;
    return inet_pton(family, host, addr) == 1 &&
           inet_ntop(family, addr, canonical, sizeof canonical) && strcmp(canonical, host) == 0;
}

bool imaging_ae_lookup(struct error *err, struct store_conn *conn, const char *aet,
                       const char *peer, char org_id[UUID_STR_LEN], bool *found)
{
    struct store_stmt *s =
        store_query(err, conn,
                    "SELECT a.org_id FROM imaging_ae_titles a JOIN orgs o ON o.id = a.org_id "
                    "WHERE a.aet = ? AND a.removed_at IS NULL AND (a.host = '' OR a.host = ?)",
                    "tt", aet, peer);
    if (!s)
        return false;
    int rc = store_step(err, s);
    *found = rc == STORE_ROW;
    if (*found)
        snprintf(org_id, UUID_STR_LEN, "%s", store_text(s, 0));
    store_done(s);
    return rc != STORE_FAIL;
}

bool imaging_ae_insert(struct error *err, struct store_conn *conn, const struct imaging_ae *ae,
                       int64_t now, bool *added)
{
    int64_t changed = 0;
    /* a removed title may be given again (to the same or another organisation) */
    bool ok =
        store_exec(err, conn, &changed,
                   "INSERT INTO imaging_ae_titles (aet, org_id, description, host, "
                   "created_at) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (aet) DO UPDATE SET "
                   "org_id = ?2, description = ?3, host = ?4, created_at = ?5, "
                   "removed_at = NULL WHERE imaging_ae_titles.removed_at IS NOT NULL",
                   "tttti", ae->aet, ae->org_id, ae->description, ae->host ? ae->host : "", now);
    *added = ok && changed == 1;
    return ok;
}

static bool org_of_code(struct error *err, struct store_conn *conn, const char *code,
                        char out[UUID_STR_LEN])
{
    struct store_stmt *s = store_query(err, conn, "SELECT id FROM orgs WHERE code = ?", "t", code);
    bool found = s && store_step(err, s) == STORE_ROW;
    if (found)
        snprintf(out, UUID_STR_LEN, "%s", store_text(s, 0));
    store_done(s);
    return found;
}

static int ae_add(struct store_conn *conn, const char *org_code, const char *aet, const char *desc,
                  const char *host)
{
    char org[UUID_STR_LEN];
    struct error err = {0};
    if (!imaging_ae_title_valid(aet)) {
        cli_error("imaging ae add: %s is no AE title (" IMAGING_AE_TITLE_RULE ")", aet);
        return CLI_USAGE;
    }
    if (!imaging_ae_host_valid(host)) {
        cli_error("imaging ae add: --host %s is no IPv4 or IPv6 address (e.g. 192.0.2.10)", host);
        return CLI_USAGE;
    }
    if (!org_of_code(&err, conn, org_code, org)) {
        cli_error("imaging ae add: no organisation with code %s", org_code);
        return CLI_FAIL;
    }
    struct audit_record rec = {.event_id = "cli.imaging_ae_add",
                               .action = 'C',
                               .outcome = AUDIT_SUCCESS,
                               .user_login = "cli",
                               .client = "local",
                               .org_id = org,
                               .object_type = "dicom_ae",
                               .object_id = aet};
    bool added = false;
    bool ok = store_begin(&err, conn, true) &&
              imaging_ae_insert(&err, conn, &(struct imaging_ae){aet, org, desc, host},
                                clock_now_ms(), &added);
    if (ok && !added) {
        store_rollback(conn);
        cli_error("imaging ae add: the AE title %s is registered already", aet);
        return CLI_FAIL;
    }
    if (!ok || !audit_append_txn(&err, conn, &rec) || !store_commit(&err, conn)) {
        store_rollback(conn);
        cli_error("imaging ae add failed: %s", err.detail);
        return CLI_FAIL;
    }
    printf("%s sends for %s\n", aet, org_code);
    return CLI_OK;
}

static int ae_remove(struct store_conn *conn, const char *aet)
{
    struct error err = {0};
    int64_t changed = 0;
    struct audit_record rec = {.event_id = "cli.imaging_ae_remove",
                               .action = 'D',
                               .outcome = AUDIT_SUCCESS,
                               .user_login = "cli",
                               .client = "local",
                               .object_type = "dicom_ae",
                               .object_id = aet};
    bool ok = store_begin(&err, conn, true) &&
              store_exec(&err, conn, &changed,
                         "UPDATE imaging_ae_titles SET removed_at = ? "
                         "WHERE aet = ? AND removed_at IS NULL",
                         "it", clock_now_ms(), aet) &&
              changed == 1 && audit_append_txn(&err, conn, &rec) && store_commit(&err, conn);
    if (!ok) {
        store_rollback(conn);
        cli_error("imaging ae remove: no registered AE title %s", aet);
        return CLI_FAIL;
    }
    printf("removed %s\n", aet);
    return CLI_OK;
}

static int ae_list(struct store_conn *conn, const char *org_code)
{
    struct error err = {0};
    struct store_stmt *s =
        store_query(&err, conn,
                    "SELECT a.aet, o.code, a.description, a.host FROM imaging_ae_titles a "
                    "JOIN orgs o ON o.id = a.org_id WHERE a.removed_at IS NULL AND "
                    "(CAST(?1 AS TEXT) IS NULL OR o.code = ?1) ORDER BY o.code, a.aet",
                    "t", org_code);
    if (!s)
        return CLI_FAIL;
    printf("%-16s  %-16s %-39s %s\n", "aet", "org", "host", "description");
    while (store_step(&err, s) == STORE_ROW)
        printf("%-16s  %-16s %-39s %s\n", store_text(s, 0), store_text(s, 1),
               store_text(s, 3)[0] ? store_text(s, 3) : "any", store_text(s, 2));
    store_done(s);
    return err.code == ERR_NONE ? CLI_OK : CLI_FAIL;
}

static int usage(void)
{
    cli_error("usage: tsunagu imaging ae add --org CODE --aet TITLE [--description TEXT] "
              "[--host ADDRESS] | "
              "ae list [--org CODE] | ae remove --aet TITLE");
    return CLI_USAGE;
}

int imaging_cli(int argc, char **argv)
{
    const char *sub = argc > 1 && strcmp(argv[0], "ae") == 0 ? argv[1] : "";
    const char *org = NULL, *aet = NULL, *desc = "", *host = "";
    const char *data_dir = cli_default_data_dir();
    const struct cli_option options[] = {
        {"org", NULL, &org, NULL, "organisation code"},
        {"aet", NULL, &aet, NULL, "calling AE title of the modality or PACS"},
        {"description", NULL, &desc, NULL, "what it is (e.g. CT room 2)"},
        {"host", NULL, &host, NULL, "the only address it may call from (default: any)"},
        {"data-dir", "TSUNAGU_DATA_DIR", &data_dir, NULL, "data directory"},
        {NULL, NULL, NULL, NULL, NULL},
    };
    bool add = strcmp(sub, "add") == 0, rm = strcmp(sub, "remove") == 0;
    if (!(add || rm || strcmp(sub, "list") == 0))
        return usage();
    if (!cli_parse("imaging ae", argc - 2, argv + 2, options))
        return CLI_USAGE;
    if ((add && (!org || !aet)) || (rm && !aet))
        return usage();
    log_set_level(LOG_WARN);
    struct store *st = cli_store_open(data_dir);
    if (!st)
        return CLI_FAIL;
    struct error err = {0};
    struct store_conn *conn = store_conn_get(&err, st);
    int rc = !conn ? CLI_FAIL
             : add ? ae_add(conn, org, aet, desc, host)
             : rm  ? ae_remove(conn, aet)
                   : ae_list(conn, org);
    store_close(st);
    return rc;
}
