#!/usr/bin/env python3
"""Writes a classic pcap of zmap SYN probes (IP id 54321, window 65535), one
from each of N sources (10.0.0.0/8 upwards) to the sensor 192.0.2.10 port 80,
one second apart from 2020-01-01 00:00:00 UTC, so that all fall in one day.

Each probe opens a flow and is evidence of its source twice (a row for the
probes, one for the flows they opened): N sources make 2N evidence rows, to
pass the bound of an evidence table of 48 MiB (about 500,000 rows), and
many times the 16 MiB of one at --memory 64M.

With "sides": instead, one HTTP request from each of N sources, 1,000 a
second, their conversations all open at once, to pass the parse buffers of
a file being read (32,768 sides per counting thread): each request parsed is one
http-request, each one past the buffers a side skipped.

With "names": one DNS query (UDP, port 53) from each of N sources, one
second apart, for one of N/3 names (n<k>.example, k = i mod N/3) or, every
seventh, for popular.example: N evidence rows of about N/3 distinct values,
for the evidence section's distinct counts, totals and top list.

With "masked": as "names", but to the sensor 1.2.3.4, and every seventh
source sends instead one HTTP request (its own SYN, then the request) whose
target spells the sensor's address 31 times: under --mask each "1.2.3.4"
becomes the longer "[sensor]", so the masked value is longer than any value
kept (255 bytes).

Usage: evidence_bound_pcap.py OUT N [sides|names|masked]
"""
import struct
import sys

SENSOR = bytes([192, 0, 2, 10])
START = 1577836800  # 2020-01-01T00:00:00Z


def main():
    global SENSOR
    out, n = sys.argv[1], int(sys.argv[2])
    mode = sys.argv[3] if len(sys.argv) > 3 else ""
    if mode == "masked":
        SENSOR = bytes([1, 2, 3, 4])
    sides = mode == "sides"
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
            proto, l4 = 6, tcp
            if mode == "masked" and i % 7 == 0:
                target = ",".join(["1.2.3.4"] * 31)
                req = ("GET /%s HTTP/1.1\r\nHost: x\r\n\r\n" % target).encode()
                l4 = struct.pack("!HHIIBBHHH", 40000, 80, 1000, 1, 5 << 4, 0x18, 65535, 0, 0) + req
            elif mode in ("names", "masked"):
                name = "popular.example" if i % 7 == 0 else "n%d.example" % (i % max(n // 3, 1))
                qname = b"".join(bytes([len(x)]) + x.encode() for x in name.split(".")) + b"\0"
                dns = struct.pack("!HHHHHH", i & 0xFFFF, 0x0100, 1, 0, 0, 0) + qname
                dns += struct.pack("!HH", 1, 1)
                proto, l4 = 17, struct.pack("!HHHH", 40000, 53, 8 + len(dns), 0) + dns
            ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), 1 if mode == "masked" else ip_id,
                             0, 64 if mode == "masked" else ttl, proto, 0, src, SENSOR)
            frame = eth + ip + l4
            at = START + (i // 1000 if sides else i % 86400)
            f.write(struct.pack("<IIII", at, 0, len(frame), len(frame)) + frame)


if __name__ == "__main__":
    main()
