# SPDX-License-Identifier: Apache-2.0
"""Referral figures (実績, issue 5): every figure of GET /api/referral-stats checked against a
hand-computed fixture (a small known set of referrals with chosen times, written into the store
before the server starts, for organisations of its own), the CSV export, first visits
(初診患者数), who may read and write, and bad input that changes nothing. Definitions:
docs/api/referral-stats.md."""
import csv
import datetime
import io
import sqlite3
import uuid

import pytest

import helpers
from helpers import assert_problem, store_snapshot

TOKYO = datetime.timezone(datetime.timedelta(hours=9))

# Organisations of the fixture: the hospital under test, another hospital, five clinics. Names
# decide the order of partners with equal counts (byte order: ク < 病).
H = str(uuid.uuid4())
H2 = str(uuid.uuid4())
C = {k: str(uuid.uuid4()) for k in "ABCDE"}
ORGS = [(H, "stats-h", "統計テスト病院A", "acute_hospital"),
        (H2, "stats-h2", "統計テスト病院B", "acute_hospital")] + [
    (C[k], f"stats-c{k.lower()}", f"統計テストクリニック{k}", "clinic") for k in "ABCDE"]
USERS = [  # login, profession, org, role
    ("stats.hadmin", "clerk", H, "org_admin"),
    ("stats.hdoc", "physician", H, "member"),
    ("stats.cadoc", "physician", C["A"], "member"),
    ("stats.h2admin", "clerk", H2, "org_admin"),
]
P = {i: helpers.patient_id(i) for i in range(10, 20)}  # demo patients


def ms(text):
    """UTC milliseconds of an ISO time written with Z."""
    return int(datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)


def plus(text, hours=0, minutes=0):
    return ms(text) + (hours * 60 + minutes) * 60000


# id, kind, from, to, patient, sent_at, accepted_at, seen_at, replied_at, status, parent
# Months are calendar months in Asia/Tokyo (UTC+9): 2026-02-28T16:00Z is 1 March, 01:00 JST.
REFERRALS = [
    ("R1", "referral", C["A"], H, P[10], ms("2026-02-10T01:00Z"), plus("2026-02-10T01:00Z", 2),
     ms("2026-02-20T01:00Z"), ms("2026-02-22T01:00Z"), "closed", None),
    ("R2", "referral", C["A"], H, P[11], ms("2026-02-28T16:00Z"), plus("2026-02-28T16:00Z", 5),
     ms("2026-03-05T00:00Z"), ms("2026-03-06T06:00Z"), "replied", None),
    ("R3", "referral", C["B"], H, P[10], ms("2026-02-15T03:00Z"), plus("2026-02-15T03:00Z", 4),
     ms("2026-02-25T06:00Z"), None, "seen", None),
    ("R4", "referral", C["B"], H, P[12], ms("2026-02-20T00:00Z"), None, None, None, "declined",
     None),
    ("R5", "referral", C["C"], H, P[13], ms("2026-02-03T00:00Z"), None, None, None, "cancelled",
     None),
    ("R6", "referral", C["A"], H, P[14], ms("2026-03-31T15:30Z"), plus("2026-03-31T15:30Z", 1),
     ms("2026-04-10T01:30Z"), None, "seen", None),
    # declined by H2 and redirected to H: a new referral for H
    ("R8", "referral", C["D"], H2, P[15], ms("2026-03-02T00:00Z"), None, None, None,
     "redirected", None),
    ("R9", "referral", C["D"], H, P[15], ms("2026-03-03T00:00Z"), plus("2026-03-03T00:00Z", 1, 45),
     ms("2026-03-31T14:59Z"), plus("2026-03-31T14:59Z", 12, 10), "replied", "R8"),
    ("R10", "referral", C["E"], H, P[16], ms("2026-03-10T00:00Z"), plus("2026-03-10T00:00Z", 0, 20),
     ms("2026-04-02T00:00Z"), None, "seen", None),
    # reverse referrals sent by H (V3 is in May in Japan) and one received from H2
    ("V1", "reverse", H, C["A"], P[10], ms("2026-03-01T00:00Z"), None, None, None, "sent", "R1"),
    ("V2", "reverse", H, C["B"], P[10], ms("2026-03-20T00:00Z"), None, None, None, "sent", "R3"),
    ("V3", "reverse", H, C["A"], P[11], ms("2026-04-30T15:00Z"), None, None, None, "sent", "R2"),
    ("V4", "reverse", H2, H, P[17], ms("2026-04-05T00:00Z"), None, None, None, "sent", None),
    # referrals sent by H
    ("S1", "referral", H, H2, P[18], ms("2026-02-05T00:00Z"), None, None, None, "sent", None),
    ("S2", "referral", H, H2, P[19], ms("2026-04-01T00:00Z"), None, None, None, "sent", None),
]
IDS = {r[0]: str(uuid.uuid4()) for r in REFERRALS}

