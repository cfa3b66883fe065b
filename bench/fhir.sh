#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The FHIR benchmark (issue 3): loads 1,000,000 Observations across 10,000 patients through
# transaction Bundles, then measures read by id, a patient/code/date search and
# Patient/$everything with wrk; records the database size per million resources. Prints a
# markdown report and writes it into docs/benchmarks.md (bench/fhir_bench.py does the work).
#
# usage: bench/fhir.sh [--no-write] [path/to/tsunagu]
# environment (defaults in brackets): BENCH_PATIENTS [10000], BENCH_OBSERVATIONS [1000000],
#   BENCH_PER_BUNDLE [500], BENCH_CLIENTS [2], BENCH_DURATION [15s], BENCH_CONNECTIONS ["2 16"],
#   BENCH_KEEP [0] (1 keeps the temporary directory).
# Needs wrk, sqlite3 and python3: scripts/deps.sh bench installs them.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
write=1
bin=""
for arg in "$@"; do
  case "$arg" in
    --no-write) write=0 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    -*) echo "fhir.sh: unknown option $arg" >&2; exit 2 ;;
    *) bin=$arg ;;
  esac
done
bin=${bin:-$repo/build/tsunagu}
[ -x "$bin" ] || { echo "fhir.sh: no tsunagu binary at $bin (make bench builds one)" >&2; exit 2; }
for tool in wrk sqlite3; do
  command -v "$tool" >/dev/null || { echo "fhir.sh: $tool missing (scripts/deps.sh bench)" >&2; exit 2; }
done
report=$(/usr/bin/python3 "$here/fhir_bench.py" "$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")")
printf '%s\n' "$report"
if [ "$write" = 1 ]; then
  /usr/bin/python3 "$here/write_results.py" "$repo/docs/benchmarks.md" fhir.sh "FHIR store (issue 3)" "$report"
  echo "fhir.sh: wrote the results into docs/benchmarks.md" >&2
fi
grep -q 'Not a valid run' <<<"$report" && exit 1 || exit 0
