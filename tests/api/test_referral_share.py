# SPDX-License-Identifier: Apache-2.0
"""A referral shares the patient's record with the receiving organisation for its purpose and
time window, only where the patient's consent names the receiver; the share ends with the
referral (declined, cancelled, closed) or its window. Creation is idempotent per
Idempotency-Key: a repeated submission makes no second referral, even when concurrent."""
import datetime
import threading

import helpers
import referral_helpers as rh
from helpers import assert_problem

DAY_MS = 86400 * 1000


def record_visible(server, patient, login="uh.fujita"):
    """Whether login's organisation reads the patient and its clinical record; both answers
    must agree."""
    s = server.session(login)
    read = s.get(f"/api/patients/{patient}")
    records = rh.conditions(s, patient)
    assert read.status_code in (200, 404), read.text
    assert (read.status_code == 200) == bool(records), (read.status_code, records)
    return read.status_code == 200


def iso_ms(text):
    return int(datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)


def test_sharing_starts_with_the_referral_and_ends_with_it(server):
    sato, fujita = server.session("gh.sato"), server.session("uh.fujita")
    patient = rh.new_patient(server, "SHARE-1", share_with=[rh.UH])
    cond = rh.condition(sato, patient)
    assert not record_visible(server, patient)
    assert_problem(fujita.get(f"/api/patients/{patient}"), 404, "patient.not_found")

    # sent: readable for the referral's window (default 90 days)
    ref = rh.sent(sato, patient)
    assert ref["letter"]["record_shared"] is True
    expires = iso_ms(ref["letter"]["share_expires_at"])
    assert abs(expires - (iso_ms(ref["sent_at"]) + 90 * DAY_MS)) < 1000
    assert ref["share"] == {"record_shared": True, "expires_at": ref["letter"]["share_expires_at"],
                            "ended_at": None, "end_reason": None}
    assert record_visible(server, patient)
    assert rh.conditions(fujita, patient) == [cond]
    # reading only: the receiver may not write the record nor change the consent
    r = fujita.post(f"/api/patients/{patient}/local-ids", json={"local_id": "UH-999"})
    assert_problem(r, 404, "patient.not_found")
    assert_problem(fujita.get(f"/api/patients/{patient}/consents"), 404, "patient.not_found")

    # declined: hidden again
    rh.step(fujita, ref["id"], "decline", {"reason": "専門外のため"})
    assert not record_visible(server, patient)
    full = sato.get(f"/api/referrals/{ref['id']}").json()
    assert full["share"]["end_reason"] == "declined" and full["share"]["ended_at"]
    assert full["timeline"][-1]["kind"] == "share_ended"

    # cancelled by the sender: hidden again
    ref = rh.sent(sato, patient)
    assert record_visible(server, patient)
    rh.step(sato, ref["id"], "cancel", {"reason": "患者の希望により中止"})
    assert not record_visible(server, patient)

    # closed after the reply: hidden again
    ref = rh.sent(sato, patient)
    for action, body in (("accept", {}), ("seen", {}), ("reply", {"reply": {"plan": "経過観察"}})):
        rh.step(fujita, ref["id"], action, body)
    assert record_visible(server, patient)
    rh.step(fujita, ref["id"], "close", {"note": "返書送付済み"})
    assert not record_visible(server, patient)

    # the window: a share past its expiry opens nothing
    ref = rh.sent(sato, patient)
    assert record_visible(server, patient)
    server.execute("UPDATE record_shares SET expires_at = 1 WHERE source_id = ?", (ref["id"],))
    assert not record_visible(server, patient)


def test_without_consent_the_referral_goes_but_the_record_stays_closed(server):
    sato, fujita = server.session("gh.sato"), server.session("uh.fujita")
    patient = rh.new_patient(server, "SHARE-2")  # consent names minami-gh only
    rh.condition(sato, patient)
    ref = rh.sent(sato, patient)
    assert ref["letter"]["record_shared"] is False and ref["letter"]["share_expires_at"] is None
    assert ref["share"]["record_shared"] is False and ref["share"]["expires_at"] is None
    assert [e["kind"] for e in ref["timeline"]] == ["sent"]
    assert not record_visible(server, patient)
    # the receiver still has the referral and its letter, and works it
    r = fujita.get(f"/api/referrals/{ref['id']}")
    assert r.status_code == 200 and r.json()["letter"]["purpose_text"]
    assert rh.step(fujita, ref["id"], "accept")["status"] == "accepted"
    assert not record_visible(server, patient)


def test_the_share_window_is_configurable(start_server):
    server = start_server("--referral-share-days", "7")
    patient = rh.new_patient(server, "SHARE-3", share_with=[rh.UH])
    ref = rh.sent(server.session("gh.sato"), patient)
    assert abs(iso_ms(ref["share"]["expires_at"]) - (iso_ms(ref["sent_at"]) + 7 * DAY_MS)) < 1000


