# SPDX-License-Identifier: Apache-2.0
"""Sharing rules (issue 17, src/sharing/): the region's defaults and a patient's rules, each
proving who got what and when (the daily digest with the test clock), the refusal of a rule that
would reach an organisation the consent does not cover, the check again at evaluation, the
preview that writes nothing, and bad input. Each test registers a patient of its own with a
home-care team and consent."""
import datetime
import uuid

import helpers
from helpers import assert_problem, org_id, store_snapshot, user_id

AOBA, VNS, HIKARI = org_id("aoba-homecare"), org_id("minami-vns"), org_id("hikari-pharmacy")
CMO, CHIIKI, GH = org_id("minami-cmo"), org_id("minami-chiiki"), org_id("minami-gh")
TEAM = ("aoba-homecare", "minami-vns", "hikari-pharmacy", "minami-cmo", "minami-chiiki")
JST = datetime.timezone(datetime.timedelta(hours=9))
REASON = {"extension": [{"url": "https://tsunagu.example.jp/fhir/StructureDefinition/change-reason",
                         "valueString": "記録の更新(試験)"}]}


def team_patient(server, orgs=TEAM, consented=None):
    """A new patient registered by あおば在宅クリニック, with orgs on the team and a consent naming
    consented (default: the team)."""
    tanaka = server.session("aoba.tanaka")
    r = tanaka.post("/api/patients",
                    json=helpers.new_patient_body(f"SH-{uuid.uuid4().hex[:12]}"))
    assert r.status_code == 201, r.text
    patient = r.json()["id"]
    for code in orgs:
        if code != "aoba-homecare":
            r = tanaka.post(f"/api/patients/{patient}/team", json={"org_id": org_id(code)})
            assert r.status_code == 201, r.text
    consent(tanaka, patient, consented if consented is not None else orgs)
    return patient


def consent(session, patient, codes):
    r = session.post(f"/api/patients/{patient}/consents", json={
        "org_ids": [org_id(c) for c in codes], "scope": "all", "method": "written",
        "consented_on": helpers.tokyo_today().isoformat()})
    assert r.status_code == 201, r.text
    return r.json()


def visit(server, patient, vitals, login="vns.suzuki", handover="申し送りあり"):
    day = helpers.tokyo_today() - datetime.timedelta(days=1)
    r = server.session(login).post(f"/api/patients/{patient}/homecare/records", json={
        "kind": "home_nursing", "visit_start": f"{day}T10:00:00+09:00",
        "visit_end": f"{day}T10:40:00+09:00", "handover": handover,
        "content": {"observation": "観察", "care_given": "ケア", "vitals": vitals}})
    assert r.status_code == 201, r.text
    return r.json()


def notes(session, kind, ref_id=None, patient=None):
    r = session.get("/api/notifications")
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    return [n for n in items if n["kind"] == kind and (ref_id is None or n["ref_id"] == ref_id)
            and (patient is None or (n.get("patient") or {}).get("id") == patient)]


def deliveries(session, patient):
    r = session.get(f"/api/patients/{patient}/sharing/deliveries")
    assert r.status_code == 200, r.text
    return r.json()["items"]


def on_call_now(server):
    """The login on call now at あおば在宅クリニック (the demo's roster) and another member."""
    r = server.session("aoba.tanaka").get("/api/oncall/now")
    assert r.status_code == 200, r.text
    primary = r.json()["primary"]["id"]
    members = ("aoba.tanaka", "aoba.nakajima", "aoba.mori")
    [login] = [m for m in members if user_id(m) == primary]
    other = next(m for m in members if m != login)
    return login, other


def rule(**fields):
    body = {"kind": "visit_record", "recipients": [{"role": "care_manager"}],
            "timing": "immediate"}
    body.update(fields)
    return body


# ---- the vocabulary and the demo's rules --------------------------------------------------------

