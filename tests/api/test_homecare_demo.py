# SPDX-License-Identifier: Apache-2.0
"""Home care (issue 16): the demo region's home-care patients (src/homecare/demo.c): their
schedules across the team's organisations, visit records with vitals in the FHIR record, the
team timeline with an urgent thread, and nothing of it for an organisation without consent."""
import datetime

import helpers
from helpers import patient_id

ICHIRO = patient_id(1)  # 佐藤 一郎, chronic heart failure
WEIGHT = "29463-7"  # LOINC body weight
# organisations that are on none of the home-care patients' teams with consent
OUTSIDERS = {"uh.fujita": "minami-uh", "rehab.kimura": "minami-rehab",
             "ltc.ishikawa": "minami-ltc"}


def home_patients(server):
    rows = server.query("SELECT DISTINCT patient_id AS id FROM homecare_plans")
    return {r["id"] for r in rows}


def test_demo_has_at_least_ten_home_care_patients(server):
    patients = home_patients(server)
    assert len(patients) >= 10
    assert ICHIRO in patients
    # each has visits planned in the weeks around now, and visit records of the past weeks
    s = server.session("cm.yamazaki")
    for p in patients:
        records = s.get(f"/api/patients/{p}/homecare/records")
        assert records.status_code == 200, records.text
        assert records.json()["items"], p


def test_demo_records_are_signed_by_their_authors_but_the_latest(server):
    items = server.session("vns.suzuki").get(
        f"/api/patients/{ICHIRO}/homecare/records").json()["items"]
    signed = [r for r in items if r["status"] == "signed"]
    drafts = [r for r in items if r["status"] == "draft"]
    assert signed and drafts
    for r in signed:
        assert r["signed_by"]["id"] == r["author"]["id"] and len(r["content_sha256"]) == 64
    newest_signed = max(r["visit_end"] for r in signed)
    assert all(r["visit_end"] > newest_signed for r in drafts)


def test_care_managers_week_shows_visits_of_three_organisations(server):
    s = server.session("cm.yamazaki")
    r = s.get(f"/api/patients/{ICHIRO}/homecare/schedule",
              params={"week": helpers.tokyo_today().isoformat()})
    assert r.status_code == 200, r.text
    orgs = {v["org"]["name"] for v in r.json()["visits"]}
    assert {"あおば在宅クリニック", "みなみ訪問看護ステーション", "ひかり薬局"} <= orgs
    # 池田 茂 (bed-bound) also has home help by みなみ苑's care worker
    r = s.get(f"/api/patients/{patient_id(20)}/homecare/schedule",
              params={"week": helpers.tokyo_today().isoformat()})
    assert r.status_code == 200, r.text
    helps = [v for v in r.json()["visits"] if v["kind"]["code"] == "home_help"]
    assert helps and {v["staff"]["id"] for v in helps} == {helpers.user_id("care.kondo")}
    assert {v["org"]["name"] for v in r.json()["visits"]} >= {"特別養護老人ホームみなみ苑",
                                                              "みなみ訪問看護ステーション"}


def test_the_pharmacists_extra_visit_collides_with_the_nurses_next_thursday(server):
    s = server.session("cm.yamazaki")
    today = helpers.tokyo_today()
    thursday = today + datetime.timedelta(days=(3 - today.weekday()) % 7 or 7)
    r = s.get(f"/api/patients/{ICHIRO}/homecare/schedule", params={"week": thursday.isoformat()})
    assert r.status_code == 200, r.text
    visits = [v for v in r.json()["visits"] if v["date"] == thursday.isoformat()]
    flagged = {v["kind"]["code"] for v in visits if any(f["type"] == "overlap" for f in v["flags"])}
    assert flagged == {"home_nursing", "home_pharmacy"}


def test_heart_failure_patient_has_weight_vitals_in_the_fhir_record(server):
    s = server.session("aoba.tanaka")
    conditions = s.get("/fhir/Condition", params={"patient": ICHIRO}).json()
    names = [e["resource"]["code"]["text"] for e in conditions.get("entry", [])]
    assert "慢性心不全" in names
    r = s.get("/fhir/Observation", params={"patient": ICHIRO, "code": WEIGHT})
    assert r.status_code == 200, r.text
    weights = [e["resource"]["valueQuantity"]["value"] for e in r.json().get("entry", [])]
    assert len(weights) >= 4 and max(weights) - min(weights) >= 2


def test_pressure_ulcer_and_bed_bound_patients_are_in_the_fhir_record(server):
    s = server.session("aoba.tanaka")
    codes = {}
    for p in home_patients(server):
        bundle = s.get("/fhir/Condition", params={"patient": p}).json()
        for e in bundle.get("entry", []):
            for c in e["resource"]["code"].get("coding", []):
                codes.setdefault(c["code"], set()).add(p)
    assert len(codes.get("L89.1", ())) == 1  # 褥瘡
    assert len(codes.get("R26.3", ())) >= 3  # 寝たきり


def test_timeline_has_an_urgent_post_with_replies_and_read_receipts(server):
    s = server.session("vns.suzuki")
    items = helpers.fetch_all(s, f"/api/patients/{ICHIRO}/homecare/posts")
    # the demo's thread: the nurse's urgent consultation of the physician, answered
    [thread] = [t for t in items if t["urgency"] == "urgent" and "60.4kg" in t["text"]]
    assert thread["author"]["id"] == helpers.user_id("vns.suzuki")
    assert [m["user"]["id"] for m in thread["mentions"]] == [helpers.user_id("aoba.tanaka")]
    assert {r["author"]["id"] for r in thread["replies"]} >= {helpers.user_id("aoba.tanaka")}
    readers = {p["user"]["id"] for p in thread["read"]["people"]}
    assert helpers.user_id("aoba.tanaka") in readers


def test_an_organisation_without_consent_sees_none_of_it(server):
    patients = home_patients(server)
    for login, org in OUTSIDERS.items():
        assert not patients & helpers.visible_patient_ids(server, helpers.org_id(org))
        s = server.session(login)
        for p in patients:
            for path in ("schedule", "records", "posts"):
                r = s.get(f"/api/patients/{p}/homecare/{path}")
                if r.status_code == 200:  # the organisation is on this patient's team
                    raise AssertionError(f"{login} sees {path} of {p}")
                assert r.status_code in (403, 404), r.text
            obs = s.get("/fhir/Observation", params={"patient": p, "code": WEIGHT})
            assert not obs.json().get("entry"), obs.text
        mine = s.get("/api/homecare/my-day").json()
        assert not [v for v in mine.get("items", mine.get("visits", []))
                    if v.get("patient_id") in patients]


def test_the_heart_failure_patient_is_judged_by_the_heart_failure_profile(server):
    s = server.session("vns.suzuki").get(f"/api/patients/{ICHIRO}/homecare/alert-settings")
    assert s.status_code == 200, s.text
    assert s.json()["profile"]["code"] == "heart_failure"
    assert s.json()["set_by"]["id"] == helpers.user_id("aoba.tanaka")
    assert s.json()["trends"]["weight_rise_kg"] == 2.0
