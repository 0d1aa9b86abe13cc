# Fingerprint evidence (docs/semantics.md, Fingerprints) against published and
# independent values:
# - the JA4 project's test captures (tests/data/fingerprints): exactly the
#   tls-ja4, tls-sni, ssh-client, ssh-hassh and ssh-hassh-server items that
#   project publishes for them;
# - every TLS ClientHello of those and of the shared real captures: the JA4
#   values and their counts equal those tests/e2e/ja4_tshark.py computes in
#   Python from tshark's dissection; every HASSH equals tshark's ssh.kex.hassh
#   and ssh.kex.hasshserver;
# - the kinds survive ingest and report --db, and show in text and CSV.
. "$(dirname "$0")/../lib.sh"
data="$HONEYSCOPE_ROOT/tests/data/fingerprints"
if ! command -v jq >/dev/null; then
    skip fingerprints "jq is not installed"
    exit 0
fi
w="$TEST_WORK/fingerprints"
rm -rf "$w"
mkdir -p "$w"
kinds='["tls-ja4","tls-sni","ssh-client","ssh-hassh","ssh-hassh-server"]'

# "KIND VALUE COUNT" lines of a JSON report's fingerprint and server-name evidence, sorted.
items() {
    jq -r --argjson k "$kinds" '.groups[0].evidence | to_entries[] | select(.key as $x | $k | index($x))
        | .key as $kind | .value.top[] | "\($kind) \(.value) \(.count)"' "$1" | sort
}

# ---- published values --------------------------------------------------------------
for f in $(grep -v '^#' "$data/expected.txt" | cut -d' ' -f1 | sort -u); do
    "$HS" report --quiet --group any --format json "$data/$f" >"$w/$f.json" 2>"$w/$f.err"
    expect_eq "published_${f}_exit" "$?" 0
    items "$w/$f.json" >"$w/$f.got"
    grep "^$f " "$data/expected.txt" | cut -d' ' -f2- | sed 's/$/ 1/' | sort >"$w/$f.want"
    if cmp -s "$w/$f.got" "$w/$f.want"; then
        pass "published_$f"
    else
        fail "published_$f" "got [$(tr '\n' ';' <"$w/$f.got")], want [$(tr '\n' ';' <"$w/$f.want")]"
    fi
done

# ---- store round trip, text and CSV ---------------------------------------------------
# Each capture's client is a sensor, so that every conversation is counted.
S="--sensor 192.168.133.129/32 --sensor 2001:4998:ef83:14:8000::100d/128 --sensor 172.130.128.76/32
   --sensor 192.168.1.168/32 --sensor 10.0.0.1/32 --sensor 3ffe:507:0:1:200:86ff:fe05:80da/128"
