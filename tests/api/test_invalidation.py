# SPDX-License-Identifier: Apache-2.0
"""What ends someone's access takes effect on the very next request, however often the same
request was answered just before (issue 18 will cache sessions and access decisions: these tests
are what the caches must keep true). Each test first repeats the request it will watch, then
changes what access depends on — through the server, or through the command line, a process of
its own writing to the same store — and asserts that the next request is refused."""
import uuid

import helpers
from helpers import assert_problem, org_id

AOBA, HIKARI, GH = org_id("aoba-homecare"), org_id("hikari-pharmacy"), org_id("minami-gh")
WARM = 5  # the same request answered this many times before the change


def warm(session, path):
    for _ in range(WARM):
        r = session.get(path)
        assert r.status_code == 200, r.text


def shared_patient(server):
    """A new patient of あおば在宅クリニック with ひかり薬局 on the team and a consent naming both."""
    tanaka = server.session("aoba.tanaka")
    r = tanaka.post("/api/patients", json=helpers.new_patient_body(f"IV-{uuid.uuid4().hex[:10]}"))
    assert r.status_code == 201, r.text
    patient = r.json()["id"]
    r = tanaka.post(f"/api/patients/{patient}/team", json={"org_id": HIKARI})
    assert r.status_code == 201, r.text
    r = tanaka.post(f"/api/patients/{patient}/consents", json={
        "org_ids": [AOBA, HIKARI], "scope": "all", "method": "written",
        "consented_on": helpers.tokyo_today().isoformat()})
    assert r.status_code == 201, r.text
    return patient, r.json()["id"]


def new_member(server, login_name):
    r = server.session("jimukyoku").post("/api/users", json={
        "login": login_name, "name": "検証 利用者", "name_kana": "ケンショウ リヨウシャ",
        "profession": "physician", "initial_password": "hajimete-no-pass-1",
        "memberships": [{"org_id": GH, "role": "member"}]})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def token_for(server, login_name):
    r = helpers.run_cli("token", "create", "--org", "minami-gh", "--user", login_name,
                        "--data-dir", server.data_dir)
    assert r.returncode == 0, r.stderr
    return r.stdout.strip()


def test_a_withdrawn_consent_hides_the_patient_on_the_very_next_request(server):
    patient, consent = shared_patient(server)
    ito = server.session("ph.ito")
    warm(ito, f"/api/patients/{patient}")
    r = server.session("aoba.tanaka").post(f"/api/patients/{patient}/consents/{consent}/withdraw",
                                           json={"reason": "共有の撤回(検証)"})
    assert r.status_code == 200, r.text
    assert_problem(ito.get(f"/api/patients/{patient}"), 404, "patient.not_found")
    assert ito.get(f"/fhir/Patient/{patient}").status_code == 404


def test_a_removed_team_member_loses_the_patient_on_the_very_next_request(server):
    patient, _ = shared_patient(server)
    ito = server.session("ph.ito")
    warm(ito, f"/api/patients/{patient}")
    team = server.session("aoba.tanaka").get(f"/api/patients/{patient}/team").json()["items"]
    member = next(m for m in team if m["org_id"] == HIKARI)
    r = server.session("aoba.tanaka").delete(f"/api/patients/{patient}/team/{member['id']}")
    assert r.status_code in (200, 204), r.text
    assert_problem(ito.get(f"/api/patients/{patient}"), 404, "patient.not_found")


def test_an_ended_membership_ends_the_session_on_the_very_next_request(server):
    uid = new_member(server, f"iv.member.{uuid.uuid4().hex[:6]}")
    api = helpers.bearer(server, token_for(server, server.query(
        "SELECT login FROM users WHERE id = ?", (uid,))[0]["login"]))
    warm(api, "/api/me")
    r = server.session("jimukyoku").patch(f"/api/users/{uid}", json={
        "memberships": [{"org_id": AOBA, "role": "member"}]})
    assert r.status_code == 200, r.text
    assert_problem(api.get("/api/me"), 401, "auth.required")


def test_a_token_revoked_from_the_command_line_fails_on_the_very_next_request(server):
    login_name = f"iv.token.{uuid.uuid4().hex[:6]}"
    new_member(server, login_name)
    api = helpers.bearer(server, token_for(server, login_name))
    warm(api, "/api/me")
    listed = helpers.run_cli("token", "list", "--org", "minami-gh", "--data-dir", server.data_dir)
    [line] = [ln for ln in listed.stdout.splitlines() if login_name in ln]
    r = helpers.run_cli("token", "revoke", "--id", line.split()[0], "--data-dir",
                        server.data_dir)
    assert r.returncode == 0, r.stderr
    assert_problem(api.get("/api/me"), 401, "auth.required")


def test_a_user_disabled_from_the_command_line_is_logged_out_on_the_very_next_request(server):
    login_name = f"iv.disabled.{uuid.uuid4().hex[:6]}"
    new_member(server, login_name)
    api = helpers.bearer(server, token_for(server, login_name))
    warm(api, "/api/me")
    r = helpers.run_cli("user", "disable", "--login", login_name, "--data-dir", server.data_dir)
    assert r.returncode == 0, r.stderr
    assert_problem(api.get("/api/me"), 401, "auth.required")
