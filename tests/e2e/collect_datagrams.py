#!/usr/bin/env python3
"""Writes crafted export datagrams for tests/e2e/collect.sh, one file each in
OUT/ (sent in name order), and OUT.expect (the report's inputs.export) and
OUT.flows ([flows, packets in]) that they must give with sensor 192.0.2.0/24.

usage: collect_datagrams.py OUT
"""
import os
import socket
import struct
import sys

T0 = 1733000000  # export time, seconds


def ip(a):
    return socket.inet_aton(a)


def v5(seq, records, sampling=0):
    head = struct.pack(">HHIIIIBBH", 5, len(records), 100000, T0, 0, seq, 0, 0, sampling)
    body = b""
    for src, dst, sport, dport, proto, flags, pkts, octets in records:
        body += ip(src) + ip(dst) + ip("0.0.0.0") + struct.pack(">HHIIII", 0, 0, pkts, octets,
                                                                 99000, 99500)
        body += struct.pack(">HHBBBBHHBBH", sport, dport, 0, flags, proto, 0, 0, 0, 0, 0, 0)
    return head + body


def ipfix(seq, domain, sets, length=None):
    body = b"".join(sets)
    n = 16 + len(body) if length is None else length
    return struct.pack(">HHIII", 10, n, T0, seq, domain) + body


def ipfix_set(set_id, payload):
    return struct.pack(">HH", set_id, 4 + len(payload)) + payload


IPFIX_FIELDS = [(8, 4), (12, 4), (7, 2), (11, 2), (4, 1), (6, 1), (2, 8), (1, 8), (152, 8),
                (153, 8)]


def ipfix_template(tid, fields):
    return struct.pack(">HH", tid, len(fields)) + b"".join(struct.pack(">HH", *f) for f in fields)


def ipfix_record(src, dst, sport, dport, proto, flags, pkts, octets, ms):
    return (ip(src) + ip(dst) + struct.pack(">HHBBQQQQ", sport, dport, proto, flags, pkts,
                                            octets, ms, ms + 10))


V9_FIELDS = [(8, 4), (12, 4), (7, 2), (11, 2), (4, 1), (6, 1), (2, 4), (1, 4), (22, 4), (21, 4)]


def v9(seq, flowsets):
    return struct.pack(">HHIIII", 9, len(flowsets), 100000, T0, seq, 7) + b"".join(flowsets)


