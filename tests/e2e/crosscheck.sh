# Cross-checks against independent tools on the same generated captures:
# tshark's and tcpdump's counts of packets to the sensor per port, of packets
# each way, and of distinct sources must equal honeyscope's exactly.
. "$(dirname "$0")/../lib.sh"
seed=$(scenario seed 1) || { fail crosscheck_scenario "generator failed"; exit 0; }
w="$TEST_WORK/crosscheck"
mkdir -p "$w"
aws="$HONEYSCOPE_ROOT/scenarios/aws-2009.txt"
blocks=$(grep -v '^#' "$aws" | awk 'NF {printf "%s%s", sep, $1; sep = ", "}')
# Three months in three formats: gzip pcap, nanosecond pcap, misnamed pcapng.
files="$seed/honeypot-2008-05.pcap.gz $seed/honeypot-2009-06.pcap $seed/honeypot-2009-09.pcap"

# shellcheck disable=SC2086
"$HS" report --quiet --sensor 192.0.2.10/32 --group aws="$aws" --group any --format json $files \
    >"$w/report.json"
g_aws='.groups[0]'
g_any='.groups[1]'

if command -v tshark >/dev/null; then
    # One pass per file and selection: IP packets as
    # "src,dst,len,tcp_dport,udp_dport,udp_sport,tcp_sport".
    fields() { # display-filter
        for f in $files; do
            tshark -r "$f" -Y "$1" -T fields -E separator=, -E occurrence=f \
                -e ip.src -e ip.dst -e ip.len -e tcp.dstport -e udp.dstport -e udp.srcport \
                -e tcp.srcport 2>/dev/null
        done
    }
    fields "ip.src in {$blocks} || ip.dst in {$blocks}" >"$w/aws.txt"
    fields "ip" >"$w/all.txt"
    inbound() { awk -F, '$2 == "192.0.2.10"' "$1"; }
    # The sensor's own connections use ephemeral ports that can equal a
    # scanned port (1080, say): replies from the services it used (SMTP, DNS,
    # HTTP) are not scans, whatever their destination port.
    for port in 445 139 1080 9988; do
        want=$(inbound "$w/aws.txt" | awk -F, -v p="$port" '$4 == p && $7 != 25 && $7 != 80' | wc -l)
        got=$(jq "[$g_aws.ports_in[] | select(.proto==\"tcp\" and .port==$port) | .packets] | add // 0" "$w/report.json")
        expect_eq "tshark_aws_tcp_$port" "$got" "$want"
    done
    want=$(inbound "$w/aws.txt" | awk -F, '$5 == 1434 && $6 != 53' | wc -l)
    got=$(jq "[$g_aws.ports_in[] | select(.proto==\"udp\" and .port==1434) | .packets] | add // 0" "$w/report.json")
    expect_eq tshark_aws_udp_1434 "$got" "$want"
    expect_eq tshark_aws_packets_in "$(jq "$g_aws.totals.packets_in" "$w/report.json")" \
        "$(inbound "$w/aws.txt" | wc -l)"
    expect_eq tshark_aws_packets_out "$(jq "$g_aws.totals.packets_out" "$w/report.json")" \
        "$(awk -F, '$1 == "192.0.2.10"' "$w/aws.txt" | wc -l)"
    expect_eq tshark_any_packets_in "$(jq "$g_any.totals.packets_in" "$w/report.json")" \
        "$(awk -F, '$2 == "192.0.2.10" && $1 != "192.0.2.10"' "$w/all.txt" | wc -l)"
    expect_eq tshark_any_packets_out "$(jq "$g_any.totals.packets_out" "$w/report.json")" \
        "$(awk -F, '$1 == "192.0.2.10" && $2 != "192.0.2.10"' "$w/all.txt" | wc -l)"
    expect_eq tshark_aws_bytes_in "$(jq "$g_aws.totals.bytes_in" "$w/report.json")" \
        "$(inbound "$w/aws.txt" | awk -F, '{s += $3} END {print s + 0}')"
    expect_eq tshark_aws_distinct_sources "$(jq "$g_aws.sources.distinct" "$w/report.json")" \
        "$(inbound "$w/aws.txt" | awk -F, '{print $1}' | sort -u | wc -l)"
    expect_eq tshark_any_distinct_sources "$(jq "$g_any.sources.distinct" "$w/report.json")" \
        "$(awk -F, '$2 == "192.0.2.10" && $1 != "192.0.2.10" {print $1}' "$w/all.txt" | sort -u | wc -l)"
else
    skip tshark_crosscheck "tshark is not installed"
fi

if command -v tcpdump >/dev/null; then
    for port in 445 139; do
        n=0
        for f in $files; do
            case "$f" in *.gz) gzip -dc "$f" >"$w/t.pcap" ;; *) cp "$f" "$w/t.pcap" ;; esac
            c=$(tcpdump -nr "$w/t.pcap" "dst host 192.0.2.10 and tcp dst port $port" 2>/dev/null | wc -l)
            n=$((n + c))
        done
        got=$(jq "[$g_any.ports_in[] | select(.proto==\"tcp\" and .port==$port) | .packets] | add // 0" "$w/report.json")
        expect_eq "tcpdump_any_tcp_$port" "$got" "$n"
    done
else
    skip tcpdump_crosscheck "tcpdump is not installed"
fi
