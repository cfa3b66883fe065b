# SPDX-License-Identifier: Apache-2.0
"""What the authorisation matrix (test_authz_matrix.py) is made of: the kinds of principal, what
an answer means, and the helpers its rows are written with. Each module's rows are in
authz_rows_<module>.py (one file per feature, so that a new feature adds its own file); the
matrix joins them and fails when a route has no row or two."""
import importlib
import pathlib
import uuid

import helpers
import referral_helpers as rh
from fhir_helpers import observation  # noqa: F401 (for the rows)
from helpers import YAMADA_HANAKO, tokyo_today  # noqa: F401 (tokyo_today: for the rows)

P = YAMADA_HANAKO
GH, UH, LTC = rh.GH, rh.UH, rh.LTC
AOBA = helpers.org_id("aoba-homecare")
HIKARI = rh.HIKARI
KINDS = ("member", "no_consent", "withdrawn", "share", "emergency", "token", "office", "other")
LOGINS = {"member": "gh.sato", "no_consent": "ph.ito", "withdrawn": "aoba.nakajima",
          "share": "uh.fujita", "emergency": "ltc.ishikawa", "office": "jimukyoku",
          "other": "vns.suzuki"}  # none of them administers an organisation
NOBODY = str(uuid.UUID(int=7))
REASON = "意識障害で救急搬送、アレルギーと服薬の確認のため"


# ---- what an answer means -----------------------------------------------------------------

def code(r):
    try:
        body = r.json()
    except ValueError:
        return None
    if isinstance(body, dict) and body.get("resourceType") == "OperationOutcome":
        return body["issue"][0]["details"]["coding"][0]["code"]
    return body.get("code") if isinstance(body, dict) else None


def granted(*not_found):
    """Access passed: not 401/403, and not the 404 of one of the codes not_found (what the
    route says of what one may not see)."""
    def check(r, w):
        if r.status_code in (401, 403):
            return False
        return not (r.status_code == 404 and code(r) in not_found)
    return check


def names_her(*needles):
    """A 200 answer that names her or her data (needles: callables of the world)."""
    def check(r, w):
        return r.status_code == 200 and any(n(w) in r.text for n in needles)
    return check


PATIENT = granted("patient.not_found")
REFERRAL = granted("referral.not_found")
BOOKING = granted("booking.not_found")
FHIR = granted("fhir.not_found")
HER = names_her(lambda w: P)


# ---- the probes: one row per route ------------------------------------------------------------
# (method, pattern): (request(world) -> (method, path, json body or None, params or None),
#                     access-granted(response, world), the kinds that must be granted)

def req(method, path, body=None, params=None):
    return lambda w: (method, path.format(w=w, P=P, NOBODY=NOBODY), body, params)


EVERYONE = set(KINDS)
PEOPLE = EVERYONE - {"token"}
IN_ORG = EVERYONE - {"office"}       # has a current organisation
TEAM_READ = {"member", "token", "share"}
TEAM_WRITE = {"member", "token"}
PARTIES = {"member", "token", "share"}
CLINICAL_EMERGENCY = TEAM_READ | {"emergency"}
BAD = {"unknown_field": True}  # a body the route refuses after deciding access


def all_rows():
    """Every module's rows (authz_rows_*.py), joined; a route with two rows fails."""
    rows = {}
    for path in sorted(pathlib.Path(__file__).parent.glob("authz_rows_*.py")):
        for route, row in importlib.import_module(path.stem).ROWS.items():
            assert route not in rows, f"{route} has a row in two files"
            rows[route] = row
    return rows



def all_setups():
    """The modules' additions to the matrix's world: an authz_rows_*.py may define setup(world)
    to make data its rows use (called once, when the world is made)."""
    setups = []
    for path in sorted(pathlib.Path(__file__).parent.glob("authz_rows_*.py")):
        setup = getattr(importlib.import_module(path.stem), "setup", None)
        if setup:
            setups.append(setup)
    return setups