# The figures of H for 2026-02..2026-04, computed by hand from the table above.
EXPECTED = {
    "2026-02": dict(received=4, sent=1, reverse_sent=0, reverse_received=0,
                    referred_patients=1,  # R1 and R3: the same patient, both seen in February
                    reverse_patients=0,
                    median_hours={"sent_to_accepted": 3.0,  # 2 h and 4 h
                                  "sent_to_seen": 241.5,  # 240 h and 243 h
                                  "seen_to_replied": 48.0}),
    "2026-03": dict(received=3, sent=0, reverse_sent=2, reverse_received=0,
                    referred_patients=2,  # R2 (5 March), R9 (31 March 23:59 JST)
                    reverse_patients=1,  # V1 and V2: the same patient
                    median_hours={"sent_to_accepted": 1.8,  # 20 min, 1 h 45 min, 5 h
                                  "sent_to_seen": 552.0,  # 104 h, 552 h, 686 h 59 min
                                  "seen_to_replied": 21.1}),  # (12 h 10 min + 30 h) / 2
    "2026-04": dict(received=1, sent=1, reverse_sent=0, reverse_received=1,
                    referred_patients=2,  # R10 (2 April), R6 (10 April)
                    reverse_patients=0,
                    median_hours={"sent_to_accepted": 1.0, "sent_to_seen": 226.0,
                                  "seen_to_replied": None}),
}
RANGE = {"org_id": H, "from": "2026-02", "to": "2026-04"}


def write_fixture(db_path):
    conn = sqlite3.connect(db_path)
    try:
        with conn:
            now = ms("2026-01-01T00:00Z")
            for oid, code, name, kind in ORGS:
                conn.execute("INSERT INTO orgs (id, code, name, type, created_at, updated_at) "
                             "VALUES (?, ?, ?, ?, ?, ?)", (oid, code, name, kind, now, now))
            pw = conn.execute(
                "SELECT password_hash FROM users WHERE login = 'gh.sato'").fetchone()[0]
            for login_name, profession, org, role in USERS:
                uid = str(uuid.uuid4())
                conn.execute("INSERT INTO users (id, login, name, profession, password_hash, "
                             "must_change_password, created_at, updated_at) VALUES "
                             "(?, ?, ?, ?, ?, 0, ?, ?)",
                             (uid, login_name, "統計 試験", profession, pw, now, now))
                conn.execute("INSERT INTO memberships (user_id, org_id, role, created_at) "
                             "VALUES (?, ?, ?, ?)", (uid, org, role, now))
            signer = conn.execute("SELECT id FROM users WHERE login = 'stats.hdoc'").fetchone()[0]
            for (key, kind, src, dst, patient, sent, accepted, seen, replied, status,
                 parent) in REFERRALS:
                conn.execute(
                    "INSERT INTO referrals (id, kind, parent_id, patient_id, from_org_id, "
                    "from_user_id, to_org_id, urgency, purpose, status, letter, letter_sha256, "
                    "signed_at, sent_at, accepted_at, seen_at, replied_at, updated_at) VALUES "
                    "(?, ?, ?, ?, ?, ?, ?, 'routine', 'workup', ?, '{}', '', ?, ?, ?, ?, ?, ?)",
                    (IDS[key], kind, IDS.get(parent), patient, src, signer, dst, status, sent,
                     sent, accepted, seen, replied, sent))
    finally:
        conn.close()


@pytest.fixture(scope="module")
def srv():
    data_dir = helpers.init_data_dir()
    write_fixture(f"{data_dir}/tsunagu.db")
    s = helpers.Server(data_dir)
    yield s
    helpers.finish(s)


