# SPDX-License-Identifier: Apache-2.0
"""Home care, part 2 (issue 17): vitals that alert (src/homecare/alert_rules.c, alerts*.c): the
built-in profiles, a patient's settings adjusted by a physician of the team, a level or a trend
broken by a visit record's value raising an alert told to the team's physicians (inbox and live),
and acknowledging it with what was done. Each test works on a home-care patient of its own and on
visits of its own, three to five weeks back, clear of the demo's records."""
import datetime
import json

import pytest

import helpers
from helpers import YAMADA_HANAKO, assert_problem, org_id, store_snapshot, user_id
from test_events import Stream

AOBA = org_id("aoba-homecare")
HIKARI = org_id("hikari-pharmacy")
VNS = org_id("minami-vns")


def home_patient(server, nth):
    """The nth home-care patient of the demo counted from the last (佐藤 一郎 is left to others)."""
    rows = server.query("SELECT DISTINCT patient_id AS id FROM homecare_plans ORDER BY patient_id")
    ids = [r["id"] for r in rows if r["id"] != helpers.patient_id(1)]
    return ids[-nth]


def at(days_ago, hour=10):
    """An instant days_ago days back at hour:00 Tokyo time, as RFC 3339."""
    day = helpers.tokyo_today() - datetime.timedelta(days=days_ago)
    return f"{day.isoformat()}T{hour:02d}:00:00+09:00"


def record(server, patient, vitals, days_ago, login="vns.suzuki", hour=10):
    r = server.session(login).post(f"/api/patients/{patient}/homecare/records", json={
        "kind": "home_nursing", "visit_start": at(days_ago, hour),
        "visit_end": at(days_ago, hour).replace(f"T{hour:02d}:00", f"T{hour:02d}:40"),
        "content": {"observation": "観察", "care_given": "ケア", "vitals": vitals}})
    assert r.status_code == 201, r.text
    return r.json()


def alerts(session, patient, **params):
    r = session.get(f"/api/patients/{patient}/homecare/alerts", params=params or None)
    assert r.status_code == 200, r.text
    return r.json()["items"]


def of_record(items, rec):
    return [a for a in items if a["record_id"] == rec["id"]]


def settings_path(patient):
    return f"/api/patients/{patient}/homecare/alert-settings"


def test_the_profiles_and_the_default_settings(server):
    r = server.session("vns.suzuki").get("/api/homecare/alert-profiles")
    assert r.status_code == 200, r.text
    profiles = {p["profile"]["code"]: p for p in r.json()["items"]}
    assert set(profiles) == {"elderly", "heart_failure", "copd"}
    assert profiles["heart_failure"]["profile"]["ja"] == "心不全"
    assert profiles["heart_failure"]["trends"]["weight_rise_kg"] == 2.0
    assert profiles["heart_failure"]["trends"]["weight_rise_days"] == 3
    spo2 = {p: next(x for x in profiles[p]["levels"] if x["vital"] == "spo2")["low"]
            for p in profiles}
    assert spo2 == {"elderly": 90, "heart_failure": 92, "copd": 88}
    patient = home_patient(server, 1)
    s = server.session("cm.yamazaki").get(settings_path(patient)).json()
    assert s["profile"]["code"] == "elderly" and s["set_by"] is None


def test_a_physician_of_the_team_adjusts_the_settings_and_nobody_else(server):
    patient = home_patient(server, 2)
    body = {"profile": "copd", "levels": {"spo2": {"low": 86}, "pulse": {"high": 115}},
            "spo2_drop": 3}
    before = store_snapshot(server)
    for login in ("vns.suzuki", "ph.yoshida", "cm.yamazaki"):
        assert_problem(server.session(login).put(settings_path(patient), json=body), 403)
    assert_problem(server.session("ph.ito").put(settings_path(YAMADA_HANAKO), json=body), 404,
                   "patient.not_found")
    for bad, code in (({"profile": "athlete"}, "request.field_value"),
                      ({**body, "levels": {"spo2": {"low": 140}}}, "request.field_range"),
                      ({**body, "levels": {"mood": {"low": 1}}}, "request.field_value"),
                      ({**body, "levels": {"pulse": {"low": 120, "high": 60}}},
                       "request.field_range"),
                      ({**body, "spo2_drop": 50}, "request.field_range"),
                      ({**body, "colour": "red"}, "request.unknown_field"),
                      ({**body, "levels": {"spo2": {"low": "low"}}}, "request.field_type")):
        r = server.session("aoba.tanaka").put(settings_path(patient), json=bad)
        assert_problem(r, r.status_code, code)
        assert 400 <= r.status_code < 500
    assert store_snapshot(server) == before

    r = server.session("aoba.tanaka").put(settings_path(patient), json=body)
    assert r.status_code == 200, r.text
    s = server.session("vns.suzuki").get(settings_path(patient)).json()
    assert s["profile"]["code"] == "copd"
    levels = {x["vital"]: x for x in s["levels"]}
    assert levels["spo2"]["low"] == 86 and levels["spo2"]["adjusted"] is True
    assert levels["pulse"]["high"] == 115 and levels["pulse"]["low"] == 50
    assert levels["temperature"]["adjusted"] is False
    assert s["trends"]["spo2_drop"] == 3 and s["trends"]["adjusted"] is True
    assert s["set_by"]["id"] == user_id("aoba.tanaka")


