#!/usr/bin/env python3
"""Compares the rows of a store of version 2 to 6 (text addresses, the
tables traffic and evidence) with the rows of the same store upgraded to
version 7 or later, read through the views that `honeyscope sql` gives
(tests/e2e/store_upgrade.sh, store_upgrade_v2.sh).

Usage: store_views.py OLD.db NEW.db HONEYSCOPE

Addresses are compared as Python's ipaddress reads them (the views write
IPv6 uncompressed, versions 2 to 6 held inet_ntop's form); IPv4 text must be the
same text, and IPv6 text the views' form: eight groups, no leading zeros.
Prints "traffic N" and "evidence N", the rows found equal; exits 1 at the
first difference.
"""
import csv
import io
import ipaddress
import re
import sqlite3
import subprocess
import sys

V6_FORM = re.compile(r"^(0|[1-9a-f][0-9a-f]{0,3})(:(0|[1-9a-f][0-9a-f]{0,3})){7}$")


def address(text, view):
    if view and ":" in text and not V6_FORM.match(text):
        sys.exit("store_views.py: '%s' is not the views' IPv6 form" % text)
    return ipaddress.ip_address(text)


def cell(text):
    """A value of honeyscope sql's CSV as Python's sqlite3 gives it."""
    if text.startswith("x'") and text.endswith("'"):
        return bytes.fromhex(text[2:-1])
    if re.fullmatch(r"-?[0-9]+", text):
        return int(text)
    return text


def view_rows(path, sql):
    out = subprocess.run([HONEYSCOPE, "sql", "--db", path, "--format", "csv", sql],
                         capture_output=True, check=True, text=True).stdout
    return [[cell(c) for c in r] for r in list(csv.reader(io.StringIO(out)))[1:]]


def table_rows(path, sql):
    db = sqlite3.connect("file:%s?mode=ro" % path, uri=True)
    out = [list(r) for r in db.execute(sql)]
    db.close()
    return out


def rows(path, sql, addr_columns, view):
    out = []
    for row in view_rows(path, sql) if view else table_rows(path, sql):
        for c in addr_columns:
            parsed = address(row[c], view)
            if parsed.version == 4 and str(parsed) != row[c]:
                sys.exit("store_views.py: IPv4 '%s' is not a dotted quad" % row[c])
            row[c] = (parsed.version, parsed.packed)
        out.append(tuple(row))
    return sorted(out, key=repr)


def compare(name, old_path, new_path, sql, addr_columns):
    old = rows(old_path, sql, addr_columns, False)
    new = rows(new_path, sql, addr_columns, True)
    if old != new:
        for a, b in zip(old, new):
            if a != b:
                sys.exit("store_views.py: %s: %r became %r" % (name, a, b))
        sys.exit("store_views.py: %s: %d rows became %d" % (name, len(old), len(new)))
    print(name, len(new))


HONEYSCOPE = None


def main():
    global HONEYSCOPE
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    HONEYSCOPE = sys.argv[3]
    compare("traffic", sys.argv[1], sys.argv[2],
            "SELECT file_id, bin, sensor, remote, proto, initiator, service, packets_in,"
            " packets_out, bytes_in, bytes_out, flows, first_s, last_s FROM traffic", [2, 3])
    compare("evidence", sys.argv[1], sys.argv[2],
            "SELECT file_id, bin, remote, kind, CAST(value AS BLOB), count FROM evidence", [2])


main()