def stats(session, **params):
    r = session.get("/api/referral-stats", params=params)
    assert r.status_code == 200, r.text
    return r.json()


def put_first_visits(session, org, month, count):
    return session.put("/api/referral-stats/first-visits",
                       json={"org_id": org, "month": month, "count": count})


def partner(org, name, referrals, reverse):
    return {"org": {"id": org, "name": name}, "count": referrals + reverse,
            "referrals": referrals, "reverse": reverse}


def test_every_figure_matches_the_hand_computed_fixture(srv):
    body = stats(srv.session("stats.hdoc"), **RANGE)
    assert body["org"] == {"id": H, "code": "stats-h", "name": "統計テスト病院A",
                           "type": "acute_hospital"}
    assert (body["from"], body["to"]) == ("2026-02", "2026-04")
    assert [m["month"] for m in body["months"]] == list(EXPECTED)
    for m in body["months"]:
        want = dict(EXPECTED[m["month"]], month=m["month"])
        got = {k: v for k, v in m.items()
               if k not in ("first_visits", "referral_rate", "reverse_rate")}
        assert got == want, m["month"]
    assert body["partners"]["referring"] == [
        partner(C["A"], "統計テストクリニックA", 3, 0),  # R1 R2 R6
        partner(C["B"], "統計テストクリニックB", 2, 0),  # R3 R4
        partner(C["C"], "統計テストクリニックC", 1, 0),  # ties of one by name; H2 (V4) is 6th
        partner(C["D"], "統計テストクリニックD", 1, 0),
        partner(C["E"], "統計テストクリニックE", 1, 0),
    ]
    assert body["partners"]["receiving"] == [
        partner(H2, "統計テスト病院B", 2, 0),  # S1 S2
        partner(C["A"], "統計テストクリニックA", 0, 1),  # V1 (V3 is in May)
        partner(C["B"], "統計テストクリニックB", 0, 1),  # V2
    ]
    assert set(body["definitions"]) >= {"received", "referral_rate", "median_hours"}
    assert "初診患者数" in body["definitions"]["referral_rate"]


def test_month_boundaries_are_those_of_japan(srv):
    s = srv.session("stats.hdoc")
    # 2026-03-31T15:30Z is 1 April 00:30 in Japan (R6); 2026-02-28T16:00Z is 1 March (R2)
    march = stats(s, org_id=H, **{"from": "2026-03", "to": "2026-03"})["months"]
    assert [(m["month"], m["received"]) for m in march] == [("2026-03", 3)]
    may = stats(s, org_id=H, **{"from": "2026-05", "to": "2026-05"})["months"][0]
    assert may["reverse_sent"] == 1 and may["reverse_patients"] == 1  # V3, 1 May 00:00 JST
    # the redirected referral counts for H2, its child for H
    h2 = stats(srv.session("stats.h2admin"), org_id=H2, **{"from": "2026-03", "to": "2026-04"})
    assert [(m["received"], m["reverse_sent"]) for m in h2["months"]] == [(1, 0), (1, 1)]
    assert h2["partners"]["referring"] == [partner(C["D"], "統計テストクリニックD", 1, 0),  # R8
                                           partner(H, "統計テスト病院A", 1, 0)]  # S2
    assert h2["partners"]["receiving"] == [partner(H, "統計テスト病院A", 0, 1)]  # V4


def test_rates_use_the_first_visits_entered(srv):
    admin = srv.session("stats.hadmin")
    before = stats(admin, **RANGE)["months"]
    assert all(m["first_visits"] is None and m["referral_rate"] is None
               and m["reverse_rate"] is None for m in before)
    for month, count in (("2026-02", 4), ("2026-03", 3), ("2026-04", 7)):
        r = put_first_visits(admin, H, month, count)
        assert r.status_code == 200, r.text
        assert r.json()["count"] == count and r.json()["month"] == month
    r = put_first_visits(admin, H, "2026-04", 0)  # replaced; 0 gives no rate
    assert r.status_code == 200 and r.json()["updated_by"]["name"] == "統計 試験"
    months = {m["month"]: m for m in stats(admin, **RANGE)["months"]}
    assert [(months[k]["first_visits"], months[k]["referral_rate"], months[k]["reverse_rate"])
            for k in EXPECTED] == [(4, 25.0, 0.0), (3, 66.7, 33.3), (0, None, None)]
    rows = srv.query("SELECT month, count FROM org_first_visits WHERE org_id = ? ORDER BY month",
                     (H,))
    assert [(r["month"], r["count"]) for r in rows] == [("2026-02", 4), ("2026-03", 3),
                                                        ("2026-04", 0)]
    audit = helpers.audit_rows(srv, "event_id = ? AND object_id = ?",
                               ("referral_stats_first_visits_put", H))
    assert [a["detail"] for a in audit][-1] == "month=2026-04 count=0"


