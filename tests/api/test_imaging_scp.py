# SPDX-License-Identifier: Apache-2.0
"""The DICOM C-STORE SCP (`tsunagu serve --dicom-port`): dcmtk's echoscu and storescu against the
real server; the AE title registry (`tsunagu imaging ae`); malformed PDUs sent by hand."""
import os
import re
import socket
import struct
import subprocess
import tempfile
import uuid

import pydicom
import pytest
from pydicom.data import get_testdata_file

import helpers

GH_AET = "MINAMI-GH"  # registered for minami-gh by the demo (src/imaging/demo.c)
ECHO = "1.2.840.10008.1.1"
CT_STORAGE = "1.2.840.10008.5.1.4.1.1.2"
EXPLICIT_LE = "1.2.840.10008.1.2.1"


def new_uid():
    return f"2.25.{uuid.uuid4().int}"


def sample(name, patient_id, path_dir, patient_name="Test^Scp", study_uid=None):
    """A pydicom sample file with new UIDs and the given PatientID, written to path_dir."""
    ds = pydicom.dcmread(get_testdata_file(name))
    ds.PatientID = patient_id
    ds.PatientName = patient_name
    ds.StudyInstanceUID = study_uid or new_uid()
    ds.SeriesInstanceUID = new_uid()
    ds.SOPInstanceUID = new_uid()
    ds.file_meta.MediaStorageSOPInstanceUID = ds.SOPInstanceUID
    if "IssuerOfPatientID" in ds:
        del ds.IssuerOfPatientID
    path = os.path.join(path_dir, f"{ds.SOPInstanceUID}.dcm")
    ds.save_as(path, write_like_original=False)
    return path, ds


def run_tool(*args):
    env = dict(os.environ, TCP_NODELAY="1")
    return subprocess.run(list(map(str, args)), capture_output=True, text=True, timeout=60,
                          env=env)


def storescu(port, aet, *files, options=()):
    return run_tool("storescu", "-aet", aet, "-aec", "TSUNAGU", "-R", *options, "127.0.0.1", port,
                    *files)


def instances(server, sop_uid):
    return server.query("SELECT i.*, s.patient_id, s.org_id, s.reconciliation FROM "
                        "imaging_instances i JOIN imaging_studies s USING (study_uid) "
                        "WHERE i.sop_instance_uid = ?", (sop_uid,))


def count_instances(server):
    return server.query("SELECT COUNT(*) AS n FROM imaging_instances")[0]["n"]


class Dicom:
    """A server with the demo region and the SCP on a port the server picks (--dicom-port 0,
    read from its log)."""

    def __init__(self, start_server, *extra):
        self.server = start_server("--dicom-port", 0, *extra)
        self.port = helpers.wait_until(self._port, 10, "the dicom.started log line")

    def _port(self):
        for record in self.server.log_records():
            if record.get("event") == "dicom.started":
                return int(re.search(r":(\d+) \(", record["msg"]).group(1))
        return None


@pytest.fixture
def dicom(start_server):
    return Dicom(start_server)


@pytest.fixture
def workdir():
    with tempfile.TemporaryDirectory(prefix="tsunagu-scp-") as d:
        yield d


# ---- raw upper layer, for what dcmtk will not send ----------------------------------------------

def item(kind, value):
    return bytes([kind, 0]) + struct.pack(">H", len(value)) + value


def pdu(kind, body):
    return bytes([kind, 0]) + struct.pack(">I", len(body)) + body


def associate_rq(calling, contexts=((1, CT_STORAGE, EXPLICIT_LE),)):
    body = struct.pack(">HH", 1, 0) + b"TSUNAGU".ljust(16) + calling.encode().ljust(16)
    body += bytes(32) + item(0x10, b"1.2.840.10008.3.1.1.1")
    for cid, abstract, ts in contexts:
        body += item(0x20, bytes([cid, 0, 0, 0]) + item(0x30, abstract.encode()) +
                     item(0x40, ts.encode()))
    body += item(0x50, item(0x51, struct.pack(">I", 16384)))
    return pdu(1, body)


def read_pdu(sock):
    header = recv_exact(sock, 6)
    if header is None:
        return None, None
    body = recv_exact(sock, struct.unpack(">I", header[2:])[0])
    return header[0], body


