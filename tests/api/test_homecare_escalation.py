# SPDX-License-Identifier: Apache-2.0
"""Home care, part 2 (issue 17): an alert not acknowledged in time escalates — told first to the
on-call clinician of the patient's home-care clinic, then to the shift's backup, then to the
clinic's administrators, each step recorded (src/homecare/alerts_escalation.c) — and vitals
entered without a visit record alert like a record's (src/homecare/vitals_entries.c). The clock
is moved with POST /api/test/clock, so each test that moves it has a server of its own."""
import datetime

import helpers
from helpers import assert_problem, store_snapshot, user_id
from test_homecare_alerts import AOBA, alerts, home_patient, of_record, record, told_to
from test_homecare_alerts import on_call as shift_from_now

MINUTE = 60 * 1000


def on_call(server, primary, backup=None):
    """A shift of あおば from now on with primary (and backup), and no other starting in the
    next hours: these tests move the clock, and a demo shift starting meanwhile (each day at
    09:00 Asia/Tokyo, with its own backup) would take over from it."""
    tanaka = server.session("aoba.tanaka")
    now = helpers.now_utc()
    window = {"from": now.isoformat(timespec="milliseconds"),
              "to": (now + datetime.timedelta(hours=3)).isoformat(timespec="milliseconds")}
    r = tanaka.get("/api/oncall/shifts", params=window)
    assert r.status_code == 200, r.text
    for shift in r.json()["items"]:
        if datetime.datetime.fromisoformat(shift["starts_at"]) > now:
            assert tanaka.delete(f"/api/oncall/shifts/{shift['id']}").status_code == 200
    return shift_from_now(server, primary, backup)


def escalate_after(server, minutes):
    r = server.session("aoba.tanaka").put("/api/homecare/alert-escalation",
                                          json={"escalate_after_minutes": minutes})
    assert r.status_code == 200, r.text
    assert r.json()["escalate_after_minutes"] == minutes


def the_alert(server, patient, rec):
    [alert] = of_record(alerts(server.session("aoba.tanaka"), patient), rec)
    return alert


def test_an_unacknowledged_alert_goes_to_the_backup_then_to_the_administrators(fresh_server):
    server = fresh_server
    patient = home_patient(server, 1)
    escalate_after(server, 2)
    on_call(server, "aoba.nakajima", "aoba.mori")

    def nakajima():
        return server.session("aoba.nakajima")

    def mori():
        return server.session("aoba.mori")

    def tanaka():
        return server.session("aoba.tanaka")

    rec = record(server, patient, {"spo2": 86}, days_ago=25)
    alert = the_alert(server, patient, rec)
    assert [n["patient"]["id"] for n in told_to(nakajima(), alert["id"])] == [patient]
    assert told_to(mori(), alert["id"]) == []
    # not yet: a minute and 59 seconds
    server.advance_clock(2 * MINUTE - 1000)
    assert the_alert(server, patient, rec)["escalation_level"] == 0
    assert told_to(mori(), alert["id"]) == []
    # two minutes: the backup, in person
    server.advance_clock(2000)
    alert = the_alert(server, patient, rec)
    assert alert["escalation_level"] == 1 and alert["state"] == "open"
    [to_backup] = told_to(mori(), alert["id"])
    assert to_backup["summary"]["event"] == "escalated" and to_backup["summary"]["role"] == "backup"
    assert to_backup["patient"]["id"] == patient
    assert [n["summary"].get("event") for n in told_to(tanaka(), alert["id"])] == []
    # two more minutes: the administrators (the director), not the other members
    server.advance_clock(2 * MINUTE)
    alert = the_alert(server, patient, rec)
    assert alert["escalation_level"] == 2 and alert["next_escalation_at"] is None
    [to_admins] = told_to(tanaka(), alert["id"])
    assert to_admins["summary"]["role"] == "admins"
    assert [n["summary"]["event"] for n in told_to(nakajima(), alert["id"])] == ["raised"]
    steps = [(s["step"], s["detail"].get("role"), s["detail"].get("user_id"))
             for s in alert["steps"]]
    assert steps == [("raised", None, None), ("notified", None, None),
                     ("escalated", "backup", user_id("aoba.mori")),
                     ("escalated", "admins", None)]
    audited = helpers.audit_rows(server, "event_id = 'homecare_alert_escalated' AND "
                                 "patient_id = ?", (patient,))
    assert len(audited) == 2
    # nothing further, however long nobody acts
    server.advance_clock(30 * MINUTE)
    assert len(the_alert(server, patient, rec)["steps"]) == 4
    # the backup acknowledges at last, with what he did
    r = mori().post(f"/api/patients/{patient}/homecare/alerts/{alert['id']}/acknowledge",
                  json={"action": "house_call", "note": "臨時往診し酸素流量を調整"})
    assert r.status_code == 200, r.text
    assert r.json()["acknowledged"]["action"] == "house_call"
    assert r.json()["acknowledged"]["by"]["id"] == user_id("aoba.mori")


def test_an_acknowledged_alert_escalates_no_further(fresh_server):
    server = fresh_server
    patient = home_patient(server, 2)
    escalate_after(server, 1)
    on_call(server, "aoba.mori", "aoba.nakajima")
    rec = record(server, patient, {"spo2": 85}, days_ago=25)
    alert = the_alert(server, patient, rec)
    r = server.session("aoba.mori").post(
        f"/api/patients/{patient}/homecare/alerts/{alert['id']}/acknowledge",
        json={"action": "phone_instruction", "note": "酸素を3Lに上げるよう電話で指示"})
    assert r.status_code == 200, r.text
    server.advance_clock(5 * MINUTE)
    alert = the_alert(server, patient, rec)
    assert [s["step"] for s in alert["steps"]] == ["raised", "notified", "acknowledged"]
    assert told_to(server.session("aoba.nakajima"), alert["id"]) == []


