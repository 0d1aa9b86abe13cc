#!/usr/bin/env python3
"""Extracts the example SQL of a page for tests/e2e/store_sql.sh.

Usage: doc_queries.py PAGE.md OUTDIR

Every ```sql block but the schema (the blocks holding CREATE TABLE) is split
into statements (lines up to one ending in ';'; comment lines left out).
Statement N goes to OUTDIR/qNN.sql; the `-->` lines that follow it, the
first lines of what it gives, to OUTDIR/qNN.want. Prints how many
statements there were.
"""
import os
import sys


def blocks(text):
    inside, lines = False, []
    for line in text.splitlines():
        if line.strip() == "```sql":
            inside, lines = True, []
        elif inside and line.strip() == "```":
            inside = False
            yield lines
        elif inside:
            lines.append(line)


def statements(lines):
    current, found = [], []
    for line in lines:
        if line.startswith("-->"):
            if not found:
                sys.exit("doc_queries.py: a '-->' line before any statement")
            found[-1][1].append(line[3:].strip())
        elif line.lstrip().startswith("--") or not line.strip():
            continue
        else:
            current.append(line)
            if line.rstrip().endswith(";"):
                found.append(("\n".join(current), []))
                current = []
    if current:
        sys.exit("doc_queries.py: a statement without its ';': %s" % current[0])
    return found


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    with open(sys.argv[1], encoding="utf-8") as f:
        text = f.read()
    os.makedirs(sys.argv[2], exist_ok=True)
    n = 0
    for lines in blocks(text):
        if any("CREATE TABLE" in line for line in lines):
            continue
        for sql, want in statements(lines):
            n += 1
            base = os.path.join(sys.argv[2], "q%02d" % n)
            with open(base + ".sql", "w", encoding="utf-8") as f:
                f.write(sql + "\n")
            if want:
                with open(base + ".want", "w", encoding="utf-8") as f:
                    f.write("\n".join(want) + "\n")
    print(n)


main()