def recv_exact(sock, n):
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def connect(port):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def closed(sock):
    """True once the server has closed the connection (after anything it still sends)."""
    try:
        while sock.recv(4096):
            pass
        return True
    except ConnectionResetError:
        return True


def command_set(elements):
    body = b"".join(struct.pack("<HHI", 0, tag, len(v)) + v for tag, v in elements)
    return struct.pack("<HHI", 0, 0, 4) + struct.pack("<I", len(body)) + body


def pdv(cid, control, data):
    return struct.pack(">I", len(data) + 2) + bytes([cid, control]) + data


# ---- tests ------------------------------------------------------------------------------------

def test_echo(dicom):
    r = run_tool("echoscu", "-aet", GH_AET, "-aec", "TSUNAGU", "127.0.0.1", dicom.port)
    assert r.returncode == 0, r.stdout + r.stderr


def test_store_links_to_the_patient_and_is_audited(dicom, workdir):
    path, ds = sample("CT_small.dcm", "GH-000001", workdir)
    r = storescu(dicom.port, GH_AET, path)
    assert r.returncode == 0, r.stdout + r.stderr
    [row] = instances(dicom.server, ds.SOPInstanceUID)
    assert row["patient_id"] == helpers.YAMADA_HANAKO
    assert row["org_id"] == helpers.org_id("minami-gh")
    assert row["reconciliation"] == "linked"
    assert row["transfer_syntax_uid"] == EXPLICIT_LE
    # kept as Part 10: File Meta naming the accepted transfer syntax, then the data set as sent
    key = row["blob_key"]
    with open(os.path.join(dicom.server.data_dir, "blobs", key[:2], key), "rb") as f:
        stored = pydicom.dcmread(f)
    assert stored.file_meta.TransferSyntaxUID == EXPLICIT_LE
    assert stored.file_meta.MediaStorageSOPInstanceUID == ds.SOPInstanceUID
    assert stored.file_meta.SourceApplicationEntityTitle == GH_AET
    assert stored.SOPInstanceUID == ds.SOPInstanceUID and stored.PixelData == ds.PixelData
    [audit] = helpers.audit_rows(dicom.server, "event_id = 'imaging.store' AND object_id = ?",
                                 (ds.StudyInstanceUID,))
    assert audit["client"].startswith(f"dicom:{GH_AET}@127.0.0.1")
    assert audit["org_id"] == helpers.org_id("minami-gh")
    assert audit["user_login"] == f"dicom:{GH_AET}"
    assert audit["patient_id"] == helpers.YAMADA_HANAKO


def test_store_implicit_vr_and_one_association_for_many(dicom, workdir):
    study = new_uid()
    paths = [sample(name, "GH-000002", workdir, study_uid=study)
             for name in ("MR_small_implicit.dcm", "MR_small.dcm", "CT_small.dcm")]
    # -xi: storescu proposes (and converts every file to) implicit VR little endian only
    r = storescu(dicom.port, GH_AET, *[p for p, _ in paths], options=["-xi"])
    assert r.returncode == 0, r.stdout + r.stderr
    for _, ds in paths:
        [row] = instances(dicom.server, ds.SOPInstanceUID)
        assert row["transfer_syntax_uid"] == "1.2.840.10008.1.2"
        key = row["blob_key"]
        stored = pydicom.dcmread(os.path.join(dicom.server.data_dir, "blobs", key[:2], key))
        assert stored.file_meta.TransferSyntaxUID == "1.2.840.10008.1.2"
        assert stored.is_implicit_VR and stored.PixelData == ds.PixelData
    [study_row] = dicom.server.query("SELECT * FROM imaging_studies WHERE study_uid = ?", (study,))
    assert study_row["number_of_instances"] == 3
    assert study_row["patient_id"] == helpers.patient_id(1)


def test_unknown_patient_waits_and_resend_is_idempotent(dicom, workdir):
    path, ds = sample("MR_small.dcm", "GH-UNKNOWN-9", workdir)
    for _ in range(2):
        r = storescu(dicom.port, GH_AET, path)
        assert r.returncode == 0, r.stdout + r.stderr
    [row] = instances(dicom.server, ds.SOPInstanceUID)
    assert row["reconciliation"] == "waiting" and row["patient_id"] is None


