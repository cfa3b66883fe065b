# SPDX-License-Identifier: Apache-2.0
"""Home care (issue 16): the monthly 訪問看護報告書 from the visiting nursing station to the
patient's physician. Prefilled from the month's visit records the test makes, edited as a draft,
signed and sent (the SHA-256 of the signed content recorded and audited; the physician's
organisation notified), read back as a PDF through pdftotext (poppler, a reader we did not
write), written into the FHIR record as a Composition with the DocumentReference the 記録 tab
lists; corrections after signing are new versions with a reason, the old one still readable.
Each test works in its own month, so that the one report per patient, station and month of one
test does not meet another's."""
import datetime
import hashlib
import json
import shutil
import subprocess

import helpers
from helpers import assert_problem, audit_rows, store_snapshot
from test_events import Stream

SATO_ICHIRO = helpers.patient_id(1)  # team: gh, sakura, aoba, vns, hikari, cmo, all consented
AOBA = helpers.org_id("aoba-homecare")
HIKARI = helpers.org_id("hikari-pharmacy")
BASE = f"/api/patients/{SATO_ICHIRO}/homecare/reports"


def month_ago(n):
    """The month n months before the current one (Asia/Tokyo), as YYYY-MM."""
    today = helpers.tokyo_today()
    y, m = today.year, today.month - n
    while m < 1:
        y, m = y - 1, m + 12
    return f"{y:04d}-{m:02d}"


def next_month():
    today = helpers.tokyo_today()
    return f"{today.year + (today.month == 12):04d}-{today.month % 12 + 1:02d}"


def month_ja(month):
    return f"{int(month[:4])}年{int(month[5:])}月"


def nursing_record(server, month, day, observation, care, weight, login="vns.suzuki"):
    """A nursing record of a visit on day of month, 10:00–10:45 Tokyo."""
    start = f"{month}-{day:02d}T10:00:00+09:00"
    end = f"{month}-{day:02d}T10:45:00+09:00"
    r = server.session(login).post(
        f"/api/patients/{SATO_ICHIRO}/homecare/records",
        json={"kind": "home_nursing", "visit_start": start, "visit_end": end,
              "content": {"observation": observation, "care_given": care,
                          "instructions": f"{day}日: 水分を控えめに", "vitals":
                          {"weight": weight, "spo2": 95, "bp_systolic": 128,
                           "bp_diastolic": 76}},
              "handover": f"{day}日の申し送り"})
    assert r.status_code == 201, r.text
    return r.json()


def prefill(session, month):
    r = session.get(f"{BASE}/prefill", params={"month": month})
    assert r.status_code == 200, r.text
    return r.json()


def draft(server, month, login="vns.suzuki"):
    """The month's report saved as a draft from its prefill."""
    s = server.session(login)
    p = prefill(s, month)
    r = s.post(BASE, json={"month": month, "to_org_id": p["to_org"]["id"],
                           "content": p["content"]})
    assert r.status_code == 201, r.text
    return r.json()


def pdf_text(data):
    """The text pdftotext reads from the PDF, without white space."""
    assert shutil.which("pdftotext"), "pdftotext is missing: run scripts/deps.sh test (poppler-utils)"
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data,
                         capture_output=True, check=True, timeout=60).stdout.decode()
    return "".join(out.split())


def canonical_sha(report):
    doc = {"report_id": report["id"], "version": report["version"],
           "patient_id": report["patient_id"], "org_id": report["org"]["id"],
           "to_org_id": report["to_org"]["id"], "author_id": report["author"]["id"],
           "month": report["month"], "content": report["content"], "vitals": report["vitals"]}
    text = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


# ---- the report's life ---------------------------------------------------------------------

