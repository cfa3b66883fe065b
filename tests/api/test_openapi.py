# SPDX-License-Identifier: Apache-2.0
"""docs/api/openapi.yaml is exactly what `tsunagu openapi` prints, and it describes every route
of the route tables, src/http/routes.def and src/<module>/routes.def (with its permission)."""
import re

import helpers

OPENAPI = helpers.REPO / "docs" / "api" / "openapi.yaml"
PERMISSIONS = {"PERM_PUBLIC": "public", "PERM_SESSION": "session", "PERM_LOGIN": "login",
               "PERM_USER": "user", "PERM_PERSON": "person", "PERM_ADMIN": "admin",
               "PERM_ORG_ADMIN": "org_admin", "PERM_NET_ADMIN": "network_admin"}


def operations(text):
    """(METHOD, path) -> {operationId, x-permission, …} from the generated YAML (its fixed
    layout: two-space path keys, four-space methods, six-space fields)."""
    ops, path, current = {}, None, None
    for line in text.splitlines():
        if m := re.fullmatch(r"  (/\S*):", line):
            path = m.group(1)
        elif path and (m := re.fullmatch(r"    (get|post|put|patch|delete):", line)):
            current = ops.setdefault((m.group(1).upper(), path), {})
        elif current is not None and (m := re.fullmatch(r"      ([\w-]+): (.+)", line)):
            current[m.group(1)] = m.group(2).strip('"')
    return ops


def operation_text(text, method, pattern):
    """The lines of one operation in the generated YAML."""
    lines, inside, path = [], False, None
    for line in text.splitlines():
        if m := re.fullmatch(r"  (/\S*):", line):
            path, inside = m.group(1), False
        elif re.fullmatch(r"    (get|post|put|patch|delete):", line):
            inside = path == pattern and line.strip() == f"{method.lower()}:"
        elif inside:
            lines.append(line)
    return "\n".join(lines)


def test_the_committed_document_is_the_generated_one():
    r = helpers.run_cli("openapi")
    assert r.returncode == 0, r.stderr
    assert r.stdout.encode() == OPENAPI.read_bytes(), (
        "docs/api/openapi.yaml is stale: run `build/tsunagu openapi > docs/api/openapi.yaml`")


def test_every_route_is_described():
    ops = operations(OPENAPI.read_text(encoding="utf-8"))
    routes = helpers.parse_routes()
    assert set(ops) == {(method, pattern) for method, pattern, *_ in routes}
    for method, pattern, handler, permission, locator in routes:
        op = ops[(method, pattern)]
        assert op["operationId"] == handler
        assert op["x-permission"] == PERMISSIONS[permission]
        assert ("x-patient-access" in op) == (locator != "PAT_NONE")
    # an API token is offered only where the router accepts one
    text = OPENAPI.read_text(encoding="utf-8")
    for method, pattern, _handler, permission, _locator in routes:
        token = "- token: []" in operation_text(text, method, pattern)
        assert token == (permission not in ("PERM_PUBLIC", "PERM_LOGIN", "PERM_PERSON")), (
            method, pattern)


def test_path_parameters_are_declared():
    text = OPENAPI.read_text(encoding="utf-8")
    for _method, pattern, *_ in helpers.parse_routes():
        for name in re.findall(r"\{(\w+)\}", pattern):
            block = text.split(f"\n  {pattern}:\n", 1)[1].split("\n  /", 1)[0]
            assert f"- name: {name}\n          in: path" in block, (pattern, name)
