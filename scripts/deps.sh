#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs the Debian packages tsunagu needs, only those missing. Idempotent, non-interactive.
# usage: scripts/deps.sh [--list] [build] [test] [bench] [fuzz]   (default: build)
#   --list  prints the packages of the groups, one per line, and installs nothing
#           (scripts/check_run_deps.py reads the build group from it)
set -euo pipefail

list=false
if [ "${1:-}" = "--list" ]; then list=true; shift; fi
groups=("$@")
[ ${#groups[@]} -gt 0 ] || groups=(build)

build=(meson ninja-build pkg-config gcc libc6-dev libmicrohttpd-dev libjansson-dev libsqlite3-dev
       libsodium-dev liboath-dev libqrencode-dev libutf8proc-dev libgnutls28-dev nettle-dev python3 nodejs npm
       libcairo2-dev libfreetype-dev fonts-ipaexfont-mincho zlib1g-dev
       libjpeg-dev libpng-dev libcharls-dev libopenjp2-7-dev libarchive-dev)
test=(libcmocka-dev python3-pytest python3-requests sqlite3 chromium openssl curl clang-format git
      poppler-utils fonts-noto-cjk python3-pydicom dcmtk)
# libssl-dev: h2o's headers include OpenSSL's, which libh2o-evloop-dev does not depend on
bench=(wrk nginx-light hyperfine curl sqlite3 orthanc orthanc-dicomweb dcmtk python3-pydicom
       python3-requests libh2o-evloop-dev libssl-dev)
fuzz=(clang libclang-rt-14-dev)

want=()
for g in "${groups[@]}"; do
  case "$g" in
    build) want+=("${build[@]}") ;;
    test) want+=("${build[@]}" "${test[@]}") ;;
    bench) want+=("${build[@]}" "${bench[@]}") ;;
    fuzz) want+=("${build[@]}" "${fuzz[@]}") ;;
    *) echo "deps.sh: unknown group '$g' (build, test, bench, fuzz)" >&2; exit 2 ;;
  esac
done

if $list; then
  printf '%s\n' "${want[@]}" | sort -u
  exit 0
fi

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# Node.js may come from elsewhere than Debian on a developer machine; accept it if it runs.
if command -v node >/dev/null && command -v npm >/dev/null; then
  missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}")
fi
filtered=()
for p in "${missing[@]}"; do [ -n "$p" ] && filtered+=("$p"); done
[ ${#filtered[@]} -eq 0 ] && exit 0

echo "deps.sh: installing ${filtered[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${filtered[@]}" >/dev/null
