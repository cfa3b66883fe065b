# SPDX-License-Identifier: Apache-2.0
"""Bad-input cases for the routes of src/homecare/routes.def that take a body (see
bad_input.py). Each part of the module (schedule, records, timeline) appends its own block."""
from bad_input import *  # noqa: F401,F403 (Case and the ids)

CASES = [
]

REQUIRED = {
}

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