def test_the_vocabulary_and_the_demo_regions_rules(server):
    vocab = server.session("vns.suzuki").get("/api/sharing/vocabulary").json()
    assert [k["code"] for k in vocab["kinds"]] == [
        "vitals_abnormal", "visit_record", "medication_change", "admission", "discharge",
        "death", "end_of_care"]
    assert {r["code"]: r["ja"] for r in vocab["roles"]}["care_manager"] == "ケアマネジャー"
    region = server.session("vns.suzuki").get("/api/sharing/rules").json()["items"]
    by_kind = {r["kind"]: r for r in region if r["created_by"]["id"] == user_id("jimukyoku")}
    assert by_kind["vitals_abnormal"]["recipients"] == [{"role": "oncall_physician"},
                                                       {"role": "care_manager"}]
    assert by_kind["vitals_abnormal"]["timing"] == "immediate"
    assert (by_kind["visit_record"]["timing"], by_kind["visit_record"]["at"]) == ("daily", "18:00")
    assert by_kind["medication_change"]["recipients"] == [{"role": "pharmacy"}]
    assert by_kind["admission"]["recipients"] == [{"role": "whole_team"}]
    assert by_kind["discharge"]["recipients"] == [{"role": "whole_team"}]
    for kind in ("death", "end_of_care"):
        assert by_kind[kind]["recipients"] == [{"role": "whole_team"},
                                               {"role": "municipal_support"}]
    # 佐藤 一郎's team has a rule of its own, listed with the region's in force
    ichiro = helpers.patient_id(1)
    mine = server.session("vns.suzuki").get(f"/api/patients/{ichiro}/sharing/rules").json()
    [own] = [r for r in mine["items"] if r["kind"] == "medication_change"]
    assert own["scope"] == "patient" and own["recipients"][0]["org"]["id"] == VNS
    assert own["recipients"][0]["org"]["name"] == "みなみ訪問看護ステーション"
    assert {r["id"] for r in mine["region"]} >= {r["id"] for r in by_kind.values()}


# ---- each default rule: who got what, when --------------------------------------------------------

def test_abnormal_vitals_reach_the_on_call_physician_and_the_care_manager_at_once(server):
    patient = team_patient(server)
    primary, other = on_call_now(server)
    rec = visit(server, patient, {"spo2": 86})
    alerts = server.session("aoba.tanaka").get(f"/api/patients/{patient}/homecare/alerts")
    [alert] = [a for a in alerts.json()["items"] if a["record_id"] == rec["id"]]
    # the alert itself told the on-call physician in person (told_users): the rule does not
    # tell them twice, and says so in the log
    assert len(notes(server.session(primary), "homecare_alert", alert["id"])) == 1
    assert notes(server.session(primary), "sharing", alert["id"]) == []
    for login in ("cm.yamazaki", "cm.watanabe"):  # the care manager's office, each member
        [got] = notes(server.session(login), "sharing", alert["id"])
        assert got["patient"]["id"] == patient
        assert got["summary"]["event"] == "vitals_abnormal"
        assert got["summary"]["severity"] == "high"
        assert got["summary"]["by"]["id"] == user_id("vns.suzuki")
    for login in (other, "ph.yoshida", "chiiki.mori", "vns.kato"):
        assert notes(server.session(login), "sharing", alert["id"]) == []
    log = [d for d in deliveries(server.session("cm.yamazaki"), patient)
           if d["ref_id"] == alert["id"]]
    assert {(d["org"]["id"], (d["user"] or {}).get("id"), d["outcome"]) for d in log} == {
        (AOBA, user_id(primary), "skipped_told"), (CMO, None, "sent")}


