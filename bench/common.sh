# SPDX-License-Identifier: Apache-2.0
# Sourced by bench/api.sh and bench/floor.sh: what both do alike.

# bench_start NAME: the temporary directory $tmp (readable by nginx's workers, which run as
# another user when root starts nginx), removed at exit unless BENCH_KEEP=1, and the list $pids
# of the processes to stop at exit.
bench_start() {
  bench_name=$1
  tmp=$(mktemp -d "/tmp/tsunagu-$1.XXXXXX")
  chmod 0755 "$tmp"
  pids=()
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
}
bench_cleanup() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "$bench_name.sh: kept $tmp" >&2; else rm -rf "$tmp"; fi
}
log() { printf '%s\n' "$bench_name.sh: $*" >&2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
pkgver() { dpkg-query -W -f="$2 \${Version};" "$1" 2>/dev/null || true; }

# wrk's output on stdin → "rps p50_ms p99_ms requests non2xx socket_errors"
parse_wrk() {
  awk '
    function ms(v) {
      if (v ~ /us$/) return substr(v, 1, length(v) - 2) / 1000
      if (v ~ /ms$/) return substr(v, 1, length(v) - 2) + 0
      if (v ~ /m$/) return substr(v, 1, length(v) - 1) * 60000
      if (v ~ /s$/) return substr(v, 1, length(v) - 1) * 1000
      return v + 0
    }
    $1 == "50%" { p50 = ms($2) }
    $1 == "99%" { p99 = ms($2) }
    /requests in/ { n = $1 }
    /^Requests\/sec:/ { rps = $2 }
    /Non-2xx or 3xx responses:/ { bad = $NF }
    /Socket errors:/ { gsub(/,/, ""); errs = $4 + $6 + $8 + $10 }
    END { printf "%.0f %.2f %.2f %d %d %d\n", rps, p50, p99, n, bad, errs }'
}

# CPU time (user + system, in clock ticks) of a process, its threads and its children (nginx's
# worker is a child of its master)
cpu_ticks() {
  local p files=("/proc/$1/stat")
  for p in $(pgrep -P "$1" || true); do files+=("/proc/$p/stat"); done
  # after "pid (comm) ", utime and stime are the 12th and 13th fields
  awk '{ sub(/^.*\) /, ""); t += $12 + $13 } END { print t + 0 }' "${files[@]}"
}

# write_nginx_conf DIR PORT WORKERS CSP: writes DIR/nginx.conf for `nginx -c DIR/nginx.conf -p
# DIR` (root DIR/root, temporary files in DIR/tmp, pid and error log in DIR): nginx serving the
# files on loopback with the security headers tsunagu sends, so that its answers are about the
# size of tsunagu's.
write_nginx_conf() {
  local dir=$1 port=$2 workers=$3 csp=$4
  cat >"$dir/nginx.conf" <<CONF
daemon off;
worker_processes $workers;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $dir/tmp; proxy_temp_path $dir/tmp;
  fastcgi_temp_path $dir/tmp; uwsgi_temp_path $dir/tmp; scgi_temp_path $dir/tmp;
  server {
    listen 127.0.0.1:$port;
    root $dir/root;
    default_type "application/json; charset=utf-8";
    etag off;
    add_header Cache-Control no-store;
    add_header X-Content-Type-Options nosniff;
    add_header Referrer-Policy no-referrer;
    add_header X-Frame-Options DENY;
    add_header Content-Security-Policy "$csp";
    add_header Cross-Origin-Opener-Policy same-origin;
    add_header Cross-Origin-Resource-Policy same-origin;
  }
}
CONF
}
