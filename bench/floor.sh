#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The floor of the API benchmark (issue 18, item 6): what the bare HTTP libraries cost on this
# machine. Minimal servers answer every GET with the same 412 bytes of JSON and the same headers
# as nginx serving them as a static file: libmicrohttpd in tsunagu's daemon mode (bench/floor/
# mhd.c, with and without suspending each request until another thread resumes it, as tsunagu
# does while a read waits for its audit record), and libh2o-evloop (bench/floor/h2o.c). They run
# alternately with nginx under the same wrk settings on loopback; prints a markdown report.
#
# usage: bench/floor.sh
# environment (defaults in brackets):
#   BENCH_DURATION [10s]      wrk duration of each measured run (after a 3 s warm-up of each server)
#   BENCH_CONNECTIONS [64]    wrk connections       BENCH_THREADS [2]   wrk threads
#   BENCH_ROUNDS [3]          rounds of nginx, mhd, mhd --suspend, h2o, alternated
#   MHD_WORKERS [4]           mhd --workers (tsunagu serve's default)
#   H2O_THREADS [2]           h2o --threads
#   NGINX_WORKERS [1]         nginx worker_processes
#   BENCH_KEEP [0]            1 keeps the temporary directory (binaries, logs, wrk output)
# Needs cc, pkg-config, libmicrohttpd-dev, libh2o-evloop-dev, libssl-dev, wrk, nginx (nginx-light),
# curl and python3: scripts/deps.sh bench installs them.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=bench/common.sh
. "$here/common.sh"
for arg in "$@"; do
  case "$arg" in
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "floor.sh: unknown argument $arg" >&2; exit 2 ;;
  esac
done
for tool in cc pkg-config wrk nginx curl python3; do
  command -v "$tool" >/dev/null || { echo "floor.sh: $tool missing (scripts/deps.sh bench)" >&2; exit 2; }
done
for lib in libmicrohttpd libh2o-evloop; do
  pkg-config --exists "$lib" || { echo "floor.sh: $lib missing (scripts/deps.sh bench)" >&2; exit 2; }
done

duration=${BENCH_DURATION:-10s}
conns=${BENCH_CONNECTIONS:-64}
threads=${BENCH_THREADS:-2}
rounds=${BENCH_ROUNDS:-3}
mhd_workers=${MHD_WORKERS:-4}
h2o_threads=${H2O_THREADS:-2}
nginx_workers=${NGINX_WORKERS:-1}
# a session cookie of the size of tsunagu's (43 characters of token), so that the requests are
# those of bench/api.sh
cookie="Cookie: tsunagu_session=floor0123456789abcdefghijklmnopqrstuvwxyzAB"
wrk_args=(-t"$threads" -c"$conns" -d"$duration" --timeout 10s --latency -H "$cookie")
wrk_shown="wrk -t$threads -c$conns -d$duration --timeout 10s --latency -H '$cookie'"
path=/api/patients/pt_01HZX4K9M2Q7R8S3T5V6W7Y8Z9
# what tsunagu sends with a JSON answer (src/http/response.c)
csp="default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; frame-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

bench_start floor
clk_tck=$(getconf CLK_TCK)

# ---- the body, the servers ----
log "temporary directory $tmp"
mkdir -p "$tmp/nginx/root/api/patients" "$tmp/nginx/tmp"
body=$tmp/nginx/root$path
printf '%s' '{"id":"pt_01HZX4K9M2Q7R8S3T5V6W7Y8Z9","mrn":"MINAMI-GH-000123","name":{"family":"架空","given":"花子","kana":"カクウ ハナコ"},"birth_date":"1958-04-12","sex":"female","facility":"minami-gh","allergies":[{"substance":"penicillin","severity":"high"}],"blood_type":"A+","phone":"000-0000-0000","updated_at":"2026-11-30T09:15:00Z","version":7123,"note":"a fictional patient record for bench/floor.sh only"}' >"$body"
body_bytes=$(wc -c <"$body")
[ "$body_bytes" = 412 ] || { log "the body is $body_bytes bytes, not 412"; exit 1; }

