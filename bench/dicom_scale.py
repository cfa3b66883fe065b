#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""QIDO-RS latency of tsunagu at archive scale (issue 14: "p99 < 10 ms at 100,000 instances").

Takes the shared harness's deterministic corpus (../shared/bench/gen_corpus.py: 50 patients x 2
studies x 2 series x 10 instances = 2,000 instances, generated once and cached) and clones it
COPIES times (default 50: 100,000 instances, 2,500 patients) by replacing, byte for byte, every
UID and PatientID with one of the same length (the last four digits of each UID and the second
to fifth characters of each PatientID become the copy's number), so that no file has to be
parsed or written to disk. Starts the release build in a fresh data directory
(bench/dicom_target.sh), stores every clone by STOW-RS (50 instances per request), then measures
with wrk (the harness's rotate.lua, one and eight connections, after a two-second warm-up that
is not counted) the harness's two query shapes: studies?PatientID= (rotating over every
patient) and studies?StudyDate=<half-year window> (ten windows over five years). Prints a
markdown table; everything runs on 127.0.0.1 and the server is stopped by its PID.

usage: /usr/bin/python3 bench/dicom_scale.py [--copies 50] [--duration 5] [BINARY]
"""
import argparse
import datetime
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid

import requests

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
HARNESS = os.environ.get("DICOM_BENCH_HARNESS_DIR", os.path.join(REPO, "..", "shared", "bench"))
ACCEPT_JSON = "application/dicom+json"


def corpus():
    """The harness's default corpus (the same path and parameters as its own cache)."""
    out = "/tmp/dicombench-corpus-50-2-2-10-20240601"
    if not os.path.exists(os.path.join(out, "manifest.json")):
        print(f"generating the corpus in {out} …", file=sys.stderr, flush=True)
        subprocess.run(["/usr/bin/python3", os.path.join(HARNESS, "gen_corpus.py"), "--out", out,
                        "--patients", "50"], check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(out, "manifest.json")) as fh:
        return out, json.load(fh)


def instances(m):
    """(file, its UIDs, its PatientID) of every instance of the corpus, in the manifest's order."""
    out = []
    for p in m["patients"]:
        for st in p["studies"]:
            for se in st["series"]:
                for i in se["instances"]:
                    out.append((i["file"], (st["study_uid"], se["series_uid"], i["sop_uid"]),
                                p["patient_id"]))
    return out


def clone(data, copy, uids, pid):
    """The bytes of one instance as copy number `copy`: same lengths, so nothing else moves."""
    for u in uids:
        data = data.replace(u.encode(), (u[:-4] + f"{copy:04d}").encode())
    return data.replace(pid.encode(), (pid[0] + f"{copy:04d}" + pid[5:]).encode())


