#!/usr/bin/env python3
"""Counts a Zeek conn.log the way docs/flows.md says honeyscope must, written
straight from the log (TSV with its #fields header, or JSON lines), and
compares them with a honeyscope JSON report of the same log.

usage: zeek_counts.py CONN_LOG SENSOR_CIDR REPORT_JSON NAME

Prints PASS/FAIL lines: totals (packets and bytes each way, flows, distinct
sources), the initiator split (packets each way by who started), the
unsolicited inbound port table, the records read and the lines skipped.
"""
import gzip
import ipaddress
import json
import sys
from collections import defaultdict

REQUIRED = ["ts", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto",
            "orig_pkts", "orig_ip_bytes", "resp_pkts", "resp_ip_bytes"]


def records(path):
    """Yields dicts of the required fields (+ history, conn_state) as text; None for skipped."""
    opener = gzip.open if open(path, "rb").read(2) == b"\x1f\x8b" else open
    with opener(path, "rb") as f:
        data = f.read()
    fields = None
    for raw in data.split(b"\n"):
        if not raw.strip():
            continue
        line = raw.decode("utf-8")
        if line.startswith("{"):
            obj = json.loads(line)
            rec = {}
            for k in REQUIRED + ["duration", "history", "conn_state"]:
                v = obj.get(k)
                rec[k] = None if v is None else v
            yield rec
            continue
        if line.startswith("#fields"):
            fields = line.split("\t")[1:]
            continue
        if line.startswith("#"):
            continue
        vals = line.split("\t")
        rec = dict(zip(fields, vals))
        yield {k: (None if rec.get(k, "-") == "-" else rec[k])
               for k in REQUIRED + ["duration", "history", "conn_state"]}


def opener(proto, history, state):
    """'orig', 'resp' or None: who sent the first packet, as docs/flows.md rules."""
    h = (history or "").lstrip("^")
    if proto != "tcp":
        return "resp" if h[:1].islower() else "orig"
    if h:
        return {"S": "orig", "Q": "orig", "h": "orig",
                "s": "resp", "q": "resp", "H": "resp"}.get(h[0])
    if state in ("S0", "S1", "S2", "S3", "SF", "REJ", "RSTO", "RSTR", "RSTOS0", "SH", "SHR",
                 "RSTRH"):
        return "orig"
    return None


ICMP_REPLY = {0: 8, 14: 13, 16: 15, 18: 17}
ICMP_ERROR = {3, 4, 5, 11, 12}


def main():
    path, cidr, report_path, name = sys.argv[1:5]
    sensor = ipaddress.ip_network(cidr)
    totals = defaultdict(int)
    split = defaultdict(int)
    ports = defaultdict(lambda: [0, 0, 0])
    sources = set()
    n_records = 0
    for r in records(path):
        if any(r[k] is None for k in REQUIRED):
            continue
        n_records += 1
        o, p = ipaddress.ip_address(r["id.orig_h"]), ipaddress.ip_address(r["id.resp_h"])
        o_s = o.version == sensor.version and o in sensor
        p_s = p.version == sensor.version and p in sensor
        if o_s == p_s:
            continue
        op, pp = int(r["id.orig_p"]), int(r["id.resp_p"])
        opk, ob, rpk, rb = (int(r[k]) for k in ("orig_pkts", "orig_ip_bytes", "resp_pkts",
                                                 "resp_ip_bytes"))
        out_p, out_b = (opk, ob) if o_s else (rpk, rb)
        in_p, in_b = (rpk, rb) if o_s else (opk, ob)
        remote = p if o_s else o
        proto = r["proto"]
        if proto == "icmp":
            who = "resp" if (op in ICMP_REPLY or op in ICMP_ERROR) else "orig"
            service = ICMP_REPLY.get(op, op)
        else:
            who = opener(proto, r["history"], r["conn_state"])
            s_port, r_port = (op, pp) if o_s else (pp, op)
            if who is None:
                service = min(s_port, r_port)
            else:
                service = s_port if (who == "orig") != o_s else r_port
        if who is None:
            initiator = "unknown"
        else:
            initiator = "sensor" if (who == "orig") == o_s else "remote"
        totals["packets_in"] += in_p
        totals["packets_out"] += out_p
        totals["bytes_in"] += in_b
        totals["bytes_out"] += out_b
        totals["flows"] += 1
        split[(initiator, "in")] += in_p
        split[(initiator, "out")] += out_p
        if in_p:
            sources.add(remote)
        if initiator == "remote":
            e = ports[(proto, service)]
            e[0] += in_p
            e[1] += in_b
            e[2] += 1
    totals["sources"] = len(sources)

    rep = json.load(open(report_path))
    g = rep["groups"][0]
    ok = True

    def expect(what, got, want):
        nonlocal ok
        if got != want:
            print(f"FAIL zeek_{name}_{what}: report {got}, log {want}")
            ok = False

    for k in ("packets_in", "packets_out", "bytes_in", "bytes_out", "flows", "sources"):
        expect(k, g["totals"][k], totals[k])
    lists = {("sensor", "out"): "out", ("sensor", "in"): "in_replies",
             ("remote", "in"): "in_unsolicited", ("remote", "out"): "out_replies",
             ("unknown", "in"): "in_unknown", ("unknown", "out"): "out_unknown"}
    for key, lst in lists.items():
        expect(f"{lst}_packets", sum(e["packets"] for e in g[lst]), split[key])
    got_ports = {(e["proto"], e["port"]): [e["packets"], e["bytes"], e["flows"]]
                 for e in g["ports_in"]}
    want_ports = {k: v for k, v in ports.items()}
    expect("ports_in", got_ports, want_ports)
    expect("records", rep["inputs"]["flow_logs"]["records"], n_records)
    if ok:
        print(f"PASS zeek_{name} ({totals['flows']} flows, {totals['packets_in']} packets in, "
              f"{totals['sources']} sources, {len(want_ports)} unsolicited ports)")


if __name__ == "__main__":
    main()
