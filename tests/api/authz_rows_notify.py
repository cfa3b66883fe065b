# SPDX-License-Identifier: Apache-2.0
"""The authorisation matrix's rows for the routes of src/notify/routes.def (see
test_authz_matrix.py)."""
from authz import *  # noqa: F401,F403 (the matrix's vocabulary)

ROWS = {
    ("GET", "/api/notifications"): (req("GET", "/api/notifications"),
                                    names_her(lambda w: w.notification), TEAM_WRITE),
    ("GET", "/api/events"): (req("STREAM", "/api/events"), granted(), EVERYONE),
    ("POST", "/api/notifications/{id}/read"): (
        req("POST", "/api/notifications/{w.notification}/read"),
        granted("notification.not_found"), TEAM_WRITE),
}
