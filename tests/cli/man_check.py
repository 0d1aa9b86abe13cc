#!/usr/bin/env python3
"""Option lists of a verb's --help and of its man page, for tests/cli/manpages.sh.

  man_check.py help FILE   the options of a --help text, one per line, sorted
  man_check.py man FILE [SECTION]
                           the tags of a man page's SECTION (default OPTIONS), the same way
  man_check.py verbs FILE  the verbs of 'honeyscope --help' (its "Verbs:" list)

An option is written as its tag: "--sensor CIDR", "-o, --output FILE",
"--group NAME=FILE@YYYY-MM-DD". In --help, tags are the lines indented by
exactly two spaces that start with '-' (the tag ends at the first run of two
spaces), and the --option ARG pairs of the usage lines. In a man page, tags are
the line after each .TP in OPTIONS, read as roff: font macros joined as groff
joins them, escapes removed. Comparing the two sets catches an option missing,
extra or spelt differently on either side.
"""
import re
import sys


def help_tags(text):
    tags = set()
    for line in text.splitlines():
        if line.startswith("usage:") or re.match(r"^ {7}\S", line) and "honeyscope" in line:
            # Only what follows the program's name: "mpirun -np N" is not ours.
            line = re.split(r"\bhoneyscope\S*", line, maxsplit=1)[-1]
            for m in re.finditer(r"(?<![\w-])(--?[A-Za-z][\w-]*)(?: ([A-Z][\w.=@\[\]|-]*))?", line):
                tags.add(m.group(1) + (" " + m.group(2) if m.group(2) else ""))
        elif re.match(r"^  -", line):
            tags.add(re.split(r"\s{2,}", line.strip())[0])
    return tags


def roff_args(rest):
    """The arguments of a macro line: blank-separated, "..." grouping."""
    args, cur, quoted, i = [], "", False, 0
    while i < len(rest):
        c = rest[i]
        if c == '"':
            if quoted and rest[i + 1 : i + 2] == '"':
                cur += '"'
                i += 1
            else:
                quoted = not quoted
        elif c in " \t" and not quoted:
            if cur:
                args.append(cur)
            cur = ""
        else:
            cur += c
        i += 1
    if cur:
        args.append(cur)
    return args


def roff_text(line):
    if line.startswith("."):
        parts = line[1:].split(None, 1)
        macro, rest = parts[0], parts[1] if len(parts) > 1 else ""
        args = roff_args(rest)
        line = " ".join(args) if macro in ("B", "I", "SM") else "".join(args)
    line = re.sub(r"\\f(\[[^]]*\]|.)", "", line)
    line = line.replace("\\-", "-").replace("\\e", "\\").replace("\\&", "")
    return line.strip()


def verbs(text):
    names, inside = set(), False
    for line in text.splitlines():
        if line == "Verbs:":
            inside = True
        elif inside and re.match(r"^  \S", line):
            names.add(line.split()[0])
        elif inside and not line.strip():
            inside = False
    return names


def man_tags(text, wanted="OPTIONS"):
    tags, section, take = set(), None, False
    for line in text.splitlines():
        if line.startswith(".SH"):
            section = line[3:].strip().strip('"')
            continue
        if section != wanted:
            continue
        if take:
            tags.add(roff_text(line))
            take = False
        elif re.match(r"^\.TP\b", line):
            take = True
    return tags


def main():
    kind, path = sys.argv[1], sys.argv[2]
    text = open(path, encoding="utf-8").read()
    if kind == "help":
        tags = help_tags(text)
    elif kind == "verbs":
        tags = verbs(text)
    else:
        tags = man_tags(text, sys.argv[3] if len(sys.argv) > 3 else "OPTIONS")
    for tag in sorted(tags):
        print(tag)


if __name__ == "__main__":
    main()
