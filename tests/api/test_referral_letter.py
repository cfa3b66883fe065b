# SPDX-License-Identifier: Apache-2.0
"""The referral letter (診療情報提供書): the draft prefilled from the shared record, the printed
PDF (its text read back with Debian's pdftotext) and the JP-CLINS style document Bundle for the
parties to the referral. Referrals are created through the referral API."""
import shutil
import subprocess

import pytest

import helpers
import referral_helpers as rh
from helpers import YAMADA_HANAKO, assert_problem

UH = helpers.org_id("minami-uh")
AOBA = helpers.org_id("aoba-homecare")
MISSING = "3f1d2c4b-5a69-4788-9a0b-1c2d3e4f5a6b"
LETTER_KEYS = {"purpose_text", "chief_complaint", "diagnoses", "history", "course",
               "medications", "allergies", "labs", "documents", "imaging", "follow_up",
               "remarks"}
PURPOSE = "心不全増悪の精査と加療をお願いいたします。"


def draft(session, patient):
    r = session.get(f"/api/patients/{patient}/referral-draft")
    assert r.status_code == 200, r.text
    body = r.json()
    assert set(body) == {"letter"}
    assert set(body["letter"]) == LETTER_KEYS
    return body["letter"]


def refer(session, patient, to_org, department, letter, urgency="urgent", purpose="workup"):
    r = session.post(f"/api/patients/{patient}/referrals",
                     json={"to_org_id": to_org, "to_department": department,
                           "urgency": urgency, "purpose": purpose, "letter": letter})
    assert r.status_code == 201, r.text
    return r.json()


def pdf_text(data):
    """The text pdftotext reads from the PDF, without white space (it places spaces and line
    breaks by the gaps it sees), and the page count."""
    assert shutil.which("pdftotext"), "pdftotext is missing: run scripts/deps.sh test (poppler-utils)"
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=data,
                         capture_output=True, check=True, timeout=60).stdout.decode()
    return "".join(out.split()), out.count("\f")


def squeezed(s):
    return "".join(s.split())


@pytest.fixture(scope="module")
def referrals(server):
    """Two referrals of 山田 花子 by 佐藤 (みなみ総合病院), both with the draft as letter: to
    みなみ大学附属医療センター (no consent: the record is not shared) and to あおば在宅クリニック (consent:
    shared)."""
    sato = server.session("gh.sato")
    letter = dict(draft(sato, YAMADA_HANAKO), purpose_text=PURPOSE, chief_complaint="息切れ")
    to_uh = refer(sato, YAMADA_HANAKO, UH, "cardiology", letter)
    to_aoba = refer(sato, YAMADA_HANAKO, AOBA, "internal", letter, urgency="routine",
                    purpose="home_transition")
    return to_uh, to_aoba


def test_draft_of_a_rich_record(server):
    letter = draft(server.session("gh.sato"), YAMADA_HANAKO)
    assert letter["purpose_text"] == "" and letter["course"] == ""
    # active problems, newest first, with ICD-10 codes and onset dates; resolved ones are history
    assert letter["diagnoses"][0] == {"text": "慢性心不全", "code": "I50.0",
                                      "onset": "2026-06-02"}
    problems = {d["text"] for d in letter["diagnoses"]}
    assert {"2型糖尿病", "高血圧症", "慢性腎臓病", "心房細動"} <= problems
    assert "誤嚥性肺炎" not in problems
    assert letter["history"].startswith("既往歴: ")
    assert "誤嚥性肺炎（2025年1月）" in letter["history"]
    # current prescriptions once each (the completed ones and metformin are gone)
    meds = [m["text"] for m in letter["medications"]]
    assert "フロセミド錠20mg 1回1錠 1日1回 朝食後" in meds
    assert len(meds) == len(set(meds)) == 5
    assert not any("メトグルコ" in m for m in meds)
    assert {"text": "ペニシリン系抗菌薬", "reaction": "全身蕁麻疹・呼吸困難"} in letter["allergies"]
    assert {a["text"] for a in letter["allergies"]} == {"ペニシリン系抗菌薬", "ヨード造影剤",
                                                         "そば"}
    # the latest result of each test within 90 days of the newest one
    labs = letter["labs"]
    assert 0 < len(labs) <= 15 and len({lab["text"] for lab in labs}) == len(labs)
    assert {"text": "HbA1c(NGSP)", "value": "7.0 %（高値）", "date": "2026-11-15"} in labs
    assert all(lab["date"] == "2026-11-15" for lab in labs)
    # documents are DocumentReferences with readable titles
    titles = [d["title"] for d in letter["documents"]]
    assert all(d["reference"].startswith("DocumentReference/") for d in letter["documents"])
    assert "退院時サマリー（2026年6月16日） 慢性心不全の急性増悪" in titles
    assert letter["imaging"] == []


def test_draft_of_an_empty_record(server):
    sato = server.session("gh.sato")
    r = sato.post("/api/patients", json=helpers.new_patient_body("GH-LETTER-1"))
    assert r.status_code == 201, r.text
    letter = draft(sato, r.json()["id"])
    assert all(letter[k] == [] for k in ("diagnoses", "medications", "allergies", "labs",
                                         "documents", "imaging"))
    assert all(letter[k] == "" for k in ("purpose_text", "history", "course", "remarks"))


