# Report cost by output size (docs/semantics.md, "Scale"): the top sources
# are chosen without sorting every source, and the sources per /24 or /48
# without gathering them; both must still be exact. Checked on a flood of
# many sources and on the seed scenario against the whole source list.
. "$(dirname "$0")/../lib.sh"
w="$TEST_WORK/scale"
rm -rf "$w"
mkdir -p "$w"
"$GEN" --scenario flood --sources 60000 --packets 90000 --out "$w/flood" >/dev/null 2>&1 ||
    { fail scale_flood_generated "gen_scenario --scenario flood failed"; exit 0; }
F="--quiet --sensor 198.51.100.0/24 --sensor 2001:db8:64::/64 --format json"
# shellcheck disable=SC2086
"$HS" report $F --top 1000000 "$w/flood/flood.pcap" >"$w/all.json"
# shellcheck disable=SC2086
"$HS" report $F --top 7 "$w/flood/flood.pcap" >"$w/top7.json"
seed=$(scenario seed 1) || { fail scale_scenario "generator failed"; exit 0; }
S="--quiet --sensor 192.0.2.10/32 --group aws=$HONEYSCOPE_ROOT/scenarios/aws-2009.txt --group any --format json"
# shellcheck disable=SC2086
"$HS" report $S --top 1000000 --metric bytes "$seed"/honeypot-2009-* >"$w/seed-all.json"
# shellcheck disable=SC2086
"$HS" report $S --top 3 --metric bytes "$seed"/honeypot-2009-* >"$w/seed-top3.json"

python3 - "$w" <<'EOF'
import ipaddress, json, sys
from collections import Counter

w = sys.argv[1]

def result(name, ok, why=""):
    print(("PASS %s" % name) if ok else ("FAIL %s: %s" % (name, why)))

def net_of(address):
    a = ipaddress.ip_address(address)
    if a.version == 4:
        return str(ipaddress.ip_network(address + "/24", strict=False))
    return str(ipaddress.ip_network(address + "/48", strict=False))

for name, every, few, metric in (("flood", "all", "top7", "packets_in"),
                                 ("seed", "seed-all", "seed-top3", "bytes_in")):
    a = json.load(open("%s/%s.json" % (w, every)))
    b = json.load(open("%s/%s.json" % (w, few)))
    for ga, gb in zip(a["groups"], b["groups"]):
        tag = "%s_%s" % (name, ga["name"])
        top_all, top_few = ga["sources"]["top"], gb["sources"]["top"]
        result(tag + "_all_listed", len(top_all) == ga["sources"]["distinct"],
               "%d listed, %d distinct" % (len(top_all), ga["sources"]["distinct"]))
        result(tag + "_distinct_same", ga["sources"]["distinct"] == gb["sources"]["distinct"])
        result(tag + "_top_is_head", top_few == top_all[:len(top_few)],
               "the short list is not the head of the whole one")
        # Ranked by the metric, then by address.
        keys = [(-s[metric], ipaddress.ip_address(s["address"]).version,
                 int(ipaddress.ip_address(s["address"]))) for s in top_all]
        result(tag + "_ranked", keys == sorted(keys), "the whole list is out of order")
        # Sources per /24 (/48) from the whole list.
        nets = Counter(net_of(s["address"]) for s in top_all)
        churn = ga["churn"]
        result(tag + "_nets_total", churn["nets"] == len(nets),
               "%s nets, want %d" % (churn["nets"], len(nets)))
        shown = [(n["net"], n["sources"]) for n in churn["by_net"]]
        ok = all(nets[n] == c for n, c in shown) and len(shown) == min(20, len(nets))
        counts = [c for _, c in shown]
        best = sorted(nets.values(), reverse=True)[:len(shown)]
        result(tag + "_nets_top", ok and counts == best,
               "by_net %r, want counts %r" % (shown[:5], best[:5]))
        for gx, gy in ((ga, gb),):
            result(tag + "_churn_same", gx["churn"] == gy["churn"], "churn depends on --top")
EOF

# ---- --memory: spilled rows are merged back into the same report ------------
out_equal() { # NAME FILE-A FILE-B
    if cmp -s "$2" "$3"; then pass "$1"; else fail "$1" "$2 and $3 differ"; fi
}
FF="--quiet --sensor 198.51.100.0/24 --sensor 2001:db8:64::/64"
mkdir -p "$w/tmp"
for f in json text csv; do
    # shellcheck disable=SC2086
    "$HS" report $FF --format $f "$w/flood/flood.pcap" >"$w/mem-default.$f"
    for m in 64K 1M; do
        for t in 1 2; do
            # shellcheck disable=SC2086
            "$HS" report $FF --format $f --memory $m --threads $t --tmp-dir "$w/tmp" \
                "$w/flood/flood.pcap" >"$w/mem-$m-$t.$f"
            out_equal "spill_flood_${m}_threads${t}_$f" "$w/mem-default.$f" "$w/mem-$m-$t.$f"
        done
    done
