#!/usr/bin/env python3
"""Writes a capture in which the sensor's address hides in every text form, for the --mask tests.

Usage: mask_capture.py OUT.pcap

The sensor is 192.0.2.10 and 2001:db8:0:1::10. Its bot, and the remote side
talking to it, write the sensor's address into every kind of evidence the
parsers read (SMTP HELO, MAIL FROM, RCPT TO, Subject, banner; HTTP request,
Host, User-Agent, URL, Location; DNS queries, answers and errors; TLS server
names) in every form of docs/semantics.md "Masking": dotted, bracketed,
zero-padded, as a decimal or hex integer, reversed (in-addr.arpa, ip6.arpa
nibbles, a.b.c.d in a host name), spelled in host names (192-0-2-10.example,
ip-192-0-2-10, 2001-db8-0-1--10.ipv6-literal.net), IPv6 compressed, expanded,
in capitals, IPv4-mapped, in mixed notation, with a zone, in URLs.

Values also carry near misses that only a wider sensor prefix covers:
192.0.2.100 (in 192.0.2.0/24, not in 192.0.2.10/32) and 2001:db8:0:1::abcd
(in 2001:db8:0:1::/64). The sensor's own host name, honeypot.example,
appears only in what the sensor sends.

Prints, one per line, the strings that name the sensor (tests/e2e/mask.sh
looks for each, case-insensitively, in masked and unmasked reports).
"""
import socket
import struct
import sys

from tinypcap import checksum  # the IPv4 header checksum, shared with the other writers

S4 = socket.inet_pton(socket.AF_INET, "192.0.2.10")
S6 = socket.inet_pton(socket.AF_INET6, "2001:db8:0:1::10")
T0 = 1233446400  # 2009-02-01T00:00:00Z

# Each form once as it is written into the payloads below; mask.sh searches the reports for it.
FORMS = [
    "192.0.2.10",
    "192.000.002.010",
    "3221225994",
    "c000020a",
    "10.2.0.192",
    "192-0-2-10",
    "10-2-0-192",
    "192_0_2_10",
    "2001:db8:0:1::10",
    "2001:0db8:0000:0001:0000:0000:0000:0010",
    "2001:db8:0:1:0:0:0:10",
    "2001:db8:0:1:0:0:0.0.0.16",
    "2001-db8-0-1--10",
    "0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2",
    "honeypot.example",
]


def v4(text):
    return socket.inet_pton(socket.AF_INET, text)


def v6(text):
    return socket.inet_pton(socket.AF_INET6, text)


class Ident:
    n = 0


def ip(src, dst, proto, payload):
    Ident.n += 1
    if len(src) == 4:
        h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), Ident.n & 0xFFFF, 0, 64,
                        proto, 0, src, dst)
        return b"\x08\x00", h[:10] + struct.pack("!H", checksum(h)) + h[12:] + payload
    h = struct.pack("!IHBB16s16s", 6 << 28, len(payload), proto, 64, src, dst)
    return b"\x86\xdd", h + payload


def udp(src, dst, sport, dport, data):
    return ip(src, dst, 17, struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data)


def tcp(src, dst, sport, dport, seq, ack, flags, data):
    seg = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 65535, 0, 0) + data
    return ip(src, dst, 6, seg)


SYN, ACK, PSH, FIN = 0x02, 0x10, 0x08, 0x01


def conversation(client, server, sport, dport, client_data, server_data, server_first=False):
    """client opens a connection to server, they exchange one message each, both close."""
    a, b = 1000, 5000
    pkts = [
        tcp(client, server, sport, dport, a, 0, SYN, b""),
        tcp(server, client, dport, sport, b, a + 1, SYN | ACK, b""),
        tcp(client, server, sport, dport, a + 1, b + 1, ACK, b""),
    ]
    if server_first:
        pkts.append(tcp(server, client, dport, sport, b + 1, a + 1, PSH | ACK, server_data))
        b += len(server_data)
    pkts.append(tcp(client, server, sport, dport, a + 1, b + 1, PSH | ACK, client_data))
    a += len(client_data)
    if not server_first and server_data:
        pkts.append(tcp(server, client, dport, sport, b + 1, a + 1, PSH | ACK, server_data))
        b += len(server_data)
    pkts.append(tcp(client, server, sport, dport, a + 1, b + 1, FIN | ACK, b""))
    pkts.append(tcp(server, client, dport, sport, b + 1, a + 2, FIN | ACK, b""))
    return pkts


