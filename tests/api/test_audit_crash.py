# SPDX-License-Identifier: Apache-2.0
"""The audit trail when the server dies at any moment (issue 18). Readers and writers work on one
server until a random number of answers has come back, and the server is killed (SIGKILL) with
requests still in flight; it is started again on the same data directory, and that is done three
times. Then:
- the chain is intact (`tsunagu audit verify`), and the index holds every record of the log;
- every answered request has exactly one record, and no request has two;
- every answered write's patient exists and its record says committed;
- a write's record that says not committed is of a patient that does not exist: the record was
  logged before the commit that the kill cut short (the log comes first, then the data)."""
import collections
import json
import os
import random
import shutil
import signal
import sqlite3
import threading
import uuid

import requests

import helpers
from helpers import YAMADA_HANAKO

ROUNDS = 3
READERS = ("gh.sato", "aoba.tanaka")
WRITER = "aoba.tanaka"
PREFIX = "CRASH-"


class Load:
    """Clients that read and write until the server dies; answered holds what was answered."""

    def __init__(self, server, kill_after):
        self.server = server
        self.kill_after = kill_after
        self.answered = []  # (kind, request id, local id of a created patient or None)
        self.lock = threading.Lock()
        self.killed = threading.Event()

    def note(self, kind, response, local=None):
        with self.lock:
            self.answered.append((kind, response.headers["X-Request-Id"], local))
            if len(self.answered) == self.kill_after and not self.killed.is_set():
                os.kill(self.server.proc.pid, signal.SIGKILL)
                self.killed.set()

    def reader(self, login_name):
        s = helpers.login(self.server, login_name)
        while not self.killed.is_set():
            try:
                r = s.get(f"/api/patients/{YAMADA_HANAKO}", timeout=30)
            except requests.RequestException:
                return
            assert r.status_code == 200, r.text
            self.note("read", r)

    def writer(self):
        s = helpers.login(self.server, WRITER)
        while not self.killed.is_set():
            local = f"{PREFIX}{uuid.uuid4().hex[:12]}"
            try:
                r = s.post("/api/patients", json=helpers.new_patient_body(local), timeout=30)
            except requests.RequestException:
                return
            assert r.status_code == 201, r.text
            self.note("write", r, local)

    def run(self):
        threads = [threading.Thread(target=self.reader, args=(name,)) for name in READERS]
        threads += [threading.Thread(target=self.writer) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert self.killed.is_set(), "the server was killed while the clients worked"
        self.server.proc.wait(timeout=30)
        self.server.stop()
        self.server.cleanup()


def log_records(data_dir):
    with open(os.path.join(data_dir, "audit.log"), encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def test_killed_at_random_the_trail_stays_whole_and_says_what_committed():
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    data_dir = helpers.init_data_dir()
    try:
        answered = []
        for _ in range(ROUNDS):
            server = helpers.Server(data_dir, own_data_dir=False)
            load = Load(server, kill_after=rng.randint(40, 400))
            load.run()
            answered += load.answered
        # started once more: it cuts an unfinished record and indexes what the log holds
        server = helpers.Server(data_dir, own_data_dir=False)
        server.wait_audit_indexed()
        helpers.finish(server)

        r = helpers.run_cli("audit", "verify", "--data-dir", data_dir)
        assert r.returncode == 0, f"seed {seed}: {r.stdout}{r.stderr}"
        assert "not yet indexed" not in r.stdout, r.stdout

        records = log_records(data_dir)
        per_request = collections.Counter(rec["request_id"] for rec in records
                                          if rec["request_id"])
        twice = [rid for rid, n in per_request.items() if n > 1]
        assert not twice, f"seed {seed}: requests with more than one record: {twice[:5]}"
        for kind, rid, _ in answered:
            assert per_request[rid] == 1, f"seed {seed}: the answered {kind} {rid} has no record"

        db = sqlite3.connect(os.path.join(data_dir, "tsunagu.db"))
        committed = dict(db.execute("SELECT seq, committed FROM audit").fetchall())
        created = {row[0]: row[1] for row in db.execute(
            "SELECT l.local_id, p.id FROM patients p JOIN patient_local_ids l "
            "ON l.patient_id = p.id WHERE l.local_id LIKE ?", (PREFIX + "%",))}
        db.close()
        assert len(committed) == len(records), "the index holds every record of the log"
        writes = {rec["request_id"]: rec for rec in records
                  if rec["action"] == "C" and rec["object_type"] == "patient"
                  and rec["request_id"]}
        for kind, rid, local in answered:
            if kind == "write":
                assert local in created, f"seed {seed}: the answered write {rid} is lost"
                assert committed[writes[rid]["seq"]] == 1
        not_committed = [rec for rec in writes.values() if committed[rec["seq"]] == 0]
        created_ids = set(created.values())
        for rec in not_committed:
            assert rec["object_id"] not in created_ids, \
                f"seed {seed}: record {rec['seq']} says not committed, yet the patient exists"
        assert len(created) == len(writes) - len(not_committed), f"seed {seed}"
        print(f"seed {seed}: {len(answered)} answered, {len(records)} records, "
              f"{len(writes)} writes logged, {len(not_committed)} not committed")
        assert any(kind == "write" for kind, _, _ in answered), "writes were answered"
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
