# SPDX-License-Identifier: Apache-2.0
"""Bad-input cases for the routes of src/homecare/routes.def that take a body (see
bad_input.py). Each part of the module (schedule, records, timeline) appends its own block."""
from bad_input import *  # noqa: F401,F403 (Case and the ids)

CASES = [
]

REQUIRED = {
}
