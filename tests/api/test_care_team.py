# SPDX-License-Identifier: Apache-2.0
"""The care team names its members and their roles (issue 13, item 16): coded roles (主治医,
担当ケアマネ, 訪問看護担当 …) with labels, the demo's named members of 山田 花子, adding a member
with a role, a role that is not a code refused, and the team read only through the access rule."""
import helpers
from helpers import YAMADA_HANAKO, assert_problem, store_snapshot

P = YAMADA_HANAKO
TEAM = f"/api/patients/{P}/team"


def named(items):
    return {(m["user_name"], m["role_code"]) for m in items if m["user_id"]}


def test_roles_are_codes_with_labels(server):
    body = server.session("gh.sato").get(TEAM).json()
    labels = {r["code"]: r["ja"] for r in body["roles"]}
    assert labels["attending_physician"] == "主治医"
    assert labels["care_manager"] == "担当ケアマネ"
    assert labels["visiting_nurse"] == "訪問看護担当"
    assert all(r["en"] for r in body["roles"])


def test_demo_team_names_her_doctor_nurse_and_care_manager(server):
    items = server.session("gh.sato").get(TEAM).json()["items"]
    assert {("田中 誠", "attending_physician"), ("中島 亜希", "visiting_nurse"),
            ("渡辺 久美子", "care_manager")} <= named(items)
    cm = next(m for m in items if m["user_id"] == helpers.user_id("cm.watanabe"))
    assert cm["org_id"] == helpers.org_id("minami-cmo") and cm["profession"] == "care_manager"
    # her consent does not name the care manager's office: the team says so
    assert cm["consent_in_force"] is False
    # the organisations stay members as a whole too
    assert {m["org_id"] for m in items if not m["user_id"]} >= {
        helpers.org_id("minami-gh"), helpers.org_id("aoba-homecare")}


def test_a_member_added_with_a_role(fresh_server):
    admin = fresh_server.session("gh.admin")
    r = admin.post(TEAM, json={"org_id": helpers.org_id("minami-gh"),
                               "user_id": helpers.user_id("gh.renkei"), "role_code": "liaison",
                               "role": "退院調整"})
    assert r.status_code == 201, r.text
    member = r.json()
    assert member["role_code"] == "liaison" and member["role"] == "退院調整"
    assert member["user_name"] == "中村 美咲"
    items = fresh_server.session("gh.sato").get(TEAM).json()["items"]
    assert ("中村 美咲", "liaison") in named(items)


def test_a_role_that_is_not_a_code_changes_nothing(server):
    before = store_snapshot(server)
    r = server.session("gh.sato").post(TEAM, json={"org_id": helpers.org_id("hikari-pharmacy"),
                                                  "role_code": "主治医"})
    assert_problem(r, 400)
    assert "role_code" in r.json()["detail"]
    assert store_snapshot(server) == before


def test_the_team_is_read_only_by_those_who_may_see_her(server):
    r = server.session("uh.fujita").get(TEAM)
    assert r.status_code == 404, r.text
    assert "田中 誠" not in r.text


def test_the_team_as_fhir_care_team(server):
    sato = server.session("gh.sato")
    r = sato.get(f"/fhir/CareTeam/{P}")
    assert r.status_code == 200, r.text
    team = r.json()
    assert team["resourceType"] == "CareTeam" and team["subject"] == {"reference": f"Patient/{P}"}
    by_name = {p["member"].get("display"): p for p in team["participant"]}
    doctor = by_name["田中 誠"]
    assert doctor["role"][0]["coding"][0]["code"] == "attending_physician"
    assert doctor["role"][0]["coding"][0]["display"] == "主治医"
    assert doctor["onBehalfOf"]["reference"] == f"Organization/{helpers.org_id('aoba-homecare')}"
    codes = {p["role"][0]["coding"][0]["code"] for p in team["participant"] if "role" in p}
    assert {"care_manager", "visiting_nurse"} <= codes
    # a whole organisation is a member by reference
    assert any(p["member"].get("reference") == f"Organization/{helpers.org_id('minami-gh')}"
               for p in team["participant"])
    found = sato.get("/fhir/CareTeam", params={"patient": P}).json()
    assert [e["resource"]["id"] for e in found.get("entry", [])] == [P]
    # the read is audited as a look at her record
    audited = server.query("SELECT COUNT(*) AS n FROM audit WHERE patient_id = ? AND "
                           "object_type = 'CareTeam'", (P,))
    assert audited[0]["n"] >= 2


def test_fhir_care_team_only_for_those_who_may_see_her(server):
    fujita = server.session("uh.fujita")
    assert fujita.get(f"/fhir/CareTeam/{P}").status_code == 404
    found = fujita.get("/fhir/CareTeam", params={"patient": P}).json()
    assert found.get("entry", []) == [] and found["total"] == 0
