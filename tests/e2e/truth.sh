# End to end: generated scenarios through the whole pipeline, the JSON
# report compared field by field with the generator's ground truth.
. "$(dirname "$0")/../lib.sh"

seed=$(scenario seed 1) || { fail seed_scenario "generator failed"; exit 0; }
"$HS" report --quiet --sensor 192.0.2.10/32 --group aws="$HONEYSCOPE_ROOT/scenarios/aws-2009.txt" \
    --group any --from 2008-02-01 --to 2009-12-11 --format json "$seed"/honeypot-* \
    >"$seed/report.json" 2>"$seed/report.err"
expect_eq seed_exit "$?" 0
python3 "$HONEYSCOPE_ROOT/tests/e2e/compare_truth.py" "$seed/truth.json" "$seed/report.json" seed

# The group file the generator wrote beside the captures is the bundled list.
check seed_group_file_matches cmp -s "$seed/groups/aws-2009.txt" "$HONEYSCOPE_ROOT/scenarios/aws-2009.txt"

# Without --sensor the sensor is detected, and the report is the same.
"$HS" report --quiet --group aws="$HONEYSCOPE_ROOT/scenarios/aws-2009.txt" --group any \
    --from 2008-02-01 --to 2009-12-11 --format json "$seed"/honeypot-* >"$seed/detected.json" 2>&1
expect_eq seed_sensor_detected "$(jq -r '.sensor | join(",")' "$seed/detected.json")" "192.0.2.10/32"
expect_eq seed_detected_same_groups "$(jq -c .groups "$seed/detected.json" | cksum)" \
    "$(jq -c .groups "$seed/report.json" | cksum)"

# Hour bins in another zone re-cut the same traffic: totals unchanged, day
# sums of the hours equal the day bins of the same zone.
"$HS" report --quiet --sensor 192.0.2.10/32 --group any --bin hour --tz +09:00 \
    --format json "$seed"/honeypot-2009-0[34]* >"$seed/hours.json"
"$HS" report --quiet --sensor 192.0.2.10/32 --group any --bin day --tz +09:00 \
    --format json "$seed"/honeypot-2009-0[34]* >"$seed/days.json"
hours=$(jq -c '[.groups[0].series[] | {d: .bin[0:10], p: .packets_in}] | group_by(.d)
    | map({bin: .[0].d, p: (map(.p) | add)}) | map(select(.p > 0))' "$seed/hours.json")
days=$(jq -c '[.groups[0].series[] | {bin, p: .packets_in}] | map(select(.p > 0))' "$seed/days.json")
expect_eq seed_hours_sum_to_days "$hours" "$days"
check seed_hour_bin_name sh -c "jq -r '.groups[0].series[0].bin' '$seed/hours.json' \
    | grep -Eq '^2009-03-0[12]T[0-9]{2}:00[+]09:00\$'"

# --metric bytes: shares are of bytes.
"$HS" report --quiet --sensor 192.0.2.10/32 --group aws="$HONEYSCOPE_ROOT/scenarios/aws-2009.txt" \
    --metric bytes --format json "$seed"/honeypot-2009-* >"$seed/bytes.json"
check seed_metric_bytes_shares sh -c "jq -e '.groups[0] as \$g | [\$g.ports_in[]
    | (.share - 100 * .bytes / \$g.totals.bytes_in) | fabs < 1e-6] | all' '$seed/bytes.json'"

basic=$(scenario basic 1) || { fail basic_scenario "generator failed"; exit 0; }
set -- "$basic"/*.pcap*
"$HS" report --quiet --sensor 192.0.2.10/32 --sensor 2001:db8::10/128 \
    --group basic="$basic/groups/basic.txt" --group any --format json "$@" \
    >"$basic/report.json" 2>"$basic/report.err"
status=$?
# The basic scenario holds one deliberately truncated record, not a cut file.
expect_eq basic_exit "$status" 0
python3 "$HONEYSCOPE_ROOT/tests/e2e/compare_truth.py" "$basic/truth.json" "$basic/report.json" basic
