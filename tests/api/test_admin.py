# SPDX-License-Identifier: Apache-2.0
"""Administration: organisations, users, API tokens (API and CLI), code lists."""
import re

import pytest

import helpers
from helpers import DEMO_PASSWORD, YAMADA_HANAKO, assert_problem, login

GH = helpers.org_id("minami-gh")
AOBA = helpers.org_id("aoba-homecare")
ORG_KEYS = {"id", "code", "name", "name_kana", "type", "address", "phone", "totp_required"}
USER_KEYS = {"id", "login", "name", "name_kana", "profession", "network_admin", "disabled",
             "totp_enabled", "must_change_password", "memberships"}
TOKEN_RE = re.compile(r"tsu_[A-Za-z0-9_-]{40,}")


def new_org(code, **extra):
    return {"code": code, "name": "テスト訪問看護ステーション", "name_kana": "テストホウモンカンゴ",
            "type": "visiting_nursing", "address": "みなみ市試験町1", "phone": "099-555-1111",
            **extra}


# ---- organisations ------------------------------------------------------------------------

def test_network_admin_registers_an_organisation(server):
    admin = server.session("jimukyoku")
    r = admin.post("/api/orgs", json=new_org("test-vns"))
    assert r.status_code == 201, r.text
    org = r.json()
    assert set(org) == ORG_KEYS and org["code"] == "test-vns" and org["totp_required"] is False
    assert admin.get(f"/api/orgs/{org['id']}").json() == org
    assert org in server.session("gh.sato").get("/api/orgs").json()["items"]
    assert_problem(admin.post("/api/orgs", json=new_org("test-vns")), 409, "org.code_taken")
    assert_problem(admin.post("/api/orgs", json=new_org("minami-gh")), 409, "org.code_taken")


@pytest.mark.parametrize("login_name", ["gh.admin", "gh.sato", "city.admin"])
def test_others_cannot_register_organisations(server, login_name):
    before = helpers.store_snapshot(server)
    r = server.session(login_name).post("/api/orgs", json=new_org(f"by-{login_name[:2]}"))
    assert_problem(r, 403, "access.forbidden")
    assert helpers.store_snapshot(server) == before


@pytest.mark.parametrize("body,code", [
    (new_org("Bad Code"), "request.field_value"),
    (new_org("ok-code", type="hospital"), "request.field_value"),
    (new_org("ok-code", name=""), "request.field_value"),
    ({"code": "ok-code", "type": "clinic"}, "request.field_missing"),
    (new_org("ok-code", totp_required="yes"), "request.field_type"),
])
def test_invalid_organisations(server, body, code):
    assert_problem(server.session("jimukyoku").post("/api/orgs", json=body), 400, code)


def test_organisation_update(server):
    gh_admin = server.session("gh.admin")
    r = gh_admin.patch(f"/api/orgs/{GH}", json={"phone": "099-555-0101"})
    assert r.status_code == 200 and r.json()["phone"] == "099-555-0101"
    assert r.json()["name"] == "みなみ総合病院"
    assert_problem(gh_admin.patch(f"/api/orgs/{AOBA}", json={"phone": "0"}), 403,
                   "access.forbidden")
    assert_problem(gh_admin.patch(f"/api/orgs/{GH}", json={"type": "clinic"}), 403,
                   "access.forbidden")
    assert_problem(server.session("gh.sato").patch(f"/api/orgs/{GH}", json={"phone": "0"}), 403,
                   "access.forbidden")
    admin = server.session("jimukyoku")
    r = admin.patch(f"/api/orgs/{GH}", json={"type": "advanced_acute_hospital"})
    assert r.status_code == 200 and r.json()["type"] == "advanced_acute_hospital"
    assert admin.patch(f"/api/orgs/{GH}", json={"type": "acute_hospital"}).status_code == 200
    missing = "00000000-0000-4000-8000-000000000001"
    assert_problem(server.session("jimukyoku").patch(f"/api/orgs/{missing}", json={"name": "x"}),
                   404, "org.not_found")
    assert_problem(server.session("gh.sato").get(f"/api/orgs/{missing}"), 404, "org.not_found")
    assert_problem(server.session("gh.sato").get("/api/orgs/minami-gh"), 404, "org.not_found")