done
check spill_leaves_nothing test -z "$(ls -A "$w/tmp")"
# shellcheck disable=SC2086
"$HS" report --sensor 198.51.100.0/24 --memory 64K --tmp-dir "$w/tmp" "$w/flood/flood.pcap" \
    >/dev/null 2>"$w/spill.err"
check spill_said grep -q "beyond --memory: [0-9]* spills" "$w/spill.err"
check spill_no_progress_off_a_terminal sh -c "! grep -q 'packets/s' '$w/spill.err'"
# On a terminal the progress line says, while reading, that the disk is in use.
if command -v script >/dev/null 2>&1; then
    script -qec "'$HS' report --sensor 198.51.100.0/24 --memory 64K --tmp-dir '$w/tmp' \
        '$w/flood/flood.pcap' >/dev/null" /dev/null >"$w/tty.out" 2>&1
    check spill_progress_says_spilling grep -aq "packets/s, [0-9]* s, [0-9]* MiB spilled" \
        "$w/tty.out"
else
    skip spill_progress_says_spilling "script (util-linux) is not installed"
fi

# Many files, groups, a compared period, masking, hour bins, routing.
aws="$HONEYSCOPE_ROOT/scenarios/aws-2009.txt"
R="$SHARED/routing/ipasn_20140513.dat.gz"
ROUTE=""
[ -f "$R" ] && ROUTE="--pfx2as $R"
for case in "json --compare 2009-03-01..2009-05-31 --from 2009-06-01 --to 2009-09-30" \
    "json --mask --bin hour --tz +09:00 --from 2009-07-01 --to 2009-07-31" \
    "text --metric bytes --top 50" "html --metric flows"; do
    set -- $case
    fmt=$1
    shift
    # shellcheck disable=SC2086
    "$HS" report --quiet --sensor 192.0.2.10/32 --group aws="$aws" --group any $ROUTE \
        --format $fmt "$@" "$seed"/honeypot-* >"$w/seed-mem-default"
    # shellcheck disable=SC2086
    "$HS" report --quiet --sensor 192.0.2.10/32 --group aws="$aws" --group any $ROUTE \
        --format $fmt --memory 64K --tmp-dir "$w/tmp" "$@" "$seed"/honeypot-* >"$w/seed-mem-64K"
    out_equal "spill_seed_$(echo "$fmt $1" | tr -c 'a-z0-9\n' _)" "$w/seed-mem-default" "$w/seed-mem-64K"
done

# From a store: loading spills too.
"$HS" ingest -q --db "$w/s.db" --sensor 192.0.2.10/32 "$seed"/honeypot-2009-*
"$HS" report --quiet --group aws="$aws" --format json --db "$w/s.db" >"$w/db-default.json"
"$HS" report --quiet --group aws="$aws" --format json --memory 64K --tmp-dir "$w/tmp" \
    --db "$w/s.db" >"$w/db-64K.json"
out_equal spill_store_report "$w/db-default.json" "$w/db-64K.json"
check spill_store_leaves_nothing test -z "$(ls -A "$w/tmp")"
# Ingest spills too, and stores the same rows.
"$HS" ingest -q --db "$w/s64.db" --memory 64K --tmp-dir "$w/tmp" --threads 2 \
    --sensor 192.0.2.10/32 "$seed"/honeypot-2009-*
expect_eq spill_ingest_exit "$?" 0
expect_eq spill_ingest_rows "$("$HS" sql --db "$w/s64.db" 'SELECT count(*), sum(packets_in), sum(bytes_out) FROM traffic')" \
    "$("$HS" sql --db "$w/s.db" 'SELECT count(*), sum(packets_in), sum(bytes_out) FROM traffic')"
"$HS" report --quiet --group aws="$aws" --format json --db "$w/s64.db" >"$w/db-ingest-64K.json"
out_equal spill_ingest_report "$w/db-default.json" "$w/db-ingest-64K.json"
check spill_ingest_leaves_nothing test -z "$(ls -A "$w/tmp")"

# Refusals and faults: a bad size, a missing directory, a full disk, a signal.
"$HS" report --memory 12X "$w/flood/flood.pcap" >/dev/null 2>&1
expect_eq memory_bad_size_exit "$?" 2
"$HS" report --memory 1K "$w/flood/flood.pcap" >/dev/null 2>&1
expect_eq memory_too_small_exit "$?" 2
# shellcheck disable=SC2086
"$HS" report $FF --memory 64K --tmp-dir "$w/no/such/dir" -o "$w/nodir.json" \
    "$w/flood/flood.pcap" 2>"$w/nodir.err"
