# SPDX-License-Identifier: Apache-2.0
"""What the bad-input tests (test_bad_input.py) are made of: the ids they use and the Case of a
route that takes a body. Each module's cases are in bad_input_cases_<module>.py (one file per
feature, so that a new feature adds its own file): CASES, and where they apply REQUIRED (the
field whose absence a route refuses), TEXT (fields of text people write, which may not be
blank or invisible) and PLAUSIBLE (one implausible value per kind of field the route takes, see
core/plausible.h: (field named in the problem, change to the valid body)), keyed by the case's
"METHOD path"."""
import datetime
import importlib
import pathlib

import helpers
import referral_helpers as rh  # noqa: F401 (for the cases)
from helpers import YAMADA_HANAKO

P = YAMADA_HANAKO
GH = helpers.org_id("minami-gh")
HIKARI = helpers.org_id("hikari-pharmacy")
SATO = helpers.user_id("gh.sato")
CONSENT = helpers.demo_id("consent", "0/1")
TEAM_MEMBER = helpers.demo_id("team", "0/1")
BODY_LIMIT = 64 * 1024
GRANT = "5a1f2c4b-5a69-4788-9a0b-1c2d3e4f5a6c"  # no such emergency grant or notification
REF = "{referral}"  # a referral sent by gh.sato to minami-uh, made when first needed (case_path)
BOOKING = helpers.demo_id("booking", "1")  # さくらクリニック's CT booking at みなみ総合病院
# a free demo slot: 9:00 on the first weekday after today (src/demo/demo_booking.c)
SLOT = helpers.demo_id("slot", "minami-gh/ct/{}/0900".format(next(
    d for d in range(1, 8)
    if (helpers.tokyo_today() + datetime.timedelta(days=d)).weekday() < 5)))


def slot_times():
    day = helpers.tokyo_today() + datetime.timedelta(days=200)
    return [{"starts_at": f"{day.isoformat()}T10:00:00+09:00",
             "ends_at": f"{day.isoformat()}T10:30:00+09:00"}]


class Case:
    """A route taking a body: who calls it, a valid body, a string field with its maximum
    length, and a field with a value of the wrong type."""

    def __init__(self, method, path, actor, body=None, long_field=None, max_len=None,
                 wrong_type=None):
        self.method, self.path, self.actor, self.body = method, path, actor, body
        self.long_field, self.max_len, self.wrong_type = long_field, max_len, wrong_type

    def __repr__(self):
        return f"{self.method} {self.path}"


def gather_paths():
    """Every module's PATHS: {placeholder in a case's path: make(server) -> what it stands for}
    (an object made once per server, before any snapshot is taken)."""
    paths = {}
    for path in sorted(pathlib.Path(__file__).parent.glob("bad_input_cases_*.py")):
        paths.update(getattr(importlib.import_module(path.stem), "PATHS", {}))
    return paths


def gather():
    """Every module's CASES, REQUIRED and TEXT (bad_input_cases_*.py), joined."""
    cases, required, text = [], {}, {}
    for path in sorted(pathlib.Path(__file__).parent.glob("bad_input_cases_*.py")):
        module = importlib.import_module(path.stem)
        cases += module.CASES
        required.update(getattr(module, "REQUIRED", {}))
        text.update(getattr(module, "TEXT", {}))
    names = [repr(c) for c in cases]
    assert len(set(names)) == len(names), "a route has cases in two files"
    return cases, required, text



def days_ahead(days):
    """The Tokyo date days from today, as YYYY-MM-DD (negative: in the past)."""
    return (helpers.tokyo_today() + datetime.timedelta(days=days)).isoformat()


def gather_plausible():
    """Every module's PLAUSIBLE cases, as (case, field, change) triples."""
    cases, _, _ = gather()
    by_name = {repr(c): c for c in cases}
    out = []
    for path in sorted(pathlib.Path(__file__).parent.glob("bad_input_cases_*.py")):
        module = importlib.import_module(path.stem)
        for name, changes in getattr(module, "PLAUSIBLE", {}).items():
            out += [(by_name[name], field, change) for field, change in changes]
    return out
