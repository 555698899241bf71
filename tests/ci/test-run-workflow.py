#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The CI workflow run here by run-workflow.py on the tiny fixture: the
baseline job commits a baseline; the benchmark job passes without a baseline,
and on a crafted CRITICAL regression files an issue with the Markdown report
as its body, then comments on it rather than opening a second one. TAP.

Usage: test-run-workflow.py SRCDIR   (BUILDDIR: the build the jobs use)
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tap import Tap  # noqa: E402

src = os.path.abspath(sys.argv[1])
build = os.path.abspath(os.environ["BUILDDIR"])
WF = os.path.join(src, ".github", "workflows", "performance-tracking.yml")
RUNNER = os.path.join(src, "tests", "ci", "run-workflow.py")
# the tiny fixture, 6 runs of 8 tokens: the env knobs the workflow documents
SHRINK = ["--env", "BN_CI_SIZE=tiny", "--env", "BN_CI_ITERATIONS=6", "--env", "BN_CI_TOKENS=8",
          "--env", "BN_CI_TIMEOUT=300", "--link", "build=" + build]
tmp = tempfile.mkdtemp(prefix="run-workflow-")
tap = Tap()
result = tap.result


def run(work, *args):
    r = subprocess.run([sys.executable, RUNNER, WF, "--work", os.path.join(tmp, work)] + list(args),
                       capture_output=True, text=True)
    path = os.path.join(tmp, work, "record", "record.json")
    record = json.load(open(path)) if os.path.exists(path) else {}
    return r.returncode, r.stdout + r.stderr, record


def steps(record):
    return {s["name"]: s for s in record.get("steps", [])}