def test_a_visit_record_reaches_the_care_manager_in_the_daily_digest_at_18(fresh_server):
    server = fresh_server
    patient = team_patient(server)
    rec = visit(server, patient, {"spo2": 96}, handover="夕方に家族へ連絡済み")
    cm = server.session("cm.yamazaki")
    [queued] = [d for d in deliveries(cm, patient) if d["ref_id"] == rec["id"]]
    assert queued["outcome"] == "queued" and queued["org"]["id"] == CMO
    due = datetime.datetime.fromisoformat(queued["due_at"].replace("Z", "+00:00"))
    assert due.astimezone(JST).strftime("%H:%M") == "18:00"
    office = server.session("jimukyoku")
    now = office.post("/api/test/clock", json={"advance_ms": 1})
    assert now.status_code == 200, now.text
    server_now = datetime.datetime.fromisoformat(now.json()["now"].replace("Z", "+00:00"))
    assert server_now < due <= server_now + datetime.timedelta(days=1)
    # a minute before 18:00 Tokyo: nothing yet
    early = int((due - server_now).total_seconds() * 1000) - 60000
    if early > 0:
        assert office.post("/api/test/clock", json={"advance_ms": early}).status_code == 200
    office = helpers.login(server, "jimukyoku")
    assert notes(helpers.login(server, "cm.yamazaki"), "sharing_digest", patient=patient) == []
    # past 18:00: one digest naming the record, exactly once however often the sweep runs
    for _ in range(3):
        assert office.post("/api/test/clock", json={"advance_ms": 61000}).status_code == 200
    cm = helpers.login(server, "cm.yamazaki")  # hours later: a new session
    [digest] = notes(cm, "sharing_digest", patient=patient)
    assert digest["summary"]["digest"] == "daily" and digest["summary"]["count"] == 1
    [item] = digest["summary"]["items"]
    assert item["event"] == "visit_record" and item["ref_id"] == rec["id"]
    assert item["what"]["handover"] == "夕方に家族へ連絡済み"
    assert len(notes(helpers.login(server, "cm.watanabe"), "sharing_digest",
                     patient=patient)) == 1
    for login in ("ph.yoshida", "aoba.tanaka", "chiiki.mori"):
        assert notes(helpers.login(server, login), "sharing_digest", patient=patient) == []
    [sent] = [d for d in deliveries(cm, patient) if d["ref_id"] == rec["id"]]
    assert sent["outcome"] == "sent" and sent["sent_at"] is not None


def medication(patient):
    return {"resourceType": "MedicationRequest", "status": "active", "intent": "order",
            "medicationCodeableConcept": {"text": "フロセミド錠20mg"},
            "subject": {"reference": f"Patient/{patient}"},
            "authoredOn": helpers.tokyo_today().isoformat()}


def test_a_medication_change_reaches_the_pharmacy_at_once(server):
    patient = team_patient(server)
    tanaka = server.session("aoba.tanaka")
    r = tanaka.post("/fhir/MedicationRequest", json=medication(patient))
    assert r.status_code == 201, r.text
    ref = f"MedicationRequest/{r.json()['id']}"
    for login in ("ph.yoshida", "ph.ito"):
        [got] = notes(server.session(login), "sharing", ref)
        assert got["summary"]["event"] == "medication_change"
        assert got["summary"]["what"]["medication"] == "フロセミド錠20mg"
        assert got["summary"]["what"]["change"] == "created"
    for login in ("cm.yamazaki", "vns.suzuki", "chiiki.mori"):
        assert notes(server.session(login), "sharing", ref) == []
    # an update is a change too
    changed = {**r.json(), "dosageInstruction": [{"text": "1日2回 朝夕食後"}], "meta": REASON}
    r = tanaka.put(f"/fhir/{ref}", json=changed)
    assert r.status_code == 200, r.text
    got = notes(server.session("ph.ito"), "sharing", ref)
    assert sorted(n["summary"]["what"]["change"] for n in got) == ["created", "updated"]


def encounter(patient, status, **extra):
    e = {"resourceType": "Encounter", "status": status,
         "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "IMP"},
         "subject": {"reference": f"Patient/{patient}"},
         "period": {"start": f"{helpers.tokyo_today()}T09:00:00+09:00"}}
    e.update(extra)
    return e


