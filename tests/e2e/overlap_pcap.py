#!/usr/bin/env python3
"""Writes the captures of tests/e2e/overlap.sh and prints their truth as JSON.

Usage: overlap_pcap.py DIR. Writes, as classic pcap (microseconds):
  a.pcap      400 UDP packets between 198.51.100.7 and the sensor 192.0.2.10,
              one a second from 2009-02-01 00:00:00 UTC, alternately in and out;
  b.pcap      a.pcap's second half (packets 200..399, bytes and times as in a)
              then 100 packets of its own after a's end: 2/3 of b is in a;
  c.pcap      400 packets over a's very span, to and from the same sensor, but
              other packets (another remote, other ports): a second interface;
  d.pcap      400 packets over the same span between 203.0.113.5 and another
              sensor, 192.0.2.99: a second sensor;
  e.pcap      a's packets rewritten to nanosecond precision (pcap-ns): the same
              packets, which must still match.
The truth: each file's packets in and out as seen from 192.0.2.10/32.
"""
import json
import os
import struct
import sys
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tinypcap import checksum  # noqa: E402

T0 = 1233446400  # 2009-02-01T00:00:00Z


def frame(i, sensor, remote, port, inbound):
    src, dst = (remote, sensor) if inbound else (sensor, remote)
    sport, dport = (40000 + i % 50, port) if inbound else (port, 40000 + i % 50)
    payload = bytes([i % 251]) * (16 + i % 9)
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), i & 0xFFFF, 0, 64, 17, 0, src, dst)
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    return b"\x02\0\0\0\0\x01" + b"\x02\0\0\0\0\x02" + b"\x08\x00" + ip + udp


def write(path, records, nano=False):
    magic = 0xA1B23C4D if nano else 0xA1B2C3D4
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", magic, 2, 4, 0, 0, 65535, 1))
        for sec, frac_us, data in records:
            frac = frac_us * 1000 if nano else frac_us
            f.write(struct.pack("<IIII", sec, frac, len(data), len(data)))
            f.write(data)


def main():
    out = sys.argv[1]
    sensor, other_sensor = bytes([192, 0, 2, 10]), bytes([192, 0, 2, 99])
    remote, remote2, remote3 = bytes([198, 51, 100, 7]), bytes([198, 51, 100, 8]), bytes([203, 0, 113, 5])
    a = [(T0 + i, 250000, frame(i, sensor, remote, 53, i % 2 == 0)) for i in range(400)]
    b = a[200:] + [(T0 + 400 + i, 250000, frame(1000 + i, sensor, remote, 53, i % 2 == 0))
                   for i in range(100)]
    c = [(T0 + i, 750000, frame(i, sensor, remote2, 123, i % 2 == 0)) for i in range(400)]
    d = [(T0 + i, 250000, frame(i, other_sensor, remote3, 53, i % 2 == 0)) for i in range(400)]
    write(os.path.join(out, "a.pcap"), a)
    write(os.path.join(out, "b.pcap"), b)
    write(os.path.join(out, "c.pcap"), c)
    write(os.path.join(out, "d.pcap"), d)
    write(os.path.join(out, "e.pcap"), a, nano=True)

    def counts(records):
        pin = sum(1 for _, _, fr in records if fr[30:34] == sensor)
        pout = sum(1 for _, _, fr in records if fr[26:30] == sensor)
        return {"packets": len(records), "packets_in": pin, "packets_out": pout}

    shared = len(set(fr for _, _, fr in a) & set(fr for _, _, fr in b))
    json.dump({"a": counts(a), "b": counts(b), "c": counts(c), "d": counts(d),
               "b_in_a": shared, "b_share": 100.0 * shared / len(b)}, sys.stdout)


if __name__ == "__main__":
    main()
