#!/bin/sh
# Runs every test of the suite against the build in $BUILD (default: build)
# and prints each test's PASS/FAIL/SKIP line, then one closing line
# "N passed, N failed, N skipped". Exits 1 when any test failed.
#
# Unit tests are the programs $BUILD/tests/test_*; CLI and end-to-end tests
# are the scripts tests/cli/*.sh and tests/e2e/*.sh, which print the same
# lines. A program that crashes or prints nothing counts as one failure.
set -u
BUILD=${BUILD:-build}
export BUILD
export TZ=UTC LC_ALL=C
root=$(cd "$(dirname "$0")/.." && pwd)
export HONEYSCOPE_ROOT="$root"
work="$BUILD/test-work"
rm -rf "$work"
mkdir -p "$work"
export TEST_WORK="$root/$work"
case "$BUILD" in /*) export TEST_WORK="$work" ;; esac

passed=0 failed=0 skipped=0
run_one() { # name, command...
    name=$1
    shift
    out="$TEST_WORK/$(echo "$name" | tr '/' '_').out"
    "$@" >"$out" 2>"$out.err"
    status=$?
    cat "$out"
    p=$(grep -c '^PASS ' "$out")
    f=$(grep -c '^FAIL ' "$out")
    s=$(grep -c '^SKIP ' "$out")
    if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "FAIL $name: exited with status $status"
        sed 's/^/    /' "$out.err" | tail -n 20
        f=1
    elif [ "$f" -gt 0 ]; then
        sed 's/^/    /' "$out.err" | tail -n 20
    fi
    if [ $((p + f + s)) -eq 0 ]; then
        echo "FAIL $name: ran no test"
        f=1
    fi
    passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
}

for t in "$BUILD"/tests/test_*; do
    [ -x "$t" ] || continue
    run_one "$(basename "$t")" "$t"
done
for t in "$root"/tests/cli/*.sh "$root"/tests/e2e/*.sh; do
    [ -f "$t" ] || continue
    run_one "$(basename "$t" .sh)" sh "$t"
done

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