def test_code_lists(server):
    s = server.session("gh.sato")
    types = s.get("/api/org-types").json()["items"]
    assert len(types) == 12 and {"code": "pharmacy", "ja": "薬局", "en": "Pharmacy"} in types
    professions = s.get("/api/professions").json()["items"]
    assert [p["code"] for p in professions] == ["physician", "dentist", "nurse", "pharmacist",
                                                "care_manager", "msw", "therapist",
                                                "laboratory_technician", "care_worker",
                                                "clerk"]
    assert all(set(p) == {"code", "ja", "en"} for p in professions)


# ---- users --------------------------------------------------------------------------------

def new_user(login_name, org=GH, role="member", **extra):
    return {"login": login_name, "name": "新規 利用者", "name_kana": "シンキ リヨウシャ",
            "profession": "nurse", "initial_password": "hajimete-no-pass-1",
            "memberships": [{"org_id": org, "role": role}], **extra}


def test_org_admin_creates_users_in_own_organisation_only(server):
    gh_admin = server.session("gh.admin")
    r = gh_admin.post("/api/users", json=new_user("gh.newcomer"))
    assert r.status_code == 201, r.text
    user = r.json()
    assert set(user) == USER_KEYS
    assert user["must_change_password"] is True and user["disabled"] is False
    assert user["memberships"] == [{"org_id": GH, "org_name": "みなみ総合病院", "role": "member",
                                    "pending": None}]  # created by its own administrator
    login(server, "gh.newcomer", "hajimete-no-pass-1", expect_state="password_change_required")
    before = helpers.store_snapshot(server)
    assert_problem(gh_admin.post("/api/users", json=new_user("gh.intruder", org=AOBA)), 403,
                   "access.forbidden")
    assert_problem(gh_admin.post("/api/users", json=new_user("gh.boss", network_admin=True)),
                   403, "access.forbidden")
    assert_problem(server.session("gh.sato").post("/api/users", json=new_user("gh.x")), 403,
                   "access.forbidden")
    assert_problem(gh_admin.post("/api/users", json=new_user("gh.sato")), 409,
                   "user.login_taken")
    assert_problem(gh_admin.post("/api/users",
                                 json=new_user("gh.weak", initial_password="123456789012")),
                   400, "auth.weak_password")
    assert_problem(gh_admin.post("/api/users", json=new_user("Has Space")), 400,
                   "request.field_value")
    assert_problem(gh_admin.post("/api/users", json=new_user("gh.bad", role="owner")), 400,
                   "request.field_value")
    assert helpers.store_snapshot(server) == before
    # the network office creates users anywhere, network administrators included
    r = server.session("jimukyoku").post("/api/users",
                                         json=new_user("aoba.new", org=AOBA, role="org_admin"))
    assert r.status_code == 201 and r.json()["memberships"][0]["role"] == "org_admin"


def test_user_lists_and_reads(server):
    gh_admin = server.session("gh.admin")
    mine = gh_admin.get("/api/users").json()["items"]
    expected = {r["user_id"] for r in server.query(
        "SELECT user_id FROM memberships WHERE org_id = ?", (GH,))}
    assert {u["id"] for u in mine} == expected
    assert helpers.user_id("multi.kobayashi") in expected
    assert gh_admin.get("/api/users", params={"org_id": GH}).status_code == 200
    assert_problem(gh_admin.get("/api/users", params={"org_id": AOBA}), 403, "access.forbidden")
    assert_problem(gh_admin.get(f"/api/users/{helpers.user_id('aoba.tanaka')}"), 404,
                   "user.not_found")
    assert gh_admin.get(f"/api/users/{helpers.user_id('gh.sato')}").json()["login"] == "gh.sato"
    everyone = server.session("jimukyoku").get("/api/users").json()["items"]
    assert len(everyone) == server.query("SELECT COUNT(*) AS n FROM users")[0]["n"]
    aoba = server.session("jimukyoku").get("/api/users", params={"org_id": AOBA}).json()["items"]
    assert {"aoba.tanaka", "aoba.nakajima"} <= {u["login"] for u in aoba}
    assert_problem(server.session("gh.sato").get("/api/users"), 403, "access.forbidden")
    assert_problem(gh_admin.get("/api/users", params={"org_id": "x"}), 400, "request.bad_query")


