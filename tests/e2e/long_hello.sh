# TLS ClientHellos longer than the 1024 bytes an ordinary side keeps
# (docs/semantics.md, Fingerprints): tests/e2e/long_hello_pcap.py writes a
# browser-shaped hello with a post-quantum key share (1,817 bytes) sent in
# two segments, the same in records of 1,000 bytes over three segments, and a
# hello filling one 16 KiB record. Each must give its JA4, equal to the one
# the generator computes from its own lists and to the one
# tests/e2e/ja4_tshark.py computes from tshark's dissection, and its server
# name; the store gives the same.
. "$(dirname "$0")/../lib.sh"
if ! command -v jq >/dev/null; then
    skip long_hello "jq is not installed"
    exit 0
fi
w="$TEST_WORK/long_hello"
rm -rf "$w"
mkdir -p "$w"
python3 "$HONEYSCOPE_ROOT/tests/e2e/long_hello_pcap.py" "$w/hello.pcap" >"$w/expected"
expect_eq long_hello_sizes "$(cut -d' ' -f1 "$w/expected" | tr '\n' ' ')" "1817 1822 16389 "
# The generator's values: the browser's hello twice, the 16 KiB one once.
cut -d' ' -f2 "$w/expected" | sort | uniq -c | awk '{print "tls-ja4", $2, $1}' | sort >"$w/want"
expect_eq long_hello_want "$(cat "$w/want")" "tls-ja4 t13d1516h2_8daaf6152771_d8a2da3f94cd 2
tls-ja4 t13d1517h2_8daaf6152771_fca9c764716e 1"

"$HS" report --quiet --group any --sensor 192.0.2.10 --format json "$w/hello.pcap" >"$w/report.json" \
    2>"$w/report.err"
expect_eq long_hello_exit "$?" 0
ja4s() { jq -r '.groups[0].evidence["tls-ja4"].top[]? | "tls-ja4 \(.value) \(.count)"' "$1" | sort; }
ja4s "$w/report.json" >"$w/got"
check long_hello_ja4 cmp "$w/got" "$w/want"
expect_eq long_hello_sni \
    "$(jq -r '.groups[0].evidence["tls-sni"].top[] | "\(.value) \(.count)"' "$w/report.json")" \
    "www.example 3"

"$HS" ingest --quiet --db "$w/hello.db" --sensor 192.0.2.10 "$w/hello.pcap" 2>"$w/ingest.err"
expect_eq long_hello_ingest_exit "$?" 0
"$HS" report --quiet --group any --db "$w/hello.db" --format json >"$w/db.json" 2>>"$w/ingest.err"
ja4s "$w/db.json" >"$w/db"
check long_hello_store cmp "$w/db" "$w/want"

if command -v tshark >/dev/null; then
    python3 "$HONEYSCOPE_ROOT/tests/e2e/ja4_tshark.py" "$w/hello.pcap" | awk '{print $2}' | sort |
        uniq -c | awk '{print "tls-ja4", $2, $1}' | sort >"$w/tshark"
    check long_hello_tshark cmp "$w/got" "$w/tshark"
else
    skip long_hello_tshark "tshark is not installed"
fi
