#!/bin/sh
# Benchmarks honeyscope against a bare libpcap read loop and the peer tools
# installed (tshark, tcpdump, nfpcapd), on one generated capture set, and
# prints a table. Not a test: it exits 0 whatever the speeds, and 1 only when
# something failed to run or crashed.
#
# Usage: bench/run.sh [BUILD]          (make bench runs it after make all tools)
#
# Environment:
#   BENCH_SCALE   --scale for the seed scenario (default: chosen so the set is
#                 about BENCH_BYTES of uncompressed pcap, from a scale-1 probe)
#   BENCH_BYTES   target size of the set when BENCH_SCALE is not given (1e9)
#   BENCH_RUNS    runs of the bare loop and of honeyscope, best kept (3)
#   BENCH_SUBSET  files the slow peers read (2)
#   BENCH_PEERS   peers to try, of "tshark tcpdump nfpcapd" (all)
#
# The set is cached under BUILD/bench/data/scale-S and made again only when
# that directory is missing: remove it after the generator changes.
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
peers=${BENCH_PEERS:-tshark tcpdump nfpcapd}
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

# What identifies the generator's output: its source, when present.
gen_id() {
    if [ -f tools/gen_scenario.c ]; then cksum <tools/gen_scenario.c; else cksum <"$gen"; fi
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

if [ -n "${BENCH_SCALE:-}" ]; then
    scale=$BENCH_SCALE
    scale_how="BENCH_SCALE"
else
    [ -d "$data/scale-1" ] || generate 1 "$data/scale-1" || exit 1
    probe=$(dir_bytes "$data/scale-1/plain")
    [ "$probe" -gt 0 ] || die "the scale-1 probe set is empty"
    scale=$(awk -v t="$target_bytes" -v b="$probe" \
        'BEGIN { s = t / b; if (s >= 1) printf "%d\n", s + 0.5; else printf "%.3g\n", s }')
    scale_how="scale 1 is $probe bytes; target $target_bytes bytes"
fi
set_dir=$data/scale-$scale
[ -d "$set_dir" ] || generate "$scale" "$set_dir" || exit 1
[ "$(cat "$set_dir/generator" 2>/dev/null)" = "$(gen_id)" ] ||
    say "note: $set_dir was made by another version of the generator; remove it to make it again"
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

# Every tool reads from the page cache, not the disk.
# shellcheck disable=SC2046
cat $(cat "$tmp/all") >/dev/null
# Other work on the machine skews the wall times: the load is shown with them.
load_before=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)

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

# row TOOL FILES PACKETS SECONDS RSS_KIB CPU REF: one line of the table; REF
# names the loop figure the ratio is taken against (all or subset).
row() {
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$tmp/rows"
}
: >"$tmp/rows"

# Packets in a list of files, from the loop's per-file counts.
packets_in() {
    awk 'NR == FNR { want[$1] = 1; next } ($1 in want) { s += $2 } END { printf "%.0f\n", s }' \
        "$1" "$tmp/loop-counts"
}

# --- the bare loop --------------------------------------------------------

say "bare libpcap loop over $nfiles files ($runs runs)"
# shellcheck disable=SC2046
best loop "$loop" $(cat "$tmp/all")
[ "$b_status" -eq 0 ] || die "the bare loop failed: $(cat "$tmp/loop.err")"
cp "$tmp/loop.out" "$tmp/loop-counts"
packets=$(awk '$1 == "total" { print $2 }' "$tmp/loop-counts")
loop_all_secs=$b_secs
row "bare libpcap loop" "$nfiles" "$packets" "$b_secs" "$b_rss" "$b_cpu" all

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
        "$loop_subset_secs" "$b_rss" "$loop_subset_cpu" subset
fi

# --- honeyscope -------------------------------------------------------------

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

# --- peers, on the subset ---------------------------------------------------

notes=
note() { notes="$notes$*
"; }

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
        peer_row "nfpcapd (flows to disk)" "$(nfpcapd -V 2>&1 | head -n 1 | sed 's/^nfpcapd: //')" \
            nfpcapd
        ;;
    *) note "$peer: unknown peer, skipped" ;;
    esac
done

# --- the table ----------------------------------------------------------

mib() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }
model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)
mem_kib=$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo 2>/dev/null)

load_after=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)

# The report; run.sh keeps a copy in BUILD/bench/results.txt.
print_report() {
    echo
    mem_gib=$(awk -v k="${mem_kib:-0}" 'BEGIN { printf "%.1f", k / 1048576 }')
    echo "machine: $(nproc) cores, ${model:-unknown CPU}, $mem_gib GiB memory;" \
        "load average ${load_before:-?} before, ${load_after:-?} after"
    echo "capture set: seed scenario at scale $scale ($scale_how)"
    echo "  $nfiles files, $packets packets, $(mib "$plain_bytes") MiB uncompressed" \
        "($(mib "$gen_bytes") MiB as generated), in $plain"
    echo "  bare loop and honeyscope: best of $runs run(s) over all files; peers: one run per" \
        "file over the $subset_n files of median size; ratios against the loop on the same files"
    echo
    awk -F '\t' -v loop_all="$loop_all_secs" -v loop_subset="${loop_subset_secs:-0}" \
        -v pk_all="$packets" -v pk_subset="$subset_packets" '
    function rate(p, s) { return s > 0 ? p / s / 1e6 : 0 }
    BEGIN {
        fmt = "%-34s %7s %12s %9s %10s %9s %12s %8s\n"
        printf fmt, "tool", "files", "packets", "seconds", "M pkt/s", "vs loop", "peak RSS MiB",
            "CPU s"
        ref["all"] = rate(pk_all, loop_all)
        ref["subset"] = rate(pk_subset, loop_subset)
    }
    {
        r = rate($3, $4)
        rs = r > 0 ? sprintf("%.2f", r) : "-"
        ratio = (r > 0 && ref[$7] > 0) ? sprintf("%.1f%%", 100 * r / ref[$7]) : "-"
        printf fmt, $1, $2, $3, sprintf("%.3f", $4), rs, ratio, sprintf("%.1f", $5 / 1024),
            sprintf("%.2f", $6)
    }' "$tmp/rows"
    echo

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

    echo
    printf '%s' "$notes" | sed 's/^/peer /'
}
print_report | tee "$bench/results.txt"
[ "$failed" -eq 0 ] || say "something failed or crashed: see above"
exit "$failed"
