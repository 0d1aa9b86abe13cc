#!/usr/bin/env python3
"""Writes a capture that tries every way a sensor's address can reach a report, for mask_formats.sh.

Usage: mask_formats_pcap.py OUT.pcap

Two sensors, 192.0.2.10 (with 2001:db8:0:1::10) and 192.0.2.20. The capture
holds tests/mask_capture.py's evidence, which writes the first sensor's
address in every form into every kind of evidence, and adds what reaches a
report outside evidence values:

- the sensors talking with each other: each is the other's remote, in the
  flows, the top sources and the address tables;
- remotes whose own address carries the sensor's: 6to4 (2002:c000:20a::1),
  NAT64 (64:ff9b::c000:20a), an IPv4-mapped source (::ffff:192.0.2.10) and
  the sensor's bytes reversed (10.2.0.192), scanning it;
- backscatter from a 6to4 victim (2002:c000:20a::2), named as an attack's
  victim;
- the second sensor asking DNS about the first, and a scanner sending it
  URLs that name both sensors.

Prints, one per line, the strings that name a sensor: each must be in an
unmasked report and in no masked one.
"""
import struct
import sys

from mask_capture import FORMS, SYN, ACK, T0, conversation, dns_exchange, packets, tcp, v4, v6

A4, A6, B4 = v4("192.0.2.10"), v6("2001:db8:0:1::10"), v4("192.0.2.20")
SIXTOFOUR, NAT64 = v6("2002:c000:20a::1"), v6("64:ff9b::c000:20a")
MAPPED, REVERSED = v6("::ffff:192.0.2.10"), v4("10.2.0.192")
VICTIM = v6("2002:c000:20a::2")

EXTRA_FORMS = [
    "192.0.2.20",
    "2002:c000:20a::1",
    "2002:c000:20a::2",
    "64:ff9b::c000:20a",
    "::ffff:192.0.2.10",
    "192-0-2-20",
    "20.2.0.192",
]


def more_packets():
    remote = v4("198.51.100.50")
    pkts = []
    # the sensors with each other, both ways
    pkts += conversation(A4, B4, 41000, 445, b"\x00\x00\x00\x04smb?", b"")
    pkts += conversation(B4, A4, 41001, 22, b"SSH-2.0-probe\r\n", b"SSH-2.0-OpenSSH_9.2\r\n")
    # remotes that spell the sensor's address, scanning it
    for n, src in enumerate((SIXTOFOUR, NAT64, MAPPED)):
        pkts.append(tcp(src, A6, 42000 + n, 23, 7, 0, SYN, b""))
    pkts.append(tcp(REVERSED, A4, 42010, 23, 7, 0, SYN, b""))
    # backscatter: a victim of an attack forged with the sensor's address
    for n in range(3):
        pkts.append(tcp(VICTIM, A6, 80, 43000 + n, 100, 1, SYN | ACK, b""))
    # the second sensor's questions about the first, and URLs naming both
    pkts += dns_exchange(B4, remote, 41002, 9, "192-0-2-20.example", 1, rdata=A4)
    pkts += dns_exchange(B4, remote, 41003, 10, "20.2.0.192.in-addr.arpa", 12, rcode=3)
    scan = (b"GET /?next=http://192.0.2.20/&via=http://[::ffff:192.0.2.10]/ HTTP/1.1\r\n"
            b"Host: 192.0.2.20\r\nUser-Agent: crawler (+http://[2002:c000:20a::1]/)\r\n\r\n")
    pkts += conversation(remote, B4, 44000, 80, scan, b"HTTP/1.1 404 Not Found\r\n\r\n")
    return pkts


def main():
    with open(sys.argv[1], "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, (ethertype, p) in enumerate(packets() + more_packets()):
            data = b"\x02\0\0\0\0\x01" + b"\x02\0\0\0\0\x02" + ethertype + p
            f.write(struct.pack("<IIII", T0 + i, 0, len(data), len(data)))
            f.write(data)
    print("\n".join(FORMS + EXTRA_FORMS))


if __name__ == "__main__":
    main()
