# SPDX-License-Identifier: Apache-2.0
"""Bad-input cases for the routes of src/imaging/routes.def that take a body (see bad_input.py):
the CD import takes a zip, not JSON (its archives, hostile or broken: test_imaging_import.py)."""
from bad_input import *  # noqa: F401,F403 (Case, Upload and the ids)

CASES = []

UPLOADS = [
    Upload("POST", "/api/imaging/imports", "gh.sato", "application/zip", "imaging.not_zip",
           "imaging.archive_invalid"),
    Upload("POST", f"/api/imaging/imports/patients/{P}", "gh.sato", "application/zip",
           "imaging.not_zip", "imaging.archive_invalid"),
]
