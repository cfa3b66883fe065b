# SPDX-License-Identifier: Apache-2.0
"""Home care (issue 16): the team timeline of a patient (src/homecare/timeline*.c): posts,
replies in threads, read receipts per person and per organisation, mentions and urgent posts
that notify, photos stripped of their metadata and reduced, and nothing for anyone outside the
team."""
import json
import struct

import helpers
from helpers import YAMADA_HANAKO, assert_problem, org_id, patient_id, user_id
from homecare_timeline_helpers import exif_with_gps, grey_jpeg, png
from test_events import Stream

# 佐藤 一郎: team and consent minami-gh, sakura-clinic, aoba-homecare, minami-vns,
# hikari-pharmacy, minami-cmo
ICHIRO = patient_id(1)
HANAKO = YAMADA_HANAKO  # team and consent minami-gh, aoba-homecare only


def posts_path(patient=ICHIRO):
    return f"/api/patients/{patient}/homecare/posts"


def post(session, text, patient=ICHIRO, **fields):
    r = session.post(posts_path(patient), json={"category": "report", "text": text, **fields})
    assert r.status_code == 201, r.text
    return r.json()


def timeline(session, patient=ICHIRO, **params):
    r = session.get(posts_path(patient), params=params or None)
    assert r.status_code == 200, r.text
    return r.json()


def thread(session, post_id, patient=ICHIRO):
    for item in helpers.fetch_all(session, posts_path(patient)):
        if item["id"] == post_id:
            return item
    raise AssertionError(f"thread {post_id} not listed")


def notices(session, post_id):
    items = session.get("/api/notifications").json()["items"]
    return [n for n in items if n["kind"] == "homecare_post" and n["ref_id"] == post_id]


# ---- posts, replies, the list ----------------------------------------------------------------

def test_post_reply_and_list_with_threads(server):
    sato, suzuki = server.session("gh.sato"), server.session("vns.suzuki")
    first = post(sato, "仙骨部の発赤が拡大しています。", category="report")
    assert first["type"] == "post" and first["category"] == "report"
    assert first["urgency"] == "normal" and first["parent_id"] is None
    assert first["author"]["id"] == user_id("gh.sato")
    assert first["org"]["id"] == org_id("minami-gh")
    reply = post(suzuki, "本日の訪問で除圧を強化しました。", category="notice",
                 parent_id=first["id"])
    assert reply["parent_id"] == first["id"]
    # a reply to a reply joins the same thread (one level of replies)
    again = post(sato, "ありがとうございます。", category="notice", parent_id=reply["id"])
    assert again["parent_id"] == first["id"]
    second = post(suzuki, "来週の訪問日を変更したいです。", category="consult")

    body = timeline(sato)
    ids = [item["id"] for item in body["items"]]
    assert ids.index(second["id"]) < ids.index(first["id"])  # newest thread first
    assert reply["id"] not in ids and again["id"] not in ids  # replies sit in their thread
    listed = thread(sato, first["id"])
    assert [r["id"] for r in listed["replies"]] == [reply["id"], again["id"]]
    assert listed["text"] == "仙骨部の発赤が拡大しています。"
    assert all(item["type"] == "post" for item in body["items"])
    team = {o["id"] for o in body["team"]}
    assert {org_id("minami-gh"), org_id("minami-vns"), org_id("hikari-pharmacy")} <= team
    assert org_id("minami-uh") not in team


def test_paging_the_timeline(server):
    s = server.session("aoba.tanaka")
    made = [post(s, f"ページ {i}", patient=HANAKO)["id"] for i in range(3)]
    page = timeline(s, HANAKO, limit=2)
    assert len(page["items"]) == 2 and page["next_cursor"]
    assert [i["id"] for i in page["items"]] == made[::-1][:2]
    rest = timeline(s, HANAKO, limit=2, cursor=page["next_cursor"])
    assert rest["items"][0]["id"] == made[0]


def test_a_reply_names_a_post_of_the_same_patient(server):
    s = server.session("gh.sato")
    other = post(s, "別の患者への投稿", patient=HANAKO)
    before = helpers.store_snapshot(server)
    r = s.post(posts_path(), json={"category": "report", "text": "返信",
                                   "parent_id": other["id"]})
    assert_problem(r, 422, "homecare.timeline_parent")
    r = s.post(posts_path(), json={"category": "report", "text": "返信",
                                   "parent_id": helpers.demo_id("patient", "0")})
    assert_problem(r, 422, "homecare.timeline_parent")
    assert helpers.store_snapshot(server) == before


# ---- read receipts ---------------------------------------------------------------------------

