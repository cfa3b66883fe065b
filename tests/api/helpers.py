# SPDX-License-Identifier: Apache-2.0
"""Helpers of the API test suite: a real tsunagu server on a free port with a fresh data
directory, logged-in sessions, TOTP codes, the demo region's ids, store snapshots and the
problem+json checks. Standard library and requests only."""
import atexit
import base64
import datetime
import hashlib
import hmac
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import struct
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[2]
BIN = os.environ.get("TSUNAGU_BIN") or str(REPO / "build" / "tsunagu")
STATIC_DIR = REPO / "web" / "dist"
# The route tables in the router's order: the server's own (src/http/routes.def), then each
# module's in the order of the modules list of src/meson.build.
_MODULES = re.findall(r"'(\w+)'", re.search(r"modules = \[(.*?)\]",
                                            (REPO / "src" / "meson.build").read_text(),
                                            re.S).group(1))
ROUTES_DEFS = [REPO / "src" / "http" / "routes.def"] + [
    REPO / "src" / m / "routes.def" for m in _MODULES if (REPO / "src" / m / "routes.def").exists()]

DEMO_PASSWORD = "minami-demo-2026"
HTTP_TIMEOUT = 30  # seconds for one request (sanitizer builds are slow)
START_TIMEOUT = 60  # seconds until /api/health answers
STOP_TIMEOUT = 60  # seconds for a graceful shutdown
SESSION_REUSE_IDLE = 300  # Server.session() logs in again after this long unused (idle: 900 s)

# Days every server and command of the suite runs ahead of the real clock (conftest
# --clock-shift-days); the tests' own "now" (now(), tokyo_today(), totp_code()) follows it.
CLOCK_SHIFT_DAYS = 0

# Every access-log line of every server the suite has stopped: (method, route pattern, status).
ROUTE_HITS = []
# Servers still running (the route-coverage test also reads their logs).
LIVE_SERVERS = set()


# ---- the clock --------------------------------------------------------------------------------

def set_clock_shift_days(days):
    global CLOCK_SHIFT_DAYS
    CLOCK_SHIFT_DAYS = int(days)


def now():
    """The suite's "now" in seconds since the epoch: the real clock plus the shift the servers
    run with, so that a test's "today" is the server's."""
    return time.time() + CLOCK_SHIFT_DAYS * 86400


def now_utc():
    return datetime.datetime.fromtimestamp(now(), datetime.timezone.utc)


# ---- processes ------------------------------------------------------------------------------

def tool_env(clock_shift_days=None):
    """The environment for the binary: sanitizers stop at the first error and report leaks; the
    clock runs clock_shift_days ahead (default: the suite's shift)."""
    env = dict(os.environ)
    env.setdefault("ASAN_OPTIONS", "halt_on_error=1:abort_on_error=1:detect_leaks=1")
    env.setdefault("UBSAN_OPTIONS", "halt_on_error=1:print_stacktrace=1")
    for name in [k for k in env if k.startswith("TSUNAGU_") and k != "TSUNAGU_BIN"]:
        del env[name]  # only the command line configures the binary under test
    shift = CLOCK_SHIFT_DAYS if clock_shift_days is None else clock_shift_days
    if shift:
        env["TSUNAGU_TEST_CLOCK_SHIFT_DAYS"] = str(shift)
    return env


def run_cli(*args, stdin=None, timeout=120, clock_shift_days=None):
    """Runs `tsunagu ARGS` to completion; returns the CompletedProcess (text output)."""
    return subprocess.run([BIN, *map(str, args)], input=stdin, capture_output=True, text=True,
                          env=tool_env(clock_shift_days), timeout=timeout)


_templates = {}
atexit.register(lambda: [shutil.rmtree(d, ignore_errors=True) for d in _templates.values()])


