# SPDX-License-Identifier: Apache-2.0
"""The authorisation matrix's rows for the routes of src/referral/routes.def (see
test_authz_matrix.py)."""
from authz import *  # noqa: F401,F403 (the matrix's vocabulary)

ROWS = {
    ("GET", "/api/referral-codes"): (req("GET", "/api/referral-codes"), granted(), EVERYONE),
    ("GET", "/api/referrals"): (
        lambda w: ("BOXES", "/api/referrals", None, None), names_her(lambda w: w.referral),
        PARTIES),
    ("GET", "/api/patients/{id}/referrals"): (req("GET", "/api/patients/{P}/referrals"),
                                              PATIENT, TEAM_READ),
    ("POST", "/api/patients/{id}/referrals"): (req("POST", "/api/patients/{P}/referrals", {}),
                                               PATIENT, TEAM_WRITE),
    ("GET", "/api/referrals/{rid}"): (req("GET", "/api/referrals/{w.referral}"), REFERRAL,
                                      PARTIES),
    ("GET", "/api/patients/{id}/referral-draft"): (
        req("GET", "/api/patients/{P}/referral-draft"), PATIENT, TEAM_READ),
    ("GET", "/api/referrals/{rid}/letter.pdf"): (
        req("GET", "/api/referrals/{w.referral}/letter.pdf"), REFERRAL, PARTIES),
    ("GET", "/api/referrals/{rid}/document"): (
        req("GET", "/api/referrals/{w.referral}/document"), REFERRAL, PARTIES),
}