def test_admission_and_discharge_reach_the_whole_team_at_once(server):
    patient = team_patient(server)
    tanaka = server.session("aoba.tanaka")
    r = tanaka.post("/fhir/Encounter", json=encounter(patient, "in-progress"))
    assert r.status_code == 201, r.text
    ref = f"Encounter/{r.json()['id']}"
    team = ("aoba.nakajima", "vns.suzuki", "ph.ito", "cm.watanabe", "chiiki.abe")
    for login in team:
        got = notes(server.session(login), "sharing", ref)
        assert [n["summary"]["event"] for n in got] == ["admission"], login
    assert notes(server.session("gh.sato"), "sharing", ref) == []  # not on the team
    # the same stay changed again without ending: nothing new
    again = {**r.json(), "period": {"start": f"{helpers.tokyo_today()}T08:30:00+09:00"},
             "meta": REASON}
    assert tanaka.put(f"/fhir/{ref}", json=again).status_code == 200
    ended = {**again, "status": "finished",
             "period": {**again["period"], "end": f"{helpers.tokyo_today()}T10:00:00+09:00"}}
    r = tanaka.put(f"/fhir/{ref}", json=ended)
    assert r.status_code == 200, r.text
    for login in team:
        got = notes(server.session(login), "sharing", ref)
        assert sorted(n["summary"]["event"] for n in got) == ["admission", "discharge"], login
    assert notes(server.session("gh.sato"), "sharing", ref) == []


def test_a_death_reaches_the_whole_team_and_the_support_centre(server):
    patient = team_patient(server)
    body = encounter(patient, "finished", hospitalization={"dischargeDisposition": {"coding": [{
        "system": "http://terminology.hl7.org/CodeSystem/discharge-disposition",
        "code": "exp"}]}})
    body["period"]["end"] = f"{helpers.tokyo_today()}T11:00:00+09:00"
    r = server.session("aoba.tanaka").post("/fhir/Encounter", json=body)
    assert r.status_code == 201, r.text
    ref = f"Encounter/{r.json()['id']}"
    for login in ("chiiki.mori", "vns.kato", "ph.yoshida", "cm.yamazaki", "aoba.nakajima"):
        got = notes(server.session(login), "sharing", ref)
        assert [n["summary"]["event"] for n in got] == ["death"], login
    for login in ("gh.sato", "city.admin"):
        assert notes(server.session(login), "sharing", ref) == []


def weekly_plan(session, patient, kind, first):
    r = session.post(f"/api/patients/{patient}/homecare/plans", json={
        "kind": kind, "weekdays": ["tue"], "start": "10:00", "end": "10:30",
        "first_date": first.isoformat()})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def test_the_end_of_home_care_reaches_the_whole_team_and_the_support_centre(server):
    """Home care ends with the last organisation's plan: ending one plan while another goes on
    tells nobody."""
    patient = team_patient(server)
    vns, tanaka = server.session("vns.suzuki"), server.session("aoba.tanaka")
    first = helpers.tokyo_today() + datetime.timedelta(days=7)
    nursing = weekly_plan(vns, patient, "home_nursing", first)
    medical = weekly_plan(tanaka, patient, "home_medical", first)
    r = vns.patch(f"/api/patients/{patient}/homecare/plans/{nursing}", json={
        "end_date": (first + datetime.timedelta(days=14)).isoformat(),
        "reason": "訪問診療に一本化"})
    assert r.status_code == 200, r.text
    assert notes(server.session("chiiki.mori"), "sharing", nursing) == []
    r = tanaka.patch(f"/api/patients/{patient}/homecare/plans/{medical}", json={
        "end_date": (first + datetime.timedelta(days=21)).isoformat(),
        "reason": "施設入所のため在宅療養を終了"})
    assert r.status_code == 200, r.text
    for login in ("chiiki.mori", "vns.kato", "ph.yoshida", "cm.yamazaki", "aoba.nakajima"):
        got = notes(server.session(login), "sharing", medical)
        assert [n["summary"]["event"] for n in got] == ["end_of_care"], login
        assert got[0]["patient"]["id"] == patient
    for login in ("gh.sato", "city.admin"):
        assert notes(server.session(login), "sharing", medical) == []
    # changing the end again tells nobody twice
    r = tanaka.patch(f"/api/patients/{patient}/homecare/plans/{medical}", json={
        "end_date": (first + datetime.timedelta(days=28)).isoformat(), "reason": "入所日の変更"})
    assert r.status_code == 200, r.text
    assert len(notes(server.session("chiiki.mori"), "sharing", medical)) == 1