def on_call(server, primary, backup=None, org_admin="aoba.tanaka"):
    """A shift of the admin's organisation from a minute ago for two hours, started after any
    other: primary (and backup) are on call now."""
    now = helpers.now_utc()
    body = {"starts_at": (now - datetime.timedelta(minutes=1)).isoformat(timespec="milliseconds"),
            "ends_at": (now + datetime.timedelta(hours=2)).isoformat(timespec="milliseconds"),
            "phone": "099-555-0199", "primary_user_id": user_id(primary)}
    if backup:
        body["backup_user_id"] = user_id(backup)
    r = server.session(org_admin).post("/api/oncall/shifts", json=body)
    assert r.status_code == 201, r.text
    return r.json()["id"]


def told_to(session, alert_id):
    return [n for n in session.get("/api/notifications").json()["items"]
            if n["kind"] == "homecare_alert" and n["ref_id"] == alert_id]


def test_spo2_below_the_level_alerts_the_on_call_clinician_and_the_team_physicians(server):
    patient = home_patient(server, 3)
    on_call(server, "aoba.mori", "aoba.tanaka")
    tanaka, mori = server.session("aoba.tanaka"), server.session("aoba.mori")
    stream = Stream(tanaka, "/api/events?topics=vitals.alert")
    personal = Stream(mori, "/api/events?topics=notification")
    assert stream.response.status_code == 200 and personal.response.status_code == 200
    try:
        rec = record(server, patient, {"spo2": 86, "pulse": 96}, days_ago=25)
        [alert] = of_record(alerts(tanaka, patient), rec)
        event = stream.next("the alert's event", lambda item: item.get("event") == "vitals.alert"
                            and json.loads(item["data"])["alert_id"] == alert["id"])
        assert json.loads(event["data"])["event"] == "raised" and patient not in event["data"]
        note = personal.next("the on-call clinician's notice",
                             lambda item: item.get("event") == "notification"
                             and json.loads(item["data"]).get("alert_id") == alert["id"])
        # it says which alert, never what was measured or of whom
        assert set(json.loads(note["data"])) == {"id", "kind", "alert_id", "event"}
    finally:
        stream.response.close()
        personal.response.close()
    assert alert["vital"] == "spo2" and alert["value"] == 86 and alert["rule"] == "low"
    assert alert["limit"] == 90 and alert["state"] == "open" and alert["acknowledged"] is None
    assert alert["raised_by"]["id"] == user_id("vns.suzuki")
    assert alert["responsible_org"]["id"] == AOBA and alert["escalation_level"] == 0
    assert alert["next_escalation_at"] is not None
    steps = [s["step"] for s in alert["steps"]]
    assert steps == ["raised", "notified"]
    detail = alert["steps"][1]["detail"]
    assert detail["users"] == [{"user_id": user_id("aoba.mori"), "name": "森 健太",
                                "org_id": AOBA, "role": "on_call"}]
    told = set(detail["orgs"])
    assert AOBA not in told and HIKARI not in told and VNS not in told
    # the on-call clinician's inbox has it, naming the patient; his colleague's and the
    # pharmacy's have not
    [mine] = told_to(mori, alert["id"])
    assert mine["patient"]["id"] == patient
    assert mine["summary"]["vital"] == "spo2" and mine["summary"]["value"] == 86
    assert told_to(tanaka, alert["id"]) == []
    assert told_to(server.session("ph.yoshida"), alert["id"]) == []


def test_a_value_in_range_raises_nothing(server):
    patient = home_patient(server, 4)
    rec = record(server, patient, {"spo2": 95, "bp_systolic": 132, "temperature": 36.8},
                 days_ago=24)
    assert of_record(alerts(server.session("aoba.tanaka"), patient), rec) == []


def test_weight_rising_two_kilograms_in_three_days_alerts_in_heart_failure(server):
    patient = home_patient(server, 5)
    tanaka = server.session("aoba.tanaka")
    assert tanaka.put(settings_path(patient), json={"profile": "heart_failure"}).status_code == 200
    record(server, patient, {"weight": 58.0}, days_ago=31)  # more than three days before
    record(server, patient, {"weight": 60.0}, days_ago=28)
    first = record(server, patient, {"weight": 61.2}, days_ago=27)
    assert of_record(alerts(tanaka, patient), first) == []  # +1.2 kg: not yet
    rec = record(server, patient, {"weight": 62.1}, days_ago=26)
    [alert] = of_record(alerts(tanaka, patient), rec)
    assert alert["rule"] == "rise" and alert["limit"] == 2.0 and alert["baseline"] == 60.0


