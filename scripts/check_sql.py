#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Checks the SQL in the C sources (run by `make test`):

1. Portability: SQL that only SQLite understands appears nowhere outside src/store/. The few
   constructs that differ between SQLite and PostgreSQL are macros of src/store/dialect.h.
2. Ownership: each table is written (INSERT, UPDATE, DELETE) only by the folder that owns it,
   so that no feature writes another's rows behind its back (it calls the owner's functions).
   A table belongs to the module whose migrations/ create it, unless OWNERS says otherwise.

It reads the string literals of every .c/.h file under src/ (adjacent literals joined, so a
statement split over lines is one text) and reports file:line for each finding.
usage: scripts/check_sql.py [--list | --self-test]
  --list prints the rules and the owners; --self-test checks that the check finds what it should
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
SRC = ROOT / "src"

# SQLite-only constructs, with what to use instead. Matched case-insensitively in SQL text.
NOT_PORTABLE = [
    (r"\bjson_each\s*\(", "JSON array membership: rows of a child table"),
    (r"\bjson_extract\s*\(", "a column, or read the JSON in C"),
    (r"\bjson_group_array\s*\(|\bjson_array_length\s*\(|\bjson_object\s*\(", "build JSON in C"),
    (r"\bINSERT\s+OR\s+(IGNORE|REPLACE)\b", "INSERT ... ON CONFLICT DO NOTHING / DO UPDATE"),
    (r"\bjulianday\s*\(|\bstrftime\s*\(|\bdatetime\s*\(|\bdate\s*\(\s*'now'", "bind now (op->now_ms) as a parameter"),
    (r"'now'", "bind now (op->now_ms) as a parameter"),
    (r"\binstr\s*\(", "DIALECT_STRPOS (store/dialect.h)"),
    (r"\bCOLLATE\s+NOCASE\b", "DIALECT_CI (store/dialect.h)"),
    (r"\bglob\b", "LIKE"),
    (r"\bifnull\s*\(", "COALESCE"),
    (r"\bgroup_concat\s*\(", "string_agg differs: aggregate in C"),
    (r"\browid\b|\blast_insert_rowid\s*\(", "a RETURNING clause or an explicit key"),
    (r"(?<!CAST\()\?\d*\s+IS\s+(NOT\s+)?NULL\b", "an untyped parameter: CAST(?N AS TEXT) (or BIGINT)"),
]

# Which folder owns (writes) each table: by default the module whose migrations/ create it
# (created_by below); this list names the tables of the shared migrations (src/store/) and the
# few whose owner is not the folder that first created them.
OWNERS = {
    "orgs": {"accounts"}, "users": {"accounts", "auth"}, "memberships": {"accounts"},
    "recovery_codes": {"accounts"}, "sessions": {"auth", "accounts"},
    "api_tokens": {"auth", "accounts"}, "client_failures": {"auth"}, "login_failures": {"auth"},
    "policy": {"accounts", "demo"},
    "patients": {"patients"}, "patient_local_ids": {"patients"}, "consents": {"patients"},
    "consent_orgs": {"patients"}, "care_team": {"patients"},
    "audit": {"audit"}, "audit_index_state": {"audit"},
    # the grants the access rule reads: only access/ starts and ends them
    "record_shares": {"access"}, "emergency_access": {"access"},
    # on-call and backup (issue 17): the standby grants of a declaration, created by 024_oncall
    "standby_grants": {"access"},
    # created by the emergency module's migration before notify/ existed
    "notifications": {"notify"},
    "schema_migrations": {"store"},
}


def created_by():
    """table → {module} for every CREATE TABLE in src/<module>/migrations/*.sql."""
    owners = {}
    for sql in SRC.glob("*/migrations/*.sql"):
        for m in re.finditer(r"CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?([a-z_][a-z0-9_]*)",
                             sql.read_text(encoding="utf-8"), re.I):
            owners.setdefault(m.group(1).lower(), set()).add(sql.parent.parent.name)
    return owners


OWNED_ELSEWHERE = ("store",)  # the store writes its own bookkeeping (schema_migrations)

LITERAL = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
WRITE = re.compile(r"\b(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+([a-z_][a-z0-9_]*)", re.I)
SQLISH = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE|WHERE|FROM|VALUES|JOIN)\b")