log "compiling bench/floor/mhd.c and bench/floor/h2o.c"
# shellcheck disable=SC2046 # pkg-config's flags are words
cc -O2 -std=c11 $(pkg-config --cflags libmicrohttpd) "$here/floor/mhd.c" -o "$tmp/mhd" \
  $(pkg-config --libs libmicrohttpd) -lpthread
# libh2o-evloop.pc does not say it: without H2O_USE_LIBUV=0, h2o.h wants libuv's headers
# shellcheck disable=SC2046
cc -O2 -std=c11 -DH2O_USE_LIBUV=0 $(pkg-config --cflags libh2o-evloop) "$here/floor/h2o.c" \
  -o "$tmp/h2o" $(pkg-config --libs libh2o-evloop) -lpthread

nport=$(free_port)
write_nginx_conf "$tmp/nginx" "$nport" "$nginx_workers" "$csp"

# The servers in the order they are measured: name, label, port, pid.
names=(nginx mhd mhd-suspend h2o)
declare -A label port pid
label[nginx]="nginx (static file), $nginx_workers process"
label[mhd]="libmicrohttpd, $mhd_workers workers"
label[mhd-suspend]="libmicrohttpd --suspend, $mhd_workers workers"
label[h2o]="libh2o-evloop, $h2o_threads threads"
for s in "${names[@]}"; do port[$s]=$(free_port); done
port[nginx]=$nport
start() { # name, command...: starts it in the background and records its pid
  local s=$1
  shift
  "$@" >"$tmp/$s.out" 2>&1 &
  pid[$s]=$!
  pids+=("${pid[$s]}")
}
start nginx nginx -c "$tmp/nginx/nginx.conf" -p "$tmp/nginx"
start mhd "$tmp/mhd" "$body" --port "${port[mhd]}" --workers "$mhd_workers"
start mhd-suspend "$tmp/mhd" "$body" --port "${port[mhd-suspend]}" --workers "$mhd_workers" --suspend
start h2o "$tmp/h2o" "$body" --port "${port[h2o]}" --threads "$h2o_threads"

# Each answers 200 with the same body and the same headers (but for the date, the server's name,
# keep-alive and nginx's Accept-Ranges and Last-Modified), or the comparison is void.
headers() { # a response's headers, lower-cased names, sorted, without those that may differ
  tr -d '\r' | awk -F': ' 'NR > 1 && NF {
      n = tolower($1)
      if (n !~ /^(date|server|connection|keep-alive|accept-ranges|last-modified)$/) print n ": " $2
    }' | sort
}
for s in "${names[@]}"; do
  url="http://127.0.0.1:${port[$s]}$path"
  for _ in $(seq 100); do curl -fsS -o /dev/null "$url" 2>/dev/null && break; sleep 0.05; done
  curl -fsS -H "$cookie" -D "$tmp/$s.headers" -o "$tmp/$s.body" "$url" ||
    { log "$s does not answer (see $tmp/$s.out)"; BENCH_KEEP=1; exit 1; }
  cmp -s "$body" "$tmp/$s.body" || { log "$s does not answer the same bytes"; BENCH_KEEP=1; exit 1; }
  headers <"$tmp/$s.headers" >"$tmp/$s.hdr"
  diff -u "$tmp/nginx.hdr" "$tmp/$s.hdr" >&2 || { log "$s's headers differ from nginx's"; BENCH_KEEP=1; exit 1; }
done
log "all four answer the same $body_bytes bytes with the same headers"

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
log "warming up each server (3 s), then $rounds round(s) of $wrk_shown"
for s in "${names[@]}"; do
  wrk -t"$threads" -c"$conns" -d3s -H "$cookie" "http://127.0.0.1:${port[$s]}$path" >/dev/null
