# SPDX-License-Identifier: Apache-2.0
"""The audit for people (issue 13, item 9): records carry the names of their user, organisation
and patient (the patient's only where the reader's organisation may see the patient, never for the
network office); a patient is found by name, kana or local id; the view exports as CSV for a
spreadsheet; and a patient's care team sees who, from any organisation, opened the patient's
record, emergency access included."""
import csv
import io

import helpers
from helpers import YAMADA_HANAKO, assert_problem

GH = helpers.org_id("minami-gh")
UH = helpers.org_id("minami-uh")


def by_request(items, r):
    return [i for i in items if i["request_id"] == r.headers["X-Request-Id"]]


def test_records_carry_names(server):
    r = server.session("gh.sato").get(f"/api/patients/{YAMADA_HANAKO}")
    assert r.status_code == 200
    sato = server.query("SELECT name FROM users WHERE login = 'gh.sato'")[0]["name"]
    admin = helpers.fetch_all(server.session("gh.admin"), "/api/audit",
                              {"patient_id": YAMADA_HANAKO})
    [item] = by_request(admin, r)
    assert item["user_name"] == sato and item["user_login"] == "gh.sato"
    assert item["org_name"] == "みなみ総合病院"
    assert (item["patient_name"], item["patient_name_kana"]) == ("山田 花子", "ヤマダ ハナコ")
    assert item["emergency"] is False
    # the network office sees who did it, but no patient's name
    office = helpers.fetch_all(server.session("jimukyoku"), "/api/audit",
                               {"patient_id": YAMADA_HANAKO})
    [seen] = by_request(office, r)
    assert seen["user_name"] == sato and seen["org_name"] == "みなみ総合病院"
    assert seen["patient_name"] is None and seen["patient_name_kana"] is None


def test_no_name_of_a_patient_the_organisation_may_not_see(server):
    # ひかり薬局 is on her team without a consent naming it: its refused read is in its
    # administrator's view, without her name
    r = server.session("ph.ito").get(f"/api/patients/{YAMADA_HANAKO}")
    assert r.status_code == 404
    items = helpers.fetch_all(server.session("ph.yoshida"), "/api/audit",
                              {"patient_id": YAMADA_HANAKO})
    [item] = by_request(items, r)
    assert item["outcome"] == 4 and item["patient_name"] is None
    # nor can the pharmacy find her records by her name
    named = helpers.fetch_all(server.session("ph.yoshida"), "/api/audit", {"patient": "山田"})
    assert YAMADA_HANAKO not in {i["patient_id"] for i in named}


def test_find_a_patient_by_name_kana_or_local_id(server):
    r = server.session("gh.sato").get(f"/api/patients/{YAMADA_HANAKO}")
    admin = server.session("gh.admin")
    for text in ("山田 花子", "山田花子", "やまだ はなこ", "ﾔﾏﾀﾞ", "GH-000001"):
        items = helpers.fetch_all(admin, "/api/audit", {"patient": text})
        assert by_request(items, r), text
        assert {i["patient_id"] for i in items} == {YAMADA_HANAKO}, text
    assert admin.get("/api/audit", params={"patient": "該当なし患者"}).json()["items"] == []
    # a name where an id is expected says which parameter takes names
    problem = assert_problem(admin.get("/api/audit", params={"patient_id": "山田 花子"}), 400,
                             "request.bad_query")
    assert "patient" in problem["detail"]
    # the network office reviews without patient data: no search by name
    assert_problem(server.session("jimukyoku").get("/api/audit", params={"patient": "山田"}),
                   403, "access.forbidden")


def test_the_hospital_reviewing_an_emergency_access_sees_the_patient_by_name(fresh_server):
    server = fresh_server
    fujita = server.session("uh.fujita")
    assert fujita.post(f"/api/patients/{YAMADA_HANAKO}/emergency",
                       json={"reason": "救急搬送"}).status_code == 201
    read = fujita.get(f"/api/patients/{YAMADA_HANAKO}")
    admin = server.session("uh.admin")
    items = helpers.fetch_all(admin, "/api/audit", {"patient": "やまだ はなこ"})
    [item] = by_request(items, read)
    assert item["patient_name"] == "山田 花子" and item["emergency"] is True
    # another patient of her team, never opened from みなみ大学: neither named nor found
    other = helpers.fetch_all(admin, "/api/audit", {"patient": "GH-000002"})
    assert other == []


