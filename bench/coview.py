#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""The co-viewing benchmark (issue 15, "Speed": a change on one side shows on the other within
100 ms p95 on loopback, with 2 and with 20 viewers). Driven by `make bench-coview`.

On a fresh demo store the release server is started; gh.sato (みなみ総合病院, who sent 山田 花子's
CT study) starts a co-viewing session on it and invites あおば在宅クリニック as a whole. For N
viewers, N doctors of あおば在宅クリニック (bench.v1 … bench.vN, added with `tsunagu user add`
before the server starts, each with an API token from `tsunagu token create`) join, and each opens
the session's event stream (GET /api/coview/{sid}/stream); one thread reads every stream
(non-blocking sockets, HTTP/1.0, so the bodies are plain SSE text). The presenter then sends ROUNDS view changes
(PUT /api/coview/{sid}/view, keep-alive, like the viewer's throttle one every INTERVAL ms), each
carrying a mark. For every stream and every change the latency runs from just before the PUT
is sent to the arrival of the first state that carries that mark or a later one (a slow reader
gets the newest state, not a backlog: a skipped state counts as delivered by the newer one).
Prints a markdown report; exit status 1 when p95 misses the target or a stream lost a change.

    bench/coview.py [--no-write] path/to/tsunagu
environment: BENCH_ROUNDS [300], BENCH_INTERVAL_MS [50], BENCH_VIEWERS ["2 20"]
"""
import http.client
import io
import json
import os
import pathlib
import platform
import re
import selectors
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

import bench_server

REPO = pathlib.Path(__file__).resolve().parent.parent
ROUNDS = int(os.environ.get("BENCH_ROUNDS", 300))
INTERVAL_MS = float(os.environ.get("BENCH_INTERVAL_MS", 50))
VIEWERS = [int(n) for n in os.environ.get("BENCH_VIEWERS", "2 20").split()]
TARGET_P95_MS = 100.0
MARK = re.compile(rb'"mark":(\d+)')


def log(msg):
    print(f"coview_bench: {msg}", file=sys.stderr, flush=True)


def Server(binary, data, tmp):  # noqa: N802 - the server of this benchmark
    return bench_server.Server(binary, data, tmp, "server", "warn")


def call(base, method, path, body=None, headers=None, data=None):
    req = urllib.request.Request(base + path, method=method, headers={
        "Content-Type": "application/json", **(headers or {})},
        data=data if data is not None else None if body is None else json.dumps(body).encode())
    with urllib.request.urlopen(req, timeout=60) as r:
        return r.status, json.loads(r.read() or b"null"), r.headers


def her_study(base, sender):
    """A CT study of 山田 花子 (GH-000001) stored by minami-gh through STOW-RS."""
    import pydicom
    from pydicom.data import get_testdata_file
    from pydicom.uid import generate_uid
    ds = pydicom.dcmread(get_testdata_file("CT_small.dcm"))
    ds.StudyInstanceUID, ds.SeriesInstanceUID = generate_uid(), generate_uid()
    ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID = generate_uid()
    ds.PatientID, ds.PatientName = "GH-000001", "Yamada^Hanako"
    out = io.BytesIO()
    ds.save_as(out, write_like_original=False)
    boundary = "benchboundary0123456789"
    body = (b"--" + boundary.encode() + b"\r\nContent-Type: application/dicom\r\n\r\n" +
            out.getvalue() + b"\r\n--" + boundary.encode() + b"--\r\n")
    call(base, "POST", "/dicom-web/studies", data=body, headers={
        **sender, "Accept": "application/dicom+json",
        "Content-Type": f'multipart/related; type="application/dicom"; boundary={boundary}'})
    return ds.StudyInstanceUID


def cli_token(binary, data, org, login):
    out = subprocess.run([binary, "token", "create", "--org", org, "--user", login, "--name",
                          "bench", "--data-dir", str(data)], check=True, capture_output=True,
                         text=True).stdout.split()
    return {"Authorization": f"Bearer {out[-1]}"}


def add_viewers(binary, data, n):
    """n doctors of あおば在宅クリニック with an API token each."""
    tokens = []
    for i in range(1, n + 1):
        login = f"bench.v{i}"
        subprocess.run([binary, "user", "add", "--login", login, "--name", f"検証 医師{i}",
                        "--profession", "physician", "--org", "aoba-homecare", "--data-dir",
                        str(data)], input="bench-password-0123456789\n", check=True,
                       capture_output=True, text=True)
        tokens.append(cli_token(binary, data, "aoba-homecare", login))
    return tokens


class Readers:
    """N streams read by one thread (stream i with headers[i]); arrivals[i] is a list of
    (time, mark)."""

    def __init__(self, port, path, headers, n):
        self.sel = selectors.DefaultSelector()
        self.arrivals = [[] for _ in range(n)]
        self.bufs = [b""] * n
        self.ended = [False] * n
        self.socks = []
        for i in range(n):
            head = "".join(f"{k}: {v}\r\n" for k, v in headers[i].items())
            s = socket.create_connection(("127.0.0.1", port))
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            s.sendall(f"GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n{head}\r\n".encode())
            s.setblocking(False)
            self.sel.register(s, selectors.EVENT_READ, i)
            self.socks.append(s)
        self.stop = False
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.stop:
            for key, _ in self.sel.select(timeout=0.1):
                i = key.data
                try:
                    chunk = key.fileobj.recv(65536)
                except BlockingIOError:
                    continue
                now = time.perf_counter()
                if not chunk:
                    self.ended[i] = True
                    self.sel.unregister(key.fileobj)
                    continue
                buf = self.bufs[i] + chunk
                *events, self.bufs[i] = buf.split(b"\n\n")
                for ev in events:
                    m = MARK.search(ev)
                    if m:
                        self.arrivals[i].append((now, int(m.group(1))))
                    elif b"event: state" in ev:
                        self.arrivals[i].append((now, 0))

    def wait(self, what, cond, timeout=30):
        deadline = time.monotonic() + timeout
        while not cond():
            if time.monotonic() > deadline:
                raise SystemExit(f"timed out waiting for {what}")
            time.sleep(0.01)

    def close(self):
        self.stop = True
        self.thread.join()
        for s in self.socks:
            s.close()


def run(server, presenter, viewers, study, n, interval_ms=INTERVAL_MS):
    _, session, _ = call(server.base, "POST", f"/api/imaging/studies/{study}/coview", {},
                         headers=presenter)
    sid = session["id"]
    call(server.base, "POST", f"/api/coview/{sid}/invite",
         {"org_id": AOBA},
         headers=presenter)
    for viewer in viewers[:n]:
        call(server.base, "POST", f"/api/coview/{sid}/join", {}, headers=viewer)
    readers = Readers(server.port, f"/api/coview/{sid}/stream", viewers[:n], n)
    readers.wait(f"the first state on {n} streams", lambda: all(readers.arrivals))
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    headers = {"Content-Type": "application/json", **presenter}
    sent = {}
    view = {"layout": "1x1", "active": 0, "panes": [{
        "studyUid": study, "seriesUid": "1.2.3", "index": 0, "voi": {"center": 40, "width": 400},
        "invert": False, "zoom": 1.0, "pan": [0, 0]}]}
    start = time.perf_counter()
    for k in range(1, ROUNDS + 1):
        view["panes"][0]["index"] = k % 100
        view["mark"] = k
        body = json.dumps({"view": view})
        sent[k] = time.perf_counter()
        conn.request("PUT", f"/api/coview/{sid}/view", body=body, headers=headers)
        r = conn.getresponse()
        r.read()
        if r.status != 204:
            raise SystemExit(f"PUT view: {r.status}")
        next_at = start + k * interval_ms / 1000
        time.sleep(max(0.0, next_at - time.perf_counter()))
    readers.wait("the last change on every stream",
                 lambda: all(a and a[-1][1] == ROUNDS for a in readers.arrivals))
    readers.close()
    conn.close()
    for viewer in viewers[:n]:
        call(server.base, "POST", f"/api/coview/{sid}/leave", {}, headers=viewer)
    call(server.base, "POST", f"/api/coview/{sid}/leave", {}, headers=presenter)
    latencies, skipped = [], 0
    for arrivals in readers.arrivals:
        seen = 0
        for at, mark in arrivals:
            for k in range(seen + 1, mark + 1):
                latencies.append((at - sent[k]) * 1000)
            skipped += max(0, mark - seen - 1)
            seen = max(seen, mark)
    return latencies, skipped


AOBA = None


def demo_id(kind, key):
    """The deterministic UUID the demo loader gives to kind/key (src/demo/demo.c)."""
    import hashlib
    import uuid
    h = bytearray(hashlib.sha256(f"tsunagu-demo/{kind}/{key}".encode()).digest()[:16])
    h[6] = (h[6] & 0x0F) | 0x80
    h[8] = (h[8] & 0x3F) | 0x80
    return str(uuid.UUID(bytes=bytes(h)))


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def machine(rev_binary):
    cpu = subprocess.run(["sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"],
                         capture_output=True, text=True).stdout.strip()
    rev = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                         capture_output=True, text=True).stdout.strip() or "unknown"
    if subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--", "src"],
                      capture_output=True, text=True).stdout.strip():
        rev += " (src/ modified)"
    return (f"Machine: {os.cpu_count()} vCPUs ({cpu}), {platform.system()} "
            f"{platform.release()}; release build of commit {rev}; `make bench-coview` on "
            f"{time.strftime('%Y-%m-%d %H:%M')}. The load generator (Python: one thread reads "
            f"every stream, the main thread sends the changes) runs on the same cores as the "
            f"server.")


def main():
    global AOBA
    args = [a for a in sys.argv[1:] if a != "--no-write"]
    binary = os.path.abspath(args[0] if args else REPO / "build" / "tsunagu")
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="tsunagu-coview-bench-"))
    data = tmp / "data"
    subprocess.run([binary, "init", "--demo", "--data-dir", str(data)], check=True,
                   capture_output=True)
    viewers = add_viewers(binary, data, max(VIEWERS))
    presenter = cli_token(binary, data, "minami-gh", "gh.sato")
    server = Server(binary, data, tmp)
    rows, ok = [], True
    try:
        AOBA = demo_id("org", "aoba-homecare")
        study = her_study(server.base, presenter)
        for n in VIEWERS:
            log(f"{n} viewers, {ROUNDS} changes every {INTERVAL_MS:.0f} ms")
            lat, skipped = run(server, presenter, viewers, study, n)
            p50, p95, p99 = pct(lat, 50), pct(lat, 95), pct(lat, 99)
            met = p95 < TARGET_P95_MS
            ok = ok and met
            rows.append(f"| {n} | {ROUNDS} | {len(lat):,} | {p50:.1f} | {p95:.1f} | {p99:.1f} | "
                        f"{max(lat):.1f} | {skipped} | {'yes' if met else '**no**'} |")
        # changes back to back (no throttle): the streams coalesce rather than queue
        n = max(VIEWERS)
        log(f"{n} viewers, {ROUNDS} changes back to back")
        lat, skipped = run(server, presenter, viewers, study, n, 0)
        burst = (f"| {n}, back to back | {ROUNDS} | {len(lat):,} | {pct(lat, 50):.1f} | "
                 f"{pct(lat, 95):.1f} | {pct(lat, 99):.1f} | {max(lat):.1f} | {skipped} | "
                 f"(no target) |")
    finally:
        server.stop()
        if os.environ.get("BENCH_KEEP") != "1":
            shutil.rmtree(tmp, ignore_errors=True)
    load = " ".join(open("/proc/loadavg").read().split()[:3])
    report = "\n".join([
        machine(binary) + f" Load average (1, 5, 15 min) at the end: {load}.", "",
        f"Each change is a PUT of the presenter's view state (about 250 bytes) to "
        f"`/api/coview/{{sid}}/view`, one every {INTERVAL_MS:.0f} ms (the viewer's throttle); "
        f"the latency runs from just before the PUT is sent to the arrival, on each viewer's "
        f"stream (`GET /api/coview/{{sid}}/stream`; each viewer a participant of its own, so "
        f"the state carries N + 1 participants), of the first state that carries the change or a later one. "
        f"\"coalesced\" counts the states a stream never saw because a newer one came first.",
        "",
        "| viewers | changes | deliveries | p50 ms | p95 ms | p99 ms | max ms | coalesced | "
        f"p95 < {TARGET_P95_MS:.0f} ms |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |", *rows, burst, "",
        "The last row sends the changes back to back, without the throttle (each PUT as soon as "
        "the previous one is answered): a stream that is busy when a change comes gets only "
        "the newest state when it runs again."])
    print(report)
    if "--no-write" not in sys.argv:
        subprocess.run([sys.executable, str(REPO / "bench" / "write_results.py"),
                        str(REPO / "docs" / "benchmarks.md"), "coview.py",
                        "Co-viewing (issue 15)", report], check=True)
        log("wrote the results into docs/benchmarks.md")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
