# SPDX-License-Identifier: Apache-2.0
"""The authorisation matrix's rows for the routes of src/imaging/routes.def (see
test_authz_matrix.py). setup() adds a study みなみ総合病院 sent whose patient matches none of its
local ids (waiting in its reconciliation queue): only its sender may resolve it. The QIDO-RS and WADO-RS
probes use a study of hers (PatientID GH-000001, her local id at みなみ総合病院), stored once by
gh.sato when a row first needs it."""
import io

import pydicom

import dicom_helpers as dh
import dicomweb_helpers as dw
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
    # the CD import: a JSON body, which the route refuses (415) once access is decided
    ("POST", "/api/imaging/imports"): (req("POST", "/api/imaging/imports", {}), granted(),
                                       IN_ORG),
    ("POST", "/api/imaging/imports/patients/{id}"): (
        req("POST", "/api/imaging/imports/patients/{P}", {}), PATIENT, TEAM_WRITE),
    # the DICOM senders of one's organisation: its administrators (no kind of the matrix is one)
    ("GET", "/api/imaging/ae-titles"): (req("GET", "/api/imaging/ae-titles"), granted(), set()),
    ("POST", "/api/imaging/ae-titles"): (req("POST", "/api/imaging/ae-titles", BAD), granted(),
                                         set()),
    ("DELETE", "/api/imaging/ae-titles/{aet}"): (
        req("DELETE", "/api/imaging/ae-titles/NO-SUCH-AE"), granted(), set()),
}


def imaging(w):
    """(study, series, instance) UIDs of her study in the matrix's world."""
    if not hasattr(w, "imaging"):
        st, se = dw.uid(), dw.uid()
        f = dw.make_instance("CT_small.dcm", st, se, "GH-000001", "Yamada^Hanako")
        sop = pydicom.dcmread(io.BytesIO(f)).SOPInstanceUID
        dw.stow(w.server.session("gh.sato"), [f])
        w.imaging = (st, se, sop)
    return w.imaging


def study_path(tail=""):
    def build(w):
        st, se, sop = imaging(w)
        return ("GET", f"/dicom-web/studies/{st}" + tail.format(se=se, sop=sop), None, None)
    return build


def search(path, key):
    def build(w):
        st, se, sop = imaging(w)
        return ("GET", path, None, {key: {"st": st, "se": se, "sop": sop}[key_of[key]]})
    return build


key_of = {"StudyInstanceUID": "st", "SeriesInstanceUID": "se", "SOPInstanceUID": "sop"}
NAMES_STUDY = names_her(lambda w: imaging(w)[0])
I = "/series/{se}/instances/{sop}"

QUERY_ROWS = {
    # QIDO-RS: lists filtered by the rule (her study appears only to those who may see it)
    ("GET", "/dicom-web/studies"): (search("/dicom-web/studies", "StudyInstanceUID"),
                                    NAMES_STUDY, TEAM_READ),
    ("GET", "/dicom-web/series"): (search("/dicom-web/series", "SeriesInstanceUID"),
                                   NAMES_STUDY, TEAM_READ),
    ("GET", "/dicom-web/instances"): (search("/dicom-web/instances", "SOPInstanceUID"),
                                      NAMES_STUDY, TEAM_READ),
    ("GET", "/dicom-web/studies/{study}/series"): (study_path("/series"), STUDY, TEAM_READ),
    ("GET", "/dicom-web/studies/{study}/instances"): (study_path("/instances"), STUDY, TEAM_READ),
    ("GET", "/dicom-web/studies/{study}/series/{series}/instances"): (
        study_path("/series/{se}/instances"), STUDY, TEAM_READ),
    # WADO-RS: the study decides (404 imaging.study_not_found to whoever may not see it)
    ("GET", "/dicom-web/studies/{study}"): (study_path(), STUDY, TEAM_READ),
    ("GET", "/dicom-web/studies/{study}/series/{series}"): (study_path("/series/{se}"), STUDY,
                                                            TEAM_READ),
    ("GET", "/dicom-web/studies/{study}/series/{series}/instances/{instance}"): (
        study_path(I), STUDY, TEAM_READ),
    ("GET", "/dicom-web/studies/{study}/metadata"): (study_path("/metadata"), STUDY, TEAM_READ),
    ("GET", "/dicom-web/studies/{study}/series/{series}/metadata"): (
        study_path("/series/{se}/metadata"), STUDY, TEAM_READ),
    ("GET", "/dicom-web/studies/{study}/series/{series}/instances/{instance}/metadata"): (
        study_path(I + "/metadata"), STUDY, TEAM_READ),
    ("GET", "/dicom-web/studies/{study}/series/{series}/instances/{instance}/frames/{frames}"): (
        study_path(I + "/frames/1"), STUDY, TEAM_READ),
    ("GET", "/dicom-web/studies/{study}/series/{series}/instances/{instance}/bulk/{offset}"): (
        study_path(I + "/bulk/0"), STUDY, TEAM_READ),
    ("GET", "/dicom-web/studies/{study}/rendered"): (study_path("/rendered"), STUDY, TEAM_READ),
    ("GET", "/dicom-web/studies/{study}/series/{series}/rendered"): (
        study_path("/series/{se}/rendered"), STUDY, TEAM_READ),
    ("GET", "/dicom-web/studies/{study}/series/{series}/instances/{instance}/rendered"): (
        study_path(I + "/rendered"), STUDY, TEAM_READ),
    ("GET", "/dicom-web/studies/{study}/series/{series}/instances/{instance}/frames/{frames}"
            "/rendered"): (study_path(I + "/frames/1/rendered"), STUDY, TEAM_READ),
    ("GET", "/dicom-web/studies/{study}/thumbnail"): (study_path("/thumbnail"), STUDY, TEAM_READ),
    ("GET", "/dicom-web/studies/{study}/series/{series}/thumbnail"): (
        study_path("/series/{se}/thumbnail"), STUDY, TEAM_READ),
    ("GET", "/dicom-web/studies/{study}/series/{series}/instances/{instance}/thumbnail"): (
        study_path(I + "/thumbnail"), STUDY, TEAM_READ),
    ("GET", "/dicom-web/studies/{study}/series/{series}/instances/{instance}/frames/{frames}"
            "/thumbnail"): (study_path(I + "/frames/1/thumbnail"), STUDY, TEAM_READ),
}
ROWS.update(QUERY_ROWS)
