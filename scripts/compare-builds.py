#!/usr/bin/env python3
# Did this commit make it slower? Two builds of gst-bitnet measured side by
# side, interleaved, one run per process, until the paired analysis settles
# or the budget is spent (issue: a regression gate that holds on noisy
# machines). The statistics are the toolkit's (bn_stats_paired_ratio through
# GObject introspection); the runs are each build's own bn-launch.
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Compares two builds of gst-bitnet (or of another engine), interleaved, pair by pair.

Each pair is one run of BASE and one of CANDIDATE, each in a fresh process
(bn-launch of that build, the same pipeline and settings, a warm-up
discarded), in alternating order (ABBA...) or, with --order random, in a
seeded random order per pair. The verdict comes from the median of the
per-pair log ratios CANDIDATE / BASE and its distribution-free interval:
CRITICAL or WARNING when it lies wholly beyond the threshold in the bad
direction, IMPROVEMENT beyond the warning threshold in the good one, STABLE
wholly within +-warning, else INCONCLUSIVE. It looks after --min-pairs pairs
and every --look-every pairs after that, and stops at the first look that
settles; each look uses the confidence divided among all planned looks
(Bonferroni), so the error rate holds for the repeated looks
(docs/design/0020-paired-comparison.md).

A side is one of:
  DIR                  a gst-bitnet build directory (gst-bitnet/tools/bn-launch,
                       elements/), run on --size/--model, --format, --tokens...
  llama-bench:COMMAND  llama-bench of any llama.cpp build, e.g.
                       'llama-bench:/opt/llama/llama-bench -m m.gguf -p 0 -n 32 -r 3'
                       (-o jsonl is added unless COMMAND has -o json or jsonl);
                       its one generation test is the run
  jsonl:COMMAND        any command printing run records, one JSON object per
                       line (docs/schemas/run-records-jsonl.md), e.g.
                       'jsonl:./my-engine --bench --tokens 32'
A COMMAND is split as a shell would (quotes), run without a shell, once per
run; the settings of a command side are the command's own. Output that is
not what the side promises is refused with the line (and the command) named.

The metric is decode tok/s (--metric decode) or a quantile of each run's
per-token decode latencies: the median (p50), the 10th percentile (p10) or
the minimum (min); the low ones suit additive, bursty noise (a busy core
lengthens some tokens and leaves the fastest alone, docs/regression.md).
Runs stay the unit: each run gives one figure, each pair one ratio.
The pairs, the looks and the verdict go to --output (JSON); --probe runs
each side once and prints what was read, to check a side's command.

Exit status: 0 STABLE, IMPROVEMENT or WARNING; 3 CRITICAL (or WARNING with
--fail-on-warning); 4 INCONCLUSIVE when the budget is spent, with
--fail-on-inconclusive (else 0); 1 a run failed; 2 usage error; 130
interrupted.
"""
import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bn_sides  # noqa: E402
import bn_toolkit  # noqa: E402


def positive(text):
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value <= 0:
        raise argparse.ArgumentTypeError("needs a positive whole number, got %r" % text)
    return value


def percent(text):
    try:
        value = float(text)
    except ValueError:
        value = -1
    if not (0 < value < 1000):
        raise argparse.ArgumentTypeError("needs a percentage between 0 and 1000, got %r" % text)
    return value


def side(text):
    try:
        return bn_sides.Side(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e))


def build_run(build, args, scratch, label, env):
    """Runs the pipeline once with @build's bn-launch; returns its run record."""
    out = os.path.join(scratch, "%s.json" % label)
    source = ("loader location=%s" % args.model) if args.model else ("loader fixture=%s" % args.size)
    pipeline = ("%s ! quantizer format=%s ! kernel-executor iterations=1 warmup=1 tokens=%d n-prompt=%d "
                "threads=%d ! summary-sink silent=true location=%s"
                % (source, args.format, args.tokens, args.prompt_tokens, args.threads, out))
    env = dict(env, BN_PLUGIN_PATH=os.path.join(build, "elements"), BN_PLUGIN_SYSTEM_PATH="")
    cmd = [os.path.join(build, "gst-bitnet", "tools", "bn-launch"), "-q"] + pipeline.split()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise bn_sides.SideError("%s: %s failed (exit %d): %s" % (label, cmd[0], done.returncode,
                                                                 done.stderr.strip()[-400:]))
    with open(out, encoding="utf-8") as f:
        results = json.load(f)["results"]
    runs = [r["result"] for r in results if r.get("type") == "bench/run"]
    if len(runs) != 1:
        raise bn_sides.SideError("%s: expected one run record in %s, found %d" % (label, out, len(runs)))
    return runs