def test_prefill_edit_sign_and_send(server):
    month = month_ago(1)
    a = nursing_record(server, month, 3, "下腿浮腫あり、息切れ軽度", "体重測定、服薬確認", 58.2)
    b = nursing_record(server, month, 10, "浮腫は軽減", "足浴、皮膚観察", 59.0)
    suzuki = server.session("vns.suzuki")
    p = prefill(suzuki, month)
    assert p["month"] == month
    assert {a["id"], b["id"]} <= set(p["records"])
    assert {"date": f"{month}-03", "kind": "home_nursing"} in p["content"]["visits"]
    assert {"date": f"{month}-10", "kind": "home_nursing"} in p["content"]["visits"]
    assert "3 下腿浮腫あり、息切れ軽度" in p["content"]["condition"]
    assert "足浴、皮膚観察" in p["content"]["care_given"]
    assert "水分を控えめに" in p["content"]["home_care"]
    assert "3日の申し送り" in p["content"]["remarks"]
    weight = next(v for v in p["vitals"] if v["vital"] == "weight")
    assert weight["count"] >= 2 and weight["min"] <= 58.2 and weight["max"] >= 59.0
    assert p["to_org"]["id"] == AOBA and AOBA in [o["id"] for o in p["to_orgs"]]
    assert HIKARI not in [o["id"] for o in p["to_orgs"]]
    # nothing stored by the prefill
    assert all(x["month"] != month for x in suzuki.get(BASE).json()["items"])

    rep = draft(server, month)
    assert rep["status"] == "draft" and rep["version"] == 1 and rep["month"] == month
    assert rep["to_org"] == {"id": AOBA, "name": "あおば在宅クリニック"}
    content = dict(rep["content"], remarks="家族の介護負担が増えている。レスパイト入院を相談したい。")
    r = suzuki.patch(f"{BASE}/{rep['id']}", json={"content": content, "base_version": 1})
    assert r.status_code == 200, r.text
    assert r.json()["content"]["remarks"].startswith("家族の介護負担")
    assert r.json()["status"] == "draft" and len(r.json()["versions"]) == 1

    r = suzuki.post(f"{BASE}/{rep['id']}/sign")
    assert r.status_code == 200, r.text
    signed = r.json()
    assert signed["status"] == "signed" and signed["signed_by"]["name"] == "鈴木 恵子"
    assert signed["content_sha256"] == canonical_sha(signed)
    rows = audit_rows(server, "object_type = 'homecare_report' AND object_id = ?", (rep["id"],))
    assert any(signed["content_sha256"] in (row.get("detail") or "") for row in rows), rows

    # the physician's organisation is told, and reads the report
    tanaka = server.session("aoba.tanaka")
    notes = [n for n in tanaka.get("/api/notifications").json()["items"]
             if n["kind"] == "homecare_report" and n["summary"].get("report_id") == rep["id"]]
    assert len(notes) == 1, notes
    assert notes[0]["summary"]["month"] == month and notes[0]["summary"]["event"] == "signed"
    assert notes[0]["summary"]["org_name"] == "みなみ訪問看護ステーション"
    assert [x["id"] for x in tanaka.get(BASE).json()["items"]].count(rep["id"]) == 1
    assert tanaka.get(f"{BASE}/{rep['id']}").json()["content_sha256"] == signed["content_sha256"]
    # not the other organisations of the team (a team-wide event only)
    assert not [n for n in server.session("ph.yoshida").get("/api/notifications").json()["items"]
                if n["kind"] == "homecare_report"]

    # the PDF, read by pdftotext
    r = tanaka.get(f"{BASE}/{rep['id']}/report.pdf")
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"] == "application/pdf" and r.content[:5] == b"%PDF-"
    text = pdf_text(r.content)
    for part in ("訪問看護報告書", "佐藤一郎様", month_ja(month), "あおば在宅クリニック",
                 "みなみ訪問看護ステーション", "下腿浮腫あり", "家族の介護負担", "病状の経過",
                 "看護の内容", "家庭での介護の状況", "特記すべき事項", "体重"):
        assert part in text, (part, text[:400])

    # the FHIR document, which the physician finds in the record
    fhir = signed["fhir"]
    comp = tanaka.get(f"/fhir/Composition/{fhir['composition']}").json()
    assert comp["type"]["coding"][0]["code"] == "34746-8" and comp["status"] == "final"
    assert comp["subject"]["reference"] == f"Patient/{SATO_ICHIRO}"
    assert comp["attester"][0]["mode"] == "legal"
    titles = [s["title"] for s in comp["section"]]
    assert titles[:5] == ["訪問日", "病状の経過", "看護の内容", "家庭での介護の状況", "特記すべき事項"]
    # the FHIR document Bundle of the report, as the physician reads it
    r = tanaka.get(f"/fhir/Composition/{fhir['composition']}/$document")
    assert r.status_code == 200, r.text
    bundle = r.json()
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "document"
    types = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert types[0] == "Composition" and "Patient" in types
    assert "家族の介護負担" in json.dumps(bundle["entry"][0]["resource"], ensure_ascii=False)
    r = tanaka.get("/fhir/DocumentReference", params={"patient": SATO_ICHIRO, "_sort": "-date"})
    assert r.status_code == 200, r.text
    docs = [e["resource"] for e in r.json().get("entry", [])]
    mine = [d for d in docs if d["id"] == fhir["document_reference"]]
    assert len(mine) == 1
    assert mine[0]["type"]["text"] == "訪問看護報告書"
    assert mine[0]["content"][0]["attachment"]["url"] == f"Composition/{fhir['composition']}"


