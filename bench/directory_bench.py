#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""The facility-directory benchmark (issue 4), driven by bench/directory.sh.

1. A demo data directory plus ORGS synthetic organisations (bench/directory_gen.py).
2. wrk on a filtered search sorted by distance (GET /api/directory/search?…&near=lat,lon), at 2
   and 16 connections, with an API token.
3. bench/sse_load.py: SUBSCRIBERS open event streams; each round one status change
   (PATCH /api/directory/orgs/{id}/status by みなみ総合病院's administrator) must reach all.
Prints a markdown report on stdout.
"""
import json
import os
import pathlib
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

REPO = pathlib.Path(__file__).resolve().parent.parent
ORGS = int(os.environ.get("BENCH_ORGS", 5000))
SUBSCRIBERS = int(os.environ.get("BENCH_SUBSCRIBERS", 500))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", 20))
DURATION = os.environ.get("BENCH_DURATION", "15s")
SEARCH = ("/api/directory/search?function=acute&available=icu_hcu&emergency=yes"
          "&near=33.59,130.40&limit=20")


def log(msg):
    print(f"directory_bench: {msg}", file=sys.stderr, flush=True)


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
    cookie = headers["Set-Cookie"].split(";", 1)[0]
    auth = {"Cookie": cookie, "X-CSRF-Token": me["csrf_token"]}
    _, users, _ = call(base, "GET", "/api/users", headers=auth)
    user = next(u for u in users["items"] if u["login"] == login)
    _, tok, _ = call(base, "POST", "/api/tokens", {"name": "bench", "user_id": user["id"]},
                     headers=auth)
    return tok["token"]


def wrk(url, token, conns):
    out = subprocess.run(["wrk", f"-t{min(2, conns)}", f"-c{conns}", f"-d{DURATION}",
                          "--latency", "-H", f"Authorization: Bearer {token}", url],
                         capture_output=True, text=True, check=True).stdout

    def pct(p):
        m = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", out)
        v, unit = float(m.group(1)), m.group(2)
        return v / 1000 if unit == "us" else v * 1000 if unit == "s" else v

    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return (float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), pct(50), pct(99),
            int(bad.group(1)) if bad else 0)


def main():
    binary = sys.argv[1]
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="tsunagu-dir-bench-"))
    data = tmp / "data"
    subprocess.run([binary, "init", "--demo", "--data-dir", str(data)], check=True,
                   capture_output=True)
    gen = subprocess.run([sys.executable, str(REPO / "bench" / "directory_gen.py"), "--count",
                          str(ORGS)], capture_output=True, check=True).stdout
    subprocess.run(["sqlite3", str(data / "tsunagu.db")], input=gen, check=True)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([binary, "serve", "--data-dir", str(data), "--listen",
                               f"127.0.0.1:{port}", "--log-level", "warn"],
                              stdout=subprocess.DEVNULL, stderr=open(tmp / "server.log", "w"))
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/api/health", timeout=1)
                break
            except OSError:
                time.sleep(0.05)
        reader = token_for(base, "gh.admin", "gh.sato")
        writer = token_for(base, "gh.admin", "gh.admin")
        _, found, _ = call(base, "GET", SEARCH, headers={"Authorization": f"Bearer {reader}"})
        searches = [(c, wrk(base + SEARCH, reader, c)) for c in (2, 16)]
        _, orgs, _ = call(base, "GET", "/api/orgs", headers={"Authorization": f"Bearer {writer}"})
        org = next(o["id"] for o in orgs["items"] if o["code"] == "minami-gh")
        trigger = ("curl -s -o /dev/null -X PATCH -H " + shlex.quote(f"Authorization: Bearer {writer}")
                   + " -H 'Content-Type: application/json' -d '{\"beds\":{\"icu_hcu\":2}}' "
                   + shlex.quote(f"{base}/api/directory/orgs/{org}/status"))
        log(f"fan-out to {SUBSCRIBERS} subscribers, {ROUNDS} rounds")
        sse = subprocess.run([sys.executable, str(REPO / "bench" / "sse_load.py"), "--url", base,
                              "--token", reader, "--connections", str(SUBSCRIBERS), "--rounds",
                              str(ROUNDS), "--topics", "directory.status", "--event",
                              "directory.status", "--trigger", trigger],
                             capture_output=True, text=True, check=True).stdout
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=120)
    cpu = subprocess.run(["sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"],
                         capture_output=True, text=True).stdout.strip()
    lines = [f"Machine: {os.cpu_count()} cores ({cpu}); release build; `make bench-directory` on "
             f"{time.strftime('%Y-%m-%d')}. Directory: {ORGS:,} synthetic organisations plus the "
             f"12 of the demo region.", "",
             f"Search `{SEARCH}` ({found.get('total', len(found['items']))} matches, first page "
             f"of {len(found['items'])}), wrk {DURATION}:", "",
             "| connections | requests/s | p50 ms | p99 ms | target p99 | met |",
             "|---|---|---|---|---|---|"]
    for conns, (rps, p50, p99, bad) in searches:
        ok = p99 < 10 and not bad
        lines.append(f"| {conns} | {rps:,.0f} | {p50:.2f} | {p99:.2f} | < 10 ms | "
                     f"{'yes' if ok else '**no**'}{'' if not bad else f' ({bad} non-2xx)'} |")
    lines += ["", "Status change → open event streams (`bench/sse_load.py`; latency from the start of "
              "the PATCH, which is included, to the event's arrival at each subscriber; target "
              "p99 < 100 ms):", "", sse.strip()]
    print("\n".join(lines))
    if os.environ.get("BENCH_KEEP") != "1":
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
