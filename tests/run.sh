#!/bin/sh
# SPDX-License-Identifier: ISC
# Run every unit test binary and every integration test against the build
# in $1, then print one "N passed, N failed, N skipped" line.  Each test's
# own output is shown; a failing test does not stop the others.  A test
# that cannot run here (data that is not part of the repository) exits 77
# after a line "SKIP: reason"; it is counted apart, never as a pass, and
# the reasons close the summary line.
set -u
B=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
export REGIOMON_BUILD="$top/$B"
export REGIOMON_TOP="$top"
PY=/usr/bin/python3

pass=0
fail=0
skip=0
failed=""
reasons=""
out=$(mktemp)
rcf=$(mktemp)
trap 'rm -f "$out" "$rcf"' EXIT

run() {
	name=$1
	shift
	echo "== $name"
	{ "$@"; echo $? >"$rcf"; } 2>&1 | tee "$out"
	rc=$(cat "$rcf")
	if [ "$rc" -eq 0 ]; then
		pass=$((pass + 1))
	elif [ "$rc" -eq 77 ] && grep -q '^SKIP: ' "$out"; then
		skip=$((skip + 1))
		why=$(sed -n 's/^SKIP: //p' "$out" | head -1)
		reasons="${reasons:+$reasons; }$why"
		echo "SKIPPED: $name ($why)"
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
summary="$pass passed, $fail failed, $skip skipped"
[ -n "$reasons" ] && summary="$summary ($reasons)"
echo "$summary"
[ "$fail" -eq 0 ]
