#!/usr/bin/env python3
"""Counts real test cases in meson test logs (TAP subtests), for CI.

Usage: count-tests.py LABEL BUILDDIR [LABEL BUILDDIR ...]
       count-tests.py --test NAME BUILDDIR
Prints one line per build and, last, 'N passed, N failed' where passed counts
the cases of the first build and of every build whose label starts with '+'
(other programs, e.g. another architecture's; the '+' is not printed), and
failed sums failures over every build. A build directory without a test log
counts as one failure, except for a '+' build (not built: nothing counted).
A test binary that died without reporting its cases counts as one failure.
With --test, prints 'N passed, N failed, N skipped' of that one test.
"""
import json
import re
import sys

def count(builddir, only=None, optional=False):
    passed = failed = skipped = 0
    path = f"{builddir}/meson-logs/testlog.json"
    try:
        lines = open(path, encoding="utf-8").read().splitlines()
    except OSError:
        return 0, 0 if optional else 1, 0, [f"no test log at {path}"]
    problems = []
    for line in lines:
        rec = json.loads(line)
        if only and rec.get("name", "").split(" / ")[-1] != only:
            continue
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
    if len(argv) == 4 and argv[1] == "--test":
        p, f, s, _ = count(argv[3], only=argv[2])
        print(f"{p} passed, {f} failed, {s} skipped")
        return
    pairs = list(zip(argv[1::2], argv[2::2]))
    total_passed = total_failed = total_skipped = 0
    for i, (label, builddir) in enumerate(pairs):
        extra = label.startswith("+")
        label = label.lstrip("+")
        p, f, s, problems = count(builddir, optional=extra)
        print(f"{label}: {p} passed, {f} failed, {s} skipped")
        for pr in problems:
            print(f"  {'note' if extra and not f else 'failed'}: {pr}")
        if i == 0 or extra:
            total_passed, total_skipped = total_passed + p, total_skipped + s
        total_failed += f
    print(f"{total_passed} passed, {total_failed} failed, {total_skipped} skipped")

main(sys.argv)
