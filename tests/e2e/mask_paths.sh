# --mask shows no local directories: prefix files, routing snapshots, the
# mmdb, AS names and the captures are named without the directories they
# were read from (which may name the analyst, the sensor or its owner), in
# every format, error messages included. Without --mask the paths stay.
. "$(dirname "$0")/../lib.sh"
dir=$(scenario seed 1) || { fail mask_paths_scenario "generator failed"; exit 0; }
w="$TEST_WORK/mask_paths"
rm -rf "$w"
secret="$w/home-alice.SECRETDIR/honeypot at ACME-SECRETCORP"
mkdir -p "$secret"
cp "$HONEYSCOPE_ROOT/scenarios/aws-2009.txt" "$secret/aws-2009.txt"
printf '; Original file : rib.20080501.0644.bz2\n67.202.0.0/18\t14618\n72.44.32.0/19\t14618\n' \
    >"$secret/rib-2008.dat"
printf '14618 AMAZON-AES - Amazon.com, Inc., US\n' >"$secret/names.txt"
cp "$dir/honeypot-2009-03.pcap" "$secret/march.pcap"
# A capture cut mid-record: its error message quotes its path.
head -c 5000 "$dir/honeypot-2009-04.pcap" >"$secret/april-cut.pcap"
set -- --sensor 192.0.2.10/32 --group aws="$secret/aws-2009.txt" --group amazon=14618 \
    --pfx2as "$secret/rib-2008.dat" --asnames "$secret/names.txt"
mmdb="$SHARED/prefixes/GeoLite2-ASN-Test.mmdb"
if [ -f "$mmdb" ]; then
    ln -s "$mmdb" "$secret/asn.mmdb"
    set -- "$@" --mmdb "$secret/asn.mmdb"
fi

for f in text json csv html; do
    "$HS" report --quiet --mask "$@" --format "$f" -o "$w/masked.$f" "$secret/march.pcap" \
        "$secret/april-cut.pcap" 2>/dev/null
    check "mask_paths_${f}_no_directories" sh -c "! grep -Eq 'SECRETDIR|SECRETCORP|$w' '$w/masked.$f'"
    "$HS" report --quiet "$@" --format "$f" -o "$w/plain.$f" "$secret/march.pcap" \
        "$secret/april-cut.pcap" 2>/dev/null
    check "mask_paths_${f}_unmasked_keeps_them" grep -q 'SECRETDIR' "$w/plain.$f"
done
# The names stay: the reader still sees which files decided.
expect_eq mask_paths_json_names \
    "$(jq -c '[.groups[0].source, .routing, .asnames, (.routing_snapshots[0].source)]' "$w/masked.json")" \
    '["aws-2009.txt","rib-2008.dat","names.txt","rib-2008.dat"]'
if [ -f "$mmdb" ]; then
    expect_eq mask_paths_json_mmdb "$(jq -r .mmdb.path "$w/masked.json")" asn.mmdb
else
    skip mask_paths_json_mmdb "../shared/data/prefixes is absent"
fi
check mask_paths_json_error_named sh -c "jq -r '.inputs.files[].error // empty' '$w/masked.json' | grep -q 'april-cut.pcap'"
check mask_paths_text_names grep -q 'aws-2009.txt' "$w/masked.text"
check mask_paths_csv_error_named grep -q 'april-cut.pcap' "$w/masked.csv"