def test_unknown_calling_ae_is_rejected_and_stores_nothing(dicom, workdir):
    path, _ = sample("CT_small.dcm", "GH-000001", workdir)
    before = count_instances(dicom.server)
    r = run_tool("echoscu", "-aet", "NOBODY", "-aec", "TSUNAGU", "127.0.0.1", dicom.port)
    assert r.returncode != 0 and "Calling AE Title Not Recognized" in r.stdout + r.stderr
    r = storescu(dicom.port, "NOBODY", path)
    assert r.returncode != 0
    assert count_instances(dicom.server) == before
    # audited like a failed sign-in
    refused = helpers.audit_rows(dicom.server, "event_id = 'dicom.associate'")
    assert len(refused) == 2
    assert all(a["outcome"] == 8 and a["user_login"] == "dicom:NOBODY" and
               a["client"].startswith("dicom:NOBODY@127.0.0.1") and a["patient_id"] is None
               for a in refused)


def test_ae_registry_cli(dicom, workdir):
    data = ["--data-dir", dicom.server.data_dir]
    r = helpers.run_cli("imaging", "ae", "add", "--org", "sakura-clinic", "--aet", "SAKURA-US",
                        "--description", "エコー", *data)
    assert r.returncode == 0, r.stderr
    listed = helpers.run_cli("imaging", "ae", "list", "--org", "sakura-clinic", *data)
    assert "SAKURA-US" in listed.stdout and "エコー" in listed.stdout
    again = helpers.run_cli("imaging", "ae", "add", "--org", "minami-gh", "--aet", "SAKURA-US",
                            *data)
    assert again.returncode == 1 and "registered already" in again.stderr
    assert helpers.run_cli("imaging", "ae", "add", "--org", "nowhere", "--aet", "X",
                           *data).returncode == 1
    for bad in ("", "A\\B", " LEADING", "SEVENTEEN-CHARS-X", "CT ROOM"):
        assert helpers.run_cli("imaging", "ae", "add", "--org", "minami-gh", "--aet", bad,
                               *data).returncode == 2, bad
    path, ds = sample("MR_small.dcm", "SC-0001", workdir)
    assert storescu(dicom.port, "SAKURA-US", path).returncode == 0
    [row] = instances(dicom.server, ds.SOPInstanceUID)
    assert row["org_id"] == helpers.org_id("sakura-clinic")
    assert row["patient_id"] == helpers.patient_id(1)  # SC-0001 at sakura-clinic
    assert helpers.run_cli("imaging", "ae", "remove", "--aet", "SAKURA-US", *data).returncode == 0
    r = run_tool("echoscu", "-aet", "SAKURA-US", "-aec", "TSUNAGU", "127.0.0.1", dicom.port)
    assert r.returncode != 0
    assert helpers.run_cli("imaging", "ae", "remove", "--aet", "SAKURA-US",
                           *data).returncode == 1
    events = {a["event_id"] for a in helpers.audit_rows(
        dicom.server, "object_type = 'dicom_ae' AND object_id = 'SAKURA-US'")}
    assert events == {"cli.imaging_ae_add", "cli.imaging_ae_remove", "dicom.associate"}


def test_a_title_pinned_to_an_address_calls_only_from_it(dicom):
    admin = dicom.server.session("gh.admin")
    for aet, host in (("GH-FAR", "127.0.0.2"), ("GH-NEAR", "127.0.0.1")):
        r = admin.post("/api/imaging/ae-titles", json={"aet": aet, "host": host})
        assert r.status_code == 201 and r.json()["host"] == host
    far = run_tool("echoscu", "-aet", "GH-FAR", "-aec", "TSUNAGU", "127.0.0.1", dicom.port)
    assert far.returncode != 0 and "Calling AE Title Not Recognized" in far.stdout + far.stderr
    near = run_tool("echoscu", "-aet", "GH-NEAR", "-aec", "TSUNAGU", "127.0.0.1", dicom.port)
    assert near.returncode == 0
    listed = {a["aet"]: a["host"] for a in admin.get("/api/imaging/ae-titles").json()["items"]}
    assert listed["GH-FAR"] == "127.0.0.2" and listed[GH_AET] == ""
    data = ["--data-dir", dicom.server.data_dir]
    r = helpers.run_cli("imaging", "ae", "add", "--org", "minami-gh", "--aet", "GH-CLI",
                        "--host", "::1", *data)
    assert r.returncode == 0, r.stderr
    assert "::1" in helpers.run_cli("imaging", "ae", "list", "--org", "minami-gh", *data).stdout
    assert helpers.run_cli("imaging", "ae", "add", "--org", "minami-gh", "--aet", "GH-CLI2",
                           "--host", "ct-room-2", *data).returncode == 2


