#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Measures the change-point detector against the seed's fixed threshold.

Prints, for synthetic throughput series with this machine's noise, the
false-positive rate on flat series and the detection rate per step size of

  - changepoint-analyzer's detector (E-divisive means + Welch t-test,
    bn_changepoints_find() of libgstbitnet-bench, called through ctypes), and
  - the seed's fixed rule: a throughput drop of more than 10% against the
    stored baseline is a regression, applied to each commit's mean (as the
    seed's CI compares each report with the baseline) and to each single run.

A series is COMMITS commits of RUNS runs each (a CI job per commit); the
step, when there is one, starts at commit STEP_AT and lasts to the end. The
baseline of the fixed rule is the median of the runs of the first
BASELINE_COMMITS commits. A detection counts when the detector puts a change
point for the worse within one commit of the true step (the fixed rule: when
it fires at or after the step). The noise is Gaussian (plus, with
--disturbed, a share of runs slowed 15-40% as when another process shares
the CPU) with the coefficient of variation measured in a history database (--history: the median, over
commits with 3 runs or more, of the runs' CV of decode_tokens_per_second), or
given with --cv.

A benchmark script, not a test: it prints figures and asserts nothing.

  scripts/changepoint-rates.py --history benchmark-results/history.db
  scripts/changepoint-rates.py --cv 0.03 --trials 2000
"""
import argparse
import ctypes
import os
import random
import sqlite3
import statistics
import sys


class ChangePoint(ctypes.Structure):
    _fields_ = [("index", ctypes.c_size_t), ("mean_before", ctypes.c_double), ("mean_after", ctypes.c_double),
                ("change", ctypes.c_double), ("lo", ctypes.c_double), ("hi", ctypes.c_double),
                ("p", ctypes.c_double), ("t", ctypes.c_double), ("n_before", ctypes.c_size_t),
                ("n_after", ctypes.c_size_t)]


class Options(ctypes.Structure):
    _fields_ = [("max_p", ctypes.c_double), ("min_size", ctypes.c_size_t), ("min_change", ctypes.c_double)]


class GArray(ctypes.Structure):
    _fields_ = [("data", ctypes.c_void_p), ("len", ctypes.c_uint)]


def load_library(builddir):
    path = os.path.join(builddir, "gst-bitnet", "bench", "libgstbitnet-bench-1.0.so")
    lib = ctypes.CDLL(path)
    lib.bn_changepoints_find.restype = ctypes.POINTER(GArray)
    lib.bn_changepoints_find.argtypes = [ctypes.POINTER(ctypes.c_double), ctypes.c_size_t, ctypes.POINTER(Options)]
    glib = ctypes.CDLL("libglib-2.0.so.0")
    glib.g_array_unref.argtypes = [ctypes.POINTER(GArray)]
    return lib, glib


def find(lib, glib, values, options):
    arr = (ctypes.c_double * len(values))(*values)
    ga = lib.bn_changepoints_find(arr, len(values), ctypes.byref(options))
    points = ctypes.cast(ga.contents.data, ctypes.POINTER(ChangePoint))
    out = [(points[i].index, points[i].change) for i in range(ga.contents.len)]
    glib.g_array_unref(ga)
    return out


def history_cv(path):
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    rows = db.execute("SELECT r.commit_id, r.configuration, m.value FROM bn_runs r JOIN bn_metrics m "
                      "ON m.run_id = r.id AND m.name = 'decode_tokens_per_second'").fetchall()
    groups = {}
    for commit, config, value in rows:
        groups.setdefault((commit, config), []).append(value)
    cvs = [statistics.stdev(v) / statistics.mean(v) for v in groups.values() if len(v) >= 3]
    if not cvs:
        sys.exit(f"{path}: no commit with 3 runs or more")
    return statistics.median(cvs), len(cvs)


def series(rng, a, step):
    def disturbance():
        # a run that shared the CPU with another process: 15-40% slower
        return rng.uniform(0.60, 0.85) if rng.random() < a.disturbed else 1.0
    return [100.0 * (1 + (step if c >= a.step_at else 0)) * (1 + a.cv * rng.gauss(0, 1)) * disturbance()
            for c in range(a.commits) for _ in range(a.runs)]


def fixed_rule(values, a, per_run):
    base = statistics.median(values[:a.baseline_commits * a.runs])
    fired = []
    for c in range(a.baseline_commits, a.commits):
        chunk = values[c * a.runs:(c + 1) * a.runs]
        checks = chunk if per_run else [statistics.mean(chunk)]
        if any(v < 0.9 * base for v in checks):
            fired.append(c)
    return fired


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("--builddir", default="build")
    ap.add_argument("--history", help="history database whose noise to use")
    ap.add_argument("--cv", type=float, help="noise (coefficient of variation) instead of --history")
    ap.add_argument("--trials", type=int, default=1000)
    ap.add_argument("--commits", type=int, default=8)
    ap.add_argument("--runs", type=int, default=5, help="runs per commit")
    ap.add_argument("--step-at", type=int, default=5, help="first slow commit")
    ap.add_argument("--baseline-commits", type=int, default=2)
    ap.add_argument("--max-p", type=float, default=0.001)
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--disturbed", type=float, default=0.0,
                    help="share of runs slowed 15-40%% by another process (heavy-tailed noise), e.g. 0.05")
    a = ap.parse_args()
    if a.cv is None:
        if not a.history:
            sys.exit("give --history DB (this machine's noise) or --cv")
        a.cv, n = history_cv(a.history)
        source = f"measured in {a.history}: median CV over {n} commits"
    else:
        source = "given"
    lib, glib = load_library(a.builddir)
    opt = Options(a.max_p, 3, 0.0)
    rng = random.Random(a.seed)
    step_index = a.step_at * a.runs

    print(f"noise: CV {a.cv * 100:.2f}% ({source}); {a.trials} series per row of {a.commits} commits x "
          f"{a.runs} runs, step from commit {a.step_at}; detector p <= {a.max_p}; "
          f"disturbed runs {a.disturbed * 100:.0f}%")
    print(f"{'series':<16} {'change points':>14} {'fixed 10% (mean)':>17} {'fixed 10% (run)':>16}")
    rows = [("flat", 0.0)] + [(f"step -{s}%", -s / 100) for s in (2, 5, 10, 15, 20, 30)]
    for label, step in rows:
        cp = fm = fr = 0
        for _ in range(a.trials):
            v = series(rng, a, step)
            points = find(lib, glib, v, opt)
            if step == 0:
                cp += bool(points)
                fm += bool(fixed_rule(v, a, False))
                fr += bool(fixed_rule(v, a, True))
            else:
                cp += any(abs(i - step_index) <= a.runs and ch < 0 for i, ch in points)
                fm += any(c >= a.step_at for c in fixed_rule(v, a, False))
                fr += any(c >= a.step_at for c in fixed_rule(v, a, True))
        what = "false positives" if step == 0 else "detected"
        print(f"{label:<16} {100 * cp / a.trials:>13.1f}% {100 * fm / a.trials:>16.1f}% "
              f"{100 * fr / a.trials:>15.1f}%   ({what})")


if __name__ == "__main__":
    main()
