#!/usr/bin/env python3
"""Writes a classic pcap of TCP conversations with the sensor 192.0.2.10, which
answers SYNs, for the spoofing signs (docs/semantics.md, "Spoofing signs").

Usage: spoofing_pcap.py OUT [DAYS]: from 2009-02-01 UTC, or DAYS days later.
tests/e2e/spoofing.sh knows what it holds:
  198.51.100.20  SYNs to 22, 23 and 80, each answered with a SYN-ACK, nothing
                 after them: looks spoofed (3 unsolicited packets)
  198.51.100.21  a SYN answered, then its RST: a live host
  198.51.100.22  a SYN the sensor does not answer: nothing to judge by
  198.51.100.23  a complete handshake
  198.51.100.24  one SYN answered and left, one complete handshake
  198.51.100.25  a SYN answered and left, but it answers the sensor's own SYN
  198.51.100.26  UDP to 53, answered: not TCP, nothing to judge by
Unsolicited packets received: 3 + 2 + 1 + 2 + 3 + 1 + 1 = 13.
"""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from scanners_pcap import ACK, RST, SENSOR, SYN, addr, ip, tcp  # noqa: E402

LINUX = b"\x02\x04\x05\xb4"


def main():
    s = SENSOR
    frames = []

    def syn(src, sport, dport, answered):
        frames.append(tcp(src, s, sport, dport, 100, SYN, 64240, LINUX))
        if answered:
            frames.append(tcp(s, src, dport, sport, 900, SYN | ACK, 65160, LINUX, ack=101))

    a = addr(20)
    for i, port in enumerate((22, 23, 80)):
        syn(a, 40000 + i, port, True)
    b = addr(21)
    syn(b, 40000, 22, True)
    frames.append(tcp(b, s, 40000, 22, 101, RST, 0))
    syn(addr(22), 40000, 80, False)
    c = addr(23)
    syn(c, 40000, 80, True)
    frames.append(tcp(c, s, 40000, 80, 101, ACK, 502, ack=901))
    d = addr(24)
    syn(d, 40000, 80, True)
    syn(d, 40001, 80, True)
    frames.append(tcp(d, s, 40001, 80, 101, ACK, 502, ack=901))
    e = addr(25)
    syn(e, 40000, 80, True)
    frames.append(tcp(s, e, 41000, 80, 500, SYN, 64240, LINUX))
    frames.append(tcp(e, s, 80, 41000, 7000, SYN | ACK, 65160, LINUX, ack=501))
    u = addr(26)
    query = struct.pack("!HHHH", 40000, 53, 8 + 12, 0) + bytes(12)
    answer = struct.pack("!HHHH", 53, 40000, 8 + 12, 0) + bytes(12)
    frames.append(ip(u, s, 17, query, 1))
    frames.append(ip(s, u, 17, answer, 2))

    t0 = 1233446400 + 86400 * (int(sys.argv[2]) if len(sys.argv) > 2 else 0)  # 2009-02-01
    with open(sys.argv[1], "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, fr in enumerate(frames):
            f.write(struct.pack("<IIII", t0 + i, 0, len(fr), len(fr)))
            f.write(fr)


if __name__ == "__main__":
    main()
