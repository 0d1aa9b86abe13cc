#!/bin/sh
# Benchmarks honeyscope against a bare libpcap read loop and the peer tools
# installed (tshark, tcpdump, nfpcapd) on generated captures, and prints one
# table. Not a test: it exits 0 whatever the speeds, and 1 only when
# something failed to run or crashed.
#
# Three benches, each with its own capture and its own loop row, every ratio
# taken against the loop on the same bytes in the same run:
#   seed     the seed scenario's monthly files (honeyscope over all of them,
#            the peers over a few), and the memory check
#   bigfile  the same traffic merged into one file of about 2 GB, read with
#            --threads 1 and --threads 2
#   flood    one darknet day of BENCH_FLOOD_SOURCES distinct sources, every
#            packet its own flow, beside nfpcapd
#   store    honeyscope ingest against nfpcapd -z (LZO flow files) on the seed
#            set and on the flood: store size against the flow files' size,
#            ingest wall against nfpcapd's (1 thread), and a batch of 8 files
#            ingested with --threads 1 and --threads 2 (BENCH_ONLY=store runs
#            it alone; needs nfpcapd for the comparisons, editcap for the
#            flood's batch)
# and, whatever BENCH_ONLY, build/bench/hash_flood: keys built to collide in
# the flow table, the cube and the evidence table against random keys.
# Below the table, each target of the issues is said MET or MISSED.
#
# Usage: bench/run.sh [BUILD]          (make bench runs it after make all tools)
#
# Environment:
#   BENCH_ONLY      benches to run, of "seed bigfile flood store" (all)
#   BENCH_SCALE     --scale for the seed scenario (default: chosen so the set is
#                   about BENCH_BYTES of uncompressed pcap, from a scale-1 probe)
#   BENCH_BYTES     target size of the seed set when BENCH_SCALE is not given (1e9)
#   BENCH_BIG_SCALE --scale of the seed scenario merged into the big file
#                   (default: chosen so the file is about BENCH_BIG_BYTES)
#   BENCH_BIG_BYTES target size of the big file (2e9)
#   BENCH_FLOOD_SOURCES  --sources of the flood scenario (10000000)
#   BENCH_RUNS      runs of the bare loop and of honeyscope, best kept (3)
#   BENCH_SUBSET    files the slow peers read (2)
#   BENCH_PEERS     peers to try, of "tshark tcpdump nfpcapd" (all)
#
# Captures are cached under BUILD/bench/data (scale-S, bigfile-S, flood-N) and
# made again only when their directory is missing: remove it after the
# generator changes.
set -u
export LC_ALL=C TZ=UTC

BUILD=${1:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 1
case "$BUILD" in /*) ;; *) BUILD="$root/$BUILD" ;; esac
case "$BUILD" in *[[:space:]]*)
    echo "bench: the build path must not contain spaces: '$BUILD'" >&2
    exit 2
    ;;
esac

bench=$BUILD/bench
data=$bench/data
runs=${BENCH_RUNS:-3}
subset_n=${BENCH_SUBSET:-2}
target_bytes=${BENCH_BYTES:-1000000000}
big_bytes=${BENCH_BIG_BYTES:-2000000000}
flood_sources=${BENCH_FLOOD_SOURCES:-10000000}
peers=${BENCH_PEERS:-tshark tcpdump nfpcapd}
only=${BENCH_ONLY:-seed bigfile flood store}
honeyscope=$BUILD/honeyscope
gen=$BUILD/tools/gen_scenario
loop=$bench/pcap_loop
sensor=192.0.2.10/32
failed=0

say() { echo "bench: $*" >&2; }
die() {
    say "$*"
    exit 1
}

for b in $only; do
    case "$b" in
    seed | bigfile | flood | store) ;;
    *)
        say "BENCH_ONLY: unknown bench '$b' (of: seed bigfile flood store)"
        exit 2
        ;;
    esac
done
# shellcheck disable=SC2086
[ -n "$(printf '%s' $only)" ] || {
    say "BENCH_ONLY is empty (of: seed bigfile flood store)"
    exit 2
}
wanted() { case " $only " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

[ -x /usr/bin/time ] || die "needs GNU time at /usr/bin/time (Debian package 'time')"
[ -x "$honeyscope" ] || die "no '$honeyscope': run make all"
[ -x "$gen" ] || die "no '$gen': run make tools"
mkdir -p "$bench" "$data" || exit 1
tmp=$(mktemp -d "$bench/run.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

# --- the baseline -------------------------------------------------------

if [ ! -x "$loop" ] || [ -n "$(find bench/pcap_loop.c -newer "$loop")" ]; then
    # shellcheck disable=SC2046
    ${CC:-cc} -O2 -std=c11 -Wall -Wextra -D_DEFAULT_SOURCE $(pkg-config --cflags libpcap) \
        -o "$loop" bench/pcap_loop.c $(pkg-config --libs libpcap) ||
        die "cannot build the bare libpcap loop"
fi

# --- the capture set ----------------------------------------------------

# Sum of the sizes of the files in a directory, in bytes.
dir_bytes() {
    for f in "$1"/*; do
        [ -f "$f" ] && wc -c <"$f"
    done | awk '{ s += $1 } END { printf "%.0f\n", s }'
}

# What identifies the generator's output: its sources, when present.
gen_id() {
    if [ -d tools/gen_scenario ]; then cat tools/gen_scenario/*.[ch] | cksum; else cksum <"$gen"; fi
}

# generate SCALE DIR: the seed scenario into DIR/gen, as the generator writes
# it, and DIR/plain with every capture uncompressed (plain ones hard-linked).
# DIR appears only once complete.
generate() {
    rm -rf "$2" "$2.part"
    mkdir -p "$2.part/plain" || return 1
    say "generating the seed scenario at scale $1 into $2"
    if ! "$gen" --scenario seed --out "$2.part/gen" --scale "$1" >"$2.part/gen.log" 2>&1; then
        sed 's/^/    /' "$2.part/gen.log" | tail -n 20 >&2
        say "the generator failed"
        return 1
    fi
    for f in "$2.part/gen"/*.pcap*; do
        [ -f "$f" ] || continue
        base=${f##*/}
        case "$base" in
        *.gz) gzip -dc "$f" >"$2.part/plain/${base%.gz}" ;;
        *.zst) zstd -qdc "$f" >"$2.part/plain/${base%.zst}" ;;
        *) ln "$f" "$2.part/plain/$base" 2>/dev/null || cp "$f" "$2.part/plain/$base" ;;
        esac || return 1
    done
    [ -n "$(ls "$2.part/plain")" ] || {
        say "the generator wrote no capture"
        return 1
    }
    gen_id >"$2.part/generator"
    mv "$2.part" "$2"
}

