/* SPDX-License-Identifier: Apache-2.0 */
/* tsunagu init: creates the data directory and its store, with the demo region if asked. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blobs/blobs.h"
#include "cli.h"
#include "core/log.h"
#include "demo/demo.h"

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
