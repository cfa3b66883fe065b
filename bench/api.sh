#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The API benchmark: an authenticated GET of a patient through the full path (session, access
# decision, audit append with group commit) against nginx serving the same bytes as a static file,
# with the same wrk settings, on loopback. Also measures start-up time and idle memory, checks
# the audit chain afterwards, prints a markdown report and writes it into docs/benchmarks.md.
#
# usage: bench/api.sh [--no-write] [path/to/tsunagu]
# environment (defaults in brackets):
#   BENCH_DURATION [15s]      wrk duration of each measured run (after a 3 s warm-up)
#   BENCH_CONNECTIONS [64]    wrk connections       BENCH_THREADS [2]   wrk threads
#   BENCH_ROUNDS [3]          rounds of nginx then tsunagu (headline workers), alternated
#   BENCH_WORKERS ["D"]       tsunagu --workers values; the first is the headline (D: serve's default),
#                             the others are measured once after the rounds
#   BENCH_STARTS [20]         start-up repetitions (the median is reported)
#   NGINX_WORKERS [1]         nginx worker_processes (see docs/benchmarks.md for the choice)
#   BENCH_KEEP [0]            1 keeps the temporary directory (logs, data, nginx config)
#   BENCH_LABEL [git commit]  what the binary was built from, for the report
# Needs wrk, nginx (nginx-light), curl and python3: scripts/deps.sh bench installs them.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=bench/common.sh
. "$here/common.sh"
repo=$(cd "$here/.." && pwd)
write=1
bin=""
for arg in "$@"; do
  case "$arg" in
    --write) write=1 ;;
    --no-write) write=0 ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    -*) echo "api.sh: unknown option $arg" >&2; exit 2 ;;
    *) bin=$arg ;;
  esac
done
bin=${bin:-$repo/build/tsunagu}
[ -x "$bin" ] || { echo "api.sh: no tsunagu binary at $bin (make bench builds one)" >&2; exit 2; }
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
for tool in wrk nginx curl python3; do
  command -v "$tool" >/dev/null || { echo "api.sh: $tool missing (scripts/deps.sh bench)" >&2; exit 2; }
done

duration=${BENCH_DURATION:-15s}
conns=${BENCH_CONNECTIONS:-64}
threads=${BENCH_THREADS:-2}
default_workers=$("$bin" serve --help | sed -n 's/.*worker threads (default \([0-9]*\)).*/\1/p')
default_workers=${default_workers:-16}
read -r -a worker_counts <<< "${BENCH_WORKERS:-$default_workers}"
rounds=${BENCH_ROUNDS:-3}
starts=${BENCH_STARTS:-20}
nginx_workers=${NGINX_WORKERS:-1}
static_dir=$repo/web/dist
[ -d "$static_dir" ] || static_dir=/nonexistent-web-dist
wrk_args=(-t"$threads" -c"$conns" -d"$duration" --timeout 10s --latency)

bench_start api
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }
hwm_kb() { awk '/^VmHWM:/ {print $2}' "/proc/$1/status"; }
file_kb() { awk '/^RssFile:/ {print $2}' "/proc/$1/status"; }
mb() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }

wait_health() { # port, pid: polls /api/health for up to 10 s
  for _ in $(seq 200); do
    curl -fsS -o /dev/null "http://127.0.0.1:$1/api/health" 2>/dev/null && return 0
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.05
  done
  return 1
}

start_tsunagu() { # workers, port; sets ts_pid
  "$bin" serve --listen "127.0.0.1:$2" --data-dir "$tmp/data" --static-dir "$static_dir" \
    --workers "$1" >>"$tmp/serve.out" 2>>"$tmp/serve-$1.log" &
  ts_pid=$!
  pids+=("$ts_pid")
  wait_health "$2" "$ts_pid" || { log "tsunagu did not start (see $tmp/serve-$1.log)"; BENCH_KEEP=1; exit 1; }
}

stop_pid() {
  kill -TERM "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
  local kept=()
  for p in "${pids[@]}"; do [ "$p" = "$1" ] || kept+=("$p"); done
  pids=("${kept[@]+"${kept[@]}"}")
}

