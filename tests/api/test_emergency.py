# SPDX-License-Identifier: Apache-2.0
"""Break-the-glass emergency access (issue 3): a physician or nurse of a hospital that is not on
a patient's care team states a reason and reads the patient's emergency view for a limited time.
The access is decided in access/, shown as emergency access, audited (start, each read, reuse,
end), notifies the patient's team organisations and stays on the organisation administrators'
review list until closed with a comment."""
import helpers
from helpers import YAMADA_HANAKO, assert_problem

UH = helpers.org_id("minami-uh")       # advanced acute hospital, not on patient 0's team
GH = helpers.org_id("minami-gh")       # on patient 0's team
AOBA = helpers.org_id("aoba-homecare")  # on patient 0's team
BIRTH = "1941-04-12"                   # 山田 花子
REASON = "意識障害で救急搬送。アレルギーと服薬の確認のため"


def grants(server):
    return server.query("SELECT * FROM emergency_access ORDER BY started_at")


def start(session, patient=YAMADA_HANAKO, reason=REASON):
    body = {} if reason is None else {"reason": reason}
    return session.post(f"/api/patients/{patient}/emergency", json=body)


def audit_api(server, admin_login, patient=YAMADA_HANAKO):
    return helpers.fetch_all(server.session(admin_login), "/api/audit",
                             {"patient_id": patient})


def test_search_finds_by_exact_name_or_kana_and_birth_date(server):
    fujita = server.session("uh.fujita")
    r = fujita.post("/api/emergency/search", json={"name": "山田　花子", "birth_date": BIRTH})
    assert r.status_code == 200, r.text
    [hit] = [p for p in r.json()["items"] if p["id"] == YAMADA_HANAKO]
    assert hit == {"id": YAMADA_HANAKO, "name": "山田 花子", "name_kana": "ヤマダ ハナコ",
                   "birth_date": BIRTH, "sex": "female", "accessible": False}
    by_kana = fujita.post("/api/emergency/search",
                          json={"name_kana": "やまだ はなこ", "birth_date": BIRTH}).json()["items"]
    assert YAMADA_HANAKO in {p["id"] for p in by_kana}
    # exact match only: a part of the name or another birth date finds nothing
    for body in ({"name": "山田", "birth_date": BIRTH},
                 {"name": "山田 花子", "birth_date": "1941-04-13"}):
        r = fujita.post("/api/emergency/search", json=body)
        assert r.status_code == 200 and r.json()["items"] == [], r.text
    assert_problem(fujita.post("/api/emergency/search", json={"birth_date": BIRTH}), 400,
                   "request.field_missing")
    assert_problem(fujita.post("/api/emergency/search", json={"name": "山田 花子"}), 400,
                   "request.field_missing")
    # the search itself is audited with its query
    [rec] = helpers.audit_rows(server, "request_id = ?", (r.headers["X-Request-Id"],))
    assert rec["event_id"] == "emergency_search" and rec["action"] == "E"
    assert "birth_date=1941-04-13" in rec["detail"] and "山田 花子" in rec["detail"]


def test_refused_to_those_not_eligible(server):
    before = grants(server)
    cases = {
        "uh.admin": "emergency.not_eligible",       # clerk (org admin) of a hospital
        "rehab.kimura": "emergency.not_eligible",   # therapist at a hospital
        "vns.suzuki": "emergency.not_eligible",     # nurse, but a home-visit nursing station
        "cm.watanabe": "emergency.not_eligible",    # care manager
        "jimukyoku": "emergency.not_eligible",      # network administrator
    }
    for login_name, code in cases.items():
        s = server.session(login_name)
        body = assert_problem(start(s), 403, code)
        assert "医師・看護師" in body["title"]  # Japanese by default
        assert_problem(s.post("/api/emergency/search",
                              json={"name": "山田 花子", "birth_date": BIRTH}), 403, code)
        assert_problem(s.get(f"/api/patients/{YAMADA_HANAKO}"), 404, "patient.not_found")
    # a clerk created at a hospital is refused just the same
    admin = server.session("uh.admin")
    r = admin.post("/api/users", json={"login": "uh.clerk1", "name": "受付 一子",
                                       "name_kana": "ウケツケ イチコ", "profession": "clerk",
                                       "initial_password": "Kinkyu-Test-Passw0rd!",
                                       "memberships": [{"org_id": UH, "role": "member"}]})
    assert r.status_code == 201, r.text
    clerk = helpers.login(server, "uh.clerk1", "Kinkyu-Test-Passw0rd!",
                          expect_state="password_change_required")
    r = clerk.post("/api/auth/password", json={"current_password": "Kinkyu-Test-Passw0rd!",
                                               "new_password": "Kinkyu-Test-Passw0rd-2!"})
    assert r.status_code in (200, 204), r.text
    assert_problem(start(clerk), 403, "emergency.not_eligible")
    assert grants(server) == before


