# SPDX-License-Identifier: Apache-2.0
"""Home care (issue 16): the shared visit schedule (src/homecare/schedule*.c): one-off visits and
weekly plans expanded in Asia/Tokyo, the week view with its flags, changes told to the team, and
what an organisation without consent sees (nothing)."""
import datetime
import json

import helpers
from helpers import (YAMADA_HANAKO, assert_problem, org_id, patient_id, store_snapshot,
                     tokyo_today, user_id)
from test_events import Stream

SATO_ICHIRO = patient_id(1)  # team: minami-gh, sakura-clinic, aoba-homecare, minami-vns, ...
DAY = datetime.timedelta(days=1)
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def monday(weeks_ahead):
    """The Monday weeks_ahead weeks after this week's (Asia/Tokyo)."""
    today = tokyo_today()
    return today - today.weekday() * DAY + weeks_ahead * 7 * DAY


def utc(iso):
    return datetime.datetime.fromisoformat(iso.replace("Z", "+00:00"))


def week(session, patient, day):
    r = session.get(f"/api/patients/{patient}/homecare/schedule", params={"week": day.isoformat()})
    assert r.status_code == 200, r.text
    return r.json()


def visit(session, patient, day, start, end, kind, **extra):
    r = session.post(f"/api/patients/{patient}/homecare/visits",
                     json={"kind": kind, "date": day.isoformat(), "start": start, "end": end,
                           **extra})
    assert r.status_code == 201, r.text
    return r.json()


def next_month_end(after, month=None):
    """The first last day of a month (of month, if given) after the date after."""
    d = after + DAY
    while True:
        if (d + DAY).month != d.month and (month is None or d.month == month):
            return d
        d += DAY


# ---- expansion ---------------------------------------------------------------------------------

def test_weekly_plan_expands_across_a_month_end_in_tokyo_time(server):
    vns = server.session("vns.suzuki")
    end31 = next_month_end(tokyo_today() + 8 * DAY)
    first = end31 - 7 * DAY
    body = {"kind": "home_nursing", "weekdays": [WEEKDAYS[end31.weekday()]], "start": "08:00",
            "end": "08:45", "first_date": first.isoformat(),
            "end_date": (end31 + 21 * DAY).isoformat(),
            "exceptions": [(end31 + 7 * DAY).isoformat()],
            "staff_user_id": user_id("vns.suzuki"), "note": "月末をまたぐ"}
    r = vns.post(f"/api/patients/{SATO_ICHIRO}/homecare/plans", json=body)
    assert r.status_code == 201, r.text
    plan = r.json()
    dates = [v["date"] for v in plan["visits"]]
    # the month boundary is crossed, the exception skipped, nothing after the end date
    assert dates == [first.isoformat(), end31.isoformat(), (end31 + 14 * DAY).isoformat(),
                     (end31 + 21 * DAY).isoformat()]
    assert plan["weekdays"] == [WEEKDAYS[end31.weekday()]] and plan["gap_days"] == 7
    for v in plan["visits"]:
        # 08:00 in Tokyo is 23:00 UTC of the day before
        day = datetime.date.fromisoformat(v["date"])
        assert utc(v["starts_at"]) == datetime.datetime.combine(
            day - DAY, datetime.time(23, 0), datetime.timezone.utc)
        assert (v["start"], v["end"]) == ("08:00", "08:45")
        assert v["staff"]["id"] == user_id("vns.suzuki") and v["plan_id"] == plan["id"]
        assert v["kind"]["code"] == "home_nursing" and v["org"]["id"] == org_id("minami-vns")


def test_plan_on_the_end_of_february(server):
    aoba = server.session("aoba.tanaka")
    feb_end = next_month_end(tokyo_today() + 8 * DAY, month=2)
    body = {"kind": "home_medical", "weekdays": [WEEKDAYS[feb_end.weekday()]], "start": "23:00",
            "end": "23:30", "first_date": (feb_end - 7 * DAY).isoformat(),
            "end_date": (feb_end + 7 * DAY).isoformat()}
    r = aoba.post(f"/api/patients/{SATO_ICHIRO}/homecare/plans", json=body)
    assert r.status_code == 201, r.text
    dates = [v["date"] for v in r.json()["visits"]]
    assert dates == [(feb_end - 7 * DAY).isoformat(), feb_end.isoformat(),
                     (feb_end + 7 * DAY).isoformat()]
    assert dates[-1][5:7] == "03"  # into March
    assert all(utc(v["ends_at"]) - utc(v["starts_at"]) == datetime.timedelta(minutes=30)
               for v in r.json()["visits"])


