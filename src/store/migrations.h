/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_STORE_MIGRATIONS_H
#define TSUNAGU_STORE_MIGRATIONS_H

/** One embedded schema migration; applied in ascending version order. */
struct migration {
    int version;
    const char *name;
    const char *sql;
};

extern const struct migration store_migrations[];
extern const int store_migrations_count;

#endif