def dns_name(name):
    return b"".join(bytes([len(l)]) + l.encode() for l in name.split(".")) + b"\0"


def dns_query(qid, name, qtype):
    return struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0) + dns_name(name) + struct.pack(
        "!HH", qtype, 1)


def dns_response(qid, name, qtype, rcode=0, rdata=None):
    q = dns_name(name) + struct.pack("!HH", qtype, 1)
    if rdata is None:
        return struct.pack("!HHHHHH", qid, 0x8180 | rcode, 1, 0, 0, 0) + q
    rr = b"\xc0\x0c" + struct.pack("!HHIH", qtype, 1, 300, len(rdata)) + rdata
    return struct.pack("!HHHHHH", qid, 0x8180, 1, 1, 0, 0) + q + rr


def dns_exchange(client, server, sport, qid, name, qtype, rcode=0, rdata=None):
    return [
        udp(client, server, sport, 53, dns_query(qid, name, qtype)),
        udp(server, client, 53, sport, dns_response(qid, name, qtype, rcode, rdata)),
    ]


def client_hello(sni):
    name = sni.encode()
    entry = b"\0" + struct.pack("!H", len(name)) + name
    ext = struct.pack("!HH", 0, len(entry) + 2) + struct.pack("!H", len(entry)) + entry
    body = (b"\x03\x03" + bytes(32) + b"\0" + b"\0\x02\x13\x01" + b"\x01\0" +
            struct.pack("!H", len(ext)) + ext)
    hs = b"\x01" + struct.pack("!I", len(body))[1:] + body
    return b"\x16\x03\x01" + struct.pack("!H", len(hs)) + hs


P6 = "2001:db8:ffff::"


