#!/usr/bin/env python3
"""Checks of the CSV and HTML reports, printing PASS/FAIL lines for tests/run.sh.

  formats_check.py csv-json NAME REPORT.csv REPORT.json
      every CSV table parses and its numbers equal the JSON report's
  formats_check.py html NAME REPORT.html GROUPS [--mask]
      the page parses with balanced tags, has GROUPS group sections, charts, no
      script and no reference to anything outside the file
  formats_check.py hostile NAME FORMAT FILE
      FORMAT (text, json, csv, html): the hostile strings of tests/hostile.py
      are there, and escaped the way the format needs
  formats_check.py dom NAME DOM.html GROUPS
      a DOM dumped by a browser: sections, charts, no script element, and the
      hostile label as text, never as an element
"""
import csv
import html.parser
import io
import json
import math
import re
import sys

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def result(name, ok, why=""):
    print(("PASS %s" % name) if ok else ("FAIL %s: %s" % (name, why)))
    return ok


# ---- CSV ---------------------------------------------------------------------


def read_tables(path):
    """{name: [header, rows...]}, checking the layout on the way."""
    with open(path, "rb") as f:
        data = f.read()
    text = data.decode("utf-8")  # raises when the output is not UTF-8
    tables, name, expect_header = {}, None, False
    for row in csv.reader(io.StringIO(text, newline="")):
        if not row:
            name = None
            continue
        if row[0].startswith("# table: "):
            name = row[0][len("# table: "):]
            if name in tables:
                raise ValueError("table %s twice" % name)
            tables[name] = []
            expect_header = True
            continue
        if name is None:
            raise ValueError("row outside a table: %r" % row)
        if not expect_header and len(row) != len(tables[name][0]):
            raise ValueError("table %s: %d fields under %d columns: %r"
                             % (name, len(row), len(tables[name][0]), row))
        tables[name].append(row)
        expect_header = False
    return tables, data


def rows(tables, name):
    t = tables[name]
    return [dict(zip(t[0], r)) for r in t[1:]]


def num(s):
    if s == "":
        return None
    return float(s)


def close(a, b):
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-6)


def unformula(s):
    """A CSV text cell back to the JSON string: without the ' a formula got."""
    return s[1:] if s.startswith("'") and s[1:2] and s[1] in "=+-@\t\r\\" else s


def compare_rows(name, got, want, keys):
    """got: CSV rows (dicts of strings), want: JSON objects; keys: [(csv, json)]."""
    if len(got) != len(want):
        return result(name, False, "%d rows, JSON has %d" % (len(got), len(want)))
    for i, (g, w) in enumerate(zip(got, want)):
        for ck, jk in keys:
            jv = w[jk] if callable(jk) is False else jk(w)
            gv = g[ck]
            if isinstance(jv, bool):
                ok = gv == ("1" if jv else "0")
            elif isinstance(jv, (int, float)) or jv is None:
                ok = close(num(gv), jv)
            else:
                ok = unformula(gv) == jv
            if not ok:
                return result(name, False, "row %d %s: csv %r, json %r" % (i, ck, gv, jv))
    return result(name, True)


