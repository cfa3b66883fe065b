/* SPDX-License-Identifier: Apache-2.0 */
#ifndef TSUNAGU_STORE_DIALECT_H
#define TSUNAGU_STORE_DIALECT_H

/*
 * The few pieces of SQL that SQLite and PostgreSQL spell differently. Feature code writes
 * portable SQL and splices these macros in where it needs one of them; scripts/check_sql.py
 * (run by `make test`) fails when a SQLite-only construct appears outside src/store/. Only the
 * SQLite spelling exists today; a PostgreSQL build will define the other one (in the comment).
 *
 * Written out instead, because both understand them:
 *   - insert-or-ignore:      INSERT INTO t (...) VALUES (...) ON CONFLICT DO NOTHING
 *   - upsert:                ON CONFLICT (key) DO UPDATE SET c = excluded.c
 *   - a parameter that may be NULL: CAST(?N AS TEXT) IS NULL (or AS BIGINT), never a bare
 *     "?N IS NULL", whose type PostgreSQL cannot infer
 *   - "now": always a bound parameter (op->now_ms), never the database's clock
 *   - JSON: stored as text and read in C; a list that is queried is rows of a child table
 */

/** The position of a substring, 1-based, 0 when absent: DIALECT_STRPOS "(haystack, needle)".
 *  PostgreSQL: strpos. */
#define DIALECT_STRPOS "instr"

/** A case-insensitive LIKE (ASCII letters; with STORE_LIKE_ESCAPE). PostgreSQL: ILIKE. */
#define DIALECT_LIKE_CI " LIKE "

#endif
