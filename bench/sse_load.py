#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Event fan-out benchmark (issue 4: "a status change reaches 500 open SSE subscribers with
p99 < 100 ms"). Standard library only.

Opens CONNECTIONS raw HTTP/1.1 connections to GET /api/events (with a session cookie or an API
token), then ROUNDS times runs the --trigger shell command, which must cause one event that every
subscriber receives (e.g. a curl that changes an organisation's status), and records, for every
connection, the time from the trigger's start to the arrival of the event. The latency therefore
includes the trigger request itself (reported separately). Prints percentiles as markdown.
"{round}" in the trigger becomes the round's number (0, 1, …), for a trigger that must differ
each time. The script raises its own soft file-descriptor limit as far as it needs.

  bench/sse_load.py --url http://127.0.0.1:8080 --token "$TOKEN" --connections 500 \\
      --event directory.status --trigger 'curl -s -X PUT ... /api/directory/...'
"""
import argparse
import resource
import selectors
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse


class Subscriber:
    """One SSE connection: decodes chunked transfer encoding and counts events of a name."""

    def __init__(self, host, port, path, headers):
        self.sock = socket.create_connection((host, port), timeout=10)
        lines = [f"GET {path} HTTP/1.1", f"Host: {host}:{port}", "Accept: text/event-stream"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        self.raw = b""
        self.text = b""
        self.head_done = False
        self.arrivals = []  # monotonic times of matching events
        self.closed = False

    def feed(self, data, event_name, now):
        if not data:
            self.closed = True
            return
        self.raw += data
        if not self.head_done:
            head, sep, rest = self.raw.partition(b"\r\n\r\n")
            if not sep:
                return
            status = head.split(b"\r\n", 1)[0]
            if b" 200 " not in status:
                raise SystemExit(f"subscription refused: {status.decode(errors='replace')}")
            self.head_done, self.raw = True, rest
        while True:  # chunked: SIZE\r\nDATA\r\n
            size_line, sep, rest = self.raw.partition(b"\r\n")
            if not sep:
                break
            size = int(size_line.split(b";")[0], 16)
            if len(rest) < size + 2:
                break
            self.text += rest[:size]
            self.raw = rest[size + 2:]
            if size == 0:
                self.closed = True
        while b"\n\n" in self.text:
            block, _, self.text = self.text.partition(b"\n\n")
            names = [ln[6:].strip() for ln in block.split(b"\n") if ln.startswith(b"event:")]
            if names and (event_name is None or names[0].decode() == event_name):
                self.arrivals.append(now)


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def pump(sel, event_name, until):
    while time.monotonic() < until():
        for key, _ in sel.select(timeout=0.05):
            sub = key.data
            try:
                data = sub.sock.recv(65536)
            except BlockingIOError:
                continue
            sub.feed(data, event_name, time.monotonic())
            if sub.closed:
                sel.unregister(sub.sock)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", default="http://127.0.0.1:8080")
    ap.add_argument("--token", help="API token (Authorization: Bearer)")
    ap.add_argument("--cookie", help="tsunagu_session cookie value")
    ap.add_argument("--connections", type=int, default=500)
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--topics", help="?topics= of the subscription")
    ap.add_argument("--event", help="event name to wait for (default: any)")
    ap.add_argument("--trigger", required=True, help="shell command that causes one event")
    ap.add_argument("--timeout", type=float, default=10.0, help="per round, seconds")
    args = ap.parse_args()
    u = urllib.parse.urlparse(args.url)
    headers = {}
    if args.token:
        headers["Authorization"] = f"Bearer {args.token}"
    if args.cookie:
        headers["Cookie"] = f"tsunagu_session={args.cookie}"
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < args.connections + 64:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    path = "/api/events" + (f"?topics={args.topics}" if args.topics else "")
    sel = selectors.DefaultSelector()
    subs = []
    for _ in range(args.connections):
        sub = Subscriber(u.hostname, u.port or 80, path, headers)
        sub.sock.setblocking(False)
        sel.register(sub.sock, selectors.EVENT_READ, sub)
        subs.append(sub)
    started = time.monotonic()  # wait for every subscription's response head
    pump(sel, args.event, lambda: 0 if all(s.head_done for s in subs) else started + 30)
    latencies, trigger_ms = [], []
    for rnd in range(args.rounds):
        before = [len(s.arrivals) for s in subs]
        t0 = time.monotonic()
        subprocess.run(args.trigger.replace("{round}", str(rnd)), shell=True, check=True,
                       stdout=subprocess.DEVNULL)
        trigger_ms.append((time.monotonic() - t0) * 1000)
        deadline = t0 + args.timeout
        pump(sel, args.event, lambda: deadline if any(
            len(s.arrivals) == n and not s.closed for s, n in zip(subs, before)) else 0)
        for s, n in zip(subs, before):
            if len(s.arrivals) > n:
                latencies.append((s.arrivals[n] - t0) * 1000)
    missed = args.rounds * len(subs) - len(latencies)
    print(f"| subscribers | rounds | deliveries | missed | p50 ms | p95 ms | p99 ms | max ms |"
          f" trigger p50 ms |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    if latencies:
        print(f"| {len(subs)} | {args.rounds} | {len(latencies)} | {missed} | "
              f"{percentile(latencies, 50):.1f} | {percentile(latencies, 95):.1f} | "
              f"{percentile(latencies, 99):.1f} | {max(latencies):.1f} | "
              f"{statistics.median(trigger_ms):.1f} |")
    return 0 if missed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
