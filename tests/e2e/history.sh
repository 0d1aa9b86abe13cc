# A store with known history: --last counts complete days back from the
# data's end, --compare previous takes the days just before, --new-only keeps
# what the store never saw before the period.
. "$(dirname "$0")/../lib.sh"
w="$TEST_WORK/history"
rm -rf "$w"
mkdir -p "$w"
G="$HONEYSCOPE_ROOT/tests/e2e/history_pcap.py"
D1=1235865600 # 2009-03-01T00:00:00Z
D2=$((D1 + 86400)) D3=$((D1 + 2 * 86400)) D4=$((D1 + 3 * 86400))
A=198.51.100.1 B=198.51.100.2 C=203.0.113.3
printf '%s\n' "$((D1 + 3600)) $A tcp 22" "$((D1 + 3700)) $B tcp 23" \
    "$((D1 + 3800)) $A dns old.example" | python3 "$G" "$w/day1.pcap"
printf '%s\n' "$((D2 + 3600)) $A tcp 22" "$((D2 + 3700)) $B tcp 23" | python3 "$G" "$w/day2.pcap"
# Day 3: an old source on an old port, a new source, an old source on a new
# port, an old value, a new value from a new source, a new value from an old one.
printf '%s\n' "$((D3 + 3600)) $A tcp 22" "$((D3 + 3700)) $C tcp 22" "$((D3 + 3800)) $B tcp 8080" \
    "$((D3 + 3900)) $A dns old.example" "$((D3 + 4000)) $C dns new.example" \
    "$((D3 + 4100)) $A dns fresh.example" | python3 "$G" "$w/day3.pcap"
# Day 4 is not complete: the data ends at 10:00.
printf '%s\n' "$((D4 + 36000)) $A tcp 22" | python3 "$G" "$w/day4.pcap"
"$HS" ingest -q --db "$w/h.db" --sensor 192.0.2.10/32 "$w"/day*.pcap
expect_eq history_ingest_exit "$?" 0

J="--format json --db $w/h.db"
# shellcheck disable=SC2086
"$HS" report $J --last 1d >"$w/last1.json" 2>"$w/last1.err"
expect_eq last_exit "$?" 0
expect_eq last_stderr_empty "$(wc -c <"$w/last1.err")" 0
expect_eq last_1d_period "$(jq -r '.options.from + ".." + .options.to' "$w/last1.json")" \
    "2009-03-03..2009-03-03"
expect_eq last_1d_packets "$(jq '.groups[0].totals.packets_in' "$w/last1.json")" 6
# shellcheck disable=SC2086
"$HS" report $J --last 2d >"$w/last2.json"
expect_eq last_2d_period "$(jq -r '.options.from + ".." + .options.to' "$w/last2.json")" \
    "2009-03-02..2009-03-03"
expect_eq last_2d_packets "$(jq '.groups[0].totals.packets_in' "$w/last2.json")" 8
# In +12:00 the data ends 2009-03-04 22:00: the 4th is not complete there either.
# shellcheck disable=SC2086
"$HS" report $J --last 1d --tz +12:00 >"$w/tz.json"
expect_eq last_tz_period "$(jq -r '.options.from' "$w/tz.json")" "2009-03-03"
# --from/--to as --last gives them: the same report.
# shellcheck disable=SC2086
"$HS" report $J --from 2009-03-03 --to 2009-03-03 >"$w/fromto.json"
check last_equals_from_to cmp "$w/last1.json" "$w/fromto.json"

# --compare previous: the day before.
# shellcheck disable=SC2086
"$HS" report $J --last 1d --compare previous >"$w/prev.json"
# shellcheck disable=SC2086
"$HS" report $J --from 2009-03-03 --to 2009-03-03 --compare 2009-03-02..2009-03-02 >"$w/prev2.json"
check compare_previous_equals_explicit cmp "$w/prev.json" "$w/prev2.json"
# shellcheck disable=SC2086
"$HS" report $J --from 2009-03-02 --to 2009-03-03 --compare previous >"$w/prev3.json"
# shellcheck disable=SC2086
"$HS" report $J --from 2009-03-02 --to 2009-03-03 --compare 2009-02-28..2009-03-01 >"$w/prev4.json"
check compare_previous_same_length cmp "$w/prev3.json" "$w/prev4.json"

# --new-only: C's rows (new source), B's tcp/8080 (new port); A's rows go.
# shellcheck disable=SC2086
"$HS" report $J --last 1d --new-only >"$w/new.json" 2>"$w/new.err"
expect_eq new_only_exit "$?" 0
expect_eq new_only_stderr_empty "$(wc -c <"$w/new.err")" 0
expect_eq new_only_packets "$(jq '.groups[0].totals.packets_in' "$w/new.json")" 3
expect_eq new_only_sources "$(jq -r '[.groups[0].sources.top[].address] | join(" ")' "$w/new.json")" \
    "$C $B"
expect_eq new_only_ports "$(jq -r '[.groups[0].ports_in[] | .proto + "/" + (.port | tostring)] | join(" ")' "$w/new.json")" \
    "tcp/22 tcp/8080 udp/53"
expect_eq new_only_evidence "$(jq -r '[.groups[0].evidence["dns-query"].top[].value] | join(",")' "$w/new.json")" \
    "fresh.example A,new.example A"
# Against day 2, day 3's A and B are old too: nothing is new on day 2 but nothing.
# shellcheck disable=SC2086
"$HS" report $J --from 2009-03-02 --to 2009-03-02 --new-only >"$w/new2.json"
expect_eq new_only_day2_nothing "$(jq '.groups[0].totals.packets_in' "$w/new2.json")" 0
# The first day has no history: everything is new.
# shellcheck disable=SC2086
"$HS" report $J --from 2009-03-01 --to 2009-03-01 --new-only >"$w/new1.json"
expect_eq new_only_first_day_all "$(jq '.groups[0].totals.packets_in' "$w/new1.json")" 3

# The captures themselves: --last counts back from their latest packet.
"$HS" report -q --format json --sensor 192.0.2.10/32 --last 1d "$w"/day*.pcap >"$w/cap.json"
expect_eq last_captures_period "$(jq -r '.options.from' "$w/cap.json")" "2009-03-03"
expect_eq last_captures_packets "$(jq '.groups[0].totals.packets_in' "$w/cap.json")" 6

# Refusals.
"$HS" report --db "$w/h.db" --last 1d --from 2009-03-01 2>/dev/null
expect_eq last_with_from_refused "$?" 2
"$HS" report --sensor 192.0.2.10/32 --last 1d --new-only "$w/day1.pcap" 2>/dev/null
expect_eq new_only_needs_db "$?" 2
"$HS" report --db "$w/h.db" --compare previous 2>/dev/null
expect_eq compare_previous_needs_period "$?" 2
"$HS" report --db "$w/h.db" --last 0d 2>/dev/null
expect_eq last_zero_refused "$?" 2
"$HS" ingest -q --db "$w/empty.db" --sensor 192.0.2.10/32 "$w/day1.pcap" && "$HS" forget --db "$w/empty.db" "$w/day1.pcap" 2>/dev/null
"$HS" report --db "$w/empty.db" --last 1d >/dev/null 2>"$w/empty.err"
expect_eq last_empty_store_exit "$?" 1
expect_eq last_empty_store_said "$(cat "$w/empty.err")" "honeyscope: --last 1d: no packet to count the days back from"
