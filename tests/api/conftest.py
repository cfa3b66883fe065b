# SPDX-License-Identifier: Apache-2.0
"""Fixtures: a real tsunagu server on a free port with a fresh demo data directory.

`server` is shared by the tests of one module (read-mostly tests); `fresh_server` is a new one
for each test that destroys state (lock-out, tampering, time-outs); `start_server(...)` starts
servers with extra options. At teardown every server gets SIGTERM and must exit with 0 (under
the sanitizer build a leak or undefined behaviour makes that fail), with no sanitizer report
and no 5xx answer in its access log."""
import os

import pytest

import helpers


def finish(server):
    code = server.stop()
    try:
        log = server.stderr()
        for marker in ("AddressSanitizer", "LeakSanitizer", "runtime error:"):
            assert marker not in log, f"sanitizer report in the server log:\n{log[-8000:]}"
        assert code == 0, f"server exited with {code}:\n{log[-8000:]}"
        failed = [r for r in server.log_records()
                  if r.get("event") == "http.access" and r.get("status", 0) >= 500]
        assert not failed, f"5xx answers: {failed}"
    finally:
        server.cleanup()


def serve(*extra_args, **kwargs):
    data_dir = kwargs.pop("data_dir", None)
    own = data_dir is None
    if own:
        data_dir = helpers.init_data_dir(demo=kwargs.pop("demo", True))
    try:
        return helpers.Server(data_dir, extra_args, own_data_dir=own, **kwargs)
    except BaseException:
        if own:
            import shutil
            shutil.rmtree(data_dir, ignore_errors=True)
        raise


@pytest.fixture(scope="module")
def server():
    s = serve()
    yield s
    finish(s)


@pytest.fixture
def fresh_server():
    s = serve()
    yield s
    finish(s)


@pytest.fixture
def start_server():
    """start_server(*extra_args, demo=True, data_dir=None, host=..., scheme=..., verify=...)
    starts a server that is stopped and checked when the test ends."""
    started = []

    def start(*extra_args, **kwargs):
        s = serve(*extra_args, **kwargs)
        started.append(s)
        return s

    yield start
    errors = []
    for s in started:
        try:
            finish(s)
        except AssertionError as e:
            errors.append(str(e))
    assert not errors, "\n".join(errors)


def pytest_report_header(config):
    return f"tsunagu binary: {helpers.BIN} (exists: {os.path.exists(helpers.BIN)})"
