#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# usage: scripts/quietly.sh WHAT COMMAND [ARGS...]
# Runs COMMAND with its output held back: nothing is shown when it succeeds; when it fails, its
# whole output and one line saying what failed, so `make run` stays quiet but never hides why.
set -uo pipefail
what=$1
shift
log=$(mktemp)
trap 'rm -f "$log"' EXIT
"$@" >"$log" 2>&1
rc=$?
if [ $rc -ne 0 ]; then
  cat "$log" >&2
  echo "make: $what failed (exit $rc): $*" >&2
fi
exit $rc