def test_plan_without_end_is_expanded_for_the_window(server):
    vns = server.session("vns.suzuki")
    first = monday(40)
    r = vns.post(f"/api/patients/{SATO_ICHIRO}/homecare/plans",
                 json={"kind": "home_rehab", "weekdays": ["tue", "fri"], "start": "10:00",
                       "end": "10:30", "first_date": first.isoformat(),
                       "staff_user_id": user_id("vns.ikeda")})
    assert r.status_code == 201, r.text
    plan = r.json()
    assert plan["end_date"] is None
    # 8 weeks from the first day, twice a week
    assert len(plan["visits"]) == 16
    assert plan["expanded_until"] == (first + 55 * DAY).isoformat()
    assert {datetime.date.fromisoformat(v["date"]).weekday() for v in plan["visits"]} == {1, 4}


def test_rolling_window_moves_forward_with_the_next_change(start_server):
    first = start_server()
    today = tokyo_today()
    r = first.session("vns.suzuki").post(
        f"/api/patients/{SATO_ICHIRO}/homecare/plans",
        json={"kind": "home_nursing", "weekdays": ["mon", "thu"], "start": "13:00",
              "end": "13:30", "first_date": today.isoformat()})
    assert r.status_code == 201, r.text
    plan = r.json()
    assert plan["expanded_until"] == (today + 55 * DAY).isoformat()
    first.stop()
    # two weeks later, the next change to the patient's schedule moves the window
    later = start_server(data_dir=first.data_dir,
                         clock_shift_days=helpers.CLOCK_SHIFT_DAYS + 14)
    visit(later.session("aoba.tanaka"), SATO_ICHIRO, today + 20 * DAY, "10:00", "10:30",
          "home_medical")
    row = later.query("SELECT expanded_until FROM homecare_plans WHERE id = ?", (plan["id"],))
    assert row[0]["expanded_until"] == (today + 69 * DAY).isoformat()
    dates = [datetime.date.fromisoformat(r["local_date"]) for r in later.query(
        "SELECT local_date FROM homecare_visits WHERE plan_id = ? ORDER BY local_date",
        (plan["id"],))]
    expected = [today + i * DAY for i in range(70) if (today + i * DAY).weekday() in (0, 3)]
    assert dates == expected
    later.stop()


def test_rolling_window_moves_forward_by_itself_when_the_day_changes(start_server):
    first = start_server()
    today = tokyo_today()
    r = first.session("vns.kato").post(
        f"/api/patients/{SATO_ICHIRO}/homecare/plans",
        json={"kind": "home_nursing", "weekdays": ["tue"], "start": "15:00", "end": "15:30",
              "first_date": today.isoformat()})
    assert r.status_code == 201, r.text
    plan = r.json()
    first.stop()
    # three weeks later nobody touches the schedule: the server's sweep moves the window
    later = start_server(data_dir=first.data_dir,
                         clock_shift_days=helpers.CLOCK_SHIFT_DAYS + 21)
    horizon = (today + 21 * DAY + 55 * DAY).isoformat()

    def moved():
        row = later.query("SELECT expanded_until FROM homecare_plans WHERE id = ?",
                          (plan["id"],))
        return row[0]["expanded_until"] == horizon
    helpers.wait_until(moved, 30, "the sweep to move the plan's window")
    dates = [datetime.date.fromisoformat(r["local_date"]) for r in later.query(
        "SELECT local_date FROM homecare_visits WHERE plan_id = ? ORDER BY local_date",
        (plan["id"],))]
    assert dates == [today + i * DAY for i in range(77) if (today + i * DAY).weekday() == 1]
    audit = later.query("SELECT * FROM audit WHERE event_id = 'homecare_schedule_rolled' AND "
                        "patient_id = ?", (SATO_ICHIRO,))
    assert audit and audit[-1]["detail"] == f"rolling window to {horizon}"
    assert audit[-1]["user_id"] in (None, "")
    # the new occurrences are in the name of the plan's author, each with its FHIR Appointment
    [last] = later.query("SELECT * FROM homecare_visits WHERE plan_id = ? ORDER BY local_date "
                         "DESC LIMIT 1", (plan["id"],))
    assert last["created_by"] == user_id("vns.kato") and last["fhir_appointment_id"]
    r = later.session("vns.kato").get(f"/fhir/Appointment/{last['fhir_appointment_id']}")
    assert r.status_code == 200 and r.json()["start"].startswith(last["local_date"])
    later.stop()


