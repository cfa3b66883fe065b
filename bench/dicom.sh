#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The DICOM archive benchmark (issue 14): runs the shared harness (../shared/bench/, see its
# README) with tsunagu as its target, next to Orthanc 1.10 from Debian, in the same run: C-STORE
# ingest (storescu into `serve --dicom-port`), STOW-RS, QIDO-RS and WADO-RS, RSS. Prints the
# harness's markdown summary and writes it, with the machine and the command, into
# docs/benchmarks.md ("DICOM archive (issue 14)").
#
# usage: bench/dicom.sh [--no-write] [path/to/tsunagu]
# environment (defaults in brackets): DICOM_BENCH_HARNESS [$repo/../shared/bench/
#   run_orthanc_bench.sh], DICOM_BENCH_HTTP_PORT [18081], DICOM_BENCH_DICOM_PORT [11112], and
#   the harness's own knobs, passed through (REPEATS, CEILINGS, PATIENTS, INGEST_CLIENTS, …).
# The whole run takes about 4-7 minutes on 2 cores; CEILINGS=0 REPEATS=1 for a smoke run.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
write=1
bin=""
for arg in "$@"; do
  case "$arg" in
    --no-write) write=0 ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    -*) echo "dicom.sh: unknown option $arg" >&2; exit 2 ;;
    *) bin=$arg ;;
  esac
done
bin=${bin:-$repo/build/tsunagu}
[ -x "$bin" ] || { echo "dicom.sh: no tsunagu binary at $bin" >&2; exit 2; }
bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"
harness=${DICOM_BENCH_HARNESS:-$repo/../shared/bench/run_orthanc_bench.sh}
[ -x "$harness" ] || { echo "dicom.sh: no harness at $harness (DICOM_BENCH_HARNESS)" >&2; exit 2; }
http_port=${DICOM_BENCH_HTTP_PORT:-18081}
dicom_port=${DICOM_BENCH_DICOM_PORT:-11112}

export DICOM_BENCH_BIN="$bin" DICOM_BENCH_SCU_AET="${SCU_AET:-BENCHSCU}"
export TARGET_NAME=tsunagu TARGET_AET=TSUNAGU
export TARGET_URL="http://127.0.0.1:$http_port/dicom-web" TARGET_DICOM_PORT="$dicom_port"
export TARGET_START_CMD="exec '$here/dicom_target.sh' serve"
export TARGET_AUTH_CMD="'$here/dicom_target.sh' token"

started=$(date -u +%Y-%m-%dT%H:%MZ)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
report=$("$harness")
commit=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
cores=$(nproc)
mem=$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)
knobs=$(env | grep -E '^(REPEATS|CEILINGS|PATIENTS|STUDIES|SERIES|INSTANCES|INGEST_CLIENTS|WRK_DURATION|WRK_CONNS|STOW_BATCH)=' | sort | tr '\n' ' ' || true)
smoke=""
if [ "${REPEATS:-3}" -lt 3 ] || [ "${CEILINGS:-1}" = 0 ]; then
  smoke=" **A smoke run** (fewer repeats or no ceilings, on a machine possibly busy with other work): it shows that the script works, not how fast anything is."
fi
header="Run of \`${knobs}bench/dicom.sh\` on $started, $("$bin" --version 2>/dev/null | head -n 1) (commit $commit, release build), against Orthanc from Debian in the same run (the shared harness \`run_orthanc_bench.sh\`); load average before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg).$smoke

| machine | |
| --- | --- |
| CPU | $cores × $cpu (harness, Orthanc and tsunagu share them) |
| memory | $mem |
| kernel | $(uname -r) |
"
printf '%s\n%s\n' "$header" "$report"
if [ "$write" = 1 ]; then
  /usr/bin/python3 "$here/write_results.py" "$repo/docs/benchmarks.md" dicom.sh \
    "DICOM archive (issue 14): against Orthanc" "$header
$report"
  echo "dicom.sh: wrote the results into docs/benchmarks.md" >&2
fi
