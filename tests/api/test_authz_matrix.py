# SPDX-License-Identifier: Apache-2.0
"""Who may do what, for every route of the route tables (issue 11): each route × each kind of
principal × the expected answer. A route without a row fails the suite (a new route needs one);
a kind a row does not list must be refused (deny by default).

The subject is 山田 花子 (demo patient 0), set up so that each kind stands in one relation to her:

| kind | who | relation to 山田 花子 |
| --- | --- | --- |
| member | gh.sato, physician, みなみ総合病院 | care team, consent in force |
| no_consent | ph.ito, ひかり薬局 | care team, no consent naming it |
| withdrawn | aoba.nakajima, nurse, あおば在宅クリニック | care team, its consent withdrawn |
| share | uh.fujita, みなみ大学附属医療センター | a referral shares her record (consent names it) |
| emergency | ltc.ishikawa, nurse, みなみ療養病院 | an emergency (break-the-glass) grant |
| token | an API token of gh.sato | as member, through a token |
| office | jimukyoku, the network office | network administrator |
| other | vns.suzuki, みなみ訪問看護ステーション | none |

A probe calls the route with ids of her data (or of a referral and a booking about her, whose
parties are みなみ総合病院 and みなみ大学) and decides whether access was granted: the answer is
not a refusal (401, 403, or the route's 404 for what one may not see) and, for lists and
searches, names her data. Bodies of writes are malformed where the route decides access before
it reads the body, so that a granted request changes nothing either."""
import json
import uuid

import pytest

import helpers
import referral_helpers as rh
from fhir_helpers import observation
from helpers import YAMADA_HANAKO, tokyo_today

P = YAMADA_HANAKO
GH, UH, LTC = rh.GH, rh.UH, rh.LTC
AOBA = helpers.org_id("aoba-homecare")
HIKARI = rh.HIKARI
KINDS = ("member", "no_consent", "withdrawn", "share", "emergency", "token", "office", "other")
LOGINS = {"member": "gh.sato", "no_consent": "ph.ito", "withdrawn": "aoba.nakajima",
          "share": "uh.fujita", "emergency": "ltc.ishikawa", "office": "jimukyoku",
          "other": "vns.suzuki"}  # none of them administers an organisation
NOBODY = str(uuid.UUID(int=7))
REASON = "意識障害で救急搬送、アレルギーと服薬の確認のため"


