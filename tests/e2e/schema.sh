# The JSON output against its JSON Schemas (docs/report.schema.json,
# docs/lookup.schema.json; draft 2020-12, python3-jsonschema): reports of the
# seed scenario with every section (groups of prefixes, of ASes and of every
# address, routing, AS names, --compare, --mask, hourly bins, a store,
# --new-only, --compare previous), of backscatter, of
# the real captures in ../shared/data/captures (sensor detected, a damaged,
# a repeated and an unsupported-link file), of overlapping captures, and
# lookup's answers. Each must
# be valid; valid with every object closed (a field the schema does not
# describe fails); and together they must fill every field the schema
# describes. Broken documents must fail, so the check can fail.
. "$(dirname "$0")/../lib.sh"
chk="$HONEYSCOPE_ROOT/tests/e2e/schema_check.py"
rs="$HONEYSCOPE_ROOT/docs/report.schema.json"
ls="$HONEYSCOPE_ROOT/docs/lookup.schema.json"
w="$TEST_WORK/schema"
rm -rf "$w"
mkdir -p "$w/r" "$w/l"
if ! python3 -c 'import jsonschema' 2>/dev/null; then
    skip schema "python3-jsonschema is not installed (scripts/deps.sh check)"
    exit 0
fi
check schema_report_is_2020_12 python3 "$chk" check-schema "$rs"
check schema_lookup_is_2020_12 python3 "$chk" check-schema "$ls"

dir=$(scenario seed 1) || {
    fail schema_scenario "the seed scenario could not be generated"
    exit 0
}
aws="$HONEYSCOPE_ROOT/scenarios/aws-2009.txt"
printf '; Original file : rib\n67.202.0.0/18\t14618\n72.44.32.0/19\t14618\n75.101.128.0/17\t14618\n174.129.0.0/16\t14618\n' >"$w/rib2008.dat"
printf '14618 AMAZON-AES - Amazon.com, Inc., US\n' >"$w/names.txt"
set -- --quiet --format json --sensor 192.0.2.10/32 --group aws="$aws" --group amazon=AS14618 \
    --group any --pfx2as "$w/rib2008.dat@2008-05-01" --asnames "$w/names.txt"
period="--from 2009-02-01 --to 2009-12-11 --compare 2008-02-01..2008-12-11"
mmdb="$SHARED/prefixes/GeoLite2-ASN-Test.mmdb"
[ -f "$mmdb" ] && set -- "$@" --mmdb "$mmdb"

# shellcheck disable=SC2086
"$HS" report "$@" $period --by label "$dir"/honeypot-* >"$w/r/compare.json" 2>"$w/err"
expect_eq schema_compare_exit "$?" 0
# shellcheck disable=SC2086
"$HS" report "$@" $period --mask --by asn "$dir"/honeypot-* >"$w/r/mask.json" 2>"$w/err"
expect_eq schema_mask_exit "$?" 0
# shellcheck disable=SC2086
"$HS" report "$@" $period --mask --mask-keep-evidence --metric flows --top 5 \
    "$dir"/honeypot-* >"$w/r/mask-keep.json" 2>"$w/err"
expect_eq schema_mask_keep_exit "$?" 0
"$HS" report "$@" --bin hour --tz +09:00 --metric bytes --top all --from 2009-03-17 --to 2009-03-20 \
    "$dir"/honeypot-2009-03.pcap >"$w/r/hour.json" 2>"$w/err"
expect_eq schema_hour_exit "$?" 0
"$HS" ingest --quiet --db "$w/s.db" --sensor 192.0.2.10/32 "$dir"/honeypot-2009-0[1-4]* 2>"$w/err"
"$HS" report --quiet --format json --db "$w/s.db" --group aws="$aws" >"$w/r/store.json" 2>"$w/err"
expect_eq schema_store_exit "$?" 0
"$HS" report --quiet --format json --db "$w/s.db" --group aws="$aws" --new-only \
    --from 2009-03-01 --to 2009-04-30 >"$w/r/store-new.json" 2>"$w/err"
expect_eq schema_store_new_only_exit "$?" 0
"$HS" report --quiet --format json --db "$w/s.db" --group aws="$aws" \
    --from 2009-03-01 --to 2009-04-30 --compare previous >"$w/r/store-previous.json" 2>"$w/err"