def check_csv_json(name, csv_path, json_path):
    try:
        tables, _ = read_tables(csv_path)
    except (ValueError, UnicodeDecodeError, csv.Error) as e:
        result(name + "_parses", False, str(e))
        return
    result(name + "_parses", True)
    with open(json_path) as f:
        report = json.load(f)

    def per_group(table, key, keys, jgroups, sub=None):
        got = rows(tables, table)
        want, got_all = [], []
        for g in jgroups:
            items = g[key] if sub is None else g[key][sub]
            want += items
            got_all += [r for r in got if unformula(r["group"]) == g["name"]]
        compare_rows("%s_%s" % (name, table), got_all, want, keys)

    def period(prefix, jgroups):
        figures = [("packets", "packets"), ("bytes", "bytes"), ("flows", "flows"),
                   ("share", "share")]
        compare_rows("%s_%sgroups" % (name, prefix), rows(tables, prefix + "groups"), jgroups,
                     [("group", "name"), ("kind", "kind"),
                      ("packets_in", lambda g: g["totals"]["packets_in"]),
                      ("packets_out", lambda g: g["totals"]["packets_out"]),
                      ("bytes_in", lambda g: g["totals"]["bytes_in"]),
                      ("bytes_out", lambda g: g["totals"]["bytes_out"]),
                      ("flows", lambda g: g["totals"]["flows"]),
                      ("sources", lambda g: g["totals"]["sources"])])
        series_keys = ["packets_in", "packets_out", "bytes_in", "bytes_out", "flows", "sources"]
        if jgroups and jgroups[0]["series"] and "new_sources" in jgroups[0]["series"][0]:
            series_keys += ["new_sources", "returning_sources", "unsolicited_packets",
                            "unsolicited_bytes", "unsolicited_flows", "burst"]
        per_group(prefix + "series", "series", [("bin", "bin")] + [(k, k) for k in series_keys],
                  jgroups)
        for lst in ("out", "in_replies", "in_unsolicited", "out_replies", "in_unknown",
                    "out_unknown"):
            per_group(prefix + lst, lst, [("category", "category")] + figures, jgroups)
        per_group(prefix + "ports_in", "ports_in",
                  [("proto", "proto"), ("port", "port")] + figures, jgroups)
        per_group(prefix + "sources_top", "sources",
                  [("address", "address"), ("prefix", "prefix"), ("label", "label"),
                   ("packets_in", "packets_in"), ("packets_out", "packets_out"),
                   ("bytes_in", "bytes_in"), ("bytes_out", "bytes_out"), ("flows", "flows"),
                   ("flows_initiated", "flows_initiated"), ("ports_total", "ports_total"),
                   ("first_seen", "first_seen"), ("last_seen", "last_seen"),
                   ("ports", lambda s: " ".join(s["ports"]))], jgroups, sub="top")
        if jgroups and "bursts" in jgroups[0]:
            per_group(prefix + "bursts", "bursts",
                      [("bin", "bin"), ("value", "value"), ("baseline", "baseline"),
                       ("ratio", "ratio")], jgroups, sub="bins")
        if jgroups and "churn" in jgroups[0]:
            per_group(prefix + "sources_by_net", "churn",
                      [("net", "net"), ("sources", "sources")], jgroups, sub="by_net")
            per_group(prefix + "sources_by_prefix", "churn",
                      [("prefix", "prefix"), ("label", "label"), ("sources", "sources")],
                      jgroups, sub="by_prefix")
        if jgroups and "evidence" in jgroups[0]:
            got = rows(tables, prefix + "evidence")
            want = []
            for g in jgroups:
                for kind, e in g["evidence"].items():
                    for v in e["top"]:
                        want.append({"kind": kind, "value": v["value"], "count": v["count"]})
            key = lambda r: (r["kind"], r["value"])
            got = sorted(({"kind": r["kind"], "value": unformula(r["value"]),
                           "count": r["count"]} for r in got), key=key)
            compare_rows("%s_%sevidence" % (name, prefix), got, sorted(want, key=key),
                         [("kind", "kind"), ("value", "value"), ("count", "count")])

    compare_rows(name + "_files", rows(tables, "files"), report["inputs"]["files"],
                 [("path", "path"), ("format", "format"), ("packets", "packets"),
                  ("error", lambda f: f["error"] if f["error"] is not None else "")])
    period("", report["groups"])
    if report.get("compare"):
        period("compare_", report["compare"]["groups"])
        got = [r for r in rows(tables, "versus_totals") if r["measure"] == "packets_in"]
        want = [g["versus"]["ratios"] for g in report["groups"]]
        compare_rows(name + "_versus_totals", got, want, [("ratio", "packets_in")])


# ---- HTML ----------------------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


