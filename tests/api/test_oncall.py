# SPDX-License-Identifier: Apache-2.0
"""On-call and backup (issue 17, src/oncall/, docs/api/oncall.md): rosters and swaps, who is on
call at an instant, who to call now for a patient, backup partnerships, and the backup access a
declaration opens through the access rule (access/standby.c), from its start to its end."""
import datetime
import uuid

import helpers
from helpers import assert_problem, now_utc, org_id, patient_id, tokyo_today, user_id

AOBA, SAKURA, VNS = org_id("aoba-homecare"), org_id("sakura-clinic"), org_id("minami-vns")
HIKARI, GH = org_id("hikari-pharmacy"), org_id("minami-gh")
SATO_ICHIRO = patient_id(1)  # team and consent: minami-gh, sakura, aoba, minami-vns, ...
JST = datetime.timezone(datetime.timedelta(hours=9))
HOUR = datetime.timedelta(hours=1)


def iso(t):
    return t.isoformat(timespec="milliseconds")


def evening(days_ahead):
    """18:00 Asia/Tokyo, days_ahead days after today: far beyond the demo's roster."""
    day = tokyo_today() + datetime.timedelta(days=days_ahead)
    return datetime.datetime(day.year, day.month, day.day, 18, tzinfo=JST)


def shift(session, start, hours, primary, backup=None, **extra):
    body = {"starts_at": iso(start), "ends_at": iso(start + hours * HOUR), "phone": "099-555-7001",
            "primary_user_id": user_id(primary), **extra}
    if backup:
        body["backup_user_id"] = user_id(backup)
    r = session.post("/api/oncall/shifts", json=body)
    assert r.status_code == 201, r.text
    return r.json()["id"]


def on_call(session, at):
    r = session.get("/api/oncall/now", params={"at": iso(at)})
    assert r.status_code == 200, r.text
    return r.json()


def test_roster_answers_who_is_on_call_at_an_instant(server):
    admin, nurse = server.session("aoba.tanaka"), server.session("aoba.nakajima")
    start = evening(200)
    sid = shift(admin, start, 15, "aoba.nakajima", "aoba.tanaka", backup_phone="099-555-7002",
                note="夜間・翌朝まで")
    now = on_call(nurse, start + HOUR)  # any member asks
    assert now["found"] and now["shift_id"] == sid
    assert now["primary"] == {"id": user_id("aoba.nakajima"), "name": "中島 亜希",
                              "profession": "nurse", "phone": "099-555-7001"}
    assert now["backup"]["id"] == user_id("aoba.tanaka")
    assert now["backup"]["phone"] == "099-555-7002"
    # the end is exclusive, and before the start nobody of the roster is on call
    assert not on_call(nurse, start + 15 * HOUR)["found"]
    assert not on_call(nurse, start - datetime.timedelta(minutes=1))["found"]
    # the next morning, 08:59 Asia/Tokyo, still the same shift
    assert on_call(admin, start + 14 * HOUR + 59 * datetime.timedelta(minutes=1))["found"]
    listed = admin.get("/api/oncall/shifts", params={"from": iso(start - HOUR),
                                                     "to": iso(start + 2 * HOUR)}).json()["items"]
    assert [s["id"] for s in listed] == [sid]
    assert listed[0]["note"] == "夜間・翌朝まで" and listed[0]["swaps"] == []
    # another organisation's roster does not answer for this one
    assert not on_call(server.session("vns.suzuki"), start + HOUR)["found"]


def test_administrator_cancels_a_shift(server):
    admin, nurse = server.session("aoba.tanaka"), server.session("aoba.nakajima")
    start = evening(205)
    sid = shift(admin, start, 15, "aoba.nakajima")
    assert on_call(nurse, start + HOUR)["backup"] is None
    assert_problem(nurse.delete(f"/api/oncall/shifts/{sid}"), 403)
    assert_problem(server.session("vns.kato").delete(f"/api/oncall/shifts/{sid}"), 404,
                   "oncall.shift_not_found")
    r = admin.delete(f"/api/oncall/shifts/{sid}")
    assert r.status_code == 200, r.text
    assert not on_call(nurse, start + HOUR)["found"]
    assert admin.get("/api/oncall/shifts", params={"from": iso(start)}).json()["items"] == []
    assert_problem(admin.delete(f"/api/oncall/shifts/{sid}"), 404, "oncall.shift_not_found")
    assert helpers.audit_rows(server, "event_id = 'oncall.shift_cancel' AND object_id = ?", (sid,))


