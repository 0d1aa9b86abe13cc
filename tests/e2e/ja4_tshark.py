#!/usr/bin/env python3
"""JA4 of every TLS ClientHello over TCP in a capture, from tshark's dissection.

Usage: ja4_tshark.py CAPTURE. Prints one line per ClientHello: the client's
address and its JA4, computed here in Python from the fields tshark decodes
(cipher suites, extension types, supported_versions, the ALPN value's bytes,
the signature_algorithms extension's list), per FoxIO's specification
(technical_details/JA4.md), with hashlib's SHA-256. It shares no code with
honeyscope: the two are compared by tests/e2e/fingerprints.sh and
tests/e2e/real_fingerprints.sh.
"""
import hashlib
import json
import subprocess
import sys


def pairs(items):
    """Keeps repeated keys of tshark's JSON (one per extension) as a list of pairs."""
    return items


def value(node, key):
    for k, v in node:
        if k == key:
            return v
    return None


def walk(node, out):
    """Every (key, value) pair of the tree, depth first, in document order."""
    if isinstance(node, list) and all(isinstance(x, tuple) for x in node):
        for k, v in node:
            out.append((k, v))
            walk(v, out)
    elif isinstance(node, list):
        for x in node:
            walk(x, out)


def grease(v):
    return (v & 0x0F0F) == 0x0A0A and (v >> 8) == (v & 0xFF)


def num(s):
    return int(s, 16) if s.startswith("0x") else int(s)


def hash12(text):
    return hashlib.sha256(text.encode()).hexdigest()[:12] if text else "0" * 12


def alpn_mark(raw):
    if not raw:
        return "00"
    first, last = raw[0], raw[-1]
    ok = lambda b: chr(b).isascii() and chr(b).isalnum()
    if ok(first) and ok(last):
        return chr(first) + chr(last)
    h = raw.hex()
    return h[0] + h[-1]


VERSIONS = {0x0304: "13", 0x0303: "12", 0x0302: "11", 0x0301: "10", 0x0300: "s3", 0x0002: "s2"}


def ja4(hello):
    fields = []
    walk(hello, fields)
    suites = []
    for k, v in fields:
        if k == "tls.handshake.ciphersuite":
            suites += [num(x) for x in (v if isinstance(v, list) else [v])]
    exts, sigs, versions, alpn, sni = [], [], None, None, False
    for k, ext in hello:
        if not k.startswith("Extension:"):
            continue
        t = num(value(ext, "tls.handshake.extension.type"))
        if grease(t):
            continue
        exts.append(t)
        inner = []
        walk(ext, inner)
        if t == 0:
            sni = True
        elif t == 13 and not sigs:
            sigs = [num(v) for k2, v in inner if k2 == "tls.handshake.sig_hash_alg"]
        elif t == 43 and versions is None:
            versions = [num(v) for k2, v in inner if k2 == "tls.handshake.extensions.supported_version"]
        elif t == 16 and alpn is None:
            raws = [v for k2, v in inner if k2 == "tls.handshake.extensions_alpn_str_raw"]
            alpn = bytes.fromhex(raws[0][0]) if raws else b""
    legacy = num(value(hello, "tls.handshake.version"))
    if versions is not None:
        good = [v for v in versions if not grease(v)]
        version = max(good) if good else 0
    else:
        version = legacy
    suites = [s for s in suites if not grease(s)]
    sigs = [s for s in sigs if not grease(s)]
    a = "t%s%s%02d%02d%s" % (VERSIONS.get(version, "00"), "d" if sni else "i",
                             min(len(suites), 99), min(len(exts), 99),
                             alpn_mark(alpn) if alpn is not None else "00")
    b = hash12(",".join("%04x" % s for s in sorted(suites)))
    listed = ",".join("%04x" % e for e in sorted(e for e in exts if e not in (0, 16)))
    if listed and sigs:
        listed += "_" + ",".join("%04x" % s for s in sigs)
    return "%s_%s_%s" % (a, b, hash12(listed))


def tls_ports(capture):
    """Server ports of segments that open with a ClientHello record, whatever tshark calls them."""
    out = subprocess.run(["tshark", "-r", capture, "-Y",
                          "tcp.len > 5 && tcp.payload[0] == 0x16 && tcp.payload[1] == 3 && "
                          "tcp.payload[5] == 1", "-T", "fields", "-e", "tcp.dstport"],
                         capture_output=True, check=True, text=True).stdout
    return sorted(set(int(p) for p in out.split()))


def main():
    # tshark reads TLS on its well-known ports only (80 and 8080 are HTTP to it): decode as TLS
    # every port a ClientHello was sent to, as honeyscope recognises TLS on any port.
    decode = []
    for port in tls_ports(sys.argv[1]):
        decode += ["-d", "tcp.port==%d,tls" % port]
    out = subprocess.run(["tshark", "-r", sys.argv[1]] + decode +
                         ["-Y", "tls.handshake.type == 1 && tcp", "-T", "json", "-x"],
                         capture_output=True, check=True).stdout
    for packet in json.loads(out, object_pairs_hook=pairs):
        layers = value(value(packet, "_source"), "layers")
        src = value(value(layers, "ip") or value(layers, "ipv6") or [], "ip.src") or \
            value(value(layers, "ipv6") or [], "ipv6.src")
        for k, v in layers:
            if k != "tls":
                continue
            nodes = []
            walk(v, nodes)
            for k2, hs in nodes:
                if k2 == "tls.handshake" and isinstance(hs, list) and \
                        value(hs, "tls.handshake.type") == "1":
                    print(src, ja4(hs))


if __name__ == "__main__":
    main()
