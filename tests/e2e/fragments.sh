# Fragments out of order (tests/fragments.py): DNS answers in three IPv4 or
# IPv6 fragments, most of them last fragment first. Those whose first
# fragment is in the file within 30 s join the conversation of their query
# (replies to the sensor's dns); only the others are unmatched. Totals of
# packets and bytes are those of the file, whatever the order.
. "$(dirname "$0")/../lib.sh"
w="$TEST_WORK/fragments"
mkdir -p "$w"
want=$(python3 "$HONEYSCOPE_ROOT/tests/fragments.py" "$w/frag.pcap") || {
    fail fragments_capture "tests/fragments.py failed"
    exit 0
}
"$HS" report --quiet --sensor 192.0.2.10/32 --sensor 2001:db8::10/128 --format json \
    "$w/frag.pcap" >"$w/frag.json" 2>"$w/frag.err"
expect_eq fragments_exit "$?" 0
got() { jq "$1" "$w/frag.json"; }
expect_eq fragments_packets "$(got .inputs.packets)" "$(echo "$want" | jq .packets)"
expect_eq fragments_unmatched "$(got .inputs.flows.fragments_unmatched)" \
    "$(echo "$want" | jq .unmatched)"
expect_eq fragments_replies "$(got '[.groups[0].in_replies[] | select(.category == "dns")
    | .packets] | add')" "$(echo "$want" | jq .replies)"
expect_eq fragments_queries "$(got '[.groups[0].out[] | select(.category == "dns")
    | .packets] | add')" "$(echo "$want" | jq .queries)"
expect_eq fragments_total_packets \
    "$(got '.groups[0].totals | .packets_in + .packets_out')" "$(echo "$want" | jq .packets)"
expect_eq fragments_total_bytes \
    "$(got '.groups[0].totals | .bytes_in + .bytes_out')" "$(echo "$want" | jq .bytes)"
# One flow per query, and a ports-0 flow per address family for the unmatched.
expect_eq fragments_flows "$(got .inputs.flows.started)" \
    "$(echo "$want" | jq '.queries + 2')"
