# SPDX-License-Identifier: Apache-2.0
"""CSRF: every state-changing request with a session cookie must carry X-CSRF-Token."""
import pytest

import helpers
from helpers import YAMADA_HANAKO, assert_problem, login, store_snapshot


def state_changing_requests():
    """(method, path, body) of requests that would change something for gh.sato."""
    p = YAMADA_HANAKO
    return [
        ("POST", "/api/patients", helpers.new_patient_body("CSRF-1")),
        ("PATCH", f"/api/patients/{p}", {"phone": "099-555-0000"}),
        ("POST", f"/api/patients/{p}/local-ids", {"local_id": "CSRF-2"}),
        ("POST", f"/api/patients/{p}/team", {"org_id": helpers.org_id("hikari-pharmacy")}),
        ("POST", f"/api/patients/{p}/consents",
         {"org_ids": [helpers.org_id("minami-gh")], "scope": "all", "method": "verbal",
          "consented_on": "2026-01-05"}),
        ("POST", f"/api/patients/{p}/consents/{helpers.demo_id('consent', '0/1')}/withdraw",
         {"reason": "csrf"}),
        ("DELETE", f"/api/patients/{p}/team/{helpers.demo_id('team', '0/1')}", None),
        ("POST", "/api/auth/password",
         {"current_password": helpers.DEMO_PASSWORD, "new_password": "csrf-pass-word-1"}),
        ("POST", "/api/me/totp/enroll", None),
        ("POST", "/api/me/sessions/end-others", None),
        ("POST", "/api/auth/logout", None),
    ]


@pytest.mark.parametrize("method,path,body", state_changing_requests(),
                         ids=lambda v: v if isinstance(v, str) else None)
@pytest.mark.parametrize("token", ["missing", "wrong", "empty"])
def test_cookie_without_the_right_token_is_refused(server, method, path, body, token):
    s = server.session("gh.sato")
    other = server.session("gh.renkei")  # a valid token, but of another session
    headers = {"missing": {"X-CSRF-Token": None},
               "wrong": {"X-CSRF-Token": other.headers["X-CSRF-Token"]},
               "empty": {"X-CSRF-Token": ""}}[token]
    before = store_snapshot(server)
    sessions_before = server.query("SELECT id, ended_at, state FROM sessions ORDER BY id")
    r = s.request(method, path, json=body, headers=headers)
    assert_problem(r, 403, "auth.csrf")
    assert store_snapshot(server) == before
    assert server.query("SELECT id, ended_at, state FROM sessions ORDER BY id") == sessions_before
    assert s.get("/api/me").status_code == 200  # still logged in


def test_the_right_token_works(server):
    s = login(server, "gh.sato")
    r = s.patch(f"/api/patients/{YAMADA_HANAKO}", json={"phone": "099-555-0001"})
    assert r.status_code == 200 and r.json()["phone"] == "099-555-0001"
    # the token of GET /api/me is the same as the login's
    assert s.get("/api/me").json()["csrf_token"] == s.headers["X-CSRF-Token"]
    assert s.post("/api/auth/logout").status_code == 204


def test_reads_need_no_token(server):
    s = server.session("gh.sato")
    r = s.get(f"/api/patients/{YAMADA_HANAKO}", headers={"X-CSRF-Token": None})
    assert r.status_code == 200


def test_bearer_tokens_need_no_csrf_header(server):
    r = helpers.run_cli("token", "create", "--org", "minami-gh", "--user", "gh.sato",
                        "--data-dir", server.data_dir)
    assert r.returncode == 0, r.stderr
    api = helpers.bearer(server, r.stdout.strip())
    r = api.post("/api/patients", json=helpers.new_patient_body("CSRF-BEARER"))
    assert r.status_code == 201, r.text
    r = api.patch(f"/api/patients/{r.json()['id']}", json={"address": "みなみ市CSRF町"})
    assert r.status_code == 200 and r.json()["address"] == "みなみ市CSRF町"


def test_login_itself_needs_no_token(server):
    # no session yet, so there is nothing to forge; a stale cookie does not change that
    anon = server.anon()
    anon.cookies.set("tsunagu_session", "stale-cookie")
    r = anon.post("/api/auth/login",
                  json={"login": "gh.sato", "password": helpers.DEMO_PASSWORD})
    assert r.status_code == 200
