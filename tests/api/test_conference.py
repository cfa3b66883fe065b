# SPDX-License-Identifier: Apache-2.0
"""Case conferences (issue 17, src/conference/): scheduling with participants of several
organisations, the access rule for the patient (refused participants, materials that never widen
access), minutes with versions that reach exactly the participants and the care team, action items
in their owner's inbox, the anonymised case-study export, and the demo's conferences."""
import datetime
import json

import pytest

import helpers
from helpers import assert_problem, org_id, patient_id, user_id
from test_events import Stream

# 佐藤 一郎: team and consent minami-gh, sakura-clinic, aoba-homecare, minami-vns,
# hikari-pharmacy, minami-cmo
ICHIRO = patient_id(1)


def at(days, hour=14):
    """An ISO instant hour:00 in Asia/Tokyo, days from the server's today."""
    day = helpers.tokyo_today() + datetime.timedelta(days=days)
    return f"{day.isoformat()}T{hour:02d}:00:00+09:00"


def party(org, login=None):
    p = {"org_id": org_id(org)}
    if login:
        p["user_id"] = user_id(login)
    return p


def body(**overrides):
    b = {"kind": "service", "title": "サービス担当者会議(検証)", "starts_at": at(3),
         "ends_at": at(3, 15), "place": "ご自宅", "agenda": "ケアプランの見直し",
         "participants": [party("aoba-homecare", "aoba.tanaka"), party("minami-vns", "vns.suzuki")]}
    b.update(overrides)
    return b


def create(session, patient=ICHIRO, **overrides):
    path = f"/api/patients/{patient}/conferences" if patient else "/api/conferences"
    r = session.post(path, json=body(**overrides))
    assert r.status_code == 201, r.text
    return r.json()


def notices(session, cid, event):
    items = session.get("/api/notifications").json()["items"]
    return [n for n in items if n["kind"] == "conference" and n["ref_id"] == cid
            and n["summary"].get("event") == event]


def one_org_logins(server):
    """A login of every organisation (users with exactly one membership), by organisation id."""
    rows = server.query(
        "SELECT u.login, m.org_id FROM users u JOIN memberships m ON m.user_id = u.id "
        "WHERE u.disabled = 0 AND u.network_admin = 0 AND (SELECT COUNT(*) FROM memberships x "
        "WHERE x.user_id = u.id) = 1 ORDER BY u.login")
    out = {}
    for r in rows:
        out.setdefault(r["org_id"], r["login"])
    return out


def conference_count(server):
    return server.query("SELECT COUNT(*) AS n FROM conferences")[0]["n"]


# ---- scheduling ------------------------------------------------------------------------------

def test_kinds_have_japanese_and_english_labels(server):
    items = server.session("vns.suzuki").get("/api/conference-kinds").json()["items"]
    assert {k["code"]: k["ja"] for k in items} == {
        "discharge": "退院前カンファレンス", "service": "サービス担当者会議",
        "case_study": "症例検討会"}
    assert all(k["en"] for k in items)


