# A real TLS client and SSH client talking to real servers: OpenSSL's s_client
# and curl against openssl s_server, OpenSSH's ssh against sshd (on port 22 and
# on 8022, as SSH is recognised by its bytes on any port), from one network
# namespace to another joined by a veth pair and nothing else. tcpdump
# captures at the server; the report of that capture (the server is the
# sensor) must give:
# - ssh-client: the line of the ssh that ran, "SSH-2.0-" and the version
#   `ssh -V` prints, once per connection;
# - ssh-hassh and ssh-hassh-server: what tshark computes (ssh.kex.hassh,
#   ssh.kex.hasshserver) from the same capture;
# - tls-ja4: what tests/e2e/ja4_tshark.py computes in Python from tshark's
#   dissection, hello for hello; tls-sni: the names the clients sent.
# Needs root, network namespaces, tcpdump, tshark, openssl and OpenSSH (client
# and server; scripts/deps.sh check installs them).
. "$(dirname "$0")/../lib.sh"
if [ "$(id -u)" -ne 0 ]; then
    skip real_fingerprints "not root: network namespaces need it"
    exit 0
fi
for t in ip tcpdump tshark jq openssl ssh ssh-keygen curl /usr/sbin/sshd; do
    if ! command -v "$t" >/dev/null 2>&1; then
        skip real_fingerprints "$t is not installed"
        exit 0
    fi
done
w="$TEST_WORK/real_fingerprints"
rm -rf "$w"
mkdir -p "$w"
cli=hs-fpc-$$
srv=hs-fps-$$
pids=
cleanup() {
    for p in $pids; do kill "$p" 2>/dev/null; done
    ip netns del "$cli" 2>/dev/null
    ip netns del "$srv" 2>/dev/null
}
trap cleanup EXIT INT TERM
if ! ip netns add "$cli" 2>"$w/err" || ! ip netns add "$srv" 2>>"$w/err"; then
    skip real_fingerprints "network namespaces unavailable: $(head -c 200 "$w/err")"
    exit 0
fi
ip link add hs-c$$ netns "$cli" type veth peer name hs-s$$ netns "$srv" || {
    skip real_fingerprints "no veth pair could be made"
    exit 0
}
ip -n "$cli" addr add 10.78.0.1/24 dev hs-c$$
ip -n "$srv" addr add 10.78.0.2/24 dev hs-s$$
for ns in "$cli" "$srv"; do
    ip -n "$ns" link set lo up
done
ip -n "$cli" link set hs-c$$ up
ip -n "$srv" link set hs-s$$ up

# Servers: sshd with a host key of its own, openssl s_server with a self-signed certificate.
ssh-keygen -q -t ed25519 -N '' -f "$w/host_key" </dev/null
cat >"$w/sshd_config" <<CONF
Port 22
Port 8022
ListenAddress 10.78.0.2
HostKey $w/host_key
PidFile $w/sshd.pid
UsePAM no
StrictModes no
PasswordAuthentication no
CONF
mkdir -p /run/sshd
ip netns exec "$srv" /usr/sbin/sshd -D -e -f "$w/sshd_config" 2>"$w/sshd.log" &
pids="$pids $!"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=fp.example -keyout "$w/tls.key" \
    -out "$w/tls.crt" >/dev/null 2>&1
ip netns exec "$srv" openssl s_server -quiet -accept 4433 -cert "$w/tls.crt" -key "$w/tls.key" \
    -www >/dev/null 2>"$w/s_server.log" &
pids="$pids $!"
ip netns exec "$srv" tcpdump -i hs-s$$ -U -n -w "$w/fp.pcap" tcp 2>"$w/tcpdump.log" &
dump=$!
pids="$pids $dump"
sleep 2

# Clients: each conversation once.
ssh_opts="-o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o ConnectTimeout=5"
for port in 22 8022; do
    # shellcheck disable=SC2086
    ip netns exec "$cli" ssh $ssh_opts -p $port nobody@10.78.0.2 true >"$w/ssh-$port.out" 2>&1
done
ip netns exec "$cli" openssl s_client -connect 10.78.0.2:4433 -servername fp.example \
    -alpn h2,http/1.1 </dev/null >"$w/s_client1.out" 2>&1
ip netns exec "$cli" openssl s_client -connect 10.78.0.2:4433 -noservername -tls1_2 \
    </dev/null >"$w/s_client2.out" 2>&1