def read_csv(r):
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert r.headers["Content-Disposition"].startswith('attachment; filename="audit_')
    assert r.content.startswith(b"\xef\xbb\xbf")
    text = r.content.decode("utf-8")[1:]
    assert "\r\n" in text
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_csv_export_escapes_and_neutralises_formulas(fresh_server):
    server = fresh_server
    sato = server.session("gh.sato")
    body = helpers.new_patient_body("GH-CSV-1", name='=HYPERLINK("x"), 太郎',
                                    address="@SUM(1)")
    created = sato.post("/api/patients", json=body)
    assert created.status_code == 201, created.text
    pid = created.json()["id"]
    read = sato.get(f"/api/patients/{pid}")
    admin = server.session("gh.admin")
    r = admin.get("/api/audit.csv", params={"patient_id": pid})
    rows = read_csv(r)
    assert list(rows[0]) == ["連番", "日時(日本時間)", "利用者", "ログインID", "組織", "操作コード",
                             "操作", "結果", "患者氏名", "患者フリガナ", "患者ID", "対象種別",
                             "対象ID", "緊急アクセス", "接続元", "リクエストID", "詳細"]
    [row] = [x for x in rows if x["リクエストID"] == read.headers["X-Request-Id"]]
    # the quotes and the comma survive RFC 4180 quoting; the formula is text to a spreadsheet
    assert row["患者氏名"] == '\'=HYPERLINK("x"), 太郎'
    assert row["操作"] == "参照" and row["結果"] == "成功" and row["ログインID"] == "gh.sato"
    assert row["組織"] == "みなみ総合病院" and row["操作コード"] == "patients_read"
    assert len(row["日時(日本時間)"]) == 19
    raw = r.content.decode("utf-8")
    assert '"\'=HYPERLINK(""x""), 太郎"' in raw
    # the export is audited, with how many rows it held
    [rec] = helpers.audit_rows(server, "request_id = ?", (r.headers["X-Request-Id"],))
    assert rec["event_id"] == "audit_export" and rec["user_login"] == "gh.admin"
    assert rec["detail"] == f"csv export rows={len(rows)}"
    # the same filters as the view; the office's export hides names as its view does
    office = read_csv(server.session("jimukyoku").get("/api/audit.csv",
                                                      params={"patient_id": pid}))
    assert office and {x["患者氏名"] for x in office} == {""}
    assert_problem(sato.get("/api/audit.csv"), 403, "access.forbidden")
    assert_problem(admin.get("/api/audit.csv", params={"cursor": "5"}), 400, "request.bad_query")


def test_the_care_team_sees_who_opened_the_record(fresh_server):
    server = fresh_server
    fujita = server.session("uh.fujita")
    grant = fujita.post(f"/api/patients/{YAMADA_HANAKO}/emergency",
                        json={"reason": "意識障害で救急搬送のため"})
    assert grant.status_code == 201, grant.text
    opened = fujita.get(f"/api/patients/{YAMADA_HANAKO}")
    assert opened.status_code == 200
    # gh.admin, of an organisation on her team, sees みなみ大学's physician and the emergency
    r = server.session("gh.admin").get(f"/api/patients/{YAMADA_HANAKO}/access-log")
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    fujita_reads = [i for i in items if i["org"] and i["org"]["id"] == UH]
    assert {i["event_id"] for i in fujita_reads} >= {"emergency.start", "patients_read"}
    read = next(i for i in fujita_reads if i["event_id"] == "patients_read")
    assert read["emergency"] is True and read["object_type"] == "patient"
    assert read["org"] == {"id": UH, "name": "みなみ大学附属医療センター"}
    assert read["user"] == {"name": "藤田 真理", "profession": "physician"}
    # what it must not tell: no reasons or search terms, addresses, request or user ids
    for item in items:
        assert set(item) == {"seq", "time", "event_id", "action", "object_type", "emergency",
                             "org", "user"}
    assert "意識障害" not in r.text and "127.0.0.1" not in r.text
    # reading it is audited with the patient
    [rec] = helpers.audit_rows(server, "request_id = ?", (r.headers["X-Request-Id"],))
    assert rec["event_id"] == "audit_patient_access" and rec["patient_id"] == YAMADA_HANAKO
    # and the next reading shows it
    again = server.session("gh.sato").get(f"/api/patients/{YAMADA_HANAKO}/access-log").json()
    assert "audit_patient_access" in {i["event_id"] for i in again["items"]}
    # only records naming her: another patient's never show
    others = helpers.audit_rows(server, "patient_id IS NOT NULL AND patient_id != ?",
                                (YAMADA_HANAKO,))
    assert not {o["seq"] for o in others} & {i["seq"] for i in items}


def test_access_history_is_for_the_care_team_only(fresh_server):
    server = fresh_server
    fujita = server.session("uh.fujita")
    fujita.post(f"/api/patients/{YAMADA_HANAKO}/emergency", json={"reason": "救急搬送"})
    path = f"/api/patients/{YAMADA_HANAKO}/access-log"
    # an emergency grant opens the emergency view, not the history of her record
    assert_problem(fujita.get(path), 404, "patient.not_found")
    # an organisation outside her team, one on it without consent, the network office
    assert_problem(server.session("vns.suzuki").get(path), 404, "patient.not_found")
    assert_problem(server.session("ph.ito").get(path), 404, "patient.not_found")
    assert server.session("jimukyoku").get(path).status_code in (403, 404)
    # paging
    sato = server.session("gh.sato")
    assert sato.get(f"/api/patients/{YAMADA_HANAKO}").status_code == 200
    first = sato.get(path, params={"limit": 1}).json()
    assert len(first["items"]) == 1 and first["next_cursor"]
    second = sato.get(path, params={"limit": 1, "cursor": first["next_cursor"]}).json()
    assert second["items"][0]["seq"] < first["items"][0]["seq"]
    for bad in ({"cursor": "x"}, {"limit": "0"}, {"since": "1"}):
        assert_problem(sato.get(path, params=bad), 400, "request.bad_query")
