# SPDX-License-Identifier: Apache-2.0
"""Facility directory (issue 4): publishing a profile and the live status field by field,
who may change them, audit, staleness, search with filters and distance order, history, and
bad input that changes nothing."""
import datetime
import math

import pytest

import helpers
from helpers import assert_problem, store_snapshot

GH = helpers.org_id("minami-gh")
UH = helpers.org_id("minami-uh")
LTC = helpers.org_id("minami-ltc")
RENKEI = helpers.user_id("gh.renkei")
BASE = "/api/directory"

PROFILE = {
    "medical_function": "acute",
    "departments": ["internal", "nephrology"],
    "equipment": [{"code": "ct", "shared_use": True}, {"code": "dialysis"}],
    "services": ["respite"],
    "latitude": 33.5902, "longitude": 130.4017,
    "liaison_phone": "099-555-0101", "liaison_fax": "099-555-0102",
    "liaison_email": "renkei@example.invalid", "liaison_hours": "平日 9:00〜17:00",
    "acceptance_notes": "透析患者は要相談",
}


def entry(session, org=GH):
    r = session.get(f"{BASE}/orgs/{org}")
    assert r.status_code == 200, r.text
    return r.json()


def haversine(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


def search(session, **params):
    r = session.get(f"{BASE}/search", params=params)
    assert r.status_code == 200, r.text
    return r.json()["items"]


def codes_of(items):
    return [i["code"] for i in items]


def test_code_lists_have_labels(server):
    body = server.session("gh.sato").get(f"{BASE}/codes").json()
    assert [c["code"] for c in body["functions"]] == [
        "highly_acute", "acute", "recovery", "chronic", "home"]
    assert {"code": "icu_hcu", "ja": "ICU/HCU", "en": "ICU/HCU"} in body["bed_kinds"]
    for name in ("departments", "equipment", "services", "emergency"):
        assert body[name] and all(c["ja"] and c["en"] for c in body[name])


def test_each_org_type_says_what_it_reports(server):
    s = server.session("gh.sato")
    reports = s.get(f"{BASE}/codes").json()["org_types"]
    types = [t["code"] for t in s.get("/api/org-types").json()["items"]]
    assert sorted(reports) == sorted(types)
    bed_kinds = {c["code"] for c in s.get(f"{BASE}/codes").json()["bed_kinds"]}
    status_fields = {"beds", "emergency", "emergency_note", "homecare_new_this_month",
                     "specialists_today", "restrictions"}
    for code, r in reports.items():
        assert set(r["fields"]) <= status_fields and set(r["bed_kinds"]) <= bed_kinds, code
        assert ("beds" in r["fields"]) == bool(r["bed_kinds"]), code
    # no beds and no emergency acceptance for those that have no wards
    for code in ("pharmacy", "care_management", "community_support_center", "municipality"):
        assert "beds" not in reports[code]["fields"] and "emergency" not in reports[code]["fields"]
    assert reports["acute_hospital"]["bed_kinds"][:2] == ["general", "icu_hcu"]
    assert "icu_hcu" not in reports["recovery_hospital"]["bed_kinds"]


def test_an_ended_restriction_is_not_current(start_server):
    # A restriction cannot be reported as already ended (core/plausible.h); it ends as time
    # passes. Report three, then serve the same data two days later.
    today = helpers.tokyo_today()
    def day(n):
        return (today + datetime.timedelta(days=n)).isoformat()
    given = [
        {"text": "本日まで内視鏡休止", "until": day(0)},
        {"text": "明日まで透析受入停止", "until": day(1)},
        {"text": "3日後まで MRI 点検", "until": day(3)},
        {"text": "小児は要相談"},
    ]
    first = start_server()
    admin = first.session("gh.admin")
    r = admin.patch(f"{BASE}/orgs/{GH}/status", json={"restrictions": given})
    assert r.status_code == 200, r.text
    current = entry(first.session("gh.sato"))["status"]["restrictions"]["value"]
    assert [x["text"] for x in current] == [x["text"] for x in given]  # all four in force today
    first.stop()
    later = start_server(data_dir=first.data_dir,
                         clock_shift_days=helpers.CLOCK_SHIFT_DAYS + 2)
    current = entry(later.session("gh.sato"))["status"]["restrictions"]["value"]
    assert [x["text"] for x in current] == ["3日後まで MRI 点検", "小児は要相談"]
    hs = later.session("gh.sato").get(f"/fhir/HealthcareService/{GH}").json()
    assert [n["description"] for n in hs["notAvailable"]] == [x["text"] for x in current]
    # the history keeps what was reported, ended or not
    history = later.session("gh.admin").get(f"{BASE}/orgs/{GH}/history",
                                            params={"field": "restrictions"}).json()
    assert given in [item["value"] for item in history["items"]]
    later.stop()


def test_demo_entry_shows_profile_and_status_with_freshness(server):
    e = entry(server.session("gh.sato"))
    assert e["org"]["code"] == "minami-gh"
    assert e["profile"]["medical_function"] == "acute"
    assert {"code": "mri", "shared_use": True} in e["profile"]["equipment"]
    beds = e["status"]["beds"]
    assert beds["value"]["icu_hcu"] == 1
    assert beds["updated_by"]["name"] == "高橋 由美" and beds["stale"] is False
    assert e["stale_after_seconds"] == 86400 and e["can_edit"] is False
    # the long-term hospital last reported 30 hours ago: stale
    assert entry(server.session("gh.sato"), LTC)["status"]["beds"]["stale"] is True


def test_publish_profile_and_status_field_by_field(fresh_server):
    s = fresh_server.session("gh.admin")
    before = entry(s)["status"]
    r = s.put(f"{BASE}/orgs/{GH}/profile", json=PROFILE)
    assert r.status_code == 200, r.text
    p = r.json()["profile"]
    assert p["equipment"] == [{"code": "ct", "shared_use": True},
                              {"code": "dialysis", "shared_use": False}]
    assert p["departments"] == ["internal", "nephrology"] and p["latitude"] == 33.5902
    assert p["updated_by"]["id"] == helpers.user_id("gh.admin")
    r = s.patch(f"{BASE}/orgs/{GH}/status", json={"beds": {"icu_hcu": 3}, "emergency": "yes"})
    assert r.status_code == 200, r.text
    status = r.json()["status"]
    # beds: the kind given changes, the other kinds stay
    assert status["beds"]["value"] == {**before["beds"]["value"], "icu_hcu": 3}
    assert status["emergency"]["value"] == "yes"
    assert status["beds"]["updated_at"] > before["beds"]["updated_at"]
    # fields not given keep their time and author
    assert status["specialists_today"] == before["specialists_today"]
    assert status["restrictions"] == before["restrictions"]
    # audited in the same transaction, one record per change
    rows = helpers.audit_rows(fresh_server, "object_id = ? AND event_id LIKE 'directory_%'",
                              (GH,))
    assert [(x["event_id"], x["action"], x["user_login"]) for x in rows] == [
        ("directory_profile_put", "U", "gh.admin"), ("directory_status_patch", "U", "gh.admin")]
    assert "beds" in rows[1]["detail"] and "emergency" in rows[1]["detail"]
    # a profile is replaced as a whole; null lists are empty lists
    r = s.put(f"{BASE}/orgs/{GH}/profile", json={"medical_function": "acute", "departments": None})
    assert r.status_code == 200, r.text
    p = r.json()["profile"]
    assert p["departments"] == [] and p["equipment"] == [] and p["latitude"] is None


def test_only_own_admins_designated_editors_and_network_admin_edit(fresh_server):
    change = {"beds": {"general": 5}}
    snapshot = store_snapshot(fresh_server)
    for login in ("uh.admin", "gh.renkei", "gh.sato"):
        r = fresh_server.session(login).patch(f"{BASE}/orgs/{GH}/status", json=change)
        assert_problem(r, 403, "access.forbidden")
        r = fresh_server.session(login).put(f"{BASE}/orgs/{GH}/profile", json=PROFILE)
        assert_problem(r, 403, "access.forbidden")
    # only the organisation's admin designates editors
    r = fresh_server.session("gh.sato").put(f"{BASE}/orgs/{GH}/editors",
                                            json={"user_ids": [RENKEI]})
    assert_problem(r, 403, "access.forbidden")
    r = fresh_server.session("uh.admin").put(f"{BASE}/orgs/{GH}/editors",
                                             json={"user_ids": [RENKEI]})
    assert_problem(r, 403, "access.forbidden")
    assert store_snapshot(fresh_server) == snapshot
    r = fresh_server.session("gh.admin").put(f"{BASE}/orgs/{GH}/editors",
                                             json={"user_ids": [RENKEI]})
    assert r.status_code == 200, r.text
    assert [e["id"] for e in r.json()["editors"]] == [RENKEI]
    renkei = fresh_server.session("gh.renkei")
    assert entry(renkei)["can_edit"] is True
    r = renkei.patch(f"{BASE}/orgs/{GH}/status", json=change)
    assert r.status_code == 200, r.text
    assert r.json()["status"]["beds"]["updated_by"] == {"id": RENKEI, "name": "中村 美咲"}
    # the designation is for that organisation only
    assert_problem(renkei.patch(f"{BASE}/orgs/{UH}/status", json=change), 403)
    r = fresh_server.session("jimukyoku").patch(f"{BASE}/orgs/{UH}/status",
                                                json={"emergency": "no"})
    assert r.status_code == 200, r.text
    assert r.json()["status"]["emergency"]["updated_by"]["id"] == helpers.user_id("jimukyoku")
    # editors can be withdrawn
    r = fresh_server.session("gh.admin").put(f"{BASE}/orgs/{GH}/editors", json={"user_ids": []})
    assert r.status_code == 200 and r.json()["editors"] == []
    assert_problem(renkei.patch(f"{BASE}/orgs/{GH}/status", json=change), 403)
    events = [x["event_id"] for x in helpers.audit_rows(
        fresh_server, "event_id LIKE 'directory_%' AND outcome = 0")]
    assert events == ["directory_editors_put", "directory_status_patch",
                      "directory_status_patch", "directory_editors_put"]


def test_status_goes_stale_after_the_configured_age(start_server):
    srv = start_server("--status-stale-seconds", "1")
    s = srv.session("gh.admin")
    helpers.wait_until(lambda: entry(s)["status"]["beds"]["stale"], 30, "beds to go stale")
    helpers.wait_until(lambda: not search(s, available="general"), 30,
                       "stale beds to drop out of the available search")
    r = s.patch(f"{BASE}/orgs/{GH}/status", json={"beds": {"general": 4}})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["stale_after_seconds"] == 1
    assert body["status"]["beds"]["stale"] is False  # just reported
    assert body["status"]["emergency"]["stale"] is True  # reported 45 minutes ago


def test_search_filters(server):
    s = server.session("gh.sato")
    assert codes_of(search(s, function="acute")) == ["minami-gh"]
    assert codes_of(search(s, department="nephrology")) == ["minami-gh"]
    assert set(codes_of(search(s, equipment="mri", shared="true"))) == {"minami-uh", "minami-gh"}
    assert codes_of(search(s, equipment="endoscopy", shared="true")) == ["sakura-clinic"]
    assert set(codes_of(search(s, equipment="endoscopy"))) == {"minami-gh", "sakura-clinic"}
    assert set(codes_of(search(s, service="on_call_24h"))) == {
        "aoba-homecare", "minami-vns", "hikari-pharmacy"}
    assert codes_of(search(s, emergency="yes")) == ["minami-uh"]
    # ICU/HCU beds free and fresh; the long-term hospital's stale report never counts
    assert set(codes_of(search(s, available="icu_hcu"))) == {"minami-uh", "minami-gh"}
    assert codes_of(search(s, available="long_term")) == ["minami-care"]
    # free text: names as typed or in kana (hiragana, half-width), and notes
    assert codes_of(search(s, q="みなみそうごう")) == ["minami-gh"]
    assert codes_of(search(s, q="ﾐﾅﾐｿｳｺﾞｳ")) == ["minami-gh"]
    assert codes_of(search(s, q="透析")) == ["minami-gh"]
    items = search(s, function="acute")
    assert items[0]["freshness"]["stale"] is False and items[0]["freshness"]["updated_at"]
    # without a point: ordered by the kana reading
    everything = helpers.fetch_all(s, f"{BASE}/search", limit=5)
    assert len(everything) == 12
    kana = [i["name_kana"] for i in everything]
    assert kana == sorted(kana)
    assert all(i["distance_km"] is None for i in everything)


def test_distance_order_from_a_point_and_an_organisation(server):
    s = server.session("gh.sato")
    lat, lon = 33.60, 130.39
    items = search(s, near=f"{lat},{lon}", limit=100)
    assert len(items) == 12
    distances = [i["distance_km"] for i in items]
    assert distances == sorted(distances)
    for i in items:
        assert abs(i["distance_km"] - haversine(lat, lon, i["latitude"], i["longitude"])) < 0.01
    assert items[0]["code"] == "minami-uh" and items[0]["distance_km"] < 1
    near_gh = search(s, near_org=GH, limit=3)
    assert near_gh[0]["code"] == "minami-gh" and near_gh[0]["distance_km"] == 0
    assert near_gh[1]["code"] == "hikari-pharmacy"
    # filters and distance together, and paging keeps the order
    acute = search(s, near=f"{lat},{lon}", equipment="ct")
    assert codes_of(acute) == ["minami-uh", "minami-gh", "minami-rehab"]
    paged = helpers.fetch_all(s, f"{BASE}/search", {"near": f"{lat},{lon}"}, limit=5)
    assert codes_of(paged) == codes_of(items)


def test_near_an_organisation_without_a_position_lists_by_name(fresh_server):
    # the directory page asks for distances from one's own organisation by default: one that has
    # not published its position yet gets the list in name order rather than an error
    admin = fresh_server.session("jimukyoku")
    r = admin.post("/api/orgs", json={"code": "test-clinic", "name": "テスト診療所",
                                       "name_kana": "テストシンリョウジョ", "type": "clinic",
                                       "address": "みなみ市試験町1", "phone": "099-555-1111"})
    assert r.status_code == 201, r.text
    items = search(fresh_server.session("gh.sato"), near_org=r.json()["id"], limit=100)
    assert len(items) == 13 and all(i["distance_km"] is None for i in items)
    assert codes_of(items) == codes_of(search(fresh_server.session("gh.sato"), limit=100))


def test_history_keeps_every_change(fresh_server):
    s = fresh_server.session("gh.admin")
    for n in (3, 2, 0):
        assert s.patch(f"{BASE}/orgs/{GH}/status", json={"beds": {"icu_hcu": n}}).status_code == 200
    r = s.get(f"{BASE}/orgs/{GH}/history", params={"field": "beds"})
    assert r.status_code == 200, r.text
    rows = r.json()["items"]
    assert [x["value"]["icu_hcu"] for x in rows] == [1, 3, 2, 0]  # the demo report first
    assert all(x["field"] == "beds" for x in rows)
    assert rows[-1]["updated_by"]["name"] == "高橋 由美"
    times = [x["updated_at"] for x in rows]
    assert times == sorted(times)
    since = s.get(f"{BASE}/orgs/{GH}/history",
                  params={"field": "beds", "from": times[1]}).json()["items"]
    assert len(since) == 3
    assert s.get(f"{BASE}/orgs/{GH}/history",
                 params={"to": "2000-01-01"}).json()["items"] == []
    all_fields = helpers.fetch_all(s, f"{BASE}/orgs/{GH}/history")
    assert {x["field"] for x in all_fields} >= {"beds", "emergency", "restrictions"}
    assert_problem(s.get(f"{BASE}/orgs/{GH}/history", params={"field": "nope"}), 400)
    assert_problem(s.get(f"{BASE}/orgs/{GH}/history", params={"from": "yesterday"}), 400)


BAD_STATUS = [
    {"beds": {"general": 10000}},
    {"beds": {"general": -1}},
    {"beds": {"general": 1.5}},
    {"beds": {"penthouse": 1}},
    {"emergency": "maybe"},
    {"homecare_new_this_month": -1},
    {"restrictions": [{"text": "MRI 点検中", "until": "12/3"}]},
    {"restrictions": [{"text": "MRI 点検中", "since": "2026-12-01"}]},
    {"beds": {"general": 1}, "updated_at": "2030-01-01T00:00:00Z"},
    {"emergency": None},
    {},
]
BAD_PROFILE = [
    {**PROFILE, "medical_function": "quantum"},
    {**PROFILE, "departments": ["astrology"]},
    {**PROFILE, "departments": ["internal", "internal"]},
    {**PROFILE, "equipment": [{"code": "tricorder"}]},
    {**PROFILE, "equipment": [{"code": "ct", "owner": "x"}]},
    {**PROFILE, "services": ["teleportation"]},
    {**PROFILE, "latitude": 91},
    {**PROFILE, "longitude": -180.5},
    {**PROFILE, "latitude": None},
    {**PROFILE, "updated_at": "2030-01-01T00:00:00Z"},
    {**PROFILE, "updated_by": RENKEI},
]


@pytest.mark.parametrize("body", BAD_STATUS, ids=range(len(BAD_STATUS)))
def test_bad_status_changes_nothing(server, body):
    s = server.session("gh.admin")
    before = store_snapshot(server)
    r = s.patch(f"{BASE}/orgs/{GH}/status", json=body)
    assert_problem(r, 400)
    assert store_snapshot(server) == before


@pytest.mark.parametrize("body", BAD_PROFILE, ids=range(len(BAD_PROFILE)))
def test_bad_profile_changes_nothing(server, body):
    s = server.session("gh.admin")
    before = store_snapshot(server)
    assert_problem(s.put(f"{BASE}/orgs/{GH}/profile", json=body), 400)
    assert store_snapshot(server) == before


def test_other_organisations_and_unknown_ids(server):
    s = server.session("gh.admin")
    before = store_snapshot(server)
    assert_problem(s.patch(f"{BASE}/orgs/{UH}/status", json={"emergency": "no"}), 403)
    assert_problem(s.put(f"{BASE}/orgs/{UH}/editors", json={"user_ids": []}), 403)
    # only members may be designated
    assert_problem(s.put(f"{BASE}/orgs/{GH}/editors",
                         json={"user_ids": [helpers.user_id("uh.fujita")]}), 400)
    missing = "00000000-0000-4000-8000-000000000000"
    assert_problem(s.patch(f"{BASE}/orgs/{missing}/status", json={"emergency": "no"}), 404)
    assert_problem(s.get(f"{BASE}/orgs/{missing}"), 404)
    assert_problem(s.get(f"{BASE}/orgs/not-an-id"), 404)
    assert store_snapshot(server) == before
    for params in ({"function": "quantum"}, {"available": "penthouse"}, {"near": "91,0"},
                   {"near": "33.6"}, {"near_org": missing}, {"shared": "yes"},
                   {"near": "33.6,130.4", "near_org": GH}, {"colour": "red"}):
        assert_problem(s.get(f"{BASE}/search", params=params), 400, "request.bad_query")