def init_data_dir(demo=True):
    """A fresh data directory, initialised (with the demo region by default). `tsunagu init`
    runs once per kind and test process; each caller gets its own copy of the result."""
    if demo not in _templates:
        template = tempfile.mkdtemp(prefix="tsunagu-template-")
        args = ["init", "--data-dir", template] + (["--demo"] if demo else [])
        r = run_cli(*args)
        assert r.returncode == 0, f"init failed ({r.returncode}):\n{r.stdout}\n{r.stderr}"
        _templates[demo] = template
    data_dir = tempfile.mkdtemp(prefix="tsunagu-api-")
    shutil.copytree(_templates[demo], data_dir, dirs_exist_ok=True)
    return data_dir


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(condition, timeout, what, interval=0.02):
    """Polls condition() until it returns a true value (returned) or the deadline passes."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


class PortTaken(Exception):
    pass


class Server:
    """A running `tsunagu serve`: base_url, data_dir, proc; stop() ends it with SIGTERM."""

    def __init__(self, data_dir, extra_args=(), host="127.0.0.1", scheme="http", verify=True,
                 own_data_dir=True, clock_shift_days=None, wrapper=(), serve_dir=None):
        """wrapper: a command the server runs under (e.g. a mount namespace); serve_dir: the
        --data-dir the server is given when it differs from data_dir (its view of it)."""
        self.data_dir = data_dir
        self.own_data_dir = own_data_dir
        self.scheme = scheme
        self.verify = verify
        self.host = host
        self.log_dir = tempfile.mkdtemp(prefix="tsunagu-log-")
        # access-log records of 5xx answers the test provoked on purpose (finish() checks)
        self.expected_5xx = lambda record: False
        self.stdout_path = os.path.join(self.log_dir, "stdout")
        self.stderr_path = os.path.join(self.log_dir, "stderr")
        self.returncode = None
        self._sessions = {}
        for attempt in range(5):
            self.port = free_port()
            self.base_url = f"{scheme}://127.0.0.1:{self.port}"
            self.args = [*wrapper, BIN, "serve", "--listen", f"{host}:{self.port}", "--data-dir",
                         serve_dir or data_dir, "--static-dir", str(STATIC_DIR),
                         *map(str, extra_args)]
            with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
                self.proc = subprocess.Popen(self.args, stdin=subprocess.DEVNULL, stdout=out,
                                             stderr=err, env=tool_env(clock_shift_days))
            LIVE_SERVERS.add(self)
            try:
                wait_until(self._healthy, START_TIMEOUT, f"{self.base_url}/api/health")
                return
            except PortTaken:
                self.proc.wait()  # someone took the free port meanwhile: another one
            except BaseException:
                self.stop()
                raise
        raise AssertionError("no free port to listen on")

    def _healthy(self):
        if self.proc.poll() is not None:
            if '"serve.listen"' in self.stderr():
                raise PortTaken()
            raise AssertionError(f"server exited with {self.proc.returncode}:\n{self.stderr()}")
        try:
            r = ApiSession(self).get("/api/health", timeout=2)
            return r.status_code == 200 and r.json() == {"status": "ok"}
        except (requests.RequestException, ValueError):
            return False  # not listening yet (or someone else is)

    def url(self, path):
        return self.base_url + path

    def stderr(self):
        with open(self.stderr_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def stdout(self):
        with open(self.stdout_path, "rb") as f:
            return f.read().decode("utf-8", "replace")

    def log_records(self):
        """The JSON lines of stderr (the access log and the server's own events)."""
        records = []
        for line in self.stderr().splitlines():
            try:
                records.append(json.loads(line))
            except ValueError:
                continue  # e.g. a sanitizer report
        return records

    def stop(self):
        """SIGTERM, wait, record the access log; returns the exit code (idempotent)."""
        if self.returncode is None:
            if self.proc.poll() is None:
                self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.returncode = self.proc.returncode
            ROUTE_HITS.extend(access_hits(self.log_records()))
            LIVE_SERVERS.discard(self)
        return self.returncode

    def cleanup(self):
        shutil.rmtree(self.log_dir, ignore_errors=True)
        if self.own_data_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    # -- HTTP --

    def anon(self):
        """A client without a session."""
        return ApiSession(self)

    def session(self, login_name, password=DEMO_PASSWORD):
        """A logged-in session for login_name, reused within this server's lifetime. Tests that
        end or change their session must call login() instead. A session left unused for
        SESSION_REUSE_IDLE seconds is replaced by a new login: in a long module (shuffled, under
        the sanitizers) the server's idle time-out would otherwise end it between two tests."""
        s = self._sessions.get(login_name)
        if s is not None and time.monotonic() - s.last_used > SESSION_REUSE_IDLE:
            s = None
        if s is None:
            s = login(self, login_name, password)
            self._sessions[login_name] = s
        return s

    def advance_clock(self, ms):
        """Moves the server's clock ms ahead (POST /api/test/clock, test builds only), after
        which whatever fell due has happened. Sessions idle past the server's time-out end then:
        the reused ones are dropped, so take sessions again (session()) after calling this."""
        r = self.session("jimukyoku").post("/api/test/clock", json={"advance_ms": ms})
        assert r.status_code == 200, r.text
        self._sessions.clear()
        return r.json()["now"]

    # -- store --

    @property
    def db_path(self):
        return os.path.join(self.data_dir, "tsunagu.db")

    def db(self):
        """A read-only connection to the store (WAL: fine while the server runs)."""
        conn = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True, timeout=30)
        conn.row_factory = sqlite3.Row
        return conn

    def query(self, sql, params=()):
        if AUDIT_TABLE.search(sql):
            self.wait_audit_indexed()
        conn = self.db()
        try:
            return [dict(row) for row in conn.execute(sql, params)]
        finally:
            conn.close()

    def wait_audit_indexed(self, timeout=20):
        """The table audit is the index of the audit log (data-dir/audit.log), filled by the
        server in the background within a tenth of a second: waits until it holds every record
        the log holds now (the index notes how far it has read the log)."""
        log = os.path.join(self.data_dir, "audit.log")
        end = os.path.getsize(log) if os.path.exists(log) else 0
        deadline = time.monotonic() + timeout
        while True:
            conn = self.db()
            try:
                row = conn.execute("SELECT log_offset FROM audit_index_state").fetchone()
            finally:
                conn.close()
            if end == 0 or (row and row[0] >= end):
                return
            assert time.monotonic() < deadline, f"the audit index stays behind the log ({row})"
            time.sleep(0.01)  # polls the index's own progress, with a deadline

    def execute(self, sql, params=()):
        """A write by someone with access to the file (ages sessions, tampers); returns the
        number of changed rows."""
        conn = sqlite3.connect(self.db_path, timeout=30)
        try:
            with conn:
                return conn.execute(sql, params).rowcount
        finally:
            conn.close()