def test_refused_without_reason_and_when_not_needed(server):
    fujita = server.session("uh.fujita")
    before = helpers.store_snapshot(server)
    for reason in (None, "", "   ", "\u3000\n", "\u200b", "\u200b\ufeff\u2060", "\u0301"):
        assert_problem(start(fujita, reason=reason), 400, "emergency.reason_required")
    assert_problem(start(fujita, reason="x" * 1001), 400, "request.field_too_long")
    assert helpers.store_snapshot(server) == before
    assert_problem(fujita.get(f"/api/patients/{YAMADA_HANAKO}"), 404, "patient.not_found")
    # on the care team with consent: normal access, no need to break the glass
    assert_problem(start(server.session("gh.sato")), 409, "emergency.not_needed")
    # an unknown patient
    assert_problem(start(fujita, patient="3f1d2c4b-5a69-4788-9a0b-1c2d3e4f5a6b"), 404,
                   "patient.not_found")
    assert helpers.store_snapshot(server) == before


def test_grant_opens_the_emergency_view_only_and_is_audited(fresh_server):
    server = fresh_server
    fujita = server.session("uh.fujita")
    r = start(fujita)
    assert r.status_code == 201, r.text
    grant = r.json()
    gid = grant["id"]
    assert grant["status"] == "active" and grant["reason"] == REASON
    assert grant["patient"]["id"] == YAMADA_HANAKO and grant["user"]["name"] == "藤田 真理"
    assert grant["org"]["id"] == UH and 86390 <= grant["remaining_seconds"] <= 86400

    # demographics readable, marked as emergency access
    r = fujita.get(f"/api/patients/{YAMADA_HANAKO}")
    assert r.status_code == 200, r.text
    assert r.headers["X-Tsunagu-Emergency-Access"] == gid
    assert r.json()["name"] == "山田 花子"
    read_request = r.headers["X-Request-Id"]
    # nothing else: no consent history, team, changes or local ids
    for path in ("consents", "team"):
        assert_problem(fujita.get(f"/api/patients/{YAMADA_HANAKO}/{path}"), 404)
    assert_problem(fujita.patch(f"/api/patients/{YAMADA_HANAKO}", json={"phone": "1"}), 404)
    # normal searches stay as they were
    assert YAMADA_HANAKO not in {p["id"] for p in fujita.get(
        "/api/patients", params={"q": "山田花子"}).json()["items"]}
    # the same user in another organisation, or another user of the hospital: no access
    assert_problem(server.session("uh.admin").get(f"/api/patients/{YAMADA_HANAKO}"), 404)

    # the caller's active grants (for the banner)
    active = fujita.get("/api/emergency/active").json()["items"]
    assert [g["id"] for g in active] == [gid]

    # a second use within the window needs no reason, gives the same grant, and is audited
    r = start(fujita, reason=None)
    assert r.status_code == 200 and r.json()["id"] == gid, r.text
    reuse_request = r.headers["X-Request-Id"]
    assert len(grants(server)) == 1

    # ending it early
    r = fujita.post(f"/api/emergency/{gid}/end")
    assert r.status_code == 200 and r.json()["status"] == "ended", r.text
    assert_problem(fujita.get(f"/api/patients/{YAMADA_HANAKO}"), 404)
    assert fujita.get("/api/emergency/active").json()["items"] == []
    assert_problem(fujita.post(f"/api/emergency/{gid}/end"), 404, "emergency.not_found")

    # the audit trail: start with the reason, the emergency read, the reuse, the end
    items = audit_api(server, "uh.admin")
    by_event = {}
    for rec in items:
        by_event.setdefault(rec["event_id"], []).append(rec)
    [started] = by_event["emergency.start"]
    assert REASON in started["detail"] and "emergency override start" in started["detail"]
    assert started["object_id"] == gid and started["user_id"] == helpers.user_id("uh.fujita")
    [read] = [x for x in by_event["patients_read"] if x["request_id"] == read_request]
    assert read["outcome"] == 0 and read["detail"] == f"emergency access {gid}"
    [reused] = by_event["emergency.reuse"]
    assert reused["request_id"] == reuse_request and reused["object_id"] == gid
    [ended] = by_event["emergency.end"]
    assert ended["object_id"] == gid and "ended by the user" in ended["detail"]


