#!/usr/bin/env python3
"""Looks for the sensor's address forms in reports (tests/e2e/mask.sh).

Usage:
  mask_check.py absent FORMS REPORT...    exit 1, naming each find, when a form is in a report
  mask_check.py present FORMS REPORT      exit 1, naming each miss, unless every form is there
  mask_check.py shares CSV                exit 1 unless each evidence kind's shares sum to 100

FORMS has one string a line (tests/mask_capture.py prints them); a form is
found case-insensitively and not as part of a longer number (192.0.2.10 is
not found in 192.0.2.100).
"""
import csv
import io
import re
import sys


def finds(form, text):
    pattern = r"(?<![0-9a-f])" + re.escape(form) + r"(?![0-9a-f])"
    return [m.start() for m in re.finditer(pattern, text, re.I)]


def main():
    what, args = sys.argv[1], sys.argv[2:]
    if what == "shares":
        text = open(args[0], encoding="utf-8").read().replace("\r\n", "\n")
        # the evidence table, from its header line to the next blank line; sums per group and kind
        start = text.index("group,kind,rank,value,count,share")
        table = text[start:].split("\n\n")[0]
        sums = {}
        for row in csv.DictReader(io.StringIO(table)):
            key = row["group"] + " " + row["kind"]
            sums[key] = sums.get(key, 0.0) + float(row["share"] or 0)
        bad = {k: v for k, v in sums.items() if abs(v - 100) > 0.01}
        for k, v in bad.items():
            print("%s: shares sum to %.2f" % (k, v))
        sys.exit(1 if bad or not sums else 0)
    forms = [l.strip() for l in open(args[0], encoding="utf-8") if l.strip()]
    status = 0
    for path in args[1:]:
        text = open(path, encoding="utf-8", errors="replace").read()
        for form in forms:
            at = finds(form, text)
            if what == "absent" and at:
                print("%s: %s: ...%s..." % (path, form, text[max(0, at[0] - 30):at[0] + 40]))
                status = 1
            elif what == "present" and not at:
                print("%s: %s missing" % (path, form))
                status = 1
    sys.exit(status)


main()