# ---- the week view and its flags ------------------------------------------------------------

def test_overlap_is_flagged_for_the_whole_team(server):
    day = monday(3) + 2 * DAY
    aoba, vns = server.session("aoba.tanaka"), server.session("vns.suzuki")
    a = visit(aoba, SATO_ICHIRO, day, "10:00", "11:00", "home_medical",
              staff_user_id=user_id("aoba.tanaka"))
    b = visit(vns, SATO_ICHIRO, day, "10:30", "11:00", "home_nursing")
    c = visit(vns, SATO_ICHIRO, day, "11:00", "11:30", "home_nursing")
    # the pharmacy, on the team too, sees the three organisations' visits and the flag
    w = week(server.session("ph.ito"), SATO_ICHIRO, day)
    assert w["week_start"] == monday(3).isoformat()
    assert w["week_end"] == (monday(3) + 6 * DAY).isoformat()
    by_id = {v["id"]: v for v in w["visits"]}
    assert {a["id"], b["id"], c["id"]} <= set(by_id)
    assert by_id[a["id"]]["flags"] == [{"type": "overlap", "with": b["id"]}]
    assert by_id[b["id"]]["flags"] == [{"type": "overlap", "with": a["id"]}]
    assert by_id[c["id"]]["flags"] == []  # touching is not overlapping
    assert by_id[a["id"]]["staff"]["name"] == "田中 誠"
    assert by_id[a["id"]]["org"]["name"] == "あおば在宅クリニック"
    overlaps = [f for f in w["flags"] if f["type"] == "overlap"]
    assert {f["visit_id"] for f in overlaps} == {a["id"], b["id"]}

    # cancelled, the overlap is gone
    r = vns.post(f"/api/patients/{SATO_ICHIRO}/homecare/visits/{b['id']}/cancel",
                 json={"reason": "利用者の都合"})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "cancelled" and r.json()["cancel_reason"] == "利用者の都合"
    w = week(aoba, SATO_ICHIRO, day)
    assert [f for f in w["flags"] if f["type"] == "overlap"] == []


def test_gap_without_nursing_visit_is_flagged_and_the_change_notifies_the_team(server):
    patient = patient_id(1)
    vns, aoba = server.session("vns.kato"), server.session("aoba.tanaka")
    first = monday(12)
    r = vns.post(f"/api/patients/{patient}/homecare/plans",
                 json={"kind": "home_nursing", "weekdays": ["mon"], "start": "14:00",
                       "end": "15:00", "first_date": first.isoformat(),
                       "end_date": (first + 27 * DAY).isoformat()})
    assert r.status_code == 201, r.text
    plan = r.json()
    assert len(plan["visits"]) == 4
    assert [f for f in week(aoba, patient, first + 7 * DAY)["flags"] if f["type"] == "gap"] == []

    # the second Monday is cancelled: 13 days without a nursing visit (N = 7)
    second = plan["visits"][1]
    r = vns.post(f"/api/patients/{patient}/homecare/visits/{second['id']}/cancel",
                 json={"reason": "ステーションの研修日"})
    assert r.status_code == 200, r.text
    gaps = [f for f in week(aoba, patient, first + 7 * DAY)["flags"] if f["type"] == "gap"]
    assert gaps == [{"type": "gap", "plan_id": plan["id"],
                     "from": (first + DAY).isoformat(), "to": (first + 13 * DAY).isoformat(),
                     "days": 13, "gap_days": 7}]

    # with N = 14 for this plan, 13 days are no gap
    r = vns.patch(f"/api/patients/{patient}/homecare/plans/{plan['id']}",
                  json={"gap_days": 14, "reason": "主治医と相談し隔週でも可"})
    assert r.status_code == 200, r.text
    assert [f for f in week(aoba, patient, first + 7 * DAY)["flags"] if f["type"] == "gap"] == []

    # the other organisations' inboxes say who changed what
    notes = [n for n in aoba.get("/api/notifications").json()["items"]
             if n["kind"] == "homecare_schedule" and n["summary"].get("visit_id") == second["id"]]
    assert len(notes) == 1, notes
    s = notes[0]["summary"]
    assert s["event"] == "cancelled" and s["reason"] == "ステーションの研修日"
    assert s["user_name"] == "加藤 洋子" and s["org_name"] == "みなみ訪問看護ステーション"
    assert s["detail"]["before"]["date"] == second["date"]
    assert notes[0]["patient"]["id"] == patient
    # and not the changing organisation's own
    own = [n for n in vns.get("/api/notifications").json()["items"]
           if n["kind"] == "homecare_schedule" and n["summary"].get("visit_id") == second["id"]]
    assert own == []