def people(read):
    return {p["user"]["id"] for p in read["people"]}


def unread(read):
    return {p["user"]["id"] for p in read["unread_people"]}


def org_read(read, code):
    return next(o for o in read["orgs"] if o["org"]["id"] == org_id(code))


def test_read_receipts_per_person_and_per_organisation(server):
    sato, suzuki, ito = (server.session(x) for x in ("gh.sato", "vns.suzuki", "ph.ito"))
    p = post(sato, "退院後初回の訪問予定を共有します。")
    read = p["read"]
    assert people(read) == {user_id("gh.sato")}  # the author has seen it
    assert {user_id("vns.suzuki"), user_id("ph.ito")} <= unread(read)
    assert org_read(read, "minami-gh")["read"] is True
    assert org_read(read, "minami-vns")["read"] is False
    assert org_read(read, "hikari-pharmacy")["read"] is False

    path = f"{posts_path()}/{p['id']}/read"
    r = suzuki.post(path)
    assert r.status_code == 200, r.text
    first_at = next(x["read_at"] for x in r.json()["read"]["people"]
                    if x["user"]["id"] == user_id("vns.suzuki"))
    # marking read again changes nothing
    r = suzuki.post(path, json={})
    assert r.status_code == 200
    again = r.json()["read"]
    assert [x["read_at"] for x in again["people"]
            if x["user"]["id"] == user_id("vns.suzuki")] == [first_at]

    listed = thread(ito, p["id"])["read"]
    assert people(listed) == {user_id("gh.sato"), user_id("vns.suzuki")}
    assert user_id("vns.suzuki") not in unread(listed)
    assert user_id("ph.ito") in unread(listed)
    vns = org_read(listed, "minami-vns")
    assert vns["read"] is True and vns["read_count"] == 1 and vns["member_count"] >= 2
    assert org_read(listed, "hikari-pharmacy")["read"] is False
    # the receipt names who read and in which organisation
    who = next(x for x in listed["people"] if x["user"]["id"] == user_id("vns.suzuki"))
    assert who["org"]["id"] == org_id("minami-vns")


def test_read_receipt_of_an_unknown_post(server):
    s = server.session("vns.suzuki")
    before = helpers.store_snapshot(server)
    assert_problem(s.post(f"{posts_path()}/{helpers.demo_id('patient', '5')}/read"), 404,
                   "homecare.timeline_post_not_found")
    other = post(server.session("gh.sato"), "花子さんの件", patient=HANAKO)
    before = helpers.store_snapshot(server)
    # a post of another patient, reached through this patient's path
    assert_problem(s.post(f"{posts_path()}/{other['id']}/read"), 404,
                   "homecare.timeline_post_not_found")
    assert helpers.store_snapshot(server) == before


# ---- notifications and events ----------------------------------------------------------------

def test_a_mention_notifies_the_mentioned_inbox_only(server):
    sato, suzuki, ito = (server.session(x) for x in ("gh.sato", "vns.suzuki", "ph.ito"))
    p = post(sato, "@鈴木さん 褥瘡の写真をお願いします。", category="request",
             mentions=[{"user_id": user_id("vns.suzuki")}])
    assert p["mentions"] == [{"kind": "user",
                              "user": {"id": user_id("vns.suzuki"), "name": "鈴木 恵子"},
                              "org": {"id": org_id("minami-vns"), "name": p["mentions"][0]["org"]["name"]}}]
    got = notices(suzuki, p["id"])
    assert len(got) == 1
    assert got[0]["patient"]["id"] == ICHIRO
    assert got[0]["summary"]["mentioned_users"] == [user_id("vns.suzuki")]
    assert got[0]["summary"]["category"] == "request" and got[0]["summary"]["urgent"] is False
    assert notices(ito, p["id"]) == []
    assert notices(sato, p["id"]) == []


def test_an_organisation_can_be_mentioned(server):
    sato, ito = server.session("gh.sato"), server.session("ph.ito")
    p = post(sato, "残薬の確認をお願いします。", category="request",
             mentions=[{"org_id": org_id("hikari-pharmacy")}])
    assert p["mentions"][0]["kind"] == "org" and p["mentions"][0]["user"] is None
    got = notices(ito, p["id"])
    assert len(got) == 1 and got[0]["summary"]["mentions_org"] is True


