# SPDX-License-Identifier: Apache-2.0
"""Bad input on every route that takes a body, hostile strings, unknown routes and methods,
static-file traversal and other organisations' patients. Every refusal is a problem+json 4xx
that changes nothing in the store; nothing ever answers 5xx (conftest checks the access log)."""
import http.client
import json
import urllib.parse

import pytest

import helpers
import referral_helpers as rh
from bad_input import *  # noqa: F401,F403 (Case and the ids)
from bad_input import gather, gather_paths, gather_plausible, gather_uploads
from fhir_helpers import assert_outcome
from helpers import assert_problem, store_snapshot, without_request_id

CASES, REQUIRED, TEXT = gather()
UPLOADS = gather_uploads()
WITH_FIELDS = [c for c in CASES if c.body is not None]
# the cases with a string to put control characters in (a body of numbers only has none)
WITH_STRINGS = [c for c in WITH_FIELDS
                if c.long_field or any(isinstance(v, (str, list)) for v in c.body.values())]
WITH_LONG_FIELD = [c for c in CASES if c.long_field]


def test_cases_cover_every_route_with_a_body():
    # /fhir bodies are FHIR resources answered with OperationOutcomes: test_fhir_bad_input.py
    routes = {(m, p) for m, p, *_ in helpers.parse_routes()
              if m in ("POST", "PUT", "PATCH") and p.startswith("/api/")}
    covered = set()
    for case in CASES + UPLOADS:
        for method, pattern, *_ in helpers.parse_routes():
            if method == case.method and matches(pattern, case.path):
                covered.add((method, pattern))
    assert covered == routes


def matches(pattern, path):
    a, b = pattern.split("/"), path.split("/")
    return len(a) == len(b) and all(x == y or (x.startswith("{") and y) for x, y in zip(a, b))


def client(server, case):
    if case.actor is None:
        return server.anon()
    if case.actor.startswith("fresh:"):
        return helpers.login(server, case.actor[len("fresh:"):])
    return server.session(case.actor)


PATHS = gather_paths()


def case_path(server, case):
    """The case's path with the referral (or a module's object, PATHS) it acts on (made once per
    server, before any snapshot is taken)."""
    path = case.path.replace(REF, rh.fixture_referral(server)) if REF in case.path else case.path
    for placeholder, make in PATHS.items():
        if placeholder in path:
            path = path.replace(placeholder, make(server))
    return path


def send(server, case, data, headers=None, **kwargs):
    """Sends raw bytes to the case's route and checks that nothing changed; returns the
    answer (and the client, still logged in)."""
    path = case_path(server, case)
    s = client(server, case)
    before = store_snapshot(server)
    r = s.request(case.method, path, data=data, headers=headers, **kwargs)
    assert 400 <= r.status_code < 500, f"{r.status_code} {r.text[:300]}"
    assert store_snapshot(server) == before, f"{case}: the store changed"
    if case.actor is not None:
        assert s.get("/api/me").status_code == 200, "the session did not survive"
    return r


JSON = {"Content-Type": "application/json"}


@pytest.mark.parametrize("case", UPLOADS, ids=repr)
@pytest.mark.parametrize("content_type", ["application/json", "text/plain",
                                          "multipart/form-data; boundary=x", None])
def test_upload_of_another_media_type(server, case, content_type):
    headers = {"Content-Type": content_type} if content_type else {}
    assert_problem(send(server, case, b'{"a": 1}', headers), 415, case.wrong_type_code)


@pytest.mark.parametrize("case", UPLOADS, ids=repr)
@pytest.mark.parametrize("data", [b"", b"\0" * 100, "テキスト".encode(), b"PK\x03\x04" + b"\xff" * 60],
                         ids=["empty", "zeros", "text", "truncated-header"])
def test_upload_that_is_no_such_file(server, case, data):
    r = send(server, case, data, {"Content-Type": case.media_type})
    assert_problem(r, 400, case.bad_body_code)


