#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Writes FHIR R4 transaction Bundles of laboratory Observations for the FHIR benchmark.

Each Bundle holds --per-bundle POST entries of Observations (JLAC10 codes, UCUM units, dates over
the two years ending 2026-11-15, +09:00) whose subject is a patient taken in turn from the ids in
PATIENTS (one id a line, bare or as "Patient/<id>"; blank lines and # comments are skipped).
Output is deterministic for the same arguments: one Bundle per line (NDJSON) on stdout, or one
file per Bundle with --out-dir. Standard library only; string templates keep it fast (a million
Observations in a few seconds).

    bench/fhir_gen.py patients.txt --per-bundle 100 --total 1000000 > bundles.ndjson
"""
import argparse
import datetime
import os
import random
import sys

# JLAC10 17-digit code, Japanese name, UCUM unit, typical low and high of the generated values,
# decimals
TESTS = [
    ("3D046000001906202", "HbA1c(NGSP)", "%", 5.0, 9.5, 1),
    ("3C015000002327101", "クレアチニン", "mg/dL", 0.5, 2.0, 2),
    ("8A065000002391901", "eGFR(クレアチニン)", "mL/min/{1.73_m2}", 25.0, 95.0, 1),
    ("3H015000002326101", "カリウム", "mmol/L", 3.4, 5.6, 1),
    ("3H010000002326101", "ナトリウム", "mmol/L", 133.0, 147.0, 0),
    ("3F077000002327101", "LDLコレステロール", "mg/dL", 60.0, 190.0, 0),
    ("3B035000002327201", "AST", "U/L", 12.0, 60.0, 0),
    ("3B045000002327201", "ALT", "U/L", 8.0, 70.0, 0),
    ("2A030000001930101", "ヘモグロビン", "g/dL", 9.0, 16.5, 1),
]

OBSERVATION = (
    '{"fullUrl":"urn:uuid:%s","resource":{"resourceType":"Observation","status":"final",'
    '"category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/'
    'observation-category","code":"laboratory","display":"Laboratory"}]}],'
    '"code":{"coding":[{"system":"http://medis.or.jp/CodeSystem/master-JLAC10-17digits",'
    '"code":"%s","display":"%s"}],"text":"%s"},"subject":{"reference":"Patient/%s"},'
    '"effectiveDateTime":"%sT%s+09:00","valueQuantity":{"value":%s,"unit":"%s",'
    '"system":"http://unitsofmeasure.org","code":"%s"}},'
    '"request":{"method":"POST","url":"Observation"}}'
)
BUNDLE_HEAD = '{"resourceType":"Bundle","type":"transaction","entry":['
BUNDLE_TAIL = "]}"
LAST_DAY = datetime.date(2026, 11, 15)
DAYS = 730


def read_patients(path):
    ids = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            ids.append(line[len("Patient/"):] if line.startswith("Patient/") else line)
    if not ids:
        sys.exit(f"{path}: no patient ids")
    return ids


def generate(patients, per_bundle, total, seed):
    """Yields the Bundles as JSON text."""
    rng = random.Random(seed)
    dates = [(LAST_DAY - datetime.timedelta(days=d)).isoformat() for d in range(DAYS)]
    times = ["%02d:%02d:00" % (h, m) for h in range(8, 17) for m in (0, 15, 30, 45)]
    # the parts of each test that do not change, formatted once
    tests = [(code, name, unit, lo, hi - lo, "%%.%df" % dec) for code, name, unit, lo, hi, dec
             in TESTS]
    rand = rng.random
    n = 0
    while n < total:
        count = min(per_bundle, total - n)
        entries = []
        for i in range(n, n + count):
            code, name, unit, lo, span, fmt = tests[i % len(tests)]
            entries.append(OBSERVATION % (
                "00000000-0000-4000-8000-%012x" % i, code, name, name,
                patients[(i // len(tests)) % len(patients)],
                dates[int(rand() * DAYS)], times[int(rand() * len(times))],
                fmt % (lo + rand() * span), unit, unit))
        n += count
        yield BUNDLE_HEAD + ",".join(entries) + BUNDLE_TAIL


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("patients", help="file of patient ids, one a line")
    ap.add_argument("--per-bundle", type=int, default=100, help="Observations per Bundle")
    ap.add_argument("--total", type=int, default=1000, help="Observations in all")
    ap.add_argument("--out-dir", help="write bundle-NNNNNN.json files here instead of stdout")
    ap.add_argument("--seed", type=int, default=2026, help="seed of the value generator")
    args = ap.parse_args()
    if args.per_bundle < 1 or args.total < 0:
        ap.error("--per-bundle must be at least 1 and --total not negative")
    patients = read_patients(args.patients)
    bundles = generate(patients, args.per_bundle, args.total, args.seed)
    if args.out_dir:
        os.makedirs(args.out_dir, exist_ok=True)
        for k, bundle in enumerate(bundles, 1):
            with open(os.path.join(args.out_dir, "bundle-%06d.json" % k), "w",
                      encoding="utf-8") as f:
                f.write(bundle)
                f.write("\n")
    else:
        out = sys.stdout
        for bundle in bundles:
            out.write(bundle)
            out.write("\n")


if __name__ == "__main__":
    main()
