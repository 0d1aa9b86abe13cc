# The HTML report in a real browser (headless Chromium): the DOM it builds has
# the group sections and their SVG charts and no script element; a hostile
# label stays text; a screenshot is kept as $BUILD/report.png to look at.
. "$(dirname "$0")/../lib.sh"
check_py="$HONEYSCOPE_ROOT/tests/cli/formats_check.py"
w="$TEST_WORK/browser"
mkdir -p "$w"

browser=$(command -v chromium || command -v chromium-browser) || {
    skip browser "chromium is not installed (scripts/deps.sh check installs it)"
    exit 0
}
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
# No network, no first-run dialogs, no background updates: the page must stand alone.
run_browser() {
    timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$profile" "$@" 2>>"$w/chromium.err"
}

seed=$(scenario seed 1) || { fail browser_scenario "generator failed"; exit 0; }
"$HS" report --quiet --sensor 192.0.2.10/32 --group aws="$HONEYSCOPE_ROOT/scenarios/aws-2009.txt" \
    --group any --from 2009-02-01 --to 2009-12-11 --compare 2008-02-01..2008-12-11 \
    --format html -o "$w/seed.html" "$seed"/honeypot-* 2>"$w/report.err"
expect_eq browser_report_exit "$?" 0

if ! run_browser --dump-dom "file://$w/seed.html" >"$w/seed.dom" || ! [ -s "$w/seed.dom" ]; then
    skip browser "chromium does not start here: $(tail -n 1 "$w/chromium.err")"
    exit 0
fi
python3 "$check_py" dom seed "$w/seed.dom" 2
bursts=$(grep -c 'class="bm"' "$w/seed.dom")
check browser_burst_marks test "$bursts" -gt 0
check browser_compare_line grep -q 'class="l-cin"' "$w/seed.dom"

rm -f "$BUILD/report.png"
run_browser --screenshot="$BUILD/report.png" --window-size=1280,4000 "file://$w/seed.html" \
    >/dev/null
check browser_screenshot python3 -c "
import sys
d = open('$BUILD/report.png', 'rb').read()
sys.exit(0 if d[:8] == b'\x89PNG\r\n\x1a\n' and len(d) > 50000 else 1)"

# A label that is markup: the browser's DOM holds it as text, not as an element.
h="$w/hostile"
rm -rf "$h"
list=$(python3 "$HONEYSCOPE_ROOT/tests/hostile.py" "$h") || { fail browser_hostile "hostile.py"; exit 0; }
(cd "$h" && "$HS" report --quiet --sensor 192.0.2.10/32 --group="-cmd=$list" --format html \
    =* '<script>alert(1)<'/script*) >"$w/hostile.html" 2>"$w/hostile.err"
expect_eq browser_hostile_exit "$?" 0
run_browser --dump-dom "file://$w/hostile.html" >"$w/hostile.dom"
python3 "$check_py" dom hostile "$w/hostile.dom" 1 --hostile
