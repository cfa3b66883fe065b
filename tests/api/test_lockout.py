# SPDX-License-Identifier: Apache-2.0
"""Lock-out after repeated failures, per account and per client address."""

import helpers
from helpers import DEMO_PASSWORD, assert_problem, login

ACCOUNT_FREE_FAILURES = 5
CLIENT_FREE_FAILURES = 20


def attempt(server, login_name, password):
    return server.anon().post("/api/auth/login", json={"login": login_name, "password": password})


def retry_after(r):
    value = int(r.headers["Retry-After"])
    assert value > 0
    return value


def test_account_lock_after_five_wrong_passwords(fresh_server):
    server = fresh_server
    for _ in range(ACCOUNT_FREE_FAILURES):
        assert_problem(attempt(server, "gh.sato", "wrong-password-1"), 401,
                       "auth.invalid_credentials")
    # locked: even the right password is refused, with a Retry-After
    r = attempt(server, "gh.sato", DEMO_PASSWORD)
    assert_problem(r, 429, "auth.locked")
    assert retry_after(r) <= 30
    assert "Set-Cookie" not in r.headers
    # other accounts from the same client are not affected
    login(server, "gh.renkei")

    # an administrator with file access ages the lock: the right password works again
    changed = server.execute("UPDATE users SET locked_until = ? WHERE login = 'gh.sato'",
                             (int(helpers.now() * 1000) - 1000,))
    assert changed == 1
    login(server, "gh.sato")
    row = server.query("SELECT failed_logins, locked_until FROM users WHERE login = 'gh.sato'")
    assert row == [{"failed_logins": 0, "locked_until": 0}]


def test_lock_grows_with_further_failures(fresh_server):
    server = fresh_server
    for _ in range(ACCOUNT_FREE_FAILURES):
        attempt(server, "gh.yamamoto", "wrong-password-1")
    first = retry_after(attempt(server, "gh.yamamoto", DEMO_PASSWORD))
    server.execute("UPDATE users SET locked_until = 1 WHERE login = 'gh.yamamoto'")
    assert_problem(attempt(server, "gh.yamamoto", "wrong-password-2"), 401,
                   "auth.invalid_credentials")
    second = retry_after(attempt(server, "gh.yamamoto", DEMO_PASSWORD))
    assert first <= 30 < second <= 60


def test_client_lock_after_twenty_failures_across_logins(fresh_server):
    server = fresh_server
    for i in range(CLIENT_FREE_FAILURES):
        assert_problem(attempt(server, f"nobody.{i}", "wrong-password-1"), 401,
                       "auth.invalid_credentials")
    # the client address is locked now, whatever account it tries
    r = attempt(server, "gh.sato", DEMO_PASSWORD)
    assert_problem(r, 429, "auth.locked")
    assert 0 < retry_after(r) <= 60
    assert_problem(attempt(server, "nobody.else", "wrong-password-1"), 429, "auth.locked")
    # no account was locked: the client lock alone refused gh.sato
    assert server.query("SELECT locked_until FROM users WHERE login = 'gh.sato'") == [
        {"locked_until": 0}]
    assert server.query("SELECT failures FROM client_failures WHERE client = '127.0.0.1'") == [
        {"failures": CLIENT_FREE_FAILURES}]

    server.execute("UPDATE client_failures SET locked_until = 1")
    admin = login(server, "jimukyoku")

    # the failures and the lock-out are in the audit trail (network admin view)
    records = helpers.fetch_all(admin, "/api/audit", {"action": "E"})
    failures = [a for a in records if a["event_id"] == "auth.login" and a["outcome"] != 0]
    assert len(failures) >= CLIENT_FREE_FAILURES + 2
    unknown = [a for a in failures if a["user_login"] == "nobody.3"]
    assert len(unknown) == 1
    assert unknown[0]["user_id"] is None and unknown[0]["client"] == "127.0.0.1"
    assert unknown[0]["outcome"] == 8
    assert "unknown login" in unknown[0]["detail"]
    lockouts = [a for a in records if a["event_id"] == "auth.lockout"]
    assert len(lockouts) == 1 and lockouts[0]["user_login"] == "nobody.19"
    refused = [a for a in failures if a["user_login"] == "gh.sato"]
    assert refused and refused[0]["detail"] == "locked out"
    assert refused[0]["user_id"] == helpers.user_id("gh.sato")