# scale_for BYTES: sets scale_got to the seed scale that makes about BYTES of
# uncompressed pcap, from the size of scale 1 (generated once), and scale_how
# to how it was chosen.
scale_for() {
    [ -d "$data/scale-1" ] || generate 1 "$data/scale-1" || exit 1
    probe=$(dir_bytes "$data/scale-1/plain")
    [ "$probe" -gt 0 ] || die "the scale-1 probe set is empty"
    scale_how="scale 1 is $probe bytes; target $1 bytes"
    scale_got=$(awk -v t="$1" -v b="$probe" \
        'BEGIN { s = t / b; if (s >= 1) printf "%d\n", s + 0.5; else printf "%.3g\n", s }')
}

# stale DIR: says so when DIR was made by another version of the generator.
stale() {
    [ "$(cat "$1/generator" 2>/dev/null)" = "$(gen_id)" ] ||
        say "note: $1 was made by another version of the generator; remove it to make it again"
}

# --- timing -------------------------------------------------------------

# timed NAME COMMAND...: runs COMMAND under GNU time, stdout to $tmp/NAME.out,
# stderr to $tmp/NAME.err; sets t_secs, t_rss (KiB), t_cpu and t_status.
timed() {
    name=$1
    shift
    /usr/bin/time -f '%e %M %U %S' -o "$tmp/$name.time" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
    t_status=$?
    # shellcheck disable=SC2046
    set -- $(tail -n 1 "$tmp/$name.time")
    t_secs=${1:-0} t_rss=${2:-0} t_cpu=$(awk -v u="${3:-0}" -v s="${4:-0}" 'BEGIN { print u + s }')
    if grep -q 'terminated by signal' "$tmp/$name.time"; then
        say "$name crashed: $(head -n 1 "$tmp/$name.time")"
        sed 's/^/    /' "$tmp/$name.err" | tail -n 10 >&2
        t_status=128
    fi
}

# best NAME COMMAND...: timed, $runs times; keeps the fastest run.
best() {
    b_name=$1
    shift
    b_secs='' b_rss='' b_cpu='' b_status=0
    i=0
    while [ "$i" -lt "$runs" ]; do
        timed "$b_name" "$@"
        [ "$t_status" -ne 0 ] && {
            b_status=$t_status
            return
        }
        if [ -z "$b_secs" ] || awk -v a="$t_secs" -v b="$b_secs" 'BEGIN { exit !(a < b) }'; then
            b_secs=$t_secs b_rss=$t_rss b_cpu=$t_cpu
        fi
        i=$((i + 1))
    done
}

# per_file NAME LIST COMMAND...: COMMAND FILE for each file of LIST; sums the
# seconds and CPU, keeps the largest RSS.
per_file() {
    p_name=$1 p_list=$2
    shift 2
    p_secs=0 p_rss=0 p_cpu=0 p_status=0
    for f in $(cat "$p_list"); do
        timed "$p_name" "$@" "$f"
        if [ "$t_status" -ne 0 ]; then
            p_status=$t_status
            return
        fi
        p_secs=$(awk -v a="$p_secs" -v b="$t_secs" 'BEGIN { print a + b }')
        p_cpu=$(awk -v a="$p_cpu" -v b="$t_cpu" 'BEGIN { print a + b }')
        [ "$t_rss" -gt "$p_rss" ] && p_rss=$t_rss
    done
}

# row TOOL FILES PACKETS SECONDS RSS_KIB CPU REF: one line of the table. REF
# names the loop row the ratio is taken against; a loop row's REF is "=NAME",
# and it comes before the rows that refer to it.
row() {
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$tmp/rows"
}
# heading TEXT: a line above the rows of one bench.
heading() {
    printf '#%s\n' "$1" >>"$tmp/rows"
}
: >"$tmp/rows"

# note TEXT: a line below the table (peer versions, what was skipped), once.
notes=
note() {
    case "$notes" in *"$*
"*) return ;; esac
    notes="$notes$*
"
}

mib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }

# goal TEXT VALUE LIMIT: a target of the issues, met when VALUE <= LIMIT; said below the table.
: >"$tmp/goals"
# A VALUE of "-" (a ratio over nothing: a run too short to time) is not measured.
goal() {
    awk -v t="$1" -v v="$2" -v l="$3" 'BEGIN {
        if (v == "-")
            printf "target: %s: not measured (too fast to time)\n", t
        else
            printf "target: %s: %.2f, at most %s: %s\n", t, v, l, (v + 0 <= l + 0 ? "MET" : "MISSED")
    }' >>"$tmp/goals"
}
over() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.4f", a / b; else printf "-" }'; }

