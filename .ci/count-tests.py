#!/usr/bin/env python3
"""Counts real test cases in meson test logs (TAP subtests), for CI.

Usage: count-tests.py LABEL BUILDDIR [LABEL BUILDDIR ...]
Prints one line per build and, last, 'N passed, N failed' where passed counts
the cases of the first build and failed sums failures over every build.
A test binary that died without reporting its cases counts as one failure.
"""
import json
import re
import sys

def count(builddir):
    passed = failed = skipped = 0
    path = f"{builddir}/meson-logs/testlog.json"
    try:
        lines = open(path, encoding="utf-8").read().splitlines()
    except OSError:
        return 0, 1, 0, [f"no test log at {path}"]
    problems = []
    for line in lines:
        rec = json.loads(line)
        out = rec.get("stdout", rec.get("stdo", "")) or ""
        ok = len(re.findall(r"^ok \d+", out, re.M))
        skip = len(re.findall(r"^ok \d+[^\n]*# SKIP", out, re.M))
        bad = len(re.findall(r"^not ok \d+", out, re.M))
        if ok == 0 and bad == 0:
            # not a TAP test: count the test itself
            if rec.get("result") in ("OK", "EXPECTEDFAIL"):
                ok = 1
            elif rec.get("result") == "SKIP":
                skip = 1
        if rec.get("result") not in ("OK", "SKIP", "EXPECTEDFAIL") and bad == 0:
            bad = 1
        if bad:
            problems.append(f"{rec.get('name')}: {rec.get('result')}")
        passed += ok - skip
        skipped += skip
        failed += bad
    return passed, failed, skipped, problems

def main(argv):
    pairs = list(zip(argv[1::2], argv[2::2]))
    total_passed = total_failed = total_skipped = 0
    for i, (label, builddir) in enumerate(pairs):
        p, f, s, problems = count(builddir)
        print(f"{label}: {p} passed, {f} failed, {s} skipped")
        for pr in problems:
            print(f"  failed: {pr}")
        if i == 0:
            total_passed, total_skipped = p, s
        total_failed += f
    print(f"{total_passed} passed, {total_failed} failed, {total_skipped} skipped")

main(sys.argv)
