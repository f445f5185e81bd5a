#!/usr/bin/env python3
"""promcheck.py — check a scrape against the Prometheus text format 0.0.4.

Usage: promcheck.py FILE   (or - for standard input)

Checks what a Prometheus server would reject or misread: the syntax of every
line, metric and label names, label value escapes, numbers, one TYPE per
family given before its samples, no sample twice, counters not negative,
and per histogram: buckets cumulative in increasing `le`, ending in +Inf,
which equals _count, with a _sum. Prints every problem and exits 1 if
there is any; exits 0 and prints "ok N samples" otherwise.
"""
import math
import re
import sys

NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = r"[a-zA-Z_][a-zA-Z0-9_]*"
SAMPLE = re.compile(r"^(" + NAME + r")(\{(.*)\})? (\S+)( -?\d+)?$")
LABEL_PAIR = re.compile(r'\s*(' + LABEL + r')="((?:[^"\\\n]|\\[\\"n])*)"\s*(,|$)')
TYPES = {"counter", "gauge", "histogram", "summary", "untyped"}


def number(text):
    if text in ("+Inf", "Inf"):
        return math.inf
    if text == "-Inf":
        return -math.inf
    if text == "NaN":
        return math.nan
    return float(text)


def labels_of(text, problems, lineno):
    out = {}
    pos = 0
    while pos < len(text):
        m = LABEL_PAIR.match(text, pos)
        if not m:
            problems.append(f"line {lineno}: bad labels {text!r}")
            return out
        if m.group(1) in out:
            problems.append(f"line {lineno}: label {m.group(1)} twice")
        out[m.group(1)] = m.group(2)
        pos = m.end()
    return out


def family_of(name, types):
    for suffix in ("_bucket", "_sum", "_count"):
        if name.endswith(suffix) and types.get(name[: -len(suffix)]) in ("histogram", "summary"):
            return name[: -len(suffix)]
    return name


def main():
    text = sys.stdin.read() if sys.argv[1] == "-" else open(sys.argv[1], encoding="utf-8").read()
    problems, types, seen, samples = [], {}, set(), []
    if not text.endswith("\n"):
        problems.append("the last line does not end with a newline")
    for lineno, line in enumerate(text.split("\n")[:-1], 1):
        if line.startswith("#"):
            parts = line.split(None, 3)
            if len(parts) >= 2 and parts[1] == "TYPE":
                if len(parts) != 4 or not re.fullmatch(NAME, parts[2]) or parts[3] not in TYPES:
                    problems.append(f"line {lineno}: bad TYPE line")
                elif parts[2] in types:
                    problems.append(f"line {lineno}: second TYPE for {parts[2]}")
                elif any(family_of(s[0], types) == parts[2] for s in samples):
                    problems.append(f"line {lineno}: TYPE for {parts[2]} after its samples")
                else:
                    types[parts[2]] = parts[3]
            elif len(parts) >= 2 and parts[1] == "HELP":
                if len(parts) < 3 or not re.fullmatch(NAME, parts[2]):
                    problems.append(f"line {lineno}: bad HELP line")
            continue
        if line.strip() == "":
            problems.append(f"line {lineno}: empty line")
            continue
        m = SAMPLE.match(line)
        if not m:
            problems.append(f"line {lineno}: not a sample: {line!r}")
            continue
        name, labels = m.group(1), labels_of(m.group(3) or "", problems, lineno)
        try:
            value = number(m.group(4))
        except ValueError:
            problems.append(f"line {lineno}: not a number: {m.group(4)!r}")
            continue
        key = (name, tuple(sorted(labels.items())))
        if key in seen:
            problems.append(f"line {lineno}: sample {name}{labels} twice")
        seen.add(key)
        fam = family_of(name, types)
        if fam not in types:
            problems.append(f"line {lineno}: {name} has no TYPE before it")
        elif types[fam] == "counter" and (value < 0 or math.isnan(value)):
            problems.append(f"line {lineno}: counter {name} is {value}")
        samples.append((name, labels, value, lineno))
    for fam, kind in types.items():
        if kind != "histogram":
            continue
        series = {}
        for name, labels, value, lineno in samples:
            if family_of(name, types) != fam:
                continue
            rest = tuple(sorted((k, v) for k, v in labels.items() if k != "le"))
            s = series.setdefault(rest, {"buckets": [], "count": None, "sum": None})
            if name == fam + "_bucket":
                if "le" not in labels:
                    problems.append(f"line {lineno}: bucket without le")
                    continue
                s["buckets"].append((number(labels["le"]), value, lineno))
            elif name == fam + "_count":
                s["count"] = value
            elif name == fam + "_sum":
                s["sum"] = value
        for rest, s in series.items():
            b = s["buckets"]
            where = f"{fam}{dict(rest)}"
            if not b or b[-1][0] != math.inf:
                problems.append(f"{where}: the last bucket is not +Inf")
            for (le0, v0, _), (le1, v1, ln) in zip(b, b[1:]):
                if le1 <= le0:
                    problems.append(f"line {ln}: {where}: le not increasing")
                if v1 < v0:
                    problems.append(f"line {ln}: {where}: buckets not cumulative")
            if s["count"] is None or s["sum"] is None:
                problems.append(f"{where}: _count or _sum missing")
            elif b and b[-1][1] != s["count"]:
                problems.append(f"{where}: +Inf bucket {b[-1][1]} != _count {s['count']}")
    for p in problems:
        print(p)
    if problems:
        return 1
    print(f"ok {len(samples)} samples")
    return 0


if __name__ == "__main__":
    sys.exit(main())