def test_schedule_read_and_list_for_participants(server):
    cm = server.session("cm.yamazaki")
    c = create(cm)
    assert c["organiser"]["id"] == org_id("minami-cmo")
    assert c["kind"]["ja"] == "サービス担当者会議"
    assert c["patient"]["id"] == ICHIRO and c["patient_visible"] is True
    orgs = [p["id"] for p in c["participants"]]
    assert orgs[0] == org_id("minami-cmo")  # the organiser first
    assert set(orgs) == {org_id("minami-cmo"), org_id("aoba-homecare"), org_id("minami-vns")}
    people = {p["id"] for o in c["participants"] for p in o["people"]}
    assert people == {user_id("cm.yamazaki"), user_id("aoba.tanaka"), user_id("vns.suzuki")}
    assert c["starts_at"].endswith("Z") and c["status"] == "scheduled"
    # a participant reads it and lists it, with the patient it may see
    suzuki = server.session("vns.suzuki")
    r = suzuki.get(f"/api/conferences/{c['id']}")
    assert r.status_code == 200 and r.json()["agenda"] == "ケアプランの見直し"
    where = "event_id = 'conference_list' AND patient_id = ? AND user_id = ?"
    before = len(helpers.audit_rows(server, where, (ICHIRO, user_id("vns.suzuki"))))
    listed = [x for x in suzuki.get("/api/conferences").json()["items"] if x["id"] == c["id"]]
    assert listed and listed[0]["patient"]["id"] == ICHIRO
    # the list audits the patient it shows (one record per patient and request)
    assert len(helpers.audit_rows(server, where, (ICHIRO, user_id("vns.suzuki")))) == before + 1
    # the participants were told it was scheduled
    assert notices(server.session("aoba.tanaka"), c["id"], "scheduled")
    # an organisation that takes no part neither reads nor lists it
    fujita = server.session("uh.fujita")
    assert_problem(fujita.get(f"/api/conferences/{c['id']}"), 404, "conference.not_found")
    assert c["id"] not in {x["id"] for x in fujita.get("/api/conferences").json()["items"]}


def test_participant_organisation_without_access_is_refused_and_nothing_changes(server):
    cm = server.session("cm.yamazaki")
    before = conference_count(server)
    parts = [party("aoba-homecare"), party("minami-uh", "uh.fujita")]
    r = cm.post(f"/api/patients/{ICHIRO}/conferences", json=body(participants=parts))
    assert_problem(r, 422, "conference.participant_access")
    assert org_id("minami-uh") in r.json()["detail"]
    assert conference_count(server) == before


def test_organiser_off_the_team_is_refused_by_the_access_rule(server):
    before = conference_count(server)
    r = server.session("uh.fujita").post(f"/api/patients/{ICHIRO}/conferences", json=body())
    assert r.status_code in (403, 404)
    assert conference_count(server) == before


def test_participant_must_be_a_member_of_the_organisation_named(server):
    cm = server.session("cm.yamazaki")
    r = cm.post(f"/api/patients/{ICHIRO}/conferences",
                json=body(participants=[party("aoba-homecare", "vns.suzuki")]))
    assert_problem(r, 422, "conference.participant")


def test_change_and_cancel_by_the_organiser_only(server):
    cm, tanaka = server.session("cm.yamazaki"), server.session("aoba.tanaka")
    c = create(cm)
    path = f"/api/conferences/{c['id']}"
    r = cm.patch(path, json={"title": "日程変更", "starts_at": at(4), "ends_at": at(4, 16)})
    assert r.status_code == 200, r.text
    assert r.json()["title"] == "日程変更"
    assert_problem(tanaka.patch(path, json={"title": "x"}), 403, "conference.not_organiser")
    assert_problem(cm.patch(path, json={"starts_at": at(4, 17)}), 422, "conference.time")
    assert_problem(cm.patch(path, json={}), 422, "conference.nothing")
    r = cm.post(path + "/cancel", json={"reason": "ご本人の入院のため"})
    assert r.status_code == 200 and r.json()["status"] == "cancelled"
    assert r.json()["cancel_reason"] == "ご本人の入院のため"
    assert_problem(cm.put(path + "/minutes", json={"text": "x"}), 409, "conference.cancelled")
    assert notices(tanaka, c["id"], "cancelled")


# ---- minutes ---------------------------------------------------------------------------------

def test_minutes_keep_every_version_with_who_and_when(server):
    cm = server.session("cm.yamazaki")
    c = create(cm)
    path = f"/api/conferences/{c['id']}/minutes"
    r = cm.put(path, json={"text": "第1版"})
    assert r.status_code == 201 and r.json()["version"] == 1
    r = cm.put(path, json={"text": "第2版", "version": 1})
    assert r.status_code == 200 and r.json()["version"] == 2
    assert_problem(cm.put(path, json={"text": "古い版から", "version": 1}), 409,
                   "conference.minutes_version")
    assert_problem(server.session("vns.suzuki").put(path, json={"text": "x"}), 403,
                   "conference.not_organiser")
    got = server.session("vns.suzuki").get(f"/api/conferences/{c['id']}").json()
    assert got["minutes"]["text"] == "第2版"
    assert [v["text"] for v in got["minutes_versions"]] == ["第1版", "第2版"]
    assert got["minutes_versions"][0]["by"]["id"] == user_id("cm.yamazaki")
    assert got["minutes_versions"][0]["at"]


