#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""The alerts and event-stream benchmark (issue 17, "Speed"), driven by bench/alerts.sh.

1. Alert fan-out: SUBSCRIBERS event streams of あおば在宅クリニック (aoba.tanaka's API token,
   ?topics=vitals.alert) are opened with bench/sse_load.py. In each of ROUNDS rounds the nurse
   vns.suzuki posts a new visit record with SpO2 86 % for a home-care patient of both
   organisations. Each record raises an alert of its own (one per vital and record, judged when
   the record is created: src/homecare/alerts.c). For every subscriber the script times the delay
   from the start of the POST to the arrival of its `vitals.alert` event.
2. Idle streams: a fresh server; bench/sse_idle.py opens IDLE_STREAMS event streams and reads
   the server's VmRSS once all have their first bytes. It times an ordinary audited read
   (GET /api/patients/{id}) meanwhile, and checks that every stream gets its heartbeat.
Prints a markdown report on stdout; exit status 1 when a target is missed or a run is invalid.
"""
import datetime
import json
import os
import pathlib
import platform
import shlex
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request

import bench_server

REPO = pathlib.Path(__file__).resolve().parent.parent
SUBSCRIBERS = int(os.environ.get("BENCH_SUBSCRIBERS", 1000))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", 30))
IDLE_STREAMS = int(os.environ.get("BENCH_IDLE_STREAMS", 10000))
FANOUT_P99_MS, IDLE_RSS_MB = 100.0, 300.0  # the targets
TOKYO = datetime.timezone(datetime.timedelta(hours=9))


def log(msg):
    print(f"alerts_bench: {msg}", file=sys.stderr, flush=True)


def call(base, method, path, body=None, headers=None):
    req = urllib.request.Request(base + path, method=method, headers={
        "Content-Type": "application/json", **(headers or {})},
        data=None if body is None else json.dumps(body).encode())
    with urllib.request.urlopen(req, timeout=60) as r:
        return r.status, json.loads(r.read() or b"null"), r.headers


def token_for(base, admin, login):
    """An API token of `login`, created by the organisation administrator `admin`."""
    _, me, headers = call(base, "POST", "/api/auth/login",
                          {"login": admin, "password": "minami-demo-2026"})
    auth = {"Cookie": headers["Set-Cookie"].split(";", 1)[0], "X-CSRF-Token": me["csrf_token"]}
    _, users, _ = call(base, "GET", "/api/users", headers=auth)
    user = next(u for u in users["items"] if u["login"] == login)
    _, tok, _ = call(base, "POST", "/api/tokens", {"name": "bench", "user_id": user["id"]},
                     headers=auth)
    return tok["token"]


def home_patient(data):
    """A home-care patient with あおば在宅クリニック and the visiting nurses on the team."""
    db = sqlite3.connect(f"file:{data / 'tsunagu.db'}?mode=ro", uri=True)
    row = db.execute(
        "SELECT p.patient_id FROM (SELECT DISTINCT patient_id FROM homecare_plans) p "
        "WHERE (SELECT COUNT(DISTINCT o.code) FROM care_team t JOIN orgs o ON o.id = t.org_id "
        "WHERE t.patient_id = p.patient_id AND t.removed_at IS NULL "
        "AND o.code IN ('aoba-homecare', 'minami-vns')) = 2 ORDER BY p.patient_id").fetchone()
    db.close()
    return row[0]


def record_body(day, n):
    """A visit record of day with SpO2 86 %, at its own time (round n)."""
    start = datetime.datetime.combine(day, datetime.time(8), TOKYO) + datetime.timedelta(
        minutes=n)
    end = start + datetime.timedelta(minutes=30)
    return {"kind": "home_nursing", "visit_start": start.isoformat(),
            "visit_end": end.isoformat(),
            "content": {"observation": "呼吸苦あり", "care_given": "酸素投与の確認",
                        "vitals": {"spo2": 86}}}


def fan_out(binary, data, tmp, patient):
    server = bench_server.Server(binary, data, tmp, "server-fanout")
    try:
        reader = token_for(server.base, "aoba.tanaka", "aoba.tanaka")
        writer = token_for(server.base, "vns.kato", "vns.suzuki")
        day = datetime.datetime.now(TOKYO).date() - datetime.timedelta(days=2)
        bodies = tmp / "bodies"
        bodies.mkdir()
        for n in range(ROUNDS + 1):
            (bodies / f"{n}.json").write_text(json.dumps(record_body(day, n)))
        records = f"{server.base}/api/patients/{patient}/homecare/records"
        trigger = ("curl -fsS -o /dev/null -X POST -H " +
                   shlex.quote(f"Authorization: Bearer {writer}") +
                   " -H 'Content-Type: application/json' --data-binary @" +
                   shlex.quote(str(bodies)) + "/{round}.json " + shlex.quote(records))
        # a check before the measured rounds: a record raises an alert that aoba sees
        subprocess.run(trigger.replace("{round}", str(ROUNDS)), shell=True, check=True)
        _, alerts, _ = call(server.base, "GET", f"/api/patients/{patient}/homecare/alerts",
                            headers={"Authorization": f"Bearer {reader}"})
        if not alerts["items"] or alerts["items"][0]["value"] != 86:
            raise SystemExit("the check record raised no alert")
        log(f"alert fan-out to {SUBSCRIBERS} event streams, {ROUNDS} rounds")
        sse = subprocess.run([sys.executable, str(REPO / "bench" / "sse_load.py"), "--url",
                              server.base, "--token", reader, "--connections", str(SUBSCRIBERS),
                              "--rounds", str(ROUNDS), "--topics", "vitals.alert", "--event",
                              "vitals.alert", "--trigger", trigger],
                             capture_output=True, text=True)
        if sse.returncode not in (0, 1) or "| subscribers |" not in sse.stdout:
            raise SystemExit(f"sse_load.py failed:\n{sse.stderr}")
    finally:
        server.stop()
    db = sqlite3.connect(f"file:{data / 'tsunagu.db'}?mode=ro", uri=True)
    raised = db.execute("SELECT COUNT(*) FROM homecare_alerts WHERE patient_id = ? AND value = 86",
                        (patient,)).fetchone()[0]
    db.close()
    return sse.stdout.strip(), raised, server.warnings(), server.started()


def idle(binary, data, tmp, patient):
    server = bench_server.Server(binary, data, tmp, "server-idle")
    try:
        reader = token_for(server.base, "aoba.tanaka", "aoba.tanaka")
        time.sleep(1)  # the login's password hash (19 MiB) is freed
        log(f"{IDLE_STREAMS} idle event streams")
        out = subprocess.run([sys.executable, str(REPO / "bench" / "sse_idle.py"), "--url",
                              server.base, "--token", reader, "--pid", str(server.proc.pid),
                              "--connections", str(IDLE_STREAMS), "--probe-path",
                              f"/api/patients/{patient}", "--heartbeat-wait", "60"],
                             capture_output=True, text=True)
        if "| streams |" not in out.stdout:
            raise SystemExit(f"sse_idle.py failed:\n{out.stdout}\n{out.stderr}")
    finally:
        server.stop()
    table = out.stdout.strip().replace(patient, "{id}")
    return table, out.returncode, server.warnings(), server.started()


def row_value(table, column):
    """The value of a column in the first data row of a markdown table."""
    lines = [ln for ln in table.splitlines() if ln.startswith("|")]
    head = [c.strip() for c in lines[0].strip("|").split("|")]
    row = [c.strip() for c in lines[2].strip("|").split("|")]
    return row[head.index(column)]


def machine():
    cpu = subprocess.run(["sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"],
                         capture_output=True, text=True).stdout.strip()
    mem = int(next(ln.split()[1] for ln in open("/proc/meminfo") if ln.startswith("MemTotal")))
    mhd = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "libmicrohttpd12"],
                         capture_output=True, text=True).stdout or "?"
    rev = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                         capture_output=True, text=True).stdout.strip() or "unknown"
    if subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--", "src",
                       "meson.build"], capture_output=True, text=True).stdout.strip():
        rev += " (src/ modified)"
    return (f"Machine: {os.cpu_count()} cores ({cpu}), {mem / 1048576:.1f} GiB, "
            f"{platform.system()} {platform.release()}, libmicrohttpd {mhd}; release build of "
            f"commit {rev}; "
            f"`make bench-alerts` on {time.strftime('%Y-%m-%d %H:%M')}. The load generators "
            f"(Python, one thread) run on the same cores as the server.")


def load_average():
    return " ".join(open("/proc/loadavg").read().split()[:3])


def main():
    binary = sys.argv[1]
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="tsunagu-alerts-bench-"))
    data = tmp / "data"
    subprocess.run([binary, "init", "--demo", "--data-dir", str(data)], check=True,
                   capture_output=True)
    patient = home_patient(data)
    load_before = load_average()
    fan, raised, fan_warn, fan_started = fan_out(binary, data, tmp, patient)
    idle_table, idle_rc, idle_warn, idle_started = idle(binary, data, tmp, patient)

    p99 = float(row_value(fan, "p99 ms"))
    missed = int(row_value(fan, "missed"))
    rss = float(row_value(idle_table, "RSS with all open MB"))
    rss_hb = row_value(idle_table, "RSS after a heartbeat round MB")
    ended = int(row_value(idle_table, "streams ended"))
    fan_ok = p99 < FANOUT_P99_MS and missed == 0 and raised == ROUNDS + 1
    idle_ok = rss < IDLE_RSS_MB and ended == 0 and idle_rc == 0
    lines = [machine() + f" Load average (1, 5, 15 min) before and after: {load_before}; "
             f"{load_average()}.", "",
             f"Alert fan-out (`bench/sse_load.py`): {SUBSCRIBERS:,} event streams of "
             f"あおば在宅クリニック (`?topics=vitals.alert`). In each of {ROUNDS} rounds "
             f"vns.suzuki posts a new visit record with SpO2 86 %. The latency runs from the "
             f"start of the POST, which is included, to the `vitals.alert` event's arrival at "
             f"each stream. Alerts raised: {raised} (one per round, and one for the check "
             f"before). Server: `{fan_started}`.", "", fan, "",
             f"Idle event streams (`bench/sse_idle.py`): {IDLE_STREAMS:,} streams opened "
             f"250 at a time, each waited on for its first bytes. RSS is VmRSS from "
             f"`/proc/PID/status` with all of them open. The probe is an audited read of a "
             f"patient on a new connection. Then every stream gets its heartbeat (15 s) and "
             f"the RSS is read again. Server: `{idle_started}`.", "", idle_table, "",
             "| target | measured | ratio to the target | met |", "| --- | --- | --- | --- |",
             f"| alert → {SUBSCRIBERS:,} streams, p99 < {FANOUT_P99_MS:.0f} ms | {p99:.1f} ms "
             f"({missed} missed) | {p99 / FANOUT_P99_MS:.2f} | "
             f"{'yes' if fan_ok else '**no**'} |",
             f"| {IDLE_STREAMS:,} idle streams < {IDLE_RSS_MB:.0f} MB RSS | {rss:.1f} MB "
             f"(after a heartbeat round {rss_hb} MB) | {rss / IDLE_RSS_MB:.2f} | "
             f"{'yes' if idle_ok else '**no**'} |"]
    warnings = fan_warn + idle_warn
    if warnings:
        lines += ["", "**Server warnings during the runs:** " + "; ".join(sorted(set(warnings)))]
    if not (fan_ok and idle_ok):
        lines += ["", "**Not met** (see the table above)."]
    print("\n".join(lines))
    if os.environ.get("BENCH_KEEP") != "1":
        shutil.rmtree(tmp, ignore_errors=True)
    else:
        log(f"kept {tmp}")
    return 0 if fan_ok and idle_ok else 1


if __name__ == "__main__":
    sys.exit(main())