class World:
    """The demo region arranged as the module docstring says, with the ids the probes use."""

    def __init__(self, server):
        self.server = server
        sato = server.session("gh.sato")

        def ok(r, *statuses):
            assert r.status_code in (statuses or (200, 201, 204)), r.text
            return r.json() if r.content else None

        ok(sato.post(f"/api/patients/{P}/team", json={"org_id": HIKARI}))
        # her consent now names みなみ総合病院 and みなみ大学; the one naming あおば is withdrawn
        consents = sato.get(f"/api/patients/{P}/consents").json()["items"]
        self.consent = ok(sato.post(f"/api/patients/{P}/consents", json={
            "org_ids": [GH, UH], "scope": "all", "method": "written",
            "consented_on": tokyo_today().isoformat()}))["id"]
        for c in consents:
            if c["withdrawn_at"] is None:
                ok(sato.post(f"/api/patients/{P}/consents/{c['id']}/withdraw",
                             json={"reason": "同意の範囲を見直したため"}))
        self.referral = rh.sent(sato, P)["id"]  # to みなみ大学: her record is shared with it
        admin = server.session("gh.admin")
        self.token_id, token = (lambda t: (t["id"], t["token"]))(ok(admin.post(
            "/api/tokens", json={"name": "matrix", "user_id": helpers.user_id("gh.sato")})))
        self.sessions = {k: server.session(login) for k, login in LOGINS.items()}
        self.sessions["token"] = helpers.bearer(server, token)
        self.regrant()
        # a shared-equipment booking about her: みなみ総合病院 orders みなみ大学's MRI
        day = tokyo_today().toordinal() + 300
        import datetime
        d = datetime.date.fromordinal(day)
        slots = ok(server.session("uh.admin").post("/api/equipment/slots", json={
            "equipment": "mri", "slots": [
                {"starts_at": f"{d.isoformat()}T{h}:00:00+09:00",
                 "ends_at": f"{d.isoformat()}T{h}:30:00+09:00"} for h in (10, 11)]}))["items"]
        self.slot = slots[1]["id"]
        self.booking = ok(sato.post(f"/api/patients/{P}/bookings", json={
            "slot_id": slots[0]["id"], "exam": "頭部MRI", "clinical_question": "めまいの精査"}))["id"]
        self.observation = ok(sato.post("/fhir/Observation", json=observation(P)))["id"]
        self.composition = sato.get("/fhir/Composition", params={"patient": P}).json()[
            "entry"][0]["resource"]["id"]
        notes = sato.get("/api/notifications").json()["items"]
        self.notification = next(n["id"] for n in notes if n["kind"] == "emergency_access")
        profile = server.session("gh.admin").get(f"/api/directory/orgs/{GH}").json()["profile"]
        writable = ("medical_function", "departments", "equipment", "services", "latitude",
                    "longitude", "liaison_phone", "liaison_fax", "liaison_email", "liaison_hours",
                    "acceptance_notes")
        self.profile = {k: profile[k] for k in writable if profile.get(k) is not None}

    def slot_times(self):
        import datetime
        d = datetime.date.fromordinal(tokyo_today().toordinal() + 320)
        return [{"starts_at": f"{d.isoformat()}T09:00:00+09:00",
                 "ends_at": f"{d.isoformat()}T09:30:00+09:00"}]


    def regrant(self):
        """The emergency kind's grant on her (again, after a probe ended it)."""
        r = self.sessions["emergency"].post(f"/api/patients/{P}/emergency",
                                            json={"reason": REASON})
        assert r.status_code in (200, 201), r.text
        self.grant = r.json()["id"]


@pytest.fixture(scope="module")
def world(server):
    return World(server)


# ---- what an answer means -----------------------------------------------------------------

def code(r):
    try:
        body = r.json()
    except ValueError:
        return None
    if isinstance(body, dict) and body.get("resourceType") == "OperationOutcome":
        return body["issue"][0]["details"]["coding"][0]["code"]
    return body.get("code") if isinstance(body, dict) else None


def granted(*not_found):
    """Access passed: not 401/403, and not the 404 of one of the codes not_found (what the
    route says of what one may not see)."""
    def check(r, w):
        if r.status_code in (401, 403):
            return False
        return not (r.status_code == 404 and code(r) in not_found)
    return check


def names_her(*needles):
    """A 200 answer that names her or her data (needles: callables of the world)."""
    def check(r, w):
        return r.status_code == 200 and any(n(w) in r.text for n in needles)
    return check


PATIENT = granted("patient.not_found")
REFERRAL = granted("referral.not_found")
BOOKING = granted("booking.not_found")
FHIR = granted("fhir.not_found")
HER = names_her(lambda w: P)


# ---- the probes: one row per route ------------------------------------------------------------
# (method, pattern): (request(world) -> (method, path, json body or None, params or None),
#                     access-granted(response, world), the kinds that must be granted)

def req(method, path, body=None, params=None):
    return lambda w: (method, path.format(w=w, P=P, NOBODY=NOBODY), body, params)


EVERYONE = set(KINDS)
PEOPLE = EVERYONE - {"token"}
IN_ORG = EVERYONE - {"office"}       # has a current organisation
TEAM_READ = {"member", "token", "share"}
TEAM_WRITE = {"member", "token"}
PARTIES = {"member", "token", "share"}
CLINICAL_EMERGENCY = TEAM_READ | {"emergency"}
BAD = {"unknown_field": True}  # a body the route refuses after deciding access

