# SPDX-License-Identifier: Apache-2.0
"""Accounts and the network office (issue 11): the office manages accounts but never reaches
patient data through one. An organisation's members are reset by its own administrator; the
office resets only administrators. A reset ends the account's sessions, API tokens and TOTP
enrolment and tells the organisation's administrators. An account the office created or reset
opens no patient data, and administers nothing, until another administrator of its organisation
confirms it. A password change ends the user's API tokens."""
import json

import helpers
from helpers import YAMADA_HANAKO, assert_problem, login

GH = helpers.org_id("minami-gh")
LTC = helpers.org_id("minami-ltc")
NEW_PASSWORD = "shin-kari-pass-1234"
CHANGED = "jibun-de-kimeta-5678"


def reset(session, login_name, password=NEW_PASSWORD):
    return session.post(f"/api/users/{helpers.user_id(login_name)}/password",
                        json={"initial_password": password})


def token_for(server, admin, login_name):
    r = server.session(admin).post("/api/tokens", json={"name": "連携",
                                                         "user_id": helpers.user_id(login_name)})
    assert r.status_code == 201, r.text
    return helpers.bearer(server, r.json()["token"])


def first_login(server, login_name, password=NEW_PASSWORD):
    s = login(server, login_name, password, expect_state="password_change_required")
    r = s.post("/api/auth/password", json={"current_password": password,
                                           "new_password": CHANGED})
    assert r.status_code == 200, r.text
    return s


def pending_of(server, login_name):
    return {r["org_id"]: r["pending"] for r in server.query(
        "SELECT org_id, pending FROM memberships WHERE user_id = ?",
        (helpers.user_id(login_name),))}


def test_the_network_office_resets_only_administrators(fresh_server):
    server = fresh_server
    office = server.session("jimukyoku")
    before = helpers.store_snapshot(server)
    for member in ("gh.sato", "multi.kobayashi", "vns.suzuki"):
        assert_problem(reset(office, member), 403, "access.forbidden")
    assert helpers.store_snapshot(server) == before
    assert server.session("gh.sato").get(f"/api/patients/{YAMADA_HANAKO}").status_code == 200


def test_a_reset_by_the_office_ends_everything_and_waits_for_confirmation(fresh_server):
    server = fresh_server
    doctor = server.session("ltc.shimizu")  # physician, the only administrator of みなみ療養病院
    token = token_for(server, "ltc.shimizu", "ltc.shimizu")
    visible = sorted(helpers.visible_patient_ids(server, LTC))[0]
    assert token.get(f"/api/patients/{visible}").status_code == 200
    server.execute("UPDATE users SET totp_enabled = 1, totp_secret = 'JBSWY3DPEHPK3PXP' "
                   "WHERE login = 'ltc.shimizu'")
    assert reset(server.session("jimukyoku"), "ltc.shimizu").status_code == 204
    # its session, its tokens and its TOTP enrolment are gone
    assert doctor.get("/api/me").status_code == 401
    assert token.get("/api/me").status_code == 401
    [row] = server.query("SELECT totp_enabled, totp_secret FROM users WHERE login = 'ltc.shimizu'")
    assert row == {"totp_enabled": 0, "totp_secret": None}
    assert pending_of(server, "ltc.shimizu") == {LTC: "reset"}
    # the organisation's administrators are told (members are not)
    [note] = server.query("SELECT * FROM notifications WHERE kind = 'account_reset'")
    assert note["org_id"] == LTC and note["audience"] == "admins"
    summary = json.loads(note["summary"])
    assert summary["by_network_office"] is True and summary["login"] == "ltc.shimizu"
    nurse = server.session("ltc.ishikawa")
    assert [n for n in nurse.get("/api/notifications").json()["items"]
            if n["kind"] == "account_reset"] == []
    # whoever knows the new password gets an account that sees no patient and administers nothing
    s = first_login(server, "ltc.shimizu")
    assert s.get("/api/me").json()["memberships"][0]["pending"] == "reset"
    assert_problem(s.get("/api/patients"), 403, "access.account_pending")
    assert_problem(s.get(f"/api/patients/{visible}"), 404, "patient.not_found")
    assert s.get("/fhir/Condition", params={"patient": visible}).json().get("entry", []) == []
    for method, path, body in (("GET", "/api/users", None), ("GET", "/api/audit", None),
                               ("POST", "/api/tokens", {"name": "x",
                                                        "user_id": helpers.user_id("ltc.ishikawa")}),
                               ("POST", f"/api/users/{helpers.user_id('ltc.shimizu')}/confirm",
                                None)):
        assert_problem(s.request(method, path, json=body), 403, "access.account_pending")
    # with no other administrator, whoever runs the server confirms it
    r = helpers.run_cli("user", "confirm", "--login", "ltc.shimizu", "--org", "minami-ltc",
                        "--data-dir", server.data_dir)
    assert r.returncode == 0, r.stderr
    assert s.get(f"/api/patients/{visible}").status_code == 200
    r = helpers.run_cli("user", "confirm", "--login", "ltc.shimizu", "--org", "minami-ltc",
                        "--data-dir", server.data_dir)
    assert r.returncode != 0 and "already confirmed" in r.stderr


