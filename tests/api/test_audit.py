# SPDX-License-Identifier: Apache-2.0
"""The audit trail: every patient read and search hit is recorded before the answer leaves;
who may read which records; filters and cursor; and `tsunagu audit verify` detecting tampering
by someone with write access to the database file."""
import datetime
import json
import shutil
import sqlite3
import tempfile

import pytest

import helpers
from helpers import YAMADA_HANAKO, assert_problem

GH = helpers.org_id("minami-gh")


def records_of_request(server, request_id):
    return helpers.audit_rows(server, "request_id = ?", (request_id,))


def test_patient_read_is_audited_before_the_answer(server):
    r = server.session("gh.sato").get(f"/api/patients/{YAMADA_HANAKO}")
    assert r.status_code == 200
    [rec] = records_of_request(server, r.headers["X-Request-Id"])
    assert rec["event_id"] == "patients_read" and rec["action"] == "R" and rec["outcome"] == 0
    assert rec["user_id"] == helpers.user_id("gh.sato") and rec["user_login"] == "gh.sato"
    assert rec["org_id"] == GH and rec["client"] == "127.0.0.1"
    assert rec["patient_id"] == YAMADA_HANAKO
    assert rec["object_type"] == "patient" and rec["object_id"] == YAMADA_HANAKO
    # the same record through the API, for the organisation's administrator
    items = server.session("gh.admin").get(
        "/api/audit", params={"patient_id": YAMADA_HANAKO,
                              "user_id": helpers.user_id("gh.sato")}).json()["items"]
    assert rec["seq"] in {i["seq"] for i in items}
    item = next(i for i in items if i["seq"] == rec["seq"])
    assert item["request_id"] == r.headers["X-Request-Id"] and item["action"] == "R"
    assert item["time"].endswith("Z")


@pytest.mark.parametrize("path", ["consents", "team"])
def test_sub_resource_reads_are_audited(server, path):
    r = server.session("gh.sato").get(f"/api/patients/{YAMADA_HANAKO}/{path}")
    assert r.status_code == 200
    [rec] = records_of_request(server, r.headers["X-Request-Id"])
    assert rec["patient_id"] == YAMADA_HANAKO and rec["action"] == "R" and rec["outcome"] == 0


def test_every_search_hit_is_audited(server):
    r = server.session("gh.sato").get("/api/patients", params={"q": "やまだ"})
    assert r.status_code == 200
    hits = {p["id"] for p in r.json()["items"]}
    assert YAMADA_HANAKO in hits
    rows = records_of_request(server, r.headers["X-Request-Id"])
    per_patient = [x for x in rows if x["patient_id"] is not None]
    assert {x["patient_id"] for x in per_patient} == hits and len(per_patient) == len(hits)
    for x in per_patient:
        assert x["event_id"] == "patients_search" and x["action"] == "R" and x["outcome"] == 0
        assert x["user_id"] == helpers.user_id("gh.sato") and x["org_id"] == GH
        assert x["client"] == "127.0.0.1"


def test_denied_read_is_audited_as_a_failure(server):
    r = server.session("ph.ito").get(f"/api/patients/{YAMADA_HANAKO}")
    assert_problem(r, 404, "patient.not_found")
    [rec] = records_of_request(server, r.headers["X-Request-Id"])
    assert rec["outcome"] == 4 and rec["action"] == "R"
    assert rec["user_id"] == helpers.user_id("ph.ito")
    assert rec["org_id"] == helpers.org_id("hikari-pharmacy")
    assert rec["patient_id"] == YAMADA_HANAKO
    # the pharmacy's administrator sees it in their organisation's records
    items = server.session("ph.yoshida").get(
        "/api/audit", params={"patient_id": YAMADA_HANAKO}).json()["items"]
    assert rec["seq"] in {i["seq"] for i in items}


