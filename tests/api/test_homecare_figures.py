# SPDX-License-Identifier: Apache-2.0
"""Home care (issue 16): the visit figures of an organisation (src/homecare/figures.c) against a
hand-computed fixture. An organisation of the test's own (a home-care clinic with one physician,
on the care team of four demo patients with their consent) schedules, cancels and records
visits through the API in a month of its choosing: the month after next (Asia/Tokyo), with the
server's clock on the 15th of that month. Definitions: docs/api/homecare.md, "Visit figures"."""
import csv
import datetime
import io
import sqlite3
import uuid

import pytest

import helpers
from helpers import assert_problem, org_id, patient_id, tokyo_today

F = str(uuid.uuid4())  # the organisation under test
F_CODE = "figures-clinic"
GH = org_id("minami-gh")
SAKURA = org_id("sakura-clinic")
EQ = str(uuid.uuid4())  # a referrer whose name starts with "=" (a formula, were it not text)
EQ_NAME = "=1+2 図表テスト病院"
A, B, C, D = (patient_id(i) for i in (20, 21, 22, 23))
DAY = datetime.timedelta(days=1)


def add_month(day, n):
    """The first day of the month n months after day's."""
    index = day.year * 12 + day.month - 1 + n
    return datetime.date(index // 12, index % 12 + 1, 1)


TODAY = tokyo_today()
M = add_month(TODAY, 2)  # the month of the fixture, 1st day
PREV = add_month(M, -1)
NEXT = add_month(M, 1)
CLOCK_DAY = M.replace(day=15)  # the server's today while the fixture is made and read
MONTH = M.strftime("%Y-%m")


def ms(day):
    return int(datetime.datetime(day.year, day.month, day.day,
                                 tzinfo=datetime.timezone.utc).timestamp() * 1000)


def write_fixture(db_path):
    """The organisation, its physician, its place on the four patients' teams with consent, and
    referrals to it (the referral module's data): for C an accepted one from minami-gh, then a
    later one from EQ (the latest counts); for B only a declined one from sakura-clinic (B's
    source stays unknown)."""
    conn = sqlite3.connect(db_path)
    try:
        with conn:
            now = ms(TODAY - 30 * DAY)
            conn.execute("INSERT INTO orgs (id, code, name, type, created_at, updated_at) "
                         "VALUES (?, ?, '図表テスト在宅クリニック', 'home_care_clinic', ?, ?)",
                         (F, F_CODE, now, now))
            conn.execute("INSERT INTO orgs (id, code, name, type, created_at, updated_at) "
                         "VALUES (?, 'figures-eq', ?, 'acute_hospital', ?, ?)",
                         (EQ, EQ_NAME, now, now))
            pw = conn.execute(
                "SELECT password_hash FROM users WHERE login = 'gh.sato'").fetchone()[0]
            uid = str(uuid.uuid4())
            conn.execute("INSERT INTO users (id, login, name, profession, password_hash, "
                         "must_change_password, created_at, updated_at) VALUES "
                         "(?, 'fig.doc', '図表 医師', 'physician', ?, 0, ?, ?)", (uid, pw, now, now))
            conn.execute("INSERT INTO memberships (user_id, org_id, role, created_at) "
                         "VALUES (?, ?, 'member', ?)", (uid, F, now))
            for p in (A, B, C, D):
                cid = str(uuid.uuid4())
                conn.execute("INSERT INTO care_team (id, patient_id, org_id, role, added_by, "
                             "added_at) VALUES (?, ?, ?, '', ?, ?)",
                             (str(uuid.uuid4()), p, F, uid, now))
                conn.execute("INSERT INTO consents (id, patient_id, scope, method, consented_on, "
                             "recorded_by, recorded_at) VALUES (?, ?, 'all', 'written', ?, ?, ?)",
                             (cid, p, (TODAY - 30 * DAY).isoformat(), uid, now))
                conn.execute("INSERT INTO consent_orgs (consent_id, org_id, patient_id) "
                             "VALUES (?, ?, ?)", (cid, F, p))
            signer = conn.execute("SELECT id FROM users WHERE login = 'gh.sato'").fetchone()[0]
            for src, patient, status, sent in ((GH, C, "accepted", now), (EQ, C, "seen", now + 1),
                                               (SAKURA, B, "declined", now + 2)):
                conn.execute(
                    "INSERT INTO referrals (id, kind, patient_id, from_org_id, from_user_id, "
                    "to_org_id, urgency, purpose, status, letter, letter_sha256, signed_at, "
                    "sent_at, updated_at) VALUES (?, 'referral', ?, ?, ?, ?, 'routine', "
                    "'workup', ?, '{}', '', ?, ?, ?)",
                    (str(uuid.uuid4()), patient, src, signer, F, status, sent, sent, sent))
    finally:
        conn.close()


def visit(s, patient, day, start, end, kind="home_medical"):
    r = s.post(f"/api/patients/{patient}/homecare/visits",
               json={"kind": kind, "date": day.isoformat(), "start": start, "end": end})
    assert r.status_code == 201, r.text
    return r.json()


def cancel(s, patient, v):
    r = s.post(f"/api/patients/{patient}/homecare/visits/{v['id']}/cancel",
               json={"reason": "入院のため"})
    assert r.status_code == 200, r.text


def record(s, patient, day, start, end, sign):
    r = s.post(f"/api/patients/{patient}/homecare/records",
               json={"kind": "home_medical", "visit_start": f"{day.isoformat()}T{start}:00+09:00",
                     "visit_end": f"{day.isoformat()}T{end}:00+09:00",
                     "content": {"subjective": "著変なし"}})
    assert r.status_code == 201, r.text
    if sign:
        rid = r.json()["id"]
        r = s.post(f"/api/patients/{patient}/homecare/records/{rid}/sign")
        assert r.status_code == 200, r.text


def make_visits(s):
    """The fixture; the server's today is the 15th of M, so days 1-14 are past."""
    d = M.replace
    # A: seen before M (not new); in M two 訪問診療 and one 往診 made, one 訪問診療 still to come
    # (the 20th: not made), and next month's first visit at 00:00 on its 1st (Tokyo time:
    # 15:00 UTC on M's last day)
    last_of_prev = M - DAY
    assert last_of_prev.month == PREV.month
    visit(s, A, last_of_prev, "10:00", "10:30")
    visit(s, A, d(day=3), "10:00", "10:30")
    visit(s, A, d(day=10), "10:00", "10:30")
    visit(s, A, d(day=5), "14:00", "14:20", "house_call")
    visit(s, A, d(day=20), "10:00", "10:30")
    visit(s, A, NEXT, "00:00", "00:30")
    # B: new in M (one made, one cancelled), nothing after: new and ended, source unknown (its
    # only referral was declined)
    visit(s, B, d(day=4), "11:00", "11:30")
    cancel(s, B, visit(s, B, d(day=11), "11:00", "11:30"))
    # C: new in M (referred by EQ), two visits next month, one of them cancelled
    visit(s, C, d(day=6), "09:00", "09:30")
    visit(s, C, NEXT.replace(day=10), "09:00", "09:30")
    cancel(s, C, visit(s, C, NEXT.replace(day=12), "09:00", "09:30"))
    # D: only a cancelled visit in M (not under care) and a 往診 next month
    cancel(s, D, visit(s, D, d(day=7), "15:00", "15:30"))
    visit(s, D, NEXT.replace(day=5), "15:00", "15:30", "house_call")
    # records: A's visit of the 3rd signed, C's a draft (not counted)
    record(s, A, d(day=3), "10:00", "10:30", sign=True)
    record(s, C, d(day=6), "09:00", "09:30", sign=False)


@pytest.fixture(scope="module")
def srv():
    data_dir = helpers.init_data_dir()
    write_fixture(f"{data_dir}/tsunagu.db")
    s = helpers.Server(data_dir, clock_shift_days=helpers.CLOCK_SHIFT_DAYS +
                       (CLOCK_DAY - TODAY).days)
    make_visits(s.session("fig.doc"))
    yield s
    helpers.finish(s)


def figures(session, **params):
    r = session.get("/api/homecare/figures", params={"org_id": F, "month": MONTH, **params})
    assert r.status_code == 200, r.text
    return r.json()


def kinds(block):
    return {k["kind"]: k["count"] for k in block["by_kind"] if k["count"]}


def test_figures_match_the_hand_computed_fixture(srv):
    body = figures(srv.session("fig.doc"))
    assert body["org"]["id"] == F and body["month"] == MONTH
    assert body["next_month"] == NEXT.strftime("%Y-%m")
    # made: A 3rd, 10th (訪問診療), 5th (往診); B 4th; C 6th. Not A's 20th (to come), not
    # A's visit of the month before, not the cancelled ones
    assert body["made"]["total"] == 5
    assert kinds(body["made"]) == {"home_medical": 4, "house_call": 1}
    # every kind is listed, in the table's order
    assert [k["kind"] for k in body["made"]["by_kind"]][:3] == ["home_medical", "house_call",
                                                               "home_nursing"]
    assert body["cancelled"]["total"] == 2  # B 11th, D 7th (C's is next month)
    assert kinds(body["cancelled"]) == {"home_medical": 2}
    assert body["signed_records"]["total"] == 1  # A's; C's is a draft
    # next month: A on the 1st at 00:00, C on the 10th (訪問診療), D on the 5th (往診)
    assert body["next_month_planned"]["total"] == 3
    assert kinds(body["next_month_planned"]) == {"home_medical": 2, "house_call": 1}
    patients = body["patients"]
    assert patients["under_care"] == 3  # A, B, C (D had only a cancelled visit)
    assert patients["new"]["total"] == 2  # B and C (A was seen the month before)
    assert patients["new"]["by_source"] == [{"source": {"id": EQ, "name": EQ_NAME}, "count": 1},
                                            {"source": None, "count": 1}]  # known first
    assert patients["ended"] == {"total": 1, "by_source": [{"source": None, "count": 1}]}  # B
    assert set(body["definitions"]) >= {"made", "cancelled", "new_patients", "ended_patients"}
    # no patient is named
    for p in (A, B, C, D):
        assert p not in str(body)


def test_the_month_before_and_after(srv):
    s = srv.session("fig.doc")
    before = figures(s, month=PREV.strftime("%Y-%m"))
    assert (before["made"]["total"], before["patients"]["under_care"],
            before["patients"]["new"]["total"], before["patients"]["ended"]["total"]) == (1, 1, 1, 0)
    assert before["next_month_planned"]["total"] == 6  # M's visits not cancelled: A 4, B 1, C 1
    after = figures(s, month=NEXT.strftime("%Y-%m"))  # in the future: nothing made yet
    assert (after["made"]["total"], after["patients"]["under_care"],
            after["cancelled"]["total"]) == (0, 0, 1)


def test_csv_has_the_same_figures(srv):
    r = srv.session("fig.doc").get("/api/homecare/figures.csv",
                                   params={"org_id": F, "month": MONTH})
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert r.headers["Content-Disposition"] == \
        f'attachment; filename="homecare-figures_{F_CODE}_{MONTH}.csv"'
    assert r.content.startswith(b"\xef\xbb\xbf")
    text = r.content.decode("utf-8-sig")
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[0] == ["区分", "項目", "件数"]
    cells = {(row[0], row[1]): int(row[2]) for row in rows[1:]}
    assert cells[("実施訪問", "訪問診療")] == 4 and cells[("実施訪問", "往診")] == 1
    assert cells[("実施訪問", "合計")] == 5 and cells[("取消", "合計")] == 2
    assert cells[("署名済み訪問記録", "合計")] == 1
    assert cells[("利用者", "利用者数")] == 3
    assert cells[("新規利用者(紹介元)", "不明")] == 1 and cells[("新規利用者(紹介元)", "合計")] == 2
    assert cells[("終了利用者(紹介元)", "合計")] == 1
    assert cells[("翌月予定", "訪問診療")] == 2 and cells[("翌月予定", "合計")] == 3


def test_formula_cells_are_neutralised(srv):
    # the referrer's name "=1+2 …" is a text cell with a leading apostrophe, never a formula
    r = srv.session("fig.doc").get("/api/homecare/figures.csv",
                                   params={"org_id": F, "month": MONTH})
    text = r.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert ["新規利用者(紹介元)", "'" + EQ_NAME, "1"] in rows
    assert f'"\'{EQ_NAME}"' in text
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_who_may_read(srv):
    # the network office reads any organisation's figures; a member of another organisation not
    office = srv.session("jimukyoku")
    assert figures(office)["made"]["total"] == 5
    for who in ("gh.sato", "ph.ito", "vns.suzuki"):
        for path in ("/api/homecare/figures", "/api/homecare/figures.csv"):
            assert_problem(srv.session(who).get(path, params={"org_id": F, "month": MONTH}),
                           403, "access.forbidden")
    # without org_id: one's own organisation
    body = srv.session("fig.doc").get("/api/homecare/figures", params={"month": MONTH}).json()
    assert body["org"]["id"] == F and body["made"]["total"] == 5


def test_each_read_is_audited(srv):
    s = srv.session("jimukyoku")
    before = len(helpers.audit_rows(srv, "object_type = 'homecare_figures' AND object_id = ?",
                                    (F,)))
    figures(s)
    s.get("/api/homecare/figures.csv", params={"org_id": F, "month": MONTH})
    rows = helpers.audit_rows(srv, "object_type = 'homecare_figures' AND object_id = ?", (F,))
    assert len(rows) == before + 2
    assert [r["detail"] for r in rows[-2:]] == [f"month={MONTH}"] * 2
    assert [r["event_id"] for r in rows[-2:]] == ["homecare_figures_get", "homecare_figures_csv"]
    assert all(r["patient_id"] is None for r in rows[-2:])


BAD_QUERIES = [
    ({"month": "2026-4"}, 400), ({"month": "2026-13"}, 400), ({"month": "2026-00"}, 400),
    ({"month": "abcd-ef"}, 400), ({"month": "2026-04-01"}, 400), ({"month": "1999-12"}, 400),
    ({"month": ""}, 400), ({"zz": "1"}, 400),
    ({"org_id": "not-an-id"}, 404), ({"org_id": str(uuid.uuid4())}, 404),
]


@pytest.mark.parametrize("path", ["/api/homecare/figures", "/api/homecare/figures.csv"])
@pytest.mark.parametrize("params,status", BAD_QUERIES, ids=lambda v: str(v))
def test_bad_queries(srv, path, params, status):
    r = srv.session("fig.doc").get(path, params={"org_id": F, "month": MONTH, **params})
    body = assert_problem(r, status)
    assert body["code"] == ("request.bad_query" if status == 400 else "org.not_found")
