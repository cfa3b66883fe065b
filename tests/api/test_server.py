# SPDX-License-Identifier: Apache-2.0
"""The HTTP server itself: security headers, static files and caching, transport security
(refusing plain HTTP off loopback, TLS, a TLS proxy in front) and graceful shutdown."""
import http.client
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import threading

import pytest
import requests

import helpers
from helpers import YAMADA_HANAKO, assert_problem, login

CSP_PARTS = ["default-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "frame-src 'self'",
             "base-uri 'none'", "script-src 'self' 'wasm-unsafe-eval'", "worker-src 'self'",
             "style-src 'self'", "img-src 'self' data:"]


def assert_security_headers(r):
    h = r.headers
    assert h["X-Content-Type-Options"] == "nosniff"
    assert h["Referrer-Policy"] == "no-referrer"
    assert h["X-Frame-Options"] == "DENY"
    csp = [part.strip() for part in h["Content-Security-Policy"].split(";")]
    for part in CSP_PARTS:
        assert part in csp, csp
    assert len(h["X-Request-Id"]) >= 16
    assert "Server" not in h  # no product or version banner
    assert "X-Powered-By" not in h


def responses(server):
    s = server.session("gh.sato")
    index = server.anon().get("/")
    etag = index.headers["ETag"]
    asset = asset_path()
    return {
        "api-ok": s.get(f"/api/patients/{YAMADA_HANAKO}"),
        "api-health": server.anon().get("/api/health"),
        "api-problem": server.anon().get("/api/me"),
        "api-404": server.anon().get("/api/nope"),
        "api-405": server.anon().delete("/api/health"),
        "api-204": login(server, "gh.renkei").post("/api/auth/logout"),
        "static-index": index,
        "static-304": server.anon().get("/", headers={"If-None-Match": etag}),
        "static-asset": server.anon().get(asset),
        "static-404": server.anon().get("/no-such-file.js"),
    }


def asset_path():
    names = sorted(os.listdir(helpers.STATIC_DIR / "assets"))
    return "/assets/" + next(n for n in names if n.endswith(".js"))


def test_security_headers_everywhere(server):
    answers = responses(server)
    for name, r in answers.items():
        assert_security_headers(r)
    ids = [r.headers["X-Request-Id"] for r in answers.values()]
    assert len(set(ids)) == len(ids)
    assert answers["api-ok"].headers["Cache-Control"] == "no-store"
    assert answers["api-problem"].headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in answers["api-ok"].headers  # plain HTTP


def test_the_csp_allows_the_viewer_its_codecs_and_nothing_more(server):
    """The image viewer's decoders are WebAssembly in web workers of our own origin:
    'wasm-unsafe-eval' and worker-src 'self' — never 'unsafe-eval', 'unsafe-inline' or blob:."""
    csp = server.anon().get("/").headers["Content-Security-Policy"]
    for word in ("'unsafe-eval'", "'unsafe-inline'", "blob:", "*"):
        assert word not in csp.replace("'wasm-unsafe-eval'", ""), csp


def test_webassembly_is_served_as_application_wasm(server):
    names = sorted(os.listdir(helpers.STATIC_DIR / "assets"))
    wasm = next(n for n in names if n.endswith(".wasm"))
    r = server.anon().get("/assets/" + wasm)
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "application/wasm"  # instantiateStreaming requires it
    assert r.content[:4] == b"\0asm"
    assert r.content == (helpers.STATIC_DIR / "assets" / wasm).read_bytes()


