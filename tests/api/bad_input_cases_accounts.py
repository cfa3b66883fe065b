# SPDX-License-Identifier: Apache-2.0
"""Bad-input cases for the routes of src/accounts/routes.def that take a body (see bad_input.py)."""
from bad_input import *  # noqa: F401,F403 (Case and the ids)


# Routes of /api/auth and /api/me act on their caller's own session: a fresh login each time
# (a "fresh:" actor), so a wrongly accepted request cannot spoil the shared sessions.
CASES = [
    Case("POST", "/api/auth/login", None, {"login": "gh.sato", "password": "not-the-pw"},
         "login", 64, ("password", 1)),
    Case("POST", "/api/auth/totp", "fresh:gh.yamamoto", {"code": "123456"}, "code", 16,
         ("code", 123456)),
    Case("POST", "/api/auth/password", "fresh:gh.yamamoto",
         {"current_password": helpers.DEMO_PASSWORD, "new_password": "changed-pass-1234"},
         "new_password", 1024, ("new_password", ["x"])),
    Case("POST", "/api/auth/logout", "fresh:gh.yamamoto"),
    Case("PUT", "/api/me/org", "fresh:gh.yamamoto", {"org_id": GH}, None, None, ("org_id", 5)),
    Case("POST", "/api/me/sessions/end-others", "fresh:gh.yamamoto"),
    Case("POST", "/api/me/totp/enroll", "fresh:gh.yamamoto"),
    Case("POST", "/api/me/totp/confirm", "fresh:gh.yamamoto", {"code": "123456"}, "code", 16,
         ("code", True)),
    Case("POST", "/api/me/totp/disable", "fresh:gh.yamamoto",
         {"password": helpers.DEMO_PASSWORD}, "password", 1024, ("password", {})),
    Case("POST", "/api/orgs", "jimukyoku",
         {"code": "bad-input-org", "name": "検証", "type": "clinic"}, "name", 100,
         ("totp_required", "yes")),
    Case("PATCH", f"/api/orgs/{GH}", "gh.admin", {"phone": "099-555-0000"}, "address", 200,
         ("phone", 99)),
    Case("PUT", "/api/policy/totp", "jimukyoku", {"professions": ["nurse"]}, None, None,
         ("professions", "nurse")),
    Case("POST", "/api/users", "gh.admin",
         {"login": "bad.input", "name": "検証", "profession": "nurse",
          "initial_password": "bad-input-pass-1", "memberships": [{"org_id": GH,
                                                                    "role": "member"}]},
         "name", 100, ("network_admin", "false")),
    Case("PATCH", f"/api/users/{SATO}", "gh.admin", {"name": "佐藤 健一"}, "name_kana", 100,
         ("disabled", "yes")),
    Case("POST", f"/api/users/{SATO}/password", "gh.admin",
         {"initial_password": "reset-pass-12345"}, "initial_password", 1024,
         ("initial_password", 1234)),
    Case("POST", f"/api/users/{SATO}/confirm", "gh.admin"),
    Case("POST", "/api/tokens", "gh.admin", {"name": "検証", "user_id": SATO}, "name", 100,
         ("user_id", 7)),
]

REQUIRED = {
    "POST /api/auth/login": "password",
    "POST /api/auth/password": "new_password",
    "PUT /api/me/org": "org_id",
    "POST /api/me/totp/confirm": "code",
    "POST /api/me/totp/disable": "password",
    "POST /api/orgs": "type",
    "PUT /api/policy/totp": "professions",
    "POST /api/users": "memberships",
    f"POST /api/users/{SATO}/password": "initial_password",
    "POST /api/tokens": "user_id",
}

TEXT = {
    "POST /api/orgs": ["name"],
    f"PATCH /api/orgs/{GH}": ["name"],
    "POST /api/users": ["name"],
    f"PATCH /api/users/{SATO}": ["name"],
    "POST /api/tokens": ["name"],
}

# One implausible value per kind of field (core/plausible.h).
PLAUSIBLE = {
    "POST /api/orgs": [("phone", {"phone": "abc"})],
    f"PATCH /api/orgs/{GH}": [("phone", {"phone": "12345"})],
}
