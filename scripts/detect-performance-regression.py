#!/usr/bin/env python3
# The seed's regression detector, over the toolkit through GObject
# introspection: receipt-src reads the performance report (or a receipt) back
# as runs, regression-analyzer compares them with this platform's baseline
# (pipelines/regression.bnp without its report writer, so the report read is
# not rewritten), and the verdict record is printed with the seed's icons.
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Compares a performance report or receipt with the stored baselines.

Alert levels (the seed's): 🚨 CRITICAL, ⚠️ WARNING, ✅ IMPROVEMENT, ℹ️ STABLE,
and the toolkit's own ❔ INCONCLUSIVE (too few runs, an interval straddling a
threshold, a mismatch) and ➖ NO_BASELINE (none stored for this platform).

Exit status: 0 analysed (whatever the verdict, unless --fail-on-regression);
1 the report could not be read or analysed; 2 usage error; 3 a CRITICAL
regression with --fail-on-regression; 124 --timeout expired; 130 interrupted.
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bn_toolkit  # noqa: E402

ICONS = {"CRITICAL": "🚨", "WARNING": "⚠️", "IMPROVEMENT": "✅", "STABLE": "ℹ️",
         "INCONCLUSIVE": "❔", "NO_BASELINE": "➖"}


def parse_args():
    p = argparse.ArgumentParser(
        prog="detect-performance-regression.py",
        description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("report", metavar="REPORT",
                   help="benchmark-results/performance-report.json, or a receipt such as ci/inference.json")
    p.add_argument("--baselines", default="crossval/baselines.json",
                   help="baselines file (default crossval/baselines.json)")
    p.add_argument("--platform", default="auto",
                   help="platform whose baseline to compare with (default: this machine's)")
    p.add_argument("--format", choices=("human", "json"), default="human", help="output format")
    p.add_argument("--output", metavar="FILE", help="write the analysis to FILE instead of standard output")
    p.add_argument("--fail-on-regression", action="store_true",
                   help="exit with status 3 when any metric is CRITICAL")
    p.add_argument("--timeout", type=float, metavar="S", help="give up after S seconds (exit 124)")
    args = p.parse_args()
    if not os.path.isfile(args.report):
        p.error("REPORT %s: no such file" % args.report)
    if args.timeout is not None and args.timeout <= 0:
        p.error("--timeout needs a positive number of seconds")
    return args


def human(report):
    lines = ["Performance regression analysis: %s on %s against %s" %
             (report.get("implementation"), report.get("platform"),
              report.get("baselines_file") or "the baseline branch")]
    for note in report.get("notes", []):
        lines.append("Note: %s" % (note if isinstance(note, str) else json.dumps(note)))
    for alert in report.get("alerts", []):
        level = alert["level"]
        change = alert.get("change_percent")
        figure = "" if change is None else " %+.1f%%" % change
        if alert.get("change_absolute") is not None:
            figure = " %+g" % alert["change_absolute"]
        lines.append("%s %-12s %s%s: %s" % (ICONS.get(level, "?"), level, alert.get("label", alert["metric"]),
                                           figure, alert.get("message", "")))
    lines.append("Overall: %s %s" % (ICONS.get(report["status"], "?"), report["status"]))
    return "\n".join(lines) + "\n"


def main():
    args = parse_args()
    Bn, BnBench, GLib = bn_toolkit.load()
    try:
        pipeline = Bn.parse_launch("receipt-src name=src ! regression-analyzer name=ra silent=true "
                                   "! fakesink name=out signal-handoffs=true")
    except GLib.Error as e:
        print("detect-performance-regression.py: %s" % e.message, file=sys.stderr)
        return bn_toolkit.EXIT_FAILED
    pipeline.get_by_name("src").set_property("location", [args.report])
    ra = pipeline.get_by_name("ra")
    ra.set_property("baselines", args.baselines)
    ra.set_property("platform", args.platform)
    verdicts = []

    def on_item(sink, item, pad):
        if item.get_caps().to_string().startswith("bench/verdict"):
            verdicts.append(json.loads(item.to_json(False)))
    pipeline.get_by_name("out").connect("handoff", on_item)

    status = bn_toolkit.run(Bn, BnBench, GLib, pipeline, timeout=args.timeout)
    if status != bn_toolkit.EXIT_OK:
        return status
    if len(verdicts) != 1:
        print("detect-performance-regression.py: no verdict came out of the analysis", file=sys.stderr)
        return bn_toolkit.EXIT_FAILED
    report = verdicts[0]
    text = json.dumps(report, indent=2) + "\n" if args.format == "json" else human(report)
    if args.output:
        tmp = args.output + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, args.output)
        print("detect-performance-regression.py: %s %s, analysis written to %s" %
              (ICONS.get(report["status"], ""), report["status"], args.output))
    else:
        sys.stdout.write(text)
    if args.fail_on_regression and report["status"] == "CRITICAL":
        return bn_toolkit.EXIT_REGRESSION
    return bn_toolkit.EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