def test_sharing_without_minutes_is_refused(server):
    cm = server.session("cm.yamazaki")
    c = create(cm)
    assert_problem(cm.post(f"/api/conferences/{c['id']}/minutes/share"), 409,
                   "conference.no_minutes")


def test_conference_minutes_reach_exactly_the_participants_and_the_team(server):
    """Done-when item of issue 17: every organisation's inbox, read by one of its users."""
    cm = server.session("cm.yamazaki")
    c = create(cm, participants=[party("aoba-homecare", "aoba.tanaka")])
    assert cm.put(f"/api/conferences/{c['id']}/minutes", json={"text": "方針を確認"}).ok
    r = cm.post(f"/api/conferences/{c['id']}/minutes/share")
    assert r.status_code == 200, r.text
    team = {o for o, in [(row["org_id"],) for row in server.query(
        "SELECT DISTINCT org_id FROM care_team WHERE patient_id = ? AND removed_at IS NULL",
        (ICHIRO,))] if ICHIRO in helpers.visible_patient_ids(server, o)}
    expected = team | {org_id("minami-cmo"), org_id("aoba-homecare")}
    assert r.json()["organisations_told"] == len(expected)
    logins = one_org_logins(server)
    told, nothing_org = set(), None
    for org, login in logins.items():
        if not helpers.visible_patient_ids(server, org):
            nothing_org = org
        if notices(server.session(login), c["id"], "minutes_shared"):
            told.add(org)
    assert told == expected
    assert nothing_org is not None and nothing_org not in told
    # the rows themselves: none for any other organisation
    rows = server.query("SELECT org_id FROM notifications WHERE kind = 'conference' AND "
                        "ref_id = ? AND summary LIKE '%minutes_shared%'", (c["id"],))
    assert {r["org_id"] for r in rows} == expected


def test_teaching_minutes_reach_only_the_participants(server):
    tanaka = server.session("aoba.tanaka")
    c = create(tanaka, patient=None, kind="case_study", title="新人向け症例検討会",
               participants=[party("minami-vns", "vns.kato")])
    assert c["has_patient"] is False and c["patient"] is None
    assert tanaka.put(f"/api/conferences/{c['id']}/minutes", json={"text": "学び"}).ok
    assert tanaka.post(f"/api/conferences/{c['id']}/minutes/share").json()[
        "organisations_told"] == 2
    rows = server.query("SELECT org_id FROM notifications WHERE kind = 'conference' AND "
                        "ref_id = ? AND summary LIKE '%minutes_shared%'", (c["id"],))
    assert {r["org_id"] for r in rows} == {org_id("aoba-homecare"), org_id("minami-vns")}
    assert_problem(tanaka.post(f"/api/conferences/{c['id']}/materials",
                               json={"resource": "Condition/x"}), 422, "conference.no_patient")


def test_sharing_publishes_an_event_that_names_no_patient(server):
    cm = server.session("cm.yamazaki")
    c = create(cm)
    assert cm.put(f"/api/conferences/{c['id']}/minutes", json={"text": "共有します"}).ok
    stream = Stream(server.session("vns.suzuki"), "/api/events?topics=conference")
    try:
        assert stream.response.status_code == 200
        assert cm.post(f"/api/conferences/{c['id']}/minutes/share").ok
        event = stream.next("the conference event",
                            lambda e: "data" in e and c["id"] in e["data"]
                            and "minutes_shared" in e["data"])
        assert event["event"] == "conference"
        assert json.loads(event["data"]) == {"conference_id": c["id"], "event": "minutes_shared"}
        assert ICHIRO not in event["data"]
    finally:
        stream.close()


