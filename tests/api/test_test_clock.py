# SPDX-License-Identifier: Apache-2.0
"""POST /api/test/clock (test builds only): the network administrator moves the server's clock
ahead, and what fell due meanwhile (each module's sweep) has happened when it answers."""
import datetime

import helpers


def iso_ms(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000


def test_the_clock_moves_ahead_and_what_fell_due_has_happened(fresh_server):
    server = fresh_server
    office, tanaka = server.session("jimukyoku"), server.session("aoba.tanaka")
    end = helpers.now_utc() + datetime.timedelta(hours=1)
    r = tanaka.post("/api/oncall/declarations", json={
        "reason": "illness", "planned_end_at": end.isoformat(timespec="milliseconds")})
    assert r.status_code == 201, r.text
    did = r.json()["id"]
    first = office.post("/api/test/clock", json={"advance_ms": 1})
    assert first.status_code == 200, first.text
    row = server.query("SELECT end_reason FROM oncall_declarations WHERE id = ?", (did,))[0]
    assert row["end_reason"] is None  # not due yet
    r = office.post("/api/test/clock", json={"advance_ms": 2 * 3600 * 1000})
    assert r.status_code == 200, r.text
    moved = iso_ms(r.json()["now"]) - iso_ms(first.json()["now"])
    assert 2 * 3600 * 1000 <= moved < 2 * 3600 * 1000 + 60 * 1000
    # the sweep that ran before the answer ended the declaration, at the new time
    row = server.query("SELECT ended_at, end_reason FROM oncall_declarations WHERE id = ?",
                       (did,))[0]
    assert row["end_reason"] == "expired"
    assert row["ended_at"] >= iso_ms(first.json()["now"]) + 2 * 3600 * 1000


def test_only_the_network_administrator_moves_it_and_never_back(fresh_server):
    nurse = fresh_server.session("aoba.tanaka")
    assert nurse.post("/api/test/clock", json={"advance_ms": 1000}).status_code == 403
    office = fresh_server.session("jimukyoku")
    for bad in (0, -1000, 32 * 86400 * 1000):
        r = office.post("/api/test/clock", json={"advance_ms": bad})
        assert r.status_code == 400 and r.json()["code"] == "request.field_range", r.text
        assert r.json().get("field") == "advance_ms"
    r = office.post("/api/test/clock", json={"advance_ms": "60000"})
    assert r.status_code == 400 and r.json()["code"] == "request.field_type", r.text
