# SPDX-License-Identifier: Apache-2.0
"""Bad-input cases for the routes of src/patients/routes.def that take a body (see bad_input.py)."""
from bad_input import *  # noqa: F401,F403 (Case and the ids)

MISSING_OFFER = "0b5e3f1a-2c4d-4e6f-8a9b-0c1d2e3f4a5b"  # no such match offer

CASES = [
    Case("POST", "/api/patients", "gh.sato", helpers.new_patient_body("BAD-1"), "name", 100,
         ("birth_date", 19500102)),
    Case("PATCH", f"/api/patients/{P}", "gh.sato", {"phone": "099-555-0000"}, "phone", 32,
         ("sex", 1)),
    Case("POST", f"/api/patients/{P}/local-ids", "gh.sato", {"local_id": "BAD-2"}, "local_id",
         32, ("local_id", 1)),
    Case("POST", f"/api/patients/{P}/consents", "gh.sato",
         {"org_ids": [GH], "scope": "all", "method": "written", "consented_on": "2026-01-05"},
         "note", 500, ("org_ids", GH)),
    Case("POST", f"/api/patients/{P}/consents/{CONSENT}/withdraw", "gh.sato",
         {"reason": "検証"}, "reason", 500, ("reason", False)),
    Case("POST", f"/api/patients/{P}/team", "gh.sato", {"org_id": HIKARI}, "role", 64,
         ("org_id", [])),
    Case("POST", "/api/patients/match", "gh.sato",
         {"name": "山田 花子", "name_kana": "ヤマダ ハナコ", "sex": "female",
          "birth_date": "1941-04-12"}, "name_kana", 100, ("sex", 1)),
    Case("POST", "/api/patients/link", "gh.sato",
         {"offer_id": MISSING_OFFER, "local_id": "BAD-L"}, "local_id", 32, ("offer_id", 7)),
    Case("POST", "/api/patient-duplicates/merge", "jimukyoku",
         {"survivor_id": P, "merged_id": P, "reason": "検証"}, "reason", 500,
         ("merged_id", 1)),
    Case("POST", "/api/patient-duplicates/distinct", "jimukyoku",
         {"patient_ids": [P, P], "reason": "検証"}, "reason", 500, ("patient_ids", P)),
]

REQUIRED = {
    "POST /api/patients": "consent",
    f"POST /api/patients/{P}/local-ids": "local_id",
    f"POST /api/patients/{P}/consents": "org_ids",
    f"POST /api/patients/{P}/consents/{CONSENT}/withdraw": "reason",
    f"POST /api/patients/{P}/team": "org_id",
    "POST /api/patients/match": "name_kana",
    "POST /api/patients/link": "offer_id",
    "POST /api/patient-duplicates/merge": "reason",
    "POST /api/patient-duplicates/distinct": "patient_ids",
}

TEXT = {
    "POST /api/patients": ["name", "name_kana"],
    f"PATCH /api/patients/{P}": ["name", "name_kana"],
    f"POST /api/patients/{P}/consents/{CONSENT}/withdraw": ["reason"],
    "POST /api/patients/match": ["name_kana"],
    "POST /api/patient-duplicates/merge": ["reason"],
    "POST /api/patient-duplicates/distinct": ["reason"],
}

# One implausible value per kind of field (core/plausible.h); 山田 花子 (P) was born in 1941.
_NEW = helpers.new_patient_body("BAD-1")
PLAUSIBLE = {
    "POST /api/patients": [
        ("birth_date", {"birth_date": "1899-12-31"}),
        ("birth_date", {"birth_date": days_ahead(1)}),
        ("phone", {"phone": "abc"}),
        ("consent.consented_on",
         {"consent": {**_NEW["consent"], "consented_on": "1949-12-31"}}),
    ],
    f"PATCH /api/patients/{P}": [
        ("birth_date", {"birth_date": "1800-01-01"}),
        ("phone", {"phone": "+81-(0)99+555"}),
    ],
    f"POST /api/patients/{P}/consents": [
        ("consented_on", {"consented_on": "1930-01-01"}),
        ("consented_on", {"consented_on": days_ahead(2)}),
    ],
}