def test_swap_hands_a_role_to_another_member_and_records_both(server):
    admin, suzuki, ikeda = (server.session(n) for n in ("vns.kato", "vns.suzuki", "vns.ikeda"))
    start = evening(210)
    sid = shift(admin, start, 12, "vns.suzuki", "vns.kato")
    # one who holds no role of the shift may not hand it over
    assert_problem(ikeda.post(f"/api/oncall/shifts/{sid}/swap",
                              json={"role": "primary", "to_user_id": user_id("vns.ikeda")}),
                   403, "oncall.not_holder")
    # a member of another organisation is no one to hand it to
    assert_problem(suzuki.post(f"/api/oncall/shifts/{sid}/swap",
                               json={"role": "primary", "to_user_id": user_id("aoba.tanaka")}),
                   422, "oncall.not_member")
    r = suzuki.post(f"/api/oncall/shifts/{sid}/swap",
                    json={"role": "primary", "to_user_id": user_id("vns.ikeda"),
                          "reason": "子の発熱のため"})
    assert r.status_code == 200, r.text
    now = on_call(admin, start + HOUR)
    assert now["primary"]["id"] == user_id("vns.ikeda")
    assert now["backup"]["id"] == user_id("vns.kato")
    listed = admin.get("/api/oncall/shifts", params={"from": iso(start)}).json()["items"]
    swaps = next(s for s in listed if s["id"] == sid)["swaps"]
    assert len(swaps) == 1
    assert swaps[0]["role"] == "primary" and swaps[0]["reason"] == "子の発熱のため"
    assert swaps[0]["from"]["id"] == user_id("vns.suzuki")
    assert swaps[0]["to"]["id"] == user_id("vns.ikeda")
    # handing a role to the one holding the other: the two trade roles (the administrator may)
    r = admin.post(f"/api/oncall/shifts/{sid}/swap",
                   json={"role": "backup", "to_user_id": user_id("vns.ikeda")})
    assert r.status_code == 200, r.text
    now = on_call(admin, start + HOUR)
    assert now["primary"]["id"] == user_id("vns.kato")
    assert now["backup"]["id"] == user_id("vns.ikeda")
    audit = helpers.audit_rows(server, "event_id = 'oncall.shift_swap' AND object_id = ?", (sid,))
    assert len(audit) == 2
    # another organisation's shift is not found
    assert_problem(server.session("aoba.tanaka").post(
        f"/api/oncall/shifts/{sid}/swap",
        json={"role": "primary", "to_user_id": user_id("aoba.tanaka")}), 404,
        "oncall.shift_not_found")


def test_roster_refuses_bad_shifts_and_changes_nothing(server):
    admin = server.session("aoba.tanaka")
    start = evening(220)
    good = {"starts_at": iso(start), "ends_at": iso(start + HOUR), "phone": "099-555-7001",
            "primary_user_id": user_id("aoba.nakajima")}
    before = helpers.store_snapshot(server)
    for change, status, code in [
            ({"ends_at": iso(start - HOUR)}, 422, "oncall.time"),
            ({"ends_at": iso(start + 15 * 24 * HOUR)}, 422, "oncall.time"),
            ({"starts_at": start.date().isoformat()}, 422, "oncall.time"),
            ({"starts_at": iso(start + 400 * 24 * HOUR),
              "ends_at": iso(start + 401 * 24 * HOUR)}, 422, "oncall.time"),
            ({"primary_user_id": user_id("vns.suzuki")}, 422, "oncall.not_member"),
            ({"backup_user_id": user_id("aoba.nakajima")}, 400, "request.field_value"),
            ({"phone": "call me"}, 400, "request.field_value")]:
        assert_problem(admin.post("/api/oncall/shifts", json={**good, **change}), status, code)
    # a member who does not administer the organisation adds no shift
    assert_problem(server.session("aoba.nakajima").post("/api/oncall/shifts", json=good), 403)
    assert helpers.store_snapshot(server) == before
    assert_problem(admin.get("/api/oncall/shifts", params={"from": "yesterday"}), 400,
                   "request.bad_query")
    assert_problem(admin.get("/api/oncall/now", params={"at": "now"}), 400, "request.bad_query")


