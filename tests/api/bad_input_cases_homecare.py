# SPDX-License-Identifier: Apache-2.0
"""Bad-input cases for the routes of src/homecare/routes.def that take a body (see
bad_input.py). Each part of the module (schedule, records, timeline) appends its own block."""
from bad_input import *  # noqa: F401,F403 (Case and the ids)

NOBODY = "00000000-0000-4000-8000-000000000007"

CASES = [
    # ---- schedule (the shared visit schedule) ----
    Case("POST", f"/api/patients/{P}/homecare/visits", "aoba.tanaka",
         {"kind": "home_medical", "date": days_ahead(7), "start": "10:00", "end": "10:30",
          "note": "検証"}, "note", 1000, ("start", 1000)),
    Case("PATCH", f"/api/patients/{P}/homecare/visits/{NOBODY}", "aoba.tanaka",
         {"start": "10:00", "reason": "検証"}, "reason", 500, ("reason", 1)),
    Case("POST", f"/api/patients/{P}/homecare/visits/{NOBODY}/cancel", "aoba.tanaka",
         {"reason": "検証"}, "reason", 500, ("reason", True)),
    Case("POST", f"/api/patients/{P}/homecare/plans", "aoba.tanaka",
         {"kind": "home_medical", "weekdays": ["tue"], "start": "10:00", "end": "10:30",
          "first_date": days_ahead(7), "note": "検証"}, "note", 1000, ("weekdays", "tue")),
    Case("PATCH", f"/api/patients/{P}/homecare/plans/{NOBODY}", "aoba.tanaka",
         {"note": "検証", "reason": "検証"}, "reason", 500, ("gap_days", "7")),
    Case("POST", "/api/homecare/ical-links", "aoba.tanaka", {"label": "検証"}, "label", 100,
         ("label", 1)),
    Case("POST", f"/api/patients/{P}/homecare/ical-links", "aoba.tanaka", {"label": "検証"},
         "label", 100, ("label", [])),
]

REQUIRED = {
    f"POST /api/patients/{P}/homecare/visits": "kind",
    f"PATCH /api/patients/{P}/homecare/visits/{NOBODY}": "reason",
    f"POST /api/patients/{P}/homecare/visits/{NOBODY}/cancel": "reason",
    f"POST /api/patients/{P}/homecare/plans": "weekdays",
    f"PATCH /api/patients/{P}/homecare/plans/{NOBODY}": "reason",
}

TEXT = {
    f"PATCH /api/patients/{P}/homecare/visits/{NOBODY}": ["reason"],
    f"POST /api/patients/{P}/homecare/visits/{NOBODY}/cancel": ["reason"],
    f"PATCH /api/patients/{P}/homecare/plans/{NOBODY}": ["reason"],
    "POST /api/homecare/ical-links": ["label"],
}

# ---- visit records (訪問記録): a record of 山田 花子 by gh.sato (訪問診療, SOAP), made once per
# server for the routes that act on one ------------------------------------------------------
import datetime as _dt  # noqa: E402

RECORD = "{homecare_record}"
RECORDS = f"/api/patients/{P}/homecare/records"


def _visit():
    end = helpers.tokyo_now().replace(microsecond=0) - _dt.timedelta(hours=2)
    return (end - _dt.timedelta(minutes=30)).isoformat(), end.isoformat()


_START, _END = _visit()
_RECORD_BODY = {"kind": "home_medical", "visit_start": _START, "visit_end": _END,
                "content": {"subjective": "検証", "vitals": {"spo2": 96}}, "handover": "検証"}
_CORRECTION = {"reason": "検証", "visit_start": _START, "visit_end": _END,
               "content": {"subjective": "検証(訂正)"}}


def homecare_record(server):
    rid = getattr(server, "_homecare_record", None)
    if rid is None:
        r = server.session("gh.sato").post(RECORDS, json=_RECORD_BODY)
        assert r.status_code == 201, r.text
        rid = server._homecare_record = r.json()["id"]
    return rid


PATHS = {**globals().get("PATHS", {}), RECORD: homecare_record}

CASES += [
    Case("POST", RECORDS, "gh.sato", _RECORD_BODY, "handover", 4000, ("content", "検証")),
    Case("POST", RECORDS + "/" + RECORD + "/corrections", "gh.sato", _CORRECTION, "reason", 500,
         ("base_version", "1")),
    Case("POST", RECORDS + "/" + RECORD + "/sign", "gh.sato"),
]

REQUIRED.update({
    f"POST {RECORDS}": "content",
    f"POST {RECORDS}/{RECORD}/corrections": "visit_start",
})

TEXT = {**globals().get("TEXT", {}), f"POST {RECORDS}/{RECORD}/corrections": ["reason"]}