# A hello longer than an ordinary side's 1024 bytes, as browsers with post-quantum key shares send:
# Debian 12's OpenSSL 3.0 has no X25519MLKEM768, so eight long ALPN values make it 1.8 KB, sent in
# two segments.
long_alpn="h2,http/1.1"
for i in 1 2 3 4 5 6 7 8; do long_alpn="$long_alpn,p$i-$(printf '%0190d' 0)"; done
ip netns exec "$cli" openssl s_client -connect 10.78.0.2:4433 -servername long.example \
    -alpn "$long_alpn" </dev/null >"$w/s_client3.out" 2>&1
ip netns exec "$cli" curl -sk --resolve fp.example:4433:10.78.0.2 https://fp.example:4433/ \
    >"$w/curl.out" 2>&1
sleep 1
kill "$dump"
wait "$dump" 2>/dev/null

"$HS" report --quiet --sensor 10.78.0.2 --group any --format json "$w/fp.pcap" >"$w/fp.json" \
    2>"$w/fp.err"
expect_eq real_fingerprints_report_exit "$?" 0
# "KIND VALUE COUNT" lines of a kind of evidence, sorted.
evidence() {
    jq -r --arg k "$1" '.groups[0].evidence[$k].top[]? | "\($k) \(.value) \(.count)"' "$w/fp.json" |
        sort
}

# SSH: the client's line is the ssh that ran; HASSH as tshark computes it.
version=$(ssh -V 2>&1 | cut -d, -f1)
expect_eq real_fingerprints_ssh_client "$(evidence ssh-client)" "ssh-client SSH-2.0-$version 2"
tshark -r "$w/fp.pcap" -d tcp.port==8022,ssh -Y "ssh.kex.hassh || ssh.kex.hasshserver" -T fields \
    -e ssh.kex.hassh -e ssh.kex.hasshserver 2>/dev/null | awk -F'\t' '
    $1 != "" { c[$1]++ } $2 != "" { s[$2]++ }
    END { for (k in c) print "ssh-hassh", k, c[k]; for (k in s) print "ssh-hassh-server", k, s[k] }' |
    sort >"$w/hassh.tshark"
{ evidence ssh-hassh; evidence ssh-hassh-server; } | sort >"$w/hassh.hs"
expect_eq real_fingerprints_hassh_count "$(grep -c . "$w/hassh.tshark")" 2
check real_fingerprints_hassh_equal cmp "$w/hassh.tshark" "$w/hassh.hs"

# TLS: JA4 hello for hello as computed from tshark's fields, and the names sent.
python3 "$HONEYSCOPE_ROOT/tests/e2e/ja4_tshark.py" "$w/fp.pcap" | awk '{print $2}' | sort |
    uniq -c | awk '{print "tls-ja4", $2, $1}' | sort >"$w/ja4.tshark"
evidence tls-ja4 >"$w/ja4.hs"
expect_eq real_fingerprints_ja4_hellos "$(awk '{n += $3} END {print n}' "$w/ja4.tshark")" 4
check real_fingerprints_ja4_equal cmp "$w/ja4.tshark" "$w/ja4.hs"
check real_fingerprints_ja4_no_sni grep -q "^tls-ja4 t12i" "$w/ja4.hs"
check real_fingerprints_ja4_alpn grep -q "^tls-ja4 t13d....h2_" "$w/ja4.hs"
expect_eq real_fingerprints_sni "$(evidence tls-sni)" "tls-sni fp.example 2
tls-sni long.example 1"
# The long hello: one record longer than 1,448 bytes (so two segments), and a JA4 of its own.
long_record=$(tshark -r "$w/fp.pcap" -Y "tls.handshake.extensions_server_name == \"long.example\"" \
    -T fields -e tls.record.length 2>/dev/null | head -n 1)
check real_fingerprints_long_hello test "${long_record:-0}" -gt 1448
expect_eq real_fingerprints_long_ja4 "$(grep -c '^tls-ja4 t13d....h2_' "$w/ja4.hs")" 2

# The figures, for the record: the client's line and KEXINIT in bytes (what an SSH side needs kept).
kexinit=$(tshark -r "$w/fp.pcap" -Y "ssh.message_code == 20 && tcp.dstport == 22" -T fields \
    -e ssh.packet_length 2>/dev/null | head -n 1)
{
    echo "# ssh: $(cat "$w/hassh.hs" | tr '\n' ';')"
    echo "# client line $((${#version} + 10)) bytes, KEXINIT packet $((kexinit + 4)) bytes"
    echo "# tls: $(tr '\n' ';' <"$w/ja4.hs") long hello record $long_record bytes"
} >&2