def test_demo_roster_answers_who_to_call_now_for_a_patient(server):
    """The demo's rosters cover now: for 佐藤 一郎, every team organisation with consent, its
    phone and who is on call now; an organisation on the team without consent is not listed."""
    r = server.session("gh.sato").get(f"/api/patients/{SATO_ICHIRO}/oncall")
    assert r.status_code == 200, r.text
    items = {o["id"]: o for o in r.json()["items"]}
    assert {AOBA, VNS, GH} <= set(items)
    aoba = items[AOBA]
    assert aoba["name"] == "あおば在宅クリニック" and aoba["phone"]
    assert aoba["on_call"]["found"] and aoba["on_call"]["primary"]["phone"] == "099-555-0101"
    assert aoba["on_call"]["primary"]["id"] in {user_id("aoba.tanaka"), user_id("aoba.nakajima")}
    assert aoba["on_call"]["backup"]["phone"] == "099-555-0102"
    assert items[VNS]["on_call"]["primary"]["phone"] == "099-555-0201"
    assert items[GH]["on_call"]["found"] is False and aoba["declaration"] is None
    audit = helpers.audit_rows(server, "event_id = 'oncall_patient' AND patient_id = ?",
                               (SATO_ICHIRO,))
    assert audit and audit[-1]["user_login"] == "gh.sato"


def test_who_to_call_now_follows_the_clock(start_server):
    """A shift a month ahead answers "who do I call now" once the server's clock is there."""
    first = start_server()
    ahead = now_utc() + datetime.timedelta(days=30)
    sid = shift(first.session("aoba.tanaka"), ahead - HOUR, 3, "aoba.nakajima", "aoba.tanaka",
                phone="099-555-7301")
    before = first.session("gh.sato").get(f"/api/patients/{SATO_ICHIRO}/oncall").json()["items"]
    assert next(o for o in before if o["id"] == AOBA)["on_call"]["shift_id"] != sid
    first.stop()
    later = start_server(data_dir=first.data_dir,
                         clock_shift_days=helpers.CLOCK_SHIFT_DAYS + 30)
    r = later.session("gh.sato").get(f"/api/patients/{SATO_ICHIRO}/oncall")
    assert r.status_code == 200, r.text
    items = {o["id"]: o for o in r.json()["items"]}
    aoba = items[AOBA]["on_call"]
    assert aoba["shift_id"] == sid and aoba["primary"]["phone"] == "099-555-7301"
    assert aoba["primary"]["name"] == "中島 亜希" and aoba["backup"]["name"] == "田中 誠"
    assert items[VNS]["on_call"]["found"] is False  # the demo's roster ends two weeks ahead
    later.stop()


def test_demo_has_rosters_a_partnership_and_dependence(server):
    rows = server.query("SELECT o.code, COUNT(*) AS n FROM oncall_shifts s JOIN orgs o ON o.id = "
                        "s.org_id WHERE s.created_by IS NOT NULL GROUP BY o.code")
    counts = {r["code"]: r["n"] for r in rows}
    assert counts.get("aoba-homecare", 0) >= 21 and counts.get("minami-vns", 0) >= 21
    assert server.query("SELECT COUNT(*) AS n FROM oncall_swaps")[0]["n"] >= 2
    deps = server.query("SELECT ventilator, oxygen, dialysis FROM oncall_dependence WHERE "
                        "set_by_org = ?", (AOBA,))
    assert {(1, 0, 0), (0, 1, 0), (0, 0, 1)} <= {tuple(d.values()) for d in deps}


def test_who_to_call_lists_no_organisation_without_consent(server):
    tanaka = server.session("aoba.tanaka")
    patient = register(tanaka, [AOBA])
    r = tanaka.post(f"/api/patients/{patient}/team", json={"org_id": HIKARI})
    assert r.status_code == 201, r.text
    items = tanaka.get(f"/api/patients/{patient}/oncall").json()["items"]
    assert [o["id"] for o in items] == [AOBA]
    # and the organisation without consent cannot ask
    assert_problem(server.session("ph.ito").get(f"/api/patients/{patient}/oncall"), 404,
                   "patient.not_found")


