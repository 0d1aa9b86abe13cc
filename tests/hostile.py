#!/usr/bin/env python3
"""Writes captures and a group list full of hostile strings, for the escaping tests.

Usage: hostile.py OUTDIR

Writes into OUTDIR:
  hostile-list"onmouseover=alert(1) x<b>.txt   a "CIDR label" list whose labels are the
                                             strings of HOSTILE (one /28 each)
  =SUM(1+1)<ESC>[31m<0xff>.pcap                half of the traffic (a file name that is a
                                             formula, with an escape sequence and a byte
                                             that is not UTF-8)
  <script>alert(1)</script>.pcap             the other half (in the folder "<script>alert(1)<")
and prints the list's file name. Traffic: each labelled /28 sends the sensor
192.0.2.10 a few UDP packets (so every label is a source's label), and the
sensor talks HTTP, SMTP, SSH and DNS with the first /28 carrying the same strings
in its payloads, where the evidence parsers read them.

To test a new place where foreign strings land, add the string to HOSTILE or
the payload to conversations(); tests/cli/hostile.sh checks every format.
"""
import os
import struct
import sys

# Strings that break a terminal, a spreadsheet, a page or a parser when not escaped.
HOSTILE = [
    b"<script>alert(1)</script>",
    b'"onmouseover=alert(1) x="',
    b'=HYPERLINK("http://x")',
    b"+cmd",
    b"@SUM(1)",
    b"\x1b[31mred\x1b]0;title\x07",
    b"bad\xff\xfeutf8 \xc3\x28 end",
    b"-2+3,\"quoted\"",
]

SENSOR = bytes([192, 0, 2, 10])
T0 = 1233446400  # 2009-02-01T00:00:00Z


def remote(i, host=1):
    return bytes([198, 51, 100, 16 * i + host])


sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tinypcap import checksum  # noqa: E402  (the IPv4 header checksum, kept once)


def ip(src, dst, proto, payload, ident):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident & 0xFFFF, 0, 64, proto, 0,
                    src, dst)
    return h[:10] + struct.pack("!H", checksum(h)) + h[12:] + payload


def udp(src, dst, sport, dport, data, ident):
    return ip(src, dst, 17, struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data, ident)


def tcp(src, dst, sport, dport, seq, ack, flags, data, ident):
    seg = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 65535, 0, 0) + data
    return ip(src, dst, 6, seg, ident)


SYN, ACK, PSH, FIN = 0x02, 0x10, 0x08, 0x01


def tcp_conversation(peer, sport, dport, client_data, server_data, ident):
    """The sensor opens a connection, sends client_data, gets server_data back."""
    a, b = 1000, 5000
    pkts = [
        tcp(SENSOR, peer, sport, dport, a, 0, SYN, b"", ident),
        tcp(peer, SENSOR, dport, sport, b, a + 1, SYN | ACK, b"", ident + 1),
        tcp(SENSOR, peer, sport, dport, a + 1, b + 1, ACK, b"", ident + 2),
    ]
    if server_data:  # a server that speaks first (SMTP) gets its say here
        pkts.append(tcp(peer, SENSOR, dport, sport, b + 1, a + 1, PSH | ACK, server_data, ident + 3))
        b += len(server_data)
    pkts.append(tcp(SENSOR, peer, sport, dport, a + 1, b + 1, PSH | ACK, client_data, ident + 4))
    pkts.append(tcp(SENSOR, peer, sport, dport, a + 1 + len(client_data), b + 1, FIN | ACK, b"",
                    ident + 5))
    pkts.append(tcp(peer, SENSOR, dport, sport, b + 1, a + 2 + len(client_data), FIN | ACK, b"",
                    ident + 6))
    return pkts


def dns_query(name_labels, qid):
    q = b"".join(bytes([len(l)]) + l for l in name_labels) + b"\0" + struct.pack("!HH", 1, 1)
    return struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0) + q


def conversations():
    """Packets whose payloads carry the hostile strings (evidence)."""
    peer = remote(0, 2)
    script, quote, formula, plus, at, esc, utf8, comma = HOSTILE
    pkts = []
    http = (b"GET /" + script + b"?" + esc + b" HTTP/1.1\r\nHost: " + formula + b"\r\n"
            b"User-Agent: " + quote + utf8 + b"\r\n\r\n")
    pkts += tcp_conversation(peer, 40001, 80, http, b"", 100)
    smtp_banner = b"220 " + script + b" ESMTP " + esc + b"\r\n"
    smtp = (b"HELO " + plus + b"\r\nMAIL FROM:<" + at + b"@x.example>\r\n"
            b"RCPT TO:<" + formula + b"@" + quote + b">\r\nDATA\r\nSubject: " + esc + utf8 +
            b"\r\n\r\nhi\r\n.\r\nQUIT\r\n")
    pkts += tcp_conversation(peer, 40002, 25, smtp, smtp_banner, 200)
    # An SSH client's identification line is shown as sent (ssh-client evidence).
    ssh = b"SSH-2.0-" + script + esc + utf8 + b"\r\n"
    pkts += tcp_conversation(peer, 40004, 22, ssh, b"", 400)
    query = dns_query([b"<script>", b"=cmd", esc[:20], b"example"], 0x1234)
    pkts.append(udp(SENSOR, peer, 40003, 53, query, 300))
    return pkts


def frame(packet):
    return b"\x02\0\0\0\0\x01" + b"\x02\0\0\0\0\x02" + b"\x08\x00" + packet


def write_pcap(path, packets, t0):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, p in enumerate(packets):
            data = frame(p)
            f.write(struct.pack("<IIII", t0 + i, 0, len(data), len(data)))
            f.write(data)


def main():
    out = os.fsencode(sys.argv[1])
    os.makedirs(out, exist_ok=True)
    list_name = b'hostile-list"onmouseover=alert(1) x<b>.txt'
    with open(os.path.join(out, list_name), "wb") as f:
        f.write(b"# labels that must be escaped wherever they are shown\n")
        for i, label in enumerate(HOSTILE):
            f.write(b"198.51.100.%d/28 %s\n" % (16 * i, label))
    # Every label's prefix sends the sensor something on each of a few days.
    day1, day2 = [], []
    for i in range(len(HOSTILE)):
        for k in range(3):
            pkt = udp(remote(i), SENSOR, 50000 + k, 1434 + i, b"x" * (10 + k), 1000 + 10 * i + k)
            (day1 if k < 2 else day2).append(pkt)
    day1 += conversations()
    write_pcap(os.path.join(out, b"=SUM(1+1)\x1b[31m\xff.pcap"), day1, T0)
    folder = os.path.join(out, b"<script>alert(1)<")
    os.makedirs(folder, exist_ok=True)
    write_pcap(os.path.join(folder, b"script>.pcap"), day2, T0 + 86400)
    sys.stdout.buffer.write(list_name + b"\n")


main()