def v9_record(src, dst, sport, dport, proto, pkts, octets):
    return ip(src) + ip(dst) + struct.pack(">HHBBIIII", sport, dport, proto, 0, pkts, octets,
                                           99000, 99100)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    ms = T0 * 1000
    d = {
        # v5: two scans, then a gap of 8 records with sampling 1 in 100 announced.
        "01-v5": v5(0, [("198.51.100.1", "192.0.2.9", 4444, 23, 6, 2, 1, 40),
                        ("198.51.100.2", "192.0.2.9", 4445, 80, 6, 2, 1, 44)]),
        "02-v5-gap": v5(10, [("198.51.100.3", "192.0.2.9", 4446, 25, 6, 2, 1, 40)],
                        sampling=0x4000 | 100),
        "03-short": b"\x00\x0a\x00",
        "04-v7": struct.pack(">HH", 7, 0) + bytes(20),
        # IPFIX: data before its template (skipped), the template, a conversation's two
        # directions stamped alike, a gap of 3 records.
        "05-ipfix-early-data": ipfix(0, 1, [ipfix_set(300, ipfix_record(
            "198.51.100.9", "192.0.2.9", 1, 2, 6, 2, 1, 40, ms))]),
        "06-ipfix-template": ipfix(0, 1, [ipfix_set(2, ipfix_template(300, IPFIX_FIELDS))]),
        "07-ipfix-data": ipfix(0, 1, [ipfix_set(300, ipfix_record(
            "198.51.100.4", "192.0.2.9", 5555, 22, 6, 0x1a, 1, 60, ms) + ipfix_record(
            "192.0.2.9", "198.51.100.4", 22, 5555, 6, 0x12, 1, 60, ms))]),
        "08-ipfix-gap": ipfix(5, 1, [ipfix_set(300, ipfix_record(
            "198.51.100.5", "192.0.2.9", 1, 3389, 6, 2, 1, 40, ms))]),
        # 70 templates from one domain: 64 kept, 6 refused.
        "09-ipfix-flood": ipfix(0, 2, [ipfix_set(2, b"".join(
            ipfix_template(256 + i, [(8, 4)]) for i in range(70)))]),
        "10-ipfix-bad-length": ipfix(6, 1, [], length=999),
        # NetFlow v9: template and a record, then a gap of 2 export packets.
        "11-v9": v9(0, [struct.pack(">HH", 0, 4 + 4 + 4 * len(V9_FIELDS)) + struct.pack(
            ">HH", 260, len(V9_FIELDS)) + b"".join(struct.pack(">HH", *f) for f in V9_FIELDS),
            struct.pack(">HH", 260, 4 + 30) + v9_record("198.51.100.6", "192.0.2.9", 7, 161, 17,
                                                          1, 76)]),
        "12-v9-gap": v9(3, [struct.pack(">HH", 260, 4 + 30) + v9_record(
            "198.51.100.7", "192.0.2.9", 8, 53, 17, 1, 60)]),
        # v5 with a record of fewer bytes than an IP header: skipped.
        "13-v5-bad-record": v5(11, [("198.51.100.8", "192.0.2.9", 1, 2, 6, 2, 1, 5)]),
        # IPFIX, domain 3: a template and a record, then its withdrawal (RFC 7011 8.1)
        # and a record for it: an unknown template.
        "14-ipfix-template-and-data": ipfix(0, 3, [
            ipfix_set(2, ipfix_template(301, IPFIX_FIELDS)),
            ipfix_set(301, ipfix_record("198.51.100.10", "192.0.2.9", 1, 445, 6, 2, 1, 40, ms))]),
        "15-ipfix-withdrawn": ipfix(1, 3, [
            ipfix_set(2, struct.pack(">HH", 301, 0)),
            ipfix_set(301, ipfix_record("198.51.100.10", "192.0.2.9", 1, 139, 6, 2, 1, 40, ms))]),
        # Domain 4: a good template, then one with a set's id (bad; the set ends there),
        # then a record of the good one.
        "16-ipfix-bad-template-id": ipfix(1, 4, [
            ipfix_set(2, ipfix_template(302, IPFIX_FIELDS) + ipfix_template(11, [(8, 4)])),
            ipfix_set(302, ipfix_record("198.51.100.11", "192.0.2.9", 1, 1433, 6, 2, 1, 40, ms))]),
        # A set longer than its message: the rest of the message is skipped.
        "17-ipfix-set-too-long": ipfix(2, 4, [struct.pack(">HH", 302, 200) + bytes(20)]),
        # After the flood of 09: a record for a refused template (unknown) and one for
        # a kept one, whose template has no destination (a bad record).
        "18-ipfix-after-flood": ipfix(0, 2, [ipfix_set(325, ip("198.51.100.12")),
                                             ipfix_set(256, ip("198.51.100.12"))]),
        # An options template (scope: observationDomainId) announcing sampling 1 in 1000.
        "19-ipfix-options-sampling": ipfix(2, 4, [
            ipfix_set(3, struct.pack(">HHHHHHH", 303, 2, 1, 149, 4, 34, 4)),
            ipfix_set(303, struct.pack(">II", 4, 1000))]),
    }
    for name, data in d.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
    with open(out + ".expect", "w") as f:
        f.write('{"datagrams":19,"lost_packets":2,"lost_records":11,"skipped":16,'
                '"sampling_interval":1000}\n')
    with open(out + ".flows", "w") as f:
        f.write("[9,9]\n")


if __name__ == "__main__":
    main()