def test_a_reset_by_the_organisation_ends_sessions_and_tokens(fresh_server):
    server = fresh_server
    renkei = server.session("gh.renkei")
    token = token_for(server, "gh.admin", "gh.renkei")
    server.execute("UPDATE users SET totp_enabled = 1, totp_secret = 'JBSWY3DPEHPK3PXP' "
                   "WHERE login = 'gh.renkei'")
    assert reset(server.session("gh.admin"), "gh.renkei").status_code == 204
    assert renkei.get("/api/me").status_code == 401 and token.get("/api/me").status_code == 401
    assert server.query("SELECT totp_enabled FROM users WHERE login = 'gh.renkei'") == [
        {"totp_enabled": 0}]
    assert pending_of(server, "gh.renkei") == {GH: None}  # its own administrator: no wait
    s = first_login(server, "gh.renkei")
    assert s.get(f"/api/patients/{YAMADA_HANAKO}").status_code == 200
    [note] = [n for n in server.session("gh.admin").get("/api/notifications").json()["items"]
              if n["kind"] == "account_reset"]
    assert note["ref_id"] == helpers.user_id("gh.renkei")
    assert note["summary"]["login"] == "gh.renkei" and not note["summary"]["by_network_office"]
    assert [n for n in server.session("gh.sato").get("/api/notifications").json()["items"]
            if n["kind"] == "account_reset"] == []


def test_an_account_the_office_creates_waits_for_another_administrator(fresh_server):
    server = fresh_server
    office = server.session("jimukyoku")
    r = office.post("/api/users", json={
        "login": "gh.haken", "name": "派遣 看護師", "profession": "nurse",
        "initial_password": NEW_PASSWORD, "memberships": [{"org_id": GH, "role": "org_admin"}]})
    assert r.status_code == 201, r.text
    uid = r.json()["id"]
    assert r.json()["memberships"][0]["pending"] == "created"
    s = first_login(server, "gh.haken")
    assert_problem(s.get(f"/api/patients/{YAMADA_HANAKO}"), 404, "patient.not_found")
    assert_problem(s.get("/api/users"), 403, "access.account_pending")
    assert_problem(s.post(f"/api/users/{uid}/confirm"), 403, "access.account_pending")
    # the office cannot confirm it, nor can another organisation's administrator
    assert_problem(office.post(f"/api/users/{uid}/confirm"), 403, "access.forbidden")
    assert_problem(server.session("uh.admin").post(f"/api/users/{uid}/confirm"), 404,
                   "user.not_found")
    # みなみ総合病院's administrator does
    r = server.session("gh.admin").post(f"/api/users/{uid}/confirm")
    assert r.status_code == 200 and r.json()["memberships"][0]["pending"] is None
    assert s.get(f"/api/patients/{YAMADA_HANAKO}").status_code == 200
    assert_problem(server.session("gh.admin").post(f"/api/users/{uid}/confirm"), 409,
                   "user.already_confirmed")
    # one's own account is confirmed by someone else
    assert_problem(s.post(f"/api/users/{helpers.user_id('gh.admin')}/confirm"), 409,
                   "user.already_confirmed")
    assert_problem(server.session("gh.admin").post(
        f"/api/users/{helpers.user_id('gh.admin')}/confirm"), 403, "access.forbidden")


def test_a_password_change_ends_the_users_api_tokens(fresh_server):
    server = fresh_server
    token = token_for(server, "gh.admin", "gh.sato")
    other = token_for(server, "gh.admin", "gh.renkei")
    assert token.get(f"/api/patients/{YAMADA_HANAKO}").status_code == 200
    s = login(server, "gh.sato")
    r = s.post("/api/auth/password", json={"current_password": helpers.DEMO_PASSWORD,
                                           "new_password": CHANGED})
    assert r.status_code == 200, r.text
    assert_problem(token.get("/api/me"), 401)
    assert other.get("/api/me").status_code == 200  # someone else's token stays
    [rec] = server.query("SELECT detail FROM audit WHERE event_id = 'auth.password_change' AND "
                         "user_login = 'gh.sato'")
    assert rec["detail"] == "1 API tokens revoked"
