# SPDX-License-Identifier: Apache-2.0
"""Fixtures: a real tsunagu server on a free port with a fresh demo data directory.

`server` is shared by the tests of one module (read-mostly tests); `fresh_server` is a new one
for each test that destroys state (lock-out, tampering, time-outs); `start_server(...)` starts
servers with extra options. At teardown every server gets SIGTERM and must exit with 0 (under
the sanitizer build a leak or undefined behaviour makes that fail), with no sanitizer report
and no 5xx answer in its access log.

Options (scripts/test.sh passes them from `make test TEST_SEED=… TEST_CLOCK_SHIFT_DAYS=…`):
- `--shuffle-seed N`: the tests run in an order shuffled by N (modules, and the tests within
  each module, since a module shares its server); without it a random seed, printed at the top
  and at the end so that a failing order can be replayed. `--no-shuffle` keeps file order.
- `--clock-shift-days N`: every server and command of the suite runs N days ahead (the test
  build honours TSUNAGU_TEST_CLOCK_SHIFT_DAYS), and so do the tests' own clocks (helpers.now).
- `--route-hits FILE`: every (method, route, status) the servers logged is written to FILE, one
  JSON array per line, for scripts/check_routes.py."""
import json
import os
import random
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
    """start_server(*extra_args, demo=True, data_dir=None, host=..., scheme=..., verify=...,
    clock_shift_days=...) starts a server that is stopped and checked when the test ends."""
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


def pytest_addoption(parser):
    group = parser.getgroup("tsunagu")
    group.addoption("--shuffle-seed", type=int, default=None,
                    help="shuffle the order of the tests with this seed (default: a random one)")
    group.addoption("--no-shuffle", action="store_true", help="run the tests in file order")
    group.addoption("--clock-shift-days", type=int, default=0,
                    help="run every server and the tests' clocks this many days ahead")
    group.addoption("--route-hits", default=None,
                    help="write the (method, route, status) of every logged request to this file")


def pytest_configure(config):
    if config.getoption("--no-shuffle"):
        config.shuffle_seed = None
    else:
        seed = config.getoption("--shuffle-seed")
        config.shuffle_seed = seed if seed is not None else random.SystemRandom().randrange(10**6)
    helpers.set_clock_shift_days(config.getoption("--clock-shift-days"))


def pytest_collection_modifyitems(session, config, items):
    """Shuffles the modules, then the tests within each module; a module's tests stay together
    because they share the module's server (starting one per test would be slow, not safer)."""
    if config.shuffle_seed is None:
        return
    rng = random.Random(config.shuffle_seed)
    modules = {}
    for item in items:
        modules.setdefault(item.nodeid.split("::")[0], []).append(item)
    order = list(modules)
    rng.shuffle(order)
    items[:] = []
    for name in order:
        tests = modules[name]
        rng.shuffle(tests)
        items.extend(tests)


def shuffle_text(config):
    seed = config.shuffle_seed
    if seed is None:
        return "test order: as in the files (--no-shuffle)"
    return f"test order: shuffled with seed {seed} (replay: make test TEST_SEED={seed})"


def pytest_report_header(config):
    return [f"tsunagu binary: {helpers.BIN} (exists: {os.path.exists(helpers.BIN)})",
            shuffle_text(config),
            f"clock: {helpers.CLOCK_SHIFT_DAYS} days ahead" if helpers.CLOCK_SHIFT_DAYS
            else "clock: real"]


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    terminalreporter.write_line(shuffle_text(config))
    if helpers.CLOCK_SHIFT_DAYS:
        terminalreporter.write_line(f"clock: {helpers.CLOCK_SHIFT_DAYS} days ahead "
                                    f"(TEST_CLOCK_SHIFT_DAYS={helpers.CLOCK_SHIFT_DAYS})")


def pytest_sessionfinish(session, exitstatus):
    path = session.config.getoption("--route-hits")
    if not path:
        return
    hits = list(helpers.ROUTE_HITS)
    for server in list(helpers.LIVE_SERVERS):  # servers a failed teardown left running
        hits.extend(helpers.access_hits(server.log_records()))
    with open(path, "w", encoding="utf-8") as f:
        for hit in hits:
            f.write(json.dumps(hit) + "\n")