def test_changes_are_audited_with_the_patient(server):
    s = server.session("gh.sato")
    r = s.patch(f"/api/patients/{YAMADA_HANAKO}", json={"phone": "099-555-1212"})
    assert r.status_code == 200
    [rec] = records_of_request(server, r.headers["X-Request-Id"])
    assert rec["action"] == "U" and rec["patient_id"] == YAMADA_HANAKO and rec["outcome"] == 0


def test_organisation_admin_sees_only_their_organisation(server):
    server.session("gh.sato").get(f"/api/patients/{YAMADA_HANAKO}")
    server.session("aoba.tanaka").get(f"/api/patients/{YAMADA_HANAKO}")
    gh = helpers.fetch_all(server.session("gh.admin"), "/api/audit")
    assert gh and {i["org_id"] for i in gh} == {GH}
    aoba = helpers.fetch_all(server.session("aoba.tanaka"), "/api/audit")
    assert aoba and {i["org_id"] for i in aoba} == {helpers.org_id("aoba-homecare")}
    everything = helpers.fetch_all(server.session("jimukyoku"), "/api/audit")
    orgs = {i["org_id"] for i in everything}
    assert {GH, helpers.org_id("aoba-homecare"), None} <= orgs
    assert {i["seq"] for i in gh} < {i["seq"] for i in everything}
    # an organisation admin cannot widen the view with filters
    r = server.session("gh.admin").get(
        "/api/audit", params={"user_id": helpers.user_id("aoba.tanaka")})
    assert r.json()["items"] == []


def test_members_cannot_read_the_audit_trail(server):
    assert_problem(server.session("gh.sato").get("/api/audit"), 403, "access.forbidden")
    assert_problem(server.anon().get("/api/audit"), 401, "auth.required")