R="--quiet --group any --from 1990-01-01 --to 2030-12-31 --format json"
# shellcheck disable=SC2086
"$HS" report $R $S "$data"/*.pcap* >"$w/one-shot.json"
# shellcheck disable=SC2086
"$HS" ingest --quiet --db "$w/fp.db" $S "$data"/*.pcap* 2>"$w/ingest.err"
expect_eq store_ingest_exit "$?" 0
# shellcheck disable=SC2086
"$HS" report $R --db "$w/fp.db" >"$w/db.json"
items "$w/one-shot.json" >"$w/one-shot.items"
items "$w/db.json" >"$w/db.items"
expect_eq store_items "$(wc -l <"$w/db.items")" 12
check store_items_equal cmp "$w/one-shot.items" "$w/db.items"
check store_kinds_registered sh -c "sqlite3 '$w/fp.db' \"SELECT name FROM evidence_kind\" |
    grep -c '^tls-ja4\$\\|^ssh-client\$\\|^ssh-hassh\$\\|^ssh-hassh-server\$' | grep -qx 4"
"$HS" report --quiet --group any --db "$w/fp.db" --format text >"$w/db.txt"
"$HS" report --quiet --group any --db "$w/fp.db" --format csv >"$w/db.csv"
# The kinds are in docs/report.schema.json's list (the schema names every kind it allows).
if python3 -c "import jsonschema" 2>/dev/null; then
    python3 "$HONEYSCOPE_ROOT/tests/e2e/schema_check.py" tests "$HONEYSCOPE_ROOT/docs/report.schema.json" \
        fingerprints_schema "$w/db.json"
fi
check text_shows_ja4 grep -q "t13d1715h2_5b57614c22b0_3d5424432f57" "$w/db.txt"
check text_shows_hassh_server grep -q "f430cd6761697a6a658ee1d45ed22e49" "$w/db.txt"
check csv_shows_client grep -q ",ssh-client,.*SSH-2.0-OpenSSH_5.3" "$w/db.csv"

# ---- independent computation from tshark's dissection -----------------------------------
if ! command -v tshark >/dev/null; then
    skip fingerprints_tshark "tshark is not installed"
    exit 0
fi
# Captures whose TLS honeyscope cannot see, by the documented rules.
why_not() {
    case "$1" in
    4in6tunnel.pcap | 6in4tunnel.pcap) echo "TLS inside a tunnel: only the outer IP header is analysed" ;;
    rdp.pcap) echo "the ClientHello follows RDP's own negotiation: only one opening a side's bytes is read" ;;
    esac
}
compared=0 hellos=0
for f in "$data"/*.pcap* "$SHARED"/captures/*.pcap "$SHARED"/captures/ndpi/*.pcap*; do
    [ -f "$f" ] || continue
    name=$(basename "$f")
    python3 "$HONEYSCOPE_ROOT/tests/e2e/ja4_tshark.py" "$f" 2>/dev/null | awk '{print $2}' |
        sort | uniq -c | awk '{print "tls-ja4", $2, $1}' | sort >"$w/$name.tshark"
    [ -s "$w/$name.tshark" ] || continue
    if [ -n "$(why_not "$name")" ]; then
        skip "ja4_tshark_$name" "$(why_not "$name")"
        continue
    fi
    "$HS" report --quiet --group any --format json "$f" 2>/dev/null | jq -r \
        '.groups[0].evidence["tls-ja4"].top[]? | "tls-ja4 \(.value) \(.count)"' | sort >"$w/$name.hs"
    if cmp -s "$w/$name.hs" "$w/$name.tshark"; then
        pass "ja4_tshark_$name"
    else
        fail "ja4_tshark_$name" "honeyscope [$(tr '\n' ';' <"$w/$name.hs")], tshark [$(tr '\n' ';' <"$w/$name.tshark")]"
    fi
    compared=$((compared + 1))
    hellos=$((hellos + $(awk '{n += $3} END {print n}' "$w/$name.tshark")))
done
echo "# JA4 compared with tshark on $compared captures, $hellos ClientHellos" >&2
check ja4_tshark_compared test "$compared" -ge 5

# HASSH: tshark computes it itself (ssh.kex.hassh, ssh.kex.hasshserver).
for f in "$data/ssh2-malformed.pcap" "$SHARED/captures/test7-malicious.pcap"; do
    [ -f "$f" ] || continue
    name=$(basename "$f")
    tshark -r "$f" -Y "ssh.kex.hassh || ssh.kex.hasshserver" -T fields -e ssh.kex.hassh \
        -e ssh.kex.hasshserver 2>/dev/null | awk -F'\t' '
        $1 != "" { c[$1]++ } $2 != "" { s[$2]++ }
        END { for (k in c) print "ssh-hassh", k, c[k]; for (k in s) print "ssh-hassh-server", k, s[k] }' |
        sort >"$w/$name.hassh.tshark"
    "$HS" report --quiet --group any --format json "$f" 2>/dev/null | jq -r \
        '.groups[0].evidence | to_entries[] | select(.key == "ssh-hassh" or .key == "ssh-hassh-server")
         | .key as $k | .value.top[] | "\($k) \(.value) \(.count)"' | sort >"$w/$name.hassh.hs"
    if [ -s "$w/$name.hassh.tshark" ] && cmp -s "$w/$name.hassh.hs" "$w/$name.hassh.tshark"; then
        pass "hassh_tshark_$name"
    else
        fail "hassh_tshark_$name" "honeyscope [$(tr '\n' ';' <"$w/$name.hassh.hs")], tshark [$(tr '\n' ';' <"$w/$name.hassh.tshark")]"
    fi
done
