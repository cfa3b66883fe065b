# SPDX-License-Identifier: Apache-2.0
"""Who may do what, for every route of the route tables (issue 11): each route × each kind of
principal × the expected answer. A route without a row fails the suite (a new route needs one);
a kind a row does not list must be refused (deny by default). The rows are in one file per
module, authz_rows_<module>.py, written with the vocabulary of authz.py.

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
import pytest

import helpers
import referral_helpers as rh
from authz import *  # noqa: F401,F403 (the kinds, the ids and what an answer means)
from authz import all_rows, all_setups
from fhir_helpers import observation
from helpers import tokyo_today


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
        for setup in all_setups():  # the modules' own data (authz_rows_*.py setup)
            setup(self)

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


ROWS = all_rows()
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
            ("sent", "inbox") if "referrals" in path else
            ("outgoing", "incoming") if "transfers" in path else ("ordered", "received"))]
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
