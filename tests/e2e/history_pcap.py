#!/usr/bin/env python3
"""Writes a classic pcap of single packets sent to the sensor 192.0.2.10,
for tests of a store's history (--last, --new-only).

Usage: history_pcap.py OUT < LINES. Each line: "EPOCH SOURCE tcp PORT" (a SYN)
or "EPOCH SOURCE dns NAME" (a DNS query for NAME, type A, to udp/53).
"""
import os
import struct
import sys

SENSOR = bytes([192, 0, 2, 10])


sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tinypcap import checksum  # noqa: E402  (the IPv4 header checksum, kept once)


def ip(src, proto, payload, ident):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, 0, 64, proto, 0, src,
                      SENSOR)
    hdr = hdr[:10] + struct.pack("!H", checksum(hdr)) + hdr[12:]
    return b"\x02\0\0\0\0\x01\x02\0\0\0\0\x02\x08\x00" + hdr + payload


def packet(src, kind, arg, ident):
    if kind == "tcp":
        tcp = struct.pack("!HHIIBBHHH", 40000 + ident, int(arg), 1000, 0, 5 << 4, 0x02, 65535, 0,
                          0)
        return ip(src, 6, tcp, ident)
    qname = b"".join(bytes([len(p)]) + p.encode() for p in arg.split(".")) + b"\0"
    dns = struct.pack("!HHHHHH", ident, 0x0100, 1, 0, 0, 0) + qname + struct.pack("!HH", 1, 1)
    udp = struct.pack("!HHHH", 50000 + ident, 53, 8 + len(dns), 0) + dns
    return ip(src, 17, udp, ident)


def main():
    with open(sys.argv[1], "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for ident, line in enumerate(sys.stdin, 1):
            ts, src, kind, arg = line.split()
            data = packet(bytes(map(int, src.split("."))), kind, arg, ident)
            f.write(struct.pack("<IIII", int(ts), 0, len(data), len(data)))
            f.write(data)


if __name__ == "__main__":
    main()
