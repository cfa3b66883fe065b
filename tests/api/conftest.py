# SPDX-License-Identifier: Apache-2.0
"""Fixtures: a real tsunagu server on a free port with a fresh demo data directory.

`server` is shared by the tests of one module (read-mostly tests); `fresh_server` is a new one
for each test that destroys state (lock-out, tampering, time-outs); `start_server(...)` starts
servers with extra options. At teardown every server gets SIGTERM and must exit with 0 (under
the sanitizer build a leak or undefined behaviour makes that fail), with no sanitizer report
and no 5xx answer in its access log."""
import os
import shutil

import pytest

import helpers


def serve(*extra_args, **kwargs):
    data_dir = kwargs.pop("data_dir", None)
    own = data_dir is None
    if own:
        data_dir = helpers.init_data_dir(demo=kwargs.pop("demo", True))
    try:
        return helpers.Server(data_dir, extra_args, own_data_dir=own, **kwargs)
    except BaseException:
        if own:
            shutil.rmtree(data_dir, ignore_errors=True)
        raise


@pytest.fixture(scope="module")
def server():
    s = serve()
    yield s
    helpers.finish(s)


@pytest.fixture
def fresh_server():
    s = serve()
    yield s
    helpers.finish(s)


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
            helpers.finish(s)
        except AssertionError as e:
            errors.append(str(e))
    assert not errors, "\n".join(errors)


def pytest_report_header(config):
    return f"tsunagu binary: {helpers.BIN} (exists: {os.path.exists(helpers.BIN)})"