@pytest.mark.parametrize("case", CASES, ids=repr)
@pytest.mark.parametrize("data", [
    b'{"login": ',
    b"{'single': 'quotes'}",
    b'{"a": 1,}',
    b'{"a": 1} trailing',
    b'{"a": 1, "a": 2}',             # duplicate keys
    b'{"a": "\\u0000"}',             # NUL via an escape
    b'{"a": "\\ud800"}',             # lone surrogate escape
    b"[" * 5000 + b"]" * 5000,       # nesting deeper than the parser allows
    b"",
], ids=["truncated", "single-quotes", "trailing-comma", "trailing-garbage", "duplicate-keys",
        "nul-escape", "lone-surrogate", "deep-nesting", "empty"])
def test_malformed_json(server, case, data):
    assert_problem(send(server, case, data, JSON), 400, "request.bad_json")


@pytest.mark.parametrize("case", CASES, ids=repr)
@pytest.mark.parametrize("data", [
    b'{"name": "\xff\xfe"}',
    b'{"name": "\xc0\xaf"}',                 # overlong "/"
    b'{"name": "\xed\xa0\x80"}',             # UTF-8-encoded surrogate
    b'{"name": "\xe3\x81"}',                 # truncated sequence
    b'{"\xf8\x88\x80\x80\x80": 1}',          # 5-byte form, in a key
], ids=["ff-fe", "overlong", "surrogate", "truncated", "five-bytes"])
def test_invalid_utf8(server, case, data):
    assert_problem(send(server, case, data, JSON), 400, "request.bad_utf8")


@pytest.mark.parametrize("case", CASES, ids=repr)
@pytest.mark.parametrize("content_type", [
    "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
    "application/jsonp", "application/json-patch+json", "text/json", None,
])
def test_wrong_content_type(server, case, content_type):
    body = json.dumps(case.body or {}).encode()
    headers = {"Content-Type": content_type} if content_type else {}
    r = send(server, case, body, headers)
    if content_type is None:
        assert "Content-Type" not in r.request.headers
    assert_problem(r, 415, "request.content_type")


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_content_type_with_charset_is_fine(server, case):
    # the same body with a charset parameter is parsed (and then refused for its unknown field)
    body = json.dumps({**(case.body or {}), "zz_unknown": 1}).encode()
    r = send(server, case, body, {"Content-Type": "application/json; charset=utf-8"})
    assert_problem(r, 400, "request.unknown_field")


def oversized(case):
    filler = "x" * (BODY_LIMIT + 1)
    return json.dumps({**(case.body or {}), "padding": filler}).encode()


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_body_over_the_limit(server, case):
    r = send(server, case, oversized(case), JSON)
    assert_problem(r, 413, "request.too_large")


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_body_over_the_limit_chunked(server, case):
    data = oversized(case)

    def chunks():  # no Content-Length: the server only learns the size while reading
        for i in range(0, len(data), 4096):
            yield data[i:i + 4096]

    r = send(server, case, chunks(), JSON)
    assert "Content-Length" not in r.request.headers
    assert r.request.headers["Transfer-Encoding"] == "chunked"
    assert_problem(r, 413, "request.too_large")


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_body_exactly_at_the_limit_is_read(server, case):
    body = json.dumps({**(case.body or {}), "padding": ""}).encode()
    data = body[:-2] + b"x" * (BODY_LIMIT - len(body)) + body[-2:]
    assert len(data) == BODY_LIMIT
    r = send(server, case, data, JSON)
    assert_problem(r, 400, "request.unknown_field")  # read whole, refused for "padding"


