# SPDX-License-Identifier: Apache-2.0
"""Login, logout, the forced password change and one's own sessions."""
import helpers
from helpers import DEMO_PASSWORD, assert_problem, login, without_request_id

NEW_PASSWORD = "kawa-no-nagare-7731"


def test_login_sets_session_cookie_and_returns_me(server):
    s = helpers.ApiSession(server)
    r = s.post("/api/auth/login", json={"login": "gh.sato", "password": DEMO_PASSWORD})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["state"] == "active"
    assert body["csrf_token"] and body["csrf_token"] == body["me"]["csrf_token"]
    me = body["me"]
    assert me["user"]["login"] == "gh.sato"
    assert me["user"]["id"] == helpers.user_id("gh.sato")
    assert me["user"]["profession"] == "physician"
    assert me["user"]["network_admin"] is False
    assert me["org_id"] == helpers.org_id("minami-gh")
    assert [m["org_code"] for m in me["memberships"]] == ["minami-gh"]
    cookie = r.headers["Set-Cookie"]
    assert cookie.startswith("tsunagu_session=")
    attributes = [a.strip() for a in cookie.split(";")]
    assert "HttpOnly" in attributes and "SameSite=Strict" in attributes and "Path=/" in attributes
    assert "Secure" not in attributes  # plain HTTP on loopback
    assert s.get("/api/me").json()["user"]["login"] == "gh.sato"


def test_wrong_password_and_unknown_login_look_the_same(server):
    anon = server.anon()
    wrong = anon.post("/api/auth/login", json={"login": "gh.renkei", "password": "not-the-pw-123"})
    unknown = anon.post("/api/auth/login",
                        json={"login": "nobody.here", "password": "not-the-pw-123"})
    a = assert_problem(wrong, 401, "auth.invalid_credentials")
    b = assert_problem(unknown, 401, "auth.invalid_credentials")
    assert without_request_id(a) == without_request_id(b)
    assert "Set-Cookie" not in wrong.headers and "Set-Cookie" not in unknown.headers
    # the account is not locked by one mistake
    login(server, "gh.renkei")


def test_unauthenticated_requests_are_refused(server):
    anon = server.anon()
    for path in ("/api/me", "/api/patients", "/api/orgs", "/api/audit"):
        assert_problem(anon.get(path), 401, "auth.required")
    anon.cookies.set("tsunagu_session", "x" * 43)
    assert_problem(anon.get("/api/me"), 401, "auth.required")
    r = anon.get("/api/me", headers={"Authorization": "Basic Z2guc2F0bzpwdw=="})
    assert_problem(r, 401, "auth.required")


def test_logout_ends_the_session_on_the_server(server):
    s = login(server, "gh.yamamoto")
    cookie = s.cookie
    r = s.post("/api/auth/logout")
    assert r.status_code == 204
    assert "Max-Age=0" in r.headers["Set-Cookie"]
    # replaying the old cookie (as a stolen copy would) no longer works
    replay = server.anon()
    replay.cookies.set("tsunagu_session", cookie)
    assert_problem(replay.get("/api/me"), 401, "auth.required")
    ended = server.query("SELECT ended_at, end_reason FROM sessions WHERE user_id = ? "
                         "ORDER BY created_at DESC LIMIT 1", (helpers.user_id("gh.yamamoto"),))
    assert ended[0]["ended_at"] is not None and ended[0]["end_reason"] == "logout"


def cli_user_add(server, login_name, password="shokika-pass-2026", org="minami-gh",
                 profession="nurse"):
    r = helpers.run_cli("user", "add", "--login", login_name, "--name", "新人 花子",
                        "--name-kana", "シンジン ハナコ", "--profession", profession,
                        "--org", org, "--data-dir", server.data_dir, stdin=password + "\n")
    assert r.returncode == 0, r.stderr
    return r.stdout.strip()


def test_cli_created_user_must_change_password(server):
    new_id = cli_user_add(server, "new.nurse")
    assert new_id == server.query("SELECT id FROM users WHERE login = 'new.nurse'")[0]["id"]
    s = login(server, "new.nurse", "shokika-pass-2026", expect_state="password_change_required")
    assert s.login_body["me"]["state"] == "password_change_required"
    # only the password change, /api/me and logout work
    assert s.get("/api/me").status_code == 200
    for path in ("/api/patients", "/api/orgs", "/api/me/sessions", "/api/org-types"):
        assert_problem(s.get(path), 403, "auth.password_change_required")
    r = s.put("/api/me/org", json={"org_id": helpers.org_id("minami-gh")})
    assert_problem(r, 403, "auth.password_change_required")

    def change(current, new):
        return s.post("/api/auth/password",
                      json={"current_password": current, "new_password": new})

    assert_problem(change("shokika-pass-2026", "short"), 400, "auth.weak_password")
    assert_problem(change("shokika-pass-2026", "password1234"), 400, "auth.weak_password")
    assert_problem(change("shokika-pass-2026", "123456789012"), 400, "auth.weak_password")
    assert_problem(change("shokika-pass-2026", "x" * 129), 400, "auth.weak_password")
    assert_problem(change("shokika-pass-2026", "shokika-pass-2026"), 400, "auth.weak_password")
    assert_problem(change("not-my-password", NEW_PASSWORD), 403, "auth.wrong_password")
    assert s.get("/api/patients").status_code == 403  # nothing changed yet

    other = login(server, "new.nurse", "shokika-pass-2026",
                  expect_state="password_change_required")
    r = change("shokika-pass-2026", NEW_PASSWORD)
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "active"
    assert s.get("/api/patients").status_code == 200
    # the change ends the user's other sessions, and the old password is gone
    assert_problem(other.get("/api/me"), 401, "auth.required")
    r = server.anon().post("/api/auth/login",
                           json={"login": "new.nurse", "password": "shokika-pass-2026"})
    assert_problem(r, 401, "auth.invalid_credentials")
    login(server, "new.nurse", NEW_PASSWORD)


