# SPDX-License-Identifier: Apache-2.0
"""Many clients at once: every answer is right, every patient read and search hit has its own
audit record (the group commit loses or mixes up none), and the hash chain stays intact."""
import concurrent.futures

import helpers
from helpers import YAMADA_HANAKO

THREADS = 8
ROUNDS = 12


def work(server, session, worker):
    """One client's requests; returns (request id, kind, patient ids) of each answer."""
    done = []
    ito = helpers.login(server, "ph.ito")  # sessions are not shared between threads
    visible = sorted(helpers.visible_patient_ids(server, helpers.org_id("minami-gh")))
    for i in range(ROUNDS):
        patient = visible[(worker * ROUNDS + i) % len(visible)]
        r = session.get(f"/api/patients/{patient}")
        assert r.status_code == 200, r.text
        assert r.json()["id"] == patient
        done.append((r.headers["X-Request-Id"], "read", {patient}))
        r = session.get("/api/patients", params={"q": "やまだ", "limit": 5})
        assert r.status_code == 200, r.text
        done.append((r.headers["X-Request-Id"], "search", {p["id"] for p in r.json()["items"]}))
        if i % 4 == 0:
            r = session.patch(f"/api/patients/{YAMADA_HANAKO}",
                              json={"phone": f"099-555-{worker:02d}{i:02d}"})
            assert r.status_code == 200, r.text
            done.append((r.headers["X-Request-Id"], "update", {YAMADA_HANAKO}))
        r = ito.get(f"/api/patients/{YAMADA_HANAKO}")
        assert r.status_code == 404
        done.append((r.headers["X-Request-Id"], "denied", {YAMADA_HANAKO}))
    return done


def test_parallel_clients_each_get_their_audit_records(fresh_server):
    server = fresh_server
    sessions = [helpers.login(server, login) for login in
                ("gh.sato", "gh.renkei", "gh.yamamoto", "multi.kobayashi") * 2]
    switch = sessions[3].put("/api/me/org", json={"org_id": helpers.org_id("minami-gh")})
    assert switch.status_code == 200
    sessions[7].put("/api/me/org", json={"org_id": helpers.org_id("minami-gh")})
    with concurrent.futures.ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(lambda w: work(server, sessions[w], w), range(THREADS)))
    answers = [a for worker in results for a in worker]
    assert len({request_id for request_id, _, _ in answers}) == len(answers)

    by_request = {}
    for row in helpers.audit_rows(server):
        by_request.setdefault(row["request_id"], []).append(row)
    for request_id, kind, patients in answers:
        rows = by_request.get(request_id, [])
        assert {r["patient_id"] for r in rows if r["patient_id"]} == patients, (kind, rows)
        outcome = 4 if kind == "denied" else 0
        assert all(r["outcome"] == outcome for r in rows if r["patient_id"]), (kind, rows)
        assert len({r["user_id"] for r in rows}) == 1

    seqs = [r["seq"] for r in helpers.audit_rows(server)]
    assert seqs == list(range(1, len(seqs) + 1))
    assert server.stop() == 0
    r = helpers.run_cli("audit", "verify", "--data-dir", server.data_dir)
    assert r.returncode == 0, r.stdout + r.stderr