def test_draft_of_a_hidden_patient_is_not_found(server):
    hidden = server.session("ph.ito").get(f"/api/patients/{YAMADA_HANAKO}/referral-draft")
    missing = server.session("ph.ito").get(f"/api/patients/{MISSING}/referral-draft")
    assert assert_problem(hidden, 404, "patient.not_found")["detail"] == \
        assert_problem(missing, 404, "patient.not_found")["detail"]


def test_letter_pdf_reads_as_the_letter(server, referrals):
    to_uh, to_aoba = referrals
    sato = server.session("gh.sato")
    r = sato.get(f"/api/referrals/{to_uh['id']}/letter.pdf")
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"] == "application/pdf"
    assert r.headers["Content-Disposition"] == \
        f'inline; filename="referral-letter-{to_uh["id"]}.pdf"'
    assert r.content.startswith(b"%PDF-")
    text, pages = pdf_text(r.content)
    for expected in ("診療情報提供書", "みなみ大学附属医療センター", "循環器内科　御侍史", "みなみ総合病院",
                     "佐藤 健一", "山田 花子 様", "ヤマダ ハナコ", "紹介目的", PURPOSE,
                     "主訴: 息切れ", "慢性心不全（I50.0）", "フロセミド錠20mg 1回1錠 1日1回 朝食後",
                     "ペニシリン系抗菌薬（症状: 全身蕁麻疹・呼吸困難）", "HbA1c(NGSP)", "急ぎ", "精査",
                     "患者の同意の範囲外のため、診療記録は共有していません"):
        assert squeezed(expected) in text, expected
    assert pages >= 1 and f"1/{pages}" in text and f"{pages}/{pages}" in text

    # the receiver prints the same letter; the shared one says until when
    r = server.session("uh.fujita").get(f"/api/referrals/{to_uh['id']}/letter.pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF-")
    assert to_aoba["letter"]["record_shared"] is True
    r = sato.get(f"/api/referrals/{to_aoba['id']}/letter.pdf")
    assert r.status_code == 200, r.text
    text, _ = pdf_text(r.content)
    assert squeezed("あおば在宅クリニック") in text and squeezed("在宅移行") in text
    assert "本紹介に伴い、患者の同意に基づき診療情報を共有しています(" in text
    assert "日まで)" in text


def test_another_organisations_referral_is_not_found(server, referrals):
    to_uh, _ = referrals
    ito = server.session("ph.ito")
    for path in (f"/api/referrals/{to_uh['id']}/letter.pdf",
                 f"/api/referrals/{to_uh['id']}/document",
                 f"/api/referrals/{MISSING}/letter.pdf", f"/api/referrals/{MISSING}/document"):
        assert_problem(ito.get(path), 404, "referral.not_found")


def test_document_bundle_for_the_receiver(server, referrals):
    to_uh, _ = referrals
    fujita = server.session("uh.fujita")
    composition = to_uh["fhir"]["composition"]
    # the receiving hospital is not on the patient's consent: no access through /fhir ...
    r = fujita.get(f"/fhir/Composition/{composition}/$document")
    assert r.status_code in (403, 404), r.text
    # ... but as a party to the referral it gets the letter's document
    r = fujita.get(f"/api/referrals/{to_uh['id']}/document")
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].startswith("application/fhir+json")
    bundle = r.json()
    assert bundle["resourceType"] == "Bundle" and bundle["type"] == "document"
    first = bundle["entry"][0]["resource"]
    assert first["resourceType"] == "Composition" and first["id"] == composition
    assert first["type"]["coding"][0]["code"] == "57133-1"
    found = {(e["resource"]["resourceType"], e["resource"]["id"]) for e in bundle["entry"]}
    assert ("Patient", YAMADA_HANAKO) in found
    assert ("Organization", helpers.org_id("minami-gh")) in found  # author and custodian
    # the attached documents (DocumentReference) and what they stand for
    attached = {tuple(d["reference"].split("/")) for d in to_uh["letter"]["documents"]}
    assert attached and attached <= found
    # the sender gets the same document through both routes
    sato = server.session("gh.sato")
    mine = sato.get(f"/api/referrals/{to_uh['id']}/document").json()
    fhir = sato.get(f"/fhir/Composition/{composition}/$document").json()
    assert [e["fullUrl"] for e in mine["entry"]] == [e["fullUrl"] for e in fhir["entry"]]


def test_blank_fields_print_as_not_recorded(server):
    """Blank is 記載なし (not recorded) on the letter, as on the screen; never 特記事項なし (nothing
    notable), which says something different clinically."""
    sato = server.session("gh.sato")
    blank = rh.letter(history="", course="", remarks="", medications=[], allergies=[], labs=[])
    referral = rh.sent(sato, YAMADA_HANAKO, letter=blank)
    r = sato.get(f"/api/referrals/{referral['id']}/letter.pdf")
    assert r.status_code == 200, r.text
    text, _ = pdf_text(r.content)
    assert "特記事項なし" not in text
    # 既往歴及び家族歴, 症状経過, 処方, アレルギー, 検査結果 and 備考: each says it was not recorded
    assert text.count("記載なし") >= 6, text