# ---- materials -------------------------------------------------------------------------------

def a_condition(session, patient=ICHIRO):
    r = session.get("/fhir/Condition", params={"patient": patient})
    assert r.status_code == 200, r.text
    return r.json()["entry"][0]["resource"]["id"]


def test_materials_never_widen_access(fresh_server):
    server = fresh_server
    cm, tanaka = server.session("cm.yamazaki"), server.session("aoba.tanaka")
    ito = server.session("ph.ito")
    c = create(cm, participants=[party("aoba-homecare", "aoba.tanaka"),
                                 party("hikari-pharmacy", "ph.ito")])
    cond = a_condition(tanaka)
    r = cm.post(f"/api/conferences/{c['id']}/materials",
                json={"resource": f"Condition/{cond}", "note": "主病名"})
    assert r.status_code == 201, r.text
    assert r.json()["materials"][0]["resource"]["id"] == cond
    assert_problem(cm.post(f"/api/conferences/{c['id']}/materials",
                           json={"resource": f"Condition/{cond}"}), 409,
                   "conference.material_duplicate")
    # another patient's resource is no material of this conference
    other = a_condition(tanaka, helpers.YAMADA_HANAKO)
    assert_problem(cm.post(f"/api/conferences/{c['id']}/materials",
                           json={"resource": f"Condition/{other}"}), 422, "conference.material")
    assert ito.get(f"/api/conferences/{c['id']}").json()["materials"]
    due = (helpers.tokyo_today() + datetime.timedelta(days=5)).isoformat()
    item = cm.post(f"/api/conferences/{c['id']}/action-items",
                   json={"text": "残薬確認", "owner_user_id": user_id("ph.ito"), "due_date": due})
    assert item.status_code == 201, item.text
    item = item.json()
    assert item["id"] in {a["id"] for a in ito.get("/api/conference-action-items").json()["items"]}
    # the pharmacy leaves the care team: it still takes part, but sees no patient any more
    member = [m for m in tanaka.get(f"/api/patients/{ICHIRO}/team").json()["items"]
              if m["org_id"] == org_id("hikari-pharmacy")][0]
    assert tanaka.delete(f"/api/patients/{ICHIRO}/team/{member['id']}").status_code == 204
    r = ito.get(f"/api/conferences/{c['id']}")
    assert r.status_code == 200
    got = r.json()
    assert got["title"] == c["title"] and got["starts_at"] == c["starts_at"]
    assert got["patient_visible"] is False and got["has_patient"] is True
    for hidden in ("patient", "materials", "minutes", "agenda", "action_items"):
        assert hidden not in got
    name = server.query("SELECT name FROM patients WHERE id = ?", (ICHIRO,))[0]["name"]
    assert name not in r.text and ICHIRO not in r.text
    listed = [x for x in ito.get("/api/conferences").json()["items"] if x["id"] == c["id"]]
    assert listed[0]["patient"] is None and listed[0]["patient_visible"] is False
    assert ito.get(f"/fhir/Condition/{cond}").status_code in (403, 404)
    # its action item about the patient leaves its inbox and can no longer be acted on
    assert item["id"] not in {a["id"] for a in ito.get("/api/conference-action-items").json()[
        "items"]}
    assert_problem(ito.post(f"/api/conferences/{c['id']}/action-items/{item['id']}/done"), 403,
                   "conference.patient_hidden")
    assert_problem(ito.get(f"/api/conferences/{c['id']}/export"), 403,
                   "conference.patient_hidden")
    # and the minutes no longer reach it
    assert cm.put(f"/api/conferences/{c['id']}/minutes", json={"text": "共有"}).ok
    assert cm.post(f"/api/conferences/{c['id']}/minutes/share").ok
    assert not notices(ito, c["id"], "minutes_shared")
    assert notices(tanaka, c["id"], "minutes_shared")


# ---- action items ----------------------------------------------------------------------------