# Packets in a list of files, from the loop's per-file counts.
packets_in() {
    awk 'NR == FNR { want[$1] = 1; next } ($1 in want) { s += $2 } END { printf "%.0f\n", s }' \
        "$1" "$tmp/loop-counts"
}

# --- bench: seed, the monthly files ----------------------------------------

hs_report() { # NAME LISTFILE
    # shellcheck disable=SC2046
    best "$1" "$honeyscope" report --sensor "$sensor" --group "aws=$groups" \
        --format json -o /dev/null --quiet $(cat "$2")
    if [ "$b_status" -ne 0 ]; then
        say "honeyscope report failed (status $b_status):"
        sed 's/^/    /' "$tmp/$1.err" | tail -n 10 >&2
        failed=1
        return 1
    fi
}

nfpcapd_version() { nfpcapd -V 2>&1 | head -n 1 | sed 's/^nfpcapd: //'; }

peer_row() { # TOOL VERSION NAME
    if [ "$p_status" -ne 0 ]; then
        say "$3 failed (status $p_status), left out:"
        sed 's/^/    /' "$tmp/$3.err" | tail -n 5 >&2
        note "$1: failed (status $p_status), left out"
        [ "$p_status" -ge 128 ] && failed=1
        return
    fi
    row "$1" "$subset_n/$nfiles" "$subset_packets" "$p_secs" "$p_rss" "$p_cpu" subset
    note "$1: $2"
}

