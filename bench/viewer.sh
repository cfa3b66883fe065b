#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The image viewer's first-image benchmark (issue 15, target < 1 s on loopback): a CT study of 100
# slices (pydicom's CT_small with new UIDs, stored through STOW-RS), opened BENCH_ROUNDS times in
# headless Chromium by a clinic physician; the time from setting the viewer's hash to the first
# image drawn (Cornerstone's IMAGE_RENDERED), cold (a new browser context: the viewer's code is
# fetched too) and warm (opened again in the same page). Prints the median and p95 of each.
#
# usage: bench/viewer.sh [path/to/tsunagu]
# environment (defaults in brackets): BENCH_ROUNDS [20], BENCH_SLICES [100],
#   TSUNAGU_CHROMIUM [/usr/bin/chromium]. Needs node, web/node_modules and a built web/dist
#   (npm --prefix web ci && npm --prefix web run build), /usr/bin/python3 with pydicom.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
bin=${1:-$repo/build/tsunagu}
[ -x "$bin" ] || { echo "viewer.sh: no tsunagu binary at $bin" >&2; exit 2; }
[ -f "$repo/web/dist/index.html" ] || { echo "viewer.sh: build the web UI first (npm --prefix web run build)" >&2; exit 2; }
TSUNAGU_BIN=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin") exec node "$here/viewer_bench.mjs"