def test_action_items_appear_in_the_owners_inbox_and_the_owner_marks_them_done(server):
    cm = server.session("cm.yamazaki")
    suzuki, kato = server.session("vns.suzuki"), server.session("vns.kato")
    c = create(cm)
    due = (helpers.tokyo_today() + datetime.timedelta(days=7)).isoformat()
    r = cm.post(f"/api/conferences/{c['id']}/action-items",
                json={"text": "体重記録表を設置する", "owner_user_id": user_id("vns.suzuki"),
                      "due_date": due})
    assert r.status_code == 201, r.text
    item = r.json()
    assert item["owner"]["id"] == user_id("vns.suzuki") and item["due_date"] == due
    mine = suzuki.get("/api/conference-action-items").json()["items"]
    assert item["id"] in {a["id"] for a in mine}
    assert item["id"] not in {a["id"] for a in kato.get("/api/conference-action-items").json()[
        "items"]}
    assert item["id"] not in {a["id"] for a in cm.get("/api/conference-action-items").json()[
        "items"]}
    n = notices(suzuki, c["id"], "action_item")
    assert n and n[0]["summary"]["owner_user_id"] == user_id("vns.suzuki")
    assert not notices(server.session("aoba.tanaka"), c["id"], "action_item")
    assert not notices(kato, c["id"], "action_item")  # her colleague: the owner's own inbox
    # only the owner marks it done
    done = f"/api/conferences/{c['id']}/action-items/{item['id']}/done"
    assert_problem(kato.post(done), 403, "conference.action_not_owner")
    r = suzuki.post(done)
    assert r.status_code == 200 and r.json()["done_at"]
    assert item["id"] not in {a["id"] for a in suzuki.get(
        "/api/conference-action-items").json()["items"]}
    # an owner who takes no part is refused
    r = cm.post(f"/api/conferences/{c['id']}/action-items",
                json={"text": "x", "owner_user_id": user_id("ph.ito"), "due_date": due})
    assert_problem(r, 422, "conference.owner")


# ---- the anonymised export -------------------------------------------------------------------

def identifiers(server, patient):
    p = server.query("SELECT * FROM patients WHERE id = ?", (patient,))[0]
    ids = [r["local_id"] for r in server.query(
        "SELECT local_id FROM patient_local_ids WHERE patient_id = ?", (patient,))]
    values = [p["name"], p["name_kana"], p["birth_date"], p["address"], p["phone"], patient] + ids
    for full in (p["name"], p["name_kana"]):
        values += full.replace("\u3000", " ").split(" ")
        values.append(full.replace(" ", "").replace("\u3000", ""))
    return p, [v for v in values if v]


def test_export_removes_the_patients_identifying_data(server):
    p, secret = identifiers(server, ICHIRO)
    y, m, d = p["birth_date"].split("-")
    ids = [r["local_id"] for r in server.query(
        "SELECT local_id FROM patient_local_ids WHERE patient_id = ?", (ICHIRO,))]
    cm, tanaka = server.session("cm.yamazaki"), server.session("aoba.tanaka")
    text = (f"{p['name']}さん({p['name_kana']}、{int(y)}年{int(m)}月{int(d)}日生、"
            f"ID {' '.join(ids)}、{p['address']}、電話 {p['phone']})。"
            f"{p['name'].split(' ')[0]}さんは体重増加あり。")
    c = create(cm, title=f"{p['name']}様 サービス担当者会議", agenda=text)
    cond = a_condition(tanaka)
    assert cm.post(f"/api/conferences/{c['id']}/materials",
                   json={"resource": f"Condition/{cond}", "note": text}).ok
    assert cm.put(f"/api/conferences/{c['id']}/minutes", json={"text": text}).ok
    due = (helpers.tokyo_today() + datetime.timedelta(days=10)).isoformat()
    assert cm.post(f"/api/conferences/{c['id']}/action-items",
                   json={"text": text, "owner_user_id": user_id("aoba.tanaka"),
                         "due_date": due}).ok
    r = tanaka.get(f"/api/conferences/{c['id']}/export")
    assert r.status_code == 200, r.text
    for value in secret + [p["birth_date"], f"{int(y)}年{int(m)}月{int(d)}日"]:
        assert value not in r.text, value
    for staff in ("田中", "山崎", "鈴木"):  # people are shown by role, never by name
        assert staff not in r.text
    e = r.json()
    assert e["anonymised"] is True
    assert e["patient"]["age_band"].endswith("9") or e["patient"]["age_band"] == "90+"
    assert "[患者]" in e["minutes"]["text"] and "[住所]" in e["agenda"]
    assert e["action_items"][0]["due_day"] == 7  # the conference is day 0 (3 days ahead)
    assert e["materials"][0]["resource_type"] == "Condition"
    assert isinstance(e["materials"][0]["day"], int)
    assert e["duration_minutes"] == 60
    rows = helpers.audit_rows(server, "event_id = 'conference_export' AND object_id = ?",
                              (c["id"],))
    assert rows and rows[-1]["action"] == "E" and rows[-1]["patient_id"] == ICHIRO


