# SPDX-License-Identifier: Apache-2.0
"""Consent and care team decide who sees a patient: the organisation must be on the care team
and listed in a consent in force. A hidden patient looks exactly like one that does not exist."""
import datetime

import helpers
from helpers import (YAMADA_HANAKO, assert_problem, store_snapshot, tokyo_today,
                     without_request_id)

GH = helpers.org_id("minami-gh")
AOBA = helpers.org_id("aoba-homecare")
HIKARI = helpers.org_id("hikari-pharmacy")
MISSING = "3f1d2c4b-5a69-4788-9a0b-1c2d3e4f5a6b"


def sees(session, patient):
    """Whether the session sees the patient, checked every way: read, sub-resources, search by
    name and by local id. The answers must agree."""
    read = session.get(f"/api/patients/{patient}")
    consents = session.get(f"/api/patients/{patient}/consents")
    team = session.get(f"/api/patients/{patient}/team")
    by_name = session.get("/api/patients", params={"q": "山田花子"}).json()["items"]
    by_local_id = session.get("/api/patients", params={"local_id": "GH-000001"}).json()["items"]
    found = {patient in {p["id"] for p in by_name}, patient in {p["id"] for p in by_local_id},
             read.status_code == 200, consents.status_code == 200, team.status_code == 200}
    assert len(found) == 1, (read.status_code, consents.status_code, team.status_code)
    if read.status_code != 200:
        hidden = assert_problem(read, 404, "patient.not_found")
        missing = assert_problem(session.get(f"/api/patients/{MISSING}"), 404)
        assert without_request_id(hidden) == without_request_id(missing)
        for r in (consents, team):
            assert without_request_id(assert_problem(r, 404)) == without_request_id(missing)
    return found.pop()


