# SPDX-License-Identifier: Apache-2.0
"""How many connections the server holds at once (issue 17: 10,000 idle event streams):
`--max-connections` (default 16384) bounds them, the soft file-descriptor limit is raised to
the hard one at start, and a hard limit too low for the connection limit lowers it, with a
warning. An event stream gives back its request's memory once it is answered, and is still
logged when it ends. docs/operations.md, "Connections"."""
import resource
import select
import socket

import helpers
from test_events import HEARTBEAT, Stream

DEADLINE = 30  # seconds (sanitizer builds are slow)
HEALTH = b"GET /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"


def raise_own_fd_limit(needed):
    """Raises this process's soft limit to the hard one, which must allow needed descriptors
    (the machine running the tests must let a process open that many: `ulimit -Hn`)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    assert hard == resource.RLIM_INFINITY or hard >= needed, (
        f"the test needs {needed} file descriptors, the hard limit is {hard}")
    if soft != resource.RLIM_INFINITY and soft < needed:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def answered(conn, timeout):
    """The status line of the answer to what was sent on conn, or None if none comes in time."""
    poll = select.poll()  # select() stops at descriptor 1023
    poll.register(conn, select.POLLIN)
    if not poll.poll(timeout * 1000):
        return None
    head = b""
    conn.settimeout(timeout)
    while b"\r\n" not in head:
        chunk = conn.recv(4096)
        if not chunk:
            break
        head += chunk
    return head.split(b"\r\n", 1)[0]


def logged(server, event):
    """The server's log records of event, waited for (info lines are written up to 100 ms late)."""
    return helpers.wait_until(lambda: [r for r in server.log_records() if r.get("event") == event],
                              DEADLINE, f"a log record {event}")


def soft_and_hard_fd_limits(pid):
    with open(f"/proc/{pid}/limits") as f:
        line = next(ln for ln in f if ln.startswith("Max open files"))
    soft, hard = line.split()[3:5]
    return soft, hard


def test_more_than_4096_connections_at_once(server):
    """Before issue 17 MHD held 4096 connections: the next ones waited unanswered."""
    count = 4200
    raise_own_fd_limit(count + 600)  # the server's limit keeps 512 for itself
    idle = []
    try:
        for _ in range(count):
            idle.append(socket.create_connection(("127.0.0.1", server.port), timeout=DEADLINE))
        idle[-1].sendall(HEALTH)  # the last one in, behind 4199 others
        assert answered(idle[-1], DEADLINE) == b"HTTP/1.1 200 OK"
        r = server.session("gh.sato").get(f"/api/patients/{helpers.YAMADA_HANAKO}")
        assert r.status_code == 200, r.text
    finally:
        for conn in idle:
            conn.close()


def test_max_connections_bounds_the_connections_held(start_server):
    s = start_server("--max-connections", "16", "--workers", "1")
    idle = [socket.create_connection(("127.0.0.1", s.port), timeout=DEADLINE) for _ in range(16)]
    extra = socket.create_connection(("127.0.0.1", s.port), timeout=DEADLINE)
    try:
        extra.sendall(HEALTH)
        assert answered(extra, 1.0) is None  # waits, unaccepted, while 16 are held
        for conn in idle:
            conn.close()
        assert answered(extra, DEADLINE) == b"HTTP/1.1 200 OK"
    finally:
        extra.close()
    assert "up to 16 connections" in logged(s, "serve.started")[0]["msg"]


def test_the_soft_fd_limit_is_raised_to_the_hard_one(start_server):
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    assert hard == resource.RLIM_INFINITY or hard > 256, f"the hard limit is {hard}"
    s = start_server(wrapper=("sh", "-c", 'ulimit -Sn 256 && exec "$@"', "sh"))
    soft, hard_seen = soft_and_hard_fd_limits(s.proc.pid)
    assert soft == hard_seen and soft != "256"
    assert "raised from 256 to" in logged(s, "serve.fd_limit")[0]["msg"]


def test_a_low_hard_fd_limit_lowers_the_connection_limit(start_server):
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    assert hard == resource.RLIM_INFINITY or hard >= 1024, f"the hard limit is {hard}"
    s = start_server(wrapper=("sh", "-c", 'ulimit -Sn 1024 && ulimit -Hn 1024 && exec "$@"',
                              "sh"))
    assert soft_and_hard_fd_limits(s.proc.pid) == ("1024", "1024")
    [warned] = logged(s, "serve.max_connections")
    assert warned["level"] == "warn" and "512 connections at most, not 16384" in warned["msg"]
    assert "up to 512 connections" in logged(s, "serve.started")[0]["msg"]
    assert s.anon().get("/api/health").status_code == 200


def test_an_event_stream_is_logged_when_it_ends(start_server):
    s = start_server(*HEARTBEAT)  # a closed stream is noticed at its next heartbeat
    stream = Stream(s.session("aoba.tanaka"), "/api/events?topics=notification")
    request_id = stream.response.headers["X-Request-Id"]
    stream.events_until_heartbeats(2)  # parked and woken again, long after its answer left
    stream.close()
    [record] = helpers.wait_until(
        lambda: [r for r in s.log_records() if r.get("request_id") == request_id], DEADLINE,
        "the access-log record of the stream")
    assert record["event"] == "http.access" and record["method"] == "GET"
    assert record["path"] == record["route"] == "/api/events" and record["status"] == 200
    assert record["user_id"] == helpers.user_id("aoba.tanaka")
    assert record["client"] == "127.0.0.1" and record["ms"] >= 1000