def lying_request(server, case, declared, data):
    """Sends data with a Content-Length header of `declared` and chunked transfer coding."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=helpers.HTTP_TIMEOUT)
    try:
        s = client(server, case)
        headers = {"Content-Type": "application/json", "Content-Length": str(declared),
                   "Transfer-Encoding": "chunked", "Connection": "close"}
        if s.cookie:
            headers["Cookie"] = f"tsunagu_session={s.cookie}"
            headers["X-CSRF-Token"] = s.headers["X-CSRF-Token"]
        chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(data), data)
        conn.putrequest(case.method, case_path(server, case), skip_accept_encoding=True)
        for k, v in headers.items():
            conn.putheader(k, v)
        conn.endheaders(chunked)
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), resp.read()
    finally:
        conn.close()


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_body_over_the_limit_with_a_lying_content_length(server, case):
    case_path(server, case)
    before = store_snapshot(server)
    status, headers, body = lying_request(server, case, 10, oversized(case))
    assert status in (400, 413), body[:300]
    assert headers["Content-Type"].startswith("application/problem+json")
    assert store_snapshot(server) == before


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_unknown_field(server, case):
    body = json.dumps({**(case.body or {}), "is_admin": True}).encode()
    assert_problem(send(server, case, body, JSON), 400, "request.unknown_field")


@pytest.mark.parametrize("case", CASES, ids=repr)
@pytest.mark.parametrize("body", [[], [{}], "text", 42, None, True],
                         ids=["array", "array-of-object", "string", "number", "null", "true"])
def test_body_must_be_an_object(server, case, body):
    r = send(server, case, json.dumps(body).encode(), JSON)
    # the JSON parser takes only an object or array at the top (bad_json); an array is valid
    # JSON of the wrong type
    assert_problem(r, 400, "request.field_type" if isinstance(body, list) else
                   "request.bad_json")


@pytest.mark.parametrize("case", [c for c in CASES if c.wrong_type], ids=repr)
def test_wrong_type(server, case):
    field, value = case.wrong_type
    body = json.dumps({**case.body, field: value}).encode()
    assert_problem(send(server, case, body, JSON), 400, "request.field_type")


@pytest.mark.parametrize("case", WITH_LONG_FIELD, ids=repr)
@pytest.mark.parametrize("char", ["x", "あ", "🏥"])
def test_overlong_string(server, case, char):
    body = json.dumps({**case.body, case.long_field: char * (case.max_len + 1)}).encode()
    r = send(server, case, body, JSON)
    assert_problem(r, 400, "request.field_too_long")
    assert case.long_field in r.json()["detail"]




@pytest.mark.parametrize("case", [c for c in WITH_FIELDS if repr(c) in REQUIRED], ids=repr)
@pytest.mark.parametrize("how", ["absent", "null"])
def test_missing_required_field(server, case, how):
    name = REQUIRED[repr(case)]
    body = dict(case.body)
    if how == "absent":
        del body[name]
    else:
        body[name] = None
    r = send(server, case, json.dumps(body).encode(), JSON)
    assert_problem(r, 400, "request.field_missing")
    assert name in r.json()["detail"]
    assert r.json()["field"] == name  # so that a form shows the message beside the field

# Plausible values (core/plausible.h): one implausible value per kind of field of each route
# (PLAUSIBLE of each bad_input_cases_*.py), refused with a 400 that names the field.
PLAUSIBLE_CASES = gather_plausible()


@pytest.mark.parametrize("case,field,change", PLAUSIBLE_CASES,
                         ids=[f"{c!r}:{f}:{json.dumps(v, ensure_ascii=False)[:40]}"
                              for c, f, v in PLAUSIBLE_CASES])
def test_implausible_value_is_refused(server, case, field, change):
    r = send(server, case, json.dumps({**case.body, **change}).encode(), JSON)
    problem = assert_problem(r, 400, "request.field_range")
    assert problem["field"] == field and problem["detail"].split("(", 1)[1].startswith(field)


def test_every_route_named_for_plausible_values_is_a_case():
    assert PLAUSIBLE_CASES and all(c.body is not None for c, _f, _v in PLAUSIBLE_CASES)


# Text people write (names, reasons, comments, orders): blank or invisible is not text
# (TEXT of each bad_input_cases_*.py); a review's comment and a report's impression: test_emergency.py and test_bookings.py
INVISIBLE = ["", "   ", "\u3000\u3000", "\u200b", "\u200b\u200c\u200d", "\ufeff", "\u2060",
             "\u200e\u200f", "\u00a0", "\u0301", " \u200b\n\t"]


@pytest.mark.parametrize("case,field", [(c, f) for c in WITH_FIELDS for f in TEXT.get(repr(c), [])],
                         ids=lambda x: x if isinstance(x, str) else repr(x))
@pytest.mark.parametrize("value", INVISIBLE, ids=[repr(v) for v in INVISIBLE])
def test_text_without_a_visible_character_is_refused(server, case, field, value):
    r = send(server, case, json.dumps({**case.body, field: value}).encode(), JSON)
    body = assert_problem(r, r.status_code)  # send: a 4xx that changed nothing
    assert body["code"] in ("request.field_missing", "request.field_value",
                            "booking.order_incomplete") or body["code"].endswith("_required"), body


def test_every_route_named_for_text_is_a_case():
    assert set(TEXT) <= {repr(c) for c in WITH_FIELDS}


@pytest.mark.parametrize("case", WITH_STRINGS, ids=repr)
@pytest.mark.parametrize("value", ["a\u0001b", "a\u001bb", "a\u007fb", "\r"],
                         ids=["soh", "esc", "del", "cr"])
def test_control_characters_in_strings(server, case, value):
    field = case.long_field or next(k for k, v in case.body.items() if isinstance(v, (str, list)))
    body = {**case.body, field: [value] if isinstance(case.body.get(field), list) else value}
    r = send(server, case, json.dumps(body).encode(), JSON)
    assert_problem(r, 400, "request.field_value")


def test_get_and_delete_take_no_body(server):
    s = server.session("gh.sato")
    r = s.get("/api/me", data=b'{"a":1}', headers=JSON)
    assert_problem(r, 400, "request.field_value")
    before = store_snapshot(server)
    r = s.delete(f"/api/patients/{P}/team/{TEAM_MEMBER}", data=b"{}", headers=JSON)
    assert_problem(r, 400, "request.field_value")
    assert store_snapshot(server) == before


# ---- hostile strings ------------------------------------------------------------------------

HOSTILE = [
    "'; DROP TABLE patients;--",
    '" OR 1=1 --',
    "' OR '1'='1",
    "../../etc/passwd",
    "%2e%2e/%2e%2e/",
    "..\\..\\windows",
    "%s%s%s%n%x",
    "<script>alert(1)</script>",
    "${jndi:ldap://x}",
    "NUL\u0000byte",
]


def hostile_ok(server, before_tables, r):
    """A hostile value is either stored (2xx) or refused with a 4xx; never anything else, and
    the schema survives."""
    assert r.status_code < 500, r.text
    assert helpers.table_names(server) == before_tables
    assert server.query("SELECT COUNT(*) AS n FROM patients")[0]["n"] >= 200
    if r.status_code >= 400:
        assert_problem(r, r.status_code)
        return False
    return True


@pytest.mark.parametrize("field", ["name", "name_kana", "address", "phone", "local_id", "note"])
@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_strings_in_a_new_patient(server, field, value):
    s = server.session("gh.sato")
    tables = helpers.table_names(server)
    local_id = f"H-{field}-{HOSTILE.index(value)}"
    body = helpers.new_patient_body(local_id)
    if field == "note":
        body["consent"]["note"] = value
    else:
        body[field] = value
    before = store_snapshot(server)
    r = s.post("/api/patients", json=body)
    if not hostile_ok(server, tables, r):
        assert store_snapshot(server) == before
        return
    assert r.status_code == 201
    patient = s.get(f"/api/patients/{r.json()['id']}").json()
    if field == "note":
        consents = s.get(f"/api/patients/{patient['id']}/consents").json()["items"]
        assert consents[0]["note"] == value
    elif field == "local_id":
        assert patient["local_ids"][0]["local_id"] == value
        found = s.get("/api/patients", params={"local_id": value}).json()["items"]
        assert [p["id"] for p in found] == [patient["id"]]
    else:
        assert patient[field] == value
    if field == "name":
        found = s.get("/api/patients", params={"q": value}).json()["items"]
        assert patient["id"] in [p["id"] for p in found]


def test_nul_is_never_stored(server):
    s = server.session("gh.sato")
    before = store_snapshot(server)
    r = s.post("/api/patients", json=helpers.new_patient_body("NUL-1", name="山田\u0000花子"))
    assert_problem(r, 400)
    assert store_snapshot(server) == before


@pytest.mark.parametrize("field", ["code", "name", "name_kana", "address", "phone"])
@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_strings_in_a_new_organisation(server, field, value):
    admin = server.session("jimukyoku")
    tables = helpers.table_names(server)
    body = {"code": f"hostile-{field.replace('_', '-')}-{HOSTILE.index(value)}",
            "name": "検証", "type": "clinic", field: value}
    before = store_snapshot(server)
    r = admin.post("/api/orgs", json=body)
    if not hostile_ok(server, tables, r):
        assert store_snapshot(server) == before
        return
    assert field != "code", "an organisation code is lower-case letters, digits, - and _"
    assert admin.get(f"/api/orgs/{r.json()['id']}").json()[field] == value


@pytest.mark.parametrize("field", ["org_ids", "scope", "method", "consented_on", "note"])
@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_strings_in_a_consent(server, field, value):
    s = server.session("gh.sato")
    tables = helpers.table_names(server)
    body = {"org_ids": [GH], "scope": "all", "method": "written", "consented_on": "2026-01-05",
            field: [value] if field == "org_ids" else value}
    before = store_snapshot(server)
    r = s.post(f"/api/patients/{P}/consents", json=body)
    if not hostile_ok(server, tables, r):
        assert store_snapshot(server) == before
        return
    assert field == "note"
    history = s.get(f"/api/patients/{P}/consents").json()["items"]
    assert next(c for c in history if c["id"] == r.json()["id"])["note"] == value


@pytest.mark.parametrize("field", ["org_id", "user_id", "role"])
@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_strings_in_a_team_member(server, field, value):
    s = server.session("gh.sato")
    tables = helpers.table_names(server)
    patient = s.post("/api/patients", json=helpers.new_patient_body(
        f"TEAM-{field}-{HOSTILE.index(value)}")).json()["id"]
    body = {"org_id": HIKARI, field: value}
    before = store_snapshot(server)
    r = s.post(f"/api/patients/{patient}/team", json=body)
    if not hostile_ok(server, tables, r):
        assert store_snapshot(server) == before
        return
    assert field == "role"
    team = s.get(f"/api/patients/{patient}/team").json()["items"]
    assert next(m for m in team if m["id"] == r.json()["id"])["role"] == value


def test_hostile_strings_in_paths_and_queries(server):
    s = server.session("gh.sato")
    for value in HOSTILE[:-1]:
        quoted = requests_quote(value)
        for path in (f"/api/patients/{quoted}", f"/api/patients/{quoted}/team",
                     f"/api/orgs/{quoted}", f"/api/users/{quoted}"):
            r = s.get(path)
            assert 400 <= r.status_code < 500, (path, r.status_code)
            assert_problem(r, r.status_code)
        r = s.get("/api/patients", params={"q": value})
        assert r.status_code == 200
        visible = helpers.visible_patient_ids(server, GH)
        assert {p["id"] for p in r.json()["items"]} <= visible
        r = server.session("jimukyoku").get("/api/audit", params={"action": value})
        assert_problem(r, 400, "request.bad_query")


def requests_quote(value):
    return urllib.parse.quote(value, safe="")


# ---- routes and methods ---------------------------------------------------------------------

@pytest.mark.parametrize("path", [
    "/api/nope", "/api/patient", "/api/Patients", "/api/patients/", "/api/patients//team",
    f"/api/patients/{P}/notes", f"/api/patients/{P}/team/{TEAM_MEMBER}/x", "/api/", "/api",
    "/api/health/", "/api/me/sessions/", "/api/../api/health",
])
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_unknown_api_routes(server, path, method):
    status, headers, body = raw(server, method, path)
    assert status == 404, (path, status, body[:200])
    problem = check_raw_problem(status, headers, body)
    assert problem["code"] == "route.not_found"


def fill(pattern):
    return "/".join("3f1d2c4b-5a69-4788-9a0b-1c2d3e4f5a6b" if part.startswith("{") else part
                    for part in pattern.split("/"))


def allowed_methods():
    """Every pattern with the methods of all patterns its filled-in path matches (in table
    order): /api/me/sessions/end-others is also a /api/me/sessions/{id}."""
    routes = helpers.parse_routes()
    patterns = sorted({p for _m, p, *_ in routes})
    return [(p, list(dict.fromkeys(m for m, q, *_ in routes if matches(q, fill(p)))))
            for p in patterns]


@pytest.mark.parametrize("pattern,methods", allowed_methods(), ids=[p for p, _ in
                                                                   allowed_methods()])
def test_known_route_with_a_wrong_method(server, pattern, methods):
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        if method in methods:
            continue
        r = server.anon().request(method, fill(pattern))
        if pattern.startswith("/fhir"):
            assert_outcome(r, 405, "route.method_not_allowed")
        else:
            assert_problem(r, 405, "route.method_not_allowed")
        assert [m.strip() for m in r.headers["Allow"].split(",")] == methods


def test_non_get_on_static_files(server):
    r = server.anon().post("/index.html")
    assert_problem(r, 405, "route.method_not_allowed")
    assert r.headers["Allow"] == "GET, HEAD"


def raw(server, method, path, headers=None):
    """A request with the path sent exactly as given (no client-side normalisation)."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=helpers.HTTP_TIMEOUT)
    try:
        conn.request(method, path, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), resp.read()
    finally:
        conn.close()