expect_eq spill_missing_dir_exit "$?" 1
check spill_missing_dir_said grep -q "no/such/dir" "$w/nodir.err"
check spill_missing_dir_no_output test ! -e "$w/nodir.json"
if [ "$(id -u)" = 0 ] && mkdir -p "$w/full" && mount -t tmpfs -o size=128k tmpfs "$w/full" 2>/dev/null; then
    # shellcheck disable=SC2086
    "$HS" report $FF --memory 1M --tmp-dir "$w/full" -o "$w/full.json" "$w/flood/flood.pcap" \
        2>"$w/full.err"
    expect_eq spill_full_disk_exit "$?" 1
    check spill_full_disk_said grep -q "No space left on device" "$w/full.err"
    check spill_full_disk_no_output test ! -e "$w/full.json"
    check spill_full_disk_no_partial sh -c "! ls '$w'/full.json.partial-* 2>/dev/null"
    check spill_full_disk_nothing_left test -z "$(ls -A "$w/full")"
    umount "$w/full"
else
    skip spill_full_disk "needs root and a tmpfs mount to fill a disk"
fi
"$GEN" --scenario flood --sources 400000 --out "$w/big" >/dev/null 2>&1
# A signal once the report is spilling: it waits for a spill file of its own
# (nameless, so seen in /proc) before the signal is sent. A shell without job
# control starts background commands with SIGINT ignored: env gives it back.
for sig in INT TERM; do
    mkdir -p "$w/tmp-$sig"
    # shellcheck disable=SC2086
    env --default-signal=INT "$HS" report $FF --memory 64K --tmp-dir "$w/tmp-$sig" \
        -o "$w/sig-$sig.json" "$w/big/flood.pcap" 2>/dev/null &
    pid=$!
    tries=0
    while [ "$tries" -lt 400 ] && ! ls -l "/proc/$pid/fd" 2>/dev/null | grep -q "$w/tmp-$sig"; do
        sleep 0.05
        tries=$((tries + 1))
    done
    kill "-$sig" "$pid" 2>/dev/null
    wait "$pid"
    status=$?
    if [ "$status" -eq 0 ]; then
        skip "spill_signal_$sig" "the report finished before it was seen spilling"
        continue
    fi
    case $sig in INT) want=130 ;; *) want=143 ;; esac
    expect_eq "spill_signal_${sig}_status" "$status" "$want"
    check "spill_signal_${sig}_no_output" test ! -e "$w/sig-$sig.json"
    check "spill_signal_${sig}_no_partial" sh -c "! ls '$w'/sig-$sig.json.partial-* 2>/dev/null"
    check "spill_signal_${sig}_nothing_left" test -z "$(ls -A "$w/tmp-$sig")"
done

# ---- one stream: threads and file boundaries change nothing -------------------
for t in 1 2 3; do
    # shellcheck disable=SC2086
    "$HS" report --quiet --sensor 192.0.2.10/32 --group aws="$aws" --group any --format json \
        --threads $t "$seed"/honeypot-* >"$w/threads-$t.json"
    # shellcheck disable=SC2086
    "$HS" report $FF --format json --threads $t "$w/flood/flood.pcap" >"$w/flood-threads-$t.json"
done
for t in 2 3; do
    out_equal "threads_${t}_seed" "$w/threads-1.json" "$w/threads-$t.json"
    out_equal "threads_${t}_flood" "$w/flood-threads-1.json" "$w/flood-threads-$t.json"
done

# A capture cut into pieces: read in time order whatever order they are given
# in, with the same totals as the whole (split.sh compares whole reports).
if command -v editcap >/dev/null 2>&1; then
    whole="$seed/honeypot-2009-03.pcap"
    mkdir -p "$w/pieces"
    editcap -c 101 "$whole" "$w/pieces/part.pcap" >/dev/null 2>&1
    check split_into_many_pieces test "$(ls "$w/pieces" | wc -l)" -gt 10
    for t in 1 2; do
        # shellcheck disable=SC2046,SC2086
        "$HS" report --quiet --sensor 192.0.2.10/32 --group aws="$aws" --group any \
            --format json --threads $t $(ls "$w/pieces"/part*) >"$w/pieces-in-order.json"
        # shellcheck disable=SC2046,SC2086
        "$HS" report --quiet --sensor 192.0.2.10/32 --group aws="$aws" --group any \
            --format json --threads $t $(ls -r "$w/pieces"/part*) >"$w/pieces-reversed.json"
        out_equal "split_reversed_threads$t" "$w/pieces-in-order.json" "$w/pieces-reversed.json"
    done
    # shellcheck disable=SC2086
    "$HS" report --quiet --sensor 192.0.2.10/32 --group any --format json "$whole" \
        | jq -c '[.inputs.packets, .groups[0].totals.packets_in, .groups[0].totals.bytes_out]' \
        >"$w/whole-totals"
    jq -c '[.inputs.packets, .groups[1].totals.packets_in, .groups[1].totals.bytes_out]' \
        "$w/pieces-in-order.json" >"$w/pieces-totals"
    out_equal split_same_totals "$w/whole-totals" "$w/pieces-totals"
else
    skip split_captures "editcap (Debian: wireshark-common) is not installed"
fi
