# SPDX-License-Identifier: Apache-2.0
"""What ends someone's access takes effect on the very next request, however often the same
request was answered just before (issue 18 will cache sessions and access decisions: these tests
are what the caches must keep true). Each test first repeats the request it will watch, then
changes what access depends on — through the server, or through the command line, a process of
its own writing to the same store — and asserts that the next request is refused."""
import datetime
import uuid

import helpers
import referral_helpers as rh
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


def member_with_token(server, prefix):
    """A new member of みなみGH with an API token: (login, user id, a client using the token)."""
    login_name = f"{prefix}.{uuid.uuid4().hex[:6]}"
    uid = new_member(server, login_name)
    return login_name, uid, helpers.bearer(server, token_for(server, login_name))


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
    _, uid, api = member_with_token(server, "iv.member")
    warm(api, "/api/me")
    r = server.session("jimukyoku").patch(f"/api/users/{uid}", json={
        "memberships": [{"org_id": AOBA, "role": "member"}]})
    assert r.status_code == 200, r.text
    assert_problem(api.get("/api/me"), 401, "auth.required")


def test_a_token_revoked_from_the_command_line_fails_on_the_very_next_request(server):
    login_name, _, api = member_with_token(server, "iv.token")
    warm(api, "/api/me")
    listed = helpers.run_cli("token", "list", "--org", "minami-gh", "--data-dir", server.data_dir)
    [line] = [ln for ln in listed.stdout.splitlines() if login_name in ln]
    r = helpers.run_cli("token", "revoke", "--id", line.split()[0], "--data-dir",
                        server.data_dir)
    assert r.returncode == 0, r.stderr
    assert_problem(api.get("/api/me"), 401, "auth.required")


def test_a_user_disabled_from_the_command_line_is_logged_out_on_the_very_next_request(server):
    login_name, _, api = member_with_token(server, "iv.disabled")
    warm(api, "/api/me")
    r = helpers.run_cli("user", "disable", "--login", login_name, "--data-dir", server.data_dir)
    assert r.returncode == 0, r.stderr
    assert_problem(api.get("/api/me"), 401, "auth.required")


# ---- record shares, emergency grants and dates: what ends (or starts) with time ---------------

DAY_MS = 86400 * 1000


def token_of(server, org_code, login_name):
    """A bearer client of login_name in org_code, from a token made on the command line: it
    needs no login after the clock moves past the session time-out."""
    r = helpers.run_cli("token", "create", "--org", org_code, "--user", login_name,
                        "--data-dir", server.data_dir)
    assert r.returncode == 0, r.stderr
    return helpers.bearer(server, r.stdout.strip())


def referred_patient(server):
    """A patient of みなみ総合病院 whose consent names みなみ大学附属医療センター, referred to it:
    the referral shares the record; returns the patient and the referral."""
    patient = rh.new_patient(server, f"IV-{uuid.uuid4().hex[:10]}", share_with=[rh.UH])
    ref = rh.sent(server.session("gh.sato"), patient)
    assert ref["share"]["record_shared"] is True, ref
    return patient, ref


def server_now(server):
    """The server's clock (it moved 1 ms to tell)."""
    text = server.advance_clock(1)
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_an_ended_record_share_hides_the_patient_on_the_very_next_request(server):
    patient, ref = referred_patient(server)
    fujita = server.session("uh.fujita")
    warm(fujita, f"/api/patients/{patient}")
    warm(fujita, f"/fhir/Patient/{patient}")
    rh.step(fujita, ref["id"], "decline", {"reason": "専門外のため(検証)"})
    assert_problem(fujita.get(f"/api/patients/{patient}"), 404, "patient.not_found")
    assert fujita.get(f"/fhir/Patient/{patient}").status_code == 404


def test_a_record_share_past_its_window_hides_the_patient_on_the_very_next_request(
        start_server):
    server = start_server("--referral-share-days", "1")
    patient, _ = referred_patient(server)
    reader = token_of(server, "minami-uh", "uh.fujita")
    warm(reader, f"/api/patients/{patient}")
    server.advance_clock(DAY_MS + 60 * 1000)  # nothing is written: only the window ends
    assert_problem(reader.get(f"/api/patients/{patient}"), 404, "patient.not_found")
    assert reader.get(f"/fhir/Patient/{patient}").status_code == 404


def test_an_expired_emergency_grant_closes_the_record_on_the_very_next_request(start_server):
    server = start_server("--emergency-access-seconds", "120")
    nurse = server.session("ltc.ishikawa")  # nurse of a long-term care hospital
    r = nurse.post(f"/api/patients/{helpers.YAMADA_HANAKO}/emergency",
                   json={"reason": "意識障害で救急搬送(検証)"})
    assert r.status_code == 201, r.text
    warm(nurse, f"/api/patients/{helpers.YAMADA_HANAKO}")
    server.advance_clock(121 * 1000)  # within the session idle time-out: the session holds
    assert_problem(nurse.get(f"/api/patients/{helpers.YAMADA_HANAKO}"), 404, "patient.not_found")


def test_a_consent_dated_tomorrow_opens_the_record_when_the_day_comes(start_server):
    server = start_server()
    patient, consent = shared_patient(server)
    reader = token_of(server, "hikari-pharmacy", "ph.ito")
    now = server_now(server).astimezone(helpers.JST)
    tomorrow = now.date() + datetime.timedelta(days=1)
    # an operator corrects the date of the written consent: it counts from tomorrow
    server.execute("UPDATE consents SET consented_on = ? WHERE id = ?",
                   (tomorrow.isoformat(), consent))
    for _ in range(WARM):
        assert_problem(reader.get(f"/api/patients/{patient}"), 404, "patient.not_found")
    midnight = datetime.datetime.combine(tomorrow, datetime.time(), helpers.JST)
    server.advance_clock(int((midnight - now).total_seconds() * 1000) + 60 * 1000)
    r = reader.get(f"/api/patients/{patient}")
    assert r.status_code == 200, r.text


# ---- more changes from the command line --------------------------------------------------------

def test_a_password_reset_from_the_command_line_revokes_tokens_on_the_very_next_request(server):
    login_name, _, api = member_with_token(server, "iv.passwd")
    warm(api, "/api/me")
    r = helpers.run_cli("user", "passwd", "--login", login_name, "--data-dir", server.data_dir,
                        stdin="atarashii-pass-kensho-2\n")
    assert r.returncode == 0, r.stderr
    assert_problem(api.get("/api/me"), 401, "auth.required")


def test_a_membership_confirmed_from_the_command_line_opens_the_record_on_the_next_request(
        server):
    # created by the network office: awaiting confirmation
    login_name, _, api = member_with_token(server, "iv.confirm")
    path = f"/api/patients/{helpers.YAMADA_HANAKO}"  # minami-gh's patient
    for _ in range(WARM):
        assert_problem(api.get(path), 404, "patient.not_found")
    r = helpers.run_cli("user", "confirm", "--login", login_name, "--org", "minami-gh",
                        "--data-dir", server.data_dir)
    assert r.returncode == 0, r.stderr
    r = api.get(path)
    assert r.status_code == 200, r.text