def test_the_support_centre_without_consent_hears_nothing_and_the_log_says_why(server):
    # on the team, but the consent does not name it
    patient = team_patient(server, consented=TEAM[:-1])
    body = encounter(patient, "finished", hospitalization={"dischargeDisposition": {"coding": [{
        "system": "http://terminology.hl7.org/CodeSystem/discharge-disposition",
        "code": "exp"}]}})
    body["period"]["end"] = f"{helpers.tokyo_today()}T11:00:00+09:00"
    r = server.session("aoba.tanaka").post("/fhir/Encounter", json=body)
    assert r.status_code == 201, r.text
    ref = f"Encounter/{r.json()['id']}"
    assert notes(server.session("chiiki.mori"), "sharing", ref) == []
    log = [d for d in deliveries(server.session("aoba.tanaka"), patient) if d["ref_id"] == ref]
    outcomes = {(d["org"]["id"], d["outcome"]) for d in log}
    assert (CHIIKI, "skipped_no_consent") in outcomes and (VNS, "sent") in outcomes


# ---- a patient's rules: refusal, evaluation, preview -------------------------------------------

def test_a_rule_naming_an_organisation_without_consent_is_refused_and_nothing_changes(server):
    patient = team_patient(server, orgs=("aoba-homecare", "minami-vns", "hikari-pharmacy"),
                           consented=("aoba-homecare", "minami-vns"))
    tanaka = server.session("aoba.tanaka")
    path = f"/api/patients/{patient}/sharing/rules"
    before = store_snapshot(server)
    # not on the team at all
    r = tanaka.post(path, json=rule(recipients=[{"org_id": GH}]))
    problem = assert_problem(r, 422, "sharing.not_consented")
    assert "みなみ総合病院" in problem["detail"] and "ケアチーム" in problem["detail"]
    # on the team, but no consent names it; also a person of it
    r = tanaka.post(path, json=rule(recipients=[{"org_id": HIKARI}]),
                    headers={"Accept-Language": "en"})
    problem = assert_problem(r, 422, "sharing.not_consented")
    assert "ひかり薬局" in problem["detail"] and "consent" in problem["detail"]
    r = tanaka.post(path, json=rule(recipients=[{"role": "care_manager"},
                                                {"org_id": HIKARI,
                                                 "user_id": user_id("ph.ito")}]))
    assert_problem(r, 422, "sharing.not_consented")
    assert store_snapshot(server) == before
    # a person of a consented organisation is accepted
    r = tanaka.post(path, json=rule(recipients=[{"org_id": VNS, "user_id": user_id("vns.kato")}],
                                    note="所長に即時"))
    assert r.status_code == 201, r.text
    made = r.json()
    assert made["recipients"] == [{"org": {"id": VNS, "name": "みなみ訪問看護ステーション"},
                                   "user": {"id": user_id("vns.kato"), "name": "加藤 洋子"}}]
    # and it delivers to that one person only
    rec = visit(server, patient, {"spo2": 97})
    assert len(notes(server.session("vns.kato"), "sharing", rec["id"])) == 1
    assert notes(server.session("vns.suzuki"), "sharing", rec["id"]) == []