def check_raw_problem(status, headers, body):
    assert headers["Content-Type"].startswith("application/problem+json")
    problem = json.loads(body)
    assert problem["status"] == status and problem["request_id"] == headers["X-Request-Id"]
    assert set(helpers.PROBLEM_KEYS) <= set(problem)
    return problem


@pytest.mark.parametrize("path", [
    "/../src/main.c",
    "/%2e%2e/src/main.c",
    "/%2E%2E/%2E%2E/etc/passwd",
    "/assets/../../etc/passwd",
    "/assets/%2e%2e/%2e%2e/etc/passwd",
    "/assets/..%2f..%2fetc%2fpasswd",
    "/..%2f..%2fsrc%2fmain.c",
    "//etc/passwd",
    "/index.html/../../src/main.c",
    "/./index.html/..",
    "/web/dist/index.html",
    "/%00index.html",
    "/index.html%00.js",
    "/.gitignore",
    "/../../../../../../etc/passwd",
    "/assets/",
    "/tsunagu.db",
])
def test_no_path_traversal_on_static_files(server, path):
    status, headers, body = raw(server, "GET", path)
    assert status in (400, 404), (path, status)
    for secret in (b"SPDX-License-Identifier", b"root:", b"SQLite format", b"node_modules"):
        assert secret not in body
    if status == 404:
        check_raw_problem(status, headers, body)