def test_an_urgent_post_notifies_the_whole_team_and_nobody_outside(server):
    sato = server.session("gh.sato")
    p = post(sato, "SpO2 低下、至急往診します。", category="notice", urgency="urgent")
    assert p["urgency"] == "urgent"
    for login in ("vns.suzuki", "ph.ito", "aoba.nakajima", "gh.renkei"):
        got = notices(server.session(login), p["id"])
        assert len(got) == 1, login
        assert got[0]["summary"]["urgent"] is True
    # minami-uh is not on 佐藤 一郎's team: nothing reaches it
    rows = server.query("SELECT org_id FROM notifications WHERE ref_id = ?", (p["id"],))
    assert rows and org_id("minami-uh") not in {r["org_id"] for r in rows}
    assert notices(server.session("uh.fujita"), p["id"]) == []


def test_a_mention_outside_the_team_is_refused_and_stores_nothing(server):
    s = server.session("gh.sato")
    before = helpers.store_snapshot(server)
    for mention in ({"user_id": user_id("uh.fujita")}, {"org_id": org_id("minami-uh")},
                    {"user_id": user_id("ph.ito")} | {"org_id": org_id("minami-vns")},
                    {"user_id": helpers.demo_id("patient", "3")}):
        r = s.post(posts_path(), json={"category": "report", "text": "確認",
                                       "mentions": [mention]})
        assert_problem(r, 422, "homecare.timeline_mention")
    r = s.post(posts_path(), json={"category": "report", "text": "確認", "mentions": [{}]})
    assert_problem(r, 400)
    assert helpers.store_snapshot(server) == before


def test_every_post_publishes_a_live_event_to_the_team(server):
    suzuki = server.session("vns.suzuki")
    stream = Stream(suzuki, "/api/events?topics=homecare.timeline")
    assert stream.response.status_code == 200
    try:
        p = post(server.session("gh.sato"), "ライブ更新の確認")
        event = stream.next("the post's event",
                            lambda item: item.get("event") == "homecare.timeline"
                            and json.loads(item["data"])["post_id"] == p["id"])
        data = json.loads(event["data"])
        assert data["thread_id"] == p["id"] and data["event"] == "posted"
        assert ICHIRO not in event["data"]  # no event names a patient
    finally:
        stream.response.close()


# ---- who may post and see --------------------------------------------------------------------

def test_a_post_to_a_patient_one_is_not_on_the_team_of_is_refused(server):
    ito = server.session("ph.ito")  # ひかり薬局: not on 山田 花子's team, no consent
    before = helpers.store_snapshot(server)
    r = ito.post(posts_path(HANAKO), json={"category": "report", "text": "投稿"})
    assert r.status_code in (403, 404) and r.json()["code"] in (
        "patient.not_found", "access.forbidden")
    assert helpers.store_snapshot(server) == before


def test_another_organisation_without_consent_sees_nothing(server):
    p = post(server.session("gh.sato"), "花子さんの訪問メモ", patient=HANAKO)
    ito = server.session("ph.ito")
    for r in (ito.get(posts_path(HANAKO)),
              ito.post(f"{posts_path(HANAKO)}/{p['id']}/read"),
              ito.get(f"{posts_path(HANAKO)}/{p['id']}/attachments/1")):
        assert r.status_code == 404 and "花子さんの訪問メモ" not in r.text
        assert_problem(r, 404, "patient.not_found")
    # nor through another patient's path it may see
    r = ito.get(posts_path(ICHIRO))
    assert r.status_code == 200 and p["id"] not in r.text


# ---- photos ----------------------------------------------------------------------------------

def jpeg_size(data):
    """(width, height) from the SOF segment of a JPEG."""
    i = 2
    while i < len(data):
        marker, length = data[i + 1], struct.unpack(">H", data[i + 2:i + 4])[0]
        if 0xC0 <= marker <= 0xC2:
            h, w = struct.unpack(">HH", data[i + 5:i + 9])
            return w, h
        i += 2 + length
    raise AssertionError("no SOF")


def markers(data):
    """The markers of a JPEG's header segments, up to the scan."""
    out, i = [], 2
    while i < len(data) and data[i + 1] != 0xDA:
        out.append(data[i + 1])
        i += 2 + struct.unpack(">H", data[i + 2:i + 4])[0]
    return out


def attach(session, post_id, data, media_type="image/jpeg", patient=ICHIRO):
    return session.post(f"{posts_path(patient)}/{post_id}/attachments", data=data,
                        headers={"Content-Type": media_type})


