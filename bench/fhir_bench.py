#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""The FHIR benchmark (issue 3), driven by bench/fhir.sh.

1. Starts the release server on a fresh demo data directory and registers PATIENTS regional
   patients through /api/patients (each with its local id and consent for みなみ総合病院).
2. Loads OBSERVATIONS Observations through transaction Bundles (bench/fhir_gen.py), from
   CLIENTS concurrent clients, with an API token of gh.sato; reports resources/s. One patient
   gets ~500 resources in all, for $everything.
3. Measures with wrk: read by id, Observation?patient=X&code=Y&date=ge…, and
   Patient/X/$everything; reports requests/s and latency percentiles.
4. Records the database size (database + WAL + blobs) per million resources.
Prints a markdown report on stdout.
"""
import concurrent.futures
import json
import os
import pathlib
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

REPO = pathlib.Path(__file__).resolve().parent.parent
GEN = REPO / "bench" / "fhir_gen.py"


def env_int(name, default):
    return int(os.environ.get(name, default))


PATIENTS = env_int("BENCH_PATIENTS", 10000)
OBSERVATIONS = env_int("BENCH_OBSERVATIONS", 1000000)
PER_BUNDLE = env_int("BENCH_PER_BUNDLE", 500)
CLIENTS = env_int("BENCH_CLIENTS", 2)
DURATION = os.environ.get("BENCH_DURATION", "15s")
# wrk connections: 2 (one per core: the service time) and 16 (loaded: queueing included)
CONNS = [int(c) for c in os.environ.get("BENCH_CONNECTIONS", "2 16").split()]
BIG_PATIENT_EXTRA = env_int("BENCH_BIG_PATIENT_EXTRA", 400)


def log(msg):
    print(f"fhir_bench: {msg}", file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    def __init__(self, base):
        self.base, self.headers = base, {}

    def call(self, method, path, body=None, content_type="application/json"):
        data = None if body is None else (body if isinstance(body, bytes)
                                          else json.dumps(body).encode())
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={**self.headers, "Content-Type": content_type})
        try:
            with urllib.request.urlopen(req, timeout=600) as r:
                raw = r.read()
                cookie = r.headers.get("Set-Cookie")
                return r.status, (json.loads(raw) if raw else None), cookie
        except urllib.error.HTTPError as e:
            raise SystemExit(f"{method} {path}: {e.code} {e.read()[:400]!r}")


def login(base, name):
    c = Client(base)
    _, body, cookie = c.call("POST", "/api/auth/login",
                             {"login": name, "password": "minami-demo-2026"})
    c.headers["Cookie"] = cookie.split(";", 1)[0]
    c.headers["X-CSRF-Token"] = body["csrf_token"]
    return c


def register_patients(base, n):
    sato = login(base, "gh.sato")
    ids = []
    today = time.strftime("%Y-%m-%d")
    for i in range(n):
        body = {"name": f"負荷 {i:05d}", "name_kana": f"フカ {i:05d}", "sex": "female",
                "birth_date": "1950-01-02", "local_id": f"BENCH-{i:06d}",
                "consent": {"method": "written", "consented_on": today, "scope": "all"}}
        _, p, _ = sato.call("POST", "/api/patients", body)
        ids.append(p["id"])
    return ids


def ingest(base, token, bundles):
    def post(bundle):
        req = urllib.request.Request(base + "/fhir", data=bundle, method="POST", headers={
            "Authorization": f"Bearer {token}", "Content-Type": "application/fhir+json",
            "Prefer": "return=minimal"})
        with urllib.request.urlopen(req, timeout=600) as r:
            body = json.loads(r.read())
            assert r.status == 200 and all(
                e["response"]["status"].startswith("201") for e in body["entry"]), body
            return len(body["entry"])

    start = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(CLIENTS) as pool:
        total = sum(pool.map(post, bundles))
    return total, time.monotonic() - start


def wrk(url, token, conns):
    out = subprocess.run(["wrk", f"-t{min(2, conns)}", f"-c{conns}", f"-d{DURATION}", "--latency",
                          "-H", f"Authorization: Bearer {token}",
                          "-H", "Accept: application/fhir+json", url],
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def pct(p):
        m = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", out)
        v, unit = float(m.group(1)), m.group(2)
        return v / 1000 if unit == "us" else v * 1000 if unit == "s" else v

    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {"rps": rps, "p50": pct(50), "p99": pct(99),
            "bad": int(non2xx.group(1)) if non2xx else 0, "errors": errors.group(1) if errors else ""}


def dir_size(path):
    return sum(f.stat().st_size for f in pathlib.Path(path).rglob("*") if f.is_file())


def main():
    binary = sys.argv[1]
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="tsunagu-fhir-bench-"))
    data = tmp / "data"
    subprocess.run([binary, "init", "--demo", "--data-dir", str(data)], check=True,
                   capture_output=True)
    port = free_port()
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
        admin = login(base, "gh.admin")
        _, tok, _ = admin.call("POST", "/api/tokens", {
            "name": "bench", "user_id": login(base, "gh.sato").call("GET", "/api/me")[1]["user"]["id"]})
        token = tok["token"]
        log(f"registering {PATIENTS} patients")
        t0 = time.monotonic()
        ids = register_patients(base, PATIENTS)
        log(f"  {time.monotonic() - t0:.1f} s")
        (tmp / "patients.txt").write_text("\n".join(ids) + "\n")
        (tmp / "big.txt").write_text(ids[0] + "\n")
        resources_before = int(subprocess.run(
            ["sqlite3", str(data / "tsunagu.db"), "SELECT count(*) FROM fhir_resources"],
            capture_output=True, text=True, check=True).stdout)
        size_before = dir_size(data)
        log(f"generating {OBSERVATIONS} Observations in Bundles of {PER_BUNDLE}")
        gen = subprocess.run([sys.executable, str(GEN), str(tmp / "patients.txt"),
                              "--per-bundle", str(PER_BUNDLE), "--total", str(OBSERVATIONS)],
                             capture_output=True, check=True).stdout.splitlines()
        extra = subprocess.run([sys.executable, str(GEN), str(tmp / "big.txt"), "--per-bundle",
                                str(PER_BUNDLE), "--total", str(BIG_PATIENT_EXTRA), "--seed", "7"],
                               capture_output=True, check=True).stdout.splitlines()
        log(f"loading {len(gen)} Bundles with {CLIENTS} clients")
        loaded, seconds = ingest(base, token, gen)
        more, _ = ingest(base, token, extra)
        rate = loaded / seconds
        log(f"  {loaded} in {seconds:.1f} s = {rate:.0f} resources/s")
        size_after = dir_size(data)
        per_million = (size_after - size_before) / (loaded + more) * 1e6 / 2**30

        # targets of the read measurements
        c = Client(base)
        c.headers["Authorization"] = f"Bearer {token}"
        patient = ids[0]
        _, some, _ = c.call("GET", f"/fhir/Observation?patient={patient}&_count=1")
        obs_id = some["entry"][0]["resource"]["id"]
        code = some["entry"][0]["resource"]["code"]["coding"][0]["code"]
        _, every, _ = c.call("GET", f"/fhir/Patient/{patient}/$everything")
        search = (f"/fhir/Observation?patient={patient}&code=http://medis.or.jp/CodeSystem/"
                  f"master-JLAC10-17digits|{code}&date=ge2025-11-01")
        _, found, _ = c.call("GET", search)
        runs = {}
        for conns in CONNS:
            runs[("read by id", conns)] = wrk(f"{base}/fhir/Observation/{obs_id}", token, conns)
            runs[(f"search ({found['total']} matches)", conns)] = wrk(base + search, token, conns)
            runs[(f"$everything ({len(every['entry'])} resources)", conns)] = wrk(
                f"{base}/fhir/Patient/{patient}/$everything", token, conns)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=120)
    targets = {"read by id": 5, "search": 10, "$everything": 50}
    cpu = subprocess.run(["sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"],
                         capture_output=True, text=True).stdout.strip()
    lines = [
        f"Machine: {os.cpu_count()} cores ({cpu}), "
        f"{round(os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30)} GiB; "
        f"release build; `make bench-fhir` on {time.strftime('%Y-%m-%d')}.",
        "",
        f"Ingest: {loaded:,} Observations for {PATIENTS:,} patients in transaction Bundles of "
        f"{PER_BUNDLE} from {CLIENTS} clients (on top of {resources_before:,} demo resources): "
        f"**{rate:,.0f} resources/s** (target ≥ 5,000: {'met' if rate >= 5000 else 'NOT met'}). "
        f"Database, WAL and blobs grew by **{per_million:.2f} GiB per million resources** "
        f"(versions, search index and audit records included).",
        "",
        f"| wrk, {DURATION} | connections | requests/s | p50 ms | p99 ms | target p99 | met |",
        "|---|---|---|---|---|---|---|",
    ]
    for (name, conns), r in runs.items():
        target = next(v for k, v in targets.items() if name.startswith(k))
        ok = r["p99"] < target and not r["bad"] and not r["errors"]
        lines.append(f"| {name} | {conns} | {r['rps']:,.0f} | {r['p50']:.2f} | {r['p99']:.2f} | "
                     f"< {target} ms | {'yes' if ok else '**no**'} |")
        if r["bad"] or r["errors"]:
            lines.append(f"\n**Not a valid run:** {name}: {r['bad']} non-2xx, errors {r['errors']}")
    print("\n".join(lines))
    if os.environ.get("BENCH_KEEP") != "1":
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
