# SPDX-License-Identifier: Apache-2.0
# Sourced by bench/api.sh and bench/floor.sh: nginx serving a directory's files on loopback with
# the security headers tsunagu sends, so that its answers are about the size of tsunagu's.
#
# write_nginx_conf DIR PORT WORKERS CSP: writes DIR/nginx.conf (root DIR/root, temporary files in
# DIR/tmp, pid and error log in DIR) for `nginx -c DIR/nginx.conf -p DIR`.
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