expect_eq schema_store_previous_exit "$?" 0
check schema_hour_bins_named grep -q '"bin": "2009-03-18T09:00+09:00"' "$w/r/hour.json"
# A store holding a live capture (ingest --live, docs/live.md): its rows as
# a commit leaves them, made here from a file's rows (capturing needs root).
cp "$w/s.db" "$w/live.db"
sqlite3 "$w/live.db" "PRAGMA foreign_keys = ON;
    UPDATE capture_file SET path = 'live:eth1@2009-01-01T00:00:00Z', format = 'live'
      WHERE id = (SELECT min(id) FROM capture_file);
    INSERT INTO live_capture VALUES ((SELECT min(id) FROM capture_file), 'eth1', 'not port 22',
      '2009-01-01T00:00:00Z', '2009-01-31T23:59:00Z', 2, NULL);
    INSERT INTO live_commit VALUES ((SELECT min(id) FROM capture_file), 1, '2009-01-01T00:00:00Z',
      0, 0, 0), ((SELECT min(id) FROM capture_file), 2, '2009-01-31T23:59:00Z', 1000, 5, 1);"
"$HS" report --quiet --format json --db "$w/live.db" --group aws="$aws" >"$w/r/store-live.json" 2>"$w/err"
expect_eq schema_store_live_exit "$?" 0
expect_eq schema_store_live_drops "$(jq -c '.inputs.live' "$w/r/store-live.json")" \
    '{"captures":1,"kernel_drops":5,"interface_drops":1}'

# A capture of a link type honeyscope does not decode (IEEE 802.11, 105),
# a cut one, one that is no capture, and one named twice.
python3 - "$w/wifi.pcap" <<'PY'
import struct, sys
with open(sys.argv[1], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 105))
    f.write(struct.pack("<IIII", 1233446400, 0, 24, 24) + bytes(24))
PY
head -c 100 "$dir/honeypot-2009-02.pcap" >"$w/cut.pcap"
echo 'not a capture' >"$w/text.pcap"
"$HS" report --quiet --format json --sensor 192.0.2.10/32 "$w/wifi.pcap" "$w/cut.pcap" \
    "$w/text.pcap" "$dir/honeypot-2009-02.pcap" "$dir/honeypot-2009-02.pcap" \
    >"$w/r/inputs.json" 2>"$w/err"
expect_eq schema_inputs_exit "$?" 1
check schema_inputs_unsupported_link grep -q '"link_name": "IEEE802_11"' "$w/r/inputs.json"
# Captures holding the same packets (tests/e2e/overlap_pcap.py), the later skipped.
mkdir -p "$w/overlap"
python3 "$HONEYSCOPE_ROOT/tests/e2e/overlap_pcap.py" "$w/overlap" >/dev/null
"$HS" report --quiet --format json --sensor 192.0.2.10/32 --skip-overlapping "$w/overlap/a.pcap" \
    "$w/overlap/b.pcap" >"$w/r/overlap.json" 2>"$w/err"
expect_eq schema_overlap_exit "$?" 0

# Every scanning tool's probes (tests/scanners_pcap.py), plain and masked.
python3 "$HONEYSCOPE_ROOT/tests/scanners_pcap.py" "$w/scanners.pcap"
"$HS" report --quiet --format json --sensor 192.0.2.10/32 "$w/scanners.pcap" \
    >"$w/r/scanners.json" 2>"$w/err"
expect_eq schema_scanners_exit "$?" 0
"$HS" report --quiet --format json --mask --sensor 192.0.2.10/32 "$w/scanners.pcap" \
    >"$w/r/scanners-mask.json" 2>"$w/err"
expect_eq schema_scanners_mask_exit "$?" 0

# Backscatter and its attack records (tests/backscatter_pcap.py), plain and masked.
python3 "$HONEYSCOPE_ROOT/tests/backscatter_pcap.py" "$w/backscatter.pcap"
for m in "" --mask; do
    "$HS" report --quiet --format json $m --sensor 192.0.2.10/32 "$w/backscatter.pcap" \
        >"$w/r/backscatter$m.json" 2>"$w/err"
    expect_eq "schema_backscatter${m}_exit" "$?" 0
done
# Beside the same a day later: the attacks compared.
python3 "$HONEYSCOPE_ROOT/tests/backscatter_pcap.py" "$w/backscatter-day2.pcap" 1
"$HS" report --quiet --format json --sensor 192.0.2.10/32 --from 2009-02-02 --to 2009-02-02 \
    --compare 2009-02-01..2009-02-01 "$w/backscatter.pcap" "$w/backscatter-day2.pcap" \
    >"$w/r/backscatter-compare.json" 2>"$w/err"
expect_eq schema_backscatter_compare_exit "$?" 0
python3 "$HONEYSCOPE_ROOT/tests/spoofing_pcap.py" "$w/spoofing.pcap"
"$HS" report --quiet --format json --sensor 192.0.2.10/32 "$w/spoofing.pcap" \
    >"$w/r/spoofing.json" 2>"$w/err"