def record_consent(session, patient, orgs, consented_on=None, note=None):
    body = {"org_ids": orgs, "scope": "all", "method": "written",
            "consented_on": (consented_on or tokyo_today()).isoformat()}
    if note is not None:
        body["note"] = note
    r = session.post(f"/api/patients/{patient}/consents", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def test_team_and_consent_decide_visibility(fresh_server):
    server = fresh_server
    sato, ito = server.session("gh.sato"), server.session("ph.ito")
    assert sees(sato, YAMADA_HANAKO)
    assert sees(server.session("aoba.tanaka"), YAMADA_HANAKO)
    assert not sees(ito, YAMADA_HANAKO)

    # on the care team, but no consent lists the pharmacy: still hidden
    r = sato.post(f"/api/patients/{YAMADA_HANAKO}/team", json={"org_id": HIKARI,
                                                              "role": "かかりつけ薬局"})
    assert r.status_code == 201, r.text
    member = r.json()
    assert member["org_id"] == HIKARI and member["consent_in_force"] is False
    assert member["role"] == "かかりつけ薬局" and member["org_type"] == "pharmacy"
    assert_problem(sato.post(f"/api/patients/{YAMADA_HANAKO}/team", json={"org_id": HIKARI}),
                   409, "team.duplicate")
    assert not sees(ito, YAMADA_HANAKO)

    # a consent dated in two days is refused (core/plausible.h: a consent is given, not planned;
    # not tomorrow: midnight may pass meanwhile), and the pharmacy stays hidden
    later = tokyo_today() + datetime.timedelta(days=2)
    before = store_snapshot(server)
    r = sato.post(f"/api/patients/{YAMADA_HANAKO}/consents",
                  json={"org_ids": [GH, AOBA, HIKARI], "scope": "all", "method": "written",
                        "consented_on": later.isoformat()})
    assert assert_problem(r, 400, "request.field_range")["field"] == "consented_on"
    assert store_snapshot(server) == before
    assert not sees(ito, YAMADA_HANAKO)

    # a consent in force listing the pharmacy: visible
    consent = record_consent(sato, YAMADA_HANAKO, [GH, AOBA, HIKARI], note="薬局と共有")
    assert {o["id"] for o in consent["orgs"]} == {GH, AOBA, HIKARI}
    assert consent["status"] == "active" and consent["note"] == "薬局と共有"
    assert consent["recorded_by"]["id"] == helpers.user_id("gh.sato")
    assert sees(ito, YAMADA_HANAKO)
    team = ito.get(f"/api/patients/{YAMADA_HANAKO}/team").json()["items"]
    assert next(m for m in team if m["org_id"] == HIKARI)["consent_in_force"] is True

    # withdrawn: hidden again; the history keeps the withdrawal and its reason
    r = sato.post(f"/api/patients/{YAMADA_HANAKO}/consents/{consent['id']}/withdraw",
                  json={"reason": "患者の申し出により薬局との共有を撤回"})
    assert r.status_code == 200, r.text
    withdrawn = r.json()
    assert withdrawn["status"] == "withdrawn"
    assert withdrawn["withdraw_reason"] == "患者の申し出により薬局との共有を撤回"
    assert withdrawn["withdrawn_by"]["id"] == helpers.user_id("gh.sato")
    assert withdrawn["withdrawn_at"].endswith("Z")
    assert not sees(ito, YAMADA_HANAKO)
    assert sees(sato, YAMADA_HANAKO)  # the first consent still lists minami-gh
    r = sato.post(f"/api/patients/{YAMADA_HANAKO}/consents/{consent['id']}/withdraw",
                  json={"reason": "二度目"})
    assert_problem(r, 409, "consent.already_withdrawn")
    history = sato.get(f"/api/patients/{YAMADA_HANAKO}/consents").json()["items"]
    assert history[0]["id"] == consent["id"]  # newest first
    assert history[0]["status"] == "withdrawn"
    assert history[0]["withdraw_reason"] == "患者の申し出により薬局との共有を撤回"
    assert history[-1]["id"] == helpers.demo_id("consent", "0/1")
    assert history[-1]["status"] == "active"

    # consent in force but removed from the care team: hidden
    record_consent(sato, YAMADA_HANAKO, [HIKARI])
    assert sees(ito, YAMADA_HANAKO)
    r = sato.delete(f"/api/patients/{YAMADA_HANAKO}/team/{member['id']}")
    assert r.status_code == 204
    assert not sees(ito, YAMADA_HANAKO)
    assert_problem(sato.delete(f"/api/patients/{YAMADA_HANAKO}/team/{member['id']}"), 404,
                   "team.not_found")
    team = sato.get(f"/api/patients/{YAMADA_HANAKO}/team").json()["items"]
    assert HIKARI not in {m["org_id"] for m in team}


def test_withdrawing_ones_own_consent_hides_the_patient(fresh_server):
    server = fresh_server
    aoba = server.session("aoba.tanaka")
    # the demo consent lists minami-gh and aoba-homecare
    consent_id = helpers.demo_id("consent", "0/1")
    r = aoba.post(f"/api/patients/{YAMADA_HANAKO}/consents/{consent_id}/withdraw",
                  json={"reason": "訪問診療の終了"})
    assert r.status_code == 200
    assert not sees(aoba, YAMADA_HANAKO)
    # minami-gh registered her (GH-000001): it keeps her demographics and consents, nothing
    # more (test_consent_withdrawal.py)
    gh = server.session("gh.sato")
    assert gh.get(f"/api/patients/{YAMADA_HANAKO}").json()["demographics_only"] is True
    assert_problem(gh.get(f"/api/patients/{YAMADA_HANAKO}/team"), 403, "access.forbidden")
    # the withdrawal itself was audited with the patient
    rows = helpers.audit_rows(server, "event_id = 'consents_withdraw' AND patient_id = ?",
                              (YAMADA_HANAKO,))
    assert len(rows) == 1 and rows[0]["object_id"] == consent_id and rows[0]["outcome"] == 0


def test_registering_a_patient_gives_team_and_consent(server):
    s = server.session("vns.suzuki")
    r = s.post("/api/patients", json=helpers.new_patient_body(
        "VNS-0001", name="登録 試験", name_kana="トウロク シケン", sex="female",
        birth_date="1940-03-04"))
    assert r.status_code == 201, r.text
    patient = r.json()
    assert patient["local_ids"] == [{"org_id": helpers.org_id("minami-vns"),
                                     "org_name": "みなみ訪問看護ステーション",
                                     "local_id": "VNS-0001"}]
    assert patient["address"] == "みなみ市テスト町1-1" and patient["sex"] == "female"
    assert sees_id(s, patient["id"])
    team = s.get(f"/api/patients/{patient['id']}/team").json()["items"]
    assert [(m["org_id"], m["consent_in_force"]) for m in team] == [
        (helpers.org_id("minami-vns"), True)]
    consents = s.get(f"/api/patients/{patient['id']}/consents").json()["items"]
    assert len(consents) == 1 and consents[0]["method"] == "written"
    # nobody else sees the new patient
    assert_problem(server.session("gh.sato").get(f"/api/patients/{patient['id']}"), 404,
                   "patient.not_found")
    # a local id is unique within an organisation
    r = s.post("/api/patients", json=helpers.new_patient_body("VNS-0001"))
    assert_problem(r, 409, "patient.local_id_taken")
    r = s.post(f"/api/patients/{patient['id']}/local-ids", json={"local_id": "VNS-0001"})
    assert_problem(r, 409, "patient.local_id_taken")


def sees_id(session, patient):
    return session.get(f"/api/patients/{patient}").status_code == 200


def test_patient_edit_and_local_id(server):
    s = server.session("gh.sato")
    r = s.patch(f"/api/patients/{YAMADA_HANAKO}",
                json={"address": "みなみ市中央町9-9-9", "phone": "099-555-7777"})
    assert r.status_code == 200, r.text
    assert r.json()["address"] == "みなみ市中央町9-9-9" and r.json()["name"] == "山田 花子"
    r = s.patch(f"/api/patients/{YAMADA_HANAKO}", json={"name": "  "})
    assert_problem(r, 400, "request.field_value")
    r = s.patch(f"/api/patients/{YAMADA_HANAKO}", json={"birth_date": "2999-01-01"})
    assert_problem(r, 400, "request.field_value")
    aoba = server.session("aoba.tanaka")
    r = aoba.post(f"/api/patients/{YAMADA_HANAKO}/local-ids", json={"local_id": "AOBA-77"})
    assert r.status_code == 201, r.text
    assert {"org_id": AOBA, "org_name": "あおば在宅クリニック", "local_id": "AOBA-77"} in \
        r.json()["local_ids"]
    found = aoba.get("/api/patients", params={"local_id": "AOBA-77"}).json()["items"]
    assert [p["id"] for p in found] == [YAMADA_HANAKO]


def test_ids_of_another_patients_records_are_not_found(server):
    """A consent or team member of patient B cannot be reached through visible patient A."""
    s = server.session("gh.sato")
    other = helpers.patient_id(1)  # 佐藤 一郎: also visible to minami-gh
    assert s.get(f"/api/patients/{other}").status_code == 200
    before = helpers.store_snapshot(server)
    their_consent = helpers.demo_id("consent", "1/1")
    r = s.post(f"/api/patients/{YAMADA_HANAKO}/consents/{their_consent}/withdraw",
               json={"reason": "間違い"})
    assert_problem(r, 404, "consent.not_found")
    their_member = helpers.demo_id("team", "1/0")
    assert_problem(s.delete(f"/api/patients/{YAMADA_HANAKO}/team/{their_member}"), 404,
                   "team.not_found")
    assert_problem(s.post(f"/api/patients/{YAMADA_HANAKO}/consents/not-an-id/withdraw",
                          json={"reason": "x"}), 404, "consent.not_found")
    assert_problem(s.delete(f"/api/patients/{YAMADA_HANAKO}/team/not-an-id"), 404,
                   "team.not_found")
    assert helpers.store_snapshot(server) == before


def test_consent_and_team_references_must_exist(server):
    s = server.session("gh.sato")
    missing_org = "00000000-0000-4000-8000-00000000abcd"
    before = helpers.store_snapshot(server)
    r = s.post(f"/api/patients/{YAMADA_HANAKO}/consents",
               json={"org_ids": [GH, missing_org], "scope": "all", "method": "written",
                     "consented_on": "2026-01-05"})
    assert_problem(r, 400, "request.field_value")
    r = s.post(f"/api/patients/{YAMADA_HANAKO}/consents",
               json={"org_ids": [], "scope": "all", "method": "written",
                     "consented_on": "2026-01-05"})
    assert_problem(r, 400, "request.field_value")
    assert_problem(s.post(f"/api/patients/{YAMADA_HANAKO}/team", json={"org_id": missing_org}),
                   400, "request.field_value")
    # a named staff member must belong to the organisation
    r = s.post(f"/api/patients/{YAMADA_HANAKO}/team",
               json={"org_id": HIKARI, "user_id": helpers.user_id("gh.sato")})
    assert_problem(r, 400, "request.field_value")
    assert helpers.store_snapshot(server) == before
    r = s.post(f"/api/patients/{YAMADA_HANAKO}/team",
               json={"org_id": GH, "user_id": helpers.user_id("gh.sato"), "role": "主治医"})
    assert r.status_code == 201
    member = r.json()
    assert member["user_name"] == "佐藤 健一" and member["profession"] == "physician"