def test_without_a_backup_it_goes_to_the_administrators(fresh_server):
    server = fresh_server
    patient = home_patient(server, 3)
    on_call(server, "aoba.mori")  # the default of 15 minutes
    rec = record(server, patient, {"spo2": 84}, days_ago=25)
    alert = the_alert(server, patient, rec)
    server.advance_clock(14 * MINUTE)
    assert the_alert(server, patient, rec)["escalation_level"] == 0
    server.advance_clock(MINUTE + 1000)
    alert = the_alert(server, patient, rec)
    assert alert["escalation_level"] == 2
    assert alert["steps"][-1]["detail"] == {"level": 2, "role": "admins"}
    assert [n["summary"]["role"] for n in told_to(server.session("aoba.tanaka"), alert["id"])] \
        == ["admins"]


def test_the_minutes_are_the_administrators_to_set(server):
    nakajima = server.session("aoba.nakajima")
    r = nakajima.get("/api/homecare/alert-escalation")
    assert r.status_code == 200 and r.json()["default"] == 15
    before = store_snapshot(server)
    assert_problem(nakajima.put("/api/homecare/alert-escalation",
                                json={"escalate_after_minutes": 5}), 403)
    tanaka = server.session("aoba.tanaka")
    for body, code in (({"escalate_after_minutes": 0}, "request.field_range"),
                       ({"escalate_after_minutes": 241}, "request.field_range"),
                       ({"escalate_after_minutes": "5"}, "request.field_type"),
                       ({"escalate_after_minutes": 5, "to": "everyone"}, "request.unknown_field"),
                       ({}, "request.field_missing")):
        assert_problem(tanaka.put("/api/homecare/alert-escalation", json=body), 400, code)
    assert store_snapshot(server) == before
    other = server.session("vns.kato")  # another organisation's setting is its own
    assert other.get("/api/homecare/alert-escalation").json()["escalate_after_minutes"] == 15


# ---- vitals entered alone -------------------------------------------------------------------

def measured(days_ago, hour=9):
    day = helpers.tokyo_today() - datetime.timedelta(days=days_ago)
    return f"{day.isoformat()}T{hour:02d}:00:00+09:00"


def test_vitals_entered_alone_alert_and_count_in_the_baseline(server):
    patient = home_patient(server, 5)
    suzuki = server.session("vns.suzuki")
    path = f"/api/patients/{patient}/homecare/vitals"
    for days_ago, spo2 in ((30, 97), (29, 97)):
        r = suzuki.post(path, json={"measured_at": measured(days_ago), "vitals": {"spo2": spo2}})
        assert r.status_code == 201, r.text
        assert r.json()["alerts"] == []
    # 92 % is above the level (90) but 5 points under the fortnight's baseline of 97
    r = suzuki.post(path, json={"measured_at": measured(28), "vitals": {"spo2": 92, "pulse": 88},
                                "note": "家族がパルスオキシメーターで測定し電話で報告"})
    assert r.status_code == 201, r.text
    [alert_id] = r.json()["alerts"]
    entry_id = r.json()["id"]
    [alert] = [a for a in alerts(suzuki, patient) if a["id"] == alert_id]
    assert alert["entry_id"] == entry_id and alert["record_id"] is None
    assert alert["rule"] == "drop" and alert["baseline"] == 97
    listed = suzuki.get(path).json()["items"]
    assert listed[0]["id"] == entry_id and listed[0]["vitals"] == {"spo2": 92, "pulse": 88}
    assert listed[0]["entered_by"]["id"] == user_id("vns.suzuki")
    assert "パルスオキシメーター" in listed[0]["note"]


def test_vitals_entered_alone_refuse_bad_input_and_strangers(server):
    patient = home_patient(server, 6)
    suzuki = server.session("vns.suzuki")
    path = f"/api/patients/{patient}/homecare/vitals"
    before = store_snapshot(server)
    tomorrow = (helpers.now_utc() + datetime.timedelta(days=1)).isoformat(timespec="seconds")
    for body, code, field in (
            ({"measured_at": measured(1), "vitals": {"spo2": 140}}, "request.field_range",
             "vitals.spo2"),
            ({"measured_at": measured(1), "vitals": {"mood": 3}}, "request.unknown_field", None),
            ({"measured_at": measured(1), "vitals": {}}, "request.field_missing", "vitals"),
            ({"measured_at": tomorrow, "vitals": {"spo2": 95}}, "request.field_range",
             "measured_at"),
            ({"measured_at": measured(1)[:10], "vitals": {"spo2": 95}}, "request.field_value",
             "measured_at"),
            ({"measured_at": measured(1), "vitals": {"spo2": "95"}}, "request.field_type", None),
            ({"measured_at": measured(1), "vitals": {"spo2": 95}, "note": " "},
             "request.field_value", None)):
        r = suzuki.post(path, json=body)
        assert_problem(r, 400, code)
        if field:
            assert field in r.json()["detail"], r.text
    # a hospital off the team
    assert_problem(server.session("uh.fujita").post(path, json={
        "measured_at": measured(1), "vitals": {"spo2": 95}}), 404, "patient.not_found")
    assert store_snapshot(server) == before
