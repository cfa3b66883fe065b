/* SPDX-License-Identifier: Apache-2.0 */
/* tsunagu audit verify, openapi. */
#include <stdio.h>
#include <string.h>

#include "audit/audit.h"
#include "auth/auth.h"
#include "cli.h"
#include "core/clock.h"
#include "core/log.h"
#include "http/openapi.h"

int cli_audit(int argc, char **argv)
{
    const char *data_dir = cli_default_data_dir();
    const struct cli_option options[] = {
        {"data-dir", "TSUNAGU_DATA_DIR", &data_dir, NULL, "data directory"},
        {NULL, NULL, NULL, NULL, NULL},
    };
    if (argc < 1 || strcmp(argv[0], "verify") != 0) {
        cli_error("usage: tsunagu audit verify [--data-dir DIR]");
        return CLI_USAGE;
    }
    if (!cli_parse("audit verify", argc - 1, argv + 1, options))
        return CLI_USAGE;
    log_set_level(LOG_WARN);
    struct store *st = cli_store_open(data_dir);
    if (!st)
        return CLI_FAIL;
    struct error err = {0};
    struct audit_verify_result res;
    struct store_conn *conn = store_conn_get(&err, st);
    bool ok = conn && audit_verify(&err, conn, &res);
    store_close(st);
    if (err.code != ERR_NONE) {
        cli_error("audit verify: cannot read the audit trail: %s", err.detail);
        return CLI_FAIL;
    }
    if (!ok) {
        printf("audit chain BROKEN at record %lld: %s (%lld records verified before it)\n",
               (long long)res.bad_seq, res.reason, (long long)res.records);
        return CLI_FAIL;
    }
    printf("audit chain intact: %lld records, head %s\n", (long long)res.records, res.head_hash);
    return CLI_OK;
}

int cli_openapi(int argc, char **argv)
{
    (void)argv;
    if (argc > 0) {
        cli_error("usage: tsunagu openapi");
        return CLI_USAGE;
    }
    openapi_write(stdout);
    return CLI_OK;
}
