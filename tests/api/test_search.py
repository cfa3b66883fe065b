# SPDX-License-Identifier: Apache-2.0
"""Patient search: kana/kanji forms, filters, pagination, and above all that results only ever
contain patients the caller may see (checked against the tables for several users)."""
import pytest

import helpers
from helpers import YAMADA_HANAKO, assert_problem, fetch_all

SUMMARY_KEYS = {"id", "name", "name_kana", "sex", "birth_date", "age", "local_ids"}


def ids(items):
    return [p["id"] for p in items]


@pytest.mark.parametrize("q", [
    "ﾔﾏﾀﾞ ﾊﾅｺ",        # half-width katakana with a separate dakuten
    "ﾔﾏﾀﾞﾊﾅｺ",
    "ヤマダ ハナコ",     # katakana
    "ヤマダハナコ",
    "やまだ はなこ",     # hiragana
    "やまだはなこ",
    "山田 花子",         # kanji
    "山田花子",
    "山田　花子",        # ideographic space
    " 山田  花子 ",
    "ﾔﾏﾀﾞ　ハナコ",     # mixed widths and spaces
    "やまだ",
    "花子",
])
def test_name_forms_find_yamada_hanako(server, q):
    items = fetch_all(server.session("gh.sato"), "/api/patients", {"q": q})
    assert YAMADA_HANAKO in ids(items)
    for p in items:
        assert set(p) == SUMMARY_KEYS  # no address or phone in a summary


def test_summary_of_yamada_hanako(server):
    items = server.session("gh.sato").get("/api/patients", params={"local_id": "GH-000001"})
    assert items.status_code == 200
    [p] = items.json()["items"]
    row = server.query("SELECT * FROM patients WHERE id = ?", (YAMADA_HANAKO,))[0]
    assert p["id"] == YAMADA_HANAKO and p["name"] == "山田 花子" == row["name"]
    assert p["name_kana"] == "ヤマダ ハナコ" and p["sex"] == row["sex"]
    assert p["birth_date"] == row["birth_date"] and isinstance(p["age"], int)
    assert {"org_id": helpers.org_id("minami-gh"), "org_name": "みなみ総合病院",
            "local_id": "GH-000001"} in p["local_ids"]


def test_birth_date_filter(server):
    birth = server.query("SELECT birth_date FROM patients WHERE id = ?",
                         (YAMADA_HANAKO,))[0]["birth_date"]
    items = fetch_all(server.session("gh.sato"), "/api/patients", {"birth_date": birth})
    assert YAMADA_HANAKO in ids(items)
    assert {p["birth_date"] for p in items} == {birth}
    items = fetch_all(server.session("gh.sato"), "/api/patients",
                      {"birth_date": birth, "q": "やまだ"})
    assert YAMADA_HANAKO in ids(items)
    assert {p["birth_date"] for p in items} == {birth}
    assert all(p["name_kana"].startswith("ヤマダ") for p in items)
    assert fetch_all(server.session("gh.sato"), "/api/patients", {"birth_date": "1800-01-01"}) \
        == []


def test_local_id_filter_is_exact(server):
    s = server.session("gh.sato")
    assert ids(s.get("/api/patients", params={"local_id": "GH-000001"}).json()["items"]) == [
        YAMADA_HANAKO]
    assert s.get("/api/patients", params={"local_id": "GH-00000"}).json()["items"] == []
    assert s.get("/api/patients", params={"local_id": "GH-%"}).json()["items"] == []


def test_pagination_follows_next_cursor(server):
    s = server.session("gh.sato")
    expected = helpers.listed_patient_ids(server, helpers.org_id("minami-gh"))
    assert len(expected) > 25
    pages, cursor = [], None
    while True:
        params = {"limit": 10} | ({"cursor": cursor} if cursor else {})
        body = s.get("/api/patients", params=params).json()
        pages.append(ids(body["items"]))
        cursor = body["next_cursor"]
        if cursor is None:
            break
        assert len(body["items"]) == 10
    seen = [i for page in pages for i in page]
    assert len(seen) == len(set(seen)) == len(expected)
    assert set(seen) == expected
    # one page of everything gives the same order
    assert seen == ids(fetch_all(s, "/api/patients", limit=100))


@pytest.mark.parametrize("login_name,org_code", [
    ("gh.sato", "minami-gh"),
    ("ph.ito", "hikari-pharmacy"),
    ("aoba.tanaka", "aoba-homecare"),
    ("vns.suzuki", "minami-vns"),
    ("cm.watanabe", "minami-cmo"),
    ("care.ogawa", "minami-care"),
    ("rehab.kimura", "minami-rehab"),
    ("uh.fujita", "minami-uh"),
    ("multi.kobayashi", "sakura-clinic"),
    ("city.admin", "minami-city"),
])
def test_results_are_exactly_the_visible_patients(server, login_name, org_code):
    s = server.session(login_name)
    expected = helpers.listed_patient_ids(server, helpers.org_id(org_code))
    assert set(ids(fetch_all(s, "/api/patients"))) == expected
    # a name search returns the visible subset of the matching names
    for q in ("タナカ", "さとう", "ﾔﾏ", "子"):
        got = set(ids(fetch_all(s, "/api/patients", {"q": q})))
        assert got <= expected
    if org_code == "minami-city":
        assert expected == set()  # the municipality is never on a care team