def test_partnership_is_named_and_accepted(server):
    kato, yoshida = server.session("vns.kato"), server.session("ph.yoshida")
    r = kato.post("/api/oncall/partners", json={"partner_org_id": HIKARI})
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    assert_problem(kato.post("/api/oncall/partners", json={"partner_org_id": HIKARI}), 409,
                   "oncall.partner_exists")
    assert_problem(yoshida.post("/api/oncall/partners", json={"partner_org_id": VNS}), 409,
                   "oncall.partner_exists")
    assert_problem(kato.post("/api/oncall/partners", json={"partner_org_id": VNS}), 400,
                   "request.field_value")
    assert_problem(kato.post("/api/oncall/partners", json={"partner_org_id": str(uuid.uuid4())}),
                   422, "oncall.org_unknown")
    # only the named organisation accepts
    assert_problem(kato.post(f"/api/oncall/partners/{pid}/accept"), 404,
                   "oncall.partner_not_found")
    mine = {p["id"]: p for p in yoshida.get("/api/oncall/partners").json()["items"]}
    assert mine[pid]["accepted_at"] is None and mine[pid]["org"]["id"] == VNS
    r = yoshida.post(f"/api/oncall/partners/{pid}/accept")
    assert r.status_code == 200, r.text
    assert_problem(yoshida.post(f"/api/oncall/partners/{pid}/accept"), 404,
                   "oncall.partner_not_found")
    theirs = {p["id"]: p for p in kato.get("/api/oncall/partners").json()["items"]}
    assert theirs[pid]["accepted_at"] and theirs[pid]["partner"]["id"] == HIKARI
    # the demo's partnership: あおば在宅クリニック ↔ さくらクリニック, accepted
    demo = server.session("sc.admin").get("/api/oncall/partners").json()["items"]
    assert any(p["org"]["id"] == AOBA and p["accepted_at"] for p in demo)


# ---- backup access: starts and ends with the declaration --------------------------------------

def register(session, orgs):
    """A new patient registered by session's organisation, with a consent naming orgs."""
    r = session.post("/api/patients",
                     json=helpers.new_patient_body(f"OC-{uuid.uuid4().hex[:10]}"))
    assert r.status_code == 201, r.text
    patient = r.json()["id"]
    r = session.post(f"/api/patients/{patient}/consents",
                     json={"org_ids": orgs, "scope": "all", "method": "written",
                           "consented_on": tokyo_today().isoformat()})
    assert r.status_code == 201, r.text
    return patient


def reads(session, patient):
    """The status of the patient, its record and its schedule, and of two writes, as session."""
    return [session.get(f"/api/patients/{patient}").status_code,
            session.get(f"/fhir/Patient/{patient}").status_code,
            session.get(f"/api/patients/{patient}/homecare/schedule").status_code]


def writes(session, patient):
    return [session.patch(f"/api/patients/{patient}", json={"phone": "099-555-0000"}).status_code,
            session.get(f"/api/patients/{patient}/consents").status_code,
            session.put(f"/api/patients/{patient}/oncall/dependence",
                        json={"ventilator": True, "oxygen": False,
                              "dialysis": False}).status_code]