def test_a_photo_is_stripped_of_exif_and_gps_and_reduced(server):
    s = server.session("vns.suzuki")
    p = post(s, "仙骨部の褥瘡の写真です。")
    app1, lat = exif_with_gps(orientation=6)  # taken with the tablet turned: shown rotated
    original = grey_jpeg(2400, 1800, app1)
    assert b"FictionalCam" in original and lat in original
    r = attach(s, p["id"], original)
    assert r.status_code == 201, r.text
    meta = r.json()
    assert meta["n"] == 1 and meta["media_type"] == "image/jpeg"
    assert (meta["width"], meta["height"]) == (1200, 1600)  # upright, long side 1600
    assert meta["original_size"] == len(original)

    served = server.session("gh.sato").get(f"{posts_path()}/{p['id']}/attachments/1")
    assert served.status_code == 200
    assert served.headers["Content-Type"] == "image/jpeg"
    body = served.content
    assert len(body) == meta["size"]
    assert jpeg_size(body) == (1200, 1600)
    assert 0xE1 not in markers(body)  # no APP1 (Exif, XMP) at all
    assert b"Exif" not in body and b"FictionalCam" not in body and lat not in body
    listed = thread(s, p["id"])
    assert listed["attachments"] == [{"n": 1, "media_type": "image/jpeg", "width": 1200,
                                      "height": 1600, "size": meta["size"]}]
    # the read of the photo is audited
    rows = helpers.audit_rows(server, "event_id = ? AND object_id = ?",
                              ("homecare_posts_attachment", p["id"]))
    assert rows and all(row["patient_id"] == ICHIRO for row in rows)


def test_a_png_is_stored_as_a_jpeg_without_its_text(server):
    s = server.session("vns.suzuki")
    p = post(s, "PNG の写真")
    r = attach(s, p["id"], png(40, 30), "image/png")
    assert r.status_code == 201, r.text
    assert (r.json()["width"], r.json()["height"]) == (40, 30)
    body = s.get(f"{posts_path()}/{p['id']}/attachments/{r.json()['n']}").content
    assert body[:3] == b"\xff\xd8\xff" and b"FictionalCam" not in body


def test_what_is_not_a_photo_is_refused(server):
    s = server.session("vns.suzuki")
    p = post(s, "写真の検証")
    before = helpers.store_snapshot(server)
    assert_problem(attach(s, p["id"], b"%PDF-1.4 not a photo"), 400,
                   "homecare.timeline_not_image")
    # the bytes decide, not the Content-Type: a PNG header on junk, a JPEG cut short
    assert_problem(attach(s, p["id"], b"\x89PNG\r\n\x1a\n" + b"\0" * 40, "image/png"), 400,
                   "homecare.timeline_not_image")
    assert_problem(attach(s, p["id"], grey_jpeg(64, 64)[:40]), 400,
                   "homecare.timeline_not_image")
    assert_problem(attach(s, p["id"], grey_jpeg(64, 64), "application/pdf"), 415,
                   "homecare.timeline_not_image_type")
    oversize = b"\xff\xd8\xff" + b"\0" * (10 * 1024 * 1024 - 2)
    assert_problem(attach(s, p["id"], oversize), 413, "homecare.timeline_image_too_large")
    assert helpers.store_snapshot(server) == before


def test_only_the_author_attaches_to_a_post(server):
    p = post(server.session("vns.suzuki"), "鈴木の投稿")
    sato = server.session("gh.sato")
    before = helpers.store_snapshot(server)
    assert_problem(attach(sato, p["id"], grey_jpeg(16, 16)), 403,
                   "homecare.timeline_not_author")
    assert_problem(sato.get(f"{posts_path()}/{p['id']}/attachments/1"), 404,
                   "homecare.timeline_attachment_not_found")
    assert_problem(sato.get(f"{posts_path()}/{p['id']}/attachments/x"), 404,
                   "homecare.timeline_attachment_not_found")
    assert helpers.store_snapshot(server) == before


# ---- bad input -------------------------------------------------------------------------------

def test_bad_posts_are_refused_and_store_nothing(server):
    s = server.session("gh.sato")
    before = helpers.store_snapshot(server)
    cases = [
        ({"category": "gossip", "text": "x"}, 400),
        ({"category": "report"}, 400),
        ({"category": "report", "text": "   "}, 400),
        ({"category": "report", "text": "　\u200b"}, 400),
        ({"category": "report", "text": "x" * 4001}, 400),
        ({"category": "report", "text": "x", "urgency": "panic"}, 400),
        ({"category": "report", "text": "x", "urgency": True}, 400),
        ({"category": "report", "text": "x", "parent_id": "nope"}, 400),
        ({"category": "report", "text": "x", "mentions": "vns.suzuki"}, 400),
        ({"category": "report", "text": "x", "mentions": [{"user_id": "x"}]}, 400),
        ({"category": "report", "text": "x", "mentions": [{"login": "vns.suzuki"}]}, 400),
        ({"category": "report", "text": "x",
          "mentions": [{"org_id": org_id("minami-vns")}] * 21}, 400),
        ({"category": "report", "text": "x", "author": user_id("ph.ito")}, 400),
    ]
    for body, status in cases:
        r = s.post(posts_path(), json=body)
        assert r.status_code == status, (body, r.text)
    r = s.post(posts_path(), json={"category": "report", "text": "x",
                                   "mentions": [{"org_id": org_id("minami-vns")},
                                                {"login": "vns.suzuki"}]})
    assert_problem(r, 400, "request.unknown_field")
    assert "mentions[1].login" in r.json()["detail"]  # which mention, which field
    assert helpers.store_snapshot(server) == before
    assert_problem(s.get(posts_path(), params={"since": "yesterday"}), 400, "request.bad_query")


