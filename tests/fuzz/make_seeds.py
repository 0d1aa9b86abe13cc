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
  fuzz_provider     a selection selector byte, then a provider JSON file (or a list)
  fuzz_asnames      an AS-name file, JSON or lines
  fuzz_wire         a selector byte (plan or result), then honeyscope-mpi wire bytes
  fuzz_store        a mode byte (0 raw file, 1 SQL edits, 2 byte damage), then its data
  fuzz_connlog      a Zeek conn.log file (TSV or JSON lines, gzip or not)
  fuzz_netflow      export datagrams, each a 2-byte big-endian length then its bytes
  fuzz_evidence     a service/side selector byte, then one side's first payload bytes
                    (only the TLS ClientHello and SSH seeds are written here)
"""
import gzip
import json
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


# ---- provider ranges (the three layouts, shaped as the published files) --------

def provider_json(obj):
    return json.dumps(obj, indent=1).encode()


AWS = {
    "syncToken": "1446568938",
    "createDate": "2015-11-03-17-22-03",
    "prefixes": [
        {"ip_prefix": "67.202.0.0/18", "region": "us-east-1", "service": "AMAZON"},
        {"ip_prefix": "67.202.0.0/18", "region": "us-east-1", "service": "EC2"},
        {"ip_prefix": "72.44.32.0/19", "region": "us-east-1", "service": "EC2",
         "network_border_group": "us-east-1-bos-1"},
        {"ip_prefix": "79.125.0.0/18", "region": "eu-west-1", "service": "S3"},
        {"ip_prefix": "79.125.0.0/18", "region": "eu-west-1", "service": "EC2"},
        {"ip_prefix": "0.0.0.0/0", "region": "GLOBAL", "service": "ROUTE53"},
    ],
    "ipv6_prefixes": [
        {"ipv6_prefix": "2600:1f18::/33", "region": "us-east-1", "service": "EC2"},
        {"ipv6_prefix": "2a05:d018::/35", "region": "eu-west-1", "service": "AMAZON",
         "network_border_group": "eu-west-1"},
        {"ipv6_prefix": "::ffff:0:0/96", "region": "x", "service": "MAPPED"},
    ],
}

GCP = {
    "syncToken": "1753409788780",
    "creationTime": "2025-07-24T19:16:28.780563",
    "prefixes": [
        {"ipv4Prefix": "34.1.208.0/20", "service": "Google Cloud", "scope": "africa-south1"},
        {"ipv4Prefix": "34.80.0.0/15", "service": "Google Cloud", "scope": "asia-east1"},
        {"ipv6Prefix": "2600:1900:8000::/44", "service": "Google Cloud", "scope": "africa-south1"},
        {"ipv4Prefix": "35.185.128.0/19", "service": "Google Cloud", "scope": "asia-east1"},
    ],
}

AZURE = {
    "changeNumber": 363,
    "cloud": "Public",
    "values": [
        {"name": "ActionGroup", "id": "ActionGroup",
         "properties": {"changeNumber": 50, "region": "", "regionId": 0, "platform": "Azure",
                        "systemService": "ActionGroup",
                        "addressPrefixes": ["4.145.74.52/30", "20.21.42.88/29", "2603:1000::/40"]}},
        {"name": "AzureCloud.eastus", "id": "AzureCloud.eastus",
         "properties": {"region": "eastus", "systemService": "",
                        "addressPrefixes": ["4.145.74.52/30", "13.68.128.0/17"]}},
        {"name": "Storage.westeurope", "id": "Storage.westeurope",
         "properties": {"region": "westeurope", "systemService": "AzureStorage",
                        "addressPrefixes": []}},
    ],
}

PROVIDER_BAD = [
    b'{"createDate": "2015-11-03-17-22-03", "prefixes": {"ip_prefix": "1.2.3.0/24"}}',
    b'{"createDate": "x", "prefixes": [{"ip_prefix": "1.2.3.0"}]}',
    b'{"createDate": "x", "prefixes": [{"ip_prefix": "1.2.3.1/24"}]}',
    b'{"createDate": "x", "prefixes": [{"ip_prefix": 17}]}',
    b'{"creationTime": "2025-02-30T00:00:00", "prefixes": [{"ipv4Prefix": "300.1.1.0/24"}]}',
    b'{"creationTime": "y", "prefixes": [{"service": "Google Cloud"}]}',
    b'{"changeNumber": 1, "values": [{"name": "x", "properties": {"addressPrefixes": "1.2.3.0/24"}}]}',
    b'{"changeNumber": 1, "values": [{"name": "x"}]}',
    b'{"something": "else"}',
    b'[1, 2, 3]',
    b'{"createDate": "2015-11-03", "prefixes": [',
    b'{"createDate": "2015-11-03", "prefixes": [{"ip_prefix": "1.2.3.0/24", "region": "\u0000x"}]}',
    b"67.202.0.0/18 a list, not JSON\n",
]


def provider_seeds():
    seeds = {}
    for name, obj, picks in (("aws", AWS, [0, 1, 2, 3, 4, 5, 6, 7, 12, 14, 17]),
                             ("gcp", GCP, [0, 6, 8, 9, 15]),
                             ("azure", AZURE, [0, 10, 11, 12, 16])):
        text = provider_json(obj)
        for pick in picks:
            seeds["%s-%d" % (name, pick)] = bytes([pick]) + text
        seeds[name + ".gz"] = bytes([0]) + gzip.compress(text, mtime=0)
    # A label that overflows: one prefix listed under many services.
    many = {"createDate": "2019-01-03-00-00-00",
            "prefixes": [{"ip_prefix": "198.51.100.0/24", "region": "r%d" % i,
                          "service": "SERVICE-NUMBER-%d" % i} for i in range(24)]}
    seeds["aws-long-label"] = bytes([1]) + provider_json(many)
    for i, data in enumerate(PROVIDER_BAD):
        seeds["bad-%d" % i] = bytes([i % 3]) + data
    return seeds


# ---- AS names -------------------------------------------------------------------

ASNAMES_JSON = {"14618": "AMAZON-AES - Amazon.com, Inc., US", "16509": "AMAZON-02 - Amazon.com, Inc., US",
                "AS39111": "AMAZON-DUB, IE", "4294967295": "last", "0": "reserved", "65536": ""}

ASNAMES_LINES = b"""# AS names, one per line
14618 AMAZON-AES - Amazon.com, Inc., US
AS16509\tAMAZON-02 - Amazon.com, Inc., US\r
  as39111   AMAZON-DUB, IE   