# ---- other organisations' patients --------------------------------------------------------

def patient_requests(patient):
    return [
        ("GET", f"/api/patients/{patient}", None),
        ("PATCH", f"/api/patients/{patient}", {"phone": "099-555-6666"}),
        ("POST", f"/api/patients/{patient}/local-ids", {"local_id": "STOLEN-1"}),
        ("GET", f"/api/patients/{patient}/consents", None),
        ("POST", f"/api/patients/{patient}/consents",
         {"org_ids": [HIKARI], "scope": "all", "method": "verbal",
          "consented_on": "2026-01-05"}),
        ("POST", f"/api/patients/{patient}/consents/{CONSENT}/withdraw", {"reason": "x"}),
        ("GET", f"/api/patients/{patient}/team", None),
        ("POST", f"/api/patients/{patient}/team", {"org_id": HIKARI}),
        ("DELETE", f"/api/patients/{patient}/team/{TEAM_MEMBER}", None),
        ("GET", f"/fhir/Patient/{patient}/$everything", None),
        ("GET", f"/api/patients/{patient}/referrals", None),
        ("POST", f"/api/patients/{patient}/referrals", rh.body()),
        ("GET", f"/api/patients/{patient}/referral-draft", None),
        ("POST", f"/api/patients/{patient}/bookings",
         {"slot_id": SLOT, "exam": "頭部CT", "clinical_question": "検証"}),
        ("GET", f"/api/patients/{patient}/bookings", None),
        ("GET", f"/api/patients/{patient}/access-log", None),
        ("GET", f"/api/patients/{patient}/safety-summary", None),
        ("GET", f"/api/patients/{patient}/studies", None),
        ("POST", f"/api/imaging/imports/patients/{patient}", {}),  # a zip is refused later
        # homecare: schedule
        ("POST", f"/api/patients/{patient}/homecare/visits",
         {"kind": "home_pharmacy", "date": days_ahead(7), "start": "10:00", "end": "10:30"}),
        ("PATCH", f"/api/patients/{patient}/homecare/visits/{GRANT}", {"reason": "x"}),
        ("POST", f"/api/patients/{patient}/homecare/visits/{GRANT}/cancel", {"reason": "x"}),
        ("POST", f"/api/patients/{patient}/homecare/plans",
         {"kind": "home_pharmacy", "weekdays": ["tue"], "start": "10:00", "end": "10:30",
          "first_date": days_ahead(7)}),
        ("PATCH", f"/api/patients/{patient}/homecare/plans/{GRANT}", {"reason": "x"}),
        ("GET", f"/api/patients/{patient}/homecare/schedule", None),
        ("POST", f"/api/patients/{patient}/homecare/ical-links", {}),
        # homecare: visit records (訪問記録)
        ("POST", f"/api/patients/{patient}/homecare/records", {"kind": "home_medical"}),
        ("GET", f"/api/patients/{patient}/homecare/records", None),
        ("GET", f"/api/patients/{patient}/homecare/records/{GRANT}", None),
        ("POST", f"/api/patients/{patient}/homecare/records/{GRANT}/corrections",
         {"reason": "検証"}),
        ("POST", f"/api/patients/{patient}/homecare/records/{GRANT}/sign", None),
        # homecare, timeline (a post that does not exist: the patient is refused first)
        ("POST", f"/api/patients/{patient}/homecare/posts", {"category": "report", "text": "x"}),
        ("GET", f"/api/patients/{patient}/homecare/posts", None),
        ("POST", f"/api/patients/{patient}/homecare/posts/{GRANT}/read", None),
        ("POST", f"/api/patients/{patient}/homecare/posts/{GRANT}/attachments", {}),
        ("GET", f"/api/patients/{patient}/homecare/posts/{GRANT}/attachments/1", None),
        ("GET", f"/api/patients/{patient}/homecare/timeline", None),
        ("GET", f"/api/patients/{patient}/homecare/alert-settings", None),
        ("PUT", f"/api/patients/{patient}/homecare/alert-settings", {"profile": "elderly"}),
        ("GET", f"/api/patients/{patient}/homecare/alerts", None),
        ("POST", f"/api/patients/{patient}/homecare/alerts/{GRANT}/acknowledge",
         {"action": "observation"}),
        ("POST", f"/api/patients/{patient}/homecare/vitals",
         {"measured_at": "2026-01-05T09:00:00+09:00", "vitals": {"spo2": 97}}),
        ("GET", f"/api/patients/{patient}/homecare/vitals", None),
        # homecare, report (訪問看護報告書): a report that does not exist
        ("GET", f"/api/patients/{patient}/homecare/reports", None),
        ("GET", f"/api/patients/{patient}/homecare/reports/prefill", None),
        ("POST", f"/api/patients/{patient}/homecare/reports",
         {"month": "2026-01", "to_org_id": GRANT, "content": {}}),
        ("GET", f"/api/patients/{patient}/homecare/reports/{GRANT}", None),
        ("PATCH", f"/api/patients/{patient}/homecare/reports/{GRANT}", {"content": {}}),
        ("POST", f"/api/patients/{patient}/homecare/reports/{GRANT}/sign", None),
        ("POST", f"/api/patients/{patient}/homecare/reports/{GRANT}/corrections",
         {"reason": "検証", "content": {}}),
        ("GET", f"/api/patients/{patient}/homecare/reports/{GRANT}/report.pdf", None),
        # conference (issue 17): a conference about the patient
        ("POST", f"/api/patients/{patient}/conferences", {"kind": "service"}),
        # oncall (issue 17): who to call now, the dependence the disaster view counts
        ("GET", f"/api/patients/{patient}/oncall", None),
        ("PUT", f"/api/patients/{patient}/oncall/dependence",
         {"ventilator": False, "oxygen": True, "dialysis": False}),
        ("GET", f"/api/patients/{patient}/oncall/dependence", None),
        # sharing (issue 17): the patient's rules (one that does not exist), preview, log
        ("GET", f"/api/patients/{patient}/sharing/rules", None),
        ("POST", f"/api/patients/{patient}/sharing/rules",
         {"kind": "visit_record", "recipients": [{"role": "care_manager"}],
          "timing": "immediate"}),
        ("PUT", f"/api/patients/{patient}/sharing/rules/{GRANT}",
         {"kind": "visit_record", "recipients": [{"role": "care_manager"}],
          "timing": "immediate"}),
        ("DELETE", f"/api/patients/{patient}/sharing/rules/{GRANT}", None),
        ("POST", f"/api/patients/{patient}/sharing/preview", {"kind": "visit_record"}),
        ("GET", f"/api/patients/{patient}/sharing/deliveries", None),
        # transfer (issue 15): an emergency transfer of the patient (救急画像送信)
        ("POST", f"/api/patients/{patient}/transfers",
         {"to_org_id": GRANT, "study_uids": [], "reason": "検証"}),
    ]


