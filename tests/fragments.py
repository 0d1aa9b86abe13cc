#!/usr/bin/env python3
"""Writes a pcap of DNS answers that arrive in IP fragments, out of order.

Usage: fragments.py OUT. The sensor 192.0.2.10 (IPv6 2001:db8::10) asks
198.51.100.7 (2001:db8:ffff::7) for names over UDP port 53, and each answer
comes back in three fragments. Datagrams are sent as Linux often sends them:
the last fragment first, then the middle one, then the first (which alone
carries the UDP header). Some answers arrive in order; for some the first
fragment never arrives; one first fragment comes more than 30 s after the
rest of its datagram. Prints the figures the report must show, as JSON.
"""
import json
import struct
import sys

SENSOR4, REMOTE4 = bytes([192, 0, 2, 10]), bytes([198, 51, 100, 7])
SENSOR6 = bytes.fromhex("20010db8000000000000000000000010")
REMOTE6 = bytes.fromhex("20010db8ffff00000000000000000007")
T0 = 1233446400  # 2009-02-01T00:00:00Z


def ipv4(src, dst, ident, offset8, more, payload):
    flags = (0x2000 if more else 0) | offset8
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, flags, 64, 17, 0,
                      src, dst)
    return b"\x08\x00", hdr + payload


def ipv6(src, dst, ident, offset8, more, payload):
    frag = struct.pack("!BBHI", 17, 0, offset8 << 3 | (1 if more else 0), ident)
    hdr = struct.pack("!IHBB16s16s", 0x60000000, len(frag) + len(payload), 44, 64, src, dst)
    return b"\x86\xdd", hdr + frag + payload


def udp(sport, dport, payload):
    return struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload


class Capture:
    def __init__(self):
        self.records = []
        self.packets = 0
        self.bytes = 0

    def add(self, t, ethertype, ip):
        eth = b"\x02\0\0\0\0\x01" + b"\x02\0\0\0\0\x02" + ethertype
        self.records.append((t, eth + ip))
        self.packets += 1
        self.bytes += len(ip)

    def write(self, path):
        with open(path, "wb") as f:
            f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
            for t, data in self.records:
                sec, usec = int(t), int(round((t - int(t)) * 1e6))
                f.write(struct.pack("<IIII", T0 + sec, usec, len(data), len(data)))
                f.write(data)


def main():
    cap = Capture()
    want = {"replies": 0, "unmatched": 0, "queries": 0}
    t = 0.0
    for i in range(24):
        v6 = i % 3 == 2
        ip, sensor, remote = (ipv6, SENSOR6, REMOTE6) if v6 else (ipv4, SENSOR4, REMOTE4)
        sport = 20000 + i
        # The query, in one packet.
        query = udp(sport, 53, bytes(30))
        cap.add(t, *ip(sensor, remote, 1000 + i, 0, False, query))
        want["queries"] += 1
        # The answer: 8 bytes of UDP header + 2400 bytes, cut at 1200 and 2400.
        answer = udp(53, sport, bytes(2400))
        pieces = [(0, True, answer[:1208]), (151, True, answer[1208:2408]),
                  (301, False, answer[2408:])]
        if i % 4 == 0:
            order = [0, 1, 2]  # in order
        else:
            order = [2, 1, 0]  # Linux's order: the last first
        missing = i % 6 == 5  # the first fragment never comes
        late = i == 7  # the first fragment comes 40 s after the rest
        for k in order:
            if k == 0 and missing:
                continue
            offset, more, data = pieces[k]
            when = t + 0.001 * (order.index(k) + 1) + (40 if k == 0 and late else 0)
            cap.add(when, *ip(remote, sensor, 50000 + i, offset, more, data))
            if missing or (late and k != 0):
                want["unmatched"] += 1
            else:
                want["replies"] += 1
        t += 2
    cap.records.sort(key=lambda r: r[0])
    cap.write(sys.argv[1])
    want["packets"] = cap.packets
    want["bytes"] = cap.bytes
    print(json.dumps(want))


main()