prepare_seed() {
    if [ -n "${BENCH_SCALE:-}" ]; then
        scale=$BENCH_SCALE
        scale_how="BENCH_SCALE"
    else
        scale_for "$target_bytes"
        scale=$scale_got
    fi
    set_dir=$data/scale-$scale
    [ -d "$set_dir" ] || generate "$scale" "$set_dir" || exit 1
    stale "$set_dir"
    plain=$set_dir/plain
    groups=$set_dir/gen/groups/aws-2009.txt
    [ -f "$groups" ] || groups=$root/scenarios/aws-2009.txt

    for f in "$plain"/*; do echo "$f"; done | sort >"$tmp/all"
    nfiles=$(wc -l <"$tmp/all")
    half_n=$(((nfiles + 1) / 2))
    head -n "$half_n" "$tmp/all" >"$tmp/half"
    # The slow peers read the files of median size, so that neither the smallest
    # nor the largest months stand for the whole set.
    [ "$subset_n" -gt "$nfiles" ] && subset_n=$nfiles
    first=$(((nfiles - subset_n) / 2 + 1))
    # shellcheck disable=SC2012
    ls -S "$plain" | sed -n "$first,$((first + subset_n - 1))p" |
        sort | sed "s|^|$plain/|" >"$tmp/subset"
    plain_bytes=$(dir_bytes "$plain")
    gen_bytes=$(dir_bytes "$set_dir/gen")
}

bench_seed() {
    # Every tool reads from the page cache, not the disk.
    # shellcheck disable=SC2046
    cat $(cat "$tmp/all") >/dev/null
    heading "seed scenario, $nfiles monthly files"
    say "bare libpcap loop over $nfiles files ($runs runs)"
    # shellcheck disable=SC2046
    best loop "$loop" $(cat "$tmp/all")
    [ "$b_status" -eq 0 ] || die "the bare loop failed: $(cat "$tmp/loop.err")"
    cp "$tmp/loop.out" "$tmp/loop-counts"
    packets=$(awk '$1 == "total" { print $2 }' "$tmp/loop-counts")
    loop_all_secs=$b_secs
    row "bare libpcap loop" "$nfiles" "$packets" "$b_secs" "$b_rss" "$b_cpu" =all

    # The loop over the subset takes a few hundredths of a second, too short for
    # GNU time's 10 ms resolution: it reads the subset as many times as make about
    # the whole set's packets (at most 50), and the time is divided back.
    subset_packets=$(packets_in "$tmp/subset")
    reps=$(awk -v a="$packets" -v s="$subset_packets" \
        'BEGIN { r = s > 0 ? int(a / s) : 1; print r < 1 ? 1 : (r > 50 ? 50 : r) }')
    i=0
    while [ "$i" -lt "$reps" ]; do
        cat "$tmp/subset"
        i=$((i + 1))
    done >"$tmp/subset-reps"
    # shellcheck disable=SC2046
    best loop_subset "$loop" $(cat "$tmp/subset-reps")
    if [ "$b_status" -eq 0 ]; then
        loop_subset_secs=$(awk -v t="$b_secs" -v r="$reps" 'BEGIN { printf "%.4f\n", t / r }')
        loop_subset_cpu=$(awk -v t="$b_cpu" -v r="$reps" 'BEGIN { printf "%.4f\n", t / r }')
        row "bare libpcap loop (subset, ${reps}x)" "$subset_n/$nfiles" "$subset_packets" \
            "$loop_subset_secs" "$b_rss" "$loop_subset_cpu" =subset
    fi

    say "honeyscope report over $nfiles files ($runs runs)"
    hs_secs=
    if hs_report honeyscope "$tmp/all"; then
        hs_secs=$b_secs hs_rss=$b_rss
        row "honeyscope report" "$nfiles" "$packets" "$b_secs" "$b_rss" "$b_cpu" all
    fi

    # The same report over the files as generated (some gzip, one pcapng): what
    # decompression adds. Its ratio is still taken against the loop on plain files.
    for f in "$set_dir/gen"/*.pcap*; do echo "$f"; done | sort >"$tmp/gen-all"
    if grep -Eq '\.(gz|zst)$' "$tmp/gen-all" && hs_report honeyscope_gen "$tmp/gen-all"; then
        row "honeyscope report (as generated)" "$nfiles" "$packets" "$b_secs" "$b_rss" "$b_cpu" all
    fi

    say "honeyscope report over the first $half_n files (memory check)"
    half_rss=
    if hs_report honeyscope_half "$tmp/half"; then
        half_rss=$b_rss
    fi

    for peer in $peers; do
        case "$peer" in
        tshark)
            if ! command -v tshark >/dev/null 2>&1; then
                note "tshark: not installed, skipped"
                continue
            fi
            say "tshark -z io,stat,0 over $subset_n files"
            per_file tshark "$tmp/subset" tshark -q -z io,stat,0 -r
            version=$(tshark -v 2>/dev/null | head -n 1 | cut -d' ' -f1-3)
            peer_row "tshark -q -z io,stat,0" "$version" tshark
            ;;
        tcpdump)
            if ! command -v tcpdump >/dev/null 2>&1; then
                note "tcpdump: not installed, skipped"
                continue
            fi
            say "tcpdump -n over $subset_n files"
            per_file tcpdump "$tmp/subset" tcpdump -n -r
            peer_row "tcpdump -n (prints)" "$(tcpdump --version 2>&1 | head -n 1)" tcpdump
            per_file tcpdump_w "$tmp/subset" tcpdump -n -w /dev/null -r
            peer_row "tcpdump -w /dev/null" "$(tcpdump --version 2>&1 | head -n 1)" tcpdump_w
            ;;
        nfpcapd)
            if ! command -v nfpcapd >/dev/null 2>&1; then
                note "nfpcapd: not installed, skipped"
                continue
            fi
            say "nfpcapd over $subset_n files"
            mkdir -p "$tmp/nfcapd"
            # -t 86400: daily flow files, not the default 5-minute ones, so that a
            # month of sparse honeypot traffic is not thousands of tiny files.
            per_file nfpcapd "$tmp/subset" nfpcapd -w "$tmp/nfcapd" -t 86400 -r
            if [ "$p_status" -eq 0 ] && [ -z "$(ls "$tmp/nfcapd")" ]; then
                say "nfpcapd wrote no flow file, left out"
                note "nfpcapd: wrote no flow file, left out"
                continue
            fi
            peer_row "nfpcapd (flows to disk)" "$(nfpcapd_version)" nfpcapd
            ;;
        *) note "$peer: unknown peer, skipped" ;;
        esac
    done
}


# --- bench: bigfile, one file of about 2 GB -----------------------------------

# make_bigfile SCALE DIR: the seed scenario at SCALE merged into
# DIR/honeypot.pcap by mergecap. The months follow one another in time, so
# merging is concatenating (-a) them in name order. The seed set of that scale
# is used when cached, else one is made for the purpose and removed after.
# DIR appears only once complete.
make_bigfile() {
    rm -rf "$2" "$2.part"
    mkdir -p "$2.part" || return 1
    src=$data/scale-$1
    if [ ! -d "$src" ]; then
        generate "$1" "$2.part/set" || return 1
        src=$2.part/set
    fi
    say "merging the seed scenario at scale $1 into $2/honeypot.pcap"
    for f in "$src/plain"/*; do echo "$f"; done | sort >"$2.part/inputs"
    # shellcheck disable=SC2046
    mergecap -a -F pcap -w "$2.part/honeypot.pcap" $(cat "$2.part/inputs") || {
        say "mergecap failed"
        return 1
    }
    rm -rf "$2.part/set" "$2.part/inputs"
    gen_id >"$2.part/generator"
    mv "$2.part" "$2"
}

prepare_bigfile() {
    big='' big_skip=''
    if ! command -v mergecap >/dev/null 2>&1; then
        say "bigfile needs mergecap (Debian package wireshark-common): skipped"
        big_skip="skipped: mergecap (Debian package wireshark-common) is not installed"
        return
    fi
    if [ -n "${BENCH_BIG_SCALE:-}" ]; then
        big_scale=$BENCH_BIG_SCALE big_how=BENCH_BIG_SCALE
    else
        scale_for "$big_bytes"
        big_scale=$scale_got big_how=$scale_how
    fi
    big_dir=$data/bigfile-$big_scale
    [ -d "$big_dir" ] || make_bigfile "$big_scale" "$big_dir" || exit 1
    stale "$big_dir"
    big=$big_dir/honeypot.pcap
    big_size=$(wc -c <"$big")
}

bench_bigfile() {
    [ -n "$big" ] || return
    cat "$big" >/dev/null
    heading "bigfile: the seed scenario at scale $big_scale in one file"
    say "bare libpcap loop over $big ($runs runs)"
    best big_loop "$loop" "$big"
    [ "$b_status" -eq 0 ] || die "the bare loop failed: $(cat "$tmp/big_loop.err")"
    big_packets=$(awk '$1 == "total" { print $2 }' "$tmp/big_loop.out")
    row "bare libpcap loop" 1 "$big_packets" "$b_secs" "$b_rss" "$b_cpu" =big
    big_loop_secs=$b_secs
    big_rss1=
    for t in 1 2; do
        say "honeyscope report --threads $t over $big ($runs runs)"
        best "big_hs$t" "$honeyscope" report --threads "$t" --sensor "$sensor" \
            --group "aws=$root/scenarios/aws-2009.txt" --format json -o /dev/null --quiet "$big"
        if [ "$b_status" -ne 0 ]; then
            say "honeyscope report --threads $t failed (status $b_status):"
            sed 's/^/    /' "$tmp/big_hs$t.err" | tail -n 10 >&2
            failed=1
            continue
        fi
        row "honeyscope report --threads $t" 1 "$big_packets" "$b_secs" "$b_rss" "$b_cpu" big
        if [ "$t" = 1 ]; then limit=2.5 big_rss1=$b_rss; else limit=1.5; fi
        goal "bigfile, --threads $t, wall over the loop's" "$(over "$b_secs" "$big_loop_secs")" \
            "$limit"
        # A figure is only worth what the report was: the results say what it warned of.
        grep '^honeyscope: warning: ' "$tmp/big_hs$t.err" |
            sed "s/^honeyscope: /bigfile, --threads $t: /" >>"$tmp/warnings"
    done
    # Memory follows the budget, not the capture: the same traffic cut to a tenth.
    [ -n "$big_rss1" ] || return
    tenth=$big_dir/first-tenth.pcap
    if [ ! -s "$tenth" ]; then
        say "cutting the first tenth of $big"
        if ! editcap -r "$big" "$tenth.part" "1-$((big_packets / 10))" >/dev/null 2>&1; then
            rm -f "$tenth.part"
            note "bigfile: editcap could not cut its first tenth: memory goal not measured"
            return
        fi
        mv "$tenth.part" "$tenth"
    fi
    say "honeyscope report --threads 1 over the first tenth ($runs runs)"
    best big_tenth "$honeyscope" report --threads 1 --sensor "$sensor" \
        --group "aws=$root/scenarios/aws-2009.txt" --format json -o /dev/null --quiet "$tenth"
    if [ "$b_status" -ne 0 ]; then
        say "honeyscope report over the first tenth failed (status $b_status)"
        failed=1
        return
    fi
    row "honeyscope --threads 1, first tenth" 1 "$((big_packets / 10))" "$b_secs" "$b_rss" \
        "$b_cpu" big
    goal "bigfile, peak RSS over its first tenth's" "$(over "$big_rss1" "$b_rss")" 1.5
}

# --- bench: flood, a darknet day of many sources -------------------------------

# make_flood SOURCES DIR: the flood scenario into DIR, with the generator's
# time and peak memory in DIR/gen.time. DIR appears only once complete.
make_flood() {
    rm -rf "$2" "$2.part"
    mkdir -p "$2.part" || return 1
    say "generating the flood scenario with $1 sources into $2"
    if ! /usr/bin/time -f '%e %M' -o "$2.part/gen.time" \
        "$gen" --scenario flood --sources "$1" --out "$2.part" >"$2.part/gen.log" 2>&1; then
        sed 's/^/    /' "$2.part/gen.log" | tail -n 20 >&2
        say "the generator failed"
        return 1
    fi
    gen_id >"$2.part/generator"
    mv "$2.part" "$2"
}

prepare_flood() {
    flood_dir=$data/flood-$flood_sources
    [ -d "$flood_dir" ] || make_flood "$flood_sources" "$flood_dir" || exit 1
    stale "$flood_dir"
    flood=$flood_dir/flood.pcap
    flood_size=$(wc -c <"$flood")
    flood_gen=$(awk '{ printf "generated in %s s with %.1f MiB peak", $1, $2 / 1024 }' \
        "$flood_dir/gen.time" 2>/dev/null)
    # The sensor set is the one the truth names: the darknet's prefixes.
    flood_sensors=
    for s in $(jq -r '.sensor[]' "$flood_dir/truth.json" 2>/dev/null); do
        flood_sensors="$flood_sensors --sensor $s"
    done
    [ -n "$flood_sensors" ] ||
        flood_sensors="--sensor 198.51.100.0/24 --sensor 2001:db8:64::/64"
}

bench_flood() {
    cat "$flood" >/dev/null
    heading "flood: one darknet day, $flood_sources sources, one flow per packet"
    say "bare libpcap loop over $flood ($runs runs)"
    best flood_loop "$loop" "$flood"
    [ "$b_status" -eq 0 ] || die "the bare loop failed: $(cat "$tmp/flood_loop.err")"
    flood_packets=$(awk '$1 == "total" { print $2 }' "$tmp/flood_loop.out")
    row "bare libpcap loop" 1 "$flood_packets" "$b_secs" "$b_rss" "$b_cpu" =flood
    flood_loop_secs=$b_secs

    flood_truth=
    for t in 1 2; do
    say "honeyscope report --threads $t over $flood ($runs runs)"
    # shellcheck disable=SC2086
    best flood_hs "$honeyscope" report --threads $t $flood_sensors --group any --format json \
        -o "$tmp/flood.json" --quiet "$flood"
    if [ "$b_status" -ne 0 ]; then
        say "honeyscope report failed (status $b_status):"
        sed 's/^/    /' "$tmp/flood_hs.err" | tail -n 10 >&2
        failed=1
    else
        row "honeyscope report --threads $t" 1 "$flood_packets" "$b_secs" "$b_rss" "$b_cpu" flood
        goal "flood, --threads $t, wall over the loop's" "$(over "$b_secs" "$flood_loop_secs")" 6
        goal "flood, --threads $t, peak RSS MiB at the default --memory" \
            "$(awk -v k="$b_rss" 'BEGIN { print k / 1024 }')" 512
        # Fast and wrong would not count: the figures the truth knows.
        if command -v jq >/dev/null 2>&1; then
            got=$(jq -c '[.inputs.packets, .groups[0].totals.bytes_in, .inputs.flows.started,
                .groups[0].totals.sources]' "$tmp/flood.json")
            want=$(jq -c '[.packets, .bytes, .flows, .groups.any.sources.distinct]' \
                "$flood_dir/truth.json")
            if [ "$got" = "$want" ]; then
                flood_truth="matches truth.json (packets, bytes, flows, sources $want)"
            else
                flood_truth="DIFFERS from truth.json: [packets, bytes, flows, sources] $got, want $want"
                say "flood: honeyscope's report $flood_truth"
            fi
        fi
    fi
    done

    case " $peers " in *" nfpcapd "*) ;; *) return ;; esac
    if ! command -v nfpcapd >/dev/null 2>&1; then
        note "nfpcapd: not installed, skipped"
        return
    fi
    say "nfpcapd over $flood"
    rm -rf "$tmp/nfcapd-flood"
    mkdir -p "$tmp/nfcapd-flood"
    timed flood_nfpcapd nfpcapd -w "$tmp/nfcapd-flood" -t 86400 -r "$flood"
    if [ "$t_status" -ne 0 ]; then
        say "nfpcapd failed (status $t_status), left out:"
        sed 's/^/    /' "$tmp/flood_nfpcapd.err" | tail -n 5 >&2
        note "nfpcapd: failed on the flood (status $t_status), left out"
        [ "$t_status" -ge 128 ] && failed=1
        return
    fi
    if [ -z "$(ls "$tmp/nfcapd-flood")" ]; then
        say "nfpcapd wrote no flow file, left out"
        note "nfpcapd: wrote no flow file for the flood, left out"
        return
    fi
    row "nfpcapd (flows to disk)" 1 "$flood_packets" "$t_secs" "$t_rss" "$t_cpu" flood
    note "nfpcapd (flows to disk): $(nfpcapd_version)"
}

# --- bench: store, ingest against nfpcapd -z ----------------------------------------

# Sum of the sizes of the files under a directory, in bytes.
tree_bytes() {
    find "$1" -type f -printf '%s\n' | awk '{ s += $1 } END { printf "%.0f\n", s }'
}

# store_line SET WHAT A B: one line of the store table, A against B (honeyscope
# against nfpcapd, or --threads 1 against --threads 2). Sizes are bytes, times
# seconds; the ratio is A / B.
store_line() {
    printf '%s\t%s\t%s\t%s\n' "$@" >>"$tmp/store-rows"
}
: >"$tmp/store-rows"

# hs_ingest NAME DB THREADS SENSORS FILES...: best of $runs ingests, each into a
# fresh DB; sets b_secs and b_status.
hs_ingest() {
    i_name=$1 i_db=$2 i_threads=$3 i_sensors=$4
    shift 4
    b_secs='' b_status=0
    i=0
    while [ "$i" -lt "$runs" ]; do
        rm -f "$i_db" "$i_db-wal" "$i_db-shm"
        # shellcheck disable=SC2086
        timed "$i_name" "$honeyscope" ingest --quiet --threads "$i_threads" --db "$i_db" \
            $i_sensors "$@"
        if [ "$t_status" -ne 0 ]; then
            b_status=$t_status
            say "honeyscope ingest failed (status $t_status):"
            sed 's/^/    /' "$tmp/$i_name.err" | tail -n 10 >&2
            failed=1
            return
        fi
        if [ -z "$b_secs" ] || awk -v a="$t_secs" -v b="$b_secs" 'BEGIN { exit !(a < b) }'; then
            b_secs=$t_secs
        fi
        i=$((i + 1))
    done
}

# nf_flows NAME DIR FILES...: nfpcapd -z over each file, daily flow files into DIR
# (one directory per capture, as nfpcapd names its files by time); sets n_secs
# (summed) and n_status.
nf_flows() {
    n_name=$1 n_dir=$2
    shift 2
    n_secs=0 n_status=0
    rm -rf "$n_dir"
    k=0
    for f in "$@"; do
        k=$((k + 1))
        mkdir -p "$n_dir/$k"
        timed "$n_name" nfpcapd -z -w "$n_dir/$k" -t 86400 -r "$f"
        if [ "$t_status" -ne 0 ]; then
            n_status=$t_status
            say "nfpcapd -z failed on $f (status $t_status):"
            sed 's/^/    /' "$tmp/$n_name.err" | tail -n 5 >&2
            return
        fi
        n_secs=$(awk -v a="$n_secs" -v b="$t_secs" 'BEGIN { print a + b }')
    done
}

# store_set LABEL SENSORS BATCH_LIST FILES...: the store bench on one set of captures.
store_set() {
    s_label=$1 s_sensors=$2 s_batch=$3
    shift 3
    # shellcheck disable=SC2068
    cat $@ >/dev/null
    db=$tmp/store-$s_label.db
    say "store/$s_label: honeyscope ingest --threads 1 ($runs runs)"
    hs_ingest "ingest_$s_label" "$db" 1 "$s_sensors" "$@"
    [ "$b_status" -eq 0 ] || return
    hs_secs_1=$b_secs
    db_bytes=$(wc -c <"$db")
    sqlite3 "$db" "VACUUM INTO '$tmp/store-$s_label-vacuum.db'" ||
        say "store/$s_label: VACUUM INTO failed"
    vacuum_bytes=$(wc -c <"$tmp/store-$s_label-vacuum.db" 2>/dev/null || echo 0)
    rows=$(sqlite3 "$db" "SELECT ((SELECT count(*) FROM traffic_row)
        + (SELECT coalesce(sum(rows), 0) FROM traffic_pack)) || ' traffic rows, ' ||
        ((SELECT count(*) FROM evidence_row)
        + (SELECT coalesce(sum(rows), 0) FROM evidence_pack)) || ' evidence rows'")
    store_line "$s_label" "store bytes ($rows)" "$db_bytes" -
    if [ "$s_label" = seed ]; then
        # Issue 11: a year of the seed scenario (scale 1) reported from its
        # store in under a second; the set above, at its scale, beside it.
        [ -d "$data/scale-1" ] || generate 1 "$data/scale-1" || exit 1
        # shellcheck disable=SC2086
        "$honeyscope" ingest -q --db "$tmp/store-scale-1.db" $s_sensors "$data/scale-1/plain"/* \
            >/dev/null 2>&1 || say "store/seed: ingest of the scale-1 set failed"
        for of in "$tmp/store-scale-1.db:1" "$db:$scale"; do
            say "store/seed: honeyscope report --db over 2009 at scale ${of##*:} ($runs runs)"
            best report_db "$honeyscope" report --db "${of%:*}" --group "aws=$groups" \
                --from 2009-01-01 --to 2009-12-31 --format json -o /dev/null --quiet
            if [ "$b_status" -ne 0 ]; then
                say "honeyscope report --db failed (status $b_status)"
                failed=1
                continue
            fi
            store_line seed "report --db, 2009 at scale ${of##*:}, wall s" "$b_secs" -
            [ "${of##*:}" = 1 ] &&
                goal "store, report --db over a year of the seed scenario, seconds" "$b_secs" 1
        done
    fi
    store_line "$s_label" "store bytes after VACUUM" "$vacuum_bytes" -
    if command -v nfpcapd >/dev/null 2>&1; then
        say "store/$s_label: nfpcapd -z over the same $# file(s)"
        best_nf=''
        i=0
        while [ "$i" -lt "$runs" ]; do
            nf_flows "nfpcapd_$s_label" "$tmp/nf-$s_label" "$@"
            [ "$n_status" -eq 0 ] || break
            if [ -z "$best_nf" ] || awk -v a="$n_secs" -v b="$best_nf" 'BEGIN { exit !(a < b) }'; then
                best_nf=$n_secs
            fi
            i=$((i + 1))
        done
        if [ "$n_status" -eq 0 ]; then
            nf_bytes=$(tree_bytes "$tmp/nf-$s_label")
            nf_files=$(find "$tmp/nf-$s_label" -type f | wc -l)
            store_line "$s_label" "size: store / nfpcapd -z flow files ($nf_files)" "$db_bytes" \
                "$nf_bytes"
            store_line "$s_label" "size: store after VACUUM / nfpcapd -z" "$vacuum_bytes" \
                "$nf_bytes"
            store_line "$s_label" "ingest wall s, 1 thread / nfpcapd -z" "$hs_secs_1" "$best_nf"
            note "nfpcapd -z (store bench): $(nfpcapd_version)"
        else
            note "nfpcapd -z: failed on store/$s_label, left out"
        fi
    else
        note "nfpcapd: not installed, the store bench's comparisons skipped"
        store_line "$s_label" "ingest wall s, 1 thread" "$hs_secs_1" -
    fi
    if [ -z "$s_batch" ]; then
        store_line "$s_label" "batch of 8 files: skipped ($batch_skip)" - -
        return
    fi
    # shellcheck disable=SC2046
    cat $(cat "$s_batch") >/dev/null
    for t in 1 2; do
        say "store/$s_label: ingest of $(wc -l <"$s_batch") files, --threads $t ($runs runs)"
        # shellcheck disable=SC2046
        hs_ingest "batch_${s_label}_$t" "$tmp/batch-$s_label.db" "$t" "$s_sensors" \
            $(cat "$s_batch")
        [ "$b_status" -eq 0 ] || return
        eval "batch_secs_$t=\$b_secs"
    done
    # shellcheck disable=SC2154
    store_line "$s_label" "batch of 8 files, wall s: --threads 1 / --threads 2" "$batch_secs_1" \
        "$batch_secs_2"
}

bench_store() {
    # The seed set: all its files, and a batch of the 8 of median size.
    seed_n=$(wc -l <"$tmp/all")
    first8=$(((seed_n - 8) / 2 + 1))
    [ "$first8" -lt 1 ] && first8=1
    # shellcheck disable=SC2012
    ls -S "$plain" | sed -n "$first8,$((first8 + 7))p" | sort | sed "s|^|$plain/|" \
        >"$tmp/store-seed-batch"
    batch_skip=
    # shellcheck disable=SC2046
    store_set seed "--sensor $sensor" "$tmp/store-seed-batch" $(cat "$tmp/all")
    # The flood: one file, and the same packets cut into 8 files by editcap.
    flood_batch=
    if command -v editcap >/dev/null 2>&1; then
        flood_packets_n=$(jq -r '.packets' "$flood_dir/truth.json" 2>/dev/null)
        case "$flood_packets_n" in '' | null | *[!0-9]*) flood_packets_n=$flood_sources ;; esac
        flood_packets=${flood_packets:-$flood_packets_n}
        mkdir -p "$tmp/flood8"
        if editcap -c $(((flood_packets_n + 7) / 8)) "$flood" "$tmp/flood8/flood.pcap"; then
            for f in "$tmp/flood8"/*; do echo "$f"; done | sort >"$tmp/store-flood-batch"
            flood_batch=$tmp/store-flood-batch
        else
            batch_skip="editcap failed"
        fi
    else
        batch_skip="needs editcap (Debian package wireshark-common)"
    fi
    store_set flood "$flood_sensors" "$flood_batch" "$flood"
}

# --- run ------------------------------------------------------------------------

# Every capture is made (or found cached) before anything is timed, so that
# generating one does not weigh on the timing of another.
if wanted seed || wanted store; then prepare_seed; fi
wanted bigfile && prepare_bigfile
if wanted flood || wanted store; then prepare_flood; fi
# Other work on the machine skews the wall times: the load is shown with them.
load_before=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)
wanted seed && bench_seed
wanted bigfile && bench_bigfile
wanted flood && bench_flood
wanted store && bench_store
# Keys an attacker chose to collide, against random ones (issue 10: at most 2x).
if [ -x "$bench/hash_flood" ]; then
    if "$bench/hash_flood" >"$tmp/hash_flood" 2>"$tmp/hash_flood.err"; then
        while read -r line; do note "hash_flood: $line"; done <"$tmp/hash_flood.err"
        cat "$tmp/hash_flood" >>"$tmp/goals"
        while read -r _ table colliding random _; do
            goal "hash flood, $table, colliding keys' time over random keys'" \
                "$(over "$colliding" "$random")" 2
        done <"$tmp/hash_flood"
    else
        say "hash_flood failed: $(tail -n 3 "$tmp/hash_flood.err")"
        failed=1
    fi
else
    note "hash_flood: not built (make bench builds it), hash flooding not measured"
fi

# --- the table ----------------------------------------------------------------

model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
mem_kib=$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo 2>/dev/null)

load_after=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)

# The report; run.sh keeps a copy in BUILD/bench/results.txt.
print_report() {
    echo
    mem_gib=$(awk -v k="${mem_kib:-0}" 'BEGIN { printf "%.1f", k / 1048576 }')
    echo "machine: $(nproc) cores, ${model:-unknown CPU}, $mem_gib GiB memory;" \
        "load average ${load_before:-?} before, ${load_after:-?} after"
    if wanted seed || wanted store; then
        echo "seed: the seed scenario at scale $scale ($scale_how)"
        echo "  $nfiles files, ${packets:-?} packets, $(mib "$plain_bytes") MiB uncompressed" \
            "($(mib "$gen_bytes") MiB as generated), in $plain"
        wanted seed && echo "  peers: one run per file over the $subset_n files of median size"
    fi
    if wanted bigfile; then
        if [ -n "$big" ]; then
            echo "bigfile: the seed scenario at scale $big_scale ($big_how), merged by mergecap"
            echo "  1 file, ${big_packets:-?} packets, $(mib "$big_size") MiB, $big"
        else
            echo "bigfile: $big_skip"
        fi
    fi
    if wanted flood || wanted store; then
        echo "flood: gen_scenario --scenario flood --sources $flood_sources${flood_gen:+, $flood_gen}"
        echo "  1 file, ${flood_packets:-?} packets, $(mib "$flood_size") MiB, $flood"
    fi
    if wanted seed || wanted bigfile || wanted flood; then
        echo "bare loop and honeyscope: best of $runs run(s); every ratio is against the bare" \
            "loop on the same files in this run"
    fi
    awk -F '\t' '
    function rate(p, s) { return s > 0 ? p / s / 1e6 : 0 }
    BEGIN {
        fmt = "%-34s %7s %12s %9s %10s %9s %12s %8s\n"
    }
    /^#/ {
        printf "\n%s\n", substr($0, 2)
        printf fmt, "tool", "files", "packets", "seconds", "M pkt/s", "vs loop", "peak RSS MiB",
            "CPU s"
        next
    }
    {
        r = rate($3, $4)
        key = $7
        if (substr(key, 1, 1) == "=") {
            key = substr(key, 2)
            ref[key] = r
        }
        rs = r > 0 ? sprintf("%.2f", r) : "-"
        ratio = (r > 0 && ref[key] > 0) ? sprintf("%.1f%%", 100 * r / ref[key]) : "-"
        printf fmt, $1, $2, $3, sprintf("%.3f", $4), rs, ratio, sprintf("%.1f", $5 / 1024),
            sprintf("%.2f", $6)
    }' "$tmp/rows"
    echo

    if wanted seed; then
        target="honeyscope full report >= 40% of the bare libpcap loop's packets/s"
        if [ -n "$hs_secs" ]; then
            awk -v t="$target" -v h="$hs_secs" -v l="$loop_all_secs" 'BEGIN {
                if (h <= 0 || l <= 0) {
                    printf "target: %s: too fast to time, use a larger BENCH_SCALE\n", t
                    exit
                }
                pct = 100 * l / h
                printf "target: %s: %.1f%% %s\n", t, pct, (pct >= 40 ? "PASS" : "BELOW")
            }'
        else
            echo "target: $target: not measured (honeyscope failed)"
        fi

        if [ -n "$half_rss" ] && [ -n "$hs_secs" ]; then
            half_packets=$(packets_in "$tmp/half")
            awk -v hr="$half_rss" -v ar="$hs_rss" -v hn="$half_n" -v an="$nfiles" \
                -v hp="$half_packets" -v ap="$packets" 'BEGIN {
                printf "memory: honeyscope peak RSS over the first %d files (%d packets): %.1f MiB\n",
                    hn, hp, hr / 1024
                printf "        over all %d files (%d packets): %.1f MiB: ", an, ap, ar / 1024
                # Flat: within 10% plus 4 MiB of the smaller run while the packets grew.
                if (ar <= hr * 1.10 + 4096)
                    print "flat"
                else
                    printf "GROWS (+%.0f%%)\n", 100 * (ar - hr) / hr
            }'
        fi
    fi
    cat "$tmp/goals"
    if wanted flood && [ -n "${flood_truth:-}" ]; then
        echo "flood: honeyscope's report $flood_truth"
    fi
    [ -s "$tmp/warnings" ] && cat "$tmp/warnings"
    if wanted store; then
        echo
        echo "store: honeyscope ingest against nfpcapd -z -t 86400 (LZO, daily flow files, one"
        echo "  nfpcapd run per capture); best of $runs run(s); ratio = first / second"
        awk -F '\t' '
        BEGIN { fmt = "%-6s %-58s %14s %14s %8s\n"; printf fmt, "set", "what", "first", "second", "ratio" }
        {
            ratio = ($3 != "-" && $4 != "-" && $4 > 0) ? sprintf("%.2fx", $3 / $4) : "-"
            printf fmt, $1, $2, $3, $4, ratio
        }' "$tmp/store-rows"
    fi

    echo
    printf '%s' "$notes" | sed 's/^/peer /'
}
print_report | tee "$bench/results.txt"
[ "$failed" -eq 0 ] || say "something failed or crashed: see above"
exit "$failed"
