#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Before and after for the audited read of bench/api.sh: two or more tsunagu binaries measured in
# turn, round after round, on the same load (wrk on GET /api/patients/{id} as gh.sato), each in a
# fresh demo data directory. Reports requests/s, p99 and the CPU each binary spent per request
# (all its threads, from /proc/PID/stat) with its split by thread name, so that a change is
# judged by what it costs rather than by a throughput the other work on the machine moves.
#
# usage: bench/api_cpu.sh BIN [BIN ...]
# environment (defaults in brackets):
#   BENCH_DURATION [10s]   wrk duration of each measured run (after a 3 s warm-up)
#   BENCH_ROUNDS [3]       rounds; each measures every binary once, in the order given
#   BENCH_CONNECTIONS [64] wrk connections     BENCH_THREADS [2] wrk threads
# Needs wrk, curl and python3 (scripts/deps.sh bench).
set -euo pipefail

[ $# -ge 1 ] || { sed -n '2,14p' "$0"; exit 2; }
for b in "$@"; do [ -x "$b" ] || { echo "api_cpu.sh: no binary at $b" >&2; exit 2; }; done
duration=${BENCH_DURATION:-10s}
rounds=${BENCH_ROUNDS:-3}
conns=${BENCH_CONNECTIONS:-64}
threads=${BENCH_THREADS:-2}
patient=b3ac153b-8cfc-8e15-a579-a57634de34e0 # 山田 花子 of the demo region

tmp=$(mktemp -d /tmp/tsunagu-api-cpu.XXXXXX)
pid=""
cleanup() {
  [ -n "$pid" ] && { kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# "name ticks" per thread of the process, summed by thread name
thread_ticks() {
  for t in /proc/"$1"/task/*; do
    printf '%s %s\n' "$(tr ' ' '_' <"$t/comm")" "$(awk '{print $14 + $15}' "$t/stat")"
  done | awk '{n[$1] += $2} END {for (k in n) print k, n[k]}' | sort
}

# One measurement of binary $1 → "rps p99 cpu_us_per_request thread=µs,..."
measure() {
  local bin=$1 port data session out before after reqs tick
  port=$(free_port)
  data="$tmp/data-$RANDOM"
  "$bin" init --demo --data-dir "$data" >/dev/null 2>&1
  "$bin" serve --listen "127.0.0.1:$port" --data-dir "$data" >/dev/null 2>"$tmp/serve.log" &
  pid=$!
  for _ in $(seq 200); do
    curl -fsS -o /dev/null "http://127.0.0.1:$port/api/health" 2>/dev/null && break
    sleep 0.05
  done
  session=$(curl -fsS -c - -H 'Content-Type: application/json' \
    -d '{"login":"gh.sato","password":"minami-demo-2026"}' \
    "http://127.0.0.1:$port/api/auth/login" | awk '/tsunagu_session/ {print $7}')
  printf 'wrk.headers["Cookie"] = "tsunagu_session=%s"\n' "$session" >"$tmp/cookie.lua"
  local url="http://127.0.0.1:$port/api/patients/$patient"
  wrk -t"$threads" -c"$conns" -d3s -s "$tmp/cookie.lua" "$url" >/dev/null
  thread_ticks "$pid" >"$tmp/before"
  out=$(wrk -t"$threads" -c"$conns" -d"$duration" --latency -s "$tmp/cookie.lua" "$url")
  thread_ticks "$pid" >"$tmp/after"
  kill -TERM "$pid"
  wait "$pid" 2>/dev/null || true
  pid=""
  rm -rf "$data"
  reqs=$(awk '/requests in/ {print $1}' <<<"$out")
  tick=$(getconf CLK_TCK)
  join -a 2 -e 0 -o 0,1.2,2.2 "$tmp/before" "$tmp/after" | awk -v n="$reqs" -v tick="$tick" \
    -v rps="$(awk '/Requests\/sec/ {print $2}' <<<"$out")" \
    -v p99="$(awk '$1 == "99%" {print $2}' <<<"$out")" '
    { us = ($3 - $2) / tick * 1e6 / n; total += us; if (us >= 0.05) split_ = split_ sprintf("%s%s=%.1f", split_ ? ", " : "", $1, us) }
    END { printf "%.0f %s %.1f %s\n", rps, p99, total, split_ }'
}

echo "| round | binary | requests/s | p99 | CPU µs per request | by thread (µs per request) |"
echo "| --- | --- | --- | --- | --- | --- |"
for r in $(seq "$rounds"); do
  for b in "$@"; do
    read -r rps p99 cpu split < <(measure "$b")
    echo "| $r | \`$b\` | $rps | $p99 | $cpu | $split |"
  done
done
echo
echo "Load average after: $(cut -d' ' -f1-3 /proc/loadavg); wrk -t$threads -c$conns -d$duration."
