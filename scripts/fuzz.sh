#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs each libFuzzer target for a bounded time (FUZZ_SECONDS, default 60) from its seed corpus;
# new interesting inputs land in build-fuzz/corpus-<name>; crashes are kept as crash-* files.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-fuzz}
seconds=${FUZZ_SECONDS:-60}
for target in "$build"/tests/fuzz/fuzz_*; do
  [ -f "$target" ] && [ -x "$target" ] || continue # skip Meson's fuzz_*.p object folders
  name=$(basename "$target"); name=${name#fuzz_}
  work="$build/corpus-$name"; mkdir -p "$work"
  echo "== fuzz $name for ${seconds}s"
  "$target" -max_total_time="$seconds" -max_len=65536 -artifact_prefix="$build/crash-$name-" \
    "$work" "tests/fuzz/corpus/$name"
done
