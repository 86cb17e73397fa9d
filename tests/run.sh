#!/bin/sh
# SPDX-License-Identifier: ISC
# Run every unit test binary and every integration test against the build
# in $1, then print one "N passed, N failed" line.  Each test's own output
# is shown; a failing test does not stop the others.
set -u
B=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
export REGIOMON_BUILD="$top/$B"
export REGIOMON_TOP="$top"
PY=/usr/bin/python3

pass=0
fail=0
failed=""

run() {
	name=$1
	shift
	echo "== $name"
	if "$@"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		failed="$failed $name"
		echo "FAILED: $name"
	fi
}

for t in "$B"/tests/unit/test_*; do
	[ -x "$t" ] || continue
	run "unit/$(basename "$t")" "$t"
done
for t in "$B"/tests/fuzz/replay_*; do
	[ -x "$t" ] || continue
	name=${t##*/replay_}
	run "fuzz-replay/$name" "$t" "tests/fuzz/corpus/$name"
done
for t in tests/integration/test_*.py; do
	[ -f "$t" ] || continue
	[ -n "${ONLY:-}" ] && case "$t" in *"$ONLY"*) ;; *) continue ;; esac
	run "integration/$(basename "$t")" "$PY" "$t"
done
for t in tests/integration/test_*.sh; do
	[ -f "$t" ] || continue
	run "integration/$(basename "$t")" sh "$t"
done

echo
[ -n "$failed" ] && echo "failed:$failed"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