# ---- FHIR Communication ------------------------------------------------------------------------

def communication_of(session, post_id, patient=ICHIRO):
    r = session.get("/fhir/Communication", params={"patient": patient, "_count": 200})
    assert r.status_code == 200, r.text
    for entry in r.json().get("entry", []):
        res = entry["resource"]
        if any(i["value"] == post_id for i in res.get("identifier", [])):
            return res
    return None


def test_a_post_is_stored_as_fhir_communication(server):
    sato, suzuki = server.session("gh.sato"), server.session("vns.suzuki")
    first = post(sato, "至急:発熱 38.5 度", category="report", urgency="urgent",
                 mentions=[{"user_id": user_id("vns.suzuki")}])
    reply = post(suzuki, "15時に訪問します。", category="notice", parent_id=first["id"])
    c = communication_of(suzuki, first["id"])
    assert c["status"] == "completed" and c["priority"] == "urgent"
    assert c["category"][0]["coding"][0]["code"] == "report"
    assert c["subject"]["reference"] == f"Patient/{ICHIRO}"
    assert c["sender"]["reference"] == f"Organization/{org_id('minami-gh')}"
    assert c["payload"] == [{"contentString": "至急:発熱 38.5 度"}]
    assert c["recipient"][0]["reference"] == f"Organization/{org_id('minami-vns')}"
    r = communication_of(sato, reply["id"])
    assert r["priority"] == "routine"
    assert r["inResponseTo"] == [{"reference": f"Communication/{c['id']}"}]
    # a photo makes a new version with the photo's link (served through the access rule)
    assert attach(suzuki, reply["id"], grey_jpeg(16, 16)).status_code == 201
    r2 = communication_of(sato, reply["id"])
    assert r2["id"] == r["id"] and r2["meta"]["versionId"] != r["meta"]["versionId"]
    url = r2["payload"][1]["contentAttachment"]["url"]
    assert url == f"{posts_path()}/{reply['id']}/attachments/1"
    assert sato.get(url).status_code == 200
    # outside the team the resource is as hidden as the timeline
    other = post(sato, "花子さんの記録", patient=HANAKO)
    assert communication_of(sato, other["id"], HANAKO) is not None
    hidden = server.session("ph.ito").get("/fhir/Communication", params={"patient": HANAKO})
    assert other["id"] not in hidden.text


# ---- sending again ---------------------------------------------------------------------------

def test_a_post_sent_again_with_the_same_key_is_stored_once(server):
    s = server.session("vns.suzuki")
    body = {"category": "report", "text": "電波が戻ったので再送します。", "urgency": "urgent",
            "mentions": [{"org_id": org_id("minami-gh")}]}
    key = {"Idempotency-Key": "tablet-7f3a-0001"}
    first = s.post(posts_path(), json=body, headers=key)
    assert first.status_code == 201, first.text
    again = s.post(posts_path(), json=body, headers=key)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    rows = server.query("SELECT id FROM homecare_posts WHERE idempotency_key = ?",
                        ("tablet-7f3a-0001",))
    assert len(rows) == 1
    # told once, not twice
    assert len(notices(server.session("gh.sato"), first.json()["id"])) == 1
    before = helpers.store_snapshot(server)
    other = s.post(posts_path(), json={**body, "text": "別の内容"}, headers=key)
    assert_problem(other, 409, "homecare.timeline_idempotency_conflict")
    assert_problem(s.post(posts_path(), json=body, headers={"Idempotency-Key": "é" * 3}), 400)
    assert helpers.store_snapshot(server) == before
    # another user may use the same key for their own post
    r = server.session("ph.ito").post(posts_path(), json=body, headers=key)
    assert r.status_code == 201 and r.json()["id"] != first.json()["id"]