def test_account_lockout_is_audited(fresh_server):
    server = fresh_server
    for _ in range(ACCOUNT_FREE_FAILURES):
        attempt(server, "ph.ito", "wrong-password-1")
    rows = helpers.audit_rows(server, "event_id IN ('auth.login', 'auth.lockout') "
                                      "AND user_login = 'ph.ito'")
    assert [r["event_id"] for r in rows] == ["auth.login"] * 5 + ["auth.lockout"]
    assert all(r["user_id"] == helpers.user_id("ph.ito") for r in rows)
    assert all(r["outcome"] == 8 and r["action"] == "E" for r in rows)
    assert rows[0]["detail"] == "wrong password"


def test_wrong_current_password_counts_towards_lockout(fresh_server):
    server = fresh_server
    sato = login(server, "gh.sato")
    body = {"current_password": "not-my-password-1", "new_password": "a-new-long-password-9"}
    for _ in range(ACCOUNT_FREE_FAILURES):
        assert_problem(sato.post("/api/auth/password", json=body), 403, "auth.wrong_password")
    # the account is locked now: also for the right current password, and for logging in
    body["current_password"] = DEMO_PASSWORD
    r = sato.post("/api/auth/password", json=body)
    assert_problem(r, 429, "auth.locked")
    assert retry_after(r) <= 30
    assert_problem(attempt(server, "gh.sato", DEMO_PASSWORD), 429, "auth.locked")
    events = server.query("SELECT event_id, outcome FROM audit WHERE user_login = 'gh.sato' "
                          "AND event_id IN ('auth.password_change', 'auth.lockout')")
    assert sum(1 for e in events if e["event_id"] == "auth.password_change"
               and e["outcome"] == 8) == ACCOUNT_FREE_FAILURES
    assert any(e["event_id"] == "auth.lockout" for e in events)


def answers(server, login_name, n):
    """Status, code and Retry-After of n wrong attempts at login_name, then one more."""
    out = []
    for _ in range(n + 1):
        r = attempt(server, login_name, "wrong-password-1")
        body = r.json()
        out.append((r.status_code, body["code"], "Retry-After" in r.headers))
    return out


def test_an_unknown_login_is_locked_out_like_a_real_one(fresh_server):
    """Lock-out does not tell which logins exist (issue 11)."""
    server = fresh_server
    real = answers(server, "gh.yamamoto", ACCOUNT_FREE_FAILURES)
    made_up = answers(server, "no.such.nurse", ACCOUNT_FREE_FAILURES)
    assert made_up == real
    assert real[-1] == (429, "auth.locked", True)
    # the lock grows the same way, and a login that was never tried is not affected
    server.execute("UPDATE users SET locked_until = 1 WHERE login = 'gh.yamamoto'")
    server.execute("UPDATE login_failures SET locked_until = 1 WHERE login = 'no.such.nurse'")
    # (a failure once the lock has passed: answered, then locked for longer)
    assert [attempt(server, name, "wrong-password-2").status_code
            for name in ("gh.yamamoto", "no.such.nurse")] == [401, 401]
    again = [attempt(server, name, "wrong-password-3") for name in ("gh.yamamoto", "no.such.nurse")]
    assert [r.status_code for r in again] == [429, 429]
    assert abs(retry_after(again[0]) - retry_after(again[1])) <= 1
    assert attempt(server, "another.stranger", "wrong-password-1").status_code == 401