def test_not_dicom_at_all_is_aborted(dicom):
    with connect(dicom.port) as s:
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        kind, _ = read_pdu(s)
        assert kind in (None, 7)  # A-ABORT, then closed
        assert closed(s)


def store_command(sop_uid, message_id=7):
    padded = sop_uid + ("\0" if len(sop_uid) % 2 else "")
    return command_set([(0x0002, CT_STORAGE.encode()), (0x0100, struct.pack("<H", 1)),
                        (0x0110, struct.pack("<H", message_id)), (0x0700, struct.pack("<H", 0)),
                        (0x0800, struct.pack("<H", 0)), (0x1000, padded.encode())])


def data_set_bytes(path):
    """The data set of a Part 10 file, after its File Meta (what C-STORE carries)."""
    with open(path, "rb") as f:
        raw = f.read()
    return raw[132 + 12 + struct.unpack("<I", raw[140:144])[0]:]


def test_malformed_pdu_closes_the_association_and_changes_nothing(dicom, workdir):
    before = helpers.store_snapshot(dicom.server)
    path, ds = sample("CT_small.dcm", "GH-000001", workdir)
    cmd, body = store_command(ds.SOPInstanceUID), data_set_bytes(path)
    started = pdu(4, pdv(1, 3, cmd)) + pdu(4, pdv(1, 0, body[:64]))  # a C-STORE under way
    cases = [
        (started, pdu(4, struct.pack(">I", 1_000_000) + bytes([1, 2]) + body[64:80])),  # PDV
        (started, pdu(4, pdv(3, 2, body[64:]))),           # a context never proposed
        (started, pdu(4, pdv(1, 3, cmd))),                 # a command while its data is due
        (b"", pdu(4, pdv(1, 2, body))),                    # a data set without its command
        (b"", pdu(4, pdv(1, 3, cmd[:-3]))),                # a truncated command set
        (started, bytes([4, 0, 0xFF, 0xFF, 0xFF, 0xF0])),  # PDU length 0xFFFFFFF0
        (started, pdu(9, bytes(4))),                       # no such PDU type
        (b"", pdu(4, b"")),                                # a P-DATA-TF without a PDV
        (started, associate_rq(GH_AET)),                   # a second A-ASSOCIATE-RQ
    ]
    for prefix, bad in cases:
        with connect(dicom.port) as s:
            s.sendall(associate_rq(GH_AET))
            kind, _ = read_pdu(s)
            assert kind == 2  # A-ASSOCIATE-AC
            s.sendall(prefix + bad)
            kind, _ = read_pdu(s)
            assert kind == 7, bad[:16]  # A-ABORT
            assert closed(s)
    assert helpers.store_snapshot(dicom.server) == before
    assert instances(dicom.server, ds.SOPInstanceUID) == []


