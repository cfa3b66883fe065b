# SPDX-License-Identifier: Apache-2.0
"""Workflow guards (issue 13, item 8): a booking cannot be reported, nor a referral marked
受診済, before the JST day of its appointment unless the caller states a reason, which the
timeline keeps; one rule of the step engine for both. And the reverse referral's (逆紹介) draft
starts from the reply just written, not from the referring clinic's letter."""
import datetime

import helpers
import referral_helpers as rh
from helpers import YAMADA_HANAKO, assert_problem, store_snapshot
from test_bookings import book, publish

JST = datetime.timezone(datetime.timedelta(hours=9))


def at_jst(days, hour, minute=0):
    """An RFC 3339 time `days` from today (Asia/Tokyo, the suite's clock) at hour:minute."""
    d = helpers.tokyo_today() + datetime.timedelta(days=days)
    return datetime.datetime(d.year, d.month, d.day, hour, minute, tzinfo=JST).isoformat()


def last_event(session, url, kind):
    return [e for e in session.get(url).json()["timeline"] if e["kind"] == kind][-1]


# ---- the booking's report ---------------------------------------------------------------------

def test_report_before_the_examination_day_needs_a_reason(server):
    clinic, liaison, doctor = (server.session(u) for u in ("aoba.tanaka", "gh.renkei", "gh.sato"))
    [slot] = publish(server, "gh.admin")  # a day well ahead
    b = book(clinic, YAMADA_HANAKO, slot["id"]).json()
    url = f"/api/bookings/{b['id']}"
    assert liaison.post(f"{url}/confirm").status_code == 200
    shown = doctor.get(url).json()
    assert "report" in shown["actions"] and shown["early_actions"] == ["report"]

    before = store_snapshot(server)
    for body in ({"impression": "異常なし"}, {"impression": "異常なし", "reason": " \u3000"}):
        p = assert_problem(doctor.post(f"{url}/report", json=body), 422,
                           "booking.before_appointment_day")
        assert p["detail"].endswith("(reason)")
    assert store_snapshot(server) == before

    r = doctor.post(f"{url}/report", json={"impression": "異常なし",
                                            "reason": "患者都合で前日に撮影済み"})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "reported"
    assert last_event(doctor, url, "reported")["detail"]["reason"] == "患者都合で前日に撮影済み"


# ---- the referral's 受診済 ---------------------------------------------------------------------

def accepted(server, local_id):
    fujita, clerk = server.session("uh.fujita"), server.session("uh.admin")
    patient = rh.new_patient(server, local_id, share_with=[rh.UH])
    rid = rh.sent(server.session("gh.sato"), patient)["id"]
    rh.step(clerk, rid, "accept")
    return fujita, clerk, rid


def test_seen_before_the_appointment_day_needs_a_reason(server):
    fujita, clerk, rid = accepted(server, "GUARD-SEEN-1")
    rh.step(clerk, rid, "schedule", {"appointment_at": at_jst(3, 10, 30)})
    assert fujita.get(f"/api/referrals/{rid}").json()["early_actions"] == ["seen"]
    before = store_snapshot(server)
    p = assert_problem(fujita.post(f"/api/referrals/{rid}/seen", json={"note": "早めに来院"}),
                       422, "referral.before_appointment_day")
    assert p["detail"].endswith("(reason)")
    assert store_snapshot(server) == before

    seen = rh.step(fujita, rid, "seen", {"reason": "症状悪化のため予約日前に受診"})
    assert seen["status"] == "seen"
    assert last_event(fujita, f"/api/referrals/{rid}", "seen")["detail"] == {
        "reason": "症状悪化のため予約日前に受診"}


def test_seen_from_the_appointment_day_needs_no_reason(server):
    fujita, clerk, rid = accepted(server, "GUARD-SEEN-2")
    # an appointment earlier today (00:00 JST) or any day before: the day has come
    rh.step(clerk, rid, "schedule", {"appointment_at": at_jst(0, 0)})
    assert fujita.get(f"/api/referrals/{rid}").json()["early_actions"] == []
    assert rh.step(fujita, rid, "seen")["status"] == "seen"
    # accepted without an appointment: no day to wait for
    fujita, _, rid = accepted(server, "GUARD-SEEN-3")
    assert rh.step(fujita, rid, "seen")["status"] == "seen"


# ---- the reverse referral's draft --------------------------------------------------------------

def test_reverse_draft_starts_from_the_reply(server):
    fujita, clerk, rid = accepted(server, "GUARD-REV-1")
    patient = fujita.get(f"/api/referrals/{rid}").json()["patient"]["id"]
    rh.step(fujita, rid, "seen")
    reply = {"diagnosis": "労作性狭心症", "findings": "冠動脈CTで左前下行枝に75%狭窄",
             "treatment": "PCI施行", "plan": "抗血小板薬2剤を12か月継続してください",
             "remarks": "次回は3か月後"}
    rh.step(fujita, rid, "reply", {"reply": reply})
    r = fujita.get(f"/api/patients/{patient}/referral-draft", params={"reverse_of": rid})
    assert r.status_code == 200, r.text
    letter = r.json()["letter"]
    assert letter["diagnoses"][0]["text"] == "労作性狭心症"
    assert letter["course"] == "冠動脈CTで左前下行枝に75%狭窄\nPCI施行"
    assert letter["follow_up"] == reply["plan"] and letter["remarks"] == "次回は3か月後"
    assert letter["purpose_text"] == ""
    # not the clinic's letter: its purpose, course and diagnosis are not carried over
    sent_letter = rh.letter()
    assert sent_letter["course"] != letter["course"]
    assert "狭心症疑い" not in [d["text"] for d in letter["diagnoses"]]

    # only for a referral of this patient received by the caller's organisation
    sato = server.session("gh.sato")
    for who, ref in ((sato, rid), (fujita, "3f1d2c4b-5a69-4788-9a0b-1c2d3e4f5a6b"),
                     (fujita, "not-an-id")):
        p = assert_problem(who.get(f"/api/patients/{patient}/referral-draft",
                                   params={"reverse_of": ref}), 400, "request.field_value")
        assert p["detail"].endswith("(reverse_of)")
    assert_problem(fujita.get(f"/api/patients/{patient}/referral-draft",
                              params={"other": "x"}), 400)