def test_grant_expires_and_its_end_is_audited(start_server):
    server = start_server("--emergency-access-seconds", "2")
    nurse = server.session("ltc.ishikawa")  # nurse of a long-term care hospital
    r = start(nurse)
    assert r.status_code == 201, r.text
    gid = r.json()["id"]
    assert r.json()["remaining_seconds"] <= 2
    r = nurse.get(f"/api/patients/{YAMADA_HANAKO}")
    assert r.status_code in (200, 404)  # may already have expired on a slow machine
    helpers.wait_until(
        lambda: nurse.get(f"/api/patients/{YAMADA_HANAKO}").status_code == 404, 30,
        "the emergency access to expire")

    def end_record():
        return [x for x in audit_api(server, "ltc.shimizu")
                if x["event_id"] == "emergency.end" and x["object_id"] == gid]

    [rec] = helpers.wait_until(end_record, 30, "the audit record of the expiry")
    assert rec["detail"] == "emergency override end: expired" and rec["action"] == "E"
    assert rec["user_id"] == helpers.user_id("ltc.ishikawa")
    [row] = grants(server)
    assert row["end_reason"] == "expired" and row["ended_at"] is not None
    # after expiry a new use needs a reason again
    assert_problem(start(nurse, reason=None), 400, "emergency.reason_required")


def test_team_is_notified_and_admin_reviews(fresh_server):
    server = fresh_server
    fujita = server.session("uh.fujita")
    tanaka = server.session("aoba.tanaka")
    # the demo's own notices (e.g. home care's urgent timeline post): none about an emergency
    before = {login_name: server.session(login_name).get("/api/notifications").json()
              for login_name in ("aoba.tanaka", "gh.sato", "ph.ito")}
    assert not [n for b in before.values() for n in b["items"] if n["kind"] == "emergency_access"]
    gid = start(fujita).json()["id"]

    def emergency_notes(body):
        return [n for n in body["items"] if n["kind"] == "emergency_access"]

    # every organisation of the care team is notified at once
    for login_name in ("aoba.tanaka", "gh.sato"):
        body = server.session(login_name).get("/api/notifications").json()
        assert body["unread"] == before[login_name]["unread"] + 1, body
        [n] = emergency_notes(body)
        assert n["kind"] == "emergency_access" and n["read_at"] is None
        assert n["patient"] == {"id": YAMADA_HANAKO, "name": "山田 花子"}
        assert n["ref_id"] == gid
        assert n["summary"]["user_name"] == "藤田 真理" and n["summary"]["reason"] == REASON
        assert n["summary"]["org_name"] == "みなみ大学附属医療センター"
    # organisations not on the team are not
    assert server.session("ph.ito").get("/api/notifications").json() == before["ph.ito"]
    assert server.session("uh.fujita").get("/api/notifications").json()["items"] == []
    # marking read: for the organisation, not for others
    [n] = emergency_notes(tanaka.get("/api/notifications").json())
    nid = n["id"]
    assert_problem(server.session("ph.ito").post(f"/api/notifications/{nid}/read"), 404,
                   "notification.not_found")
    r = tanaka.post(f"/api/notifications/{nid}/read")
    assert r.status_code == 204, r.text
    body = server.session("aoba.nakajima").get("/api/notifications").json()
    assert body["unread"] == before["aoba.tanaka"]["unread"]
    assert emergency_notes(body)[0]["read_by"]["name"] == "田中 誠"
    assert (server.session("gh.sato").get("/api/notifications").json()["unread"] ==
            before["gh.sato"]["unread"] + 1)

    # the review list of the hospital's administrator
    admin = server.session("uh.admin")
    [item] = admin.get("/api/emergency/reviews").json()["items"]
    assert item["id"] == gid and item["review"]["closed_at"] is None
    assert item["reason"] == REASON and item["user"]["id"] == helpers.user_id("uh.fujita")
    assert server.session("gh.admin").get("/api/emergency/reviews").json()["items"] == []
    assert_problem(fujita.get("/api/emergency/reviews"), 403, "access.forbidden")
    # closing requires the access to be over and a comment
    assert_problem(admin.post(f"/api/emergency/{gid}/review", json={"comment": "確認済み"}),
                   409, "emergency.still_active")
    fujita.post(f"/api/emergency/{gid}/end")
    for body in ({}, {"comment": "  "}, {"comment": "\u200b"}, {"comment": "\u3000\u2060"}):
        assert_problem(admin.post(f"/api/emergency/{gid}/review", json=body), 400,
                       "emergency.comment_required")
    assert_problem(server.session("gh.admin").post(f"/api/emergency/{gid}/review",
                                                   json={"comment": "他院"}), 404)
    r = admin.post(f"/api/emergency/{gid}/review", json={"comment": "救急外来で妥当な利用"})
    assert r.status_code == 200, r.text
    assert r.json()["review"]["comment"] == "救急外来で妥当な利用"
    assert r.json()["review"]["closed_by"]["id"] == helpers.user_id("uh.admin")
    assert admin.get("/api/emergency/reviews").json()["items"] == []
    assert [g["id"] for g in admin.get("/api/emergency/reviews",
                                       params={"status": "closed"}).json()["items"]] == [gid]
    assert len(admin.get("/api/emergency/reviews", params={"status": "all"}).json()["items"]) == 1
    assert_problem(admin.get("/api/emergency/reviews", params={"status": "x"}), 400)
    assert_problem(admin.post(f"/api/emergency/{gid}/review", json={"comment": "再"}), 409,
                   "emergency.review_closed")
    [rec] = [x for x in audit_api(server, "uh.admin") if x["event_id"] == "emergency.review"]
    assert "救急外来で妥当な利用" in rec["detail"]