done
rows=() # "round name rps p50 p99 requests non2xx errors ratio cpu_us_per_request"
for r in $(seq "$rounds"); do
  for s in "${names[@]}"; do
    t0=$(cpu_ticks "${pid[$s]}")
    wrk "${wrk_args[@]}" "http://127.0.0.1:${port[$s]}$path" >"$tmp/wrk-$s-$r.txt"
    t1=$(cpu_ticks "${pid[$s]}")
    read -r rps p50 p99 req bad err < <(parse_wrk <"$tmp/wrk-$s-$r.txt")
    [ "$s" = nginx ] && n_rps=$rps
    ratio=$(awk -v a="$rps" -v b="$n_rps" 'BEGIN {printf "%.3f", a / b}')
    cpu=$(awk -v t="$((t1 - t0))" -v hz="$clk_tck" -v n="$req" 'BEGIN {printf "%.2f", n ? t * 1e6 / hz / n : 0}')
    rows+=("$r $s $rps $p50 $p99 $req $bad $err $ratio $cpu")
    log "round $r $s: $rps requests/s, ratio $ratio, $cpu µs CPU/request"
  done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- report ----
median() { sort -g | awk '{v[NR] = $1} END {print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
col() { printf '%s\n' "${rows[@]}" | awk -v s="$1" -v c="$2" '$2 == s {print $c}' | median; }
echo "Run of \`bench/floor.sh\` on $(date -u +%Y-%m-%dT%H:%MZ) (commit $(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo unknown))."
echo
echo "| machine | |"
echo "| --- | --- |"
echo "| CPU | $(nproc) × $(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2; exit}') (wrk and the servers share them) |"
echo "| memory | $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo) |"
echo "| kernel | $(uname -sr) |"
echo "| load average (1, 5, 15 min) before and after the runs | $load_before; $load_after |"
echo "| wrk | $(wrk -v 2>&1 | awk 'NR == 1 {print $2}') |"
echo "| nginx | $(nginx -v 2>&1 | awk -F/ '{print $2}'), worker_processes $nginx_workers, access_log off |"
pkgs="$(pkgver libmicrohttpd12 libmicrohttpd) $(pkgver libh2o-evloop0.13 libh2o-evloop) $(pkgver gcc gcc)"
echo "| libraries (Debian packages) | ${pkgs%;} |"
echo
echo "Command, the same for every server (3 s warm-up of each first): \`$wrk_shown URL\`"
echo "(the Cookie header only gives the requests the size of bench/api.sh's; nobody reads it)."
echo "URL: \`GET $path\`, $body_bytes bytes of JSON with the headers tsunagu sends; checked identical"
echo "on every server before the runs. The servers run alternately, $rounds round(s); each ratio is the"
echo "server's requests/s over nginx's in the same round. CPU is the server process's user + system"
echo "time (/proc/PID/stat; nginx's master and worker) during the run over the requests wrk counted."
echo
echo "| round | server | requests/s | p50 ms | p99 ms | ratio to nginx | server CPU µs/request | requests | non-2xx | socket errors |"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
for row in "${rows[@]}"; do
  read -r r s rps p50 p99 req bad err ratio cpu <<<"$row"
  echo "| $r | ${label[$s]} | $rps | $p50 | $p99 | $ratio | $cpu | $req | $bad | $err |"
done
echo
echo "Medians over the rounds:"
echo
echo "| server | requests/s | p99 ms | ratio to nginx | server CPU µs/request |"
echo "| --- | --- | --- | --- | --- |"
for s in "${names[@]}"; do
  echo "| ${label[$s]} | $(col "$s" 3) | $(col "$s" 5) | **$(col "$s" 9)** | $(col "$s" 10) |"
done
bad_runs=$(printf '%s\n' "${rows[@]}" | awk '$7 + $8 {print $2 "(round " $1 ")"}' | xargs)
if [ -n "$bad_runs" ]; then
  echo
  echo "**Not a valid run:** non-2xx answers or socket errors in: $bad_runs."
  log "errors during the runs (see the report)"
  exit 1
fi