def test_correction_is_a_new_version_with_a_reason(server):
    month = month_ago(2)
    nursing_record(server, month, 5, "褥瘡 2cm", "除圧、洗浄", 47.0)
    suzuki = server.session("vns.suzuki")
    rep = draft(server, month)
    # a draft is the station's own: the physician neither lists, reads nor prints it
    tanaka = server.session("aoba.tanaka")
    assert rep["id"] not in {i["id"] for i in tanaka.get(BASE).json()["items"]}
    assert_problem(tanaka.get(f"{BASE}/{rep['id']}"), 404, "homecare.report_not_found")
    assert tanaka.get(f"{BASE}/{rep['id']}/report.pdf").status_code == 404
    assert rep["id"] in {i["id"] for i in server.session("vns.kato").get(BASE).json()["items"]}
    r = suzuki.post(f"{BASE}/{rep['id']}/sign")
    assert r.status_code == 200, r.text
    v1 = r.json()
    # a signed report is not edited in place, nor corrected without a reason: nothing changes
    before = store_snapshot(server)
    edited = dict(v1["content"], condition="書き換え")
    assert_problem(suzuki.patch(f"{BASE}/{rep['id']}", json={"content": edited}), 409,
                   "homecare.report_signed")
    assert_problem(suzuki.post(f"{BASE}/{rep['id']}/corrections", json={"content": edited}),
                   422, "homecare.report_reason_required")
    assert_problem(suzuki.post(f"{BASE}/{rep['id']}/corrections",
                               json={"content": edited, "reason": " \u3000"}),
                   422, "homecare.report_reason_required")
    assert_problem(suzuki.post(f"{BASE}/{rep['id']}/sign"), 409, "homecare.report_signed")
    assert store_snapshot(server) == before
    # a correction with a reason: version 2, a draft; version 1 stays readable
    r = suzuki.post(f"{BASE}/{rep['id']}/corrections",
                    json={"content": edited, "reason": "褥瘡の大きさの記載誤り", "base_version": 1})
    assert r.status_code == 201, r.text
    v2 = r.json()
    assert v2["version"] == 2 and v2["status"] == "draft"
    assert v2["correction_reason"] == "褥瘡の大きさの記載誤り"
    assert [v["version"] for v in v2["versions"]] == [1, 2]
    old = v2["versions"][0]
    assert old["status"] == "signed" and old["content"] == v1["content"]
    assert old["content_sha256"] == v1["content_sha256"]
    assert v2["versions"][1]["previous_id"] == old["id"]
    # until the correction is signed, the physician sees version 1
    seen = tanaka.get(f"{BASE}/{rep['id']}").json()
    assert seen["version"] == 1 and [v["version"] for v in seen["versions"]] == [1]
    [listed] = [i for i in tanaka.get(BASE).json()["items"] if i["id"] == rep["id"]]
    assert listed["version"] == 1 and listed["status"] == "signed"
    assert "書き換え" not in pdf_text(tanaka.get(f"{BASE}/{rep['id']}/report.pdf").content)
    # a second correction while the draft is open is refused; the draft is edited instead
    assert_problem(suzuki.post(f"{BASE}/{rep['id']}/corrections",
                               json={"content": edited, "reason": "x"}), 409,
                   "homecare.report_draft")
    r = suzuki.post(f"{BASE}/{rep['id']}/sign")
    assert r.status_code == 200, r.text
    v2 = r.json()
    assert v2["content_sha256"] == canonical_sha(v2) != v1["content_sha256"]
    # the same Composition, its next version, carrying the reason
    assert v2["fhir"]["composition"] == v1["fhir"]["composition"]
    comp = tanaka.get(f"/fhir/Composition/{v2['fhir']['composition']}").json()
    assert comp["meta"]["versionId"] == "2"
    assert "褥瘡の大きさの記載誤り" in json.dumps(comp["meta"], ensure_ascii=False)
    # each version prints
    assert "書き換え" in pdf_text(tanaka.get(f"{BASE}/{rep['id']}/report.pdf").content)
    old_text = pdf_text(tanaka.get(f"{BASE}/{rep['id']}/report.pdf",
                                   params={"version": 1}).content)
    assert "書き換え" not in old_text and "褥瘡2cm" in old_text
    notes = [n for n in tanaka.get("/api/notifications").json()["items"]
             if n["kind"] == "homecare_report" and n["summary"].get("report_id") == rep["id"]]
    assert sorted(n["summary"]["event"] for n in notes) == ["corrected", "signed"]


