# Replays the committed fuzz corpora (tests/fuzz/corpus/<target>/) through the
# replay drivers that `make tests` builds in $BUILD/fuzz-replay, so every
# build, plain or ASan+UBSan, checks each seed and every past find: one line
# per target.
. "$(dirname "$0")/../lib.sh"
w="$TEST_WORK/fuzz-replay"
mkdir -p "$w"
found=0
for dir in "$HONEYSCOPE_ROOT"/tests/fuzz/corpus/*/; do
    [ -d "$dir" ] || continue
    target=$(basename "$dir")
    found=1
    bin="$BUILD/fuzz-replay/$target"
    if [ ! -x "$bin" ]; then
        fail "fuzz_replay_$target" "$bin is missing (make fuzz-replay-bins)"
        continue
    fi
    "$bin" "$dir" >"$w/$target.out" 2>"$w/$target.err"
    status=$?
    inputs=$(sed -n 's/^replayed \([0-9]*\) inputs$/\1/p' "$w/$target.out")
    if [ "$status" -ne 0 ]; then
        fail "fuzz_replay_$target" "exit status $status: $(grep -m 1 -E 'ERROR|runtime error|invariant|replay:' "$w/$target.err")"
    elif grep -q -E 'Sanitizer|runtime error' "$w/$target.err"; then
        fail "fuzz_replay_$target" "$(grep -m 1 -E 'Sanitizer|runtime error' "$w/$target.err")"
    elif [ -z "$inputs" ] || [ "$inputs" -eq 0 ]; then
        fail "fuzz_replay_$target" "no input replayed"
    else
        pass "fuzz_replay_$target ($inputs inputs)"
    fi
done
[ "$found" -eq 1 ] || fail fuzz_replay "no corpus under tests/fuzz/corpus"
