#!/usr/bin/env python3
"""Writes the hand-made seed inputs of the fuzz corpora (tests/fuzz/corpus).

Usage: make_seeds.py CORPUS-DIR

Deterministic: the same files every run. Seeds named seed-* are written
here; captures cut from the scenario generator's output (gen-*) and inputs
the fuzzers found (find-*, regress-*) are kept in the corpus directories
as they are, and this script leaves them alone.

The input layouts are those the targets read:
  fuzz_decode       link-type selector byte, length-mode byte, packet
  fuzz_flow         two configuration bytes, then 8-byte packet records
  fuzz_prefix_list  a "CIDR label" list file
  fuzz_pfx2as       an ipasn routing-table file
  fuzz_capture      a capture file
  fuzz_mask         a sensor-set selector byte, then a string from a packet
"""
import gzip
import os
import struct
import sys

# ---- packets ------------------------------------------------------------

SENSOR4, REMOTE4 = bytes([192, 0, 2, 10]), bytes([198, 51, 100, 7])
SENSOR6 = bytes.fromhex("20010db8000000000000000000000010")
REMOTE6 = bytes.fromhex("20010db8000100000000000000000020")


def tcp(sport, dport, flags, payload=b"", options=b""):
    off = (20 + len(options)) // 4
    return struct.pack("!HHIIBBHHH", sport, dport, 1000, 0, off << 4, flags, 65535, 0, 0) \
        + options + payload


def udp(sport, dport, payload=b""):
    return struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload


def icmp(type_, code, ident=0x1234, payload=b"abcd"):
    return struct.pack("!BBHHH", type_, code, 0, ident, 1) + payload


def ipv4(proto, l4, src=REMOTE4, dst=SENSOR4, frag=0, ident=7, total=None, options=b""):
    ihl = (20 + len(options)) // 4
    total = 20 + len(options) + len(l4) if total is None else total
    return struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, total, ident, frag, 64, proto, 0,
                       src, dst) + options + l4


def ipv6(next_hdr, payload, src=REMOTE6, dst=SENSOR6, plen=None):
    plen = len(payload) if plen is None else plen
    return struct.pack("!IHBB16s16s", 6 << 28, plen, next_hdr, 64, src, dst) + payload