def test_disabling_a_user_ends_their_sessions(server):
    gh_admin = server.session("gh.admin")
    r = gh_admin.post("/api/users", json=new_user("gh.leaving"))
    uid = r.json()["id"]
    s = login(server, "gh.leaving", "hajimete-no-pass-1", expect_state="password_change_required")
    s.post("/api/auth/password", json={"current_password": "hajimete-no-pass-1",
                                       "new_password": "mou-sugu-taishoku-1"})
    assert s.get("/api/patients").status_code == 200
    r = gh_admin.patch(f"/api/users/{uid}", json={"disabled": True})
    assert r.status_code == 200 and r.json()["disabled"] is True
    assert_problem(s.get("/api/me"), 401, "auth.required")
    r = server.anon().post("/api/auth/login",
                           json={"login": "gh.leaving", "password": "mou-sugu-taishoku-1"})
    assert_problem(r, 401, "auth.invalid_credentials")
    assert_problem(gh_admin.patch(f"/api/users/{helpers.user_id('gh.admin')}",
                                  json={"disabled": True}), 400, "request.field_value")
    r = gh_admin.patch(f"/api/users/{uid}", json={"disabled": False, "name": "復帰 利用者"})
    assert r.status_code == 200 and r.json()["name"] == "復帰 利用者"
    login(server, "gh.leaving", "mou-sugu-taishoku-1")
    # memberships are the network office's business
    r = gh_admin.patch(f"/api/users/{uid}", json={"memberships": [{"org_id": GH,
                                                                    "role": "org_admin"}]})
    assert_problem(r, 403, "access.forbidden")
    assert_problem(gh_admin.patch(f"/api/users/{helpers.user_id('aoba.tanaka')}",
                                  json={"name": "x"}), 404, "user.not_found")


def test_password_reset_by_administrator(server):
    gh_admin = server.session("gh.admin")
    uid = gh_admin.post("/api/users", json=new_user("gh.forgetful")).json()["id"]
    s = login(server, "gh.forgetful", "hajimete-no-pass-1",
              expect_state="password_change_required")
    r = gh_admin.post(f"/api/users/{uid}/password", json={"initial_password": "atarashii-pass-2"})
    assert r.status_code == 204
    assert_problem(s.get("/api/me"), 401, "auth.required")  # sessions ended
    login(server, "gh.forgetful", "atarashii-pass-2", expect_state="password_change_required")
    assert_problem(gh_admin.post(f"/api/users/{uid}/password",
                                 json={"initial_password": "short"}), 400, "auth.weak_password")
    assert_problem(gh_admin.post(f"/api/users/{helpers.user_id('aoba.tanaka')}/password",
                                 json={"initial_password": "atarashii-pass-3"}), 404,
                   "user.not_found")


def test_memberships_by_network_admin(server):
    admin = server.session("jimukyoku")
    uid = admin.post("/api/users", json=new_user("moving.nurse")).json()["id"]
    r = admin.patch(f"/api/users/{uid}", json={"memberships": [
        {"org_id": AOBA, "role": "member"}, {"org_id": GH, "role": "org_admin"}]})
    assert r.status_code == 200, r.text
    assert [(m["org_id"], m["role"]) for m in r.json()["memberships"]] == [
        (AOBA, "member"), (GH, "org_admin")]
    r = admin.patch(f"/api/users/{uid}", json={"memberships": [
        {"org_id": "00000000-0000-4000-8000-000000000002", "role": "member"}]})
    assert_problem(r, 400, "request.field_value")
    assert len(admin.get(f"/api/users/{uid}").json()["memberships"]) == 2


# ---- API tokens -----------------------------------------------------------------------------

