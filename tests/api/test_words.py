# SPDX-License-Identifier: Apache-2.0
"""Words (issue 13, item 14): a problem's Japanese message carries no English sentence from the
server ("(from: a month YYYY-MM)"), only the field it names; English readers keep the detail."""
from helpers import assert_problem


def test_japanese_problems_name_the_field_without_english(server):
    admin = server.session("gh.admin")
    r = admin.get("/api/referral-stats", params={"from": "2026-1"})
    p = assert_problem(r, 400, "request.bad_query")
    assert p["detail"] == f"{p['title']} (from)"
    r = admin.get("/api/referral-stats", params={"from": "2026-1"},
                  headers={"Accept-Language": "en"})
    assert "(from: a month YYYY-MM)" in assert_problem(r, 400, "request.bad_query")["detail"]
    # a body's field path stays whole (the UI marks the control it names)
    org = admin.get("/api/me").json()["org_id"]
    r = admin.put("/api/referral-stats/first-visits",
                  json={"month": "2026-13", "count": 1, "org_id": org})
    p = assert_problem(r, 400)
    assert p["detail"].endswith("(month)") and "YYYY" not in p["detail"]


def test_the_letter_draft_writes_lab_values_as_people_read_them(server):
    from helpers import YAMADA_HANAKO
    labs = server.session("gh.sato").get(
        f"/api/patients/{YAMADA_HANAKO}/referral-draft").json()["letter"]["labs"]
    by_name = {lab["text"]: lab["value"] for lab in labs}
    hba1c = next(v for k, v in by_name.items() if k.startswith("HbA1c"))
    egfr = next(v for k, v in by_name.items() if k.startswith("eGFR"))
    assert hba1c.startswith("7.0 %"), hba1c  # the precision of the test, not "7 %"
    assert "mL/min/1.73m²" in egfr and "m2" not in egfr, egfr