def test_static_index_is_revalidated(server):
    r = server.anon().get("/")
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html")
    assert r.headers["Cache-Control"] == "no-cache"
    assert r.content == (helpers.STATIC_DIR / "index.html").read_bytes()
    etag = r.headers["ETag"]
    assert etag.startswith('"') and etag.endswith('"')
    assert server.anon().get("/index.html").headers["ETag"] == etag
    again = server.anon().get("/", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["ETag"] == etag
    other = server.anon().get("/", headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200 and other.content == r.content


def test_assets_are_immutable(server):
    path = asset_path()
    r = server.anon().get(path)
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("text/javascript")
    cache = [p.strip() for p in r.headers["Cache-Control"].split(",")]
    assert "immutable" in cache and "max-age=31536000" in cache and "public" in cache
    assert r.content == (helpers.STATIC_DIR / path.lstrip("/")).read_bytes()
    head = server.anon().head(path)
    assert head.status_code == 200 and head.content == b""


def test_ui_replaced_on_disk_is_served_as_it_is_now(start_server, tmp_path):
    """The UI's files are read for each answer (the server keeps no copy of their bytes): a file
    rewritten in place while the server runs is served with its new content and validator, and
    one removed is gone."""
    ui = tmp_path / "ui"
    ui.mkdir()
    index = ui / "index.html"
    index.write_text("<!doctype html><title>版 1</title>", encoding="utf-8")
    server = start_server("--static-dir", str(ui))
    first = server.anon().get("/")
    assert first.status_code == 200 and "版 1" in first.content.decode()
    etag = first.headers["ETag"]
    assert server.anon().get("/", headers={"If-None-Match": etag}).status_code == 304
    index.write_text("<!doctype html><title>版 2（更新）</title>", encoding="utf-8")
    second = server.anon().get("/", headers={"If-None-Match": etag})
    assert second.status_code == 200 and "版 2（更新）" in second.content.decode()
    assert second.headers["ETag"] != etag
    again = server.anon().get("/", headers={"If-None-Match": second.headers["ETag"]})
    assert again.status_code == 304
    index.unlink()
    assert_problem(server.anon().get("/"), 404, "route.not_found")


def test_missing_static_file_is_a_problem(server):
    r = server.anon().get("/nothing-here.css")
    assert_problem(r, 404, "route.not_found")


def test_client_address_ignores_forwarded_for_without_a_proxy(server):
    s = login(server, "gh.renkei", headers={"X-Forwarded-For": "203.0.113.7"})
    clients = {i["client"] for i in s.get("/api/me/sessions").json()["items"]}
    assert clients == {"127.0.0.1"}


def test_oversized_request_heads_are_refused(server):
    def send_raw(head):
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as conn:
            conn.sendall(head)
            answer = b""
            while chunk := conn.recv(65536):
                answer += chunk
            return answer

    long_uri = send_raw(b"GET /api/patients?q=" + b"a" * 200000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    assert re.match(rb"HTTP/1\.1 (414|431|400) ", long_uri), long_uri[:100]
    many = b"".join(b"X-Filler-%d: %s\r\n" % (i, b"v" * 1000) for i in range(200))
    headers = send_raw(b"GET /api/health HTTP/1.1\r\nHost: x\r\n" + many + b"\r\n")
    assert re.match(rb"HTTP/1\.1 (431|400|413) ", headers), headers[:100]
    assert server.anon().get("/api/health").status_code == 200  # still serving


# ---- transport security -------------------------------------------------------------------

def serve_and_expect_refusal(*args):
    data_dir = helpers.init_data_dir(demo=False)
    try:
        return helpers.run_cli("serve", "--data-dir", data_dir, "--static-dir",
                               helpers.STATIC_DIR, *args, timeout=60)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


@pytest.mark.parametrize("host", ["0.0.0.0", "[::]", "192.0.2.10"])
def test_plain_http_off_loopback_is_refused(host):
    r = serve_and_expect_refusal("--listen", f"{host}:{helpers.free_port()}")
    assert r.returncode == 2, r.stderr
    event = json.loads(r.stderr.strip().splitlines()[-1])
    assert event["level"] == "error" and event["event"] == "serve.refused"
    assert "without TLS" in event["msg"]
    assert "--tls-cert" in event["msg"] and "--behind-tls-proxy" in event["msg"]


@pytest.mark.parametrize("args,message", [
    (["--listen", "127.0.0.1"], "invalid --listen"),
    (["--listen", "127.0.0.1:99999"], "invalid --listen"),
    (["--listen", "nowhere.invalid:80"], "invalid --listen"),
    (["--listen", "127.0.0.1:0", "--tls-cert", "/nonexistent.pem"], "both --tls-cert"),
    (["--idle-timeout", "0"], "--idle-timeout must be"),
    (["--body-limit", "10"], "--body-limit must be"),
    (["--log-level", "chatty"], "--log-level must be"),
])
def test_bad_serve_configuration(args, message):
    r = serve_and_expect_refusal(*args)
    assert r.returncode == 2, r.stderr
    assert message in r.stderr


def test_behind_a_tls_proxy(start_server):
    server = start_server("--behind-tls-proxy", host="0.0.0.0")
    assert server.anon().get("/api/health").status_code == 200
    s = helpers.ApiSession(server)
    r = s.post("/api/auth/login", json={"login": "gh.sato", "password": helpers.DEMO_PASSWORD},
               headers={"X-Forwarded-For": "198.51.100.23, 203.0.113.7"})
    assert r.status_code == 200
    assert "Secure" in [a.strip() for a in r.headers["Set-Cookie"].split(";")]
    assert r.headers["Strict-Transport-Security"].startswith("max-age=")
    # the proxy's hop (the last address) is the client, in the session and the audit trail
    session_id = server.query("SELECT id, client FROM sessions")[0]
    assert session_id["client"] == "203.0.113.7"
    rec = helpers.audit_rows(server, "event_id = 'auth.login'")[-1]
    assert rec["client"] == "203.0.113.7"


@pytest.fixture(scope="module")
def certificate():
    directory = tempfile.mkdtemp(prefix="tsunagu-tls-")
    cert, key = os.path.join(directory, "cert.pem"), os.path.join(directory, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                   check=True, capture_output=True)
    yield cert, key
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def tls_server(start_server, certificate):
    cert, key = certificate
    return start_server("--tls-cert", cert, "--tls-key", key, scheme="https", verify=cert)


def test_tls(tls_server, certificate):
    server = tls_server
    r = server.anon().get("/api/health")
    assert r.status_code == 200
    with pytest.raises(requests.exceptions.SSLError):  # our certificate, not the system's
        anon = server.anon()
        anon.verify = True
        anon.get("/api/health")
    assert r.headers["Strict-Transport-Security"].startswith("max-age=")
    s = helpers.ApiSession(server)
    r = s.post("/api/auth/login", json={"login": "gh.sato", "password": helpers.DEMO_PASSWORD})
    assert r.status_code == 200
    attributes = [a.strip() for a in r.headers["Set-Cookie"].split(";")]
    assert "Secure" in attributes and "HttpOnly" in attributes
    s.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    assert s.get(f"/api/patients/{YAMADA_HANAKO}").status_code == 200
    assert s.post("/api/auth/logout").status_code == 204


def limited_context(purpose, version):
    ctx = ssl.SSLContext(purpose)
    ctx.set_ciphers("DEFAULT:@SECLEVEL=0")  # let old versions be offered at all
    ctx.minimum_version = version
    ctx.maximum_version = version
    return ctx


def handshake(port, cafile, version):
    ctx = limited_context(ssl.PROTOCOL_TLS_CLIENT, version)
    ctx.load_verify_locations(cafile)
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw_socket:
        with ctx.wrap_socket(raw_socket, server_hostname="127.0.0.1") as tls:
            return tls.version()


def local_handshake(certificate, version):
    """The same client against a local endpoint limited to `version`: proves that this
    machine's TLS library can speak it, so a refusal by tsunagu is tsunagu's."""
    server_ctx = limited_context(ssl.PROTOCOL_TLS_SERVER, version)
    server_ctx.load_cert_chain(*certificate)
    with socket.create_server(("127.0.0.1", 0)) as listener:
        def accept():
            conn, _ = listener.accept()
            try:
                server_ctx.wrap_socket(conn, server_side=True).close()
            except (ssl.SSLError, OSError):
                conn.close()
        thread = threading.Thread(target=accept)
        thread.start()
        try:
            return handshake(listener.getsockname()[1], certificate[0], version)
        finally:
            thread.join(timeout=10)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # ssl.TLSVersion.TLSv1_1
def test_old_tls_versions_are_refused(tls_server, certificate):
    for version, name in ((ssl.TLSVersion.TLSv1, "TLSv1"), (ssl.TLSVersion.TLSv1_1, "TLSv1.1")):
        assert local_handshake(certificate, version) == name
        with pytest.raises((ssl.SSLError, ConnectionError)):
            handshake(tls_server.port, certificate[0], version)
    assert handshake(tls_server.port, certificate[0], ssl.TLSVersion.TLSv1_2) == "TLSv1.2"
    assert handshake(tls_server.port, certificate[0], ssl.TLSVersion.TLSv1_3) == "TLSv1.3"


def test_plain_http_to_the_tls_port_gets_no_answer(tls_server):
    conn = http.client.HTTPConnection("127.0.0.1", tls_server.port, timeout=10)
    try:
        with pytest.raises((http.client.HTTPException, ConnectionError, OSError)):
            conn.request("GET", "/api/health")
            resp = conn.getresponse()
            assert resp.status >= 400  # whatever it is, not the health answer
            raise ConnectionError("answered with an error status")
    finally:
        conn.close()


def test_body_limit_option(start_server):
    server = start_server("--body-limit", "2048")
    s = login(server, "gh.sato")
    small = helpers.new_patient_body("LIMIT-1", address="あ" * 150)  # ~1 KB
    r = s.post("/api/patients", json=small)
    assert r.status_code == 201, r.text
    big = helpers.new_patient_body("LIMIT-2", address="x" * 2100)
    before = helpers.store_snapshot(server)
    assert_problem(s.post("/api/patients", json=big), 413, "request.too_large")
    data = json.dumps(big).encode()
    r = s.post("/api/patients", data=iter([data[:1000], data[1000:]]),
               headers={"Content-Type": "application/json"})
    assert_problem(r, 413, "request.too_large")
    assert helpers.store_snapshot(server) == before


# ---- shutdown -----------------------------------------------------------------------------

@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_graceful_shutdown(start_server, sig):
    server = start_server()
    s = login(server, "gh.sato")
    assert s.get(f"/api/patients/{YAMADA_HANAKO}").status_code == 200
    server.proc.send_signal(sig)
    assert server.stop() == 0
    events = [r.get("event") for r in server.log_records()]
    assert "serve.started" in events
    assert events.index("serve.stopping") < events.index("serve.stopped")
    assert events[-1] == "serve.stopped"
    # the audit trail was closed cleanly: it verifies
    r = helpers.run_cli("audit", "verify", "--data-dir", server.data_dir)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "tsunagu is ready: http://127.0.0.1:" in server.stdout()