def test_visit_while_in_hospital_is_flagged(server):
    gh, aoba = server.session("gh.sato"), server.session("aoba.tanaka")
    day = monday(6) + 3 * DAY
    admitted = datetime.datetime.combine(day - 2 * DAY, datetime.time(9, 0),
                                         datetime.timezone(datetime.timedelta(hours=9)))
    r = gh.post("/fhir/Encounter", json={
        "resourceType": "Encounter", "status": "planned",
        "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "IMP"},
        "subject": {"reference": f"Patient/{SATO_ICHIRO}"},
        "period": {"start": admitted.isoformat(), "end": (day + DAY).isoformat()}})
    assert r.status_code == 201, r.text
    enc = r.json()["id"]
    inside = visit(aoba, SATO_ICHIRO, day, "13:00", "13:30", "home_medical")
    after = visit(aoba, SATO_ICHIRO, day + 2 * DAY, "13:00", "13:30", "home_medical")
    by_id = {v["id"]: v for v in week(aoba, SATO_ICHIRO, day)["visits"]}
    assert by_id[inside["id"]]["flags"] == [{"type": "in_hospital",
                                             "encounter": f"Encounter/{enc}"}]
    assert by_id[after["id"]]["flags"] == []


# ---- changes ------------------------------------------------------------------------------------

def test_change_a_visit_with_a_reason(server):
    aoba, vns = server.session("aoba.tanaka"), server.session("vns.suzuki")
    day = monday(8) + DAY
    v = visit(aoba, SATO_ICHIRO, day, "09:00", "09:30", "home_medical")
    path = f"/api/patients/{SATO_ICHIRO}/homecare/visits/{v['id']}"
    # only the visiting organisation changes its visits
    assert_problem(vns.patch(path, json={"start": "10:00", "end": "10:30", "reason": "x"}), 403,
                   "homecare.schedule_not_own")
    r = aoba.patch(path, json={"date": (day + DAY).isoformat(), "start": "10:00", "end": "10:20",
                               "staff_user_id": user_id("aoba.tanaka"), "reason": "往診が入ったため"})
    assert r.status_code == 200, r.text
    moved = r.json()
    assert (moved["date"], moved["start"], moved["end"]) == ((day + DAY).isoformat(), "10:00",
                                                            "10:20")
    assert moved["staff"]["id"] == user_id("aoba.tanaka")
    rows = server.query("SELECT what, reason, user_id FROM homecare_schedule_changes "
                        "WHERE visit_id = ? ORDER BY id", (v["id"],))
    assert [(r["what"], r["reason"]) for r in rows] == [("created", None),
                                                        ("changed", "往診が入ったため")]
    assert rows[1]["user_id"] == user_id("aoba.tanaka")
    assert_problem(aoba.patch(path, json={"reason": "何もしない"}), 422,
                   "homecare.schedule_nothing")
    assert_problem(aoba.post(path + "/cancel", json={}), 400)
    assert aoba.post(path + "/cancel", json={"reason": "中止"}).status_code == 200
    assert_problem(aoba.post(path + "/cancel", json={"reason": "再度"}), 409,
                   "homecare.schedule_cancelled")