def one_run(s, args, scratch, role, index):
    """One run of side @s (a fresh process); returns the run records it gave."""
    env = dict(os.environ, BN_COMPARE_SIDE=role, BN_COMPARE_RUN=str(index))
    if s.kind == "build":
        return build_run(s.path, args, scratch, "%s-%d" % (role, index), env)
    return s.read(s.run_command(env, args.run_timeout))


def judge(lo, hi, warning, critical, higher_is_better):
    """lo, hi: interval of the change in percent; the verdict in the bad direction."""
    wlo, whi = (-hi, -lo) if higher_is_better else (lo, hi)
    if wlo > critical:
        return "CRITICAL"
    if wlo > warning:
        return "WARNING"
    if whi < -warning:
        return "IMPROVEMENT"
    if wlo >= -warning and whi <= warning:
        return "STABLE"
    return "INCONCLUSIVE"


def probe(args):
    """--probe: each side once, what was read, as JSON on standard output."""
    name = bn_sides.METRICS[args.metric][0]
    out = {}
    with tempfile.TemporaryDirectory(prefix="bn-compare-") as scratch:
        try:
            for role, s in (("base", args.base), ("candidate", args.candidate)):
                runs = one_run(s, args, scratch, role, 0)
                out[role] = {"side": s.describe(), "kind": s.kind, "runs": runs,
                             name: bn_sides.side_figure(runs, args.metric)}
        except bn_sides.SideError as e:
            print("compare-builds.py: %s" % e, file=sys.stderr)
            return bn_toolkit.EXIT_FAILED
    print(json.dumps(out, indent=2))
    return bn_toolkit.EXIT_OK


