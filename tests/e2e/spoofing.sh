# Spoofing signs end to end (docs/semantics.md, "Spoofing signs"): a capture
# of TCP conversations with a sensor that answers SYNs (tests/spoofing_pcap.py)
# where one source of seven looks spoofed and the six others are the near
# misses (a RST back, no answer to judge by, a handshake, a handshake beside an
# unanswered SYN-ACK, an answer to the sensor's own SYN, UDP); in JSON, CSV,
# text, under --mask, with spilled rows and through a store; and no sign on a
# darknet, which answers nothing.
. "$(dirname "$0")/../lib.sh"
w="$TEST_WORK/spoofing"
mkdir -p "$w"
pcap="$w/spoofing.pcap"
python3 "$HONEYSCOPE_ROOT/tests/spoofing_pcap.py" "$pcap"

"$HS" report --quiet --sensor 192.0.2.10 --format json "$pcap" >"$w/r.json" 2>"$w/err"
expect_eq spoofing_exit "$?" 0
expect_eq spoofing_sources \
    "$(jq -c '.groups[0].sources | [.distinct, .spoofed_likely, .spoofed_likely_share]' "$w/r.json")" \
    '[7,1,23.07692308]'
expect_eq spoofing_unsolicited "$(jq '[.groups[0].in_unsolicited[].packets] | add' "$w/r.json")" 13
expect_eq spoofing_not_evidence "$(jq -c '.groups[0].evidence' "$w/r.json")" '{}'

"$HS" report --quiet --sensor 192.0.2.10 --format json --memory 64K "$pcap" >"$w/spill.json"
expect_eq spoofing_spilled "$(jq -c '.groups[0].sources | del(.top)' "$w/spill.json")" \
    "$(jq -c '.groups[0].sources | del(.top)' "$w/r.json")"

"$HS" report --quiet --sensor 192.0.2.10 --format csv "$pcap" >"$w/r.csv"
expect_eq spoofing_csv "$(tr -d '\r' <"$w/r.csv" | sed -n '/^# table: spoofing$/,/^$/p' | tr '\n' '|')" \
    '# table: spoofing|group,spoofed_likely,share|any,1,23.07692308||'
"$HS" report --quiet --sensor 192.0.2.10 --format text "$pcap" >"$w/r.txt"
expect_eq spoofing_text "$(grep -A1 '^-- spoofing signs' "$w/r.txt" | sed -n 2p)" \
    '   1 sources look spoofed; they sent 23.1% of the unsolicited packets'

"$HS" report --quiet --mask --sensor 192.0.2.10 --format json "$pcap" >"$w/m.json"
expect_eq spoofing_mask \
    "$(jq -c '.groups[0].sources | [.spoofed_likely, .spoofed_likely_share]' "$w/m.json")" \
    '[null,23.07692308]'

# Ranks of honeyscope-mpi own disjoint remotes: the same figures as one process.
if [ -x "$BUILD/honeyscope-mpi" ] && command -v mpirun >/dev/null 2>&1; then
    OMPI_MCA_btl=self,vader OMPI_MCA_btl_vader_single_copy_mechanism=none \
        OMPI_MCA_rmaps_base_oversubscribe=1 OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 \
        mpirun --allow-run-as-root -np 3 "$BUILD/honeyscope-mpi" report --quiet --sensor 192.0.2.10 \
        --format json "$pcap" >"$w/mpi.json" 2>"$w/err"
    expect_eq spoofing_mpi "$(jq -c '.groups[0].sources | del(.top)' "$w/mpi.json")" "$(jq -c '.groups[0].sources | del(.top)' "$w/r.json")"
else
    skip spoofing_mpi "honeyscope-mpi is not built ('make mpi') or mpirun is missing"
fi

rm -f "$w/s.db"
"$HS" ingest -q --db "$w/s.db" --sensor 192.0.2.10 "$pcap" 2>"$w/err"
expect_eq spoofing_ingest "$?" 0
"$HS" report --quiet --db "$w/s.db" --format json >"$w/db.json" 2>"$w/err"
expect_eq spoofing_store "$(jq -c '.groups[0].sources | del(.top)' "$w/db.json")" \
    "$(jq -c '.groups[0].sources | del(.top)' "$w/r.json")"

# A darknet answers nothing: no sign, whatever its sources forged.
dir="$TEST_WORK/flood-spoofing"
if [ ! -f "$dir/truth.json" ]; then
    "$GEN" --scenario flood --sources 20000 --out "$dir" >/dev/null 2>"$dir.log" || {
        fail spoofing_flood_generate "$(cat "$dir.log")"
        exit 0
    }
fi
"$HS" report --quiet --sensor 198.51.100.0/24 --sensor 2001:db8:64::/64 --format json \
    "$dir/flood.pcap" >"$w/flood.json"
expect_eq spoofing_darknet_none "$(jq -c '.groups[0].sources | [.distinct, .spoofed_likely]' "$w/flood.json")" \
    '[20000,0]'