def test_a_consent_withdrawn_since_the_rule_was_saved_skips_at_evaluation(server):
    patient = team_patient(server, consented=("aoba-homecare", "minami-vns", "minami-cmo"))
    tanaka = server.session("aoba.tanaka")
    extra = consent(tanaka, patient, ["hikari-pharmacy"])
    r = tanaka.post(f"/api/patients/{patient}/sharing/rules",
                    json=rule(recipients=[{"org_id": HIKARI}]))
    assert r.status_code == 201, r.text
    r = tanaka.post(f"/api/patients/{patient}/consents/{extra['id']}/withdraw",
                    json={"reason": "薬局との共有を撤回(試験)"})
    assert r.status_code == 200, r.text
    rec = visit(server, patient, {"spo2": 97})
    assert notes(server.session("ph.ito"), "sharing", rec["id"]) == []
    log = [d for d in deliveries(tanaka, patient) if d["ref_id"] == rec["id"]]
    assert [(d["org"]["id"], d["outcome"]) for d in log if d["rule"]["scope"] == "patient"] == [
        (HIKARI, "skipped_no_consent")]


def test_the_preview_tells_who_would_get_what_and_writes_nothing(server):
    patient = team_patient(server)
    suzuki = server.session("vns.suzuki")
    before = store_snapshot(server)
    r = suzuki.post(f"/api/patients/{patient}/sharing/preview",
                    json={"kind": "vitals_abnormal", "severity": "high"})
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    primary, _ = on_call_now(server)
    assert {(i["org"]["name"], (i["user"] or {}).get("id"), i["outcome"]) for i in items} == {
        ("あおば在宅クリニック", user_id(primary), "send"),
        ("みなみ居宅介護支援事業所", None, "send")}
    r = suzuki.post(f"/api/patients/{patient}/sharing/preview", json={"kind": "visit_record"})
    [item] = r.json()["items"]
    assert item["outcome"] == "queue" and item["timing"] == "daily"
    assert item["org"]["id"] == CMO and item["due_at"]
    assert store_snapshot(server) == before
    audit = server.query("SELECT action FROM audit WHERE patient_id = ? AND event_id = ?",
                         (patient, "sharing_patient_preview"))
    assert audit and audit[-1]["action"] == "R"


def test_conditions_restrict_a_rule(server):
    patient = team_patient(server)
    tanaka = server.session("aoba.tanaka")
    r = tanaka.post(f"/api/patients/{patient}/sharing/rules", json=rule(
        recipients=[{"role": "pharmacy"}],
        condition={"professions": ["pharmacist"], "org_types": ["pharmacy"]}))
    assert r.status_code == 201, r.text
    rec = visit(server, patient, {"spo2": 97})  # by a nurse: not for this rule
    assert notes(server.session("ph.ito"), "sharing", rec["id"]) == []
    preview = server.session("ph.ito").post(f"/api/patients/{patient}/sharing/preview",
                                            json={"kind": "visit_record"}).json()
    assert {i["org"]["id"] for i in preview["items"] if i["scope"] == "patient"} == {HIKARI}


def test_the_teams_rules_are_changed_and_deleted_by_the_team(server):
    patient = team_patient(server)
    tanaka = server.session("aoba.tanaka")
    path = f"/api/patients/{patient}/sharing/rules"
    made = tanaka.post(path, json=rule(timing="weekly", weekday="mon", at="08:30")).json()
    assert (made["timing"], made["weekday"], made["at"]) == ("weekly", "mon", "08:30")
    r = server.session("vns.suzuki").put(f"{path}/{made['id']}",
                                         json=rule(recipients=[{"role": "whole_team"}]))
    assert r.status_code == 200, r.text
    assert r.json()["recipients"] == [{"role": "whole_team"}] and r.json()["at"] is None
    # another patient's path does not reach it, nor does the region's
    other = team_patient(server)
    assert_problem(tanaka.delete(f"/api/patients/{other}/sharing/rules/{made['id']}"), 404,
                   "sharing.rule_not_found")
    assert_problem(server.session("jimukyoku").delete(f"/api/sharing/rules/{made['id']}"), 404,
                   "sharing.rule_not_found")
    assert tanaka.delete(f"{path}/{made['id']}").status_code == 204
    assert [r for r in tanaka.get(path).json()["items"] if r["id"] == made["id"]] == []
    assert_problem(tanaka.delete(f"{path}/{made['id']}"), 404, "sharing.rule_not_found")