try:
    # the runner refuses what the workflow does not run
    status, out, _ = run("aarch64", "--job", "benchmark", "--matrix", "platform=linux-aarch64")
    result(status == 2 and "0 rows" in out, "a disabled row (linux-aarch64) is no job at all", out)
    status, out, rec = run("skip", "--job", "update-baselines", "--event", "schedule")
    result(status == 0 and rec.get("conclusion") == "skipped", "the baseline job is skipped on the schedule", out)
    status, out, rec = run("macos", "--job", "benchmark", "--input", "platform_filter=macos")
    result(status == 0 and rec.get("conclusion") == "skipped", "platform_filter=macos runs no Linux job", out)

    # the baseline job, asked for: measures and commits crossval/baselines.json to origin
    status, out, rec = run("baselines", "--job", "update-baselines", "--input", "update_baselines=true", *SHRINK)
    result(status == 0 and rec.get("conclusion") == "success", "update-baselines succeeds", out)
    origin = os.path.join(tmp, "baselines", "origin.git")
    show = subprocess.run(["git", "-C", origin, "show", "--stat", "--format=%s", "main"], capture_output=True,
                          text=True)
    result("crossval/baselines.json" in show.stdout and "baseline from performance-tracking.yml" in show.stdout,
           "the new baseline was committed and pushed", show.stdout + show.stderr)
    art = (rec.get("artifacts") or [{}])[0]
    result(art.get("retention_days") == 90 and "crossval/baselines.json" in art.get("files", []),
           "the baseline is uploaded, kept 90 days", art)

    # the benchmark job without a baseline: NO_BASELINE, green, every file uploaded, no issue
    status, out, rec = run("plain", "--job", "benchmark", "--event", "schedule", *SHRINK)
    s = steps(rec)
    result(status == 0 and rec.get("conclusion") == "success", "the benchmark job passes without a baseline", out)
    result(s["Detect regressions"]["outputs"].get("verdict") == "NO_BASELINE", "its verdict is NO_BASELINE",
           s.get("Detect regressions"))
    result(s["Open or update the regression issue"]["outcome"] == "skipped" and not rec.get("gh"),
           "no issue is filed", rec.get("gh"))
    art = rec["artifacts"][0] if rec.get("artifacts") else {}
    listed = set(art.get("files", []))
    on_disk = {os.path.relpath(os.path.join(d, f), os.path.join(tmp, "plain", "workspace"))
               for d, _, fs in os.walk(os.path.join(tmp, "plain", "workspace", "benchmark-results")) for f in fs}
    result(art.get("retention_days") == 90 and on_disk <= listed and
           {"benchmark-results/index.html", "benchmark-results/performance-report.md",
            "benchmark-results/performance-report.json", "benchmark-results/history.db", "ci/inference.json"} <= listed,
           "every benchmark-results/ file (HTML report, history) is uploaded, kept 90 days",
           "missing: %s" % sorted(on_disk - listed))

    # a crafted CRITICAL regression: the committed baseline made 10x faster than this machine
    fresh = json.loads(subprocess.run(["git", "-C", origin, "show", "main:crossval/baselines.json"],
                                      capture_output=True, text=True, check=True).stdout)
    entry = fresh["baselines"]["linux-x86_64"]["gst-bitnet"]
    samples = entry["samples"]
    entry["throughput_tokens_per_second"] *= 10
    samples["throughput_tokens_per_second"] = [x * 10 for x in samples["throughput_tokens_per_second"]]
    for key in ("latency_p50_ms", "first_token_latency_ms"):
        entry[key] /= 10
        samples[key] = [x / 10 for x in samples[key]]
    samples["decode_latency_ms"] = [x / 10 for x in samples["decode_latency_ms"]]
    crafted = os.path.join(tmp, "crafted-baselines.json")
    json.dump(fresh, open(crafted, "w"), indent=1)
    state = os.path.join(tmp, "github-state")
    critical = ["--job", "benchmark", "--event", "schedule", "--state", state,
                "--file", "crossval/baselines.json=" + crafted] + SHRINK

    status, out, rec = run("critical1", *critical)
    s = steps(rec)
    result(status == 1 and rec.get("conclusion") == "failure", "a CRITICAL regression fails the job", out)
    det = s["Detect regressions"]
    result(det["exit_status"] == 3 and det["outputs"].get("verdict") == "CRITICAL",
           "detect-performance-regression.py --fail-on-regression exits with 3, verdict CRITICAL", det)
    result(s["Upload benchmark results"]["outcome"] == "success", "the results are uploaded all the same")
    gh = rec.get("gh", [])
    print("# gh calls: " + "; ".join(" ".join(c["argv"][:2]) for c in gh))
    creates = [c for c in gh if c["argv"][:2] == ["issue", "create"]]
    result(len(creates) == 1 and creates[0]["status"] == 0 and creates[0]["gh_token_set"],
           "gh issue create was called once, with a token", gh)
    create = creates[0] if creates else {"argv": [], "body": ""}
    report = open(os.path.join(tmp, "critical1", "record", "artifacts", "performance-linux-x86_64-1",
                               "benchmark-results", "performance-report.md"), encoding="utf-8").read()
    body = create.get("body") or ""
    result("Performance regression (CRITICAL) on linux-x86_64" in create["argv"] and
           "performance-regression" in create["argv"], "the issue has its title and label", create["argv"])
    result(body.rstrip("\n").endswith(report.rstrip("\n")) and "CRITICAL" in body.split("\n")[0],
           "its body is the Markdown report, under a CRITICAL header", body[:400])
    result("🚨" in report and "CRITICAL" in report, "the report shows the CRITICAL verdict")
    print("# issue body, first lines:")
    for line in body.splitlines()[:3]:
        print("#   " + line)

    # a second run, the issue still open: a comment, no duplicate
    status, out, rec = run("critical2", *critical)
    gh = rec.get("gh", [])
    result(status == 1 and not [c for c in gh if c["argv"][:2] == ["issue", "create"]],
           "a second CRITICAL run opens no second issue", gh)
    comments = [c for c in gh if c["argv"][:2] == ["issue", "comment"]]
    result(len(comments) == 1 and comments[0]["argv"][2] == "1" and "CRITICAL" in (comments[0].get("body") or ""),
           "it comments on the open issue #1 with the new report", gh)
    github = json.load(open(os.path.join(state, "github.json")))
    result(len(github["issues"]) == 1 and len(github["issues"][0]["comments"]) == 1,
           "GitHub's state: one issue, one comment", github.get("issues"))
finally:
    if tap.failed:
        print("# scratch kept in %s" % tmp)
    else:
        shutil.rmtree(tmp, ignore_errors=True)

tap.finish()
