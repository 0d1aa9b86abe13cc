# Hostile strings in every output format: labels, a group name, file paths and
# packet payloads (evidence) that are markup, formulas, terminal escape
# sequences or invalid UTF-8 (tests/hostile.py makes them). Each format must
# show them, escaped for where they land.
. "$(dirname "$0")/../lib.sh"
check_py="$HONEYSCOPE_ROOT/tests/cli/formats_check.py"
w="$TEST_WORK/hostile"
rm -rf "$w"
mkdir -p "$w/in"

list=$(python3 "$HONEYSCOPE_ROOT/tests/hostile.py" "$w/in") || {
    fail hostile_inputs "tests/hostile.py failed"
    exit 0
}
# Relative names, so that a path starts with '=' as given; the group's name starts with '-'.
for f in text json csv html; do
    (cd "$w/in" && "$HS" report --quiet --sensor 192.0.2.10/32 --group="-cmd=$list" \
        --group any --format $f =* '<script>alert(1)<'/script*) >"$w/report.$f" 2>"$w/$f.err"
    expect_eq "hostile_${f}_exit" "$?" 0
    python3 "$check_py" hostile "hostile_$f" $f "$w/report.$f"
done
python3 "$check_py" html hostile_html "$w/report.html" 2 --hostile

# The same under --mask: still escaped, and the sensor hidden. The hostile
# values are the sensor's own requests: --mask-keep-evidence shows them.
(cd "$w/in" && "$HS" report --quiet --sensor 192.0.2.10/32 --group="-cmd=$list" --mask \
    --mask-keep-evidence --format html =* '<script>alert(1)<'/script*) >"$w/masked.html" 2>"$w/masked.err"
expect_eq hostile_masked_exit "$?" 0
python3 "$check_py" hostile hostile_masked html "$w/masked.html"
check hostile_masked_no_sensor sh -c "! grep -q '192\\.0\\.2\\.10' '$w/masked.html'"
