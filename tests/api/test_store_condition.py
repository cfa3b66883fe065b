# SPDX-License-Identifier: Apache-2.0
"""When the disk is full (issue 11): /api/health says so (503 with the reason), a refused write
says why (store.full, not audit.failure), nothing half-written stays, and everything works again
once there is room. The server runs in a mount namespace of its own, on a small tmpfs the test
fills (util-linux unshare; root in CI, or a user namespace). (A read-only file system cannot be
made under a server that holds its files open for writing; its code path is the same.)"""
import errno
import os
import shutil
import tempfile

import pytest

import helpers
from fhir_helpers import observation
from helpers import YAMADA_HANAKO, assert_problem

P = YAMADA_HANAKO
MIB = 1024 * 1024


@pytest.fixture
def tmpfs_server():
    """A demo server whose data directory lies on a tmpfs with 24 MiB to spare."""
    source = helpers.init_data_dir()
    size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(source) for f in fs)
    mount = tempfile.mkdtemp(prefix="tsunagu-tmpfs-")
    script = ('mount -t tmpfs -o size={} tsunagu-test "$1" && cp -a "$2/." "$1/data" && '
              'shift 2 && exec "$@"').format(size + 24 * MIB)
    userns = [] if os.geteuid() == 0 else ["-r"]
    wrapper = ["unshare", *userns, "-m", "--propagation", "private", "sh", "-c", script, "sh",
               mount, source]
    server = helpers.Server(source, wrapper=wrapper, serve_dir=f"{mount}/data")
    server.inside = f"/proc/{server.proc.pid}/root{mount}"
    # what this test provokes: a full disk, said as such (anything else 5xx still fails it)
    server.expected_5xx = lambda r: r.get("error") == "store.full" or (
        r["route"] == "/api/health" and r["status"] == 503)
    server.mount = mount
    try:
        yield server
    finally:
        helpers.finish(server)
        shutil.rmtree(mount, ignore_errors=True)


def fill(server):
    """Writes a file into the server's tmpfs until the disk is full; returns its path."""
    path = f"{server.inside}/filler"
    chunk = b"\0" * MIB
    with open(path, "wb") as f:
        while True:
            try:
                f.write(chunk)
                f.flush()
            except OSError as e:
                assert e.errno == errno.ENOSPC, e
                break
    return path


def health(server):
    r = server.anon().get("/api/health")
    return r.status_code, r.json()


def test_a_full_disk_is_reported_and_nothing_is_half_written(tmpfs_server):
    server = tmpfs_server
    sato = server.session("gh.sato")
    assert health(server) == (200, {"status": "ok"})
    phone = sato.get(f"/api/patients/{P}").json()["phone"]
    observations = sato.get("/fhir/Observation", params={"patient": P,
                                                         "_summary": "count"}).json()["total"]
    filler = fill(server)
    status, body = health(server)
    assert status == 503 and body["status"] == "unavailable" and body["reason"] == "store.full"
    assert "ディスク" in body["message"]
    # a write, and a read whose audit record cannot be written: store.full, not audit.failure
    r = sato.post("/fhir/Observation", json=observation(P))
    assert r.status_code == 507 and "store.full" in r.text, r.text
    assert_problem(sato.patch(f"/api/patients/{P}", json={"phone": "099-555-1212"}), 507,
                   "store.full")
    # A read answers only once its record is in the audit log. The log may still have room in
    # its last page (a few records' worth): reads go on until that is used up, then fail.
    for _ in range(100):
        r = sato.get(f"/api/patients/{P}")
        if r.status_code != 200:
            break
    assert_problem(r, 507, "store.full")
    # room again: everything works, and the failures left nothing behind
    os.unlink(filler)
    assert health(server) == (200, {"status": "ok"})
    assert sato.get(f"/api/patients/{P}").json()["phone"] == phone
    assert sato.get("/fhir/Observation", params={"patient": P, "_summary": "count"}).json()[
        "total"] == observations
    assert sato.post("/fhir/Observation", json=observation(P)).status_code == 201
    # the server's log says why writes failed, and that they work again
    assert "writes work again" in server.stderr()
    assert "writes fail: the data directory's disk is full" in server.stderr()
