# SPDX-License-Identifier: Apache-2.0
"""The command line: usage errors exit 2 with a message on stderr; administrative commands
work against the data directory of a running server."""
import datetime
import re
import shutil
import sqlite3
import subprocess
import time

import pytest

import helpers
from helpers import assert_problem, login, run_cli


@pytest.mark.parametrize("args,message", [
    ([], "usage: tsunagu <command>"),
    (["frobnicate"], "unknown command 'frobnicate'"),
    (["init", "--bogus"], "unknown option '--bogus'"),
    (["init", "stray"], "unexpected argument 'stray'"),
    (["init", "--demo=yes"], "--demo takes no value"),
    (["serve", "--listen"], "--listen needs a value"),
    (["serve", "--workers", "0"], "--workers must be a number"),
    (["serve", "--max-connections", "8"], "--max-connections must be a number from 16"),
    (["user"], "usage: tsunagu user add|passwd|disable"),
    (["user", "add"], "--login is required"),
    (["user", "add", "--login", "x.y"], "--name and a valid --profession are required"),
    (["user", "add", "--login", "x.y", "--name", "N", "--profession", "surgeon"],
     "--name and a valid --profession are required"),
    (["user", "add", "--login", "x.y", "--name", "N", "--profession", "nurse",
      "--role", "boss"], "--role is member or org_admin"),
    (["user", "passwd"], "--login is required"),
    (["org"], "usage: tsunagu org add"),
    (["org", "add", "--code", "x"], "--code, --name and --type are required"),
    (["token"], "usage: tsunagu token create"),
    (["token", "create", "--org", "minami-gh"], "missing --org or --user"),
    (["token", "revoke"], "missing --id"),
    (["audit"], "usage: tsunagu audit verify"),
    (["audit", "verify", "--fast"], "unknown option '--fast'"),
    (["openapi", "--yaml"], "usage: tsunagu openapi"),
])
def test_bad_usage_exits_2_with_a_message(args, message):
    r = run_cli(*args, stdin="")
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    assert message in r.stderr
    assert r.stdout == ""


def test_user_add_needs_a_password_on_stdin(tmp_path):
    r = run_cli("user", "add", "--login", "x.y", "--name", "N", "--profession", "nurse",
                "--data-dir", tmp_path, stdin="")
    assert r.returncode == 2 and "password on standard input" in r.stderr


def test_version_and_help():
    r = run_cli("--version")
    assert r.returncode == 0 and re.fullmatch(r"tsunagu \d+\.\d+\.\d+\n", r.stdout)
    r = run_cli("--help")
    assert r.returncode == 0 and "serve" in r.stdout and "audit verify" in r.stdout
    r = run_cli("serve", "--help")
    assert r.returncode == 0 and r.stdout.startswith("usage: tsunagu serve")
    for option in ("--listen", "--data-dir", "--static-dir", "--tls-cert", "--tls-key",
                   "--behind-tls-proxy", "--idle-timeout", "--absolute-timeout",
                   "--body-limit"):
        assert option in r.stdout
    r = run_cli("init", "--help")
    assert r.returncode == 0 and "--demo" in r.stdout


def test_commands_need_an_existing_data_directory(tmp_path):
    missing = tmp_path / "nothing"
    for args in (["audit", "verify"], ["token", "list"]):
        r = run_cli(*args, "--data-dir", missing)
        assert r.returncode == 1 and "no data directory" in r.stderr
    r = run_cli("serve", "--listen", "127.0.0.1:0", "--data-dir", missing)
    assert r.returncode == 1 and "no data directory" in r.stderr and "tsunagu init" in r.stderr
    assert not missing.exists()  # serve never creates an empty store by accident


def test_init_twice_with_demo_fails(tmp_path):
    data_dir = tmp_path / "data"
    r = run_cli("init", "--demo", "--data-dir", data_dir)
    assert r.returncode == 0 and "gh.sato" in r.stdout
    r = run_cli("init", "--demo", "--data-dir", data_dir)
    assert r.returncode == 1 and "already has organisations" in r.stderr
    assert run_cli("audit", "verify", "--data-dir", data_dir).returncode == 0