def test_spo2_four_points_below_the_baseline_alerts(server):
    patient = home_patient(server, 6)
    tanaka = server.session("aoba.tanaka")
    for days_ago, spo2 in ((33, 97), (31, 98), (29, 97)):
        record(server, patient, {"spo2": spo2}, days_ago=days_ago)
    rec = record(server, patient, {"spo2": 93}, days_ago=27)  # above the level of 90
    [alert] = of_record(alerts(tanaka, patient), rec)
    assert alert["rule"] == "drop" and alert["limit"] == 4 and alert["baseline"] == 97.3


def test_acknowledging_records_who_and_what_was_done(server):
    patient = home_patient(server, 7)
    rec = record(server, patient, {"temperature": 38.6}, days_ago=23)
    tanaka = server.session("aoba.tanaka")
    [alert] = of_record(alerts(tanaka, patient), rec)
    path = f"/api/patients/{patient}/homecare/alerts/{alert['id']}/acknowledge"
    before = store_snapshot(server)
    assert_problem(server.session("ph.yoshida").post(path, json={"action": "observation"}), 403,
                   "homecare.alert_not_clinician")
    assert_problem(tanaka.post(path, json={"action": "prayer"}), 400)
    assert_problem(tanaka.post(path, json={}), 400, "request.field_missing")
    assert_problem(tanaka.post(f"/api/patients/{patient}/homecare/alerts/"
                               f"{helpers.patient_id(1)}/acknowledge",
                               json={"action": "observation"}), 404, "homecare.alert_not_found")
    assert store_snapshot(server) == before
    r = tanaka.post(path, json={"action": "phone_instruction", "note": "解熱剤の頓用を指示"})
    assert r.status_code == 200, r.text
    done = r.json()
    assert done["state"] == "acknowledged"
    assert done["acknowledged"]["by"]["id"] == user_id("aoba.tanaka")
    assert done["acknowledged"]["action"] == "phone_instruction"
    assert [s["step"] for s in done["steps"]] == ["raised", "notified", "acknowledged"]
    assert_problem(tanaka.post(path, json={"action": "observation"}), 409,
                   "homecare.alert_acknowledged")
    assert alert["id"] not in {a["id"] for a in alerts(tanaka, patient, state="open")}
    assert alert["id"] in {a["id"] for a in alerts(tanaka, patient, state="acknowledged")}


def test_a_correction_does_not_alert_again(server):
    patient = home_patient(server, 8)
    suzuki = server.session("vns.suzuki")
    rec = record(server, patient, {"spo2": 85}, days_ago=22)
    r = suzuki.post(f"/api/patients/{patient}/homecare/records/{rec['id']}/corrections", json={
        "reason": "申し送り追記", "content": rec["content"], "handover": "追記",
        "visit_start": rec["visit_start"], "visit_end": rec["visit_end"]})
    assert r.status_code == 201, r.text
    assert len(of_record(alerts(suzuki, patient), rec)) == 1


def test_another_organisation_without_consent_sees_no_alert(server):
    ito = server.session("ph.ito")
    for path in ("homecare/alerts", "homecare/alert-settings"):
        assert_problem(ito.get(f"/api/patients/{YAMADA_HANAKO}/{path}"), 404, "patient.not_found")


@pytest.mark.parametrize("state", ["closed", ""])
def test_a_bad_state_is_refused(server, state):
    patient = home_patient(server, 1)
    assert_problem(server.session("vns.suzuki").get(
        f"/api/patients/{patient}/homecare/alerts", params={"state": state}), 400)


def test_an_alerts_life_is_on_the_patients_one_stream(server):
    patient = home_patient(server, 9)
    rec = record(server, patient, {"bp_systolic": 196, "bp_diastolic": 104}, days_ago=21)
    tanaka = server.session("aoba.tanaka")
    [alert] = of_record(alerts(tanaka, patient), rec)
    r = tanaka.post(f"/api/patients/{patient}/homecare/alerts/{alert['id']}/acknowledge",
                    json={"action": "house_call"})
    assert r.status_code == 200, r.text
    items = helpers.fetch_all(server.session("cm.yamazaki"),
                              f"/api/patients/{patient}/homecare/timeline",
                              params={"types": "alert"})
    [item] = [i for i in items if i["id"] == alert["id"]]
    assert item["type"] == "alert" and item["at"] == item["raised_at"]
    assert item["vital"] == "bp_systolic" and item["rule"] == "high" and item["limit"] == 180
    assert item["acknowledged"]["action"] == "house_call"
    assert [s["step"] for s in item["steps"]] == ["raised", "notified", "acknowledged"]
