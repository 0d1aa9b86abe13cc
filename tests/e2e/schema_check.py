#!/usr/bin/env python3
"""Validates honeyscope's JSON output against docs/*.schema.json, for tests/e2e/schema.sh.

  schema_check.py validate SCHEMA FILE...   every FILE is valid (draft 2020-12)
  schema_check.py strict SCHEMA FILE...     valid, and no object carries a field
                                            the schema does not describe
  schema_check.py coverage SCHEMA FILE...   every field the schema describes
                                            occurs, non-null, in some FILE
  schema_check.py check-schema SCHEMA       the schema itself is valid
  schema_check.py tests SCHEMA PREFIX FILE...
                                            "validate" and "strict" for each FILE
                                            as test lines: PASS PREFIX_NAME_valid,
                                            PASS PREFIX_NAME_strict (or FAIL ...)

The published schema leaves objects open, since fields are only ever added
and consumers must accept new ones; "strict" closes them, so that a field the
tool writes but the schema (and docs/json.md) forgot fails the tests.
Prints one line per problem; exits 1 when there is any.
"""
import copy
import json
import os
import sys

import jsonschema


def closed(schema):
    """A copy where every object schema with properties refuses other fields."""
    s = copy.deepcopy(schema)

    def walk(node):
        if isinstance(node, dict):
            if "properties" in node and "additionalProperties" not in node:
                node["additionalProperties"] = False
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(s)
    return s


def errors(validator, doc):
    found = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    return ["/" + "/".join(str(p) for p in e.absolute_path) + ": " + e.message[:200]
            for e in found[:20]]


def validate(schema, paths):
    v = jsonschema.Draft202012Validator(schema)
    problems = 0
    for path in paths:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        for e in errors(v, doc):
            print(f"{path}: {e}")
            problems += 1
    return problems


def tests(schema, prefix, paths):
    """One process for many documents (they are large, the suite is long);
    a document valid against the closed schema is valid against the open one."""
    open_v = jsonschema.Draft202012Validator(schema)
    closed_v = jsonschema.Draft202012Validator(closed(schema))
    for path in paths:
        name = prefix + "_" + os.path.basename(path).rsplit(".", 1)[0]
        try:
            with open(path, encoding="utf-8") as f:
                doc = json.load(f)
        except (OSError, ValueError) as e:
            print(f"FAIL {name}_valid: not JSON: {e}")
            continue
        strict = errors(closed_v, doc)
        valid = errors(open_v, doc) if strict else []
        for kind, errs in (("valid", valid), ("strict", strict)):
            if errs:
                print(f"FAIL {name}_{kind}: {'; '.join(errs[:3])}")
            else:
                print(f"PASS {name}_{kind}")


class Coverage:
    """The fields the schema describes, named by the definition that holds
    them ("group.bursts", "bursts.bins[].ratio", ".groups" at the top), and
    those the documents fill with something other than null. A definition
    used in several places (a group of the period and of --compare) is
    covered wherever it occurs."""

    def __init__(self, schema):
        self.root = schema
        self.described, self.seen, self.defs = set(), set(), set()

    def branches(self, s, path):
        """(schema, path) of s and of its anyOf/oneOf alternatives; a $ref
        restarts the path at the definition it names."""
        if "$ref" in s:
            name = s["$ref"].rsplit("/", 1)[1]
            return self.branches(self.root["$defs"][name], name)
        out = [(s, path)]
        for key in ("anyOf", "oneOf"):
            for b in s.get(key, []):
                out.extend(self.branches(b, path))
        return out

    def describe(self, s, path):
        self.described.add(path)
        for b, p in self.branches(s, path):
            if p != path:  # a definition: its fields are described once
                if p in self.defs:
                    continue
                self.defs.add(p)
            for k, sub in b.get("properties", {}).items():
                self.describe(sub, f"{p}.{k}")
            ap = b.get("additionalProperties")
            if isinstance(ap, dict):
                self.describe(ap, f"{p}.*")
            if "items" in b:
                self.describe(b["items"], f"{p}[]")

    def visit(self, s, doc, path):
        if doc is None:
            return
        self.seen.add(path)
        for b, p in self.branches(s, path):
            if isinstance(doc, dict):
                props = b.get("properties", {})
                ap = b.get("additionalProperties")
                for k, v in doc.items():
                    if k in props:
                        self.visit(props[k], v, f"{p}.{k}")
                    elif isinstance(ap, dict):
                        self.visit(ap, v, f"{p}.*")
            elif isinstance(doc, list) and "items" in b:
                for v in doc:
                    self.visit(b["items"], v, f"{p}[]")


def main():
    mode, schema_path, files = sys.argv[1], sys.argv[2], sys.argv[3:]
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    if mode == "check-schema":
        jsonschema.Draft202012Validator.check_schema(schema)
        return 0
    if mode == "tests":
        tests(schema, files[0], files[1:])
        return 0
    if mode == "validate":
        return 1 if validate(schema, files) else 0
    if mode == "strict":
        return 1 if validate(closed(schema), files) else 0
    if mode == "coverage":
        cov = Coverage(schema)
        cov.describe(schema, "")
        for path in files:
            try:
                with open(path, encoding="utf-8") as f:
                    cov.visit(schema, json.load(f), "")
            except (OSError, ValueError):
                continue  # reported by "tests"
        missing = sorted(cov.described - cov.seen)
        for m in missing:
            print(f"never filled: {m}")
        return 1 if missing else 0
    print(f"unknown mode {mode}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
