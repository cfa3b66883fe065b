# SPDX-License-Identifier: Apache-2.0
"""The authorisation matrix's rows for the routes of src/directory/routes.def (see
test_authz_matrix.py)."""
from authz import *  # noqa: F401,F403 (the matrix's vocabulary)

ROWS = {
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
}