expect_eq schema_spoofing_exit "$?" 0
python3 "$HONEYSCOPE_ROOT/tests/spoofing_pcap.py" "$w/day2.pcap" 1
"$HS" report --quiet --format json --sensor 192.0.2.10/32 --from 2009-02-02 --to 2009-02-02 \
    --compare 2009-02-01..2009-02-01 "$w/scanners.pcap" "$w/day2.pcap" >"$w/r/scanners-compare.json" \
    2>"$w/err"
expect_eq schema_scanners_compare_exit "$?" 0

# Each real capture alone (the sensor detected), then beside its own period.
caps=$(find "$SHARED/captures" -name '*.pcap*' -type f 2>/dev/null | sort)
n=0 detected=0 bad_exit=
for c in $caps; do
    n=$((n + 1))
    "$HS" report --quiet --format json --group any "$c" >"$w/r/cap$n.json" 2>"$w/err"
    status=$?
    [ "$status" -le 1 ] || bad_exit="$bad_exit $c:$status"
    span=$(jq -r '"\(.options.from)..\(.options.to)"' "$w/r/cap$n.json" 2>/dev/null)
    case "$span" in
    null* | *null | "") continue ;;
    esac
    detected=$((detected + 1))
    "$HS" report --quiet --format json --group any --compare "$span" "$c" \
        >"$w/r/cap$n-compare.json" 2>"$w/err"
done
if [ "$n" -gt 0 ]; then
    expect_eq schema_captures_exits "${bad_exit:-none}" none
    check schema_captures_some_detected [ "$detected" -gt 0 ]
else
    skip schema_captures "no captures in $SHARED/captures"
fi

python3 "$chk" tests "$rs" schema_report "$w"/r/*.json

# lookup: answers from lists, routing and names, and lines that are not addresses.
printf '10.0.0.0/8 Ten\n' >"$w/list.txt"
printf '174.129.5.5\nnot-an-address\n10.1.2.3\n2001:db8::1\n' |
    "$HS" lookup --format json --group lan="$w/list.txt" --group aws="$aws" --group amazon=AS14618 \
        --pfx2as "$w/rib2008.dat@2008-05-01" --asnames "$w/names.txt" --at 2009-06-01 - \
        >"$w/l/lookup.json" 2>"$w/err"
expect_eq schema_lookup_exit "$?" 1
"$HS" lookup --format json --group lan="$w/list.txt" 192.0.2.1 >"$w/l/lookup-bare.json" 2>"$w/err"
expect_eq schema_lookup_bare_exit "$?" 0
python3 "$chk" tests "$ls" schema "$w"/l/*.json
check schema_lookup_coverage python3 "$chk" coverage "$ls" "$w"/l/*.json

# Every field the report schema describes is filled by some report above;
# the mmdb and the detected sensor need ../shared/data.
if [ -f "$mmdb" ] && [ -n "$caps" ]; then
    if python3 "$chk" coverage "$rs" "$w"/r/*.json >"$w/coverage" 2>&1; then
        pass schema_report_coverage
    else
        fail schema_report_coverage "$(tr '\n' ' ' <"$w/coverage")"
    fi
else
    skip schema_report_coverage "no $mmdb or no captures in $SHARED/captures"
fi

# The checks fail on what they must refuse: a renamed field, a wrong type,
# a field the schema does not describe, a version the schema is not for.
mutate() { # name python-statement-on-d
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); exec(sys.argv[2]); json.dump(d,open(sys.argv[3],"w"))' \
        "$w/r/compare.json" "$2" "$w/bad-$1.json"
}
mutate renamed 'd["groups"][0]["serie"] = d["groups"][0].pop("series")'
mutate type 'd["groups"][0]["totals"]["packets_in"] = "12"'
mutate version 'd["version"] = 2'
mutate bin 'd["groups"][0]["series"][0]["bin"] = "1.2.2009"'
mutate versus 'del d["groups"][0]["versus"]["ratios"]["flows"]'
for n in renamed type version bin versus; do
    check "schema_refuses_$n" sh -c "! python3 '$chk' validate '$rs' '$w/bad-$n.json'"
done
mutate extra 'd["groups"][0]["bursts"]["extra"] = 1'
check schema_valid_with_extra python3 "$chk" validate "$rs" "$w/bad-extra.json"
check schema_strict_refuses_extra sh -c "! python3 '$chk' strict '$rs' '$w/bad-extra.json'"
