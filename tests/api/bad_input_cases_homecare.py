# SPDX-License-Identifier: Apache-2.0
"""Bad-input cases for the routes of src/homecare/routes.def that take a body (see
bad_input.py). Each part of the module (schedule, records, timeline) appends its own block."""
from bad_input import *  # noqa: F401,F403 (Case and the ids)

CASES = [
]

REQUIRED = {
}

# ---- visit records (訪問記録): a record of 山田 花子 by gh.sato (訪問診療, SOAP), made once per
# server for the routes that act on one ------------------------------------------------------
import datetime as _dt  # noqa: E402

RECORD = "{homecare_record}"
RECORDS = f"/api/patients/{P}/homecare/records"


def _visit():
    end = helpers.tokyo_now().replace(microsecond=0) - _dt.timedelta(hours=2)
    return (end - _dt.timedelta(minutes=30)).isoformat(), end.isoformat()


_START, _END = _visit()
_RECORD_BODY = {"kind": "home_medical", "visit_start": _START, "visit_end": _END,
                "content": {"subjective": "検証", "vitals": {"spo2": 96}}, "handover": "検証"}
_CORRECTION = {"reason": "検証", "visit_start": _START, "visit_end": _END,
               "content": {"subjective": "検証(訂正)"}}


def homecare_record(server):
    rid = getattr(server, "_homecare_record", None)
    if rid is None:
        r = server.session("gh.sato").post(RECORDS, json=_RECORD_BODY)
        assert r.status_code == 201, r.text
        rid = server._homecare_record = r.json()["id"]
    return rid


PATHS = {**globals().get("PATHS", {}), RECORD: homecare_record}

CASES += [
    Case("POST", RECORDS, "gh.sato", _RECORD_BODY, "handover", 4000, ("content", "検証")),
    Case("POST", RECORDS + "/" + RECORD + "/corrections", "gh.sato", _CORRECTION, "reason", 500,
         ("base_version", "1")),
    Case("POST", RECORDS + "/" + RECORD + "/sign", "gh.sato"),
]

REQUIRED.update({
    f"POST {RECORDS}": "content",
    f"POST {RECORDS}/{RECORD}/corrections": "visit_start",
})

TEXT = {**globals().get("TEXT", {}), f"POST {RECORDS}/{RECORD}/corrections": ["reason"]}

PLAUSIBLE = {**globals().get("PLAUSIBLE", {}), f"POST {RECORDS}": [
    ("content.vitals.spo2", {"content": {"vitals": {"spo2": 140}}}),
    ("content.vitals.bp_systolic", {"content": {"vitals": {"bp_systolic": 300,
                                                           "bp_diastolic": 20}}}),
    ("content.vitals.temperature", {"content": {"vitals": {"temperature": 45}}}),
    ("visit_start", {"visit_start": "1800-01-01T10:00:00+09:00"}),
    ("visit_end", {"visit_end": "1999-01-01T10:00:00+09:00"}),
]}
