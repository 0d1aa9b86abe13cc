#!/usr/bin/env python3
"""Compares a honeyscope JSON report with a scenario's ground truth.

Usage: compare_truth.py TRUTH.json REPORT.json PREFIX

The truth is written by tools/gen_scenario from its own model of every flow it
generated, independently of the pipeline. Prints one PASS/FAIL line per
check, named PREFIX_<check>, in the format tests/run.sh counts.
"""
import json
import sys


def figures(entries, key):
    out = {}
    for e in entries:
        name = e[key] if key != "port" else "%s/%d" % (e["proto"], e["port"])
        out[name] = {"packets": e["packets"], "bytes": e["bytes"], "flows": e["flows"]}
    return out


class Checker:
    def __init__(self, prefix):
        self.prefix = prefix

    def result(self, name, ok, detail=""):
        if ok:
            print("PASS %s_%s" % (self.prefix, name))
        else:
            print("FAIL %s_%s: %s" % (self.prefix, name, detail))

    def equal(self, name, got, want):
        if got == want:
            self.result(name, True)
            return
        detail = "got %r, want %r" % (got, want)
        if isinstance(got, dict) and isinstance(want, dict):
            keys = sorted(set(got) | set(want))
            diffs = ["%s: got %r want %r" % (k, got.get(k), want.get(k))
                     for k in keys if got.get(k) != want.get(k)]
            detail = "; ".join(diffs[:6]) + (" ..." if len(diffs) > 6 else "")
        self.result(name, False, detail)


def main():
    truth = json.load(open(sys.argv[1]))
    report = json.load(open(sys.argv[2]))
    c = Checker(sys.argv[3])
    inputs = report["inputs"]

    c.equal("packets", inputs["packets"], truth["packets"])
    for key in ("not_sensor",):
        if key in truth:
            c.equal(key, inputs[key], truth[key])
    for key in ("not_ip", "truncated", "malformed"):
        if key in truth:
            c.equal(key, inputs["bad"][key], truth[key])
    if "flows" in truth:
        c.equal("flows_started", inputs["flows"]["started"], truth["flows"])
    c.equal("flows_evicted", inputs["flows"]["evicted"], 0)
    if "files" in truth:
        got = {f["path"].rsplit("/", 1)[-1]: f["packets"] for f in inputs["files"]}
        want = {f["name"]: f["packets"] for f in truth["files"]}
        c.equal("files_packets", got, want)
        got = {f["path"].rsplit("/", 1)[-1]: f["format"] for f in inputs["files"]}
        want = {f["name"]: f["format"] for f in truth["files"] if "format" in f}
        c.equal("files_formats", {k: got.get(k) for k in want}, want)

    groups = {g["name"]: g for g in report["groups"]}
    for name, tg in sorted(truth["groups"].items()):
        g = groups.get(name)
        if g is None:
            c.result("group_" + name, False, "group missing from the report")
            continue
        n = "group_" + name
        c.equal(n + "_totals", {k: g["totals"][k] for k in tg["totals"]}, tg["totals"])
        got = {p["bin"]: p for p in g["series"]}
        want = {p["bin"]: p for p in tg["series"]}
        c.equal(n + "_series_bins", sorted(got), sorted(want))
        mismatches = [b for b in want if b in got and
                      any(got[b][k] != want[b][k] for k in want[b])]
        c.result(n + "_series_values", not mismatches,
                 "%d bins differ, first %s: got %r want %r" % (
                     len(mismatches), mismatches[0] if mismatches else "",
                     got.get(mismatches[0]) if mismatches else None,
                     want.get(mismatches[0]) if mismatches else None))
        for lst in ("out", "out_replies", "in_replies", "in_unsolicited"):
            if lst in tg:
                c.equal("%s_%s" % (n, lst), figures(g[lst], "category"), tg[lst])
        if "ports_in" in tg:
            c.equal(n + "_ports_in", figures(g["ports_in"], "port"), tg["ports_in"])
        c.equal(n + "_sources_distinct", g["sources"]["distinct"], tg["sources"]["distinct"])

        # Shares are the metric (packets here) over the group's total of that direction.
        bad = []
        for lst, total in (("out", "packets_out"), ("out_replies", "packets_out"),
                           ("in_replies", "packets_in"), ("in_unsolicited", "packets_in"),
                           ("ports_in", "packets_in")):
            for e in g[lst]:
                want_share = 100.0 * e["packets"] / g["totals"][total] if g["totals"][total] else 0
                if abs(e["share"] - want_share) > 1e-6:
                    bad.append("%s %r: %r vs %r" % (lst, e.get("category", e.get("port")),
                                                   e["share"], want_share))
        c.result(n + "_shares", not bad, "; ".join(bad[:4]))

    # Bursts planted in the unsolicited traffic from the group are found, and
    # nothing else; the sensor's activity periods are its infection periods.
    if "bursts" in truth and "aws" in groups:
        got = [b["bin"] for b in groups["aws"]["bursts"]["bins"]]
        c.equal("bursts_aws", got, sorted(truth["bursts"]))
    if "infections" in truth and "any" in groups:
        got = [{"from": p["from"], "to": p["to"]}
               for p in groups["any"]["sensor_state"]["periods"]["spam-smtp"]]
        c.equal("infections_from_sensor_state", got, truth["infections"])


main()
