/* SPDX-License-Identifier: Apache-2.0 */
/* A real store in a fresh temporary directory, for unit tests of modules that use it. */
#ifndef TSUNAGU_TEST_STORE_FIXTURE_H
#define TSUNAGU_TEST_STORE_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>

#include "core/ids.h"
#include "store/store.h"

struct store_fixture {
    char dir[64];
    struct store *store;
    struct store_conn *conn;
};

static inline int store_fixture_open(struct store_fixture *f)
{
    struct error err = {0};
    ids_init();
    snprintf(f->dir, sizeof(f->dir), "/tmp/tsunagu-unit-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    f->store = store_open(&err, f->dir);
    f->conn = f->store ? store_conn_get(&err, f->store) : NULL;
    return f->conn ? 0 : -1;
}

static inline int store_fixture_close(struct store_fixture *f)
{
    char cmd[128];
    store_close(f->store);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
    return system(cmd) == 0 ? 0 : -1;
}

#endif