warm_up() { wrk -t"$threads" -c"$conns" -d3s -s "$tmp/cookie.lua" "$1" >/dev/null; }
# name, url, server pid → the parsed figures, then the CPU µs per request of the server and of wrk
# (the two share the machine's cores: what wrk takes is not left for the server); the raw output
# is kept in $tmp
run_wrk() {
  local t0 t1 wrk_cpu tick
  tick=$(getconf CLK_TCK)
  t0=$(cpu_ticks "$3")
  wrk_cpu=$( { TIMEFORMAT='%U %S'; time wrk "${wrk_args[@]}" -s "$tmp/cookie.lua" "$2" \
    >"$tmp/wrk-$1.txt" 2>"$tmp/wrk-$1.err"; } 2>&1 )
  t1=$(cpu_ticks "$3")
  parse_wrk <"$tmp/wrk-$1.txt" | awk -v t="$((t1 - t0))" -v tick="$tick" -v w="$wrk_cpu" '
    { split(w, c, " "); n = $4 > 0 ? $4 : 1
      printf "%s %.1f %.1f\n", $0, t / tick * 1e6 / n, (c[1] + c[2]) * 1e6 / n }'
}
audit_count() { "$bin" audit verify --data-dir "$tmp/data" | awk '{print $4}'; }
log_size() { stat -c %s "$tmp/data/audit.log"; }
# the records appended to audit.log between two of its sizes → "records distinct_request_ids"
audit_slice() {
  python3 - "$tmp/data/audit.log" "$1" "$2" <<'PY'
import json, sys
path, start, end = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with open(path, "rb") as f:
    f.seek(start)
    lines = f.read(end - start).splitlines()
ids = {json.loads(line)["request_id"] for line in lines}
print(len(lines), len(ids))
PY
}