def test_demo_visibility_matches_the_consent_rules(server):
    # the demo region has withdrawn consents and team members without consent: none of them
    # may see the patient
    withdrawn = server.query(
        "SELECT co.org_id, co.patient_id FROM consent_orgs co JOIN consents c "
        "ON c.id = co.consent_id WHERE c.withdrawn_at IS NOT NULL AND NOT EXISTS ("
        " SELECT 1 FROM consent_orgs c2 JOIN consents k ON k.id = c2.consent_id "
        " WHERE c2.org_id = co.org_id AND c2.patient_id = co.patient_id "
        " AND k.withdrawn_at IS NULL)")
    assert withdrawn, "the demo region has withdrawals"
    logins = {"minami-gh": "gh.sato", "hikari-pharmacy": "ph.ito", "minami-vns": "vns.suzuki",
              "aoba-homecare": "aoba.tanaka", "minami-cmo": "cm.watanabe",
              "minami-rehab": "rehab.kimura", "minami-uh": "uh.fujita",
              "sakura-clinic": "sc.admin", "minami-care": "care.ogawa",
              "minami-ltc": "ltc.ishikawa", "minami-chiiki": "chiiki.abe"}
    codes = {helpers.org_id(code): code for code in logins}
    checked = 0
    for row in withdrawn[:8]:
        s = server.session(logins[codes[row["org_id"]]])
        r = s.get(f"/api/patients/{row['patient_id']}")
        if row["patient_id"] in helpers.registered_patient_ids(server, row["org_id"]):
            # the registering organisation keeps the demographics (issue 13, item 6)
            assert r.status_code == 200 and r.json()["demographics_only"] is True
            assert_problem(s.get(f"/api/patients/{row['patient_id']}/team"), 403)
        else:
            assert_problem(r, 404, "patient.not_found")
        checked += 1
    assert checked


def test_network_admin_cannot_search(server):
    r = server.session("jimukyoku").get("/api/patients", params={"q": "山田"})
    assert_problem(r, 403, "access.forbidden")
    r = server.session("jimukyoku").get(f"/api/patients/{YAMADA_HANAKO}")
    assert_problem(r, 404, "patient.not_found")


@pytest.mark.parametrize("q", ["%", "_", "%%", "_%_", "\\", "\\%", "'", "' OR '1'='1", "*"])
def test_wildcards_do_not_match_everything(server, q):
    items = fetch_all(server.session("gh.sato"), "/api/patients", {"q": q})
    assert items == []


@pytest.mark.parametrize("params", [
    {"limit": "0"}, {"limit": "101"}, {"limit": "-1"}, {"limit": "ten"},
    {"cursor": "abc"}, {"cursor": "-5"},
    {"birth_date": "1950-13-01"}, {"birth_date": "1950-02-30"}, {"birth_date": "yesterday"},
    {"sort": "name"}, {"q": "x" * 201},
])
def test_bad_query_parameters(server, params):
    r = server.session("gh.sato").get("/api/patients", params=params)
    assert_problem(r, 400, "request.bad_query")


def test_repeated_parameter_is_refused(server):
    r = server.session("gh.sato").get("/api/patients?q=a&q=b")
    assert_problem(r, 400, "request.bad_query")


def test_empty_query_lists_everything_visible(server):
    s = server.session("gh.sato")
    assert ids(fetch_all(s, "/api/patients", {"q": ""})) == ids(fetch_all(s, "/api/patients"))
    assert ids(fetch_all(s, "/api/patients", {"q": "   "})) == ids(fetch_all(s, "/api/patients"))


# ---- wildcards and NUL bytes in every search (issue 11) -------------------------------------

WILDCARDS = ["%", "_", "%%", "_%_", "\\", "\\%"]


@pytest.mark.parametrize("q", WILDCARDS)
@pytest.mark.parametrize("path,param", [
    ("/fhir/Patient", "name"), ("/fhir/Patient", "family"), ("/fhir/Patient", "given"),
    ("/fhir/Organization", "name"), ("/fhir/Location", "name"), ("/fhir/Location", "address"),
    ("/fhir/Observation", "subject"), ("/fhir/Condition", "subject"),
])
def test_fhir_search_values_are_matched_literally(server, path, param, q):
    """A value is text to find, not a LIKE pattern: no name, address or id contains these."""
    r = server.session("gh.sato").get(path, params={param: q})
    assert r.status_code == 200, r.text
    assert r.json().get("entry", []) == [], (path, param, q)


def test_fhir_name_search_still_finds_by_part(server):
    r = server.session("gh.sato").get("/fhir/Organization", params={"name": "みなみ総合"})
    assert [e["resource"]["name"] for e in r.json()["entry"]] == ["みなみ総合病院"]
    r = server.session("gh.sato").get("/fhir/Patient", params={"name": "やまだ はなこ"})
    assert YAMADA_HANAKO in {e["resource"]["id"] for e in r.json()["entry"]}


@pytest.mark.parametrize("path,query", [
    ("/api/patients", "q=%00"), ("/api/patients", "local_id=%00"),
    ("/api/patients", "q=%E5%B1%B1%00%E7%94%B0"), ("/api/patients", "q%00=1"),
    ("/fhir/Patient", "name=%00"), ("/fhir/Observation", "code=%00"),
    ("/api/audit", "action=R%00"), ("/api/directory/search", "q=%00"),
    ("/api/referrals", "status=sent%00"), ("/api/health", "x=%00"),
    ("/api/patients", "q=%FF"), ("/fhir/Patient", "name=%C3"),
])
def test_a_nul_byte_or_bad_utf8_in_a_query_is_refused(server, path, query):
    s = server.session("gh.admin" if path == "/api/audit" else "gh.sato")
    r = s.get(f"{path}?{query}")
    if path.startswith("/fhir"):
        assert r.status_code == 400 and "request.bad_query" in r.text, r.text
    else:
        assert_problem(r, 400, "request.bad_query")
