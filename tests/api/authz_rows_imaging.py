# SPDX-License-Identifier: Apache-2.0
"""The authorisation matrix's rows for the routes of src/imaging/routes.def (see
test_authz_matrix.py). setup() adds a study みなみ総合病院 sent whose patient matches none of its
local ids (waiting in its reconciliation queue): only its sender may resolve it."""
import dicom_helpers as dh
from authz import *  # noqa: F401,F403 (the matrix's vocabulary)

STUDY = granted("imaging.study_not_found")


def setup(w):
    ds = dh.dataset("CT_small.dcm", PatientID="AUTHZ-WAITING-1")
    r = dh.stow(w.server.session("gh.sato"), [dh.to_bytes(ds)])
    assert r.status_code == 202, r.text
    w.imaging_waiting = ds.StudyInstanceUID


ROWS = {
    # STOW-RS stores as the caller's organisation: anyone acting for one (the body here is not
    # multipart, so nothing is stored)
    ("POST", "/dicom-web/studies"): (req("POST", "/dicom-web/studies", BAD), granted(), IN_ORG),
    ("POST", "/dicom-web/studies/{study}"): (
        req("POST", "/dicom-web/studies/{w.imaging_waiting}", BAD), granted(), IN_ORG),
    ("GET", "/api/imaging/reconciliation"): (req("GET", "/api/imaging/reconciliation"),
                                             granted(), IN_ORG),
    ("POST", "/api/imaging/studies/{study}/assign"): (
        req("POST", "/api/imaging/studies/{w.imaging_waiting}/assign", BAD), STUDY, TEAM_WRITE),
    ("POST", "/api/imaging/studies/{study}/reject"): (
        req("POST", "/api/imaging/studies/{w.imaging_waiting}/reject", BAD), STUDY, TEAM_WRITE),
    ("GET", "/api/patients/{id}/studies"): (req("GET", "/api/patients/{P}/studies"), PATIENT,
                                            TEAM_READ),
    # the DICOM senders of one's organisation: its administrators (no kind of the matrix is one)
    ("GET", "/api/imaging/ae-titles"): (req("GET", "/api/imaging/ae-titles"), granted(), set()),
    ("POST", "/api/imaging/ae-titles"): (req("POST", "/api/imaging/ae-titles", BAD), granted(),
                                         set()),
    ("DELETE", "/api/imaging/ae-titles/{aet}"): (
        req("DELETE", "/api/imaging/ae-titles/NO-SUCH-AE"), granted(), set()),
}