# ---- data and start-up time ----
log "temporary directory $tmp"
"$bin" init --demo --data-dir "$tmp/data" >/dev/null
log "measuring start-up ($starts starts: exec to /api/health answering)"
startup=$(python3 - "$bin" "$tmp/data" "$static_dir" "$starts" "$(free_port)" <<'PY'
import socket, statistics, subprocess, sys, time
binary, data, static, n, port = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
def healthy():
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(b"GET /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            return s.recv(64).startswith(b"HTTP/1.1 200")
    except OSError:
        return False
times = []
for _ in range(n):
    t0 = time.perf_counter()
    p = subprocess.Popen([binary, "serve", "--listen", f"127.0.0.1:{port}", "--data-dir", data,
                          "--static-dir", static], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while not healthy():
        if p.poll() is not None or time.perf_counter() - t0 > 10:
            sys.exit("tsunagu did not start")
        time.sleep(0.0005)
    times.append((time.perf_counter() - t0) * 1000)
    p.terminate()
    p.wait()
print(f"{statistics.median(times):.1f} {min(times):.1f} {max(times):.1f}")
PY
)
read -r start_med start_min start_max <<<"$startup"

# ---- tsunagu: log in, find the patient, save the exact bytes for nginx ----
port=$(free_port)
start_tsunagu "${worker_counts[0]}" "$port"
base="http://127.0.0.1:$port"
curl -fsS -c "$tmp/jar" -H 'Content-Type: application/json' \
  -d '{"login":"gh.sato","password":"minami-demo-2026"}' "$base/api/auth/login" >/dev/null
patient=$(curl -fsS -b "$tmp/jar" -G --data-urlencode 'q=山田 花子' "$base/api/patients" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["items"][0]["id"])')
path="/api/patients/$patient"
mkdir -p "$tmp/nginx/root/api/patients" "$tmp/nginx/tmp"
curl -fsS -b "$tmp/jar" -o "$tmp/nginx/root$path" "$base$path"
body_bytes=$(wc -c <"$tmp/nginx/root$path")
session=$(awk '$6 == "tsunagu_session" {print $7}' "$tmp/jar")
printf 'wrk.headers["Cookie"] = "tsunagu_session=%s"\n' "$session" >"$tmp/cookie.lua"
for _ in 1 2 3 4 5; do curl -fsS -o /dev/null -b "$tmp/jar" "$base$path"; done
sleep 1
idle_rss=$(rss_kb "$ts_pid")
audit_before=$(audit_count)

# ---- nginx: the same bytes as a static file ----
nport=$(free_port)
csp=$(curl -fsS -D - -o /dev/null -b "$tmp/jar" "$base$path" | awk -F': ' 'tolower($1) == "content-security-policy" {sub(/\r$/, "", $2); print $2}')
write_nginx_conf "$tmp/nginx" "$nport" "$nginx_workers" "$csp"
nginx -c "$tmp/nginx/nginx.conf" -p "$tmp/nginx" >"$tmp/nginx/out.log" 2>&1 &
nginx_pid=$!
pids+=("$nginx_pid")
for _ in $(seq 100); do curl -fsS -o /dev/null "http://127.0.0.1:$nport$path" 2>/dev/null && break; sleep 0.05; done
cmp -s "$tmp/nginx/root$path" <(curl -fsS "http://127.0.0.1:$nport$path") ||
  { log "nginx does not serve the saved bytes"; exit 1; }

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
# One tsunagu measurement: name, base → a row (workers rps p50 p99 requests non2xx errors ratio
# rss peak records distinct_ids file_rss), against the nginx figures of the same round.
measure_tsunagu() {
  local w=$1 url=$2 nginx_rps=$3
  local size_before size_after t_rps t_p50 t_p99 t_req t_bad t_err t_cpu t_wrk
  size_before=$(log_size)
  read -r t_rps t_p50 t_p99 t_req t_bad t_err t_cpu t_wrk < <(run_wrk "tsunagu-$w-$4" "$url" "$ts_pid")
  size_after=$(log_size)
  read -r recs ids < <(audit_slice "$size_before" "$size_after")
  ratio=$(awk -v a="$t_rps" -v b="$nginx_rps" 'BEGIN {printf "%.3f", a / b}')
  echo "$w $t_rps $t_p50 $t_p99 $t_req $t_bad $t_err $ratio $recs $ids $t_cpu $t_wrk"
}

log "alternating nginx ($nginx_workers worker process(es)) and tsunagu --workers ${worker_counts[0]}, $rounds rounds: wrk ${wrk_args[*]}"
warm_up "http://127.0.0.1:$nport$path"
warm_up "$base$path"
rows=()
nginx_rows=()
for r in $(seq "$rounds"); do
  read -r n_rps n_p50 n_p99 n_req n_bad n_err n_cpu n_wrk < <(run_wrk "nginx-$r" "http://127.0.0.1:$nport$path" "$nginx_pid")
  nginx_rows+=("$n_rps $n_p50 $n_p99 $n_req $n_bad $n_err $n_cpu $n_wrk")
  rows+=("$r $(measure_tsunagu "${worker_counts[0]}" "$base$path" "$n_rps" "$r")")
done
sleep 1
after_rss=$(rss_kb "$ts_pid")
after_file=$(file_kb "$ts_pid")
peak_rss=$(hwm_kb "$ts_pid")
cmp -s "$tmp/nginx/root$path" <(curl -fsS -b "$tmp/jar" "$base$path") ||
  { log "tsunagu's answer changed during the run"; BENCH_KEEP=1; exit 1; }
stop_pid "$ts_pid"
others=()
for w in "${worker_counts[@]:1}"; do
  port=$(free_port)
  start_tsunagu "$w" "$port"
  log "tsunagu --workers $w: wrk ${wrk_args[*]}"
  warm_up "http://127.0.0.1:$port$path"
  others+=("$(measure_tsunagu "$w" "http://127.0.0.1:$port$path" "$n_rps" x)")
  stop_pid "$ts_pid"
done
stop_pid "$nginx_pid"

verify=$("$bin" audit verify --data-dir "$tmp/data")
audit_after=$(awk '{print $4}' <<<"$verify")
head_hash=$(awk '{print $NF}' <<<"$verify")

# ---- report ----
total_req=$(printf '%s\n' "${rows[@]}" | awk '{n += $6} END {print n}')
yes_no() { awk -v c="$1" 'BEGIN {print (c ? "**yes**" : "**no**")}'; }
h_w=${worker_counts[0]}
min_ratio=$(printf '%s\n' "${rows[@]}" | awk 'NR == 1 || $9 < m {m = $9} END {printf "%.3f", m}')
max_p99=$(printf '%s\n' "${rows[@]}" | awk 'NR == 1 || $5 > m {m = $5} END {print m}')
# one record per request: no request id twice, and no fewer records than answers wrk counted
# (at most one more per connection: answers the server sent as wrk stopped reading)
one_each=$(printf '%s\n' "${rows[@]}" "${others[@]+"${others[@]}"}" | awk -v c="$conns" '
  NF == 11 {rec = $10; ids = $11; req = $6} NF == 10 {rec = $9; ids = $10; req = $5}
  {if (rec != ids || rec < req || rec > req + c) bad = 1} END {print bad ? 0 : 1}')
git_rev=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)
[ -z "$(git -C "$repo" status --porcelain -- src meson.build 2>/dev/null)" ] || git_rev="$git_rev (src/ modified)"
git_rev=${BENCH_LABEL:-commit $git_rev}
report=$(
  echo "Run of \`bench/api.sh\` on $(date -u +%Y-%m-%dT%H:%MZ), tsunagu $("$bin" --version | awk '{print $2}') ($git_rev, release build)."
  echo
  echo "| machine | |"
  echo "| --- | --- |"
  echo "| CPU | $(nproc) × $(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2; exit}') (wrk, nginx and tsunagu share them) |"
  echo "| memory | $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo) |"
  echo "| kernel | $(uname -sr) |"
  echo "| data directory | $(df -T "$tmp" | awk 'NR == 2 {print $2}') under /tmp |"
  echo "| load average (1, 5, 15 min) before and after the runs | $load_before; $(cut -d" " -f1-3 /proc/loadavg) |"
  echo "| wrk | $(wrk -v 2>&1 | awk 'NR == 1 {print $2}') |"
  echo "| nginx | $(nginx -v 2>&1 | awk -F/ '{print $2}'), worker_processes $nginx_workers, access_log off |"
  libs="$(pkgver libsqlite3-0 SQLite) $(pkgver libmicrohttpd12 libmicrohttpd) $(pkgver libjansson4 jansson) $(pkgver libsodium23 libsodium) $(pkgver libnettle8 nettle)"
  echo "| libraries (Debian packages) | ${libs%;} |"
  echo
  echo "Command, the same for both servers (3 s warm-up of each first): \`wrk ${wrk_args[*]} -s cookie.lua URL\`"
  echo "where \`cookie.lua\` sets the \`Cookie: tsunagu_session=…\` header of gh.sato's session."
  echo "URL: \`GET $path\` (山田 花子, $body_bytes bytes of JSON); tsunagu with \`--log-level info\`"
  echo "(one access-log line per request to a file). nginx and tsunagu run alternately, $rounds rounds;"
  echo "each round's ratio is tsunagu's requests/s over nginx's in the same round."
  echo
  echo "| round | server | workers | requests/s | p50 ms | p99 ms | ratio to nginx | requests | non-2xx | socket errors | audit records appended (distinct request ids) | CPU µs per request: server; wrk |"
  echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
  for i in "${!rows[@]}"; do
    read -r n_rps n_p50 n_p99 n_req n_bad n_err n_cpu n_wrk <<<"${nginx_rows[$i]}"
    read -r r w rps p50 p99 req bad err ratio recs ids cpu wrk_us <<<"${rows[$i]}"
    echo "| $r | nginx (static file) | $nginx_workers process | $n_rps | $n_p50 | $n_p99 | 1.000 | $n_req | $n_bad | $n_err | – | $n_cpu; $n_wrk |"
    echo "| $r | tsunagu (full path) | $w threads | $rps | $p50 | $p99 | **$ratio** | $req | $bad | $err | $recs ($ids) | $cpu; $wrk_us |"
  done
  for o in "${others[@]+"${others[@]}"}"; do
    read -r w rps p50 p99 req bad err ratio recs ids cpu wrk_us <<<"$o"
    echo "| after | tsunagu (full path) | $w threads | $rps | $p50 | $p99 | $ratio (to round $rounds) | $req | $bad | $err | $recs ($ids) | $cpu; $wrk_us |"
  done
  echo
  # What 0.5 × nginx leaves tsunagu: at half of nginx's mean rate R, wrk takes R × (its CPU per request
  # in tsunagu's rounds) of the cores' time; the rest divided by R is tsunagu's CPU per request.
  read -r budget_rate budget_wrk budget_left budget_used < <(
    { printf 'n %s\n' "${nginx_rows[@]}"; printf 't %s\n' "${rows[@]}"; } | awk -v cores="$(nproc)" '
      $1 == "n" { rate += $2 / 2; k++ }
      $1 == "t" { wrk += $14; used += $13; n++ }
      END { rate /= k; wrk /= n; used /= n
            printf "%.0f %.1f %.1f %.1f\n", rate, wrk, (cores * 1e6 - rate * wrk) / rate, used }')
  echo "CPU budget at the target: at 0.5 × nginx's mean ($budget_rate requests/s), wrk would take"
  echo "$budget_wrk µs of CPU per request (its mean in tsunagu's rounds), which leaves the server $budget_left µs of"
  echo "CPU per request on these $(nproc) cores; tsunagu used $budget_used µs (mean of its rounds, all threads)."
  echo
  echo "Memory of tsunagu --workers $h_w: RSS $(mb "$after_rss") MB after the rounds (file-backed $(mb "$after_file") MB), peak $(mb "$peak_rss") MB."
  echo
  echo "| target | measured | met |"
  echo "| --- | --- | --- |"
  echo "| requests/s ≥ 0.5 × nginx in every round (--workers $h_w$( [ "$h_w" = "$default_workers" ] && echo ", the default")) | lowest $min_ratio | $(yes_no "$(awk -v r="$min_ratio" 'BEGIN {print (r >= 0.5)}')") |"
  echo "| p99 < 10 ms at $conns connections in every round | highest $max_p99 ms | $(yes_no "$(awk -v p="$max_p99" 'BEGIN {print (p < 10)}')") |"
  echo "| one audit record per request, each durable before its answer | records = distinct request ids, between wrk's count and it + $conns | $(yes_no "$one_each") |"
  echo "| \`tsunagu serve\` starts in < 200 ms (median of $starts; min $start_min, max $start_max) | $start_med ms | $(yes_no "$(awk -v s="$start_med" 'BEGIN {print (s < 200)}')") |"
  echo "| idle RSS < 30 MB (after start-up and a few requests) | $(mb "$idle_rss") MB | $(yes_no "$((idle_rss < 30720))") |"
  echo "| RSS < 30 MB after the load (--workers $h_w) | $(mb "$after_rss") MB | $(yes_no "$((after_rss < 30720))") |"
  echo
  echo "Audit: \`tsunagu audit verify\` after the runs: $verify."
  echo "$((audit_after - audit_before)) records were appended from the first warm-up to the end; the"
  echo "last column counts the records appended to audit.log during each measured run (wrk counted"
  echo "$total_req requests in them): every GET appends one record, durable before its answer leaves."
  bad_runs=$( { printf 'nginx %s\n' "${nginx_rows[@]}" | awk '$6 + $7 {print "nginx"}'
    printf '%s\n' "${rows[@]}" | awk '$7 + $8 {print "tsunagu round " $1}'
    printf '%s\n' "${others[@]+"${others[@]}"}" | awk 'NF && $6 + $7 {print "tsunagu --workers " $1}'; } | sort -u | xargs)
  if [ -n "$bad_runs" ]; then
    echo
    echo "**Not a valid run:** non-2xx answers or socket errors in: $bad_runs."
  fi
)
printf '%s\n' "$report"

if [ "$write" = 1 ]; then
  /usr/bin/python3 "$here/write_results.py" "$repo/docs/benchmarks.md" api.sh "Results" "$report"
  log "wrote the results into docs/benchmarks.md"
fi
[ "$audit_after" -gt "$audit_before" ] || { log "the audit trail did not grow"; exit 1; }
if grep -q '^\*\*Not a valid run' <<<"$report"; then log "errors during the runs (see the report)"; exit 1; fi
[ "$one_each" = 1 ] || { log "audit records and requests do not match one to one (see the report)"; exit 1; }