def finish(server):
    """Stops the server and checks it ended well: exit code 0 (under the sanitizer build a leak
    or undefined behaviour makes that fail), no sanitizer report, no 5xx answer logged."""
    code = server.stop()
    try:
        log = server.stderr()
        for marker in ("AddressSanitizer", "LeakSanitizer", "runtime error:"):
            assert marker not in log, f"sanitizer report in the server log:\n{log[-8000:]}"
        assert code == 0, f"server exited with {code}:\n{log[-8000:]}"
        failed = [r for r in server.log_records()
                  if r.get("event") == "http.access" and r.get("status", 0) >= 500 and
                  not server.expected_5xx(r)]
        assert not failed, f"5xx answers: {failed}"
    finally:
        server.cleanup()


def access_hits(records):
    return [(r["method"], r["route"], r["status"]) for r in records
            if r.get("event") == "http.access" and "route" in r]


def parse_routes():
    """(method, pattern, handler, permission, patient locator) of every line of the routes.def
    files."""
    routes = []
    for path in ROUTES_DEFS:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.startswith("ROUTE("):
                continue
            head = line[len("ROUTE("):].split(",")
            routes.append(tuple(part.strip().strip('"') for part in head[:5]))
    assert len(routes) > 100, "the route tables were not found"
    return routes


# ---- sessions -------------------------------------------------------------------------------

class ApiSession(requests.Session):
    """requests.Session whose URLs may be paths of the server ("/api/me")."""

    def __init__(self, server):
        super().__init__()
        self.server = server
        self.trust_env = False  # no proxies or CA bundles from the environment
        self.verify = server.verify
        self.login_body = None
        self.last_used = time.monotonic()

    def request(self, method, url, *args, **kwargs):
        self.last_used = time.monotonic()
        if url.startswith("/"):
            url = self.server.url(url)
        kwargs.setdefault("timeout", HTTP_TIMEOUT)
        return super().request(method, url, *args, **kwargs)

    @property
    def cookie(self):
        return self.cookies.get("tsunagu_session")


