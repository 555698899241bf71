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

Confirmation (--confirm-with BASE): a stored baseline measured hours earlier
on a shared machine can differ from today by more than the thresholds. When
the verdict against it is CRITICAL or WARNING and the baseline's build is
at hand (BASE: its build directory, or any side compare-builds.py accepts;
--confirm-commit: the commit the baseline records, built in a git worktree),
both builds are measured again interleaved (compare-builds.py BASE
CANDIDATE) and the regression stands only if that confirms it: the final
verdict is the less severe of the two when both are alarms, else the
interleaved verdict. The report shows both.

Exit status: 0 analysed (whatever the verdict, unless --fail-on-regression);
1 the report could not be read or analysed; 2 usage error; 3 a CRITICAL
regression with --fail-on-regression; 124 --timeout expired; 130 interrupted.
"""
import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time

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
    p.add_argument("--confirm-with", metavar="BASE",
                   help="the baseline's build (a build directory or a compare-builds.py side): re-measure "
                   "interleaved before reporting a CRITICAL or WARNING")
    p.add_argument("--confirm-commit", action="store_true",
                   help="build the commit the baseline records in a git worktree and confirm with it")
    p.add_argument("--confirm-candidate", metavar="CANDIDATE",
                   help="the build under test for the confirmation (default: this toolkit's build)")
    p.add_argument("--confirm-args", default="", metavar="ARGS",
                   help="options for compare-builds.py, e.g. '--size small --tokens 32 --max-pairs 40' "
                   "(use the gate's configuration)")
    args = p.parse_args()
    if args.confirm_with and args.confirm_commit:
        p.error("--confirm-with and --confirm-commit name the baseline's build twice: give one")
    try:
        shlex.split(args.confirm_args)
    except ValueError as e:
        p.error("--confirm-args: %s" % e)
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
    c = report.get("confirmation")
    if c:
        change = "" if c.get("change_percent") is None else " %+.1f%%" % c["change_percent"]
        lines.append("Against the stored baseline: %s %s" % (ICONS.get(c["stored_status"], "?"), c["stored_status"]))
        lines.append("Interleaved re-measurement (%s, %d pairs, %s s): %s %s%s: %s" %
                     (c.get("metric"), c.get("pairs", 0), c.get("seconds"), ICONS.get(c["verdict"], "?"),
                      c["verdict"], change, "confirmed" if c["confirmed"] else "not confirmed"))
    lines.append("Overall: %s %s" % (ICONS.get(report["status"], "?"), report["status"]))
    return "\n".join(lines) + "\n"


ALARMS = ("CRITICAL", "WARNING")


def build_commit(commit):
    """Builds @commit of this repository in a worktree under
    benchmark-results/confirm/; returns the build directory."""
    root = bn_toolkit.root()
    where = os.path.abspath(os.path.join("benchmark-results", "confirm", commit[:12]))
    build = os.path.join(where, "build")
    if not os.path.isfile(os.path.join(build, "gst-bitnet", "tools", "bn-launch")):
        if not os.path.isdir(where):
            subprocess.run(["git", "-C", root, "worktree", "add", "--detach", where, commit], check=True,
                           stdout=subprocess.DEVNULL)
        if not os.path.isdir(build):
            subprocess.run(["meson", "setup", build, where, "-Dtests=false"], check=True, stdout=subprocess.DEVNULL)
        subprocess.run(["ninja", "-C", build], check=True, stdout=subprocess.DEVNULL)
    return build


def confirm(args, report, deadline):
    """Re-measures interleaved; returns the confirmation record or raises
    RuntimeError with the reason."""
    base = args.confirm_with
    if args.confirm_commit:
        commit = report.get("baseline", {}).get("build_commit") if isinstance(report.get("baseline"), dict) else None
        if not commit or commit == "unknown":
            raise RuntimeError("the baseline records no build commit: give its build with --confirm-with")
        try:
            base = build_commit(commit)
        except (subprocess.CalledProcessError, OSError) as e:
            raise RuntimeError("cannot build the baseline's commit %s: %s" % (commit, e))
    candidate = args.confirm_candidate or bn_toolkit.build_dir()
    if not candidate:
        raise RuntimeError("no build under test for the confirmation: give --confirm-candidate")
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "confirm.json")
        cmd = [sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)), "compare-builds.py"),
               base, candidate, "--output", out] + shlex.split(args.confirm_args)
        timeout = None if deadline is None else max(1.0, deadline - time.monotonic())
        try:
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise TimeoutError()
        if r.returncode not in (bn_toolkit.EXIT_OK, bn_toolkit.EXIT_REGRESSION, bn_toolkit.EXIT_STRICT) \
                or not os.path.isfile(out):
            raise RuntimeError("the interleaved comparison failed (exit %d): %s" %
                               (r.returncode, (r.stderr or r.stdout).strip().splitlines()[-1:]))
        with open(out, encoding="utf-8") as f:
            cmp = json.load(f)
    looks = cmp.get("looks") or [{}]
    ratio = looks[-1].get("ratio")
    return {"base": cmp.get("base"), "candidate": cmp.get("candidate"), "metric": cmp.get("metric"),
            "verdict": cmp.get("verdict"), "pairs": len(cmp.get("pairs", [])), "seconds": cmp.get("seconds"),
            "change_percent": None if ratio is None else (ratio - 1) * 100, "command": shlex.join(cmd[1:])}


def combine(stored, confirmation):
    """The final verdict: the less severe of two alarms, else the interleaved one."""
    again = confirmation["verdict"]
    if again in ALARMS:
        return "WARNING" if "WARNING" in (stored, again) else "CRITICAL"
    return again


def main():
    args = parse_args()
    started = time.monotonic()
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
    if (args.confirm_with or args.confirm_commit) and report["status"] in ALARMS:
        deadline = None if args.timeout is None else started + args.timeout
        print("detect-performance-regression.py: %s against the stored baseline; confirming interleaved..." %
              report["status"], file=sys.stderr)
        try:
            c = confirm(args, report, deadline)
        except TimeoutError:
            print("detect-performance-regression.py: --timeout expired during the confirmation", file=sys.stderr)
            return bn_toolkit.EXIT_TIMEOUT
        except (RuntimeError, OSError, ValueError) as e:
            print("detect-performance-regression.py: cannot confirm: %s" % e, file=sys.stderr)
            return bn_toolkit.EXIT_FAILED
        c["stored_status"] = report["status"]
        c["confirmed"] = c["verdict"] in ALARMS
        report["confirmation"] = c
        report["status"] = combine(c["stored_status"], c)
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