def test_filters_and_cursor(server):
    sato = server.session("gh.sato")
    for _ in range(3):
        sato.get(f"/api/patients/{YAMADA_HANAKO}")
    admin = server.session("jimukyoku")
    reads = helpers.fetch_all(admin, "/api/audit", {"action": "R"})
    assert reads and {i["action"] for i in reads} == {"R"}
    by_user = helpers.fetch_all(admin, "/api/audit", {"user_id": helpers.user_id("gh.sato")})
    assert by_user and {i["user_id"] for i in by_user} == {helpers.user_id("gh.sato")}
    by_patient = helpers.fetch_all(admin, "/api/audit", {"patient_id": YAMADA_HANAKO})
    assert len(by_patient) >= 3 and {i["patient_id"] for i in by_patient} == {YAMADA_HANAKO}

    # cursor pages: newest first, no overlap, same as one big page
    everything = helpers.fetch_all(admin, "/api/audit", limit=100)
    seqs = [i["seq"] for i in everything]
    assert seqs == sorted(seqs, reverse=True) and len(set(seqs)) == len(seqs)
    paged = helpers.fetch_all(admin, "/api/audit", limit=7)
    # reading the trail is audited too: records newer than the first listing are extra
    assert [i["seq"] for i in paged if i["seq"] <= seqs[0]] == seqs
    first = admin.get("/api/audit", params={"limit": 5}).json()
    assert len(first["items"]) == 5 and first["next_cursor"] is not None
    second = admin.get("/api/audit", params={"limit": 5, "cursor": first["next_cursor"]}).json()
    assert max(i["seq"] for i in second["items"]) < min(i["seq"] for i in first["items"])

    # time window: from is inclusive, to exclusive
    middle = everything[len(everything) // 2]
    newer = helpers.fetch_all(admin, "/api/audit", {"from": middle["time"]})
    assert newer and all(i["time"] >= middle["time"] for i in newer)
    assert middle["seq"] in {i["seq"] for i in newer}
    older = helpers.fetch_all(admin, "/api/audit", {"to": middle["time"]})
    assert all(i["time"] < middle["time"] for i in older)
    assert {i["seq"] for i in newer} | {i["seq"] for i in older} >= set(seqs)
    future = helpers.now_utc() + datetime.timedelta(days=1)
    assert admin.get("/api/audit", params={"from": future.strftime("%Y-%m-%dT%H:%M:%SZ")}) \
        .json()["items"] == []


@pytest.mark.parametrize("params", [
    {"action": "X"}, {"action": "RR"}, {"user_id": "gh.sato"}, {"patient_id": "1"},
    {"cursor": "abc"}, {"cursor": "0"}, {"from": "yesterday"}, {"to": "2026-13-01"},
    {"limit": "0"}, {"limit": "1000"}, {"org_id": GH},
])
def test_bad_audit_filters(server, params):
    r = server.session("jimukyoku").get("/api/audit", params=params)
    assert_problem(r, 400, "request.bad_query")


# ---- tamper detection -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def stopped_store():
    """A data directory with some activity, its server stopped; copies are tampered with."""
    data_dir = helpers.init_data_dir()
    server = helpers.Server(data_dir, own_data_dir=False)
    try:
        sato = helpers.login(server, "gh.sato")
        for q in ("やまだ", "さとう"):
            sato.get("/api/patients", params={"q": q})
        for _ in range(10):
            sato.get(f"/api/patients/{YAMADA_HANAKO}")
        sato.patch(f"/api/patients/{YAMADA_HANAKO}", json={"phone": "099-555-4444"})
        server.session("ph.ito").get(f"/api/patients/{YAMADA_HANAKO}")
    finally:
        helpers.finish(server)  # stopped before anyone tampers
    yield data_dir
    shutil.rmtree(data_dir, ignore_errors=True)


def verify(data_dir):
    return helpers.run_cli("audit", "verify", "--data-dir", data_dir)


def test_verify_accepts_an_untouched_trail(stopped_store):
    r = verify(stopped_store)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.startswith("audit chain intact:")
    rows = sqlite3.connect(f"{stopped_store}/tsunagu.db").execute(
        "SELECT COUNT(*) FROM audit").fetchone()[0]
    assert f"{rows} records" in r.stdout and rows > 20


def change_field(db):
    db.execute("UPDATE audit SET user_login = 'someone.else' WHERE seq = 10")


def change_outcome(db):
    db.execute("UPDATE audit SET outcome = 0 WHERE outcome = 4")


def delete_middle(db):
    db.execute("DELETE FROM audit WHERE seq = 10")


def delete_and_renumber(db):
    # a careful attacker closes the gap
    db.execute("DELETE FROM audit WHERE seq = 10")
    db.execute("UPDATE audit SET seq = -(seq - 1) WHERE seq > 10")
    db.execute("UPDATE audit SET seq = -seq WHERE seq < 0")


def insert_middle(db):
    db.execute("UPDATE audit SET seq = -(seq + 1) WHERE seq >= 10")
    db.execute("UPDATE audit SET seq = -seq WHERE seq < 0")
    db.execute("INSERT INTO audit SELECT 10, time, event_id, action, outcome, user_id, "
               "user_login, org_id, client, patient_id, object_type, object_id, request_id, "
               "'forged', prev_hash, hash, committed FROM audit WHERE seq = 11")


def append_row(db):
    db.execute("INSERT INTO audit SELECT seq + 1, time, event_id, action, outcome, user_id, "
               "user_login, org_id, client, patient_id, object_type, object_id, request_id, "
               "detail, hash, prev_hash, committed FROM audit ORDER BY seq DESC LIMIT 1")


def swap_rows(db):
    cols = ("time, event_id, action, outcome, user_id, user_login, org_id, client, patient_id, "
            "object_type, object_id, request_id, detail, prev_hash, hash")
    db.execute(f"CREATE TEMP TABLE a AS SELECT {cols} FROM audit WHERE seq = 10")
    db.execute(f"CREATE TEMP TABLE b AS SELECT {cols} FROM audit WHERE seq = 11")
    for seq, src in ((10, "b"), (11, "a")):
        db.execute(f"UPDATE audit SET ({cols}) = (SELECT {cols} FROM {src}) WHERE seq = {seq}")


def swap_contents_keep_hashes(db):
    cols = ("time, event_id, action, outcome, user_id, user_login, org_id, client, patient_id, "
            "object_type, object_id, request_id, detail")
    db.execute(f"CREATE TEMP TABLE a AS SELECT {cols} FROM audit WHERE seq = 10")
    db.execute(f"CREATE TEMP TABLE b AS SELECT {cols} FROM audit WHERE seq = 11")
    for seq, src in ((10, "b"), (11, "a")):
        db.execute(f"UPDATE audit SET ({cols}) = (SELECT {cols} FROM {src}) WHERE seq = {seq}")


@pytest.mark.parametrize("tamper", [change_field, change_outcome, delete_middle,
                                    delete_and_renumber, insert_middle, append_row, swap_rows,
                                    swap_contents_keep_hashes], ids=lambda f: f.__name__)
def test_verify_detects_tampering(stopped_store, tamper):
    copy = tempfile.mkdtemp(prefix="tsunagu-tamper-")
    try:
        shutil.copytree(stopped_store, copy, dirs_exist_ok=True)
        db = sqlite3.connect(f"{copy}/tsunagu.db", isolation_level=None)
        # the append-only triggers stop a casual edit; an attacker with the file drops them
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            db.execute("UPDATE audit SET detail = 'x' WHERE seq = 10")
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            db.execute("DELETE FROM audit WHERE seq = 10")
        db.execute("DROP TRIGGER audit_no_update")
        db.execute("DROP TRIGGER audit_no_delete")
        db.execute("BEGIN")
        tamper(db)
        db.execute("COMMIT")
        db.close()
        r = verify(copy)
        assert r.returncode == 1, r.stdout + r.stderr
        assert "audit chain BROKEN at record" in r.stdout
        bad = int(r.stdout.split("BROKEN at record ")[1].split(":")[0])
        assert 10 <= bad <= 12 or tamper in (change_outcome, append_row)
    finally:
        shutil.rmtree(copy, ignore_errors=True)


# ---- the log file itself (issue 18) ------------------------------------------------------------
# The trail is the append-only log data-dir/audit.log, one JSON record a line; the table audit is
# its index. An attacker with the files may edit either: verify checks the log's chain and the
# index against the log.


def log_change_field(lines):
    rec = json.loads(lines[9])
    rec["user_login"] = "someone.else"
    lines[9] = json.dumps(rec, ensure_ascii=False, separators=(",", ":")).encode()


def log_delete_middle(lines):
    del lines[9]


def log_swap(lines):
    lines[9], lines[10] = lines[10], lines[9]


def log_cut_tail(lines):
    del lines[-1]


@pytest.mark.parametrize("tamper", [log_change_field, log_delete_middle, log_swap, log_cut_tail],
                         ids=lambda f: f.__name__)
def test_verify_detects_a_changed_log(stopped_store, tamper):
    copy = tempfile.mkdtemp(prefix="tsunagu-tamper-")
    try:
        shutil.copytree(stopped_store, copy, dirs_exist_ok=True)
        path = f"{copy}/audit.log"
        with open(path, "rb") as f:
            lines = f.read().split(b"\n")
        assert lines[-1] == b"" and len(lines) > 20, "one record a line, each ended"
        lines.pop()
        last = json.loads(lines[-1])["seq"]
        tamper(lines)
        with open(path, "wb") as f:
            f.write(b"\n".join(lines) + b"\n")
        r = verify(copy)
        assert r.returncode == 1, r.stdout + r.stderr
        assert "audit chain BROKEN at record" in r.stdout
        bad = int(r.stdout.split("BROKEN at record ")[1].split(":")[0])
        assert bad == (last if tamper is log_cut_tail else 10), r.stdout
    finally:
        shutil.rmtree(copy, ignore_errors=True)


def test_the_log_and_its_index_hold_the_same_records(stopped_store):
    with open(f"{stopped_store}/audit.log", encoding="utf-8") as f:
        logged = [json.loads(line) for line in f]
    db = sqlite3.connect(f"{stopped_store}/tsunagu.db")
    db.row_factory = sqlite3.Row
    indexed = [dict(r) for r in db.execute("SELECT * FROM audit ORDER BY seq")]
    db.close()
    assert [r["seq"] for r in logged] == list(range(1, len(logged) + 1))
    assert [r["seq"] for r in indexed] == [r["seq"] for r in logged]
    for log_rec, row in zip(logged, indexed):
        assert log_rec["hash"] == row["hash"] and log_rec["prev_hash"] == row["prev_hash"]
        assert log_rec["event_id"] == row["event_id"] and log_rec["patient_id"] == row["patient_id"]
        assert row["committed"] == 1  # every write of this server committed


# ---- what the network office sees (issue 11) --------------------------------------------------

REASON = "意識障害で救急搬送、服薬確認のため"
COMMENT = "山田花子さんの救急外来受診、妥当"


def test_the_network_office_reviews_the_audit_without_patient_data(fresh_server):
    import urllib.parse
    server = fresh_server
    fujita, sato = server.session("uh.fujita"), server.session("gh.sato")
    searched = fujita.post("/api/emergency/search", json={
        "name": "山田 花子", "name_kana": "ヤマダ ハナコ", "birth_date": "1941-04-12"})
    fhir = sato.get("/fhir/Patient", params={"name": "山田", "birthdate": "1941-04-12"})
    cond = sato.get("/fhir/Patient", params={"family": "山田", "given": "花子"})
    assert searched.status_code == fhir.status_code == cond.status_code == 200, cond.text
    gid = fujita.post(f"/api/patients/{YAMADA_HANAKO}/emergency", json={"reason": REASON}).json()[
        "id"]
    fujita.post(f"/api/emergency/{gid}/end")
    assert server.session("uh.admin").post(f"/api/emergency/{gid}/review",
                                           json={"comment": COMMENT}).status_code == 200
    office = helpers.fetch_all(server.session("jimukyoku"), "/api/audit")
    # nothing a person or a search typed about a patient: names, kana, birth dates, free text
    secrets = {REASON, COMMENT, "1941-04-12"}
    for p in server.query("SELECT name, name_kana, birth_date FROM patients"):
        for value in p.values():
            secrets |= {value, value.replace(" ", ""), urllib.parse.quote(value)}
            secrets |= set(value.split(" "))
    secrets |= {urllib.parse.quote("山田"), urllib.parse.quote("花子")}
    secrets.discard("")
    for item in office:
        for secret in secrets:
            assert secret not in (item["detail"] or ""), (secret, item)
    by_request = {i["request_id"]: i for i in office}
    assert by_request[searched.headers["X-Request-Id"]]["detail"] == (
        "emergency search name=… name_kana=… birth_date=… results=1")
    assert by_request[fhir.headers["X-Request-Id"]]["detail"] == "name=…&birthdate=…"
    assert by_request[cond.headers["X-Request-Id"]]["detail"] == "family=…&given=…"
    events = {i["event_id"]: i["detail"] for i in office if i["object_id"] == gid}
    assert events["emergency.start"] == "emergency override start: …"
    assert events["emergency.review"] == "emergency review closed: …"
    # the organisations' own administrators still see what was typed
    uh = {i["event_id"]: i["detail"] for i in helpers.fetch_all(
        server.session("uh.admin"), "/api/audit") if i["object_id"] == gid}
    assert REASON in uh["emergency.start"] and COMMENT in uh["emergency.review"]
    gh = {i["request_id"]: i["detail"] for i in helpers.fetch_all(
        server.session("gh.admin"), "/api/audit")}
    assert "1941-04-12" in gh[fhir.headers["X-Request-Id"]]
