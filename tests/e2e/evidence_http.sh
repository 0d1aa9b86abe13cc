# HTTP evidence against tshark on the real captures of ../shared/data/captures:
# for every remote address, the requests by method and the responses by status
# code that the report credits to it agree with tshark's http.request.method and
# http.response.code of the packets that remote exchanged with the sensor.
#
# Each remote is put in a group of its own, so a message credited to the wrong
# conversation (another remote's request or response) shows as a difference.
# tshark is told to read TCP as honeyscope does (docs/semantics.md, Evidence):
# segments in capture order, with no retransmission analysis, and a message's
# headers count even when the capture does not hold all of its body.
. "$(dirname "$0")/../lib.sh"
dir="$SHARED/captures"
if [ ! -d "$dir" ]; then
    skip evidence_http "no reference data at $dir"
    exit 0
fi
for tool in tshark jq; do
    if ! command -v "$tool" >/dev/null; then
        skip evidence_http "$tool is not installed"
        exit 0
    fi
done
w="$TEST_WORK/evidence_http"
mkdir -p "$w"
topts="-o tcp.analyze_sequence_numbers:FALSE -o http.desegment_body:FALSE"

# Captures whose HTTP honeyscope cannot see, by the documented rules.
why_not() {
    case "$1" in
    simple_http_sll2.pcap | WebattackRCE.pcap) echo "both ends are 127.0.0.1: there is no remote side" ;;
    6in4tunnel.pcap) echo "HTTP inside a 6in4 tunnel: only the outer IP header is analysed" ;;
    esac
}

compared=0
for f in "$dir"/*.pcap* "$dir"/ndpi/*.pcap*; do
    name=$(basename "$f")
    case "$name" in *.gz | *.zst) continue ;; esac
    # One line per HTTP message: source, destination, method or status code.
    # shellcheck disable=SC2086
    tshark -r "$f" $topts -Y "http.request || http.response" -E occurrence=a -E aggregator=' ' \
        -T fields -e ip.src -e ipv6.src -e ip.dst -e ipv6.dst -e http.request.method \
        -e http.response.code 2>/dev/null |
        awk -F'\t' '{ src = $1 != "" ? $1 : $2; dst = $3 != "" ? $3 : $4
            n = split($5, m, " "); for (i = 1; i <= n; i++) print src, dst, "request", m[i]
            n = split($6, c, " "); for (i = 1; i <= n; i++) print src, dst, "response", c[i] }' \
            >"$w/$name.tshark"
    [ -s "$w/$name.tshark" ] || continue
    reason=$(why_not "$name")
    if [ -n "$reason" ]; then
        skip "evidence_http_$name" "$reason"
        continue
    fi
    "$HS" report --quiet --format json "$f" >"$w/$name.sensor.json" 2>"$w/$name.err" || {
        fail "evidence_http_$name" "report failed: $(head -c 300 "$w/$name.err")"
        continue
    }
    # The detected sensor addresses; every other address of a message is a remote.
    jq -r '.sensor[] | sub("/(32|128)$"; "")' "$w/$name.sensor.json" >"$w/$name.sensors"
    awk 'NR == FNR { sensor[$1] = 1; next }
        { r = ($1 in sensor) ? $2 : $1; print r, $3, $4 }' \
        "$w/$name.sensors" "$w/$name.tshark" | sort | uniq -c |
        awk '{ print $2, $3, $4, $1 }' >"$w/$name.want"
    # A group per remote address.
    set --
    i=0
    for r in $(awk '{ print $1 }' "$w/$name.want" | sort -u); do
        i=$((i + 1))
        case "$r" in *:*) len=128 ;; *) len=32 ;; esac
        echo "$r/$len $r" >"$w/$name.r$i"
        set -- "$@" --group "r$i=$w/$name.r$i"
    done
    "$HS" report --quiet --format json "$@" "$f" >"$w/$name.json" 2>"$w/$name.err" || {
        fail "evidence_http_$name" "report failed: $(head -c 300 "$w/$name.err")"
        continue
    }
    # Each group's list must be complete for the per-method count to be exact.
    jq -r '.groups[] | select(.name != "other") | (.name | ltrimstr("r")) as $i
        | (.evidence["http-request"] // {top: [], distinct: 0}) as $q
        | (.evidence["http-response"] // {top: [], distinct: 0}) as $s
        | if ($q.top | length) < $q.distinct or ($s.top | length) < $s.distinct
          then "\($i) incomplete - 0" else
          ($q.top[] | "\($i) request \(.value | split(" ")[0]) \(.count)"),
          ($s.top[] | "\($i) response \(.value | split(" ")[0]) \(.count)") end' \
        "$w/$name.json" >"$w/$name.got.raw"
    i=0
    for r in $(awk '{ print $1 }' "$w/$name.want" | sort -u); do
        i=$((i + 1))
        awk -v i="$i" -v r="$r" '$1 == i { $1 = r; print }' "$w/$name.got.raw"
    done | awk '{ n[$1 " " $2 " " $3] += $4 } END { for (k in n) print k, n[k] }' |
        sort >"$w/$name.got"
    sort -o "$w/$name.want" "$w/$name.want"
    if cmp -s "$w/$name.got" "$w/$name.want"; then
        pass "evidence_http_$name"
        compared=$((compared + 1))
    else
        fail "evidence_http_$name" "remote, kind, method/code, count differ from tshark:
$(diff "$w/$name.want" "$w/$name.got" | sed 's/^/    /')"
    fi
done
if [ "$compared" -eq 0 ]; then
    skip evidence_http "no capture with HTTP that honeyscope can analyse"
fi
