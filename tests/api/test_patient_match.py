# SPDX-License-Identifier: Apache-2.0
"""Finding the same patient before registering (名寄せ, issue 13 item 3): the match and its
score, what it may show to an organisation that does not see the patient, linking a local id
(which needs a consent naming the organisation, or one recorded with the link), registering anew
only with a reason, and the network office's duplicates: merge and mark distinct."""
import helpers
from helpers import YAMADA_HANAKO, assert_problem, tokyo_today

REHAB = helpers.org_id("minami-rehab")
HANAKO = {"name": "山田 花子", "name_kana": "ヤマダ ハナコ", "sex": "female",
          "birth_date": "1941-04-12"}
CONSENT = {"method": "written", "consented_on": None, "scope": "all"}


def consent_now():
    return dict(CONSENT, consented_on=tokyo_today().isoformat())


def match(session, **fields):
    body = {k: v for k, v in dict(HANAKO, **fields).items() if v is not None}
    r = session.post("/api/patients/match", json=body)
    assert r.status_code == 200, r.text
    return r.json()["items"]


def registration(local_id, reason=None, **fields):
    return helpers.new_patient_body(local_id, **dict(HANAKO, new_patient_reason=reason,
                                                     **fields))


def test_match_normalises_the_reading_and_scores(server):
    rehab = server.session("rehab.kimura")
    assert_problem(rehab.get(f"/api/patients/{YAMADA_HANAKO}"), 404)  # not hers to see
    for kana in ("ヤマダ ハナコ", "ﾔﾏﾀﾞ ﾊﾅｺ", "やまだ　はなこ", "ヤマダ・ハナコ"):
        items = match(rehab, name_kana=kana)
        assert len(items) == 1, kana
        hit = items[0]
        assert hit["score"] == 1.0 and hit["grade"] == "certain" and hit["visible"] is False
        assert hit["consent_covers_org"] is False and hit["offer_id"]
        # only what was asked about: no id, local ids, address or phone
        assert hit["patient"] == {"name": "山田 花子", "name_kana": "ヤマダ ハナコ",
                                  "sex": "female", "birth_date": "1941-04-12"}
    # a patient of one's own: small kana and long vowels still match, with a lower score
    r = rehab.post("/api/patients", json=helpers.new_patient_body(
        "RH-M-1", name="佐藤 優子", name_kana="サトウ ユウコ", sex="female",
        birth_date="1952-06-07", new_patient_reason=None))
    assert r.status_code == 201, r.text
    own = r.json()["id"]
    items = match(rehab, name=None, name_kana="ｻﾄｰ ﾕｰｺ", sex="female", birth_date="1952-06-07")
    assert [(i["patient"]["id"], i["score"], i["grade"]) for i in items] == \
        [(own, 0.9, "probable")]
    # one part of the birth date mistyped: possible, shown only because rehab sees her
    items = match(rehab, name=None, name_kana="サトウ ユウコ", sex="female",
                  birth_date="1952-06-08")
    assert [(i["patient"]["id"], i["grade"], i["visible"]) for i in items] == \
        [(own, "possible", True)]


def test_match_does_not_reveal_other_organisations_patients_below_a_high_score(server):
    rehab = server.session("rehab.kimura")
    before = len(helpers.audit_rows(server, "event_id = 'patients_match'"))
    assert match(rehab, birth_date="1941-04-13") == []  # a possible match only: not shown
    assert match(rehab, sex="male") == []              # sex differs: not shown
    assert match(rehab, name_kana="ヤマダ ハルコ") == []  # another reading: nothing
    # every match query is audited, and each patient shown with it
    match(rehab)
    rows = helpers.audit_rows(server, "event_id = 'patients_match'")[before:]
    assert sum(1 for r in rows if r["patient_id"] is None) == 4
    assert [r["patient_id"] for r in rows if r["patient_id"]] == [YAMADA_HANAKO]
    assert rows[-1]["org_id"] == REHAB
    # the network office and pending accounts do not match
    office = server.session("jimukyoku")
    assert_problem(office.post("/api/patients/match", json=HANAKO), 403, "access.forbidden")


