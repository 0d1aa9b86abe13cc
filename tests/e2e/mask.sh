# --mask hides the sensor: no written form of a sensor address (dotted,
# bracketed, zero-padded, as an integer, reversed, in host names, IPv6 in
# every notation, in URLs) is left in any format, from captures or from the
# store, and what the sensor sent itself is only counted (docs/semantics.md,
# "Masking"). tests/mask_capture.py writes a capture carrying every form in
# every kind of evidence; the unmasked report must still show them all.
. "$(dirname "$0")/../lib.sh"
chk="$HONEYSCOPE_ROOT/tests/e2e/mask_check.py"
w="$TEST_WORK/mask"
rm -rf "$w"
mkdir -p "$w/in"

cap="$w/in/honeypot-192.0.2.10.pcap"
python3 "$HONEYSCOPE_ROOT/tests/mask_capture.py" "$cap" >"$w/forms" || {
    fail mask_capture "tests/mask_capture.py failed"
    exit 0
}
# Forms of the address alone, and the sensor's host name (only in what it sent).
grep -vx honeypot.example "$w/forms" >"$w/addr-forms"
echo honeypot.example >"$w/name"
# A group list whose name and labels spell the sensor too.
list="$w/in/peers-192.0.2.10.txt"
printf '198.51.100.0/24 peers of 192.0.2.10\n2001:db8:ffff::/48 peers of [2001:db8:0:1::10]\n' >"$list"
S="--sensor 192.0.2.10/32 --sensor 2001:db8:0:1::10/128"
G="--group peers=$list --group any"

report() { # name [options...]: every format into $w/name.FORMAT
    name=$1
    shift
    for f in text json csv html; do
        "$HS" report --quiet --format $f "$@" >"$w/$name.$f" 2>"$w/$name.err" || return 1
    done
}

# shellcheck disable=SC2086
report plain $S $G "$cap"
expect_eq mask_plain_exit "$?" 0
for f in text json csv html; do
    check "mask_plain_${f}_shows_every_form" python3 "$chk" present "$w/forms" "$w/plain.$f"
done

# shellcheck disable=SC2086
report masked --mask $S $G "$cap"
expect_eq mask_masked_exit "$?" 0
for f in text json csv html; do
    check "mask_${f}_no_sensor_form" python3 "$chk" absent "$w/forms" "$w/masked.$f"
    check "mask_${f}_no_sensor_prefix" sh -c "! grep -qiE '192\\.0\\.2\\.10/32|::10/128' '$w/masked.$f'"
    check "mask_${f}_redacts_in_place" grep -qF '[sensor]' "$w/masked.$f"
    check "mask_${f}_withholds_sensor_sent" grep -qF '[sent by the sensor: withheld]' "$w/masked.$f"
    # remote-sent evidence stays: the scanner's HELO and its near misses
    check "mask_${f}_keeps_remote_sent" grep -qF 'scanner.example' "$w/masked.$f"
    check "mask_${f}_keeps_near_miss_v4" grep -qF '192.0.2.100' "$w/masked.$f"
    check "mask_${f}_keeps_near_miss_v6" grep -qF '2001:db8:0:1::abcd' "$w/masked.$f"
done
# Redacted or withheld values are counted as before: every kind's shares still add up to 100.
check mask_shares_kept python3 "$chk" shares "$w/masked.csv"
check mask_plain_shares python3 "$chk" shares "$w/plain.csv"

# --mask-keep-evidence: what the sensor sent is shown, its addresses still hidden.
# shellcheck disable=SC2086
report keep --mask --mask-keep-evidence $S $G "$cap"
expect_eq mask_keep_exit "$?" 0
for f in text json csv html; do
    check "mask_keep_${f}_no_address_form" python3 "$chk" absent "$w/addr-forms" "$w/keep.$f"
    check "mask_keep_${f}_shows_sensor_sent" python3 "$chk" present "$w/name" "$w/keep.$f"
    check "mask_keep_${f}_nothing_withheld" sh -c "! grep -qF 'withheld]' '$w/keep.$f'"
done

# Wider sensor prefixes: every address inside them goes, the near misses included.
# shellcheck disable=SC2086
report wide --mask --mask-keep-evidence --sensor 192.0.2.0/24 --sensor 2001:db8:0:1::/64 $G "$cap"
expect_eq mask_wide_exit "$?" 0
for f in text json csv html; do
    check "mask_wide_${f}_no_address_form" python3 "$chk" absent "$w/addr-forms" "$w/wide.$f"
    check "mask_wide_${f}_near_misses_hidden" sh -c \
        "! grep -qiE '192\\.0\\.2\\.100|2001:db8:0:1::abcd' '$w/wide.$f'"
done

# A detected sensor: its explanation names it, and is hidden too.
# shellcheck disable=SC2086
report detected --mask $G "$cap"
expect_eq mask_detected_exit "$?" 0
for f in text json csv html; do
    check "mask_detected_${f}_no_sensor_form" python3 "$chk" absent "$w/forms" "$w/detected.$f"
done

# From the store: the same.
"$HS" ingest -q --db "$w/s.db" $S "$cap" 2>"$w/ingest.err"
expect_eq mask_ingest_exit "$?" 0
# shellcheck disable=SC2086
report db_plain --db "$w/s.db" $G
expect_eq mask_db_plain_exit "$?" 0
# shellcheck disable=SC2086
report db_masked --mask --db "$w/s.db" $G
expect_eq mask_db_masked_exit "$?" 0
for f in text json csv html; do
    check "mask_db_plain_${f}_shows_every_form" python3 "$chk" present "$w/forms" "$w/db_plain.$f"
    check "mask_db_${f}_no_sensor_form" python3 "$chk" absent "$w/forms" "$w/db_masked.$f"
done
check mask_db_equals_capture cmp "$w/masked.json" "$w/db_masked.json"