# ---- bad input -------------------------------------------------------------------------------

@pytest.mark.parametrize("change, code", [
    ({"kind": "party"}, "conference.kind"),
    ({"ends_at": at(3, 13)}, "conference.time"),
    ({"starts_at": at(3000), "ends_at": at(3000, 15)}, "conference.time"),
    ({"starts_at": "tomorrow"}, None),
    ({"title": "   "}, None),
    ({"participants": [{"org_id": "x"}]}, None),
    ({"participants": [{"org_id": org_id("minami-vns"), "extra": 1}]}, None),
    ({"colour": "red"}, None),
])
def test_bad_input_is_refused_and_changes_nothing(server, change, code):
    cm = server.session("cm.yamazaki")
    before = conference_count(server)
    r = cm.post(f"/api/patients/{ICHIRO}/conferences", json=body(**change))
    assert_problem(r, 422 if code else r.status_code, code)
    assert 400 <= r.status_code < 500
    assert conference_count(server) == before


def test_unknown_ids_are_not_found(server):
    cm = server.session("cm.yamazaki")
    nobody = "00000000-0000-4000-8000-000000000007"
    assert_problem(cm.get(f"/api/conferences/{nobody}"), 404, "conference.not_found")
    assert_problem(cm.get("/api/conferences/not-an-id"), 404, "conference.not_found")
    c = create(cm)
    assert_problem(cm.post(f"/api/conferences/{c['id']}/action-items/{nobody}/done"), 404,
                   "conference.action_not_found")
    assert_problem(cm.get("/api/conferences", params={"from": "2026-13-01"}), 400,
                   "request.field_value")


# ---- the demo --------------------------------------------------------------------------------

def test_demo_has_a_past_service_meeting_and_an_upcoming_case_study(server):
    tanaka = server.session("aoba.tanaka")
    items = tanaka.get("/api/conferences").json()["items"]
    now = helpers.now_utc().isoformat()
    past = [c for c in items if c["kind"]["code"] == "service" and c["minutes_shared_at"]
            and c["patient"] and c["patient"]["id"] == ICHIRO and c["starts_at"] < now]
    assert past, items
    c = tanaka.get(f"/api/conferences/{past[0]['id']}").json()
    assert c["organiser"]["id"] == org_id("minami-cmo")
    assert {p["id"] for p in c["participants"]} >= {
        org_id(o) for o in ("aoba-homecare", "minami-vns", "hikari-pharmacy", "minami-cmo")}
    assert c["minutes"]["text"] and len(c["action_items"]) == 2
    assert notices(tanaka, c["id"], "minutes_shared")
    owners = {a["owner"]["id"] for a in c["action_items"]}
    assert owners == {user_id("vns.suzuki"), user_id("ph.yoshida")}
    upcoming = [x for x in items if x["kind"]["code"] == "case_study" and not x["has_patient"]
                and x["starts_at"] > now]
    assert upcoming