0 reserved
4294967295 last
65536
14618 named twice
"""

ASNAMES_BAD = [
    b'{"14618": 7}',
    b'{"AS": "empty number"}',
    b'{"4294967296": "too big"}',
    b'{"14618": "a", "14618": "b"}',
    b'{"14618": "nul \u0000 inside"}',
    b'["14618", "array"]',
    b'{"14618": "cut',
    b"14618x name\n",
    b"4294967296 too big\n",
    b"14618 nul\0byte\n",
    b"AS name without number\n",
    b"12345678901 eleven digits\n",
]


def asnames_seeds():
    seeds = {"json": json.dumps(ASNAMES_JSON).encode(), "lines": ASNAMES_LINES,
             "json.gz": gzip.compress(json.dumps(ASNAMES_JSON).encode(), mtime=0),
             "lines.gz": gzip.compress(ASNAMES_LINES, mtime=0), "empty": b"", "spaces": b" \n\t\r\n"}
    for i, data in enumerate(ASNAMES_BAD):
        seeds["bad-%d" % i] = data
    return seeds


# ---- honeyscope-mpi wire bytes (mpi/wire.c, little-endian) -----------------------

def wstr(s):
    return struct.pack("<I", len(s)) + s


def waddr(text):
    """16 bytes and the mapped_v6 flag of an address, as struct ip_addr holds it."""
    if ":" in text:
        import ipaddress
        b = ipaddress.IPv6Address(text).packed
        return b, 1 if b[:12] == b"\0" * 10 + b"\xff\xff" else 0
    return b"\0" * 10 + b"\xff\xff" + bytes(int(x) for x in text.split(".")), 0


def wire_plan(files, sensors=(("192.0.2.0", 120),), status=-1, verb=1, width=86400, offset=0):
    out = struct.pack("<IIqBBIqqQIIII", 0x48534D50, 3, status, verb, 1, 2, width, offset, 1000000,
                      300, 120, 60, 60)
    out += struct.pack("<I", len(sensors))
    for text, length in sensors:
        b, m = waddr(text)
        out += b + bytes([length, m])
    out += struct.pack("<Q", len(files))
    for path, size, mtime, rank in files:
        out += wstr(path) + struct.pack("<qqI", size, mtime, rank)
    return out


def wire_result(rows, evidence, status=0, error=b"", links=((147, 9),), fmt=b"pcap+gzip"):
    out = struct.pack("<IIII", 0x48534D52, 3, 3, status & 0xFFFFFFFF) + wstr(error)
    out += struct.pack("<QQQI", 1, 0, 1234, 5) + struct.pack("<5Q", 0, 3, 1, 0, 2)
    out += struct.pack("<QQqqQQQQQ", 7, 1, -5, 1233446400000000000, 17, 3, 1, 0, 0)
    out += struct.pack("<QI7QQ", 4, 7, 1, 0, 2, 0, 0, 0, 0, 1)  # flow records, skipped, covered
    out += struct.pack("<5Q", 9, 1, 2, 3, 10)  # export datagrams, lost, skipped, sampling
    out += struct.pack("<I", len(links))
    for lt, packets in links:
        out += struct.pack("<IQ", lt, packets)
    out += wstr(fmt) + struct.pack("<I", 1)
    out += struct.pack("<Q", len(rows))
    for bin_, sensor, remote, service, proto, initiator, counts in rows:
        sb, sm = waddr(sensor)
        rb, rm = waddr(remote)
        out += struct.pack("<q", bin_) + sb + rb + struct.pack("<HBB", service, proto, initiator)
        out += struct.pack("<QQQQQqq", *counts) + bytes([sm | rm << 1])
    out += struct.pack("<Q", len(evidence))
    for bin_, remote, kind, value, count in evidence:
        b, m = waddr(remote)
        out += struct.pack("<q", bin_) + b + struct.pack("<BHB", kind, len(value), m) + value
        out += struct.pack("<Q", count)
    return out


def wire_seeds():
    t = 1233446400
    c = (10, 2, 400, 80, 1, t * 10**9 + 5, t * 10**9 + 7)
    rows = [(t, "192.0.2.10", "198.51.100.7", 445, 6, 2, c),
            (t + 900, "192.0.2.10", "2001:db8::1", 53, 17, 1, c),
            (t, "192.0.2.10", "::ffff:10.0.0.1", 8 << 8, 1, 0, c),
            (t, "192.0.2.10", "198.51.100.7", 445, 6, 2, c)]  # a repeated key adds up
    ev = [(t, "198.51.100.7", 0, b"mx.example.com", 2), (t, "2001:db8::1", 9, b"", 1)]
    plan = wire_plan([(b"/data/a.pcap", 4096, 5, 0), (b"/data/b.pcap.gz", 1 << 40, -1, 2)],
                     sensors=(("192.0.2.7", 120), ("2001:db8::", 48), ("::ffff:1.2.3.4", 128)))
    seeds = {
        "plan-3-ranks": bytes([2 << 1]) + plan,
        "plan-1-rank": bytes([0]) + wire_plan([(b"x", 1, 1, 0)]),
        "plan-empty": bytes([0]) + wire_plan([], sensors=(), status=0, verb=2, width=3600,
                                             offset=-3600),
        "plan-bad-rank": bytes([0]) + plan,
        "plan-cut": bytes([4]) + plan[:len(plan) // 2],
        "result": bytes([1]) + wire_result(rows, ev),
        "result-into": bytes([3]) + wire_result(rows, ev),
        "result-failed": bytes([1]) + wire_result([], [], status=-1,
                                                 error=b"'a.pcap': truncated at byte offset 9"),
        "result-refused": bytes([1]) + wire_result([], [], status=-3, error=b"changed", links=()),
        "result-bad-initiator": bytes([1]) + wire_result([(t, "192.0.2.10", "198.51.100.7", 1, 6, 3,
                                                           c)], []),
        "result-bad-kind": bytes([3]) + wire_result(rows, [(t, "198.51.100.7", 200, b"x", 1)]),
        "result-extremes": bytes([1]) + wire_result(
            [(-2**63, "192.0.2.10", "198.51.100.7", 65535, 255, 2,
              (2**64 - 1, 2**64 - 1, 0, 0, 2**64 - 1, -2**63, 2**63 - 1))], [], links=()),
    }
    return seeds


# ---- store edits (fuzz_store.c: mode 1 edit lists, mode 2 byte damage) ----------

# Tables and columns as fuzz_store.c numbers them.
ST = {"capture_file": 0, "traffic": 1, "evidence": 2, "evidence_kind": 3, "sensor": 4,
      "prefix_spec": 5}
COLS = {
    "capture_file": ["id", "path", "size", "mtime_ns", "fingerprint", "format", "link_type",
                     "first_ns", "last_ns", "packets", "truncated", "malformed", "unsupported",
                     "unsupported_link", "not_ip", "not_sensor", "sensor_to_sensor", "flows",
                     "flows_expired", "flows_evicted", "fragments_unmatched", "status", "error",
                     "ingested_at"],
    "traffic": ["file_id", "bin", "sensor", "remote", "proto", "initiator", "service",
                "packets_in", "packets_out", "bytes_in", "bytes_out", "flows", "first_s", "last_s"],
    "evidence": ["file_id", "bin", "remote", "kind", "value", "count"],
    "evidence_kind": ["id", "name"],
    "sensor": ["prefix", "how"],
    "prefix_spec": ["name", "seq", "spec", "file_suffix", "content", "added_at"],
}
ALL_ROWS = 255


def set_col(table, col, value, row=0):
    """Edit: set table.col of one row (ALL_ROWS: every row); value is an encoded value."""
    return bytes([0, ST[table], COLS[table].index(col), row]) + value


def v_int(n):
    return bytes([1]) + struct.pack(">q", n)


def v_text(b):
    return bytes([4, len(b)]) + b


def v_blob(b):
    return bytes([5, len(b)]) + b


def v_real(x):
    return bytes([3]) + struct.pack(">d", x)


V_NULL = bytes([0])


def e_delete(table, row=ALL_ROWS):
    return bytes([2, ST[table], row])


def e_drop(table, whole=True):
    return bytes([3, ST[table], 1 if whole else 0])


def e_pragma(user_version, value):
    return bytes([4, 0]) + struct.pack(">Q", (value & 0xFFFFFFFF) << 8 | (1 if user_version else 0))


def e_rebuild(table):
    return bytes([5, ST[table]])


def e_sql(text):
    return bytes([6, 0, len(text)]) + text


def e_cut(n):
    return bytes([7, 0]) + struct.pack(">Q", n)


def store_seeds():
    edits = {
        "untouched": b"",
        "remote-blob": set_col("traffic", "remote", v_blob(b"\xc0\x00\x02\x07")),
        "remote-blob-all": set_col("traffic", "remote", v_blob(b"\0" * 16), ALL_ROWS),
        "sensor-int": set_col("traffic", "sensor", v_int(3221225994)),
        "remote-bad-text": set_col("traffic", "remote", v_text(b"999.1.1.1")),
        "bin-int64-min": set_col("traffic", "bin", v_int(-2**63)),
        "bin-int64-max": set_col("traffic", "bin", v_int(2**63 - 1), 2),
        "bin-unaligned": set_col("traffic", "bin", v_int(1233446401)),
        "bin-text": set_col("traffic", "bin", v_text(b"soon")),
        "packets-negative": set_col("traffic", "packets_in", v_int(-1)),
        "packets-overflow": set_col("traffic", "packets_in", v_int(2**63 - 1), ALL_ROWS),
        "bytes-real": set_col("traffic", "bytes_out", v_real(1e300)),
        "first-s-huge": set_col("traffic", "first_s", v_int(2**62)) +
        set_col("traffic", "last_s", v_int(-2**62)),
        "initiator-7": set_col("traffic", "initiator", v_int(7)),
        "service-big": set_col("traffic", "service", v_int(70000)),
        "proto-negative": set_col("traffic", "proto", v_int(-6)),
        "file-packets-negative": set_col("capture_file", "packets", v_int(-5)),
        "file-counts-max": b"".join(set_col("capture_file", c, v_int(2**63 - 1), ALL_ROWS)
                                    for c in COLS["capture_file"][9:21]),
        "file-span-inverted": set_col("capture_file", "first_ns", v_int(2**63 - 1)) +
        set_col("capture_file", "last_ns", v_int(-2**63)),
        "file-status-other": set_col("capture_file", "status", v_text(b"maybe")),
        "file-path-null": e_rebuild("capture_file") + set_col("capture_file", "path", V_NULL),
        "file-status-null": e_rebuild("capture_file") + set_col("capture_file", "status", V_NULL),
        "file-format-blob": set_col("capture_file", "format", v_blob(b"\xff" * 40)),
        "file-fingerprint-dup": set_col("capture_file", "fingerprint", v_text(b"0" * 32), ALL_ROWS),
        "traffic-orphan": set_col("traffic", "file_id", v_int(99)),
        "evidence-remote-blob": set_col("evidence", "remote", v_blob(b"\1\2")),
        "evidence-kind-unknown": set_col("evidence_kind", "name", v_text(b"from_the_future")),
        "evidence-value-text": set_col("evidence", "value", v_text(b"x" * 255)),
        "evidence-count-negative": set_col("evidence", "count", v_int(-9)),
        "sensor-bad": set_col("sensor", "prefix", v_text(b"10.0.0.0/33")),
        "sensor-blob": set_col("sensor", "prefix", v_blob(b"\0" * 17)),
        "sensor-none": e_delete("sensor"),
        "prefix-content-null": e_rebuild("prefix_spec") + set_col("prefix_spec", "content", V_NULL),
        "user-version-99": e_pragma(True, 99),
        "user-version-1": e_pragma(True, 1),
        "user-version-negative": e_pragma(True, -1),
        "application-id-0": e_pragma(False, 0),
        "cut-header": e_cut(100),
        "cut-half": e_cut(4096),
        "cut-one-page": e_cut(512),
        "cut-odd": e_cut(3001),
        "traffic-rebuilt-nulls": e_rebuild("traffic") + set_col("traffic", "remote", V_NULL) +
        set_col("traffic", "flows", V_NULL, 1),
        "sql-writable-schema": e_sql(b"PRAGMA writable_schema=ON;UPDATE sqlite_schema SET "
                                     b"sql='CREATE TABLE sensor(x)' WHERE name='sensor'"),
        "sql-view-loop": e_sql(b"DROP VIEW traffic_named;CREATE VIEW traffic_named AS SELECT * "
                               b"FROM traffic_named"),
    }
    for table in ST:
        edits["drop-" + table] = e_drop(table)
    edits["drop-index"] = e_drop("capture_file", whole=False)
    edits["drop-view"] = e_drop("traffic", whole=False)
    seeds = {"edit-" + name: bytes([1]) + data for name, data in edits.items()}
    # Byte damage: the header (page size, sizes, schema cookie), the first pages, cuts.
    for name, patches in {"untouched": [], "page-size": [(16, 0x03), (17, 0x00)],
                          "file-change-counter": [(24, 0xFF)], "schema-format": [(44, 9)],
                          "db-size": [(28, 0x7F), (29, 0xFF)], "page-2": [(512 + 8, 0xFF)],
                          "page-3": [(1024, 0x0A), (1024 + 3, 0xFF)], "text-encoding": [(56, 3)],
                          "cut-2000": [(0x800000 | 2000, 0)]}.items():
        seeds["damage-" + name] = bytes([2]) + b"".join(
            struct.pack(">I", off << 8 | value) for off, value in patches)
    seeds["raw-empty"] = bytes([0])
    seeds["raw-text"] = bytes([0]) + b"not a database at all, just text\n"
    seeds["raw-header-only"] = bytes([0]) + b"SQLite format 3\0" + bytes([2, 0, 1, 1]) + b"\0" * 80
    return seeds


# ---- Zeek conn.logs ---------------------------------------------------------

CONN_FIELDS = ("ts uid id.orig_h id.orig_p id.resp_h id.resp_p proto service duration "
               "orig_bytes resp_bytes conn_state local_orig local_resp missed_bytes history "
               "orig_pkts orig_ip_bytes resp_pkts resp_ip_bytes tunnel_parents").split()
CONN_TSV = (b"#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n"
            b"#path\tconn\n#fields\t" + "\t".join(CONN_FIELDS).encode() + b"\n"
            b"#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount"
            b"\tcount\tstring\tbool\tbool\tcount\tstring\tcount\tcount\tcount\tcount"
            b"\tset[string]\n"
            b"3700.5\tC1\t10.0.0.5\t49168\t198.51.100.1\t80\ttcp\thttp\t0.05\t261\t1077\tSF"
            b"\t-\t-\t0\tShADadfF\t5\t473\t5\t1281\t(empty)\n"
            b"9.25\tC2\t198.51.100.2\t4444\t192.0.2.7\t445\ttcp\t-\t-\t-\t-\tS0\t-\t-\t0"
            b"\tS\t1\t52\t0\t0\t(empty)\n"
            b"10.5\tC3\t192.0.2.7\t53000\t198.51.100.3\t53\tudp\tdns\t0.01\t37\t87\tSF"
            b"\t-\t-\t0\tDd\t1\t65\t1\t115\t(empty)\n"
            b"11\tC4\t198.51.100.4\t8\t192.0.2.7\t0\ticmp\t-\t-\t-\t-\tOTH\t-\t-\t0"
            b"\t-\t1\t84\t1\t84\t(empty)\n"
            b"12\tC5\t2001:db8::7\t22\t2001:db8:1::9\t60000\ttcp\t-\t1.0\t0\t0\tOTH\t-\t-"
            b"\t0\t^hA\t2\t120\t2\t160\t(empty)\n"
            b"#close\t2024-01-01-00-00-00\n")
CONN_JSON = (b'{"ts":26.679565,"uid":"C1","id.orig_h":"fe80::1","id.orig_p":57095,'
             b'"id.resp_h":"ff02::1:3","id.resp_p":5355,"proto":"udp","duration":0.098,'
             b'"conn_state":"S0","history":"D","orig_pkts":2,"orig_ip_bytes":146,'
             b'"resp_pkts":0,"resp_ip_bytes":0}\n'
             b'{"ts":3601.5,"id.orig_h":"192.0.2.9","id.orig_p":5,"id.resp_h":"198.51.100.1",'
             b'"id.resp_p":443,"proto":"tcp","history":"ShADad","orig_pkts":9,'
             b'"orig_ip_bytes":900,"resp_pkts":8,"resp_ip_bytes":8000}\n'
             b'{"ts":7,"id":{"orig_h":"198.51.100.9","orig_p":1,"resp_h":"10.1.1.1","resp_p":23},'
             b'"proto":"tcp","conn_state":"REJ","orig_pkts":1,"orig_ip_bytes":60,'
             b'"resp_pkts":1,"resp_ip_bytes":40}\n')


def connlog_seeds():
    return {
        "tsv": CONN_TSV,
        "tsv.gz": gzip.compress(CONN_TSV, mtime=0),
        "json": CONN_JSON,
        "json.gz": gzip.compress(CONN_JSON, mtime=0),
        "tsv-cut-gzip": gzip.compress(CONN_TSV, mtime=0)[:-20],
        "tsv-no-fields": b"#separator \\x09\n#path\tconn\n1\t2\n",
        "tsv-bad-lines": CONN_TSV.replace(b"\t80\t", b"\t99999\t").replace(b"\t52\t", b"\t-\t")
        + b"1\t2\n\xff\xfe\n",
        "json-bad": CONN_JSON + b'{"ts":1e400}\n{"ts":"x"}\nnot json\n{"ts":-1,"id.orig_h":null}\n',
    }


def netflow_seeds():
    """The crafted datagrams of tests/e2e/collect_datagrams.py, alone and in sequence."""
    import importlib.util
    import tempfile
    here = os.path.dirname(os.path.abspath(__file__))
    spec = importlib.util.spec_from_file_location(
        "collect_datagrams", os.path.join(here, "..", "e2e", "collect_datagrams.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    with tempfile.TemporaryDirectory() as tmp:
        sys.argv = ["collect_datagrams.py", os.path.join(tmp, "d")]
        mod.main()
        names = sorted(os.listdir(os.path.join(tmp, "d")))
        grams = [open(os.path.join(tmp, "d", n), "rb").read() for n in names]

    def framed(items):
        return b"".join(struct.pack(">H", len(g)) + g for g in items)

    seeds = {"all": framed(grams)}
    for name, g in zip(names, grams):
        seeds[name] = framed([g])
    # The IPFIX template, then its data; the v9 template then data.
    seeds["ipfix-template-data"] = framed([grams[5], grams[6], grams[7]])
    seeds["v9-template-data"] = framed([grams[10], grams[11]])
    return seeds


def write(directory, name, data):
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, name), "wb") as f:
        f.write(data)


# ---- fuzz_evidence: JA4 and HASSH inputs -------------------------------------------------

# Selector bytes of fuzz_evidence.c: low 4 bits the service, bits 4-5 the side.
EV_TLS_443, EV_TCP_4444, EV_SSH_22, EV_SSH_2222 = 5, 8, 10, 11
EV_CLIENT, EV_SERVER, EV_UNKNOWN = 0x00, 0x10, 0x20


def tls_ext(kind, data):
    return struct.pack("!HH", kind, len(data)) + data


def u16_list(values, len_bytes=2):
    body = b"".join(struct.pack("!H", v) for v in values)
    return (struct.pack("!B", len(body)) if len_bytes == 1 else struct.pack("!H", len(body))) + body


def tls_hello(suites, exts, version=0x0303, record=16384):
    """A ClientHello with these suites and extension bytes (None: no extensions at all)."""
    body = struct.pack("!H", version) + bytes(range(32)) + b"\0" + u16_list(suites) + b"\x01\0"
    if exts is not None:
        body += struct.pack("!H", len(exts)) + exts
    hs = b"\x01" + struct.pack("!I", len(body))[1:] + body
    out = b""
    for at in range(0, len(hs), record):
        frag = hs[at:at + record]
        out += b"\x16\x03\x01" + struct.pack("!H", len(frag)) + frag
    return out


def browser_extensions(alpn=b"h2", sni=b"example.com"):
    name = b"\0" + struct.pack("!H", len(sni)) + sni
    return (tls_ext(0x0A0A, b"") +
            tls_ext(0, struct.pack("!H", len(name)) + name) +
            tls_ext(0x0017, b"") + tls_ext(0xFF01, b"\0") +
            tls_ext(0x000A, u16_list([0x2A2A, 0x001D, 0x0017])) +
            tls_ext(0x0010, struct.pack("!HB", len(alpn) + 1, len(alpn)) + alpn) +
            tls_ext(0x000D, u16_list([0x0403, 0x0804, 0x0401, 0x0503])) +
            tls_ext(0x002B, u16_list([0x6A6A, 0x0304, 0x0303], 1)) +
            tls_ext(0x1A1A, b"\0"))


def ssh_side(line, lists):
    payload = b"\x14" + bytes(range(16))
    for item in lists:
        payload += struct.pack("!I", len(item)) + item
    payload += b"\0\0\0\0\0"
    padding = 8 - (5 + len(payload)) % 8
    padding += 8 if padding < 4 else 0
    return (line + b"\r\n" + struct.pack("!IB", 1 + len(payload) + padding, padding) + payload +
            bytes(padding))


SSH_LISTS = [b"curve25519-sha256,ecdh-sha2-nistp256,ext-info-c", b"ssh-ed25519,rsa-sha2-512",
             b"chacha20-poly1305@openssh.com,aes128-ctr", b"aes128-ctr",
             b"umac-64-etm@openssh.com,hmac-sha2-256", b"hmac-sha2-256", b"none,zlib@openssh.com",
             b"none", b"", b""]


def evidence_seeds():
    suites = [0x2A2A, 0x1301, 0x1302, 0x1303, 0xC02B, 0xC02F, 0x009C, 0x0035]
    return {
        "ja4-browser": bytes([EV_TLS_443 | EV_CLIENT]) + tls_hello(suites, browser_extensions()),
        "ja4-split-records": bytes([EV_TCP_4444 | EV_UNKNOWN]) +
        tls_hello(suites, browser_extensions(), record=9),
        "ja4-alpn-hex": bytes([EV_TLS_443 | EV_CLIENT]) +
        tls_hello(suites, browser_extensions(alpn=b"\xba\xad")),
        "ja4-alpn-empty": bytes([EV_TLS_443 | EV_CLIENT]) +
        tls_hello(suites, browser_extensions(alpn=b"")),
        "ja4-no-extensions": bytes([EV_TLS_443 | EV_CLIENT]) + tls_hello([0x002F, 0x0035], None),
        "ja4-grease-only": bytes([EV_TLS_443 | EV_CLIENT]) +
        tls_hello([0x0A0A], tls_ext(0x2B2B, b"") + tls_ext(0x002B, u16_list([0x1A1A], 1))),
        # Past the 1024 bytes of an ordinary buffer: padded to 1.8 KB as post-quantum key shares
        # make browsers' hellos, in one record and in records of 1000 bytes, and one whole
        # record of 16 KiB, the longest buffer.
        "ja4-long-hello": bytes([EV_TLS_443 | EV_CLIENT]) +
        tls_hello(suites, browser_extensions() + tls_ext(0x0015, bytes(1645))),
        "ja4-long-hello-records": bytes([EV_TLS_443 | EV_CLIENT]) +
        tls_hello(suites, browser_extensions() + tls_ext(0x0015, bytes(1645)), record=1000),
        "ja4-record-16k": bytes([EV_TCP_4444 | EV_CLIENT]) +
        tls_hello(suites, browser_extensions() + tls_ext(0x0015, bytes(16384 - 149))),
        "ssh-client": bytes([EV_SSH_22 | EV_CLIENT]) +
        ssh_side(b"SSH-2.0-OpenSSH_9.2p1 Debian-2", SSH_LISTS),
        "ssh-server": bytes([EV_SSH_2222 | EV_SERVER]) +
        ssh_side(b"SSH-2.0-OpenSSH_9.2p1", SSH_LISTS),
        "ssh-any-port": bytes([EV_TCP_4444 | EV_CLIENT]) + ssh_side(b"SSH-1.99-libssh", SSH_LISTS),
        "ssh-v1": bytes([EV_SSH_22 | EV_CLIENT]) + b"SSH-1.5-1.2.26\n",
    }


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
    for target, seeds in (("fuzz_provider", provider_seeds()), ("fuzz_asnames", asnames_seeds()),
                          ("fuzz_wire", wire_seeds()), ("fuzz_store", store_seeds()),
                          ("fuzz_connlog", connlog_seeds()), ("fuzz_netflow", netflow_seeds()),
                          ("fuzz_evidence", evidence_seeds())):
        for name, data in seeds.items():
            write(os.path.join(root, target), "seed-" + name, data)
    for i, text in enumerate(MASK_STRINGS):
        for pick in range(5):
            write(os.path.join(root, "fuzz_mask"), "seed-%d-%d" % (i, pick), bytes([pick]) + text)


main()