def login(server, login_name, password=DEMO_PASSWORD, expect_state="active", headers=None):
    """Logs in and returns an ApiSession carrying the cookie and the X-CSRF-Token header."""
    s = ApiSession(server)
    r = s.post("/api/auth/login", json={"login": login_name, "password": password},
               headers=headers)
    assert r.status_code == 200, f"login {login_name}: {r.status_code} {r.text}"
    body = r.json()
    if expect_state is not None:
        assert body["state"] == expect_state, body
    s.headers["X-CSRF-Token"] = body["csrf_token"]
    s.login_body = body
    return s


def bearer(server, token):
    """A client authenticating with an API token (no cookie, no CSRF header)."""
    s = ApiSession(server)
    s.headers["Authorization"] = f"Bearer {token}"
    return s


# ---- TOTP (RFC 6238 / RFC 4226) -------------------------------------------------------------

def totp_code(secret_b32, at=None, step_offset=0, digits=6, period=30):
    """The TOTP code (SHA-1, 30 s, 6 digits) of the time step of `at` (default now) plus
    step_offset."""
    key = base64.b32decode(secret_b32.upper() + "=" * (-len(secret_b32) % 8))
    step = int((now() if at is None else at) // period) + step_offset
    mac = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10 ** digits).zfill(digits)


def wrong_totp_code(secret_b32):
    """A well-formed code that matches none of the steps the server accepts now."""
    valid = {totp_code(secret_b32, step_offset=k) for k in range(-2, 3)}
    for candidate in ("000000", "111111", "123456", "999999"):
        if candidate not in valid:
            return candidate
    raise AssertionError("unreachable")


# ---- the demo region ------------------------------------------------------------------------

def demo_id(kind, key):
    """The deterministic UUID (version 8) the demo loader gives to kind/key (src/demo/demo.c)."""
    h = bytearray(hashlib.sha256(f"tsunagu-demo/{kind}/{key}".encode()).digest()[:16])
    h[6] = (h[6] & 0x0F) | 0x80
    h[8] = (h[8] & 0x3F) | 0x80
    return str(uuid.UUID(bytes=bytes(h)))


def org_id(code):
    return demo_id("org", code)


def user_id(login_name):
    return demo_id("user", login_name)


def patient_id(i):
    return demo_id("patient", str(i))


YAMADA_HANAKO = patient_id(0)  # 山田 花子, GH-000001; team and consent minami-gh, aoba-homecare


JST = datetime.timezone(datetime.timedelta(hours=9))


def tokyo_now():
    return now_utc().astimezone(JST)


def tokyo_today():
    return tokyo_now().date()


def visible_patient_ids(server, org):
    """The patients users of org may see, computed from the tables: on the care team (not
    removed) and listed by a consent in force (not withdrawn, dated today or earlier)."""
    rows = server.query(
        "SELECT p.id FROM patients p WHERE "
        "EXISTS (SELECT 1 FROM care_team t WHERE t.patient_id = p.id AND t.org_id = ? "
        "        AND t.removed_at IS NULL) AND "
        "EXISTS (SELECT 1 FROM consent_orgs co JOIN consents c ON c.id = co.consent_id "
        "        WHERE co.patient_id = p.id AND co.org_id = ? AND c.withdrawn_at IS NULL "
        "        AND c.consented_on <= ?)",
        (org, org, tokyo_today().isoformat()))
    return {r["id"] for r in rows}


def registered_patient_ids(server, org):
    """The patients org registered under a local id of its own: it sees their demographics and
    consents even without team and consent (issue 13, item 6)."""
    rows = server.query("SELECT DISTINCT patient_id AS id FROM patient_local_ids WHERE org_id = ?",
                        (org,))
    return {r["id"] for r in rows}


def listed_patient_ids(server, org):
    """The patients a search by users of org lists: the visible ones and the registered ones."""
    return visible_patient_ids(server, org) | registered_patient_ids(server, org)


def new_patient_body(local_id, **overrides):
    body = {
        "name": "試験 太郎", "name_kana": "シケン タロウ", "sex": "male",
        "birth_date": "1950-01-02", "address": "みなみ市テスト町1-1", "phone": "099-555-9999",
        "local_id": local_id,
        "consent": {"method": "written", "consented_on": tokyo_today().isoformat(),
                    "scope": "all"},
        # the tests register 試験 太郎 many times: each time as a new person, as a test may
        # (test_patient_match.py checks that a registration without it is refused)
        "new_patient_reason": "同姓同名・同じ生年月日の別人(試験)",
    }
    body.update(overrides)
    body = {k: v for k, v in body.items() if v is not None}
    return body