def test_end_a_plan_cancels_what_follows(server):
    vns = server.session("vns.suzuki")
    first = monday(20)
    r = vns.post(f"/api/patients/{SATO_ICHIRO}/homecare/plans",
                 json={"kind": "home_nursing", "weekdays": ["wed"], "start": "09:00",
                       "end": "09:30", "first_date": first.isoformat()})
    assert r.status_code == 201, r.text
    plan = r.json()
    assert len(plan["visits"]) == 8
    end = first + 20 * DAY
    r = vns.patch(f"/api/patients/{SATO_ICHIRO}/homecare/plans/{plan['id']}",
                  json={"end_date": end.isoformat(), "exceptions": [(first + 9 * DAY).isoformat()],
                        "reason": "入院予定のため終了"})
    assert r.status_code == 200, r.text
    assert r.json()["end_date"] == end.isoformat()
    rows = server.query("SELECT local_date, status FROM homecare_visits WHERE plan_id = ? "
                        "ORDER BY local_date", (plan["id"],))
    planned = [r["local_date"] for r in rows if r["status"] == "planned"]
    assert planned == [(first + 2 * DAY).isoformat(), (first + 16 * DAY).isoformat()]
    problem = assert_problem(
        vns.patch(f"/api/patients/{SATO_ICHIRO}/homecare/plans/{plan['id']}",
                  json={"end_date": (first - 7 * DAY).isoformat(), "reason": "x"}),
        422, "homecare.schedule_ends_before_start")
    assert problem["field"] == "end_date"  # the form shows it beside the end date


# ---- access ------------------------------------------------------------------------------------

def test_an_organisation_without_consent_sees_nothing(server):
    aoba, ito = server.session("aoba.tanaka"), server.session("ph.ito")
    day = monday(5)
    v = visit(aoba, YAMADA_HANAKO, day, "15:00", "15:30", "home_medical")
    base = f"/api/patients/{YAMADA_HANAKO}/homecare"
    assert_problem(ito.get(base + "/schedule", params={"week": day.isoformat()}), 404)
    before = store_snapshot(server)
    assert_problem(ito.post(base + "/visits", json={"kind": "home_pharmacy",
                                                    "date": day.isoformat(), "start": "10:00",
                                                    "end": "10:30"}), 404)
    assert_problem(ito.post(f"{base}/visits/{v['id']}/cancel", json={"reason": "x"}), 404)
    assert store_snapshot(server) == before
    # nothing in the pharmacy's inbox names her (notices naming no patient may be there)
    assert all((n.get("patient") or {}).get("id") != YAMADA_HANAKO
               for n in ito.get("/api/notifications").json()["items"])
    # a visit of another patient's id is not found under this patient
    assert_problem(aoba.post(f"/api/patients/{SATO_ICHIRO}/homecare/visits/{v['id']}/cancel",
                             json={"reason": "x"}), 404, "homecare.schedule_not_found")


# ---- bad input --------------------------------------------------------------------------------

