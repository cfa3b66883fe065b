# SPDX-License-Identifier: Apache-2.0
"""Two-factor authentication: enrolment, login with TOTP or a recovery code, replay refusal,
disabling, and enforcement by profession or organisation."""
import re
import urllib.parse

import helpers
from helpers import DEMO_PASSWORD, assert_problem, login, totp_code, wrong_totp_code


def enroll(session):
    r = session.post("/api/me/totp/enroll")
    assert r.status_code == 200, r.text
    body = r.json()
    secret = body["secret"]
    assert re.fullmatch(r"[A-Z2-7]{16,}", secret), secret
    uri = urllib.parse.urlparse(body["otpauth_uri"])
    assert uri.scheme == "otpauth" and uri.netloc == "totp"
    params = urllib.parse.parse_qs(uri.query)
    assert params["secret"] == [secret]
    assert params.get("digits", ["6"]) == ["6"] and params.get("period", ["30"]) == ["30"]
    assert "<svg" in body["qr_svg"] and "</svg>" in body["qr_svg"]
    return secret


def confirm(session, secret):
    r = session.post("/api/me/totp/confirm", json={"code": totp_code(secret)})
    assert r.status_code == 200, r.text
    codes = r.json()["recovery_codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    for code in codes:
        assert re.fullmatch(r"[2-9a-z]{4}-[2-9a-z]{4}-[2-9a-z]{4}", code), code
    return codes


def second_step(server, login_name, password=DEMO_PASSWORD):
    return login(server, login_name, password, expect_state="totp_required")


def test_the_totp_helper_follows_rfc_6238():
    # RFC 6238 appendix B, SHA-1 key "12345678901234567890", last six of the eight digits
    secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
    for at, code in ((59, "287082"), (1111111109, "081804"), (1234567890, "005924"),
                     (2000000000, "279037")):
        assert totp_code(secret, at=at) == code


def test_enroll_login_replay_recovery_and_disable(server):
    s = login(server, "gh.yamamoto")
    secret = enroll(s)
    # not active before confirmation
    assert s.get("/api/me").json()["user"]["totp_enabled"] is False
    login(server, "gh.yamamoto")
    assert_problem(s.post("/api/me/totp/confirm", json={"code": wrong_totp_code(secret)}), 401,
                   "auth.invalid_totp")
    assert_problem(s.post("/api/me/totp/confirm", json={"code": "12345"}), 401,
                   "auth.invalid_totp")
    recovery = confirm(s, secret)
    assert s.get("/api/me").json()["user"]["totp_enabled"] is True
    assert_problem(s.post("/api/me/totp/enroll"), 409, "auth.totp_state")

    # next login: the code is required before anything else works
    t = second_step(server, "gh.yamamoto")
    assert_problem(t.get("/api/patients"), 403, "auth.totp_required")
    assert_problem(t.get("/api/orgs"), 403, "auth.totp_required")
    assert t.get("/api/me").json()["state"] == "totp_required"
    assert_problem(t.post("/api/auth/totp", json={"code": wrong_totp_code(secret)}), 401,
                   "auth.invalid_totp")
    assert_problem(t.post("/api/auth/totp", json={}), 400, "request.field_missing")
    r = t.post("/api/auth/password", json={"current_password": DEMO_PASSWORD,
                                           "new_password": "skip-the-code-123"})
    assert_problem(r, 403, "auth.totp_required")
    # the confirmation used the current time step, so only a later step is fresh: the code of
    # the next step is within the accepted window
    fresh = totp_code(secret, step_offset=1)
    r = t.post("/api/auth/totp", json={"code": fresh})
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "active"
    assert t.get("/api/patients").status_code == 200
    assert_problem(t.post("/api/auth/totp", json={"code": fresh}), 409, "auth.totp_state")

    # the same code (same time step) cannot be used again
    u = second_step(server, "gh.yamamoto")
    assert_problem(u.post("/api/auth/totp", json={"code": fresh}), 401, "auth.invalid_totp")
    assert_problem(u.get("/api/patients"), 403, "auth.totp_required")

    # a recovery code works once, in any case and with or without dashes
    r = u.post("/api/auth/totp", json={"recovery_code": recovery[0].upper().replace("-", "")})
    assert r.status_code == 200 and r.json()["state"] == "active", r.text
    v = second_step(server, "gh.yamamoto")
    assert_problem(v.post("/api/auth/totp", json={"recovery_code": recovery[0]}), 401,
                   "auth.invalid_totp")
    assert_problem(v.post("/api/auth/totp", json={"recovery_code": "zzzz-zzzz-zzzz"}), 401,
                   "auth.invalid_totp")
    assert v.post("/api/auth/totp", json={"recovery_code": recovery[1]}).status_code == 200

    # turning it off needs the password
    assert_problem(v.post("/api/me/totp/disable", json={"password": "not-the-password"}), 403,
                   "auth.wrong_password")
    assert v.post("/api/me/totp/disable", json={"password": DEMO_PASSWORD}).status_code == 204
    assert v.get("/api/me").json()["user"]["totp_enabled"] is False
    login(server, "gh.yamamoto")  # straight to active
    events = [a["event_id"] for a in helpers.audit_rows(
        server, "user_id = ? AND event_id LIKE 'auth.totp%'", (helpers.user_id("gh.yamamoto"),))]
    assert "auth.totp_enabled" in events and "auth.totp_disabled" in events


def test_confirm_needs_enrolment_first(server):
    s = login(server, "gh.renkei")
    assert_problem(s.post("/api/me/totp/confirm", json={"code": "123456"}), 409,
                   "auth.totp_state")


def test_profession_policy_forces_enrolment(fresh_server):
    server = fresh_server
    admin = server.session("jimukyoku")
    assert admin.get("/api/policy/totp").json() == {"professions": []}
    r = admin.put("/api/policy/totp", json={"professions": ["pharmacist"]})
    assert r.status_code == 200 and r.json() == {"professions": ["pharmacist"]}
    assert server.session("gh.sato").get("/api/policy/totp").json() == {
        "professions": ["pharmacist"]}
    assert_problem(server.session("gh.admin").put("/api/policy/totp", json={"professions": []}),
                   403, "access.forbidden")
    assert_problem(admin.put("/api/policy/totp", json={"professions": ["astronaut"]}), 400,
                   "request.field_value")

    ito = login(server, "ph.ito", expect_state="enroll")
    assert ito.login_body["me"]["totp_required"] is True
    assert_problem(ito.get("/api/patients"), 403, "auth.totp_required")
    assert_problem(ito.get(f"/api/patients/{helpers.patient_id(1)}"), 403, "auth.totp_required")
    # other professions are not affected
    login(server, "gh.sato")

    secret = enroll(ito)
    confirm(ito, secret)
    assert ito.get("/api/me").json()["state"] == "active"
    assert ito.get("/api/patients").status_code == 200
    # required by policy: it cannot be turned off
    assert_problem(ito.post("/api/me/totp/disable", json={"password": DEMO_PASSWORD}), 409,
                   "auth.totp_enforced")
    t = second_step(server, "ph.ito")
    assert t.post("/api/auth/totp",
                  json={"code": totp_code(secret, step_offset=1)}).json()["state"] == "active"


def test_organisation_policy_forces_enrolment(fresh_server):
    server = fresh_server
    aoba = helpers.org_id("aoba-homecare")
    # another organisation's administrator cannot change it
    r = server.session("gh.admin").patch(f"/api/orgs/{aoba}", json={"totp_required": True})
    assert_problem(r, 403, "access.forbidden")
    r = server.session("aoba.tanaka").patch(f"/api/orgs/{aoba}", json={"totp_required": True})
    assert r.status_code == 200 and r.json()["totp_required"] is True
    nurse = login(server, "aoba.nakajima", expect_state="enroll")
    assert_problem(nurse.get("/api/patients"), 403, "auth.totp_required")
    login(server, "gh.sato")  # other organisations are not affected
    secret = enroll(nurse)
    confirm(nurse, secret)
    assert nurse.get("/api/patients").status_code == 200
    r = nurse.post("/api/me/totp/disable", json={"password": DEMO_PASSWORD})
    assert_problem(r, 409, "auth.totp_enforced")
    # the policy lifted, it can be turned off
    server.session("jimukyoku").patch(f"/api/orgs/{aoba}", json={"totp_required": False})
    assert nurse.post("/api/me/totp/disable", json={"password": DEMO_PASSWORD}).status_code == 204


def test_guessing_codes_locks_the_account(fresh_server):
    server = fresh_server
    s = login(server, "gh.renkei")
    secret = enroll(s)
    confirm(s, secret)
    t = second_step(server, "gh.renkei")
    for _ in range(5):
        assert_problem(t.post("/api/auth/totp", json={"code": wrong_totp_code(secret)}), 401,
                       "auth.invalid_totp")
    r = t.post("/api/auth/totp", json={"code": totp_code(secret, step_offset=1)})
    assert_problem(r, 429, "auth.locked")
    assert int(r.headers["Retry-After"]) > 0
    assert_problem(t.get("/api/patients"), 403, "auth.totp_required")
    # the lock is the account's: the password step is refused too
    r = server.anon().post("/api/auth/login", json={"login": "gh.renkei",
                                                    "password": DEMO_PASSWORD})
    assert_problem(r, 429, "auth.locked")