ROWS = {
    ("GET", "/api/health"): (req("GET", "/api/health"), granted(), EVERYONE),
    ("POST", "/api/auth/login"): (req("POST", "/api/auth/login", {"login": "x"}), granted(),
                                  EVERYONE),
    ("POST", "/api/auth/totp"): (req("POST", "/api/auth/totp", {}), granted(), PEOPLE),
    ("POST", "/api/auth/password"): (req("POST", "/api/auth/password", {}), granted(), PEOPLE),
    ("POST", "/api/auth/logout"): (req("POST", "/api/auth/logout", BAD), granted(), PEOPLE),
    ("GET", "/api/me"): (req("GET", "/api/me"), granted(), EVERYONE),
    ("PUT", "/api/me/org"): (req("PUT", "/api/me/org", BAD), granted(), PEOPLE),
    ("GET", "/api/me/sessions"): (req("GET", "/api/me/sessions"), granted(), PEOPLE),
    ("DELETE", "/api/me/sessions/{id}"): (req("DELETE", "/api/me/sessions/{NOBODY}"),
                                          granted(), PEOPLE),
    ("POST", "/api/me/sessions/end-others"): (req("POST", "/api/me/sessions/end-others", BAD),
                                              granted(), PEOPLE),
    ("POST", "/api/me/totp/enroll"): (req("POST", "/api/me/totp/enroll", BAD), granted(),
                                      PEOPLE),
    ("POST", "/api/me/totp/confirm"): (req("POST", "/api/me/totp/confirm", {}), granted(),
                                       PEOPLE),
    ("POST", "/api/me/totp/disable"): (req("POST", "/api/me/totp/disable", {}), granted(),
                                       PEOPLE),
    ("GET", "/api/org-types"): (req("GET", "/api/org-types"), granted(), EVERYONE),
    ("GET", "/api/professions"): (req("GET", "/api/professions"), granted(), EVERYONE),
    ("GET", "/api/orgs"): (req("GET", "/api/orgs"), granted(), EVERYONE),
    ("POST", "/api/orgs"): (req("POST", "/api/orgs", {}), granted(), {"office"}),
    ("GET", "/api/orgs/{id}"): (req("GET", f"/api/orgs/{GH}"), granted(), EVERYONE),
    ("PATCH", "/api/orgs/{id}"): (req("PATCH", f"/api/orgs/{GH}", BAD), granted(), {"office"}),
    ("GET", "/api/policy/totp"): (req("GET", "/api/policy/totp"), granted(), EVERYONE),
    ("PUT", "/api/policy/totp"): (req("PUT", "/api/policy/totp", {}), granted(), {"office"}),
    ("GET", "/api/users"): (req("GET", "/api/users"), granted(), {"office"}),
    ("POST", "/api/users"): (req("POST", "/api/users", {}), granted(), {"office"}),
    ("GET", "/api/users/{id}"): (req("GET", f"/api/users/{helpers.user_id('gh.sato')}"),
                                 granted(), {"office"}),
    ("PATCH", "/api/users/{id}"): (req("PATCH", f"/api/users/{helpers.user_id('gh.sato')}",
                                       BAD), granted(), {"office"}),
    ("POST", "/api/users/{id}/password"): (req("POST", "/api/users/{NOBODY}/password", {}),
                                           granted(), {"office"}),
    ("POST", "/api/users/{id}/confirm"): (req("POST", f"/api/users/{helpers.user_id('gh.sato')}"
                                              "/confirm", BAD), granted(), set()),
    ("GET", "/api/tokens"): (req("GET", "/api/tokens"), granted(), {"office"}),
    ("POST", "/api/tokens"): (req("POST", "/api/tokens", {}), granted(), set()),
    ("DELETE", "/api/tokens/{id}"): (req("DELETE", "/api/tokens/{NOBODY}"), granted(),
                                     {"office"}),
    ("GET", "/api/audit"): (req("GET", "/api/audit", params={"patient_id": P}), HER,
                            {"office"}),
    ("GET", "/api/patients"): (req("GET", "/api/patients", params={"q": "山田花子"}), HER,
                               TEAM_READ),
    ("POST", "/api/patients"): (req("POST", "/api/patients", {}), granted(), IN_ORG),
    ("GET", "/api/patients/{id}"): (req("GET", "/api/patients/{P}"), PATIENT,
                                    CLINICAL_EMERGENCY),
    ("PATCH", "/api/patients/{id}"): (req("PATCH", "/api/patients/{P}", BAD), PATIENT,
                                      TEAM_WRITE),
    ("POST", "/api/patients/{id}/local-ids"): (req("POST", "/api/patients/{P}/local-ids", {}),
                                               PATIENT, TEAM_WRITE),
    ("GET", "/api/patients/{id}/consents"): (req("GET", "/api/patients/{P}/consents"),
                                             PATIENT, TEAM_WRITE),
    ("POST", "/api/patients/{id}/consents"): (req("POST", "/api/patients/{P}/consents", {}),
                                              PATIENT, TEAM_WRITE),
    ("POST", "/api/patients/{id}/consents/{cid}/withdraw"): (
        req("POST", "/api/patients/{P}/consents/{w.consent}/withdraw", {}), PATIENT,
        TEAM_WRITE),
    ("GET", "/api/patients/{id}/team"): (req("GET", "/api/patients/{P}/team"), PATIENT,
                                         TEAM_READ),
    ("POST", "/api/patients/{id}/team"): (req("POST", "/api/patients/{P}/team", {}), PATIENT,
                                          TEAM_WRITE),
    ("DELETE", "/api/patients/{id}/team/{mid}"): (
        req("DELETE", "/api/patients/{P}/team/{NOBODY}"), PATIENT, TEAM_WRITE),
    ("GET", "/fhir/metadata"): (req("GET", "/fhir/metadata"), granted(), EVERYONE),
    ("POST", "/fhir"): (lambda w: ("POST", "/fhir", {
        "resourceType": "Bundle", "type": "transaction", "entry": [
            {"resource": {**observation(P), "status": "not-a-status"},
             "request": {"method": "POST", "url": "Observation"}}]}, None),
        granted(), TEAM_WRITE),
    ("POST", "/fhir/"): (lambda w: ("POST", "/fhir/", {
        "resourceType": "Bundle", "type": "batch", "entry": [
            {"request": {"method": "GET", "url": f"Observation/{w.observation}"}}]}, None),
        lambda r, w: r.status_code == 200 and r.json()["entry"][0]["response"][
            "status"].startswith("200"), TEAM_READ),
    ("GET", "/fhir/Patient/{id}/$everything"): (req("GET", "/fhir/Patient/{P}/$everything"),
                                                PATIENT, TEAM_READ),
    ("GET", "/fhir/Composition/{id}/$document"): (
        req("GET", "/fhir/Composition/{w.composition}/$document"), FHIR, CLINICAL_EMERGENCY),
    ("GET", "/fhir/{type}/_history"): (req("GET", "/fhir/Observation/_history"),
                                       names_her(lambda w: w.observation), TEAM_READ),
    ("POST", "/fhir/{type}/_search"): (
        lambda w: ("FORM", "/fhir/AllergyIntolerance/_search", {"patient": P}, None),
        names_her(lambda w: f"Patient/{P}"), CLINICAL_EMERGENCY),
    ("GET", "/fhir/{type}/{id}/_history/{vid}"): (
        req("GET", "/fhir/Observation/{w.observation}/_history/1"), FHIR, TEAM_READ),
    ("GET", "/fhir/{type}/{id}/_history"): (
        req("GET", "/fhir/Observation/{w.observation}/_history"), FHIR, TEAM_READ),
    ("GET", "/fhir/{type}/{id}"): (req("GET", "/fhir/Observation/{w.observation}"), FHIR,
                                   TEAM_READ),
    ("PUT", "/fhir/{type}/{id}"): (
        lambda w: ("PUT", f"/fhir/Observation/{w.observation}",
                   {"resourceType": "Observation", "id": w.observation}, None), FHIR,
        TEAM_WRITE),
    ("DELETE", "/fhir/{type}/{id}"): (
        lambda w: ("DELETE", f"/fhir/Observation/{w.observation}", None,
                   {"If-Match": 'W/"999"'}), FHIR, TEAM_WRITE),
    ("GET", "/fhir/{type}"): (req("GET", "/fhir/AllergyIntolerance", params={"patient": P}),
                              names_her(lambda w: f"Patient/{P}"), CLINICAL_EMERGENCY),
    ("POST", "/fhir/{type}"): (req("POST", "/fhir/Observation",
                                   {**observation(P), "status": "not-a-status"}),
                               lambda r, w: r.status_code not in (401, 403), TEAM_WRITE),
    ("POST", "/api/emergency/search"): (req("POST", "/api/emergency/search", {
        "name": "山田 花子", "birth_date": "1941-04-12"}), HER, {"member", "share",
                                                               "emergency"}),
    # granted: it reaches its business rules (a reason is required, or no emergency is needed)
    ("POST", "/api/patients/{id}/emergency"): (req("POST", "/api/patients/{P}/emergency", {}),
                                               granted("patient.not_found"),
                                               {"member", "share", "emergency"}),
    ("GET", "/api/emergency/active"): (req("GET", "/api/emergency/active"), HER,
                                       {"emergency"}),
    ("POST", "/api/emergency/{gid}/end"): (req("POST", "/api/emergency/{w.grant}/end"),
                                           granted("emergency.not_found"), {"emergency"}),
    ("GET", "/api/emergency/reviews"): (req("GET", "/api/emergency/reviews"), granted(),
                                        set()),
    ("POST", "/api/emergency/{gid}/review"): (
        req("POST", "/api/emergency/{w.grant}/review", {}), granted(), set()),
    ("GET", "/api/notifications"): (req("GET", "/api/notifications"),
                                    names_her(lambda w: w.notification), TEAM_WRITE),
    ("GET", "/api/events"): (req("STREAM", "/api/events"), granted(), EVERYONE),
    ("POST", "/api/notifications/{id}/read"): (
        req("POST", "/api/notifications/{w.notification}/read"),
        granted("notification.not_found"), TEAM_WRITE),
    ("GET", "/api/directory/codes"): (req("GET", "/api/directory/codes"), granted(), EVERYONE),
    ("GET", "/api/directory/search"): (req("GET", "/api/directory/search"), granted(),
                                       EVERYONE),
    ("GET", "/api/directory/orgs/{id}"): (req("GET", f"/api/directory/orgs/{GH}"), granted(),
                                          EVERYONE),
    # (valid bodies: these routes read them before deciding who may)
    ("PUT", "/api/directory/orgs/{id}/profile"): (
        lambda w: ("PUT", f"/api/directory/orgs/{GH}/profile", w.profile, None), granted(),
        {"office"}),
    ("PATCH", "/api/directory/orgs/{id}/status"): (
        req("PATCH", f"/api/directory/orgs/{GH}/status", {"beds": {"icu_hcu": 2}}), granted(),
        {"office"}),
    ("PUT", "/api/directory/orgs/{id}/editors"): (
        req("PUT", f"/api/directory/orgs/{GH}/editors",
            {"user_ids": [helpers.user_id("gh.renkei")]}), granted(), {"office"}),
    ("GET", "/api/directory/orgs/{id}/history"): (
        req("GET", f"/api/directory/orgs/{GH}/history"), granted(), EVERYONE),
    ("GET", "/api/referral-stats"): (req("GET", "/api/referral-stats", params={"org_id": GH}),
                                     granted(), {"member", "token", "office"}),
    ("GET", "/api/referral-stats.csv"): (req("GET", "/api/referral-stats.csv",
                                             params={"org_id": GH}),
                                         granted(), {"member", "token", "office"}),
    ("PUT", "/api/referral-stats/first-visits"): (
        req("PUT", "/api/referral-stats/first-visits", {"org_id": GH, "month": "2026-01",
                                                        "count": 1000}), granted(), {"office"}),
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
    ("GET", "/api/equipment/slots"): (req("GET", "/api/equipment/slots"), granted(), EVERYONE),
    ("POST", "/api/equipment/slots"): (lambda w: ("POST", "/api/equipment/slots", {
        "equipment": "ct", "slots": w.slot_times()}, None), granted(), {"office"}),
    ("DELETE", "/api/equipment/slots/{id}"): (req("DELETE", "/api/equipment/slots/{w.slot}"),
                                              granted("booking.slot_not_found"), {"office"}),
    ("POST", "/api/patients/{id}/bookings"): (req("POST", "/api/patients/{P}/bookings", {}),
                                              PATIENT, TEAM_WRITE),
    ("GET", "/api/patients/{id}/bookings"): (req("GET", "/api/patients/{P}/bookings"), PATIENT,
                                             TEAM_READ),
    ("GET", "/api/bookings"): (lambda w: ("BOXES", "/api/bookings", None, None),
                               names_her(lambda w: w.booking), PARTIES),
    ("GET", "/api/bookings/{bid}"): (req("GET", "/api/bookings/{w.booking}"), BOOKING,
                                     PARTIES),
}
for action in ("accept", "decline", "redirect", "schedule", "seen", "reply", "reverse", "close",
               "cancel"):
    ROWS[("POST", f"/api/referrals/{{rid}}/{action}")] = (
        req("POST", "/api/referrals/{w.referral}/" + action, BAD), REFERRAL, PARTIES)