def test_bad_share_window_is_refused():
    r = helpers.run_cli("serve", "--referral-share-days", "0")
    assert r.returncode == 2 and "referral-share-days" in r.stderr


# ---- idempotency ------------------------------------------------------------------------------

def count(server, key):
    return server.query("SELECT count(*) AS n FROM referrals WHERE idempotency_key = ?",
                        (key,))[0]["n"]


def test_same_key_same_body_gives_the_same_referral(server):
    sato = server.session("gh.sato")
    patient = rh.new_patient(server, "IDEM-1")
    first = rh.send(sato, patient, key="idem-1")
    assert first.status_code == 201, first.text
    before = helpers.store_snapshot(server)
    again = rh.send(sato, patient, key="idem-1")
    assert again.status_code == 200, again.text
    assert again.json()["id"] == first.json()["id"]
    assert helpers.store_snapshot(server) == before  # nothing new written
    assert count(server, "idem-1") == 1
    # the same key with another body
    r = rh.send(sato, patient, key="idem-1", urgency="routine")
    assert_problem(r, 409, "referral.idempotency_conflict")
    # the same key on another patient (another request)
    other = rh.new_patient(server, "IDEM-1b")
    assert_problem(rh.send(sato, other, key="idem-1"), 409, "referral.idempotency_conflict")
    # keys are per user: another physician may use the same key
    kobayashi = server.session("multi.kobayashi")
    r = kobayashi.put("/api/me/org", json={"org_id": rh.GH})
    assert r.status_code == 200, r.text
    r = rh.send(kobayashi, patient, key="idem-1")
    assert r.status_code == 201 and r.json()["id"] != first.json()["id"]
    assert helpers.store_snapshot(server) != before


def test_concurrent_duplicates_make_one_referral(server):
    patient = rh.new_patient(server, "IDEM-2")
    sessions = [helpers.login(server, "gh.sato") for _ in range(6)]
    barrier = threading.Barrier(len(sessions))
    answers = [None] * len(sessions)

    def submit(i):
        barrier.wait()
        answers[i] = rh.send(sessions[i], patient, key="idem-concurrent")

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(len(sessions))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    codes = sorted(r.status_code for r in answers)
    assert codes == [200] * (len(sessions) - 1) + [201], [r.text[:200] for r in answers]
    assert len({r.json()["id"] for r in answers}) == 1
    assert count(server, "idem-concurrent") == 1
    rows = server.query("SELECT count(*) AS n FROM referrals WHERE patient_id = ?", (patient,))
    assert rows[0]["n"] == 1


def test_redirect_and_reverse_are_idempotent(server):
    sato, fujita = server.session("gh.sato"), server.session("uh.fujita")
    patient = rh.new_patient(server, "IDEM-3")
    rid = rh.sent(sato, patient)["id"]
    rh.step(fujita, rid, "decline", {"reason": "満床"})
    target = {"to_org_id": rh.LTC, "to_department": ""}
    key = {"Idempotency-Key": "redirect-1"}
    a = sato.post(f"/api/referrals/{rid}/redirect", json=target, headers=key)
    b = sato.post(f"/api/referrals/{rid}/redirect", json=target, headers=key)
    assert (a.status_code, b.status_code) == (201, 200), (a.text, b.text)
    assert a.json()["id"] == b.json()["id"]
    r = sato.post(f"/api/referrals/{rid}/redirect", json={**target, "note": "別"}, headers=key)
    assert_problem(r, 409, "referral.idempotency_conflict")
    assert count(server, "redirect-1") == 1
    # a reverse referral from the new receiver, twice with one key
    new = a.json()["id"]
    shimizu = server.session("ltc.shimizu")  # physician of minami-ltc
    rh.step(shimizu, new, "accept")
    rh.step(shimizu, new, "seen")
    body = {"urgency": "routine", "purpose": "home_transition",
            "letter": rh.letter(purpose_text="在宅療養への移行をお願いします。")}
    assert_problem(server.session("ltc.ishikawa").post(f"/api/referrals/{new}/reverse",
                                                       json=body),
                   403, "referral.signer_not_physician")
    key = {"Idempotency-Key": "reverse-1"}
    a = shimizu.post(f"/api/referrals/{new}/reverse", json=body, headers=key)
    b = shimizu.post(f"/api/referrals/{new}/reverse", json=body, headers=key)
    assert (a.status_code, b.status_code) == (201, 200), (a.text, b.text)
    assert a.json()["id"] == b.json()["id"] and a.json()["kind"] == "reverse"
    assert a.json()["to_org"]["id"] == rh.GH and a.json()["parent_id"] == new
    assert count(server, "reverse-1") == 1