def test_a_damaged_data_set_fails_alone(dicom, workdir):
    path, ds = sample("CT_small.dcm", "GH-000001", workdir)
    body = data_set_bytes(path)
    with connect(dicom.port) as s:
        s.sendall(associate_rq(GH_AET))
        assert read_pdu(s)[0] == 2
        # truncated in the middle of its pixel data: the length there lies
        s.sendall(pdu(4, pdv(1, 3, store_command(ds.SOPInstanceUID))) +
                  pdu(4, pdv(1, 2, body[:len(body) // 2])))
        kind, rsp = read_pdu(s)
        assert kind == 4
        assert parse_status(rsp) >= 0xA000  # a failure status; the association goes on
        s.sendall(pdu(5, bytes(4)))  # A-RELEASE-RQ
        assert read_pdu(s)[0] == 6   # A-RELEASE-RP
    assert instances(dicom.server, ds.SOPInstanceUID) == []


def parse_status(pdata_body):
    data = pdata_body[6:]
    pos = 0
    while pos + 8 <= len(data):
        group, element, n = struct.unpack("<HHI", data[pos:pos + 8])
        if (group, element) == (0, 0x0900):
            return struct.unpack("<H", data[pos + 8:pos + 10])[0]
        pos += 8 + n
    raise AssertionError("no status in the response")


def test_too_many_associations_are_rejected_for_now(start_server):
    d = Dicom(start_server, "--dicom-max-associations", "1")
    with connect(d.port) as first:
        first.sendall(associate_rq(GH_AET))
        assert read_pdu(first)[0] == 2
        with connect(d.port) as second:
            second.sendall(associate_rq(GH_AET))
            kind, body = read_pdu(second)
            assert kind == 3 and body[1] == 2  # A-ASSOCIATE-RJ, transient
        first.sendall(pdu(5, bytes(4)))
        assert read_pdu(first)[0] == 6
    r = run_tool("echoscu", "-aet", GH_AET, "-aec", "TSUNAGU", "127.0.0.1", d.port)
    assert r.returncode == 0, r.stdout + r.stderr


def test_without_the_flag_there_is_no_dicom_port(server):
    assert '"dicom.started"' not in server.stderr()


def test_the_organisation_administrator_manages_its_senders(dicom):
    admin = dicom.server.session("gh.admin")
    listed = admin.get("/api/imaging/ae-titles")
    assert listed.status_code == 200
    assert [a["aet"] for a in listed.json()["items"]] == [GH_AET]
    r = admin.post("/api/imaging/ae-titles", json={"aet": "GH-MR-3", "description": "MRI 3号機"})
    assert r.status_code == 201, r.text
    assert r.json() == {"aet": "GH-MR-3", "description": "MRI 3号機", "host": "",
                        "org_id": helpers.org_id("minami-gh")}
    assert {a["aet"]: a["description"] for a in admin.get("/api/imaging/ae-titles").json()
            ["items"]} == {GH_AET: "みなみ総合病院 PACS", "GH-MR-3": "MRI 3号機"}
    echo = ("echoscu", "-aet", "GH-MR-3", "-aec", "TSUNAGU", "127.0.0.1", dicom.port)
    assert run_tool(*echo).returncode == 0
    # a title belongs to one organisation; the rule on characters keeps it URL- and log-safe
    helpers.assert_problem(admin.post("/api/imaging/ae-titles", json={"aet": "GH-MR-3"}), 409,
                           "imaging.ae_taken")
    helpers.assert_problem(admin.post("/api/imaging/ae-titles", json={"aet": "MINAMI-UH"}), 409,
                           "imaging.ae_taken")
    for bad in ("A B", "A\\B", "", "SEVENTEEN-CHARS-X", "山田"):
        helpers.assert_problem(admin.post("/api/imaging/ae-titles", json={"aet": bad}), 400)
    for bad in ("localhost", "127.0.0.01", "::FFFF:1.2.3.4", "1.2.3.4/8"):
        helpers.assert_problem(admin.post("/api/imaging/ae-titles",
                                          json={"aet": "GH-OK", "host": bad}), 400)
    # only the organisation's administrators, and only their own titles
    helpers.assert_problem(dicom.server.session("gh.sato").get("/api/imaging/ae-titles"), 403)
    uh = dicom.server.session("uh.admin")
    assert [a["aet"] for a in uh.get("/api/imaging/ae-titles").json()["items"]] == ["MINAMI-UH"]
    helpers.assert_problem(uh.delete("/api/imaging/ae-titles/GH-MR-3"), 404,
                           "imaging.ae_not_found")
    assert admin.delete("/api/imaging/ae-titles/GH-MR-3").status_code == 204
    helpers.assert_problem(admin.delete("/api/imaging/ae-titles/GH-MR-3"), 404,
                           "imaging.ae_not_found")
    assert run_tool(*echo).returncode != 0
    events = [a["event_id"] for a in helpers.audit_rows(
        dicom.server, "object_type = 'dicom_ae' AND object_id = 'GH-MR-3'")]
    assert events == ["imaging_ae_create", "imaging_ae_delete", "dicom.associate"]


def test_two_associations_at_once_into_one_study(dicom, workdir):
    study = new_uid()
    halves = [[sample(name, "GH-000002", workdir, study_uid=study)
               for name in ("CT_small.dcm", "MR_small.dcm") * 3] for _ in range(2)]
    env = dict(os.environ, TCP_NODELAY="1")
    procs = [subprocess.Popen(["storescu", "-aet", GH_AET, "-aec", "TSUNAGU", "-R", "127.0.0.1",
                               str(dicom.port), *[p for p, _ in half]], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
             for half in halves]
    for p in procs:
        out, _ = p.communicate(timeout=60)
        assert p.returncode == 0, out.decode(errors="replace")
    [row] = dicom.server.query("SELECT * FROM imaging_studies WHERE study_uid = ?", (study,))
    assert row["number_of_instances"] == 12 and row["patient_id"] == helpers.patient_id(1)
    assert row["modalities_in_study"] == "CT\\MR"


def test_data_sets_larger_than_a_pdu_are_reassembled(start_server, workdir):
    d = Dicom(start_server, "--dicom-max-pdu", "16384")
    files = [sample(name, "GH-000002", workdir) for name in
             ("CT_small.dcm", "waveform_ecg.dcm", "SC_rgb_jpeg_dcmd.dcm")]  # 39, 291, 198 kB
    r = storescu(d.port, GH_AET, *[p for p, _ in files])
    assert r.returncode == 0, r.stdout + r.stderr
    for path, ds in files:
        [row] = instances(d.server, ds.SOPInstanceUID)
        key = row["blob_key"]
        stored = pydicom.dcmread(os.path.join(d.server.data_dir, "blobs", key[:2], key))
        original = pydicom.dcmread(path)
        assert stored.SOPInstanceUID == ds.SOPInstanceUID
        assert stored.file_meta.TransferSyntaxUID == row["transfer_syntax_uid"]
        # storescu leaves out group lengths (gggg,0000) and the trailing padding (FFFC,FFFC)
        # when it sends; all else arrives as is
        assert without_group_lengths(stored) == without_group_lengths(original), path


def without_group_lengths(ds):
    return [(e.tag, e.VR, e.value) for e in ds if e.tag.element != 0 and e.tag != 0xFFFCFFFC]


def test_mutated_sessions_never_bring_it_down(dicom, workdir):
    """A valid session (associate, C-STORE, release) with bytes flipped, cut or repeated: the
    server answers or aborts, and goes on serving (the sanitizers watch it at the end)."""
    import random
    path, ds = sample("MR_small.dcm", "GH-000002", workdir)
    session = (associate_rq(GH_AET, contexts=((1, "1.2.840.10008.5.1.4.1.1.4", EXPLICIT_LE),)) +
               pdu(4, pdv(1, 3, command_set([
                   (0x0002, b"1.2.840.10008.5.1.4.1.1.4\0"), (0x0100, struct.pack("<H", 1)),
                   (0x0110, struct.pack("<H", 1)), (0x0700, struct.pack("<H", 0)),
                   (0x0800, struct.pack("<H", 0)),
                   (0x1000, (ds.SOPInstanceUID + "\0" * (len(ds.SOPInstanceUID) % 2)).encode())]))) +
               pdu(4, pdv(1, 2, data_set_bytes(path))) + pdu(5, bytes(4)))
    rng = random.Random(20261207)
    for _ in range(60):
        data = bytearray(session)
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(data))
            kind = rng.random()
            if kind < 0.6:
                data[at] = rng.randrange(256)
            elif kind < 0.8:
                del data[at:at + rng.randint(1, 64)]
            else:
                data[at:at] = data[at:at + rng.randint(1, 64)]
        with connect(dicom.port) as s:
            s.settimeout(5)
            try:
                s.sendall(bytes(data))
                s.shutdown(socket.SHUT_WR)
                closed(s)
            except OSError:  # reset, not connected any more, time-out
                pass
    r = run_tool("echoscu", "-aet", GH_AET, "-aec", "TSUNAGU", "127.0.0.1", dicom.port)
    assert r.returncode == 0, r.stdout + r.stderr
