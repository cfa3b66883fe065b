#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Writes SQL for a large synthetic facility directory (issue 4 benchmark): N fictional
organisations spread over a prefecture-sized area around みなみ市 (33.59 N 130.40 E), each with
an org row, a directory profile (its JSON document and the rows of its departments, services and
equipment, as directory_profile_save writes them) and a live status (beds, emergency). Deterministic for the same
arguments; standard library only. Apply it to a stopped server's store, e.g.

    bench/directory_gen.py --count 5000 | sqlite3 data/tsunagu.db
"""
import argparse
import hashlib
import json
import random
import time
import uuid

FUNCTIONS = ["highly_acute", "acute", "recovery", "chronic", "home"]
DEPARTMENTS = ["internal", "cardiology", "gastroenterology", "respiratory", "surgery",
               "orthopedics", "neurosurgery", "pediatrics", "rehabilitation", "nephrology"]
EQUIPMENT = ["ct", "mri", "pet_ct", "mammography", "endoscopy", "angiography", "dialysis"]
SERVICES = ["home_visit", "on_call_24h", "end_of_life", "home_oxygen", "ventilator", "dementia"]
BED_KINDS = ["general", "icu_hcu", "recovery_rehab", "community_care", "long_term", "palliative"]
TYPES = {"highly_acute": "advanced_acute_hospital", "acute": "acute_hospital",
         "recovery": "recovery_hospital", "chronic": "chronic_hospital",
         "home": "home_care_clinic"}
KANA = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワ"


def q(s):
    return "'" + str(s).replace("'", "''") + "'"


def org_id(code):
    h = bytearray(hashlib.sha256(f"tsunagu-bench/org/{code}".encode()).digest()[:16])
    h[6] = (h[6] & 0x0F) | 0x80
    h[8] = (h[8] & 0x3F) | 0x80
    return str(uuid.UUID(bytes=bytes(h)))


def org_sql(i, rng, now):
    code = f"bench-{i:05d}"
    oid = org_id(code)
    function = rng.choices(FUNCTIONS, weights=[1, 4, 2, 2, 11])[0]
    kana = "".join(rng.choice(KANA) for _ in range(4)) + "クリニック"
    name = f"合成医療機関{i:05d}"
    lat = round(33.59 + rng.uniform(-0.45, 0.45), 5)
    lon = round(130.40 + rng.uniform(-0.55, 0.55), 5)
    deps = sorted(rng.sample(DEPARTMENTS, rng.randint(1, 4)))
    equip = [{"code": c, "shared_use": rng.random() < 0.3}
             for c in sorted(rng.sample(EQUIPMENT, rng.randint(0, 3)))]
    svcs = sorted(rng.sample(SERVICES, rng.randint(0, 3)))
    beds = {} if function == "home" else {
        k: rng.randint(0, 20) for k in rng.sample(BED_KINDS, rng.randint(1, 3))}
    emergency = rng.choice(["yes", "conditional", "no"]) if function != "home" else "no"
    at = now - rng.randint(0, 48 * 3600) * 1000
    j = lambda v: q(json.dumps(v, ensure_ascii=False, separators=(",", ":")))
    return "\n".join([
        "INSERT INTO orgs (id, code, name, name_kana, type, address, phone, totp_required, "
        f"created_at, updated_at) VALUES ({q(oid)}, {q(code)}, {q(name)}, {q(kana)}, "
        f"{q(TYPES[function])}, {q(f'みなみ県合成市{i}番地')}, '099-555-0000', 0, {now}, {now});",
        "INSERT INTO org_profiles (org_id, medical_function, departments, equipment, services, "
        f"latitude, longitude, acceptance_notes, updated_at) VALUES ({q(oid)}, {q(function)}, "
        f"{j(deps)}, {j(equip)}, {j(svcs)}, {lat}, {lon}, '要相談', {now});",
        "INSERT INTO org_status (org_id, field, value, updated_at) VALUES "
        f"({q(oid)}, 'beds', {j(beds)}, {at}), ({q(oid)}, 'emergency', {j(emergency)}, {at});",
    ] + [f"INSERT INTO org_departments (org_id, code) VALUES ({q(oid)}, {q(d)});" for d in deps]
      + [f"INSERT INTO org_services (org_id, code) VALUES ({q(oid)}, {q(v)});" for v in svcs]
      + [f"INSERT INTO org_equipment (org_id, code, shared_use) VALUES ({q(oid)}, {q(e['code'])}, "
         f"{int(e['shared_use'])});" for e in equip])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=4)
    ap.add_argument("--now-ms", type=int, default=None,
                    help="status times are up to 48 h before this (default: the clock)")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    now = args.now_ms if args.now_ms is not None else int(time.time() * 1000)
    print("BEGIN;")
    for i in range(args.count):
        print(org_sql(i, rng, now))
    print("COMMIT;")


if __name__ == "__main__":
    main()
