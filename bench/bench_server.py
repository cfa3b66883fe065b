# SPDX-License-Identifier: Apache-2.0
"""The tsunagu server a benchmark script starts: a release binary on a free loopback port with
its own data directory, ready once /api/health answers, stopped by SIGTERM (its PID)."""
import json
import signal
import socket
import subprocess
import time
import urllib.request


class Server:
    def __init__(self, binary, data, tmp, name="server", log_level="info", *extra):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = tmp / f"{name}.log"
        self.proc = subprocess.Popen(
            [binary, "serve", "--data-dir", str(data), "--listen", f"127.0.0.1:{self.port}",
             "--static-dir", str(tmp / "no-web"), "--log-level", log_level, *extra],
            stdout=subprocess.DEVNULL, stderr=open(self.log_path, "w"))
        for _ in range(200):  # up to 10 s for the first answer of /api/health
            try:
                urllib.request.urlopen(self.base + "/api/health", timeout=1)
                return
            except OSError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.05)
        raise SystemExit(f"the server did not start (see {self.log_path})")

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=120)

    def warnings(self):
        """The server's own warnings and errors (not the access log)."""
        out = []
        for line in self.log_path.read_text().splitlines():
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            if rec.get("level") in ("warn", "error") and rec.get("event") != "static.missing":
                out.append(f"{rec.get('event')}: {rec.get('msg')}")
        return out

    def started(self):
        for line in self.log_path.read_text().splitlines():
            if '"serve.started"' in line:
                return json.loads(line)["msg"]
        return "?"
