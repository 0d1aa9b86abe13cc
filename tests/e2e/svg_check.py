#!/usr/bin/env python3
"""Checks the time charts of an HTML report against its JSON twin.

Usage: svg_check.py NAME REPORT.html REPORT.json [--group N] [--years FIRST-LAST]

Prints PASS/FAIL lines (tests/run.sh counts them) for the group's charts:
  NAME_marks_CHART   every bin with traffic has a visible mark in each series
                     drawn (a bar of some width and height, or a vertex of a
                     line of two points or more raised above zero)
  NAME_axes_CHART    a y title, y tick numbers, and labels under the x axis
  NAME_no_clock      day bins: no x label reads like an hour ("00:00")
  NAME_years_CHART   with --years: every year from FIRST to LAST is named under it
  NAME_compare_axis  with --compare in the JSON: a second axis, led by
                     "compared", names the compared period's years
  NAME_burst_marks   with --compare: one marker per burst of each period, in
                     its own bin and just above its own period's value
"""
import html.parser
import json
import re
import sys

CHARTS = {  # aria-label ending -> short name
    "received and sent": "volume",
    "with the burst baseline": "unsolicited",
    "distinct sources per bin, new and returning": "sources",
}


def result(name, ok, why=""):
    print(("PASS %s" % name) if ok else ("FAIL %s: %s" % (name, why)))


