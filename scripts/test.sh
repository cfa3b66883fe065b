#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs every test suite against the build in $1 (the sanitizer build for `make test`) and ends
# with one line counting everything: "N passed, N failed". $2: the meson options of the `make run`
# build, whose packages are checked against `scripts/deps.sh build`.
# TEST_SEED=N replays one shuffled order of the API tests (default: a random seed, printed);
# TEST_CLOCK_SHIFT_DAYS=N runs the API tests' servers N days ahead (the test build honours it).
set -uo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-asan}
run_setup=${2:---buildtype=release -Dtests=disabled}
export ASAN_OPTIONS=halt_on_error=1:abort_on_error=1:detect_leaks=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export TSUNAGU_BIN="$PWD/$build/tsunagu"
logs=$(mktemp -d)
passed=0
failed=0

count() { # count FILE REGEX → the number in the first line matching REGEX (or 0)
  local n
  n=$(grep -Eo "$2" "$1" | tail -n 1 | grep -Eo '[0-9]+' | head -n 1)
  echo "${n:-0}"
}

echo "== C formatting (clang-format, .clang-format)"
unformatted=$(git ls-files 'src/*.c' 'src/*.h' 'tests/unit/*.c' 'tests/unit/*.h' 'tests/fuzz/*.c' |
  while read -r f; do clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || echo "$f"; done)
if [ -z "$unformatted" ]; then
  echo "all C sources formatted"; passed=$((passed + 1))
else
  echo "not formatted (run clang-format -i):"; echo "$unformatted"; failed=$((failed + 1))
fi

echo "== the make run build needs only scripts/deps.sh build"
# shellcheck disable=SC2086  # the options are words
if /usr/bin/python3 scripts/check_run_deps.py $run_setup >"$logs/run-deps.txt" 2>&1; then
  passed=$((passed + 1))
else
  failed=$((failed + 1))
fi
cat "$logs/run-deps.txt"

echo "== SQL: portable outside src/store/, each table written by its owner (scripts/check_sql.py)"
if /usr/bin/python3 scripts/check_sql.py --self-test && /usr/bin/python3 scripts/check_sql.py; then
  passed=$((passed + 1))
else
  failed=$((failed + 1))
fi

echo "== unit and fuzz-corpus replay (meson test)"
meson test -C "$build" --print-errorlogs >"$logs/meson.txt" 2>&1
rc=$?
tail -n 12 "$logs/meson.txt"
p=$(count "$logs/meson.txt" '^Ok: +[0-9]+')
f=$(( $(count "$logs/meson.txt" '^Fail: +[0-9]+') + $(count "$logs/meson.txt" '^Timeout: +[0-9]+') ))
[ $rc -ne 0 ] && [ "$f" -eq 0 ] && f=1
passed=$((passed + p)); failed=$((failed + f))

echo "== API tests (pytest, real server)"
api_args=(--route-hits "$logs/routes.jsonl")
[ -n "${TEST_SEED:-}" ] && api_args+=(--shuffle-seed "$TEST_SEED")
[ -n "${TEST_CLOCK_SHIFT_DAYS:-}" ] && api_args+=(--clock-shift-days "$TEST_CLOCK_SHIFT_DAYS")
/usr/bin/python3 -m pytest tests/api -q -p no:cacheprovider "${api_args[@]}" >"$logs/api.txt" 2>&1
rc=$?
tail -n 25 "$logs/api.txt"
p=$(count "$logs/api.txt" '[0-9]+ passed')
f=$(( $(count "$logs/api.txt" '[0-9]+ failed') + $(count "$logs/api.txt" '[0-9]+ errors?') ))
[ $rc -ne 0 ] && [ "$f" -eq 0 ] && f=1
passed=$((passed + p)); failed=$((failed + f))

echo "== route coverage of the API tests (routes.def)"
if [ -s "$logs/routes.jsonl" ] && /usr/bin/python3 scripts/check_routes.py "$logs/routes.jsonl"; then
  passed=$((passed + 1))
else
  [ -s "$logs/routes.jsonl" ] || echo "the API tests logged no requests"
  failed=$((failed + 1))
fi

echo "== browser tests (Playwright + Chromium)"
tests/e2e/run.sh >"$logs/e2e.txt" 2>&1
rc=$?
grep -E '^not ok|^# (pass|fail)' "$logs/e2e.txt" || tail -n 30 "$logs/e2e.txt"
# a failing subtest's own report (its assertion and where), then the end of the output
[ $rc -ne 0 ] && grep -E -A 40 '^ +not ok' "$logs/e2e.txt" | head -n 200
[ $rc -ne 0 ] && tail -n 60 "$logs/e2e.txt"
p=$(count "$logs/e2e.txt" '^# pass [0-9]+')
f=$(count "$logs/e2e.txt" '^# fail [0-9]+')
[ $rc -ne 0 ] && [ "$f" -eq 0 ] && f=1
passed=$((passed + p)); failed=$((failed + f))

rm -rf "$logs"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