def declare(session, minutes=60, seconds=None):
    end = now_utc() + (datetime.timedelta(seconds=seconds) if seconds
                       else datetime.timedelta(minutes=minutes))
    r = session.post("/api/oncall/declarations",
                     json={"reason": "disaster", "note": "地震で停電", "planned_end_at": iso(end)})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def test_backup_access_starts_and_ends_with_the_declaration(fresh_server):
    server = fresh_server
    tanaka, sakura, ito = (server.session(n) for n in ("aoba.tanaka", "sc.admin", "ph.ito"))
    named = register(tanaka, [AOBA, SAKURA, HIKARI])  # consent names the partner (and a pharmacy)
    unnamed = register(tanaka, [AOBA])                # consent does not name the partner
    r = tanaka.put(f"/api/patients/{named}/oncall/dependence",
                   json={"ventilator": True, "oxygen": True, "dialysis": False})
    assert r.status_code == 200, r.text
    office = server.session("jimukyoku")
    assert office.get("/api/oncall/disaster").json()["items"] == []
    # before: the partner sees nothing
    assert reads(sakura, named) == [404, 404, 404]
    did = declare(tanaka)
    # during: the partner reads the patient, the record and the schedule; never writes
    assert reads(sakura, named) == [200, 200, 200]
    assert writes(sakura, named) == [404, 404, 404]
    assert reads(sakura, unnamed) == [404, 404, 404]
    assert reads(ito, named) == [404, 404, 404]  # named by the consent, but no partner
    # the partner is told, without a patient
    told = [n for n in sakura.get("/api/notifications").json()["items"]
            if n["kind"] == "oncall_declaration"]
    assert [n["ref_id"] for n in told] == [did] and told[0]["patient"] is None
    assert told[0]["summary"]["org_id"] == AOBA and told[0]["summary"]["reason"] == "disaster"
    grant = server.query("SELECT id FROM standby_grants WHERE declaration_id = ?", (did,))
    assert len(grant) == 1
    seen = helpers.audit_rows(server, "event_id = 'patients_read' AND patient_id = ? AND "
                              "user_login = 'sc.admin' AND outcome = 0", (named,))
    assert seen and f"standby grant {grant[0]['id']}" in seen[-1]["detail"]
    # every read through the grant names it: the record (FHIR) and the schedule too
    rows = helpers.audit_rows(server, "patient_id = ? AND user_login = 'sc.admin' AND outcome = 0",
                              (named,))
    assert {r["event_id"] for r in rows} == {"patients_read", "fhir_read",
                                             "homecare_schedule_week"}, rows
    assert all(f"standby grant {grant[0]['id']}" in r["detail"] for r in rows), rows
    # the partners of the declaring organisation are shown to the team as whom to call
    items = {o["id"]: o for o in
             tanaka.get(f"/api/patients/{named}/oncall").json()["items"]}
    assert items[AOBA]["declaration"]["id"] == did
    assert [p["id"] for p in items[AOBA]["partners"]] == [SAKURA]
    # the network office: counts per organisation and dependence, never a patient
    disaster = office.get("/api/oncall/disaster").json()["items"]
    assert [d["org"]["id"] for d in disaster] == [AOBA]
    assert disaster[0]["reason"] == "disaster"
    assert disaster[0]["home_care"]["ventilator"] >= 1
    cover = disaster[0]["partners"][0]
    assert cover["id"] == SAKURA and cover["covers"]["ventilator"] >= 1
    assert named not in str(disaster)
    assert_problem(office.get(f"/api/patients/{named}"), 404, "patient.not_found")
    # one declaration at a time
    assert_problem(tanaka.post("/api/oncall/declarations", json={
        "reason": "illness", "planned_end_at": iso(now_utc() + HOUR)}), 409,
        "oncall.declaration_open")
    # ended: the access ends at once, with its audit record
    assert_problem(sakura.post(f"/api/oncall/declarations/{did}/end"), 404,
                   "oncall.declaration_not_found")
    r = tanaka.post(f"/api/oncall/declarations/{did}/end")
    assert r.status_code == 200, r.text
    assert reads(sakura, named) == [404, 404, 404]
    assert helpers.audit_rows(server, "event_id = 'standby.end' AND object_id = ?",
                              (grant[0]["id"],))
    assert office.get("/api/oncall/disaster").json()["items"] == []
    assert any(n["kind"] == "oncall_declaration_end" and n["ref_id"] == did
               for n in sakura.get("/api/notifications").json()["items"])
    assert_problem(tanaka.post(f"/api/oncall/declarations/{did}/end"), 404,
                   "oncall.declaration_not_found")


def test_declaration_past_its_planned_end_is_ended_by_the_sweep(fresh_server):
    server = fresh_server
    tanaka, sakura = server.session("aoba.tanaka"), server.session("sc.admin")
    named = register(tanaka, [AOBA, SAKURA])
    did = declare(tanaka, seconds=3)
    assert sakura.get(f"/api/patients/{named}").status_code == 200

    def ended():
        row = server.query("SELECT ended_at, end_reason FROM oncall_declarations WHERE id = ?",
                           (did,))[0]
        return row["end_reason"] == "expired"

    helpers.wait_until(ended, 30, "the sweep ends the declaration")
    assert_problem(sakura.get(f"/api/patients/{named}"), 404, "patient.not_found")
    assert helpers.audit_rows(server, "event_id = 'standby.end' AND detail LIKE '%expired%'")