def test_bad_input_is_refused_and_changes_nothing(server):
    aoba = server.session("aoba.tanaka")
    base = f"/api/patients/{SATO_ICHIRO}/homecare"
    day = monday(9).isoformat()
    one = {"kind": "home_medical", "date": day, "start": "10:00", "end": "10:30"}
    plan = {"kind": "home_medical", "weekdays": ["tue"], "start": "10:00", "end": "10:30",
            "first_date": day}
    cases = [
        ("/visits", dict(one, end="09:30"), 422, "homecare.schedule_ends_before_start"),
        ("/visits", dict(one, end="10:00"), 422, "homecare.schedule_ends_before_start"),
        ("/visits", dict(one, start="25:00"), 422, "homecare.schedule_time"),
        ("/visits", dict(one, start="10:0"), 422, "homecare.schedule_time"),
        ("/visits", dict(one, date=(tokyo_today() + 400 * DAY).isoformat()), 422,
         "homecare.schedule_time"),
        ("/visits", dict(one, date=(tokyo_today() - 60 * DAY).isoformat()), 422,
         "homecare.schedule_time"),
        ("/visits", dict(one, kind="home_help"), 422, "homecare.schedule_kind_org"),
        ("/visits", dict(one, kind="bathing"), 422, "homecare.kind_unknown"),
        ("/visits", dict(one, staff_user_id=user_id("aoba.nakajima")), 422,
         "homecare.schedule_kind_staff"),
        ("/visits", dict(one, staff_user_id=user_id("vns.suzuki")), 422,
         "homecare.schedule_staff_unknown"),
        ("/visits", dict(one, colour="red"), 400, None),
        ("/visits", dict(one, start=1000), 400, None),
        ("/plans", dict(plan, window_days=400), 422, "homecare.schedule_expansion_limit"),
        ("/plans", dict(plan, weekdays=WEEKDAYS, window_days=366), 422,
         "homecare.schedule_expansion_limit"),
        ("/plans", dict(plan, weekdays=["tue", "someday"]), 400, None),
        ("/plans", dict(plan, weekdays=[]), 400, None),
        ("/plans", dict(plan, end_date=monday(8).isoformat()), 422,
         "homecare.schedule_ends_before_start"),
        ("/plans", dict(plan, exceptions=["2026-02-30"]), 400, None),
        ("/plans", dict(plan, gap_days=0), 400, None),
        ("/plans", dict(plan, end="09:00"), 422, "homecare.schedule_ends_before_start"),
    ]
    before = store_snapshot(server)
    for path, body, status, code in cases:
        assert_problem(aoba.post(base + path, json=body), status, code)
    assert_problem(aoba.get(base + "/schedule", params={"week": "2026-13-01"}), 400)
    assert_problem(aoba.get(base + "/schedule", params={"when": day}), 400)
    assert store_snapshot(server) == before


# ---- iCalendar by a private link --------------------------------------------------------------

def unfold(text):
    """RFC 5545 §3.1: content lines, unfolded (every physical line ends in CRLF, at most 75
    octets)."""
    assert text.endswith("\r\n")
    physical = text[:-2].split("\r\n")
    assert all(len(line.encode()) <= 75 for line in physical), physical
    lines = []
    for line in physical:
        if line.startswith(" "):
            lines[-1] += line[1:]
        else:
            lines.append(line)
    return lines


def test_staff_calendar_link_works_until_revoked(server):
    vns, anon = server.session("vns.suzuki"), server.anon()
    day = tokyo_today() + 2 * DAY
    v = visit(vns, SATO_ICHIRO, day, "16:00", "16:40", "home_nursing",
              staff_user_id=user_id("vns.suzuki"))
    r = vns.post("/api/homecare/ical-links", json={"label": "鈴木の訪問予定"})
    assert r.status_code == 201, r.text
    link = r.json()
    assert link["scope"] == "staff" and link["url"] == f"/api/homecare/ical/{link['token']}.ics"
    stored = server.query("SELECT token_sha256 FROM homecare_ical_links WHERE id = ?",
                          (link["id"],))[0]["token_sha256"]
    assert link["token"] not in stored  # only its digest is kept

    r = anon.get(link["url"])
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("text/calendar")
    lines = unfold(r.content.decode())
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "TZID:Asia/Tokyo" in lines and "X-WR-CALNAME:鈴木の訪問予定" in lines
    at = lines.index(f"UID:{v['id']}@tsunagu")
    event = lines[at:lines.index("END:VEVENT", at)]
    compact = day.strftime("%Y%m%d")
    assert f"DTSTART;TZID=Asia/Tokyo:{compact}T160000" in event
    assert f"DTEND;TZID=Asia/Tokyo:{compact}T164000" in event
    assert "SUMMARY:訪問看護 佐藤 一郎" in event
    assert "LOCATION:みなみ市中央町3-8-15" in event
    # the access is audited for the patient, as the link's maker
    rows = server.query("SELECT org_id, detail FROM audit WHERE event_id = 'homecare_ical_feed' "
                        "AND patient_id = ? AND user_id = ?", (SATO_ICHIRO, user_id("vns.suzuki")))
    assert len(rows) == 1 and rows[0]["org_id"] == org_id("minami-vns")

    listed = vns.get("/api/homecare/ical-links").json()["items"]
    assert [(x["id"], x["revoked_at"]) for x in listed] == [(link["id"], None)]
    assert "token" not in listed[0]
    # someone else cannot revoke it
    assert_problem(server.session("vns.kato").delete(f"/api/homecare/ical-links/{link['id']}"),
                   404, "homecare.ical_not_found")
    assert vns.delete(f"/api/homecare/ical-links/{link['id']}").status_code == 204
    assert_problem(anon.get(link["url"]), 404, "homecare.ical_not_found")
    assert_problem(vns.delete(f"/api/homecare/ical-links/{link['id']}"), 404,
                   "homecare.ical_not_found")
    assert vns.get("/api/homecare/ical-links").json()["items"][0]["revoked_at"] is not None
    assert_problem(anon.get("/api/homecare/ical/" + "A" * 43 + ".ics"), 404,
                   "homecare.ical_not_found")
    assert_problem(anon.get("/api/homecare/ical/short"), 404, "homecare.ical_not_found")


