#!/usr/bin/env python3
"""Writes a classic pcap of UDP traffic laid out in time, for report tests.

Usage: timeline_pcap.py OUT SPEC...

Each SPEC is DAY:IN[:OUT[:PORT[:REMOTE]]] — on DAY (YYYY-MM-DD, UTC, from
noon on, one packet a second) the remote sends the sensor IN packets of one
conversation it starts (unsolicited, UDP to PORT, default 445), and the
sensor answers with OUT packets. REMOTE defaults to 198.51.100.7; an IPv6
REMOTE talks with the sensor 2001:db8::10, an IPv4 one with 192.0.2.10. Every packet is 60
bytes of IP (IPv4) or 80 (IPv6), so tests can compute the bytes exactly.
"""
import calendar
import ipaddress
import os
import struct
import sys

SENSOR4 = ipaddress.ip_address("192.0.2.10")
SENSOR6 = ipaddress.ip_address("2001:db8::10")


sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tinypcap import checksum  # noqa: E402  (the IPv4 header checksum, kept once)


def frame(src, dst, sport, dport, ident):
    payload = bytes(32)
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    if src.version == 4:
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), ident & 0xFFFF, 0, 64, 17, 0,
                         src.packed, dst.packed)
        ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
        ethertype = b"\x08\x00"
    else:
        ip = struct.pack("!IHBB16s16s", 6 << 28, len(udp), 17, 64, src.packed, dst.packed)
        ethertype = b"\x86\xdd"
    return b"\x02\0\0\0\0\x01" + b"\x02\0\0\0\0\x02" + ethertype + ip + udp


def packets(spec, index):
    parts = spec.split(":", 4)
    day, count_in = parts[0], int(parts[1])
    count_out = int(parts[2]) if len(parts) > 2 and parts[2] else 0
    port = int(parts[3]) if len(parts) > 3 and parts[3] else 445
    remote = ipaddress.ip_address(parts[4] if len(parts) > 4 else "198.51.100.7")
    sensor = SENSOR6 if remote.version == 6 else SENSOR4
    y, m, d = (int(x) for x in day.split("-"))
    t = calendar.timegm((y, m, d, 12, 0, 0)) + index % 600
    sport = 20000 + index % 40000
    for i in range(count_in):
        yield t + i, frame(remote, sensor, sport, port, i)
    for i in range(count_out):
        yield t + count_in + i, frame(sensor, remote, port, sport, count_in + i)


def main():
    out, specs = sys.argv[1], sys.argv[2:]
    records = []
    for index, spec in enumerate(specs):
        records.extend(packets(spec, index))
    records.sort(key=lambda r: r[0])
    with open(out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for t, data in records:
            f.write(struct.pack("<IIII", t, 0, len(data), len(data)))
            f.write(data)


if __name__ == "__main__":
    main()