def test_csv_has_the_same_rows_as_the_json(srv):
    s = srv.session("stats.hadmin")
    r = s.get("/api/referral-stats.csv", params=RANGE)
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert r.headers["Content-Disposition"] == \
        'attachment; filename="referral-stats_stats-h_2026-02_2026-04.csv"'
    assert r.content.startswith(b"\xef\xbb\xbf")
    text = r.content.decode("utf-8-sig")
    assert text.endswith("\r\n") and "\r\n" in text
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == ["月", "紹介受入数", "紹介数", "逆紹介数", "逆紹介受入数", "紹介患者数",
                       "逆紹介患者数", "初診患者数", "紹介率(%)", "逆紹介率(%)",
                       "中央値 送付→受付(時間)", "中央値 送付→受診(時間)",
                       "中央値 受診→返書(時間)"]

    def cell(v):
        return "" if v is None else f"{v:.1f}" if isinstance(v, float) else str(v)

    want = [[m["month"]] + [cell(m[k]) for k in (
        "received", "sent", "reverse_sent", "reverse_received", "referred_patients",
        "reverse_patients", "first_visits", "referral_rate", "reverse_rate")] + [
        cell(m["median_hours"][k]) for k in ("sent_to_accepted", "sent_to_seen",
                                              "seen_to_replied")]
        for m in stats(s, **RANGE)["months"]]
    assert rows[1:] == want
    assert rows[1][:7] == ["2026-02", "4", "1", "0", "0", "1", "0"]
    assert rows[1][10:] == ["3.0", "241.5", "48.0"] and rows[3][12] == ""


def twelve_months_to(day):
    want = []
    y, m = day.year, day.month
    for _ in range(12):
        want.append(f"{y:04d}-{m:02d}")
        y, m = (y, m - 1) if m > 1 else (y - 1, 12)
    return want[::-1]


def test_default_range_is_the_last_twelve_months_of_the_current_organisation(srv):
    before = helpers.tokyo_today()
    body = stats(srv.session("stats.hdoc"))
    after = helpers.tokyo_today()  # the month may turn during the request
    assert body["org"]["id"] == H
    assert [x["month"] for x in body["months"]] in (twelve_months_to(before),
                                                     twelve_months_to(after))
    only_to = stats(srv.session("stats.hdoc"), to="2026-04")["months"]
    assert (only_to[0]["month"], only_to[-1]["month"], len(only_to)) == ("2025-05", "2026-04", 12)


def test_who_may_read_and_enter_figures(srv):
    clinic = srv.session("stats.cadoc")
    r = clinic.get("/api/referral-stats", params=RANGE)
    assert_problem(r, 403, "access.forbidden")
    assert_problem(clinic.get("/api/referral-stats.csv", params=RANGE), 403, "access.forbidden")
    assert stats(clinic, **dict(RANGE, org_id=C["A"]))["months"][1]["reverse_received"] == 1
    # the network admin reads any organisation's figures and enters them
    office = srv.session("jimukyoku")
    assert stats(office, **RANGE)["months"][0]["received"] == 4
    before = store_snapshot(srv)
    for who, org in (("stats.hdoc", H), ("stats.h2admin", H), ("stats.cadoc", C["A"])):
        assert_problem(put_first_visits(srv.session(who), org, "2026-02", 5), 403,
                       "access.forbidden")
    assert store_snapshot(srv) == before
    r = put_first_visits(office, H2, "2026-01", 12)
    assert r.status_code == 200, r.text
    assert stats(office, org_id=H2, **{"from": "2026-01", "to": "2026-01"})[
        "months"][0]["first_visits"] == 12