class Charts(html.parser.HTMLParser):
    """Collects each chart SVG's elements as (tag, attrs, text)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.charts, self.current, self.text_of = [], None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "svg" and "chart" in a.get("class", ""):
            self.current = {"label": a.get("aria-label", ""), "items": []}
            self.charts.append(self.current)
        elif self.current is not None:
            item = [tag, a, ""]
            self.current["items"].append(item)
            if tag == "text":
                self.text_of = item

    def handle_startendtag(self, tag, attrs):
        if self.current is not None:
            self.current["items"].append([tag, dict(attrs), ""])

    def handle_endtag(self, tag):
        if tag == "svg":
            self.current = None
        if tag == "text":
            self.text_of = None

    def handle_data(self, data):
        if self.text_of is not None:
            self.text_of[2] += data


def numbers(s):
    return [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?", s)]


class Chart:
    def __init__(self, raw, bins):
        self.items = raw["items"]
        # The y axis' zero line comes first: it spans the plot.
        zero = next(a for t, a, _ in self.items if t == "line" and a.get("class") == "ax")
        self.left, self.right = float(zero["x1"]), float(zero["x2"])
        self.base = float(zero["y1"])
        self.bins = max(bins, 1)
        self.w = (self.right - self.left) / self.bins

    def bin_of(self, x):
        return int((x - self.left) // self.w) if self.w > 0 else -1

    def bar_tops(self, cls):
        """bin -> the top y of a visible rect of class cls there."""
        tops = {}
        for t, a, _ in self.items:
            if t != "rect" or a.get("class") != cls:
                continue
            x, y, w, h = (float(a[k]) for k in ("x", "y", "width", "height"))
            if w >= 0.5 and h >= 0.5:
                tops[self.bin_of(x + w / 2)] = y
        return tops

    def line_tops(self, cls):
        """bin -> the y of a raised vertex of a polyline of class cls (two points or more)."""
        tops = {}
        for t, a, _ in self.items:
            if t != "polyline" or a.get("class") != cls:
                continue
            pts = [numbers(p) for p in a["points"].split()]
            if len(pts) < 2:
                continue
            for x, y in pts:
                if y < self.base - 0.5:
                    tops[self.bin_of(x)] = y
        return tops

    def marks(self, *classes):
        tops = {}
        for cls in classes:
            tops.update(self.bar_tops(cls))
            tops.update(self.line_tops(cls))
        return tops

    def texts(self):
        return [(a, s) for t, a, s in self.items if t == "text"]

    def below(self, depth=6.0):
        """Labels under the plot, depth px or more below the x axis."""
        return [s for a, s in self.texts() if "y" in a and float(a["y"]) > self.base + depth]


def series_values(group, key):
    return [p[key] for p in group["series"]]


def check(name, html_path, json_path, group_index, years):
    parser = Charts()
    with open(html_path, encoding="utf-8") as f:
        parser.feed(f.read())
    report = json.load(open(json_path))
    g = report["groups"][group_index]
    cg = report["compare"]["groups"][group_index] if report.get("compare") else None
    n, nc = len(g["series"]), len(cg["series"]) if cg else 0
    by_label = {}
    for raw in parser.charts:
        for ending, short in CHARTS.items():
            if raw["label"].endswith(ending):
                by_label.setdefault(short, raw)  # the group's first of each
    charts = {}
    for short in CHARTS.values():
        if short not in by_label:
            result("%s_chart_%s" % (name, short), False, "no such chart")
            continue
        charts[short] = Chart(by_label[short], max(n, nc) if short == "volume" else n)

    wanted = {  # chart -> [(values, mark classes)]
        "volume": [(series_values(g, "packets_in"), ("b-in", "l-in")),
                   (series_values(g, "packets_out"), ("b-out", "l-out"))],
        "unsolicited": [(series_values(g, "unsolicited_packets"), ("c-un", "c-burst"))],
        "sources": [(series_values(g, "new_sources"), ("c-new",)),
                    (series_values(g, "returning_sources"), ("c-ret",))],
    }
    if cg:
        wanted["volume"] += [(series_values(cg, "packets_in"), ("b-cin", "l-cin")),
                             (series_values(cg, "packets_out"), ("b-cout", "l-cout"))]
    for short, chart in charts.items():
        missing = []
        for values, classes in wanted[short]:
            tops = chart.marks(*classes)
            missing += ["%s bin %d" % (classes[0], i) for i, v in enumerate(values)
                        if v > 0 and i not in tops]
        busy = sum(1 for values, _ in wanted[short] for v in values if v > 0)
        result("%s_marks_%s" % (name, short), busy > 0 and not missing,
               "no traffic to draw" if not busy else "no visible mark: %s" % missing[:5])

        texts = chart.texts()
        title = [s for a, s in texts if "rotate(-90)" in a.get("transform", "") and s.strip()]
        ticks = [s for a, s in texts if a.get("text-anchor") == "end" and re.match(r"^[\d.]+[kMG]?$", s)]
        result("%s_axes_%s" % (name, short), title and len(ticks) >= 2 and chart.below(),
               "title %s, %d y ticks, x labels %s" % (title, len(ticks), chart.below()))
        if years:
            first, last = years
            named = " ".join(chart.below())
            absent = [y for y in range(first, last + 1) if str(y) not in named]
            result("%s_years_%s" % (name, short), not absent,
                   "years not named: %s (labels: %s)" % (absent, chart.below()[:12]))

    if report["options"]["bin"] == "day":
        clocks = [s for c in charts.values() for s in c.below() if re.search(r"\d\d:\d\d", s)]
        result("%s_no_clock" % name, not clocks, "day bins labelled %s" % clocks[:3])

    if cg and "volume" in charts:
        check_compare(name, charts["volume"], g, cg)


def burst_indexes(group):
    return [i for i, p in enumerate(group["series"]) if p["burst"]]


def check_compare(name, chart, g, cg):
    lower = chart.below(36)
    compared_years = sorted({p["bin"][:4] for p in cg["series"]})
    result("%s_compare_axis" % name, "compared" in lower and
           all(any(y in s for s in lower) for y in compared_years),
           "lower axis %s lacks 'compared' or %s" % (lower[:8], compared_years))
    problems = []
    for cls, group, own in (("bm", g, ("b-in", "l-in")), ("bm-cmp", cg, ("b-cin", "l-cin"))):
        tops = chart.marks(*own)
        tips = [numbers(a["d"])[:2] for t, a, _ in chart.items
                if t == "path" and a.get("class") == cls]
        want = burst_indexes(group)
        if sorted(chart.bin_of(x) for x, _ in tips) != want:
            problems.append("%s in bins %s, bursts in %s" %
                            (cls, sorted(chart.bin_of(x) for x, _ in tips), want))
            continue
        for x, y in tips:
            top = tops.get(chart.bin_of(x))
            if top is None or not (0 <= top - y <= 10):
                problems.append("%s at %.1f,%.1f not just above its value (%s)" % (cls, x, y, top))
    result("%s_burst_marks" % name, not problems and (burst_indexes(g) or burst_indexes(cg)),
           "; ".join(problems) or "no burst in either period")


def main():
    name, html_path, json_path = sys.argv[1:4]
    group, years = 0, None
    args = sys.argv[4:]
    while args:
        opt = args.pop(0)
        if opt == "--group":
            group = int(args.pop(0))
        elif opt == "--years":
            first, last = args.pop(0).split("-")
            years = (int(first), int(last))
    check(name, html_path, json_path, group, years)


if __name__ == "__main__":
    main()