def fetch_all(session, path, params=None, limit=100):
    """Follows next_cursor through a list; returns every item."""
    items, cursor = [], None
    for _ in range(10000):
        query = dict(params or {}, limit=limit)
        if cursor is not None:
            query["cursor"] = cursor
        r = session.get(path, params=query)
        assert r.status_code == 200, r.text
        body = r.json()
        items.extend(body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            return items
    raise AssertionError("the list never ended")


# ---- checks ---------------------------------------------------------------------------------

PROBLEM_KEYS = ("type", "title", "status", "code", "request_id")


def assert_problem(r, status, code=None):
    """r is an RFC 9457 problem with this status (and code); returns the parsed body."""
    assert r.status_code == status, f"expected {status}, got {r.status_code}: {r.text[:500]}"
    assert r.headers.get("Content-Type", "").startswith("application/problem+json"), r.headers
    body = r.json()
    for key in PROBLEM_KEYS:
        assert key in body, f"{key} missing in {body}"
    assert body["status"] == status
    assert body["type"] == f"urn:tsunagu:problem:{body['code']}"
    assert body["request_id"] == r.headers.get("X-Request-Id")
    if code is not None:
        assert body["code"] == code, body
    return body


def without_request_id(problem):
    return {k: v for k, v in problem.items() if k != "request_id"}


# what any request may change by being made: its record, sessions and counters of failed logins
SNAPSHOT_SKIP = {"audit", "audit_index_state", "sessions", "client_failures", "login_failures"}


SNAPSHOT_SUMMARY = {
    "fhir_resources": "SELECT count(*), sum(version), max(last_updated), sum(deleted), "
                      "max(rid) FROM fhir_resources",
    "fhir_versions": "SELECT count(*), max(last_updated), sum(length(json)) FROM fhir_versions",
    **{t: f"SELECT count(*), max(rid) FROM {t}" for t in (
        "fhir_idx_token", "fhir_idx_string", "fhir_idx_date", "fhir_idx_ref",
        "fhir_idx_quantity", "fhir_idx_uri")},
    # a token's last use is refreshed (at most once a minute) by any request made with it
    "api_tokens": "SELECT group_concat(id || token_hash || name || org_id || user_id || "
                  "created_at || coalesce(revoked_at, '-'), ',') FROM (SELECT * FROM api_tokens "
                  "ORDER BY id)",
}


def store_snapshot(server):
    """A digest of the schema and of every row of every table except audit, sessions and the
    failed-login counters (and a token's last use): equal snapshots mean a request changed
    nothing."""
    conn = server.db()
    try:
        digest = hashlib.sha256()
        schema = conn.execute(
            "SELECT type, name, sql FROM sqlite_master ORDER BY type, name").fetchall()
        for row in schema:
            digest.update(repr(tuple(row)).encode())
        tables = [row["name"] for row in schema
                  if row["type"] == "table" and not row["name"].startswith("sqlite_")]
        for table in tables:
            if table in SNAPSHOT_SKIP:
                continue
            if table in SNAPSHOT_SUMMARY:
                # Every FHIR write adds a version and moves last_updated; the index tables
                # follow the versions. A summary sees any write, at a fraction of the cost.
                digest.update(repr(tuple(conn.execute(SNAPSHOT_SUMMARY[table]).fetchone())).encode())
                continue
            rows = sorted(repr(tuple(r)) for r in conn.execute(f'SELECT * FROM "{table}"'))
            digest.update(f"{table}:{len(rows)}".encode())
            for row in rows:
                digest.update(row.encode())
        return digest.hexdigest()
    finally:
        conn.close()


def table_names(server):
    return {r["name"] for r in server.query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")}


AUDIT_TABLE = re.compile(r"\baudit\b", re.I)  # the table, not audit_index_state


def audit_rows(server, where="1", params=()):
    return server.query(f"SELECT * FROM audit WHERE {where} ORDER BY seq", params)