BAD_QUERIES = [
    ({"from": "2026-4"}, 400), ({"from": "2026-13"}, 400), ({"to": "2026-00"}, 400),
    ({"from": "abcd-ef"}, 400), ({"to": "2026-04-01"}, 400), ({"from": "1999-12"}, 400),
    ({"from": "2026-05", "to": "2026-04"}, 400),  # from after to
    ({"from": "2023-04", "to": "2026-04"}, 400),  # 37 months
    ({"org_id": "not-an-id"}, 404), ({"org_id": str(uuid.uuid4())}, 404),
    ({"zz": "1"}, 400), ({"org_id": ""}, 200),
]


@pytest.mark.parametrize("path", ["/api/referral-stats", "/api/referral-stats.csv"])
@pytest.mark.parametrize("params,status", BAD_QUERIES, ids=lambda v: str(v))
def test_bad_queries(srv, path, params, status):
    r = srv.session("stats.hdoc").get(path, params=params)
    if status == 200:
        assert r.status_code == 200
        return
    body = assert_problem(r, status)
    assert body["code"] == ("request.bad_query" if status == 400 else "org.not_found")


def test_thirty_six_months_is_the_limit(srv):
    body = stats(srv.session("stats.hdoc"), org_id=H, **{"from": "2023-05", "to": "2026-04"})
    assert len(body["months"]) == 36 and body["months"][-1]["received"] == 1


@pytest.mark.parametrize("body,status,code", [
    ({"org_id": H, "month": "2026-02", "count": -1}, 400, "request.field_value"),
    ({"org_id": H, "month": "2026-2", "count": 5}, 400, "request.field_value"),
    ({"org_id": H, "month": "2026-02-01", "count": 5}, 400, "request.field_too_long"),
    ({"org_id": H, "month": "2999-12", "count": 5}, 400, "request.field_value"),  # future
    ({"org_id": H, "month": "2026-02", "count": 1.5}, 400, "request.field_type"),
    ({"org_id": H, "month": "2026-02", "count": "5"}, 400, "request.field_type"),
    ({"org_id": H, "month": "2026-02", "count": 10 ** 7}, 400, "request.field_value"),
    ({"org_id": H, "month": "2026-02"}, 400, "request.field_missing"),
    ({"org_id": H, "month": "2026-02", "count": 5, "note": "x"}, 400, "request.unknown_field"),
    ({"org_id": "x", "month": "2026-02", "count": 5}, 400, "request.field_value"),
    ({"org_id": str(uuid.uuid4()), "month": "2026-02", "count": 5}, 404, "org.not_found"),
])
def test_bad_first_visits_change_nothing(srv, body, status, code):
    s = srv.session("stats.hadmin")
    before = store_snapshot(srv)
    assert_problem(s.put("/api/referral-stats/first-visits", json=body), status, code)
    assert store_snapshot(srv) == before


def test_the_demo_region_has_a_history(srv):
    """minami-gh's demo history: referrals every month and 初診患者数 for the months before the
    one the demo region was loaded in (which may be before this month: the suite loads it once)."""
    # `tsunagu init --demo` migrated the store and loaded the region in one go
    init_ms = srv.query("SELECT max(applied_at) AS t FROM schema_migrations")[0]["t"]
    loaded = datetime.datetime.fromtimestamp(init_ms / 1000, helpers.JST).strftime("%Y-%m")
    body = stats(srv.session("gh.admin"), to=loaded)
    months = body["months"]
    assert months[-1]["month"] == loaded
    assert sum(m["received"] for m in months) >= 40
    assert sum(m["reverse_sent"] for m in months) >= 10
    assert all(m["first_visits"] is not None for m in months[:-1])
    assert months[-1]["first_visits"] is None  # the month of loading is the admin's to enter
    assert all(m["referral_rate"] is not None for m in months[1:-1])
    assert body["partners"]["referring"][0]["org"]["name"] == "さくらクリニック"
    total = srv.query("SELECT count(*) AS n FROM referrals r JOIN orgs o ON o.id = r.from_org_id "
                      "WHERE o.code NOT LIKE 'stats-%'")[0]["n"]
    assert 150 <= total <= 250