def test_patient_calendar_shows_kind_and_organisation_only(server):
    aoba, vns, anon = (server.session("aoba.tanaka"), server.session("vns.suzuki"),
                       server.anon())
    day = tokyo_today() + 4 * DAY
    v = visit(vns, SATO_ICHIRO, day, "09:00", "09:30", "home_nursing")
    r = aoba.post(f"/api/patients/{SATO_ICHIRO}/homecare/ical-links", json={})
    assert r.status_code == 201, r.text
    link = r.json()
    assert link["scope"] == "patient" and link["patient_id"] == SATO_ICHIRO
    lines = unfold(anon.get(link["url"]).content.decode())
    at = lines.index(f"UID:{v['id']}@tsunagu")
    event = lines[at:lines.index("END:VEVENT", at)]
    assert "SUMMARY:訪問看護(みなみ訪問看護ステーション)" in event
    assert not any("佐藤" in x or "中央町3-8-15" in x for x in lines)
    # an organisation without consent makes no link
    assert_problem(server.session("ph.ito").post(
        f"/api/patients/{YAMADA_HANAKO}/homecare/ical-links", json={}), 404)


# ---- the day list -----------------------------------------------------------------------------

def test_my_day_lists_visits_in_order_with_addresses_of_visible_patients_only(server):
    vns = server.session("vns.ikeda")
    day = tokyo_today() + 5 * DAY
    late = visit(vns, SATO_ICHIRO, day, "15:00", "15:40", "home_rehab",
                 staff_user_id=user_id("vns.ikeda"))
    early = visit(vns, SATO_ICHIRO, day, "09:00", "09:40", "home_rehab",
                  staff_user_id=user_id("vns.ikeda"))
    # a visit of a patient minami-vns may not see (planted in the store): never listed
    ghost = "0f0e0d0c-0b0a-4908-8706-050403020100"
    server.execute(
        "INSERT INTO homecare_visits (id, patient_id, org_id, kind, staff_user_id, local_date, "
        "starts_at, ends_at, status, created_by, created_at, updated_by, updated_at) VALUES "
        "(?, ?, ?, 'home_rehab', ?, ?, 1, 2, 'planned', ?, 0, ?, 0)",
        (ghost, YAMADA_HANAKO, org_id("minami-vns"), user_id("vns.ikeda"), day.isoformat(),
         user_id("vns.ikeda"), user_id("vns.ikeda")))
    r = vns.get("/api/homecare/my-day", params={"date": day.isoformat()})
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert [i["id"] for i in items] == [early["id"], late["id"]]
    assert items[0]["patient"] == {"id": SATO_ICHIRO, "name": "佐藤 一郎",
                                   "address": "みなみ市中央町3-8-15"}
    assert (items[0]["start"], items[0]["end"]) == ("09:00", "09:40")
    rows = server.query("SELECT patient_id FROM audit WHERE event_id = 'homecare_my_day' AND "
                        "user_id = ?", (user_id("vns.ikeda"),))
    assert [r["patient_id"] for r in rows] == [SATO_ICHIRO]
    assert vns.get("/api/homecare/my-day", params={
        "date": (day + DAY).isoformat()}).json()["items"] == []
    assert_problem(vns.get("/api/homecare/my-day", params={"date": "tomorrow"}), 400)