def test_concurrent_starts_make_one_grant(fresh_server):
    from concurrent.futures import ThreadPoolExecutor
    server = fresh_server
    sessions = [helpers.login(server, "uh.fujita") for _ in range(6)]
    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(start, sessions))
    assert sorted(r.status_code for r in answers) == [200] * 5 + [201], [r.text for r in answers]
    assert len({r.json()["id"] for r in answers}) == 1
    assert len(grants(server)) == 1


def test_fhir_emergency_view_is_limited_and_marked(fresh_server):
    """Under a grant the FHIR API shows the emergency view (allergies, problems, medications,
    contraindications, documents) marked as emergency access, and nothing else."""
    server = fresh_server
    fujita = server.session("uh.fujita")
    assert fujita.get("/fhir/AllergyIntolerance", params={"patient": YAMADA_HANAKO}).json()[
        "total"] == 0
    gid = start(fujita).json()["id"]
    allergies = fujita.get("/fhir/AllergyIntolerance", params={"patient": YAMADA_HANAKO})
    assert allergies.status_code == 200 and allergies.json()["total"] >= 1
    one = allergies.json()["entry"][0]["resource"]["id"]
    read = fujita.get(f"/fhir/AllergyIntolerance/{one}")
    assert read.status_code == 200 and read.headers["X-Tsunagu-Emergency-Access"] == gid
    for t in ("Condition", "MedicationRequest", "Flag", "DocumentReference"):
        assert fujita.get(f"/fhir/{t}", params={"patient": YAMADA_HANAKO}).json()["total"] >= 1
    labs = fujita.get("/fhir/Observation", params={"patient": YAMADA_HANAKO}).json()
    assert labs["total"] == 0
    assert fujita.get(f"/fhir/Patient/{YAMADA_HANAKO}/$everything").status_code == 404
    assert fujita.post("/fhir/AllergyIntolerance", json={
        "resourceType": "AllergyIntolerance", "patient": {"reference": f"Patient/{YAMADA_HANAKO}"},
        "code": {"text": "x"}}).status_code == 403
    assert fujita.get(f"/fhir/Patient/{YAMADA_HANAKO}").status_code == 200
    # each read says once that it came through the grant
    reads = server.query("SELECT detail FROM audit WHERE event_id = 'fhir_read' AND "
                         "object_id IN (?, ?)", (one, YAMADA_HANAKO))
    assert reads and all(r["detail"] == f"emergency access {gid}" for r in reads), reads


def test_review_shows_what_the_access_opened(fresh_server):
    """Issue 13, item 12: the review lists what the grant opened, from the audit, and only that."""
    server = fresh_server
    fujita, admin = server.session("uh.fujita"), server.session("uh.admin")
    gid = start(fujita).json()["id"]
    assert fujita.get(f"/api/patients/{YAMADA_HANAKO}").status_code == 200
    assert fujita.get("/fhir/AllergyIntolerance",
                      params={"patient": YAMADA_HANAKO}).status_code == 200
    # the review may not close while it runs, but what it opened so far is listed
    running = admin.get(f"/api/emergency/{gid}/opened")
    assert running.status_code == 200, running.text
    assert [(o["event_id"], o["object_type"]) for o in running.json()["items"]] == [
        ("patients_read", "patient"), ("fhir_search_get", "AllergyIntolerance")]
    assert fujita.post(f"/api/emergency/{gid}/end").status_code == 200
    # after the end nothing more is opened through it; another patient's records never show
    server.session("gh.sato").get(f"/api/patients/{YAMADA_HANAKO}")
    items = admin.get(f"/api/emergency/{gid}/opened").json()["items"]
    assert [o["event_id"] for o in items] == ["patients_read", "fhir_search_get"]
    assert set(items[0]) == {"seq", "time", "event_id", "action", "object_type", "object_id"}
    # reading it is audited with the patient; another organisation gets a 404
    [rec] = helpers.audit_rows(server, "request_id = ?",
                               (running.headers["X-Request-Id"],))
    assert rec["event_id"] == "emergency_opened" and rec["patient_id"] == YAMADA_HANAKO
    assert_problem(server.session("gh.admin").get(f"/api/emergency/{gid}/opened"), 404,
                   "emergency.not_found")
    assert_problem(fujita.get(f"/api/emergency/{gid}/opened"), 403, "access.forbidden")
