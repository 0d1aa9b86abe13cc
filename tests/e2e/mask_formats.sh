# --mask is decided once, in the report's view (src/report/publish.c), and
# holds in every format: text, JSON, CSV and HTML of one capture crafted to
# break it. tests/mask_formats_pcap.py writes two sensors talking with each
# other, remotes whose addresses carry a sensor's (6to4, NAT64, IPv4-mapped,
# reversed bytes), a backscatter victim spelling it, and tests/mask_capture.py's
# evidence, which writes it in every form into DNS names, URLs, SMTP and TLS.
# No written form of a sensor address may be in a masked report; each must be
# in the unmasked one, so the check can fail.
. "$(dirname "$0")/../lib.sh"
chk="$HONEYSCOPE_ROOT/tests/e2e/mask_check.py"
w="$TEST_WORK/mask_formats"
rm -rf "$w"
mkdir -p "$w"

cap="$w/capture.pcap"
python3 "$HONEYSCOPE_ROOT/tests/mask_formats_pcap.py" "$cap" \
    >"$w/forms" || {
    fail mask_formats_capture "tests/mask_formats_pcap.py failed"
    exit 0
}
S="--sensor 192.0.2.10/32 --sensor 2001:db8:0:1::10/128 --sensor 192.0.2.20/32"

# A group whose prefix spells the sensor too: 2002:c000:20a::/48 is 6to4 for 192.0.2.10.
printf '2002:c000:20a::/48 tunnel\n' >"$w/tunnel.txt"

# What the sensors sent themselves is shown by --mask-keep-evidence: their host name then.
grep -vx honeypot.example "$w/forms" >"$w/addr-forms"

report() { # name [options...]: every format into $w/name.FORMAT
    name=$1
    shift
    for f in text json csv html; do
        "$HS" report --quiet --format $f --group any --group tunnel="$w/tunnel.txt" --top all "$@" \
            >"$w/$name.$f" 2>"$w/$name.$f.err" || return 1
    done
}

# shellcheck disable=SC2086
report plain $S "$cap"
expect_eq mask_formats_plain_exit "$?" 0
# shellcheck disable=SC2086
report masked --mask $S "$cap"
expect_eq mask_formats_masked_exit "$?" 0
# shellcheck disable=SC2086
report keep --mask --mask-keep-evidence $S "$cap"
expect_eq mask_formats_keep_exit "$?" 0
# shellcheck disable=SC2086
"$HS" ingest -q --db "$w/s.db" $S "$cap" 2>"$w/ingest.err"
expect_eq mask_formats_ingest_exit "$?" 0
report db --mask --db "$w/s.db"
expect_eq mask_formats_db_exit "$?" 0
for f in text json csv html; do
    check "mask_formats_plain_${f}_names_the_sensors" python3 "$chk" present "$w/forms" "$w/plain.$f"
    check "mask_formats_${f}_no_sensor_form" python3 "$chk" absent "$w/forms" "$w/masked.$f"
    check "mask_formats_keep_${f}_no_sensor_form" python3 "$chk" absent "$w/addr-forms" "$w/keep.$f"
    check "mask_formats_db_${f}_no_sensor_form" python3 "$chk" absent "$w/forms" "$w/db.$f"
done

# The remotes that spell a sensor are still there, as "[sensor]": the top
# sources list each of the five, and the attack keeps its victim.
expect_eq mask_formats_json_remotes_redacted "$(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
g = r["groups"][0]
print(sum(1 for t in g["sources"]["top"] if t["address"] == "[sensor]"),
      [a["victim"] for a in g["attacks"]])' "$w/masked.json")" "5 ['[sensor]']"
check mask_formats_json_prefix_redacted grep -qF '"prefix": "[sensor]/48"' "$w/masked.json"
check mask_formats_json_prefix_plain grep -qF '"prefix": "2002:c000:20a::/48"' "$w/plain.json"
# "[sensor]" where an address or a prefix was is what docs/report.schema.json allows.
if python3 -c 'import jsonschema' 2>/dev/null; then
    check mask_formats_json_schema python3 "$HONEYSCOPE_ROOT/tests/e2e/schema_check.py" strict \
        "$HONEYSCOPE_ROOT/docs/report.schema.json" "$w/masked.json" "$w/keep.json" "$w/db.json"
else
    skip mask_formats_json_schema "python3-jsonschema is not installed (scripts/deps.sh check)"
fi
