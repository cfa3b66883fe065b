# SPDX-License-Identifier: Apache-2.0
"""The authorisation matrix's rows for the routes of src/transfer/routes.def (救急画像送信; see
test_authz_matrix.py). setup() sends an emergency transfer of her from みなみ総合病院 to みなみ大学
(her consent names both): its parties are the member's and the share's organisations."""
from authz import *  # noqa: F401,F403 (the matrix's vocabulary)

TRANSFER = granted("transfer.not_found")


def setup(w):
    r = w.server.session("gh.sato").post(f"/api/patients/{P}/transfers", json={
        "to_org_id": UH, "study_uids": [], "note": "胸痛、救急搬送"})
    assert r.status_code == 201, r.text
    w.transfer = r.json()["id"]


ROWS = {
    # the sender reads the patient's record (the snapshot is read from it); a body the route
    # refuses once access is decided
    ("POST", "/api/patients/{id}/transfers"): (req("POST", "/api/patients/{P}/transfers", BAD),
                                               PATIENT, TEAM_READ),
    ("GET", "/api/transfers"): (lambda w: ("BOXES", "/api/transfers", None, None),
                                names_her(lambda w: w.transfer), PARTIES),
    ("GET", "/api/transfers/{tid}"): (req("GET", "/api/transfers/{w.transfer}"), TRANSFER,
                                      PARTIES),
    ("POST", "/api/transfers/{tid}/accept"): (req("POST", "/api/transfers/{w.transfer}/accept",
                                                  BAD), TRANSFER, PARTIES),
    ("POST", "/api/transfers/{tid}/close"): (req("POST", "/api/transfers/{w.transfer}/close",
                                                 BAD), TRANSFER, PARTIES),
    # the sender's administrators (no kind of the matrix is one)
    ("POST", "/api/transfers/{tid}/review"): (req("POST", "/api/transfers/{w.transfer}/review",
                                                  {}), granted(), set()),
    ("GET", "/api/transfers/{tid}/opened"): (req("GET", "/api/transfers/{w.transfer}/opened"),
                                             granted(), set()),
}