def test_declarations_and_the_disaster_view_refuse_bad_input(server):
    tanaka = server.session("aoba.tanaka")
    before = helpers.store_snapshot(server)
    for body, status, code in [
            ({"reason": "holiday", "planned_end_at": iso(now_utc() + HOUR)}, 400,
             "request.field_value"),
            ({"reason": "illness", "planned_end_at": iso(now_utc() - HOUR)}, 422, "oncall.time"),
            ({"reason": "illness", "planned_end_at": iso(now_utc() + 31 * 24 * HOUR)}, 422,
             "oncall.time")]:
        assert_problem(tanaka.post("/api/oncall/declarations", json=body), status, code)
    assert_problem(server.session("aoba.nakajima").post("/api/oncall/declarations", json={
        "reason": "illness", "planned_end_at": iso(now_utc() + HOUR)}), 403)
    assert_problem(tanaka.post(f"/api/oncall/declarations/{uuid.uuid4()}/end"), 404,
                   "oncall.declaration_not_found")
    assert helpers.store_snapshot(server) == before
    assert_problem(tanaka.get("/api/oncall/disaster"), 403)
    assert_problem(tanaka.put(f"/api/patients/{SATO_ICHIRO}/oncall/dependence",
                              json={"ventilator": "yes", "oxygen": False, "dialysis": False}),
                   400)


def test_dependence_reads_back_what_was_last_set(server):
    tanaka = server.session("aoba.tanaka")
    patient = register(tanaka, [AOBA])
    path = f"/api/patients/{patient}/oncall/dependence"
    r = tanaka.get(path)
    assert r.status_code == 200, r.text
    assert r.json() == {"ventilator": False, "oxygen": False, "dialysis": False, "note": None,
                        "set_by": None, "set_at": None}
    r = tanaka.put(path, json={"ventilator": False, "oxygen": True, "dialysis": True,
                               "note": "酸素 2L/分"})
    assert r.status_code == 200, r.text
    got = tanaka.get(path).json()
    assert (got["ventilator"], got["oxygen"], got["dialysis"]) == (False, True, True)
    assert got["note"] == "酸素 2L/分" and got["set_by"]["id"] == user_id("aoba.tanaka")
    assert got["set_at"]
    # an organisation without consent reads nothing of it
    assert_problem(server.session("ph.ito").get(path), 404, "patient.not_found")


def test_an_organisation_lists_its_own_declarations(fresh_server):
    tanaka = fresh_server.session("aoba.tanaka")
    assert tanaka.get("/api/oncall/declarations").json()["items"] == []
    did = declare(tanaka)
    [mine] = tanaka.get("/api/oncall/declarations").json()["items"]
    assert mine["id"] == did and mine["ended_at"] is None and mine["reason"] == "disaster"
    assert mine["declared_by"]["id"] == helpers.user_id("aoba.tanaka")
    # another organisation does not see it in its own list
    assert fresh_server.session("sc.admin").get("/api/oncall/declarations").json()["items"] == []
    assert tanaka.post(f"/api/oncall/declarations/{did}/end").status_code == 200
    [ended] = tanaka.get("/api/oncall/declarations").json()["items"]
    assert ended["end_reason"] == "ended"


def test_ending_a_partnership_ends_the_partners_reading_at_once(fresh_server):
    server = fresh_server
    tanaka, sakura = server.session("aoba.tanaka"), server.session("sc.admin")
    named = register(tanaka, [AOBA, SAKURA])
    did = declare(tanaka)
    assert reads(sakura, named) == [200, 200, 200]
    [pid] = [p["id"] for p in sakura.get("/api/oncall/partners").json()["items"]
             if {p["org"]["id"], p["partner"]["id"]} == {AOBA, SAKURA}]
    before = helpers.store_snapshot(server)
    assert_problem(server.session("aoba.nakajima").post(f"/api/oncall/partners/{pid}/end"), 403)
    assert_problem(server.session("vns.kato").post(f"/api/oncall/partners/{pid}/end"), 404,
                   "oncall.partner_not_found")  # an administrator of neither side
    assert_problem(sakura.post(f"/api/oncall/partners/{pid}/end", json={"why": "x"}), 400,
                   "request.unknown_field")
    assert helpers.store_snapshot(server) == before
    # the partner's administrator ends it: the grant of the declaration in force ends with it
    assert sakura.post(f"/api/oncall/partners/{pid}/end").status_code == 200
    assert reads(sakura, named) == [404, 404, 404]
    grant = server.query("SELECT end_reason FROM standby_grants WHERE declaration_id = ?", (did,))
    assert [g["end_reason"] for g in grant] == ["partnership_ended"]
    assert helpers.audit_rows(server, "event_id = 'oncall.partner_end' AND object_id = ?", (pid,))
    assert pid not in [p["id"] for p in tanaka.get("/api/oncall/partners").json()["items"]]
    assert_problem(sakura.post(f"/api/oncall/partners/{pid}/end"), 404, "oncall.partner_not_found")
