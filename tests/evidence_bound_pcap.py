#!/usr/bin/env python3
"""Writes a classic pcap of zmap SYN probes (IP id 54321, window 65535), one
from each of N sources (10.0.0.0/8 upwards) to the sensor 192.0.2.10 port 80,
one second apart from 2020-01-01 00:00:00 UTC, so that all fall in one day.

Each probe opens a flow and is evidence of its source twice (a row for the
probes, one for the flows they opened): N sources make 2N evidence rows, to
pass the bound of an evidence table of 48 MiB (about 500,000 rows).

With "sides": instead, one HTTP request from each of N sources, 1,000 a
second, their conversations all open at once, to pass the parse buffers of
a file being read (32,768 sides per counting thread): each request parsed is one
http-request, each one past the buffers a side skipped.

Usage: evidence_bound_pcap.py OUT N [sides]
"""
import struct
import sys

SENSOR = bytes([192, 0, 2, 10])
START = 1577836800  # 2020-01-01T00:00:00Z


def main():
    out, n = sys.argv[1], int(sys.argv[2])
    sides = len(sys.argv) > 3 and sys.argv[3] == "sides"
    eth = b"\x02\0\0\0\0\x01" + b"\x02\0\0\0\0\x02" + b"\x08\x00"
    if sides:  # PSH+ACK with a request; ip id 1, TTL 64: no scanner's marks
        tcp = struct.pack("!HHIIBBHHH", 40000, 80, 1000, 1, 5 << 4, 0x18, 65535, 0, 0)
        tcp += b"GET / HTTP/1.1\r\nHost: x\r\n"
        ip_id, ttl = 1, 64
    else:
        tcp = struct.pack("!HHIIBBHHH", 40000, 80, 0x11110000, 0, 5 << 4, 0x02, 65535, 0, 0)
        ip_id, ttl = 54321, 250
    with open(out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i in range(n):
            src = struct.pack("!I", 0x0A000001 + i)
            ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), ip_id, 0, ttl, 6, 0, src,
                             SENSOR)
            frame = eth + ip + tcp
            at = START + (i // 1000 if sides else i % 86400)
            f.write(struct.pack("<IIII", at, 0, len(frame), len(frame)) + frame)


if __name__ == "__main__":
    main()
