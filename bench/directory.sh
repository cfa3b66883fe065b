#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The facility-directory benchmark (issue 4): a filtered search sorted by distance over 5,000
# organisations (wrk), and the fan-out of a status change to 500 open event streams
# (bench/sse_load.py). Prints a markdown report and writes it into docs/benchmarks.md
# (bench/directory_bench.py does the work).
#
# usage: bench/directory.sh [--no-write] [path/to/tsunagu]
# environment (defaults in brackets): BENCH_ORGS [5000], BENCH_SUBSCRIBERS [500],
#   BENCH_ROUNDS [20], BENCH_DURATION [15s], BENCH_KEEP [0].
# Needs wrk, curl, sqlite3 and python3: scripts/deps.sh bench installs them.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
write=1
bin=""
for arg in "$@"; do
  case "$arg" in
    --no-write) write=0 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    -*) echo "directory.sh: unknown option $arg" >&2; exit 2 ;;
    *) bin=$arg ;;
  esac
done
bin=${bin:-$repo/build/tsunagu}
[ -x "$bin" ] || { echo "directory.sh: no tsunagu binary at $bin" >&2; exit 2; }
for tool in wrk sqlite3 curl; do
  command -v "$tool" >/dev/null || { echo "directory.sh: $tool missing (scripts/deps.sh bench)" >&2; exit 2; }
done
ulimit -n 4096 2>/dev/null || true
report=$(/usr/bin/python3 "$here/directory_bench.py" "$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")")
printf '%s\n' "$report"
if [ "$write" = 1 ]; then
  /usr/bin/python3 "$here/write_results.py" "$repo/docs/benchmarks.md" directory.sh "Facility directory (issue 4)" "$report"
  echo "directory.sh: wrote the results into docs/benchmarks.md" >&2
fi