def ext(next_hdr, body=b"\0" * 6):
    return bytes([next_hdr, (len(body) + 2) // 8 - 1]) + body


def frag6(next_hdr, offset, more, ident=0x55):
    return struct.pack("!BBHI", next_hdr, 0, offset << 3 | more, ident)


def ah(next_hdr):
    return bytes([next_hdr, 4, 0, 0]) + struct.pack("!II", 0x100, 1) + b"\0" * 12


IP_PACKETS = {
    "v4-tcp-syn": ipv4(6, tcp(40000, 445, 0x02)),
    "v4-tcp-synack-opts": ipv4(6, tcp(445, 40000, 0x12, options=b"\x02\x04\x05\xb4\x01\x01\x04\x02"),
                               src=SENSOR4, dst=REMOTE4),
    "v4-udp-dns": ipv4(17, udp(40000, 53, b"\x12\x34\x01\x00\0\x01\0\0\0\0\0\0")),
    "v4-icmp-echo": ipv4(1, icmp(8, 0)),
    "v4-icmp-unreach": ipv4(1, icmp(3, 3, 0, ipv4(17, udp(53, 40000))[:28])),
    "v4-first-frag": ipv4(17, udp(40000, 53, b"x" * 16), frag=0x2000),
    "v4-later-frag": ipv4(17, b"y" * 16, frag=0x0003),
    "v4-tiny-frag": ipv4(6, tcp(40000, 80, 0x02)[:8], frag=0x2000),
    "v4-ah-tcp": ipv4(51, ah(6) + tcp(40000, 22, 0x02)),
    "v4-options": ipv4(17, udp(1, 2), options=b"\x94\x04\0\0"),
    "v4-gre": ipv4(47, b"\0\0\x08\0" + ipv4(17, udp(1, 2))),
    "v4-tso-zero-len": ipv4(6, tcp(40000, 80, 0x18, b"GET / HTTP/1.0\r\n\r\n"), total=0),
    "v6-tcp-syn": ipv6(6, tcp(40000, 443, 0x02)),
    "v6-udp": ipv6(17, udp(40000, 53, b"q")),
    "v6-icmp6-echo": ipv6(58, icmp(128, 0)),
    "v6-icmp6-ns": ipv6(58, icmp(135, 0, 0, SENSOR6)),
    "v6-hbh-dst-tcp": ipv6(0, ext(60) + ext(6) + tcp(1, 2, 0x02)),
    "v6-routing-frag": ipv6(43, ext(44, b"\0" * 14) + frag6(17, 0, 1) + udp(5, 6, b"zz")),
    "v6-later-frag": ipv6(44, frag6(17, 4, 0) + b"zzzz"),
    "v6-atomic-frag": ipv6(44, frag6(6, 0, 0) + tcp(7, 8, 0x10)),
    "v6-ah-udp": ipv6(51, ah(17) + udp(500, 500)),
    "v6-no-next": ipv6(59, b""),
    "v6-jumbo-zero": ipv6(17, udp(1, 2, b"j" * 8), plen=0),
    "v6-6in4": ipv4(41, ipv6(17, udp(3544, 3544))),
}

ETH_HDR = b"\x02\0\0\0\0\x01\x02\0\0\0\0\x02"


def eth(ethertype, payload):
    return ETH_HDR + struct.pack("!H", ethertype) + payload


def eth_for(ip):
    return eth(0x86DD if ip[0] >> 4 == 6 else 0x0800, ip)


def ethertype_of(ip):
    return 0x86DD if ip[0] >> 4 == 6 else 0x0800


def sll(ip, hatype=1):
    return struct.pack("!HHH8sH", 0, hatype, 6, b"\x02\0\0\0\0\x01\0\0", ethertype_of(ip)) + ip


def sll2(ip):
    return struct.pack("!HHIHBB8s", ethertype_of(ip), 0, 2, 1, 0, 6, b"\x02\0\0\0\0\x01\0\0") + ip


def null_le(ip):
    return struct.pack("<I", 30 if ip[0] >> 4 == 6 else 2) + ip


def loop_be(ip):
    return struct.pack(">I", 24 if ip[0] >> 4 == 6 else 2) + ip


def ppp_proto(ip):
    return 0x0057 if ip[0] >> 4 == 6 else 0x0021


def ppp(ip, full=True):
    return (b"\xff\x03" if full else b"") + struct.pack("!H", ppp_proto(ip)) + ip


def pppoe(ip):
    return struct.pack("!BBHH", 0x11, 0, 1, len(ip) + 2) + struct.pack("!H", ppp_proto(ip)) + ip


def chdlc(ip):
    return b"\x0f\x00" + struct.pack("!H", ethertype_of(ip)) + ip


def ppi(inner_dlt, frame):
    return struct.pack("<BBHI", 0, 0, 8, inner_dlt) + frame


# The selector byte's index into fuzz_decode.c's link_types[].
LINKS = [0, 1, 9, 12, 14, 50, 51, 101, 104, 108, 113, 192, 204, 205, 228, 229, 276,
         105, 127, 189, 143, -1, 0x7FFFFFFF]


def framed(dlt, ip):
    """The frame of link type dlt carrying ip, or None when the type carries no IP."""
    if dlt == 0:
        return null_le(ip)
    if dlt == 1:
        return eth_for(ip)
    if dlt in (12, 14, 101, 228, 229):
        return ip
    if dlt == 9:
        return ppp(ip)
    if dlt == 50:
        return ppp(ip, full=False)
    if dlt == 51:
        return pppoe(ip)
    if dlt == 104:
        return chdlc(ip)
    if dlt == 108:
        return loop_be(ip)
    if dlt == 113:
        return sll(ip)
    if dlt == 192:
        return ppi(1, eth_for(ip))
    if dlt == 204:
        return b"\x01" + ppp(ip)
    if dlt == 205:
        return b"\x00" + chdlc(ip)
    if dlt == 276:
        return sll2(ip)
    return eth_for(ip)  # unsupported types: any bytes


def decode_seeds():
    seeds = {}
    for sel, dlt in enumerate(LINKS):
        for name in ("v4-tcp-syn", "v6-udp"):
            ip = IP_PACKETS[name]
            if dlt == 228 and name.startswith("v6") or dlt == 229 and name.startswith("v4"):
                continue
            seeds["link%d-%s" % (dlt if dlt >= 0 else 999, name)] = bytes([sel, 0]) + framed(dlt, ip)
    eth_sel = LINKS.index(1)
    raw_sel = LINKS.index(101)
    for name, ip in IP_PACKETS.items():
        seeds["raw-" + name] = bytes([raw_sel, 0]) + ip
    # Ethernet specials: VLAN stacks, PPPoE, ARP, 802.3 length, MPLS.
    ip = IP_PACKETS["v4-udp-dns"]
    seeds["eth-vlan"] = bytes([eth_sel, 0]) + eth(0x8100, b"\0\x05\x08\0" + ip)
    seeds["eth-qinq"] = bytes([eth_sel, 0]) + eth(0x88A8, b"\0\x05\x81\0\0\x06\x86\xdd" +
                                                 IP_PACKETS["v6-tcp-syn"])
    seeds["eth-pppoe"] = bytes([eth_sel, 0]) + eth(0x8864, pppoe(ip))
    seeds["eth-arp"] = bytes([eth_sel, 0]) + eth(0x0806, b"\0\x01\x08\0\x06\x04\0\x01" + b"\0" * 20)
    seeds["eth-8023"] = bytes([eth_sel, 0]) + eth(0x0026, b"\x42\x42\x03" + b"\0" * 35)
    seeds["eth-mpls"] = bytes([eth_sel, 0]) + eth(0x8847, b"\0\x01\x01\x40" + ip)
    seeds["sll-netlink"] = bytes([LINKS.index(113), 0]) + sll(ip, hatype=824)
    seeds["ppi-ppi"] = bytes([LINKS.index(192), 0]) + ppi(192, ppi(1, eth_for(ip)))
    # Length modes: snap-cut, corrupt wire length, huge wire length.
    syn = eth_for(IP_PACKETS["v4-tcp-syn"])
    seeds["eth-snap"] = bytes([eth_sel, 1 | 4 << 2]) + syn[:40]
    seeds["eth-wire-short"] = bytes([eth_sel, 2 | 10 << 2]) + syn
    seeds["eth-wire-huge"] = bytes([eth_sel, 3]) + eth_for(IP_PACKETS["v4-tso-zero-len"])
    return seeds


# ---- flow records ---------------------------------------------------------

def rec(remote=0, v6=False, out=False, sensor=0, proto=0, first_frag=False, later_frag=False,
        frag_id=0, b2=0, b3=0, delta=1, step=3, jump=None, size=40):
    """One fuzz_flow record; proto is the index into its proto_pool (7: b2 is the number)."""
    b0 = sensor & 1 | (remote & 7) << 1 | (0x40 if out else 0) | (0x80 if v6 else 0)
    b1 = proto & 7 | (0x08 if first_frag else 0) | (0x10 if later_frag else 0) | (frag_id & 7) << 5
    b6 = (31 << 3 | jump) if jump is not None else step & 7
    return bytes([b0, b1, b2 & 0xFF, b3 & 0xFF]) + struct.pack("<h", delta) + \
        bytes([b6, (size - 20) & 0xFF])


def ports(src_index, dst_index):
    return src_index | dst_index << 4


SYN, ACK, FIN, RST = 0x02, 0x10, 0x01, 0x04


def flow_seeds():
    s = {}
    # A TCP handshake, data, FIN from each side, then a new SYN on the same ports.
    hs = [rec(proto=0, b2=SYN, b3=ports(11, 7)),
          rec(out=True, proto=0, b2=SYN | ACK, b3=ports(7, 11)),
          rec(proto=0, b2=ACK, b3=ports(11, 7)),
          rec(proto=0, b2=ACK | FIN, b3=ports(11, 7)),
          rec(out=True, proto=0, b2=ACK | FIN, b3=ports(7, 11)),
          rec(proto=0, b2=SYN, b3=ports(11, 7)),
          rec(out=True, proto=0, b2=RST, b3=ports(7, 11))]
    s["tcp-handshake"] = bytes([48, 0]) + b"".join(hs)
    # The sensor's own traffic: DNS, SMTP, ICMP echo and its reply, ICMP errors.
    own = [rec(out=True, proto=2, b3=ports(11, 3)), rec(proto=2, b3=ports(3, 11)),
           rec(out=True, proto=0, b2=SYN, b3=ports(11, 2)),
           rec(out=True, proto=3, b2=0x40, b3=8), rec(proto=3, b2=0x40, b3=0),
           rec(remote=2, proto=3, b2=3, b3=3), rec(remote=3, out=True, v6=True, proto=4, b3=128),
           rec(remote=3, v6=True, proto=4, b3=129), rec(remote=4, v6=True, proto=4, b3=1)]
    s["sensor-own"] = bytes([48, 0]) + b"".join(own)
    # Fragments: a first fragment then its followers, and an orphan follower.
    fr = [rec(proto=2, first_frag=True, frag_id=3, b3=ports(11, 3)),
          rec(proto=2, later_frag=True, frag_id=3), rec(proto=2, later_frag=True, frag_id=5),
          rec(proto=3, later_frag=True, frag_id=1), rec(proto=0, first_frag=True, b2=SYN, b3=1)]
    s["fragments"] = bytes([48, 0]) + b"".join(fr)
    # More flows than the table holds (16): eviction.
    many = []
    for i in range(40):
        many.append(rec(remote=i % 8, sensor=i // 8 % 2, v6=i >= 24, proto=[0, 2, 5, 7][i % 4],
                        b2=SYN if i % 4 == 0 else 47 + i, b3=i * 17))
    s["eviction"] = bytes([0, 0]) + b"".join(many)
    # Idle timeouts (short ones), time going backwards, jumps to the ends of the clock.
    tm = [rec(proto=2, b3=ports(11, 3)), rec(proto=2, b3=ports(11, 3), delta=5, step=3),
          rec(proto=2, b3=ports(11, 3), delta=-7200, step=3),
          rec(proto=0, b2=SYN, b3=1, delta=30, step=5), rec(proto=0, b2=ACK, b3=1, delta=-1, step=7),
          rec(proto=2, b3=ports(11, 3), jump=0), rec(proto=2, b3=ports(11, 3), jump=1),
          rec(proto=2, b3=ports(11, 3), jump=2), rec(proto=2, b3=ports(11, 3), jump=3),
          rec(proto=2, b3=ports(11, 3), delta=32767, step=7)]
    s["time-jumps"] = bytes([5, 1 | 2 | 40 << 2]) + b"".join(tm)
    s["time-default-timeouts"] = bytes([64, 0]) + b"".join(tm)
    return s


# ---- prefix files ---------------------------------------------------------------

LIST = b"""# A list in the documented format: CIDR, whitespace, free text label.
67.202.0.0/18    Amazon Execution Services
72.44.32.0/19\tAmazon Execution Services # trailing comment
75.101.128.0/17  Amazon EC2
174.129.0.0/16
2001:db8::/32    documentation v6
2001:db8:1::/48  C# stays C#
10.0.0.0/8       private\r
0.0.0.0/0        everything
::/0             every v6
::ffff:0:0/96    mapped
192.0.2.10       one host

   # indented comment
"""

LIST_BAD = [
    b"67.202.0.0/18 ok\n67.202.0.1/18 host bits\n",
    b"10.0.0.0/33 too long\n",
    b"2001:db8::/129\n",
    b"1.2.3.4/\n",
    b"not-an-address label\n",
    b"1.2.3.4/24x\n",
    b"1.2.3.0/24 nul\0byte\n",
    b"1.2.3.0/24 " + b"x" * 5000 + b"\n",
    b"::ffff:1.2.3.4/128 mapped host\n1.2.3.4/32 same\n",
]

PFX2AS = b"""; IP-ASN32-DAT file
; Original file : <Path to a rib file>
; Converted on  : Thu May  1 12:00:00 2008
; Prefixes-v4   : 5
; Prefixes-v6   : 2
67.202.0.0/18\t14618
72.44.32.0/19\t14618
79.125.0.0/18\t39111
0.0.0.0/0\t1
192.0.2.0/24\t4294967295
2001:db8::/32\t65536
::/0\t2
"""

PFX2AS_BAD = [
    b"67.202.0.0/18\t14618\n\n",
    b"67.202.0.0\t14618\n",
    b"67.202.0.0/18\t{14618,16509}\n",
    b"67.202.0.0/18\t14618_16509\n",
    b"67.202.0.0/18\t0\n",
    b"67.202.0.0/18\t4294967296\n",
    b"67.202.0.0/18 14618\n",
    b"67.202.0.0/18\t14618\r\n72.44.32.0/19\t14618\r\n",
]


# ---- captures -------------------------------------------------------------------

def pcap(records, linktype=1, magic=0xA1B2C3D4, snaplen=65535, endian="<"):
    out = struct.pack(endian + "IHHiIII", magic, 2, 4, 0, 0, snaplen, linktype)
    for ts, frame, wire in records:
        out += struct.pack(endian + "IIII", ts, 0, len(frame), wire or len(frame)) + frame
    return out


def block(btype, body, endian="<"):
    body += b"\0" * (-len(body) % 4)
    n = 12 + len(body)
    return struct.pack(endian + "II", btype, n) + body + struct.pack(endian + "I", n)


def option(code, value, endian="<"):
    return struct.pack(endian + "HH", code, len(value)) + value + b"\0" * (-len(value) % 4)


def shb(endian="<"):
    return block(0x0A0D0D0A, struct.pack(endian + "IHHq", 0x1A2B3C4D, 1, 0, -1), endian)


def idb(linktype, snaplen=65535, tsresol=None, tsoffset=None, endian="<"):
    opts = b""
    if tsresol is not None:
        opts += option(9, bytes([tsresol]), endian)
    if tsoffset is not None:
        opts += option(14, struct.pack(endian + "q", tsoffset), endian)
    if opts:
        opts += struct.pack(endian + "HH", 0, 0)
    return block(1, struct.pack(endian + "HHI", linktype, 0, snaplen) + opts, endian)


def epb(iface, ts, frame, wire=None, endian="<"):
    return block(6, struct.pack(endian + "IIIII", iface, ts >> 32, ts & 0xFFFFFFFF, len(frame),
                                wire or len(frame)) + frame, endian)


def spb(frame, wire=None, endian="<"):
    return block(3, struct.pack(endian + "I", wire or len(frame)) + frame, endian)


def capture_seeds():
    t0 = 1233446400
    frames = [eth_for(IP_PACKETS[n]) for n in ("v4-tcp-syn", "v4-udp-dns", "v6-tcp-syn",
                                                "v4-icmp-echo", "v4-first-frag", "v4-later-frag")]
    s = {}
    s["pcap-eth"] = pcap([(t0 + i, f, 0) for i, f in enumerate(frames)])
    s["pcap-be-raw"] = pcap([(t0, IP_PACKETS["v4-udp-dns"], 0), (t0 + 1, IP_PACKETS["v6-udp"], 0)],
                            linktype=101, endian=">")
    s["pcap-ns-sll"] = pcap([(t0, sll(IP_PACKETS["v4-tcp-syn"]), 0)], linktype=113,
                            magic=0xA1B23C4D)
    s["pcap-snap64"] = pcap([(t0, eth_for(IP_PACKETS["v4-udp-dns"])[:64], 300)], snaplen=64)
    s["pcap-unsupported-link"] = pcap([(t0, b"\x80\0" * 20, 0)], linktype=105)
    ns = (t0 * 1000000000) // 1000  # microseconds, pcapng's default resolution
    ng = shb() + idb(1) + idb(101, tsresol=9) + \
        epb(0, ns, frames[0]) + epb(1, t0 * 10**9 + 5, IP_PACKETS["v6-udp"]) + \
        spb(frames[1]) + block(5, b"\0" * 12)  # an interface statistics block
    s["pcapng-two-ifaces"] = ng
    s["pcapng-be"] = shb(">") + idb(1, endian=">") + epb(0, ns, frames[2], endian=">")
    s["pcapng-two-sections"] = shb() + idb(1) + epb(0, ns, frames[3]) + \
        shb() + idb(113) + epb(0, ns + 10**6, sll(IP_PACKETS["v4-udp-dns"]))
    s["pcapng-tsresol-seconds"] = shb() + idb(101, tsresol=0) + \
        epb(0, t0, IP_PACKETS["v4-tcp-syn"])
    s["pcapng-tsoffset"] = shb() + idb(101, tsoffset=t0) + epb(0, 5, IP_PACKETS["v4-tcp-syn"])
    s["pcap-eth.gz"] = gzip.compress(s["pcap-eth"], mtime=0)
    s["pcapng-two-ifaces.gz"] = gzip.compress(ng, mtime=0)
    return s


# ---- strings a masked report must redact ----------------------------------

MASK_STRINGS = [
    b"EHLO [192.0.2.10]",
    b"MAIL FROM:<bot@[192.0.2.10]>",
    b"http://192.0.2.10:8080/x?a=192.000.002.010",
    b"10.2.0.192.in-addr.arpa",
    b"ip-192-0-2-10.example host_192_0_2_10 3221225994 0xC000020A",
    b"[IPv6:2001:db8:0:1::10] 2001:0db8:0000:0001:0000:0000:0000:0010%eth0",
    b"0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa",
    b"::ffff:192.0.2.10 64:ff9b::c000:20a 2002:c000:20a::1",
    b"2001-db8-0-1--10.ipv6-literal.net 192.0.2.100 192.0.2.1",
    b"999.999.999.999 1.2.3 ::::: [[[[ 0x 255.255.255.255.255",
]


def write(directory, name, data):
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, name), "wb") as f:
        f.write(data)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    root = sys.argv[1]
    for name, data in decode_seeds().items():
        write(os.path.join(root, "fuzz_decode"), "seed-" + name, data)
    for name, data in flow_seeds().items():
        write(os.path.join(root, "fuzz_flow"), "seed-" + name, data)
    d = os.path.join(root, "fuzz_prefix_list")
    write(d, "seed-list", LIST)
    write(d, "seed-list.gz", gzip.compress(LIST, mtime=0))
    write(d, "seed-empty", b"")
    for i, data in enumerate(LIST_BAD):
        write(d, "seed-bad-%d" % i, data)
    d = os.path.join(root, "fuzz_pfx2as")
    write(d, "seed-pfx2as", PFX2AS)
    write(d, "seed-pfx2as.gz", gzip.compress(PFX2AS, mtime=0))
    for i, data in enumerate(PFX2AS_BAD):
        write(d, "seed-bad-%d" % i, data)
    for name, data in capture_seeds().items():
        write(os.path.join(root, "fuzz_capture"), "seed-" + name, data)
    for i, text in enumerate(MASK_STRINGS):
        for pick in range(5):
            write(os.path.join(root, "fuzz_mask"), "seed-%d-%d" % (i, pick), bytes([pick]) + text)


main()