def packets():
    r = lambda n: v4("198.51.100.%d" % n)
    r6 = lambda n: v6(P6 + "%x" % n)
    pkts = []

    # ---- the sensor's bot: conversations the sensor starts (it sends the client side) ----
    smtp4 = (b"EHLO [192.0.2.10]\r\nMAIL FROM:<bot@[192.0.2.10]>\r\n"
             b"RCPT TO:<postmaster@192-0-2-10.example>\r\nRCPT TO:<abuse@[192.000.002.010]>\r\n"
             b"DATA\r\nSubject: greetings from ip-192-0-2-10 (3221225994)\r\n\r\nhi\r\n.\r\n"
             b"QUIT\r\n")
    banner4 = b"220 mx.remote.example ESMTP you are [192.0.2.10] aka 10-2-0-192.static.example\r\n"
    pkts += conversation(S4, r(25), 40001, 25, smtp4, banner4, server_first=True)
    smtp6 = (b"EHLO [IPv6:2001:db8:0:1::10]\r\nMAIL FROM:<bot@[IPv6:2001:DB8:0:1:0:0:0:10]>\r\n"
             b"RCPT TO:<x@2001-db8-0-1--10.ipv6-literal.net>\r\nDATA\r\nSubject: from "
             b"2001:0db8:0000:0001:0000:0000:0000:0010\r\n\r\nhi\r\n.\r\nQUIT\r\n")
    banner6 = b"220 mx6.remote.example ESMTP hello [2001:db8:0:1::10]\r\n"
    pkts += conversation(S6, r6(25), 40002, 25, smtp6, banner6, server_first=True)

    http4 = (b"GET http://192.0.2.10/x?id=c000020a HTTP/1.1\r\nHost: 192.0.2.10\r\n"
             b"User-Agent: bot/1.0 (ip-192-0-2-10; honeypot.example)\r\n\r\n")
    resp4 = (b"HTTP/1.1 302 Found\r\nLocation: http://[::ffff:192.0.2.10]:8080/y\r\n"
             b"Content-Type: text/html\r\nContent-Length: 0\r\n\r\n")
    pkts += conversation(S4, r(80), 40003, 80, http4, resp4)
    http6 = (b"GET /x?ip=2001:0db8:0000:0001:0000:0000:0000:0010 HTTP/1.1\r\n"
             b"Host: [2001:db8:0:1::10]:8080\r\nUser-Agent: bot6 (2001:db8:0:1::10%eth0)\r\n\r\n")
    resp6 = (b"HTTP/1.1 301 Moved\r\nLocation: http://[2001:db8:0:1::10%25eth0]/z\r\n"
             b"Content-Length: 0\r\n\r\n")
    pkts += conversation(S6, r6(80), 40004, 80, http6, resp6)

    pkts += dns_exchange(S4, r(53), 40005, 1, "10.2.0.192.in-addr.arpa", 12, rcode=3)
    pkts += dns_exchange(S4, r(53), 40006, 2, "192-0-2-10.example", 1, rdata=S4)
    pkts += dns_exchange(S4, r(53), 40007, 3, "c000020a.example", 28, rdata=S6)
    pkts += dns_exchange(S4, r(53), 40008, 4, "honeypot.example", 1, rdata=v4("192.0.2.100"))
    nibbles = ".".join(reversed(S6.hex())) + ".ip6.arpa"
    pkts += dns_exchange(S6, r6(53), 40009, 5, nibbles, 12, rcode=3)
    pkts += dns_exchange(S6, r6(53), 40010, 6, "ip6-2001-db8-0-1--10.example", 28, rdata=S6)
    pkts += dns_exchange(S6, r6(53), 40011, 7, "192_0_2_10.example", 5,
                         rdata=dns_name("10.2.0.192.in-addr.arpa"))

    pkts += conversation(S4, r(44), 40012, 443, client_hello("192-0-2-10.nip.io"), b"")
    pkts += conversation(S6, r6(44), 40013, 443, client_hello("2001-db8-0-1--10.sslip.io"), b"")

    # ---- the remote side: conversations it starts (it sends the client side) ----
    scan4 = (b"GET /?u=http://192.0.2.10/ HTTP/1.1\r\nHost: 192.0.2.10:80\r\n"
             b"User-Agent: zgrab 3221225994 0xC000020A 192.0.2.100\r\n\r\n")
    page = (b"HTTP/1.1 200 OK\r\nLocation: http://honeypot.example/login\r\n"
            b"Content-Type: text/html\r\nContent-Length: 0\r\n\r\n")
    pkts += conversation(r(99), S4, 50001, 80, scan4, page)
    scan6 = (b"GET / HTTP/1.1\r\nHost: [2001:DB8:0:1::10]\r\n"
             b"User-Agent: scan 2001:db8:0:1:0:0:0.0.0.16 2001:db8:0:1::abcd\r\n\r\n")
    pkts += conversation(r6(99), S6, 50002, 80, scan6, page)
    pkts += conversation(r(98), S4, 50003, 443, client_hello("ip-192-0-2-10.ec2.internal"), b"")
    smtp_in = (b"HELO scanner.example\r\nMAIL FROM:<spam@x.example>\r\n"
               b"RCPT TO:<root@[192.0.2.10]>\r\nQUIT\r\n")
    pkts += conversation(r(97), S4, 50004, 25, smtp_in, b"220 honeypot.example ESMTP\r\n",
                         server_first=True)
    pkts += dns_exchange(r(96), S4, 50005, 8, "0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.0.0.0.0.8.b."
                         "d.0.1.0.0.2.ip6.arpa", 12, rdata=dns_name("honeypot.example"))
    return pkts


def main():
    with open(sys.argv[1], "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, (ethertype, p) in enumerate(packets()):
            data = b"\x02\0\0\0\0\x01" + b"\x02\0\0\0\0\x02" + ethertype + p
            f.write(struct.pack("<IIII", T0 + i, 0, len(data), len(data)))
            f.write(data)
    print("\n".join(FORMS))


if __name__ == "__main__":
    main()