def test_link_needs_a_consent_naming_the_organisation(fresh_server):
    server = fresh_server
    rehab = server.session("rehab.kimura")
    offer = match(rehab)[0]["offer_id"]
    before = helpers.store_snapshot(server)
    r = rehab.post("/api/patients/link", json={"offer_id": offer, "local_id": "RH-0001"})
    problem = assert_problem(r, 409, "patient.link_needs_consent")
    assert "consent" in problem["detail"]
    assert helpers.store_snapshot(server) == before
    refused = helpers.audit_rows(server, "event_id = 'patients_link' AND patient_id = ?",
                                 (YAMADA_HANAKO,))
    assert refused and refused[-1]["outcome"] == 4
    # an offer is the user's own
    assert_problem(server.session("rehab.admin").post(
        "/api/patients/link", json={"offer_id": offer, "local_id": "RH-0001",
                                    "consent": consent_now()}), 404, "patient.offer_not_found")
    # a consent dated before her birth (1941) is not plausible: refused, nothing linked
    implausible = dict(consent_now(), consented_on="1900-01-01")
    r = rehab.post("/api/patients/link", json={"offer_id": offer, "local_id": "RH-0001",
                                               "consent": implausible})
    assert assert_problem(r, 400, "request.field_range")["field"] == "consent.consented_on"
    assert helpers.store_snapshot(server) == before
    # with a consent recorded now: linked, on the team, and her allergies are there
    r = rehab.post("/api/patients/link", json={"offer_id": offer, "local_id": "RH-0001",
                                               "consent": consent_now()})
    assert r.status_code == 201, r.text
    assert r.json()["id"] == YAMADA_HANAKO
    assert (REHAB, "RH-0001") in {(i["org_id"], i["local_id"]) for i in r.json()["local_ids"]}
    assert rehab.get(f"/api/patients/{YAMADA_HANAKO}").json()["demographics_only"] is False
    allergies = rehab.get("/fhir/AllergyIntolerance", params={"patient": YAMADA_HANAKO}).json()
    assert allergies["total"] >= 1
    # an offer is used once
    assert_problem(rehab.post("/api/patients/link", json={
        "offer_id": offer, "local_id": "RH-0002", "consent": consent_now()}), 404,
        "patient.offer_not_found")
    linked = helpers.audit_rows(server, "event_id = 'patients_link' AND outcome = 0")
    assert linked[-1]["patient_id"] == YAMADA_HANAKO and "consent" in linked[-1]["detail"]


def test_link_with_a_consent_already_naming_the_organisation(fresh_server):
    server = fresh_server
    gh = server.session("gh.sato")
    r = gh.post(f"/api/patients/{YAMADA_HANAKO}/consents",
                json={"org_ids": [REHAB], "scope": "all", "method": "written",
                      "consented_on": tokyo_today().isoformat()})
    assert r.status_code == 201, r.text
    rehab = server.session("rehab.kimura")
    hit = match(rehab)[0]
    assert hit["consent_covers_org"] is True
    r = rehab.post("/api/patients/link", json={"offer_id": hit["offer_id"],
                                               "local_id": "RH-0003"})
    assert r.status_code == 201, r.text
    assert rehab.get(f"/api/patients/{YAMADA_HANAKO}").status_code == 200


def test_registering_anew_needs_a_reason_and_the_office_merges(fresh_server):
    server = fresh_server
    uh = server.session("uh.fujita")  # a physician: records an allergy
    assert_problem(uh.get(f"/api/patients/{YAMADA_HANAKO}"), 404)
    before = helpers.store_snapshot(server)
    r = uh.post("/api/patients", json=registration("UH-0100"))
    problem = assert_problem(r, 409, "patient.possible_duplicate")
    assert "new_patient_reason" in problem["detail"]
    assert helpers.store_snapshot(server) == before
    r = uh.post("/api/patients", json=registration("UH-0100", reason="本人が別人と申告"))
    assert r.status_code == 201, r.text
    twin = r.json()["id"]
    rows = server.query("SELECT * FROM patient_new_reasons WHERE patient_id = ?", (twin,))
    assert rows[0]["reason"] == "本人が別人と申告" and rows[0]["candidates"] == 1
    created = helpers.audit_rows(server, "event_id = 'patients_create' AND patient_id = ?",
                                 (twin,))
    assert "本人が別人と申告" in created[-1]["detail"]
    allergy = {"resourceType": "AllergyIntolerance",
               "patient": {"reference": f"Patient/{twin}"}, "code": {"text": "ラテックス"}}
    r = uh.post("/fhir/AllergyIntolerance", json=allergy,
                   headers={"Content-Type": "application/fhir+json"})
    assert r.status_code == 201, r.text
    twin_allergy = r.json()["id"]

    # the network office sees the pair; nobody else may
    office = server.session("jimukyoku")
    assert_problem(server.session("gh.admin").get("/api/patient-duplicates"), 403)
    pairs = office.get("/api/patient-duplicates").json()["items"]
    pair = next(p for p in pairs if {x["id"] for x in p["patients"]} == {YAMADA_HANAKO, twin})
    assert pair["score"] == 1.0 and pair["grade"] == "certain"
    shown = {x["id"]: x for x in pair["patients"]}
    assert shown[twin]["new_patient_reason"]["reason"] == "本人が別人と申告"
    assert "address" not in shown[twin]
    listed = helpers.audit_rows(server, "event_id = 'duplicates_list' AND patient_id = ?",
                                (twin,))
    assert listed

    # merge: every local id and record is kept, the merged id stands for the survivor
    r = office.post("/api/patient-duplicates/merge", json={
        "survivor_id": YAMADA_HANAKO, "merged_id": twin, "reason": "同一人物と確認"})
    assert r.status_code == 200, r.text
    assert {l["local_id"] for l in r.json()["local_ids"]} == {"GH-000001", "UH-0100"}
    assert r.json()["merged_from"] == [twin]
    merges = server.query("SELECT * FROM patient_merges WHERE merged_id = ?", (twin,))
    assert merges[0]["survivor_id"] == YAMADA_HANAKO and "UH-0100" in merges[0]["moved"]
    audited = helpers.audit_rows(server, "event_id = 'duplicates_merge'")
    assert {a["patient_id"] for a in audited} == {YAMADA_HANAKO, twin}
    # uh now finds her record, with the allergies recorded at both hospitals
    assert uh.get(f"/api/patients/{YAMADA_HANAKO}").json()["demographics_only"] is False
    assert uh.get("/fhir/AllergyIntolerance",
                     params={"patient": YAMADA_HANAKO}).json()["total"] >= 1
    gh = server.session("gh.sato")
    assert gh.get(f"/fhir/AllergyIntolerance/{twin_allergy}").status_code == 200
    assert gh.get(f"/api/patients/{twin}").json()["merged_into"] == YAMADA_HANAKO
    assert all({x["id"] for x in p["patients"]} != {YAMADA_HANAKO, twin}
               for p in office.get("/api/patient-duplicates").json()["items"])
    assert_problem(office.post("/api/patient-duplicates/merge", json={
        "survivor_id": YAMADA_HANAKO, "merged_id": twin, "reason": "二度目"}), 409,
        "patient.merge_invalid")


