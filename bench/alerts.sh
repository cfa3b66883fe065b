#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The alerts and event-stream benchmark (issue 17, "Speed"): an out-of-range vital posted → the
# alert delivered to 1,000 open event streams (target p99 < 100 ms), and 10,000 idle event
# streams held (target RSS < 300 MB), each on a fresh demo store. Prints a markdown report and
# writes it into docs/benchmarks.md (bench/alerts_bench.py does the work).
#
# usage: bench/alerts.sh [--no-write] [path/to/tsunagu]
# environment (defaults in brackets): BENCH_SUBSCRIBERS [1000], BENCH_ROUNDS [30],
#   BENCH_IDLE_STREAMS [10000], BENCH_KEEP [0] (1 keeps the temporary directory).
# Needs curl and python3 (scripts/deps.sh bench); the hard file-descriptor limit must allow
# BENCH_IDLE_STREAMS plus about 600 (the scripts and the server raise their soft limits).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
write=1
bin=""
for arg in "$@"; do
  case "$arg" in
    --no-write) write=0 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    -*) echo "alerts.sh: unknown option $arg" >&2; exit 2 ;;
    *) bin=$arg ;;
  esac
done
bin=${bin:-$repo/build/tsunagu}
[ -x "$bin" ] || { echo "alerts.sh: no tsunagu binary at $bin (make bench-alerts builds one)" >&2; exit 2; }
command -v curl >/dev/null || { echo "alerts.sh: curl missing (scripts/deps.sh bench)" >&2; exit 2; }
rc=0
report=$(/usr/bin/python3 "$here/alerts_bench.py" "$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")") || rc=$?
[ -n "$report" ] || exit "${rc:-1}"
printf '%s\n' "$report"
if [ "$write" = 1 ]; then
  /usr/bin/python3 "$here/write_results.py" "$repo/docs/benchmarks.md" alerts.sh "Alerts and event streams (issue 17)" "$report"
  echo "alerts.sh: wrote the results into docs/benchmarks.md" >&2
fi
exit "$rc"
