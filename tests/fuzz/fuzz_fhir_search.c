/* SPDX-License-Identifier: Apache-2.0 */
/* libFuzzer target: a FHIR search query ("name=value&name=value…", the first byte picks the
 * resource type) through fhir_search against a real, empty SQLite store. The SQL builder must
 * either refuse the query with a 4xx error or build SQL that SQLite accepts: a store error here
 * means the builder wrote malformed SQL. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/errors.h"
#include "core/kana.h"
#include "core/log.h"
#include "fhir/search.h"
#include "fhir/store.h"
#include "store/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct store *store;
static char dir[] = "/tmp/tsunagu-fuzz-search-XXXXXX";

static void close_store(void)
{
    static const char *const files[] = {"tsunagu.db", "tsunagu.db-wal", "tsunagu.db-shm"};
    store_close(store);
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char path[sizeof dir + 32];
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        unlink(path);
    }
    rmdir(dir);
}

static struct store_conn *conn_once(void)
{
    if (!store) {
        struct error err = {0};
        log_set_level(LOG_WARN);
        if (!mkdtemp(dir) || !(store = store_open(&err, dir)))
            abort();
        atexit(close_store);
    }
    struct error err = {0};
    struct store_conn *c = store_conn_get(&err, store);
    if (!c)
        abort();
    return c;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 4096 || !utf8_valid((const char *)data + 1, size - 1))
        return 0;
    int ntypes = 0;
    while (fhir_stored_types[ntypes])
        ntypes++;
    const char *type = fhir_stored_types[data[0] % ntypes];
    char *text = strndup((const char *)data + 1, size - 1);
    struct fhir_qparam params[32];
    int n = 0;
    char *save = NULL;
    for (char *pair = strtok_r(text, "&", &save); pair && n < 32;
         pair = strtok_r(NULL, "&", &save)) {
        char *eq = strchr(pair, '=');
        if (eq)
            *eq = '\0';
        params[n++] = (struct fhir_qparam){pair, eq ? eq + 1 : ""};
    }
    struct fhir_search_in in = {.type = type,
                                .params = params,
                                .n = n,
                                .viewer = {{"org", "2026-11-22", "user", 1795000000000}}};
    struct fhir_search_out out;
    struct error err = {0};
    struct store_conn *conn = conn_once();
    bool ok = fhir_search(&err, conn, &in, &out);
    fhir_search_free(&out);
    if (!ok && (err.code == ERR_STORE || err.code == ERR_INTERNAL || err.code == ERR_NONE)) {
        fprintf(stderr, "fhir_search: %s %s\n", error_code_name(err.code), err.detail);
        abort();
    }
    free(text);
    return 0;
}