def test_the_regions_rules_are_the_network_offices(server):
    office = server.session("jimukyoku")
    body = rule(kind="end_of_care", recipients=[{"role": "visiting_nurse"}], timing="weekly",
                weekday="fri", at="17:00", condition={"severities": ["high", "medium"]})
    assert_problem(server.session("aoba.tanaka").post("/api/sharing/rules", json=body), 403)
    r = office.post("/api/sharing/rules", json=body)
    assert r.status_code == 201, r.text
    made = r.json()
    assert made["scope"] == "region" and made["condition"]["severities"] == ["high", "medium"]
    # a region rule names roles only
    assert_problem(office.post("/api/sharing/rules", json=rule(recipients=[{"org_id": VNS}])),
                   422, "sharing.region_recipient")
    r = office.put(f"/api/sharing/rules/{made['id']}", json={**body, "at": "16:45"})
    assert r.status_code == 200 and r.json()["at"] == "16:45"
    assert office.delete(f"/api/sharing/rules/{made['id']}").status_code == 204
    listed = server.session("vns.suzuki").get("/api/sharing/rules").json()["items"]
    assert made["id"] not in {x["id"] for x in listed}


def test_bad_input_is_refused_and_changes_nothing(server):
    patient = team_patient(server)
    tanaka = server.session("aoba.tanaka")
    path = f"/api/patients/{patient}/sharing/rules"
    before = store_snapshot(server)
    for bad, status, code in (
            (rule(colour="red"), 400, "request.unknown_field"),
            (rule(kind="birthday"), 400, None),
            (rule(recipients=[{"role": "mayor"}]), 400, None),
            (rule(recipients=[]), 400, "request.field_value"),
            (rule(recipients=[{"role": "care_manager", "org_id": VNS}]), 400, None),
            (rule(recipients=[{"user_id": user_id("vns.kato")}]), 400, None),
            (rule(recipients=[{"org_id": VNS, "user_id": user_id("ph.ito")}]), 422,
             "sharing.recipient"),
            (rule(recipients=[{"org_id": str(uuid.uuid4())}]), 422, "sharing.recipient"),
            (rule(condition={"professions": ["wizard"]}), 400, None),
            (rule(condition={"severities": ["extreme"]}), 400, None),
            (rule(condition={"mood": ["calm"]}), 400, "request.unknown_field"),
            (rule(timing="hourly"), 400, None),
            (rule(timing="daily"), 422, "sharing.timing"),
            (rule(timing="daily", at="24:00"), 422, "sharing.timing"),
            (rule(timing="daily", at="7:5"), 422, "sharing.timing"),
            (rule(timing="daily", at="18:00", weekday="mon"), 422, "sharing.timing"),
            (rule(timing="weekly", at="18:00"), 422, "sharing.timing"),
            (rule(timing="immediate", at="18:00"), 422, "sharing.timing"),
            (rule(note="   "), 400, None)):
        r = tanaka.post(path, json=bad)
        assert_problem(r, status, code)
    r = tanaka.post(path, data=b'{"kind": "visit_record", "note": "\xff\xfe"}',
                    headers={"Content-Type": "application/json"})
    assert_problem(r, 400)
    r = tanaka.post(f"/api/patients/{patient}/sharing/preview", json={"kind": "gossip"})
    assert_problem(r, 400)
    assert_problem(tanaka.put(f"{path}/not-a-uuid", json=rule()), 404, "sharing.rule_not_found")
    assert store_snapshot(server) == before