def test_patient_requests_cover_every_patient_route():
    routes = {(m, p) for m, p, _h, _perm, loc in helpers.parse_routes() if loc == "PAT_PATH"}
    got = set()
    for method, path, _ in patient_requests(P):
        got |= {(m, p) for m, p in routes if m == method and matches(p, path)}
    assert got == routes


@pytest.mark.parametrize("index", range(len(patient_requests(P))))
@pytest.mark.parametrize("login_name", ["ph.ito", "jimukyoku", "city.admin"])
def test_another_organisations_patient_is_not_found(server, login_name, index):
    s = server.session(login_name)
    method, path, body = patient_requests(P)[index]
    missing_method, missing_path, _ = patient_requests("3f1d2c4b-5a69-4788-9a0b-1c2d3e4f5a6b")[
        index]
    before = store_snapshot(server)
    check = assert_outcome if path.startswith("/fhir") else assert_problem
    r = s.request(method, path, json=body)
    hidden = check(r, 404, "patient.not_found")
    assert store_snapshot(server) == before
    missing = check(s.request(missing_method, missing_path, json=body), 404, "patient.not_found")
    assert without_request_id(hidden) == without_request_id(missing)


# ---- language -------------------------------------------------------------------------------

@pytest.mark.parametrize("accept,english", [
    ("en", True), ("en-US,en;q=0.9", True), ("EN-gb", True),
    ("ja", False), ("ja,en;q=0.8", False), (None, False), ("fr", False),
])
def test_accept_language(server, accept, english):
    s = server.session("gh.sato")
    headers = {"Accept-Language": accept} if accept else {}
    r = s.get("/api/patients/3f1d2c4b-5a69-4788-9a0b-1c2d3e4f5a6b", headers=headers)
    problem = assert_problem(r, 404, "patient.not_found")
    assert problem["title"] == ("Patient not found." if english else "患者が見つかりません。")
    r = s.post("/api/patients", data=b"{", headers={**JSON, **headers})
    problem = assert_problem(r, 400, "request.bad_json")
    assert problem["title"] == ("The request body is not valid JSON." if english
                                else "リクエストの本文が正しいJSONではありません。")
    assert problem["detail"].startswith(problem["title"])
