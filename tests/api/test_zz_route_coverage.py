# SPDX-License-Identifier: Apache-2.0
"""Runs last (by name): every route of src/http/routes.def must have been requested during the
session, and answered with success at least once, according to the access logs ("method" and
"route" of each http.access line) of every server the suite started. Meaningful for a run of
the whole suite."""
import helpers


def hits():
    collected = list(helpers.ROUTE_HITS)
    for server in list(helpers.LIVE_SERVERS):  # module servers still running
        collected.extend(helpers.access_hits(server.log_records()))
    return collected


def routes():
    return [(method, pattern) for method, pattern, *_ in helpers.parse_routes()]


def test_every_route_was_requested():
    requested = {(method, route) for method, route, _status in hits()}
    missing = [r for r in routes() if r not in requested]
    assert not missing, f"routes never requested by the API tests: {missing}"


def test_every_route_succeeded_at_least_once():
    succeeded = {(method, route) for method, route, status in hits() if 200 <= status < 400}
    missing = [r for r in routes() if r not in succeeded]
    assert not missing, f"routes never answered with success in the API tests: {missing}"


def test_the_access_log_names_only_known_routes():
    known = set(routes())
    assert {(method, route) for method, route, _ in hits()} <= known
