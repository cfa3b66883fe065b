#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""The sharing rules' benchmark (issue 17), driven by bench/sharing.sh: what rule evaluation adds
to a visit-record write (POST /api/patients/{id}/homecare/records).

1. Starts the release server on a fresh demo data directory; the network office deletes the
   region's rules, so that only patient rules are in force.
2. Registers three patients with the same home-care team and consent: A with no rule in force,
   B with 50 rules of every kind (about 7 of them about visit records, as a region's rule set
   would spread), C with 50 rules all about visit records (the worst case: every rule is
   evaluated, most match, each with its recipients, checks and log rows).
3. Writes WRITES visit records to each, interleaved A, B, C (so that the records' growing history
   and the machine's drift weigh on each alike) over one keep-alive connection, after WARMUP
   writes each; measures each request's time at the client.
Prints a markdown report on stdout: p50 and p99 per patient, and the differences to A.
"""
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import datetime

WRITES = int(os.environ.get("BENCH_WRITES", "1000"))
WARMUP = int(os.environ.get("BENCH_WARMUP", "50"))
KINDS = ["vitals_abnormal", "visit_record", "medication_change", "admission", "discharge",
         "death", "end_of_care"]
TEAM = ["minami-vns", "hikari-pharmacy", "minami-cmo", "minami-chiiki"]


def log(msg):
    print(f"sharing_bench: {msg}", file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    """One keep-alive connection with a logged-in session."""

    def __init__(self, port, login):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.headers = {"Content-Type": "application/json"}
        status, body, resp = self.call("POST", "/api/auth/login",
                                       {"login": login, "password": "minami-demo-2026"})
        self.headers["Cookie"] = resp.getheader("Set-Cookie").split(";", 1)[0]
        self.headers["X-CSRF-Token"] = body["csrf_token"]

    def call(self, method, path, body=None, expect=(200, 201, 204)):
        self.conn.request(method, path, body=None if body is None else json.dumps(body),
                          headers=self.headers)
        resp = self.conn.getresponse()
        raw = resp.read()
        if resp.status not in expect:
            raise SystemExit(f"{method} {path}: {resp.status} {raw[:400]!r}")
        return resp.status, (json.loads(raw) if raw else None), resp


def org_ids(office):
    _, orgs, _ = office.call("GET", "/api/orgs?limit=100")
    return {o["code"]: o["id"] for o in orgs["items"]}


def patient(tanaka, orgs, n):
    today = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=9))).date()
    _, p, _ = tanaka.call("POST", "/api/patients", {
        "name": "試験 太郎", "name_kana": "シケン タロウ", "sex": "male", "birth_date": "1950-01-02",
        "local_id": f"BENCH-SHARING-{n}-{int(time.time())}",
        "consent": {"method": "written", "consented_on": today.isoformat(), "scope": "all"},
        "new_patient_reason": "ベンチマーク用の架空の患者"})
    pid = p["id"]
    for code in TEAM:
        tanaka.call("POST", f"/api/patients/{pid}/team", {"org_id": orgs[code]})
    tanaka.call("POST", f"/api/patients/{pid}/consents", {
        "org_ids": [orgs[c] for c in ["aoba-homecare"] + TEAM], "scope": "all",
        "method": "written", "consented_on": today.isoformat()})
    return pid


def rules(orgs, kato, all_visit_records):
    """50 rules: kinds, recipients, timings and conditions varied."""
    recipients = [[{"role": "care_manager"}], [{"role": "whole_team"}], [{"role": "pharmacy"}],
                  [{"org_id": orgs["minami-vns"]}],
                  [{"org_id": orgs["minami-vns"], "user_id": kato}],
                  [{"role": "oncall_physician"}, {"role": "care_manager"}],
                  [{"role": "municipal_support"}], [{"role": "visiting_nurse"}]]
    out = []
    for i in range(50):
        r = {"kind": "visit_record" if all_visit_records else KINDS[i % len(KINDS)],
             "recipients": recipients[i % len(recipients)]}
        timing = i % 3
        if timing == 0:
            r["timing"] = "immediate"
        elif timing == 1:
            r.update(timing="daily", at=f"{(i * 7) % 24:02d}:{(i * 13) % 60:02d}")
        else:
            r.update(timing="weekly", weekday=["mon", "wed", "fri"][i % 3], at="08:30")
        if i % 5 == 3:
            r["condition"] = {"professions": ["nurse", "physician"]}  # the nurse matches
        elif i % 7 == 5:
            r["condition"] = {"professions": ["pharmacist"]}  # never for the nurse's record
        out.append(r)
    return out


def record_body():
    day = (datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=9))).date()
           - datetime.timedelta(days=1))
    return {"kind": "home_nursing", "visit_start": f"{day}T10:00:00+09:00",
            "visit_end": f"{day}T10:40:00+09:00", "handover": "特変なし",
            "content": {"observation": "観察", "care_given": "ケア",
                        "vitals": {"spo2": 97, "pulse": 72, "temperature": 36.5}}}


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main():
    binary = sys.argv[1]
    tmp = tempfile.mkdtemp(prefix="tsunagu-sharing-bench-")
    data = os.path.join(tmp, "data")
    subprocess.run([binary, "init", "--demo", "--data-dir", data], check=True,
                   capture_output=True)
    port = free_port()
    server = subprocess.Popen([binary, "serve", "--data-dir", data, "--listen",
                               f"127.0.0.1:{port}", "--log-level", "warn"],
                              stdout=subprocess.DEVNULL, stderr=open(os.path.join(tmp, "log"), "w"))
    try:
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        office = Client(port, "jimukyoku")
        _, region, _ = office.call("GET", "/api/sharing/rules")
        for r in region["items"]:
            office.call("DELETE", f"/api/sharing/rules/{r['id']}")
        orgs = org_ids(office)
        tanaka = Client(port, "aoba.tanaka")
        _, me, _ = Client(port, "vns.kato").call("GET", "/api/me")
        kato = me["user"]["id"]
        ids = {"A": patient(tanaka, orgs, 0), "B": patient(tanaka, orgs, 1),
               "C": patient(tanaka, orgs, 2)}
        for name, every_visit in (("B", False), ("C", True)):
            for r in rules(orgs, kato, every_visit):
                tanaka.call("POST", f"/api/patients/{ids[name]}/sharing/rules", r)
        nurse = Client(port, "vns.suzuki")
        times = {k: [] for k in ids}
        body = record_body()
        for i in range(WARMUP + WRITES):
            for name, pid in ids.items():
                t0 = time.perf_counter()
                nurse.call("POST", f"/api/patients/{pid}/homecare/records", body)
                if i >= WARMUP:
                    times[name].append((time.perf_counter() - t0) * 1000)
        _, log_b, _ = tanaka.call("GET", f"/api/patients/{ids['C']}/sharing/deliveries?limit=100")
    finally:
        server.send_signal(15)
        server.wait(timeout=60)
    per_event = sum(1 for d in log_b["items"] if d["ref_id"] == log_b["items"][0]["ref_id"])
    cpu = subprocess.run(["sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"],
                         capture_output=True, text=True).stdout.strip()
    label = {"A": "no rule in force", "B": "50 rules of every kind (7 about visit records)",
             "C": "50 rules, all about visit records"}
    lines = [f"Machine: {os.cpu_count()} cores ({cpu}), release build, one client, one "
             f"keep-alive connection on loopback; {WRITES} writes per patient after {WARMUP} "
             f"warm-up writes, interleaved. Command: `make bench-sharing` "
             f"(bench/sharing.sh).", "",
             "| visit-record write | p50 ms | p99 ms | mean ms | p50 added | p99 added |",
             "| --- | ---: | ---: | ---: | ---: | ---: |"]
    base50, base99 = pct(times["A"], 50), pct(times["A"], 99)
    for name in ("A", "B", "C"):
        p50, p99 = pct(times[name], 50), pct(times[name], 99)
        added = "–" if name == "A" else f"{p50 - base50:+.3f}"
        added99 = "–" if name == "A" else f"{p99 - base99:+.3f}"
        lines.append(f"| {label[name]} | {p50:.3f} | {p99:.3f} | "
                     f"{statistics.mean(times[name]):.3f} | {added} | {added99} |")
    lines += ["", f"In the worst case each write leaves {per_event} delivery rows in the log "
              "(one per rule and recipient: sent, queued for a digest, duplicate or skipped)."]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