def test_the_office_marks_two_patients_distinct(fresh_server):
    server = fresh_server
    body = dict(name="双子 試験", name_kana="フタゴ シケン", sex="male", birth_date="1960-01-01")
    ids = []
    for login, local_id in (("rehab.kimura", "RH-T1"), ("gh.sato", "GH-T1")):
        r = server.session(login).post("/api/patients", json=helpers.new_patient_body(
            local_id, **body))
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    office = server.session("jimukyoku")
    pairs = office.get("/api/patient-duplicates").json()["items"]
    assert any({x["id"] for x in p["patients"]} == set(ids) for p in pairs)
    r = office.post("/api/patient-duplicates/distinct",
                    json={"patient_ids": ids, "reason": "住所と電話番号が異なる別人"})
    assert r.status_code == 204, r.text
    pairs = office.get("/api/patient-duplicates").json()["items"]
    assert not any({x["id"] for x in p["patients"]} == set(ids) for p in pairs)
    audited = helpers.audit_rows(server, "event_id = 'duplicates_distinct'")
    assert {a["patient_id"] for a in audited} == set(ids)
    assert_problem(office.post("/api/patient-duplicates/distinct",
                               json={"patient_ids": [ids[0], ids[0]], "reason": "x"}), 400)


def test_fhir_patient_match(server):
    rehab = server.session("rehab.kimura")
    params = {"resourceType": "Parameters", "parameter": [
        {"name": "resource", "resource": {
            "resourceType": "Patient", "gender": "female", "birthDate": "1941-04-12",
            "name": [{"text": "山田 花子"},
                     {"text": "ﾔﾏﾀﾞ ﾊﾅｺ", "extension": [{
                         "url": "http://hl7.org/fhir/StructureDefinition/"
                                "iso21090-EN-representation", "valueCode": "SYL"}]}]}},
        {"name": "onlyCertainMatches", "valueBoolean": True}]}
    r = rehab.post("/fhir/Patient/$match", json=params,
                   headers={"Content-Type": "application/fhir+json"})
    assert r.status_code == 200, r.text
    bundle = r.json()
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "searchset"
    entry = bundle["entry"][0]
    assert entry["search"]["mode"] == "match" and entry["search"]["score"] == 1.0
    grade = next(e for e in entry["search"]["extension"]
                 if e["url"] == "http://hl7.org/fhir/StructureDefinition/match-grade")
    assert grade["valueCode"] == "certain"
    # not hers to see: no id, no identifiers, no address
    assert "id" not in entry["resource"] and "fullUrl" not in entry
    assert "identifier" not in entry["resource"] and "address" not in entry["resource"]
    # the care team sees its own patient with its id
    r = server.session("gh.sato").post("/fhir/Patient/$match", json=params,
                                       headers={"Content-Type": "application/fhir+json"})
    assert r.json()["entry"][0]["resource"]["id"] == YAMADA_HANAKO
    metadata = server.anon().get("/fhir/metadata").json()
    patient = next(r for r in metadata["rest"][0]["resource"] if r["type"] == "Patient")
    assert "match" in {o["name"] for o in patient["operation"]}
    r = rehab.post("/fhir/Patient/$match", json={"resourceType": "Parameters"},
                   headers={"Content-Type": "application/fhir+json"})
    assert r.status_code == 400 and r.json()["resourceType"] == "OperationOutcome"