def main():
    p = argparse.ArgumentParser(prog="compare-builds.py", description=__doc__.split("\n\n")[0],
                                epilog=__doc__.split("\n\n", 1)[1],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("base", type=side, metavar="BASE",
                   help="the baseline: a build directory, llama-bench:COMMAND or jsonl:COMMAND")
    p.add_argument("candidate", type=side, metavar="CANDIDATE", help="the candidate, as BASE")
    p.add_argument("--size", choices=("tiny", "small", "medium", "2b"), default="small",
                   help="fixture shape (default small)")
    p.add_argument("--model", metavar="FILE", help="a GGUF file instead of a fixture")
    p.add_argument("--format", choices=("i2s", "tl1", "tl2", "tq2_0", "tq1_0"), default="i2s",
                   help="weight format (default i2s)")
    p.add_argument("--tokens", type=positive, default=32, help="generated tokens per run (default 32)")
    p.add_argument("--prompt-tokens", type=positive, default=8, help="synthetic prompt length (default 8)")
    p.add_argument("--threads", type=positive, default=1, help="threads (default 1)")
    p.add_argument("--metric", choices=tuple(bn_sides.METRICS), default="decode",
                   help="decode tok/s, or each run's median, 10th percentile or minimum per-token latency "
                   "(default decode)")
    p.add_argument("--run-timeout", type=float, default=600, metavar="S",
                   help="seconds one run of a command side may take (default 600)")
    p.add_argument("--probe", action="store_true",
                   help="run each side once, print the run records read and their figure, and exit")
    p.add_argument("--min-pairs", type=positive, default=10, help="first look after this many pairs (default 10)")
    p.add_argument("--max-pairs", type=positive, default=40, help="budget in pairs (default 40)")
    p.add_argument("--look-every", type=positive, default=5, help="pairs between looks (default 5)")
    p.add_argument("--max-seconds", type=float, metavar="S", help="budget in seconds (stops at the next look)")
    p.add_argument("--warning", type=percent, default=5.0, help="warning threshold in percent (default 5)")
    p.add_argument("--critical", type=percent, default=10.0, help="critical threshold in percent (default 10)")
    p.add_argument("--confidence", type=float, default=0.95, help="overall confidence (default 0.95)")
    p.add_argument("--order", choices=("abba", "random"), default="abba",
                   help="order within pairs: alternating, or seeded random (default abba)")
    p.add_argument("--seed", type=int, default=42, help="seed of --order random (default 42)")
    p.add_argument("--fail-on-warning", action="store_true", help="exit 3 on WARNING too")
    p.add_argument("--fail-on-inconclusive", action="store_true", help="exit 4 when the budget settles nothing")
    p.add_argument("--output", default="benchmark-results/compare-builds.json", metavar="FILE",
                   help="where the pairs and the verdict go (default benchmark-results/compare-builds.json)")
    args = p.parse_args()
    if args.min_pairs > args.max_pairs:
        p.error("--min-pairs %d is above --max-pairs %d" % (args.min_pairs, args.max_pairs))
    if not 0.5 <= args.confidence < 1:
        p.error("--confidence needs a number in [0.5, 1), got %g" % args.confidence)
    if args.warning >= args.critical:
        p.error("--warning %g must be below --critical %g" % (args.warning, args.critical))
    if args.model and not os.path.isfile(args.model):
        p.error("--model %s: no such file" % args.model)
    if not args.run_timeout > 0:
        p.error("--run-timeout needs a positive number of seconds, got %g" % args.run_timeout)
    if args.probe:
        return probe(args)

    Bn, BnBench, GLib = bn_toolkit.load()
    looks = list(range(args.min_pairs, args.max_pairs + 1, args.look_every))
    if looks[-1] != args.max_pairs:
        looks.append(args.max_pairs)
    level = 1 - (1 - args.confidence) / len(looks)
    need = BnBench.stats_median_ci_min_n(level)
    if args.min_pairs < need:
        p.error("--min-pairs %d: %d looks at %.0f%% overall confidence need %.4f per look, which needs at least %d "
                "pairs" % (args.min_pairs, len(looks), args.confidence * 100, level, need))

    rng = random.Random(args.seed)
    pairs, history = [], []
    verdict, started = None, time.monotonic()
    name, higher, _ = bn_sides.METRICS[args.metric]
    with tempfile.TemporaryDirectory(prefix="bn-compare-") as scratch:
        try:
            for i in range(args.max_pairs):
                first_base = (i % 2 == 0) if args.order == "abba" else rng.random() < 0.5
                order = ("base", "candidate") if first_base else ("candidate", "base")
                pair = {"index": i, "order": list(order)}
                for role in order:
                    runs = one_run(args.base if role == "base" else args.candidate, args, scratch, role, i)
                    pair[role] = bn_sides.side_figure(runs, args.metric)
                    pair[role + "_cpu_percent"] = runs[0].get("cpu_utilization_percent")
                pairs.append(pair)
                n = len(pairs)
                if n not in looks and not (args.max_seconds and time.monotonic() - started > args.max_seconds):
                    continue
                ok, ratio, lo, hi = BnBench.stats_paired_ratio([q["base"] for q in pairs],
                                                               [q["candidate"] for q in pairs], level)
                if not ok:
                    raise bn_sides.SideError("the paired analysis refused the figures (not all positive?)")
                verdict = judge((lo - 1) * 100, (hi - 1) * 100, args.warning, args.critical, higher)
                history.append({"pairs": n, "level": level, "ratio": ratio, "low": lo, "high": hi,
                                "verdict": verdict})
                print("pairs %2d: candidate/base %.4f [%.4f, %.4f] at %.2f%% per look: %s"
                      % (n, ratio, lo, hi, level * 100, verdict), flush=True)
                if verdict != "INCONCLUSIVE" or (args.max_seconds and time.monotonic() - started > args.max_seconds):
                    break
        except bn_sides.SideError as e:
            print("compare-builds.py: %s" % e, file=sys.stderr)
            return bn_toolkit.EXIT_FAILED
        except KeyboardInterrupt:
            return bn_toolkit.EXIT_INTERRUPTED

    report = {"generator": "compare-builds.py", "base": args.base.describe(),
              "candidate": args.candidate.describe(), "kinds": [args.base.kind, args.candidate.kind],
              "metric": name,
              "higher_is_better": higher, "method": "median of per-pair log ratios, sign-test interval, "
              "Bonferroni over %d planned looks" % len(looks), "confidence": args.confidence,
              "thresholds": {"warning": args.warning, "critical": args.critical},
              "looks": history, "pairs": pairs, "verdict": verdict or "INCONCLUSIVE",
              "seconds": round(time.monotonic() - started, 1)}
    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    with open(args.output, "w", encoding="utf-8") as f:
        json.dump(report, f, indent=2)
    change = (history[-1]["ratio"] - 1) * 100 if history else float("nan")
    print("Verdict: %s (%s, %+.1f%% after %d pairs, %.0f s; %s)" % (report["verdict"], report["metric"], change,
                                                                   len(pairs), report["seconds"], args.output))
    if report["verdict"] == "CRITICAL" or (report["verdict"] == "WARNING" and args.fail_on_warning):
        return bn_toolkit.EXIT_REGRESSION
    if report["verdict"] == "INCONCLUSIVE" and args.fail_on_inconclusive:
        return bn_toolkit.EXIT_STRICT
    return bn_toolkit.EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
