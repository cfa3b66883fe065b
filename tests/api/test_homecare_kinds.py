# SPDX-License-Identifier: Apache-2.0
"""Home care (issue 16): the kinds of visit that the schedule, the visit records and the figures
share (src/homecare/kinds.c)."""


def test_visit_kinds_name_their_form_and_who_makes_them(server):
    s = server.session("gh.sato")
    r = s.get("/api/homecare/visit-kinds")
    assert r.status_code == 200
    kinds = {k["code"]: k for k in r.json()["items"]}
    assert list(kinds) == ["home_medical", "house_call", "home_nursing", "home_pharmacy",
                           "home_rehab", "home_help", "home_bathing", "day_service", "short_stay"]
    assert kinds["home_nursing"]["ja"] == "訪問看護"
    assert kinds["home_nursing"]["form"] == "nursing" and kinds["home_nursing"]["nursing"]
    assert kinds["home_medical"]["form"] == "soap" and not kinds["home_medical"]["nursing"]
    assert kinds["home_pharmacy"]["form"] == "pharmacy"
    assert "pharmacist" in kinds["home_pharmacy"]["professions"].split()
    assert "care_worker" in kinds["home_help"]["professions"].split()
    assert all(k["form"] in {"soap", "nursing", "pharmacy", "rehab", "care"}
               for k in kinds.values())


def test_visit_kinds_need_a_signed_in_user(server):
    assert server.anon().get("/api/homecare/visit-kinds").status_code == 401