# ---- who writes, who reads -----------------------------------------------------------------

def test_only_a_nurse_of_the_station_on_the_team_writes(server):
    month = month_ago(3)
    nursing_record(server, month, 7, "変化なし", "清拭", 50.0)
    content = {"visits": [{"date": f"{month}-07", "kind": "home_nursing"}], "condition": "x"}
    body = {"month": month, "to_org_id": AOBA, "content": content}
    before = store_snapshot(server)
    for login, code in (("ph.yoshida", "homecare.report_not_station"),    # pharmacist
                        ("cm.yamazaki", "homecare.report_not_station"),   # care manager
                        ("aoba.tanaka", "homecare.report_not_station"),   # the physician
                        ("aoba.nakajima", "homecare.report_not_station"), # a clinic's nurse
                        ("vns.ikeda", "homecare.report_profession")):     # the station's therapist
        s = server.session(login)
        assert_problem(s.post(BASE, json=body), 403, code)
        assert_problem(s.get(f"{BASE}/prefill", params={"month": month}), 403, code)
    # another organisation without consent: the access rule answers first
    fujita = server.session("uh.fujita")
    assert_problem(fujita.post(BASE, json=body), 404, "patient.not_found")
    assert_problem(fujita.get(BASE), 404, "patient.not_found")
    assert store_snapshot(server) == before

    rep = draft(server, month)
    # another nurse of the station neither edits nor signs the author's draft
    kato = server.session("vns.kato")
    assert_problem(kato.patch(f"{BASE}/{rep['id']}", json={"content": content}), 403,
                   "homecare.report_not_author")
    assert_problem(kato.post(f"{BASE}/{rep['id']}/sign"), 403, "homecare.report_not_author")
    # the list says who may write, as the handlers decide it
    assert server.session("vns.suzuki").get(BASE).json()["may_write"] is True
    for login in ("aoba.tanaka", "ph.yoshida", "cm.yamazaki", "vns.ikeda"):
        assert server.session(login).get(BASE).json()["may_write"] is False, login
    # once signed the team reads it (the physician, the pharmacy), the stranger does not
    r = server.session("vns.suzuki").post(f"{BASE}/{rep['id']}/sign")
    assert r.status_code == 200, r.text
    for login in ("aoba.tanaka", "ph.yoshida", "cm.yamazaki"):
        r = server.session(login).get(f"{BASE}/{rep['id']}")
        assert r.status_code == 200, (login, r.text)
    assert_problem(fujita.get(f"{BASE}/{rep['id']}"), 404, "patient.not_found")
    assert_problem(fujita.get(f"{BASE}/{rep['id']}/report.pdf"), 404, "patient.not_found")
    # a report of another patient's path is not found
    other = helpers.patient_id(2)
    assert_problem(server.session("vns.suzuki").get(
        f"/api/patients/{other}/homecare/reports/{rep['id']}"), 404, "homecare.report_not_found")


# ---- bad input -----------------------------------------------------------------------------