for action in ("confirm", "propose", "accept-proposal", "decline", "cancel", "report"):
    ROWS[("POST", f"/api/bookings/{{bid}}/{action}")] = (
        req("POST", "/api/bookings/{w.booking}/" + action, BAD), BOOKING, PARTIES)


def routes():
    return [(m, p) for m, p, *_ in helpers.parse_routes()]


def test_every_route_has_a_row():
    missing = [r for r in routes() if r not in ROWS]
    assert not missing, f"routes without a row in the authorisation matrix: {missing}"
    assert set(ROWS) <= set(routes()), set(ROWS) - set(routes())


def call(w, kind, spec):
    method, path, body, params = spec
    s = w.sessions[kind]
    if method == "STREAM":
        r = s.get(path, stream=True, timeout=(10, 10))
        r.close()
        return r
    if method == "FORM":
        return s.post(path, data=body)
    if method == "BOXES":  # a case list: both boxes, as one answer
        answers = [s.get(path, params={"box": box}) for box in (
            ("sent", "inbox") if "referrals" in path else ("ordered", "received"))]
        for a in answers:
            if a.status_code != 200:
                return a
        answers[0]._content = (answers[0].text + answers[1].text).encode()
        return answers[0]
    headers = params if method == "DELETE" and params else None
    return s.request(method, path, json=body,
                     params=None if headers else params, headers=headers)


@pytest.mark.parametrize("route", sorted(ROWS), ids=lambda r: f"{r[0]} {r[1]}")
def test_who_may(world, route):
    build, access, allowed = ROWS[route]
    got = {}
    writes = route[0] != "GET"
    # the refused first: together they must change nothing
    before = helpers.store_snapshot(world.server) if writes else None
    for kind in sorted(KINDS, key=lambda k: k in allowed):
        if writes and kind in allowed and before is not None:
            assert helpers.store_snapshot(world.server) == before, "a refused request changed data"
            before = None
        r = call(world, kind, build(world))
        assert r.status_code < 500, (kind, r.status_code, r.text[:300])
        got[kind] = bool(access(r, world))
    if before is not None:
        assert helpers.store_snapshot(world.server) == before, "a refused request changed data"
    if route == ("POST", "/api/emergency/{gid}/end"):
        world.regrant()  # the probe ended it
    expected = {kind: kind in allowed for kind in KINDS}
    assert got == expected, {k: (got[k], expected[k]) for k in KINDS if got[k] != expected[k]}