class Page(html.parser.HTMLParser):
    """Counts what the tests look for and checks that tags nest."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.errors, self.tags = [], [], {}
        self.sections, self.text = 0, []
        self.attrs_seen = []

    def handle_starttag(self, tag, attrs):
        self.tags[tag] = self.tags.get(tag, 0) + 1
        self.attrs_seen += attrs
        if tag == "section" and ("class", "group") in attrs:
            self.sections += 1
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags[tag] = self.tags.get(tag, 0) + 1
        self.attrs_seen += attrs

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append("</%s> closes <%s>" % (tag, self.stack[-1] if self.stack else ""))
            if tag in self.stack:
                while self.stack.pop() != tag:
                    pass
            return
        self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def parse_page(path):
    with open(path, "rb") as f:
        data = f.read()
    page = Page()
    page.feed(data.decode("utf-8"))
    page.close()
    return page, data


def check_html(name, path, groups, masked=False, hostile=False):
    try:
        page, data = parse_page(path)
    except (UnicodeDecodeError, AssertionError) as e:
        result(name + "_parses", False, str(e))
        return
    result(name + "_parses", not page.errors and not page.stack,
           "; ".join(page.errors[:3]) or "unclosed: %s" % page.stack[-3:])
    text = data.decode("utf-8")
    result(name + "_doctype_charset", text.startswith("<!DOCTYPE html>") and
           '<meta charset="utf-8">' in text, "no doctype or charset")
    result(name + "_sections", page.sections == groups,
           "%d group sections, want %d" % (page.sections, groups))
    svgs = page.tags.get("svg", 0)
    result(name + "_charts", svgs >= 5 * groups, "%d svg charts" % svgs)
    result(name + "_tables", page.tags.get("table", 0) >= 5 * groups, "too few tables")
    result(name + "_no_script", "<script" not in text.lower() and "javascript:" not in
           text.lower() and not any(k.startswith("on") for k, _ in page.attrs_seen),
           "a script, a javascript: URL or an event handler")
    refs = re.findall(r"(?:https?:)?//[A-Za-z0-9.-]+", text)
    # A hostile label may say "http://" as text; no attribute may point anywhere.
    linked = any("//" in (v or "") for _, v in page.attrs_seen)
    result(name + "_self_contained", (hostile or ("http://" not in text and
                                                  "https://" not in text)) and not linked and
           not any(t in page.tags for t in ("link", "img", "iframe", "object", "embed")) and
           "@import" not in text and "url(" not in text, "external reference: %s" % refs[:3])
    if masked:
        result(name + "_masked_sensor", "192.0.2.10" not in text, "the sensor is shown")


# ---- hostile strings ----------------------------------------------------------------


def check_hostile(name, fmt, path):
    with open(path, "rb") as f:
        data = f.read()
    if fmt == "text":
        result(name + "_no_raw_escape", b"\x1b" not in data and b"\x07" not in data and
               b"\x9b" not in data, "a raw ESC, BEL or CSI byte")
        controls = [b for b in data if b < 0x20 and b not in (0x0A,)]
        result(name + "_no_controls", not controls, "raw control bytes %r" % controls[:5])
        result(name + "_labels_shown", b"<script>alert(1)</script>" in data and
               b"\\x1b[31mred" in data, "the labels are missing")
        return
    text = data.decode("utf-8")
    if fmt == "json":
        try:
            report = json.loads(text)
        except ValueError as e:
            result(name + "_parses", False, str(e))
            return
        result(name + "_parses", True)
        controls = [c for c in text if ord(c) < 0x20 and c != "\n"]
        result(name + "_no_controls", not controls, "raw control chars %r" % controls[:5])
        labels = [p["label"] for g in report["groups"] for p in g["prefixes"]]
        result(name + "_labels_shown", "<script>alert(1)</script>" in labels and
               "\\x1b[31mred\\x1b]0;title\\x07" in labels, "labels: %r" % labels)
        return
    if fmt == "csv":
        try:
            tables, _ = read_tables(path)
        except (ValueError, csv.Error) as e:
            result(name + "_parses", False, str(e))
            return
        result(name + "_parses", True)
        # Every cell but the zone the report writes itself ("+00:00", as in JSON).
        cells = [c for t in tables.values() for r in t[1:]
                 for k, c in zip(t[0], r) if k != "tz"]
        bad = [c for c in cells if c.startswith(FORMULA_START)]
        result(name + "_no_formula", not bad, "cells %r" % bad[:5])
        for want in ("'=HYPERLINK(\"http://x\")", "'+cmd", "'@SUM(1)", "'-cmd", "'-2+3,\"quoted\""):
            result(name + "_prefixed_" + re.sub(r"\W", "", want)[:10], want in cells,
                   "no cell %r" % want)
        # Paths are absolute: the file name that is a formula comes after a '/',
        # with its control bytes escaped.
        result(name + "_path_escaped", any("/=SUM(1+1)\\x1b" in c for c in cells),
               "the file name that is a formula")
        result(name + "_no_raw_escape", "\x1b" not in text and "\x07" not in text,
               "a raw ESC or BEL")
        evidence = [r[3] for r in tables.get("evidence", [[]])[1:]]
        result(name + "_evidence_escaped", not evidence or "'+cmd" in evidence,
               "evidence %r" % evidence[:3])
        return
    if fmt == "html":
        try:
            page, _ = parse_page(path)
        except UnicodeDecodeError as e:
            result(name + "_parses", False, str(e))
            return
        result(name + "_parses", not page.errors and not page.stack, "; ".join(page.errors[:3]))
        result(name + "_no_script", "<script" not in text.lower(), "an unescaped <script")
        result(name + "_no_attribute_break", '"onmouseover' not in text and
               not any(k.startswith("on") for k, _ in page.attrs_seen), "an event handler")
        result(name + "_no_raw_escape", "\x1b" not in text and "\x07" not in text,
               "a raw ESC or BEL")
        shown = "".join(page.text)
        result(name + "_labels_as_text", "<script>alert(1)</script>" in shown and
               '"onmouseover=alert(1) x="' in shown and "\\x1b[31mred" in shown,
               "the labels are not shown as text")
        result(name + "_evidence_as_text", "GET /<script>alert(1)</script>" in shown,
               "the HTTP request line is not shown as text")
        result(name + "_ssh_client_as_text", "SSH-2.0-<script>alert(1)</script>\\x1b[31mred" in shown,
               "the SSH client line is not shown as text")
        return
    result(name, False, "unknown format " + fmt)


def check_dom(name, path, groups, hostile=False):
    page, data = parse_page(path)
    text = data.decode("utf-8")
    result(name + "_dom_sections", page.sections == groups,
           "%d group sections, want %d" % (page.sections, groups))
    result(name + "_dom_charts", page.tags.get("svg", 0) >= 5 * groups,
           "%d svg" % page.tags.get("svg", 0))
    result(name + "_dom_no_script", page.tags.get("script", 0) == 0, "a script element")
    if hostile:
        shown = "".join(page.text)
        result(name + "_dom_label_is_text", "<script>alert(1)</script>" in shown and
               page.tags.get("script", 0) == 0 and "&lt;script&gt;" in text,
               "the label became markup")


def main():
    cmd, name = sys.argv[1], sys.argv[2]
    if cmd == "csv-json":
        check_csv_json(name, sys.argv[3], sys.argv[4])
    elif cmd == "html":
        check_html(name, sys.argv[3], int(sys.argv[4]), "--mask" in sys.argv[5:],
                   "--hostile" in sys.argv[5:])
    elif cmd == "hostile":
        check_hostile(name, sys.argv[3], sys.argv[4])
    elif cmd == "dom":
        check_dom(name, sys.argv[3], int(sys.argv[4]), "--hostile" in sys.argv[5:])
    else:
        sys.exit("unknown command " + cmd)


main()