def test_token_via_api(server):
    gh_admin = server.session("gh.admin")
    r = gh_admin.post("/api/tokens", json={"name": "電子カルテ連携",
                                           "user_id": helpers.user_id("gh.sato")})
    assert r.status_code == 201, r.text
    created = r.json()
    token = created["token"]
    assert TOKEN_RE.fullmatch(token) and created["prefix"] == token[:8]
    assert created["org_id"] == GH and created["user_id"] == helpers.user_id("gh.sato")
    listed = next(t for t in gh_admin.get("/api/tokens").json()["items"]
                  if t["id"] == created["id"])
    assert "token" not in listed  # shown once
    assert token not in gh_admin.get("/api/tokens").text
    assert listed["user_login"] == "gh.sato" and listed["revoked_at"] is None
    assert listed["last_used_at"] is None
    assert server.query("SELECT COUNT(*) AS n FROM api_tokens WHERE token_hash LIKE ?",
                        (f"%{token[4:]}%",))[0]["n"] == 0  # only a hash is stored

    api = helpers.bearer(server, token)
    me = api.get("/api/me").json()
    assert me["user"]["login"] == "gh.sato" and me["org_id"] == GH and me["via_token"] is True
    assert api.get(f"/api/patients/{YAMADA_HANAKO}").status_code == 200
    hidden = server.query("SELECT id FROM patients WHERE id NOT IN (SELECT patient_id FROM "
                          "care_team WHERE org_id = ?) LIMIT 1", (GH,))[0]["id"]
    assert_problem(api.get(f"/api/patients/{hidden}"), 404, "patient.not_found")
    assert_problem(api.post("/api/auth/logout"), 403, "access.forbidden")
    assert_problem(api.put("/api/me/org", json={"org_id": GH}), 403, "access.forbidden")
    listed = next(t for t in gh_admin.get("/api/tokens").json()["items"]
                  if t["id"] == created["id"])
    assert listed["last_used_at"] is not None

    assert gh_admin.delete(f"/api/tokens/{created['id']}").status_code == 204
    assert_problem(api.get("/api/me"), 401, "auth.required")
    assert_problem(gh_admin.delete(f"/api/tokens/{created['id']}"), 404, "token.not_found")
    listed = next(t for t in gh_admin.get("/api/tokens").json()["items"]
                  if t["id"] == created["id"])
    assert listed["revoked_at"] is not None


def test_token_rules(server):
    gh_admin = server.session("gh.admin")
    r = gh_admin.post("/api/tokens", json={"name": "x", "user_id": helpers.user_id("aoba.tanaka")})
    assert_problem(r, 400, "request.field_value")
    body = {"name": "x", "user_id": helpers.user_id("gh.sato")}
    assert_problem(server.session("gh.sato").post("/api/tokens", json=body), 403,
                   "access.forbidden")
    assert_problem(server.session("jimukyoku").post("/api/tokens", json=body), 403,
                   "access.forbidden")
    # an organisation administrator sees and revokes only their organisation's tokens
    aoba_token = server.session("aoba.tanaka").post(
        "/api/tokens", json={"name": "aoba", "user_id": helpers.user_id("aoba.nakajima")}).json()
    assert aoba_token["id"] not in {t["id"] for t in gh_admin.get("/api/tokens").json()["items"]}
    assert_problem(gh_admin.delete(f"/api/tokens/{aoba_token['id']}"), 404, "token.not_found")
    assert helpers.bearer(server, aoba_token["token"]).get("/api/me").status_code == 200
    everyone = server.session("jimukyoku").get("/api/tokens").json()["items"]
    assert aoba_token["id"] in {t["id"] for t in everyone}
    assert server.session("jimukyoku").delete(f"/api/tokens/{aoba_token['id']}").status_code == 204
    for bad in ("tsu_" + "A" * 43, "not-a-token", "tsu_", "tsu_" + "x" * 200):
        assert_problem(helpers.bearer(server, bad).get("/api/me"), 401, "auth.required")