def start(binary, port):
    data = tempfile.mkdtemp(prefix="tsunagu-scale.")
    env = dict(os.environ, DICOM_BENCH_BIN=binary, BENCH_DATA_DIR=data,
               BENCH_HTTP_PORT=str(port), BENCH_DICOM_PORT=str(port + 1))
    proc = subprocess.Popen([os.path.join(HERE, "dicom_target.sh"), "serve"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(400):
        try:
            requests.get(base + "/api/health", timeout=1)
            break
        except requests.RequestException:
            time.sleep(0.05)
    token = subprocess.run([os.path.join(HERE, "dicom_target.sh"), "token"], env=env, check=True,
                           capture_output=True, text=True).stdout.strip().splitlines()[-1]
    return proc, data, base, token


def ingest(base, token, folder, copies, m):
    originals = []
    for f, uids, pid in instances(m):
        with open(os.path.join(folder, f), "rb") as fh:
            originals.append((fh.read(), uids, pid))
    t0 = time.monotonic()
    batches = [(c, i) for c in range(copies) for i in range(0, len(originals), 50)]
    for c, i in batches:
        boundary = uuid.uuid4().hex
        parts = [b"--" + boundary.encode() + b"\r\nContent-Type: application/dicom\r\n\r\n" +
                 clone(d, c, uids, pid) + b"\r\n" for d, uids, pid in originals[i:i + 50]]
        body = b"".join(parts) + b"--" + boundary.encode() + b"--\r\n"
        r = requests.post(base + "/dicom-web/studies", data=body, headers={
            "Authorization": token,
            "Content-Type": f'multipart/related; type="application/dicom"; boundary={boundary}'})
        if r.status_code not in (200, 202) or "00081198" in r.json():
            raise SystemExit(f"STOW failed: {r.status_code} {r.text[:300]}")
    return copies * len(originals) / (time.monotonic() - t0)


def wrk(base, paths, token, conns, duration):
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as fh:
        fh.write("".join(p + "\n" for p in paths))
        pf = fh.name
    try:
        out = subprocess.run(["wrk", f"-t{min(2, conns)}", f"-c{conns}", f"-d{duration}s",
                              "--timeout", "10s", "-s", os.path.join(HARNESS, "rotate.lua"), base,
                              "--", pf, ACCEPT_JSON, token],
                             check=True, capture_output=True, text=True).stdout
    finally:
        os.unlink(pf)
    j = json.loads(re.search(r"WRKJSON (\{.*\})", out).group(1))
    errors = j["err_connect"] + j["err_status"] + j["err_timeout"] + j["err_write"]
    return j["requests"] / (j["duration_us"] / 1e6), j["lat_p50_us"] / 1000, \
        j["lat_p99_us"] / 1000, errors


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("binary", nargs="?", default=os.path.join(REPO, "build", "tsunagu"))
    ap.add_argument("--copies", type=int, default=50)
    ap.add_argument("--duration", type=int, default=5)
    ap.add_argument("--port", type=int, default=18091)
    a = ap.parse_args()
    folder, m = corpus()
    proc, data, base, token = start(os.path.abspath(a.binary), a.port)
    try:
        rate = ingest(base, token, folder, a.copies, m)
        d0 = datetime.date(2020, 1, 1)
        windows = [(d0 + datetime.timedelta(days=182 * k),
                    d0 + datetime.timedelta(days=182 * k + 181)) for k in range(10)]
        shapes = {
            "studies?PatientID=": [
                f"/dicom-web/studies?PatientID={p['patient_id'][0]}{c:04d}{p['patient_id'][5:]}"
                for c in range(a.copies) for p in m["patients"]],
            "studies?StudyDate=range": [f"/dicom-web/studies?StudyDate={x:%Y%m%d}-{y:%Y%m%d}"
                                        for x, y in windows],
        }
        for name, paths in shapes.items():  # the queries find what they should, before timing
            last = paths[-1]
            r = requests.get(base + last, headers={"Authorization": token, "Accept": ACCEPT_JSON})
            if r.status_code != 200 or not r.json():
                raise SystemExit(f"{last}: {r.status_code}, {len(r.content)} bytes: no studies")
        n_studies = a.copies * sum(len(p["studies"]) for p in m["patients"])
        print(f"{a.copies * len(instances(m)):,} instances, {n_studies:,} studies, "
              f"{a.copies * len(m['patients']):,} patients;"
              f" STOW-RS ingest {rate:,.0f} inst/s (50/request, 1 connection)\n")
        print("| query | connections | req/s | p50 ms | p99 ms | errors |")
        print("|---|---|---|---|---|---|")
        for name, paths in shapes.items():
            wrk(base, paths, token, 8, 2)  # warm-up, not counted: caches, the WAL after ingest
            for conns in (1, 8):
                rps, p50, p99, err = wrk(base, paths, token, conns, a.duration)
                print(f"| {name} | {conns} | {rps:,.0f} | {p50:.2f} | {p99:.2f} | {err} |",
                      flush=True)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    main()
