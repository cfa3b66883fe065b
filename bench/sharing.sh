#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The sharing rules' benchmark (issue 17): what rule evaluation adds to a visit-record write, with
# no rule in force and with 50 (bench/sharing_bench.py does the work). Prints a markdown report
# and writes it into docs/benchmarks.md.
#
# usage: bench/sharing.sh [--no-write] [path/to/tsunagu]
# environment (defaults in brackets): BENCH_WRITES [1000] writes per patient, BENCH_WARMUP [50].
# Needs python3 only.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
write=1
bin=""
for arg in "$@"; do
  case "$arg" in
    --no-write) write=0 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    -*) echo "sharing.sh: unknown option $arg" >&2; exit 2 ;;
    *) bin=$arg ;;
  esac
done
bin=${bin:-$repo/build/tsunagu}
[ -x "$bin" ] || { echo "sharing.sh: no tsunagu binary at $bin (make bench-sharing builds one)" >&2; exit 2; }
report=$(/usr/bin/python3 "$here/sharing_bench.py" "$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")")
printf '%s\n' "$report"
if [ "$write" = 1 ]; then
  /usr/bin/python3 "$here/write_results.py" "$repo/docs/benchmarks.md" sharing.sh \
    "Sharing rules (issue 17): rule evaluation on a visit-record write" "$report"
  echo "sharing.sh: wrote the results into docs/benchmarks.md" >&2
fi