def test_init_without_demo_is_empty(tmp_path):
    data_dir = tmp_path / "empty"
    assert run_cli("init", "--data-dir", data_dir).returncode == 0
    r = run_cli("token", "list", "--data-dir", data_dir)
    assert r.returncode == 0 and len(r.stdout.splitlines()) == 1  # only the heading


def test_org_add_then_user_with_forced_password_change(server):
    r = run_cli("org", "add", "--code", "kita-clinic", "--name", "きた診療所", "--name-kana",
                "キタシンリョウジョ", "--type", "clinic", "--address", "みなみ市北町1",
                "--data-dir", server.data_dir)
    assert r.returncode == 0, r.stderr
    org_id = r.stdout.strip()
    org = server.session("gh.sato").get(f"/api/orgs/{org_id}").json()
    assert org["code"] == "kita-clinic" and org["name"] == "きた診療所"
    assert org["type"] == "clinic" and org["address"] == "みなみ市北町1"

    r = run_cli("org", "add", "--code", "kita-clinic", "--name", "x", "--type", "clinic",
                "--data-dir", server.data_dir)
    assert r.returncode == 1 and "already in use" in r.stderr
    r = run_cli("org", "add", "--code", "y", "--name", "x", "--type", "castle",
                "--data-dir", server.data_dir)
    assert r.returncode == 2 and "unknown --type castle" in r.stderr

    r = run_cli("user", "add", "--login", "kita.admin", "--name", "北 一郎",
                "--profession", "physician", "--org", "kita-clinic", "--role", "org_admin",
                "--data-dir", server.data_dir, stdin="kita-no-shoki-pw1\n")
    assert r.returncode == 0, r.stderr
    s = login(server, "kita.admin", "kita-no-shoki-pw1", expect_state="password_change_required")
    assert s.login_body["me"]["org_id"] == org_id
    assert s.login_body["me"]["memberships"][0]["role"] == "org_admin"
    assert_problem(s.get("/api/users"), 403, "auth.password_change_required")
    r = s.post("/api/auth/password", json={"current_password": "kita-no-shoki-pw1",
                                           "new_password": "kita-no-atarashii-pw"})
    assert r.status_code == 200 and r.json()["state"] == "active"
    users = s.get("/api/users").json()["items"]
    assert [u["login"] for u in users] == ["kita.admin"]
    # the CLI's changes are audited, attributed to the local operator
    rows = helpers.audit_rows(server, "user_login = 'cli' AND event_id IN ('cli.org_add', "
                                      "'cli.user')")
    assert {r["event_id"] for r in rows} == {"cli.org_add", "cli.user"}
    assert all(r["client"] == "local" for r in rows)


def test_user_add_refusals(server):
    def add(login_name, password, org="minami-gh"):
        return run_cli("user", "add", "--login", login_name, "--name", "N", "--profession",
                       "nurse", "--org", org, "--data-dir", server.data_dir,
                       stdin=password + "\n")

    r = add("gh.sato", "another-long-pass-1")
    assert r.returncode == 1 and "already in use" in r.stderr
    r = add("weak.user", "password1234")
    assert r.returncode == 1 and "12" in r.stderr
    r = add("lost.user", "another-long-pass-1", org="no-such-org")
    assert r.returncode == 1
    assert server.query("SELECT login FROM users WHERE login IN ('weak.user', 'lost.user')") == []