def test_token_via_cli(server):
    r = helpers.run_cli("token", "create", "--org", "aoba-homecare", "--user", "aoba.nakajima",
                        "--name", "訪問記録連携", "--data-dir", server.data_dir)
    assert r.returncode == 0, r.stderr
    assert r.stdout.count("\n") == 1 and TOKEN_RE.fullmatch(r.stdout.rstrip("\n")), r.stdout
    token = r.stdout.strip()
    api = helpers.bearer(server, token)
    me = api.get("/api/me").json()
    assert me["org_id"] == AOBA and me["user"]["login"] == "aoba.nakajima"
    assert api.get(f"/api/patients/{YAMADA_HANAKO}").status_code == 200

    listing = helpers.run_cli("token", "list", "--org", "aoba-homecare",
                              "--data-dir", server.data_dir)
    assert listing.returncode == 0
    line = next(x for x in listing.stdout.splitlines() if token[:8] in x)
    assert "aoba.nakajima" in line and "訪問記録連携" in line and "(revoked)" not in line
    token_id = line.split()[0]
    tokens = server.session("aoba.tanaka").get("/api/tokens").json()["items"]
    assert token_id in {t["id"] for t in tokens}

    assert helpers.run_cli("token", "revoke", "--id", token_id,
                           "--data-dir", server.data_dir).returncode == 0
    assert_problem(api.get("/api/me"), 401, "auth.required")
    again = helpers.run_cli("token", "revoke", "--id", token_id, "--data-dir", server.data_dir)
    assert again.returncode == 1 and "no active token" in again.stderr
    listing = helpers.run_cli("token", "list", "--data-dir", server.data_dir)
    assert "(revoked)" in next(x for x in listing.stdout.splitlines() if token_id in x)
    bad = helpers.run_cli("token", "create", "--org", "aoba-homecare", "--user", "gh.sato",
                          "--data-dir", server.data_dir)
    assert bad.returncode == 1 and bad.stdout == "" and "not a member" in bad.stderr


def test_token_stops_when_membership_ends(server):
    admin = server.session("jimukyoku")
    uid = admin.post("/api/users", json=new_user("token.holder")).json()["id"]
    r = helpers.run_cli("token", "create", "--org", "minami-gh", "--user", "token.holder",
                        "--data-dir", server.data_dir)
    api = helpers.bearer(server, r.stdout.strip())
    assert api.get("/api/me").status_code == 200
    admin.patch(f"/api/users/{uid}", json={"memberships": [{"org_id": AOBA, "role": "member"}]})
    assert_problem(api.get("/api/me"), 401, "auth.required")


def test_org_admin_cannot_take_over_a_network_admin(server):
    """city.admin administers minami-city, whose member jimukyoku is the network
    administrator: resetting that password or disabling that account would hand the city's
    administrator the whole network."""
    city = server.session("city.admin")
    target = helpers.user_id("jimukyoku")
    before = helpers.store_snapshot(server)
    r = city.post(f"/api/users/{target}/password", json={"initial_password": "nottori-pass-99"})
    assert_problem(r, 403, "access.forbidden")
    for change in ({"disabled": True}, {"name": "乗っ取り"}, {"profession": "physician"}):
        assert_problem(city.patch(f"/api/users/{target}", json=change), 403, "access.forbidden")
    assert helpers.store_snapshot(server) == before
    login(server, "jimukyoku", DEMO_PASSWORD)
    # nor can they mint an API token acting as the network administrator
    r = city.post("/api/tokens", json={"name": "x", "user_id": target})
    assert_problem(r, 403, "access.forbidden")
    assert helpers.store_snapshot(server) == before
    # the city's administrator still sees the account and manages the city's other members
    assert city.get(f"/api/users/{target}").json()["network_admin"] is True
    r = city.patch(f"/api/users/{helpers.user_id('city.admin')}", json={"name": "前田 和夫"})
    assert r.status_code == 200


def test_token_of_a_disabled_user_stops_working(server):
    admin = server.session("jimukyoku")
    uid = admin.post("/api/users", json=new_user("token.disabled")).json()["id"]
    r = helpers.run_cli("token", "create", "--org", "minami-gh", "--user", "token.disabled",
                        "--data-dir", server.data_dir)
    api = helpers.bearer(server, r.stdout.strip())
    assert api.get("/api/me").status_code == 200
    server.session("gh.admin").patch(f"/api/users/{uid}", json={"disabled": True})
    assert_problem(api.get("/api/me"), 401, "auth.required")


def test_user_without_an_organisation(server):
    admin = server.session("jimukyoku")
    r = admin.post("/api/users", json={**new_user("no.org"), "memberships": []})
    assert r.status_code == 201 and r.json()["memberships"] == []
    s = login(server, "no.org", "hajimete-no-pass-1", expect_state="password_change_required")
    r = s.post("/api/auth/password", json={"current_password": "hajimete-no-pass-1",
                                           "new_password": "shozoku-nashi-pw-1"})
    assert r.status_code == 200
    assert s.get("/api/me").json()["org_id"] is None
    assert_problem(s.get("/api/patients"), 403, "access.no_org")
    assert_problem(s.get(f"/api/patients/{YAMADA_HANAKO}"), 404, "patient.not_found")
    r = s.post("/api/patients", json=helpers.new_patient_body("NO-ORG-1"))
    assert r.status_code == 403