def test_password_change_of_an_active_user(server):
    cli_user_add(server, "change.self", password="erste-pass-2026")
    s = login(server, "change.self", "erste-pass-2026", expect_state="password_change_required")
    r = s.post("/api/auth/password",
               json={"current_password": "erste-pass-2026", "new_password": "zweite-pass-2026"})
    assert r.status_code == 200
    r = s.post("/api/auth/password",
               json={"current_password": "zweite-pass-2026", "new_password": "dritte-pass-2026"})
    assert r.status_code == 200 and r.json()["state"] == "active"
    login(server, "change.self", "dritte-pass-2026")


def test_logout_works_during_forced_password_change(server):
    cli_user_add(server, "new.clerk", password="kari-password-99", profession="clerk")
    s = login(server, "new.clerk", "kari-password-99", expect_state="password_change_required")
    assert s.post("/api/auth/logout").status_code == 204
    assert_problem(s.get("/api/me"), 401, "auth.required")


def test_sessions_list_end_one_and_end_others(server):
    a = login(server, "gh.renkei", headers={"User-Agent": "browser-a"})
    b = login(server, "gh.renkei", headers={"User-Agent": "browser-b"})
    c = login(server, "gh.renkei", headers={"User-Agent": "browser-c"})
    r = a.get("/api/me/sessions")
    assert r.status_code == 200
    items = r.json()["items"]
    current = [i for i in items if i["current"]]
    assert len(current) == 1 and current[0]["user_agent"] == "browser-a"
    assert {"browser-a", "browser-b", "browser-c"} <= {i["user_agent"] for i in items}
    for item in items:
        assert set(item) == {"id", "created_at", "last_seen_at", "client", "user_agent",
                             "current"}
        assert item["client"] == "127.0.0.1"
        assert item["created_at"].endswith("Z")
    b_id = next(i["id"] for i in items if i["user_agent"] == "browser-b")

    # end one other session
    assert a.delete(f"/api/me/sessions/{b_id}").status_code == 204
    assert_problem(b.get("/api/me"), 401, "auth.required")
    assert_problem(a.delete(f"/api/me/sessions/{b_id}"), 404, "session.not_found")
    assert c.get("/api/me").status_code == 200

    # someone else's session cannot be ended
    sato = server.session("gh.sato")
    sato_session = next(i["id"] for i in sato.get("/api/me/sessions").json()["items"]
                        if i["current"])
    assert_problem(a.delete(f"/api/me/sessions/{sato_session}"), 404, "session.not_found")
    assert sato.get("/api/me").status_code == 200
    assert_problem(a.delete("/api/me/sessions/00000000-0000-4000-8000-000000000000"), 404,
                   "session.not_found")
    assert_problem(a.delete("/api/me/sessions/not-an-id"), 404, "session.not_found")

    # end all others
    r = a.post("/api/me/sessions/end-others")
    assert r.status_code == 200 and r.json()["ended"] >= 1
    assert_problem(c.get("/api/me"), 401, "auth.required")
    assert a.get("/api/me").status_code == 200
    assert [i["current"] for i in a.get("/api/me/sessions").json()["items"]] == [True]

    # end this session
    mine = a.get("/api/me/sessions").json()["items"][0]["id"]
    r = a.delete(f"/api/me/sessions/{mine}")
    assert r.status_code == 204 and "Max-Age=0" in r.headers["Set-Cookie"]
    assert_problem(a.get("/api/me"), 401, "auth.required")


def test_organisation_switch(server):
    s = login(server, "multi.kobayashi")
    me = s.login_body["me"]
    assert me["org_id"] == helpers.org_id("sakura-clinic")
    assert {m["org_code"] for m in me["memberships"]} == {"sakura-clinic", "minami-gh"}
    before = {p["id"] for p in helpers.fetch_all(s, "/api/patients")}
    r = s.put("/api/me/org", json={"org_id": helpers.org_id("minami-gh")})
    assert r.status_code == 200, r.text
    assert r.json()["org_id"] == helpers.org_id("minami-gh")
    assert s.get("/api/me").json()["org_id"] == helpers.org_id("minami-gh")
    after = {p["id"] for p in helpers.fetch_all(s, "/api/patients")}
    assert after == helpers.listed_patient_ids(server, helpers.org_id("minami-gh"))
    assert before == helpers.listed_patient_ids(server, helpers.org_id("sakura-clinic"))
    r = s.put("/api/me/org", json={"org_id": helpers.org_id("aoba-homecare")})
    assert_problem(r, 403, "access.forbidden")
    assert s.get("/api/me").json()["org_id"] == helpers.org_id("minami-gh")
    r = s.put("/api/me/org", json={"org_id": "00000000-0000-4000-8000-000000000000"})
    assert_problem(r, 403, "access.forbidden")


def test_health_needs_no_login(server):
    r = server.anon().get("/api/health")
    assert r.status_code == 200 and r.json() == {"status": "ok"}
    assert "Set-Cookie" not in r.headers