def test_user_passwd_and_disable(server):
    r = run_cli("user", "add", "--login", "cli.target", "--name", "N", "--profession", "nurse",
                "--org", "minami-gh", "--data-dir", server.data_dir,
                stdin="first-initial-pw-1\n")
    assert r.returncode == 0
    s = login(server, "cli.target", "first-initial-pw-1", expect_state="password_change_required")
    s.post("/api/auth/password", json={"current_password": "first-initial-pw-1",
                                       "new_password": "chosen-by-user-pw-1"})
    assert s.get("/api/patients").status_code == 200

    # an operator resets the password: the old one is gone, the user must change the new one,
    # and sessions opened with the old password end
    r = run_cli("user", "passwd", "--login", "cli.target", "--data-dir", server.data_dir,
                stdin="operator-set-pw-22\n")
    assert r.returncode == 0, r.stderr
    assert_problem(s.get("/api/me"), 401, "auth.required")
    r = server.anon().post("/api/auth/login", json={"login": "cli.target",
                                                    "password": "chosen-by-user-pw-1"})
    assert_problem(r, 401, "auth.invalid_credentials")
    s = login(server, "cli.target", "operator-set-pw-22", expect_state="password_change_required")
    r = run_cli("user", "passwd", "--login", "nobody.at.all", "--data-dir", server.data_dir,
                stdin="operator-set-pw-22\n")
    assert r.returncode == 1

    r = run_cli("user", "disable", "--login", "cli.target", "--data-dir", server.data_dir)
    assert r.returncode == 0, r.stderr
    assert_problem(s.get("/api/me"), 401, "auth.required")
    r = server.anon().post("/api/auth/login", json={"login": "cli.target",
                                                    "password": "operator-set-pw-22"})
    assert_problem(r, 401, "auth.invalid_credentials")


def test_openapi_command_needs_no_data_directory():
    r = run_cli("openapi")
    assert r.returncode == 0 and "\nopenapi: 3." in r.stdout


def test_no_stray_files_in_the_working_directory(tmp_path):
    # commands that fail early must not create ./data or anything else
    r = subprocess_in(tmp_path, "audit", "verify")
    assert r.returncode == 1
    assert list(tmp_path.iterdir()) == []


def subprocess_in(cwd, *args):
    return subprocess.run([helpers.BIN, *args], cwd=cwd, capture_output=True, text=True,
                          env=helpers.tool_env(), timeout=60)


def test_data_directory_from_the_environment(tmp_path):
    env = helpers.tool_env()
    env["TSUNAGU_DATA_DIR"] = str(tmp_path / "from-env")
    r = subprocess.run([helpers.BIN, "init"], capture_output=True, text=True, env=env,
                       timeout=60)
    assert r.returncode == 0 and (tmp_path / "from-env" / "tsunagu.db").exists()
    shutil.rmtree(tmp_path / "from-env")


# ---- the test clock (a test build only: meson -Dtest_clock=true) -----------------------------

SHIFT_DAYS = 400


def seconds_ahead(ms):
    """How far ms (epoch milliseconds) is ahead of the real clock, in days."""
    return (ms / 1000 - time.time()) / 86400


def test_the_test_clock_moves_sqls_now_and_the_programs(start_server, tmp_path):
    # SQL's 'now': init stamps each migration with strftime('%s','now')
    r = run_cli("init", "--data-dir", tmp_path / "d", clock_shift_days=SHIFT_DAYS)
    assert r.returncode == 0, r.stderr
    assert "the clock runs 400 days ahead" in r.stderr
    conn = sqlite3.connect(tmp_path / "d" / "tsunagu.db")
    applied = [row[0] for row in conn.execute("SELECT applied_at FROM schema_migrations")]
    conn.close()
    assert applied and all(abs(seconds_ahead(ms) - SHIFT_DAYS) < 0.1 for ms in applied)
    # the program's own clock: the time of the audit record of a login, and the health answer
    server = start_server(clock_shift_days=SHIFT_DAYS)
    login(server, "gh.sato")
    row = server.query("SELECT time FROM audit WHERE user_login = 'gh.sato' ORDER BY seq DESC "
                       "LIMIT 1")[0]
    stamped = datetime.datetime.fromisoformat(row["time"].replace("Z", "+00:00"))
    assert abs(seconds_ahead(stamped.timestamp() * 1000) - SHIFT_DAYS) < 0.1


@pytest.mark.parametrize("value", ["soon", "1.5", "36501", "-36501", "30d"])
def test_the_test_clock_refuses_what_is_not_a_number_of_days(value, tmp_path):
    env = helpers.tool_env()
    env["TSUNAGU_TEST_CLOCK_SHIFT_DAYS"] = value
    r = subprocess.run([helpers.BIN, "init", "--data-dir", str(tmp_path / "d")],
                       capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 2
    assert "TSUNAGU_TEST_CLOCK_SHIFT_DAYS must be a whole number of days" in r.stderr
    assert not (tmp_path / "d").exists()