def test_bad_input_changes_nothing(server):
    month = month_ago(4)
    suzuki = server.session("vns.suzuki")
    good = {"month": month, "to_org_id": AOBA,
            "content": {"visits": [{"date": f"{month}-02", "kind": "home_nursing"}],
                        "condition": "安定"}}
    before = store_snapshot(server)
    cases = [
        (dict(good, extra=1), 400, "request.unknown_field"),
        (dict(good, content=dict(good["content"], mood="良い")), 400, "request.unknown_field"),
        (dict(good, month=202612), 400, "request.field_type"),
        (dict(good, content="本文"), 400, "request.field_type"),
        (dict(good, content=dict(good["content"], condition=5)), 400, "request.field_type"),
        (dict(good, content=dict(good["content"], visits="3日")), 400, "request.field_type"),
        (dict(good, month="2026/12"), 400, "request.field_value"),
        (dict(good, month="2026-13"), 400, "request.field_value"),
        (dict(good, month=next_month()), 422, "homecare.report_month"),
        (dict(good, to_org_id="not-a-uuid"), 400, "request.field_value"),
        (dict(good, to_org_id=HIKARI), 422, "homecare.report_addressee"),
        (dict(good, content={"visits": [{"date": f"{month_ago(5)}-02",
                                         "kind": "home_nursing"}]}), 400, "request.field_value"),
        (dict(good, content={"visits": [{"date": f"{month}-02", "kind": "tea"}]}), 400,
         "request.field_value"),
        (dict(good, content={"visits": [{"date": f"{month}-31x", "kind": "home_nursing"}]}), 400,
         "request.field_value"),
        (dict(good, content={"condition": "あ" * 4001}), 400, None),
        ({k: v for k, v in good.items() if k != "month"}, 400, "request.field_missing"),
    ]
    for body, status, code in cases:
        assert_problem(suzuki.post(BASE, json=body), status, code)
    for q, code in (({"month": "2026-1"}, "request.bad_query"), ({}, "request.bad_query"),
                    ({"month": month, "x": "1"}, "request.bad_query")):
        assert_problem(suzuki.get(f"{BASE}/prefill", params=q), 400, code)
    assert_problem(suzuki.get(f"{BASE}/prefill", params={"month": next_month()}), 422,
                   "homecare.report_month")
    assert store_snapshot(server) == before

    rep = suzuki.post(BASE, json=good)
    assert rep.status_code == 201, rep.text
    rep = rep.json()
    assert_problem(suzuki.post(BASE, json=good), 409, "homecare.report_exists")
    before = store_snapshot(server)
    rid = rep["id"]
    assert_problem(suzuki.patch(f"{BASE}/{rid}", json={"content": {"visits": 1}}), 400,
                   "request.field_type")
    assert_problem(suzuki.patch(f"{BASE}/{rid}", json={"month": month}), 400,
                   "request.unknown_field")
    assert_problem(suzuki.patch(f"{BASE}/{rid}", json={"base_version": 7}), 409,
                   "homecare.report_version_conflict")
    assert_problem(suzuki.post(f"{BASE}/{rid}/sign", json={"now": True}), 400,
                   "request.unknown_field")
    assert_problem(suzuki.post(f"{BASE}/{rid}/corrections",
                               json={"reason": "x", "content": {}, "extra": 1}), 400,
                   "request.unknown_field")
    assert_problem(suzuki.post(f"{BASE}/{rid}/corrections", json={"reason": "x", "content": {}}),
                   409, "homecare.report_draft")
    assert_problem(suzuki.get(f"{BASE}/{rid}/report.pdf", params={"version": "zero"}), 400,
                   "request.bad_query")
    assert_problem(suzuki.get(f"{BASE}/{rid}/report.pdf", params={"version": 9}), 404,
                   "homecare.report_not_found")
    assert_problem(suzuki.get(f"{BASE}/{rid}", params={"x": 1}), 400, "request.bad_query")
    missing = "00000000-0000-4000-8000-000000000000"
    assert_problem(suzuki.get(f"{BASE}/{missing}"), 404, "homecare.report_not_found")
    assert_problem(suzuki.post(f"{BASE}/{missing}/sign"), 404, "homecare.report_not_found")
    assert store_snapshot(server) == before
    # a draft prints, marked as such
    r = suzuki.get(f"{BASE}/{rid}/report.pdf")
    assert r.status_code == 200 and "下書き" in pdf_text(r.content)


def test_events_tell_the_team_without_naming_the_patient(server):
    month = month_ago(5)
    stream = Stream(server.session("aoba.tanaka"), "/api/events?topics=homecare.report")
    try:
        assert stream.response.status_code == 200
        rep = draft(server, month)
        event = stream.next("the report event", lambda e: "data" in e and rep["id"] in e["data"])
        assert event["event"] == "homecare.report"
        assert json.loads(event["data"]) == {"report_id": rep["id"], "event": "created"}
        assert SATO_ICHIRO not in event["data"]
    finally:
        stream.close()