# ---- FHIR -----------------------------------------------------------------------------------

def test_visits_are_fhir_appointments_in_the_record(server):
    aoba, gh = server.session("aoba.tanaka"), server.session("gh.sato")
    day = monday(30) + 4 * DAY
    v = visit(aoba, SATO_ICHIRO, day, "11:00", "11:45", "home_medical",
              staff_user_id=user_id("aoba.tanaka"))
    r = gh.get("/fhir/Appointment", params={"patient": SATO_ICHIRO, "_count": 200})
    assert r.status_code == 200, r.text
    found = [e["resource"] for e in r.json().get("entry", [])
             if any(i["value"] == v["id"] for i in e["resource"].get("identifier", []))]
    assert len(found) == 1, r.text[:500]
    a = found[0]
    assert a["status"] == "booked" and a["minutesDuration"] == 45
    assert a["serviceType"][0]["coding"][0]["code"] == "home_medical"
    assert utc(a["start"]) == utc(v["starts_at"]) and utc(a["end"]) == utc(v["ends_at"])
    actors = [p["actor"] for p in a["participant"]]
    assert actors[0]["reference"] == f"Patient/{SATO_ICHIRO}"
    assert actors[1]["reference"] == f"Organization/{org_id('aoba-homecare')}"
    assert actors[2]["display"] == "田中 誠"
    # a cancellation follows
    assert aoba.post(f"/api/patients/{SATO_ICHIRO}/homecare/visits/{v['id']}/cancel",
                     json={"reason": "家族の希望"}).status_code == 200
    a = gh.get(f"/fhir/Appointment/{a['id']}").json()
    assert a["status"] == "cancelled" and a["cancelationReason"]["text"] == "家族の希望"
    # a plan's occurrences too, naming their plan
    r = aoba.post(f"/api/patients/{SATO_ICHIRO}/homecare/plans",
                  json={"kind": "home_medical", "weekdays": ["sat"], "start": "14:00",
                        "end": "14:30", "first_date": monday(31).isoformat(),
                        "end_date": (monday(31) + 13 * DAY).isoformat()})
    assert r.status_code == 201, r.text
    plan = r.json()
    ids = server.query("SELECT fhir_appointment_id AS f FROM homecare_visits WHERE plan_id = ?",
                       (plan["id"],))
    assert len(ids) == 2 and all(row["f"] for row in ids)
    a = gh.get(f"/fhir/Appointment/{ids[0]['f']}").json()
    assert a["extension"][0]["valueString"] == plan["id"]
    # and nothing of it to an organisation without consent
    visit(aoba, YAMADA_HANAKO, day, "16:00", "16:30", "home_medical")
    assert gh.get("/fhir/Appointment", params={"patient": YAMADA_HANAKO}).json()["total"] >= 1
    assert server.session("ph.ito").get(
        "/fhir/Appointment", params={"patient": YAMADA_HANAKO}).json().get("total", 0) == 0


def test_a_change_reaches_the_team_live(server):
    vns = server.session("vns.suzuki")
    v = visit(vns, SATO_ICHIRO, monday(10) + 2 * DAY, "13:00", "13:30", "home_nursing")
    stream = Stream(server.session("aoba.tanaka"), "/api/events?topics=homecare.schedule")
    try:
        assert stream.response.status_code == 200
        r = vns.patch(f"/api/patients/{SATO_ICHIRO}/homecare/visits/{v['id']}",
                      json={"start": "14:00", "end": "14:30", "reason": "前の訪問が延びるため"})
        assert r.status_code == 200, r.text
        got = stream.next("the change", lambda i: v["id"] in i.get("data", ""))
        assert got is not None and got["event"] == "homecare.schedule"
        # no event names a patient: the open page reloads through the audited week view
        assert json.loads(got["data"]) == {"event": "changed", "visit_id": v["id"],
                                           "plan_id": None}
    finally:
        stream.response.close()
