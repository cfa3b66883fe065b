# SPDX-License-Identifier: Apache-2.0
"""Session time-outs: idle (15 minutes by default, --idle-timeout) and absolute (12 hours).
Time is moved by ageing the session's timestamps in the store, as if that much had passed."""
from helpers import assert_problem, login

MINUTE_MS = 60 * 1000


def session_id(server, s):
    return next(i["id"] for i in s.get("/api/me/sessions").json()["items"] if i["current"])


def age(server, sid, column, ms):
    assert server.execute(f"UPDATE sessions SET {column} = {column} - ? WHERE id = ?",
                          (ms, sid)) == 1


def test_idle_timeout_of_fifteen_minutes(fresh_server):
    server = fresh_server
    s = login(server, "gh.sato")
    sid = session_id(server, s)
    age(server, sid, "last_seen_at", 16 * MINUTE_MS)
    assert_problem(s.get("/api/me"), 401, "auth.session_expired")
    # the session is over for good, and says why
    assert_problem(s.get("/api/me"), 401, "auth.required")
    row = server.query("SELECT ended_at, end_reason FROM sessions WHERE id = ?", (sid,))[0]
    assert row["ended_at"] is not None and row["end_reason"] == "idle timeout"


def test_activity_keeps_the_session_alive(fresh_server):
    server = fresh_server
    s = login(server, "gh.sato")
    sid = session_id(server, s)
    age(server, sid, "last_seen_at", 14 * MINUTE_MS)
    assert s.get("/api/me").status_code == 200
    # that request counted as activity: another 14 minutes later it still works
    age(server, sid, "last_seen_at", 14 * MINUTE_MS)
    assert s.get("/api/me").status_code == 200


def test_absolute_timeout_of_twelve_hours(fresh_server):
    server = fresh_server
    s = login(server, "gh.sato")
    sid = session_id(server, s)
    age(server, sid, "created_at", 13 * 60 * MINUTE_MS)  # last seen just now
    assert_problem(s.get("/api/patients"), 401, "auth.session_expired")
    row = server.query("SELECT end_reason FROM sessions WHERE id = ?", (sid,))[0]
    assert row["end_reason"] == "absolute timeout"


def test_expired_sessions_are_not_listed(fresh_server):
    server = fresh_server
    s = login(server, "gh.sato")
    old = login(server, "gh.sato")
    age(server, session_id(server, old), "last_seen_at", 16 * MINUTE_MS)
    assert [i["current"] for i in s.get("/api/me/sessions").json()["items"]] == [True]


def test_idle_timeout_option(start_server):
    server = start_server("--idle-timeout", "60")
    s = login(server, "gh.sato")
    sid = session_id(server, s)
    age(server, sid, "last_seen_at", 30 * 1000)
    assert s.get("/api/me").status_code == 200
    age(server, sid, "last_seen_at", 31 * 1000)  # 61 s without activity
    assert_problem(s.get("/api/me"), 401, "auth.session_expired")


def test_absolute_timeout_option(start_server):
    server = start_server("--absolute-timeout", "120")
    s = login(server, "gh.sato")
    sid = session_id(server, s)
    age(server, sid, "created_at", 100 * 1000)
    assert s.get("/api/me").status_code == 200
    age(server, sid, "created_at", 21 * 1000)
    assert_problem(s.get("/api/me"), 401, "auth.session_expired")
