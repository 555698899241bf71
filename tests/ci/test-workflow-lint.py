#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The CI workflow's lint (yamllint), its schema check (check-workflow.py,
itself tested against broken workflows) and the seed's requirements. TAP.

Usage: test-workflow-lint.py SRCDIR
"""
import copy
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tap import Tap  # noqa: E402

src = os.path.abspath(sys.argv[1])
WF = os.path.join(src, ".github", "workflows", "performance-tracking.yml")
CHECK = os.path.join(src, "tests", "ci", "check-workflow.py")
text = open(WF, encoding="utf-8").read()
doc = yaml.safe_load(text)
tap = Tap()
result = tap.result


def check(workflow_doc):
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "wf.yml")
        with open(path, "w", encoding="utf-8") as f:
            yaml.safe_dump(workflow_doc, f, sort_keys=False)
        r = subprocess.run([sys.executable, CHECK, "--srcdir", src, path], capture_output=True, text=True)
        return r.returncode, r.stdout + r.stderr


def step(d, job, name):
    return [s for s in d["jobs"][job]["steps"] if s.get("name") == name][0]


# 1. yamllint, with the repository's .yamllint
if shutil.which("yamllint"):
    r = subprocess.run(["yamllint", "-c", os.path.join(src, ".yamllint"), "--strict", WF],
                       capture_output=True, text=True)
    result(r.returncode == 0, "yamllint: the workflow is clean", r.stdout + r.stderr)
    with tempfile.TemporaryDirectory() as d:
        bad = os.path.join(d, "bad.yml")
        with open(bad, "w") as f:
            f.write(text.replace("jobs:\n", "jobs:\n  platforms: {}\n", 1))  # a duplicate key
        r = subprocess.run(["yamllint", "-c", os.path.join(src, ".yamllint"), bad], capture_output=True, text=True)
        result(r.returncode != 0 and "duplication of key" in r.stdout, "yamllint rejects a duplicate job key",
               r.stdout)
else:
    for what in ("the workflow is clean", "rejects a duplicate job key"):
        tap.skip("yamllint: " + what, "yamllint is not installed (build-aux/install-deps.sh)")

# 2. the schema check passes the workflow
status, out = check(doc)
result(status == 0, "check-workflow.py passes performance-tracking.yml", out)


# 3. ... and fails each broken one, naming the problem
def broken(name, mutate, expect):
    d = copy.deepcopy(doc)
    mutate(d)
    status, out = check(d)
    result(status == 1 and expect in out, "check-workflow.py finds %s" % name, "status %d: %s" % (status, out))


broken("a step with both run and uses",
       lambda d: step(d, "benchmark", "Validate receipts").update(uses="actions/checkout@v4"),
       "needs exactly one of run and uses")
broken("a step with neither run nor uses",
       lambda d: step(d, "benchmark", "Validate receipts").pop("run"), "needs exactly one of run and uses")
broken("a step without a name", lambda d: step(d, "benchmark", "Validate receipts").pop("name"), "no name")
broken("needs naming no job", lambda d: d["jobs"]["benchmark"].update(needs=["platforms", "nosuch"]),
       "no job 'nosuch'")
broken("an input used but not declared",
       lambda d: d["jobs"]["benchmark"].update({"if": "${{ inputs.platform_filtr != 'macos' }}"}),
       "input 'platform_filtr' is not declared")
broken("a script that does not exist",
       lambda d: step(d, "benchmark", "Validate receipts").update(run="./scripts/validate-receipts.sh ci/inference.json"),
       "scripts/validate-receipts.sh does not exist")
broken("a flag the script's --help does not list",
       lambda d: step(d, "benchmark", "Detect regressions").update(
           run="python3 scripts/detect-performance-regression.py r.json \\\n  --fail-on-regresion"),
       "--fail-on-regresion is not an option its --help lists")
broken("a step id used before it exists",
       lambda d: step(d, "benchmark", "Validate receipts").update({"if": "steps.detect.outputs.verdict == ''"}),
       "no earlier step with id 'detect'")
broken("a matrix key that does not exist",
       lambda d: d["jobs"]["benchmark"].update({"runs-on": "${{ matrix.os }}"}), "matrix has no key 'os'")
broken("a cron line that is not cron", lambda d: d[True]["schedule"][0].update(cron="0 4 * *"),
       "is not 5 cron fields")
broken("a choice whose default is not an option",
       lambda d: d[True]["workflow_dispatch"]["inputs"]["platform_filter"].update(default="windows"),
       "default 'windows' is not one of the options")
broken("an action not pinned to a version",
       lambda d: step(d, "benchmark", "Check out").update(uses="actions/checkout"), "is not pinned")

# 4. the seed's requirements
on = doc[True]
result(on.get("schedule") == [{"cron": "0 4 * * *"}], "daily at 04:00 UTC", on.get("schedule"))
inputs = on["workflow_dispatch"]["inputs"]
result(inputs["update_baselines"]["type"] == "boolean", "update_baselines is a boolean input", inputs)
result(inputs["platform_filter"]["type"] == "choice" and inputs["platform_filter"]["options"] == ["all", "linux", "macos"],
       "platform_filter chooses among all, linux, macos", inputs)
critical = {"kernels/**", "gst-bitnet/**", "elements/**", "pipelines/**", "scripts/**"}
result(all(critical <= set(on[e]["paths"]) for e in ("push", "pull_request")),
       "push and pull_request trigger on the critical paths", {e: on[e] for e in ("push", "pull_request")})
strict = {"BITNET_STRICT_MODE": "1", "BITNET_CI_ENHANCED_STRICT": "1", "BITNET_DETERMINISTIC": "1", "BITNET_SEED": "42",
          "CI": "1"}
result(all(doc["env"].get(k) == v for k, v in strict.items()), "strict mode is on for every job", doc["env"])
bench = doc["jobs"]["benchmark"]
runs = "\n".join(s.get("run", "") for s in bench["steps"])
for call in ("./scripts/setup-perf-env.sh", "./scripts/run-performance-benchmarks.sh",
             "scripts/validate-performance-receipts.py ci/inference.json", "scripts/detect-performance-regression.py",
             "--fail-on-regression", "history-sink", "pipelines/trends.bnp", "gh issue create", "gh issue comment"):
    result(call in runs, "the benchmark job runs %s" % call)
uploads = [s for s in bench["steps"] if str(s.get("uses", "")).startswith("actions/upload-artifact@")]
result(len(uploads) == 1 and uploads[0]["with"]["retention-days"] == 90
       and "benchmark-results/" in uploads[0]["with"]["path"] and uploads[0].get("if") == "${{ always() }}",
       "every benchmark-results/ file is uploaded, always, kept 90 days", uploads)
issue = step(doc, "benchmark", "Open or update the regression issue")
result("failure()" in issue["if"] and "CRITICAL" in issue["if"], "the issue is filed on CRITICAL only", issue["if"])
matrix = bench["strategy"]["matrix"]
result([r["platform"] for r in matrix["include"]] == ["linux-x86_64"], "linux-x86_64 is the one enabled row", matrix)
for platform in ("linux-aarch64", "macos-x86_64", "macos-aarch64"):
    result({"platform": platform} in matrix["exclude"] and
           re.search(r"# DISABLED: [^\n]*%s" % platform, text) is not None and
           platform not in [r["platform"] for r in matrix["include"]],
           "%s is a disabled row, with a comment saying why, and no include bringing it back" % platform)
docs = open(os.path.join(src, "docs", "ci.md"), encoding="utf-8").read()
for platform in ("linux-aarch64", "macos-x86_64", "macos-aarch64"):
    result(re.search(r"^\|[^\n]*%s[^\n]*\|[^\n]*DISABLED" % platform, docs, re.M) is not None,
           "docs/ci.md's table says why %s is disabled" % platform)
upd = doc["jobs"]["update-baselines"]
result("inputs.update_baselines" in upd["if"] and "git add crossval/baselines.json" in
       "\n".join(s.get("run", "") for s in upd["steps"]) and upd["permissions"]["contents"] == "write",
       "update-baselines commits crossval/baselines.json when asked", upd["if"])

tap.finish()
