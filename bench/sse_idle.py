#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Idle event streams (issue 17: "the server holds 10,000 idle event streams with under 300 MB
RSS"). Standard library only.

Opens CONNECTIONS raw HTTP/1.1 connections to GET /api/events (API token), BATCH at a time, each
batch waited on until every stream of it has its response head and first bytes (": connected").
Then, with all of them open, reads the server's VmRSS and VmHWM from /proc/PID/status, times
PROBES ordinary API requests (--probe-path, on fresh connections, one at a time), waits until
every stream has had a heartbeat (all of them woken, their sessions checked again, and parked
again), reads the RSS once more and checks that every stream is still open. Prints one markdown
table; exits 1 when a stream was refused or ended, or a probe failed.

  bench/sse_idle.py --url http://127.0.0.1:8080 --token "$TOKEN" --pid $PID \\
      --connections 10000 --probe-path /api/me
"""
import argparse
import os
import resource
import selectors
import socket
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sse_load import percentile  # noqa: E402


def status_kb(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise SystemExit(f"no {field} for pid {pid}")


def raise_fd_limit(needed):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < needed:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        soft = hard
    if soft < needed:
        raise SystemExit(f"need {needed} descriptors, the hard limit is {hard}")


class Idle:
    """One idle event stream: notes its first bytes (after the response head) and counts
    heartbeats (": heartbeat" comments) in the chunked body."""

    def __init__(self, host, port, path, headers):
        self.sock = socket.create_connection((host, port), timeout=10)
        lines = [f"GET {path} HTTP/1.1", f"Host: {host}:{port}", "Accept: text/event-stream"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        self.raw = b""
        self.text = b""
        self.head_done = self.first_bytes = self.closed = False
        self.heartbeats = 0

    def feed(self, data):
        if not data:
            self.closed = True
            return
        self.raw += data
        if not self.head_done:
            head, sep, rest = self.raw.partition(b"\r\n\r\n")
            if not sep:
                return
            if b" 200 " not in head.split(b"\r\n", 1)[0]:
                raise SystemExit(f"subscription refused: {head[:200].decode(errors='replace')}")
            self.head_done, self.raw = True, rest
        while True:  # chunked: SIZE\r\nDATA\r\n
            size_line, sep, rest = self.raw.partition(b"\r\n")
            if not sep or len(rest) < int(size_line.split(b";")[0], 16) + 2:
                break
            size = int(size_line.split(b";")[0], 16)
            self.text += rest[:size]
            self.raw = rest[size + 2:]
            self.first_bytes = self.first_bytes or size > 0
            self.closed = self.closed or size == 0
        self.heartbeats += self.text.count(b": heartbeat\n")
        self.text = self.text[self.text.rfind(b"\n") + 1:]


def pump(sel, until, done):
    while time.monotonic() < until and not done():
        for key, _ in sel.select(timeout=0.05):
            sub = key.data
            try:
                data = sub.sock.recv(65536)
            except BlockingIOError:
                continue
            except ConnectionError:
                data = b""
            sub.feed(data)
            if sub.closed:
                sel.unregister(sub.sock)


def probe(host, port, path, headers):
    """One ordinary request on a fresh connection: (milliseconds, status)."""
    t0 = time.monotonic()
    with socket.create_connection((host, port), timeout=30) as s:
        lines = [f"GET {path} HTTP/1.1", f"Host: {host}:{port}", "Connection: close"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        s.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        raw = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            raw += chunk
    status = raw.split(b"\r\n", 1)[0].split(b" ")
    return (time.monotonic() - t0) * 1000, int(status[1]) if len(status) > 1 else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", default="http://127.0.0.1:8080")
    ap.add_argument("--token", required=True, help="API token (Authorization: Bearer)")
    ap.add_argument("--pid", type=int, required=True, help="the server's process id")
    ap.add_argument("--connections", type=int, default=10000)
    ap.add_argument("--batch", type=int, default=250)
    ap.add_argument("--probe-path", default="/api/me")
    ap.add_argument("--probes", type=int, default=20)
    ap.add_argument("--heartbeat-wait", type=float, default=60.0,
                    help="seconds to wait for every stream's heartbeat (0: skip)")
    args = ap.parse_args()
    raise_fd_limit(args.connections + 64)
    u = urllib.parse.urlparse(args.url)
    host, port = u.hostname, u.port or 80
    headers = {"Authorization": f"Bearer {args.token}"}
    rss_before = status_kb(args.pid, "VmRSS")
    sel = selectors.DefaultSelector()
    subs = []
    t_open = time.monotonic()
    while len(subs) < args.connections:
        batch = []
        for _ in range(min(args.batch, args.connections - len(subs))):
            sub = Idle(host, port, "/api/events", headers)
            sub.sock.setblocking(False)
            sel.register(sub.sock, selectors.EVENT_READ, sub)
            batch.append(sub)
        subs += batch
        pump(sel, time.monotonic() + 60,
             lambda: all(s.first_bytes or s.closed for s in batch))
        bad = [s for s in batch if s.closed or not s.first_bytes]
        if bad:
            raise SystemExit(f"stream {len(subs) - len(batch) + batch.index(bad[0]) + 1} "
                             f"got no first bytes (closed: {bad[0].closed})")
    open_s = time.monotonic() - t_open
    time.sleep(1)  # let the server settle (parked streams, freed request buffers)
    pump(sel, time.monotonic() + 0.2, lambda: False)
    rss_open, hwm_open = status_kb(args.pid, "VmRSS"), status_kb(args.pid, "VmHWM")
    fds = len(os.listdir(f"/proc/{args.pid}/fd"))
    probes = []
    for _ in range(args.probes):
        ms, code = probe(host, port, args.probe_path, headers)
        if code != 200:
            raise SystemExit(f"probe {args.probe_path} answered {code}")
        probes.append(ms)
        pump(sel, time.monotonic() + 0.02, lambda: False)
    rss_hb = None
    if args.heartbeat_wait > 0:
        base = [s.heartbeats for s in subs]
        pump(sel, time.monotonic() + args.heartbeat_wait,
             lambda: all(s.heartbeats > b for s, b in zip(subs, base)))
        if not all(s.heartbeats > b for s, b in zip(subs, base)):
            missing = sum(1 for s, b in zip(subs, base) if s.heartbeats == b)
            raise SystemExit(f"{missing} streams had no heartbeat in {args.heartbeat_wait} s")
        time.sleep(0.5)
        rss_hb = status_kb(args.pid, "VmRSS")
    closed = sum(1 for s in subs if s.closed)
    hwm = status_kb(args.pid, "VmHWM")
    per_stream = (rss_open - rss_before) / len(subs)
    print("| streams | open in s | server fds | RSS before MB | RSS with all open MB |"
          " per stream KiB | RSS after a heartbeat round MB | peak RSS MB | probe | probe p50 ms |"
          " probe max ms | streams ended |\n"
          "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    print(f"| {len(subs)} | {open_s:.1f} | {fds} | {rss_before / 1024:.1f} | {rss_open / 1024:.1f} | "
          f"{per_stream:.1f} | {'–' if rss_hb is None else f'{rss_hb / 1024:.1f}'} | "
          f"{max(hwm, hwm_open) / 1024:.1f} | `GET {args.probe_path}` ×{len(probes)} | "
          f"{percentile(probes, 50):.1f} | {max(probes):.1f} | {closed} |")
    for s in subs:
        s.sock.close()
    return 0 if closed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
