#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Checks the API suite's reach over the route table, after the suite has run.

usage: scripts/check_routes.py HITS_FILE
HITS_FILE holds one JSON array [method, route, status] per request that a server of the suite
logged (pytest tests/api --route-hits HITS_FILE writes it). Every route of the route tables
(src/http/routes.def and src/<module>/routes.def) must have been requested, and answered with
success (2xx/3xx) at least once, and the access logs must name no route the tables lack. A check
of the whole suite, so it runs after it (from scripts/test.sh), not as one of its tests: no test
depends on what other tests did."""
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "api"))
import helpers  # noqa: E402  (parse_routes: the one reader of routes.def in the tests)


def main(path):
    hits = [tuple(json.loads(line)) for line in Path(path).read_text().splitlines() if line]
    routes = [(method, pattern) for method, pattern, *_ in helpers.parse_routes()]
    requested = {(method, route) for method, route, _ in hits}
    succeeded = {(method, route) for method, route, status in hits if 200 <= status < 400}
    problems = []
    never = [r for r in routes if r not in requested]
    if never:
        problems.append(f"routes never requested by the API tests: {never}")
    failing = [r for r in routes if r in requested and r not in succeeded]
    if failing:
        problems.append(f"routes never answered with success in the API tests: {failing}")
    unknown = sorted(requested - set(routes))
    if unknown:
        problems.append(f"the access logs name routes that no routes.def has: {unknown}")
    for p in problems:
        print(p)
    if not problems:
        print(f"all {len(routes)} routes requested and answered with success "
              f"({len(hits)} requests logged)")
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1]))
