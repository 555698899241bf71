#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Schema check of GitHub Actions workflows, for what yamllint cannot see.

Usage: check-workflow.py [--srcdir DIR] WORKFLOW...

Checks, and names the place of every problem found:
  - the top level has name, on and jobs; schedules are 5-field cron lines;
    workflow_dispatch inputs have a description and a known type, a choice
    has options and its default is one of them;
  - every job has runs-on and a list of steps; every step has a name and
    exactly one of run and uses, only known keys, a pinned action (@version),
    and a unique id; needs name existing jobs;
  - expressions (${{ ... }}) use declared inputs, the job's matrix keys, ids
    of earlier steps and the jobs in needs;
  - every scripts/NAME a run step invokes exists under DIR (default: the
    checkout holding the workflow), and every --flag passed to it is one that
    its --help lists.
Exit status: 0 no problem; 1 problems (one line each); 2 usage or unreadable file.
"""
import os
import re
import shlex
import subprocess
import sys

import yaml

INPUT_TYPES = {"boolean", "choice", "string", "number", "environment"}
STEP_KEYS = {"name", "id", "if", "run", "uses", "with", "env", "shell", "working-directory",
             "continue-on-error", "timeout-minutes"}
JOB_KEYS = {"name", "needs", "if", "runs-on", "container", "services", "timeout-minutes", "permissions",
            "strategy", "steps", "env", "defaults", "outputs", "concurrency", "environment",
            "continue-on-error", "uses", "with", "secrets"}
EXPR = re.compile(r"\$\{\{(.*?)\}\}", re.S)
CRON_FIELD = re.compile(r"^(\*|\d+(-\d+)?)(/\d+)?(,(\*|\d+(-\d+)?)(/\d+)?)*$")


def triggers(doc):
    # YAML 1.1 reads the key `on` as true
    return doc.get("on", doc.get(True))


def walk_strings(node, path):
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, dict):
        for k, v in node.items():
            yield from walk_strings(v, "%s.%s" % (path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from walk_strings(v, "%s[%d]" % (path, i))


def matrix_keys(job):
    matrix = (job.get("strategy") or {}).get("matrix")
    if not isinstance(matrix, dict):
        return None  # no matrix, or one computed by an expression
    keys = {k for k in matrix if k not in ("include", "exclude")}
    for row in matrix.get("include") or []:
        if isinstance(row, dict):
            keys |= set(row)
    return keys


class Checker:
    def __init__(self, path, srcdir):
        self.path = path
        self.srcdir = srcdir
        self.problems = []
        self.help_cache = {}

    def bad(self, where, msg):
        self.problems.append("%s: %s: %s" % (self.path, where, msg))

    def check(self, doc):
        if not isinstance(doc, dict):
            self.bad("top", "not a mapping")
            return
        for key in ("name", "jobs"):
            if key not in doc:
                self.bad("top", "no %s" % key)
        on = triggers(doc)
        if on is None:
            self.bad("top", "no on (triggers)")
        inputs = self.check_triggers(on)
        jobs = doc.get("jobs")
        if not isinstance(jobs, dict) or not jobs:
            self.bad("jobs", "not a mapping of jobs")
            return
        for where, text in walk_strings({k: v for k, v in doc.items() if k != "jobs"}, "top"):
            self.check_expressions(where, text, inputs, None, set(), set())
        for name, job in jobs.items():
            self.check_job(name, job, jobs, inputs)

    def check_triggers(self, on):
        inputs = set()
        if isinstance(on, (str, list)):
            return inputs
        if not isinstance(on, dict):
            self.bad("on", "neither an event, a list nor a mapping")
            return inputs
        for i, entry in enumerate(on.get("schedule") or []):
            cron = (entry or {}).get("cron", "") if isinstance(entry, dict) else ""
            fields = str(cron).split()
            if len(fields) != 5 or not all(CRON_FIELD.match(f) for f in fields):
                self.bad("on.schedule[%d]" % i, "cron %r is not 5 cron fields" % cron)
        dispatch = on.get("workflow_dispatch") or {}
        for name, spec in (dispatch.get("inputs") or {}).items():
            where = "on.workflow_dispatch.inputs.%s" % name
            inputs.add(name)
            if not isinstance(spec, dict):
                self.bad(where, "not a mapping")
                continue
            if not spec.get("description"):
                self.bad(where, "no description")
            kind = spec.get("type", "string")
            if kind not in INPUT_TYPES:
                self.bad(where, "unknown type %r" % kind)
            if kind == "choice":
                options = spec.get("options")
                if not isinstance(options, list) or not options:
                    self.bad(where, "a choice without options")
                elif "default" in spec and spec["default"] not in options:
                    self.bad(where, "default %r is not one of the options" % spec["default"])
            if kind == "boolean" and "default" in spec and not isinstance(spec["default"], bool):
                self.bad(where, "boolean default %r is not true or false" % spec["default"])
        return inputs

    def check_job(self, name, job, jobs, inputs):
        where = "jobs.%s" % name
        if not isinstance(job, dict):
            self.bad(where, "not a mapping")
            return
        for key in job:
            if key not in JOB_KEYS:
                self.bad(where, "unknown key %r" % key)
        needs = job.get("needs", [])
        needs = [needs] if isinstance(needs, str) else needs
        for n in needs:
            if n not in jobs:
                self.bad(where + ".needs", "no job %r" % n)
            elif n == name:
                self.bad(where + ".needs", "a job cannot need itself")
        if "uses" in job:
            return  # a reusable workflow call has no steps
        if "runs-on" not in job:
            self.bad(where, "no runs-on")
        steps = job.get("steps")
        if not isinstance(steps, list) or not steps:
            self.bad(where, "no steps")
            return
        mkeys = matrix_keys(job)
        for w, text in walk_strings({k: v for k, v in job.items() if k != "steps"}, where):
            self.check_expressions(w, text, inputs, mkeys, set(needs), set())
        ids = set()
        for i, step in enumerate(steps):
            swhere = "%s.steps[%d]" % (where, i)
            if not isinstance(step, dict):
                self.bad(swhere, "not a mapping")
                continue
            if step.get("name"):
                swhere += " (%s)" % step["name"]
            else:
                self.bad(swhere, "no name")
            for key in step:
                if key not in STEP_KEYS:
                    self.bad(swhere, "unknown key %r" % key)
            if ("run" in step) == ("uses" in step):
                self.bad(swhere, "needs exactly one of run and uses")
            if "uses" in step and "@" not in str(step["uses"]) and not str(step["uses"]).startswith("./"):
                self.bad(swhere, "action %r is not pinned to a version (@...)" % step["uses"])
            if "with" in step and "uses" not in step:
                self.bad(swhere, "with: belongs to a uses step")
            for w, text in walk_strings(step, swhere):
                self.check_expressions(w, text, inputs, mkeys, set(needs), ids)
            if "run" in step:
                self.check_scripts(swhere, str(step["run"]))
            if "id" in step:
                if step["id"] in ids:
                    self.bad(swhere, "id %r used twice" % step["id"])
                ids.add(step["id"])

    def check_expressions(self, where, text, inputs, mkeys, needs, step_ids):
        bodies = EXPR.findall(text)
        if where.endswith(".if") and not bodies:
            bodies = [text]  # if: takes a bare expression
        for body in bodies:
            stripped = re.sub(r"'(?:[^']|'')*'", "''", body)  # no names inside string literals
            for m in re.finditer(r"(?<![\w.])(?:github\.event\.)?inputs\.([A-Za-z_][\w-]*)", stripped):
                if m.group(1) not in inputs:
                    self.bad(where, "input %r is not declared under workflow_dispatch.inputs" % m.group(1))
            for m in re.finditer(r"(?<![\w.])matrix\.([A-Za-z_][\w-]*)", stripped):
                if mkeys is None and not where.startswith("jobs."):
                    self.bad(where, "matrix outside a job")
                elif mkeys is not None and m.group(1) not in mkeys:
                    self.bad(where, "matrix has no key %r" % m.group(1))
                elif mkeys is None and "strategy" not in where:
                    self.bad(where, "matrix.%s in a job without a matrix" % m.group(1))
            for m in re.finditer(r"(?<![\w.])steps\.([A-Za-z_][\w-]*)", stripped):
                if m.group(1) not in step_ids:
                    self.bad(where, "no earlier step with id %r" % m.group(1))
            for m in re.finditer(r"(?<![\w.])needs\.([A-Za-z_][\w-]*)", stripped):
                if m.group(1) not in needs:
                    self.bad(where, "job %r is not in needs" % m.group(1))

    def script_help(self, script):
        if script not in self.help_cache:
            path = os.path.join(self.srcdir, "scripts", script)
            cmd = [sys.executable, path, "--help"] if script.endswith(".py") else ["sh", path, "--help"]
            try:
                out = subprocess.run(cmd, capture_output=True, text=True, timeout=60, cwd=self.srcdir)
                text = out.stdout if out.returncode == 0 else None
            except (OSError, subprocess.TimeoutExpired):
                text = None
            self.help_cache[script] = text
        return self.help_cache[script]

    def check_scripts(self, where, run):
        # one logical command per line once continuations are joined
        joined = re.sub(r"\\\n", " ", run)
        for line in joined.splitlines():
            for m in re.finditer(r"(?:^|[\s/;&|(])(?:\./)?scripts/([\w.+-]+)", line):
                script = m.group(1)
                path = os.path.join(self.srcdir, "scripts", script)
                if not os.path.isfile(path):
                    self.bad(where, "scripts/%s does not exist" % script)
                    continue
                rest = re.split(r"[|;&>]", line[m.end():], maxsplit=1)[0]
                try:
                    words = shlex.split(rest)
                except ValueError:
                    words = rest.split()
                flags = [w.split("=", 1)[0] for w in words if w.startswith("--")]
                if not flags:
                    continue
                text = self.script_help(script)
                if text is None:
                    self.bad(where, "scripts/%s --help failed: cannot check its flags" % script)
                    continue
                known = set(re.findall(r"--[a-z][a-z0-9-]*", text))
                for flag in flags:
                    if flag not in known:
                        self.bad(where, "scripts/%s: %s is not an option its --help lists" % (script, flag))


def main(argv):
    args = argv[1:]
    srcdir = None
    if args[:1] == ["--srcdir"] and len(args) > 1:
        srcdir, args = args[1], args[2:]
    if not args or args[0] in ("-h", "--help"):
        print(__doc__)
        return 0 if args else 2
    status = 0
    for path in args:
        root = srcdir or os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(path))))
        try:
            with open(path, encoding="utf-8") as f:
                doc = yaml.safe_load(f)
        except (OSError, yaml.YAMLError) as e:
            print("%s: %s" % (path, e), file=sys.stderr)
            return 2
        checker = Checker(path, root)
        checker.check(doc)
        for p in checker.problems:
            print(p)
        if checker.problems:
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