def statements(text):
    """Yields (line, sql) for each run of adjacent string literals that looks like SQL."""
    # drop comments, keep line numbers
    text = re.sub(r"/\*.*?\*/", lambda m: re.sub(r"[^\n]", " ", m.group(0)), text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    run, start, last_end = [], 0, -1
    for m in LITERAL.finditer(text):
        between = text[last_end:m.start()] if last_end >= 0 else None
        # literals joined by whitespace or by a macro name (a dialect macro, an SQL fragment)
        joined = between is not None and re.fullmatch(r"[\s]*|[\sA-Z0-9_]*|\s*[A-Z_][A-Z0-9_]*\([^;{}]*\)\s*", between)
        if run and not joined:
            yield start, "".join(run)
            run = []
        if not run:
            start = text.count("\n", 0, m.start()) + 1
        run.append(m.group(1))
        last_end = m.end()
    if run:
        yield start, "".join(run)


def owner_of(path):
    rel = path.relative_to(SRC).parts
    return rel[0]


def problems_in(folder, name, text, owners=None):
    """The findings in one source file of folder (the first folder under src/); owners maps a
    table to the folders that may write it."""
    owners = OWNERS if owners is None else owners
    problems = []
    for line, sql in statements(text):
        where = f"{name}:{line}"
        if folder != "store":
            for pattern, instead in NOT_PORTABLE:
                m = re.search(pattern, sql, re.I)
                if m:
                    problems.append(f"{where}: '{m.group(0)}' is SQLite-only; use {instead}")
        if not SQLISH.search(sql):
            continue
        if re.search(r"\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+%", sql, re.I):
            problems.append(f"{where}: a table name formatted at run time (its owner "
                            "cannot be checked); write the statement out")
        for m in WRITE.finditer(sql):
            table = m.group(1).lower()
            if table == "set":  # ON CONFLICT ... DO UPDATE SET: the INSERT's table
                continue
            allowed = owners.get(table)
            if allowed is None:
                problems.append(f"{where}: table {table} has no owner in scripts/check_sql.py")
            elif folder not in allowed and folder not in OWNED_ELSEWHERE:
                problems.append(f"{where}: {folder}/ writes {table}, owned by "
                                f"{', '.join(sorted(allowed))}/")
    return problems


def self_test():
    """The check finds what it should (so that a passing run means something)."""
    bad = {
        'x("SELECT v FROM t, json_each(t.list) WHERE 1")': "json_each",
        'x("INSERT OR IGNORE INTO fhir_idx_uri (a) VALUES (?)")': "INSERT OR IGNORE",
        'x("SELECT 1 FROM t WHERE (?2 IS NULL OR " "a = ?2)")': "?2 IS NULL",
        'x("SELECT julianday(" "\'now\')")': "julianday",
        'x("INSERT INTO patients (id) VALUES (?)")': "demo/ writes patients",
        'x("UPDATE %s SET a = 1", t)': "formatted at run time",
        'x("DELETE FROM mystery WHERE id = ?")': "no owner",
    }
    failed = 0
    for code, expected in bad.items():
        found = problems_in("demo", "self-test.c", code)
        if not any(expected in p for p in found):
            print(f"check_sql self-test: {code!r} should report {expected!r}, got {found}")
            failed += 1
    good = 'x("SELECT 1 FROM t WHERE (CAST(?1 AS TEXT) IS NULL OR a = ?1) AND b = ?2")'
    if problems_in("demo", "self-test.c", good):
        print(f"check_sql self-test: {good!r} is portable")
        failed += 1
    if not problems_in("referral", "self-test.c", 'x("INSERT INTO notifications (id) VALUES (?)")'):
        print("check_sql self-test: referral/ must not write notifications")
        failed += 1
    owners = {**created_by(), **OWNERS}
    if owners.get("referrals") != {"referral"} or owners.get("case_events") != {"notify"}:
        print("check_sql self-test: the owners of the modules' tables come from their migrations")
        failed += 1
    print("check_sql self-test:", "failed" if failed else "ok")
    return 1 if failed else 0


def main():
    if "--list" in sys.argv:
        for pattern, instead in NOT_PORTABLE:
            print(f"not portable: {pattern}  → {instead}")
        for table, owners in sorted({**created_by(), **OWNERS}.items()):
            print(f"{table}: {', '.join(sorted(owners))}")
        return 0
    if "--self-test" in sys.argv:
        return self_test()
    owners = {**created_by(), **OWNERS}
    problems = []
    for path in sorted(SRC.rglob("*.[ch]")):
        problems += problems_in(owner_of(path), str(path.relative_to(ROOT)),
                                path.read_text(encoding="utf-8"), owners)
    for p in problems:
        print(p)
    if problems:
        print(f"check_sql: {len(problems)} problem(s)")
        return 1
    print("check_sql: SQL portable outside src/store/, every table written by its owner")
    return 0


if __name__ == "__main__":
    sys.exit(main())