PLAUSIBLE = {**globals().get("PLAUSIBLE", {}), f"POST {RECORDS}": [
    ("content.vitals.spo2", {"content": {"vitals": {"spo2": 140}}}),
    ("content.vitals.bp_systolic", {"content": {"vitals": {"bp_systolic": 300,
                                                           "bp_diastolic": 20}}}),
    ("content.vitals.temperature", {"content": {"vitals": {"temperature": 45}}}),
    ("visit_start", {"visit_start": "1800-01-01T10:00:00+09:00"}),
    ("visit_end", {"visit_end": "1999-01-01T10:00:00+09:00"}),
]}
# ---- timeline: the team timeline of a patient ---------------------------------------------------
TIMELINE_POST = "{timeline_post}"  # a post about her by gh.sato, made once per server


def timeline_post(server):
    post_id = getattr(server, "_homecare_timeline_post", None)
    if post_id is None:
        r = server.session("gh.sato").post(f"/api/patients/{P}/homecare/posts",
                                           json={"category": "report", "text": "検証用の投稿"})
        assert r.status_code == 201, r.text
        post_id = server._homecare_timeline_post = r.json()["id"]
    return post_id


PATHS = {**globals().get("PATHS", {}), TIMELINE_POST: timeline_post}

CASES += [
    Case("POST", f"/api/patients/{P}/homecare/posts", "gh.sato",
         {"category": "report", "text": "検証", "urgency": "normal"}, "text", 4000,
         ("category", 1)),
    Case("POST", f"/api/patients/{P}/homecare/posts/{TIMELINE_POST}/read", "gh.sato"),
]
REQUIRED.update({
    f"POST /api/patients/{P}/homecare/posts": "text",
})
TEXT = {
    **globals().get("TEXT", {}),
    f"POST /api/patients/{P}/homecare/posts": ["text"],
}
UPLOADS = globals().get("UPLOADS", []) + [
    Upload("POST", f"/api/patients/{P}/homecare/posts/{TIMELINE_POST}/attachments", "gh.sato",
           "image/jpeg", "homecare.timeline_not_image_type", "homecare.timeline_not_image"),
]

# ---- report: the monthly 訪問看護報告書 (test_homecare_report.py): every body is checked before
# who may write it, so gh.sato (on her team) meets the field errors; {NOBODY} is no report --------
REPORTS = f"/api/patients/{P}/homecare/reports"
_REPORT_CONTENT = {"visits": [], "condition": "検証", "care_given": "", "home_care": "",
                   "remarks": ""}
CASES += [
    Case("POST", REPORTS, "gh.sato",
         {"month": "2026-01", "to_org_id": NOBODY, "content": _REPORT_CONTENT}, "month", 7,
         ("content", "検証")),
    Case("PATCH", f"{REPORTS}/{NOBODY}", "gh.sato",
         {"to_org_id": NOBODY, "content": _REPORT_CONTENT}, None, None, ("base_version", "1")),
    Case("POST", f"{REPORTS}/{NOBODY}/sign", "gh.sato"),
    Case("POST", f"{REPORTS}/{NOBODY}/corrections", "gh.sato",
         {"reason": "検証", "content": _REPORT_CONTENT}, "reason", 500, ("content", [])),
]
REQUIRED.update({
    f"POST {REPORTS}": "month",
    f"POST {REPORTS}/{NOBODY}/corrections": "content",
})
TEXT = {**globals().get("TEXT", {}), f"POST {REPORTS}/{NOBODY}/corrections": ["reason"]}

# ---- alerts: vitals that alert (test_homecare_alerts.py, issue 17): every body is checked before
# who may write it; {NOBODY} is no alert --------------------------------------------------------
ALERTS = f"/api/patients/{P}/homecare"
CASES += [
    Case("PUT", f"{ALERTS}/alert-settings", "gh.sato",
         {"profile": "elderly", "levels": {}}, "profile", 40, ("weight_rise_days", "3")),
    Case("POST", f"{ALERTS}/alerts/{NOBODY}/acknowledge", "gh.sato",
         {"action": "observation", "note": "経過観察"}, "note", 1000, ("action", 3)),
]
REQUIRED.update({
    f"PUT {ALERTS}/alert-settings": "profile",
    f"POST {ALERTS}/alerts/{NOBODY}/acknowledge": "action",
})

# ---- alerts that escalate, vitals entered alone (test_homecare_escalation.py, issue 17) ----------
CASES += [
    Case("PUT", "/api/homecare/alert-escalation", "aoba.tanaka", {"escalate_after_minutes": 15},
         wrong_type=("escalate_after_minutes", "15")),
    Case("POST", f"{ALERTS}/vitals", "gh.sato",
         {"measured_at": "2026-01-05T09:00:00+09:00", "vitals": {"spo2": 97}, "note": "自宅で測定"},
         "note", 1000, ("vitals", 3)),
]
REQUIRED.update({
    "PUT /api/homecare/alert-escalation": "escalate_after_minutes",
    f"POST {ALERTS}/vitals": "measured_at",
})
TEXT = {**TEXT, f"POST {ALERTS}/vitals": ["note"]}
