# SPDX-License-Identifier: Apache-2.0
"""Bad-input cases for the routes of src/imaging/routes.def that take a JSON body (see
bad_input.py). STOW-RS bodies (multipart/related) are tested in test_imaging_store.py. The
study is one みなみ総合病院 sent that waits for reconciliation, made once per server."""
import dicom_helpers as dh
from bad_input import *  # noqa: F401,F403 (Case and the ids)

STUDY = "{imaging_waiting_study}"


def waiting_study(server):
    uid = getattr(server, "_imaging_waiting_study", None)
    if uid is None:
        ds = dh.dataset("CT_small.dcm", PatientID="BAD-INPUT-WAITING-1")
        r = dh.stow(server.session("gh.sato"), [dh.to_bytes(ds)])
        assert r.status_code == 202, r.text
        uid = server._imaging_waiting_study = ds.StudyInstanceUID
    return uid


PATHS = {STUDY: waiting_study}

CASES = [
    Case("POST", f"/api/imaging/studies/{STUDY}/assign", "gh.sato", {"patient_id": P}, None,
         None, ("patient_id", 5)),
    Case("POST", f"/api/imaging/studies/{STUDY}/reject", "gh.sato", {"reason": "検証"}, "reason",
         500, ("reason", 1)),
    Case("POST", "/api/imaging/ae-titles", "gh.admin", {"aet": "BAD-INPUT-1", "description": "検証"},
         "description", 200, ("aet", 7)),
]

REQUIRED = {
    f"POST /api/imaging/studies/{STUDY}/assign": "patient_id",
    f"POST /api/imaging/studies/{STUDY}/reject": "reason",
    "POST /api/imaging/ae-titles": "aet",
}

TEXT = {
    f"POST /api/imaging/studies/{STUDY}/reject": ["reason"],
    "POST /api/imaging/ae-titles": ["description"],
}

# the CD import takes a zip, not JSON (its archives, hostile or broken: test_imaging_import.py)
UPLOADS = [
    Upload("POST", "/api/imaging/imports", "gh.sato", "application/zip", "imaging.not_zip",
           "imaging.archive_invalid"),
    Upload("POST", f"/api/imaging/imports/patients/{P}", "gh.sato", "application/zip",
           "imaging.not_zip", "imaging.archive_invalid"),
]