def test_session_moves_on_when_its_membership_ends(server):
    admin = server.session("jimukyoku")
    uid = admin.post("/api/users", json=new_user("moving.doctor")).json()["id"]
    s = login(server, "moving.doctor", "hajimete-no-pass-1",
              expect_state="password_change_required")
    s.post("/api/auth/password", json={"current_password": "hajimete-no-pass-1",
                                       "new_password": "ugoku-isha-pass-1"})
    assert s.get("/api/me").json()["org_id"] == GH
    # the network office made the account: みなみ総合病院's administrator confirms it
    assert server.session("gh.admin").post(f"/api/users/{uid}/confirm").status_code == 200
    admin.patch(f"/api/users/{uid}", json={"memberships": [{"org_id": AOBA, "role": "member"}]})
    # the session's organisation is gone: it falls back to the remaining membership, which the
    # network office has just made, so あおば's administrator confirms it first
    me = s.get("/api/me").json()
    assert me["user"]["id"] == uid and me["org_id"] == AOBA
    assert me["memberships"][0]["pending"] == "created"
    assert_problem(s.get("/api/patients"), 403, "access.account_pending")
    assert server.session("aoba.tanaka").post(f"/api/users/{uid}/confirm").status_code == 200
    assert {p["id"] for p in helpers.fetch_all(s, "/api/patients")} == \
        helpers.listed_patient_ids(server, AOBA)
    gh_only = helpers.visible_patient_ids(server, GH) - helpers.listed_patient_ids(server, AOBA)
    assert_problem(s.get(f"/api/patients/{sorted(gh_only)[0]}"), 404, "patient.not_found")
    r = s.post("/api/auth/password", json={"current_password": "ugoku-isha-pass-1",
                                           "new_password": "ugoku-isha-pass-2"})
    assert r.status_code == 200, r.text
    # and with no membership left, the user is still themselves, without an organisation
    admin.patch(f"/api/users/{uid}", json={"memberships": []})
    me = s.get("/api/me").json()
    assert me["user"]["id"] == uid and me["org_id"] is None
    assert_problem(s.get("/api/patients"), 403, "access.no_org")


def test_org_admin_cannot_change_a_user_who_also_works_elsewhere(server):
    # multi.kobayashi works at sakura-clinic and minami-gh: gh.admin may see but not take over
    # the account (a reset password would open the clinic's patients too).
    gh_admin = server.session("gh.admin")
    multi = helpers.user_id("multi.kobayashi")
    assert gh_admin.get(f"/api/users/{multi}").status_code == 200
    before = helpers.store_snapshot(server)
    assert_problem(gh_admin.post(f"/api/users/{multi}/password",
                                 json={"initial_password": "a-fresh-initial-pass-7"}),
                   403, "access.forbidden")
    assert_problem(gh_admin.patch(f"/api/users/{multi}", json={"disabled": True}), 403,
                   "access.forbidden")
    assert helpers.store_snapshot(server) == before
    # the network office can
    r = server.session("jimukyoku").patch(f"/api/users/{multi}", json={"name": "小林 浩"})
    assert r.status_code == 200, r.text


def test_api_tokens_cannot_see_or_end_browser_sessions(server):
    gh_admin = server.session("gh.admin")
    created = gh_admin.post("/api/tokens", json={"name": "sessions test",
                                                 "user_id": helpers.user_id("gh.sato")}).json()
    browser = login(server, "gh.sato")
    mine = browser.get("/api/me/sessions").json()["items"]
    api = helpers.bearer(server, created["token"])
    assert_problem(api.get("/api/me/sessions"), 403, "access.forbidden")
    assert_problem(api.delete(f"/api/me/sessions/{mine[0]['id']}"), 403, "access.forbidden")
    assert_problem(api.post("/api/me/sessions/end-others"), 403, "access.forbidden")
    assert browser.get("/api/me").status_code == 200  # the browser session lives on
    gh_admin.delete(f"/api/tokens/{created['id']}")
