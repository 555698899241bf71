#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Runs one job of a GitHub Actions workflow here, step by step, and records it.

Usage: run-workflow.py WORKFLOW --job JOB --work DIR [OPTION]...

The job's run: steps execute in order, as on a runner: bash -eo pipefail in
the job's workspace, with the workflow's, job's and step's env (expressions
evaluated), GITHUB_OUTPUT / GITHUB_ENV / GITHUB_STEP_SUMMARY files, and
if: conditions (success(), failure(), always(), steps.ID.outputs...).
Only what GitHub hosts is stood in for:
  actions/checkout        a clone of a snapshot of the source tree (tracked and
                          untracked-but-not-ignored files, plus --file overlays),
                          committed to a local bare repository that is origin;
  actions/upload-artifact files matched by path: copied to DIR/record/artifacts/NAME,
                          name, paths and retention-days recorded;
  actions/cache           recorded, restores nothing (a cold cache);
  gh                      a stand-in on PATH that records every call (with the
                          body of --body-file) and keeps issues and labels in
                          DIR/state/github.json, so that a later run sees the
                          issues an earlier one opened (use the same --state);
  other uses: steps       recorded as skipped.
DIR/record/record.json holds the job's record: every step (outcome, exit status,
log file), the gh calls, the artifacts, the job's conclusion.

Options:
  --job JOB               the job to run
  --work DIR              scratch directory (workspace, record, origin)
  --matrix KEY=VALUE      picks the matrix row (repeat); a row the matrix excludes is refused
  --event NAME            github.event_name (default workflow_dispatch)
  --input NAME=VALUE      a workflow_dispatch input (default: the input's default)
  --env NAME=VALUE        overrides a workflow-level env value (e.g. BN_CI_SIZE=tiny)
  --file PATH=SOURCE      puts SOURCE at PATH in the checked-out commit
  --link PATH=TARGET      a symbolic link PATH -> TARGET in the workspace after checkout
                          (e.g. build=/path/to/an/existing/build: no rebuild)
  --state DIR             GitHub's state for the gh stand-in (default DIR/state)
  --source DIR            the source tree (default: the checkout holding WORKFLOW)
Exit status: 0 the job succeeded (or was skipped by its if:); 1 it failed;
2 usage error or a workflow this runner cannot run.
"""
import argparse
import fnmatch
import glob
import itertools
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time

import yaml

# ---------------------------------------------------------------- expressions


class ExprError(Exception):
    pass


TOKEN = re.compile(r"\s*(?:(?P<num>\d+(?:\.\d+)?)|(?P<str>'(?:[^']|'')*')|(?P<op>==|!=|<=|>=|&&|\|\||[!<>().,\[\]*])"
                   r"|(?P<name>[A-Za-z_][\w-]*))")


def tokenize(text):
    pos, out = 0, []
    text = text.strip()
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ExprError("cannot read %r at %d" % (text, pos))
        pos = m.end()
        kind = m.lastgroup
        out.append((kind, m.group(kind)))
    return out


def truthy(v):
    return not (v is None or v is False or v == "" or v == 0)


def to_str(v):
    if v is None:
        return ""
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, (dict, list)):
        return json.dumps(v)
    return str(v)


def loose_eq(a, b):
    # GitHub compares case-insensitively for strings, numerically otherwise
    if isinstance(a, str) and isinstance(b, str):
        return a.lower() == b.lower()
    def num(v):
        if v is None:
            return 0
        if isinstance(v, bool):
            return int(v)
        if isinstance(v, (int, float)):
            return v
        try:
            return float(v) if v.strip() else 0
        except (ValueError, AttributeError):
            return float("nan")
    if type(a) is type(b):
        return a == b
    return num(a) == num(b)


class Parser:
    def __init__(self, text, ctx, funcs):
        self.toks = tokenize(text)
        self.i = 0
        self.ctx = ctx
        self.funcs = funcs

    def peek(self):
        return self.toks[self.i][1] if self.i < len(self.toks) else None

    def take(self, want=None):
        if self.i >= len(self.toks):
            raise ExprError("unexpected end")
        tok = self.toks[self.i]
        if want is not None and tok[1] != want:
            raise ExprError("expected %r, got %r" % (want, tok[1]))
        self.i += 1
        return tok

    def parse(self):
        v = self.or_()
        if self.i != len(self.toks):
            raise ExprError("trailing %r" % (self.peek(),))
        return v

    def or_(self):
        v = self.and_()
        while self.peek() == "||":
            self.take()
            w = self.and_()
            v = v if truthy(v) else w
        return v

    def and_(self):
        v = self.cmp()
        while self.peek() == "&&":
            self.take()
            w = self.cmp()
            v = w if truthy(v) else v
        return v

    def cmp(self):
        v = self.unary()
        while self.peek() in ("==", "!="):
            op = self.take()[1]
            w = self.unary()
            v = loose_eq(v, w) if op == "==" else not loose_eq(v, w)
        return v

    def unary(self):
        if self.peek() == "!":
            self.take()
            return not truthy(self.unary())
        return self.primary()

    def primary(self):
        kind, text = self.take()
        if kind == "num":
            v = float(text)
        elif kind == "str":
            v = text[1:-1].replace("''", "'")
        elif text == "(":
            v = self.or_()
            self.take(")")
        elif kind == "name" and text in ("true", "false", "null"):
            v = {"true": True, "false": False, "null": None}[text]
        elif kind == "name" and self.peek() == "(":
            self.take("(")
            args = []
            while self.peek() != ")":
                args.append(self.or_())
                if self.peek() == ",":
                    self.take()
            self.take(")")
            if text not in self.funcs:
                raise ExprError("function %s() is not supported here" % text)
            v = self.funcs[text](*args)
        elif kind == "name":
            v = self.ctx.get(text)
        else:
            raise ExprError("unexpected %r" % text)
        while self.peek() in (".", "["):
            if self.take()[1] == ".":
                key = self.take()[1]
            else:
                key = self.or_()
                self.take("]")
            v = v.get(to_str(key)) if isinstance(v, dict) else None
        return v


def evaluate(text, ctx, funcs):
    return Parser(text, ctx, funcs).parse()


def interpolate(value, ctx, funcs):
    """${{ }} in a string; a string that is one whole expression keeps its type."""
    if not isinstance(value, str):
        return value
    whole = re.fullmatch(r"\s*\$\{\{((?:(?!\}\}).)*)\}\}\s*", value, re.S)
    if whole:
        return evaluate(whole.group(1), ctx, funcs)
    return re.sub(r"\$\{\{(.*?)\}\}", lambda m: to_str(evaluate(m.group(1), ctx, funcs)), value, flags=re.S)


# ---------------------------------------------------------------- matrix


def matrix_rows(strategy):
    """GitHub's expansion: product of the axes, minus exclude, then include."""
    matrix = (strategy or {}).get("matrix")
    if not matrix:
        return [{}]
    if not isinstance(matrix, dict):
        raise ExprError("a matrix computed by an expression cannot be expanded here")
    axes = {k: v for k, v in matrix.items() if k not in ("include", "exclude")}
    rows = [dict(zip(axes, combo)) for combo in itertools.product(*axes.values())] if axes else []
    for ex in matrix.get("exclude") or []:
        rows = [r for r in rows if not all(r.get(k) == v for k, v in ex.items())]
    originals = [dict(r) for r in rows]
    for inc in matrix.get("include") or []:
        added = False
        for r, orig in zip(rows, originals):
            # added where it overwrites none of the combination's original values
            if all(orig[k] == v for k, v in inc.items() if k in orig):
                r.update(inc)
                added = True
        if not added:
            rows.append(dict(inc))
            originals.append(dict(inc))
    return rows


# ---------------------------------------------------------------- gh stand-in

GH_STANDIN = r'''#!/usr/bin/env python3
"""Stand-in for the GitHub CLI (gh): records each call, keeps issues in a file."""
import json, os, subprocess, sys, time
state_file = os.environ["BN_GH_STATE"]
log = os.environ["BN_GH_LOG"]
args = sys.argv[1:]
state = json.load(open(state_file)) if os.path.exists(state_file) else {"issues": [], "labels": {}}
call = {"argv": args, "gh_token_set": bool(os.environ.get("GH_TOKEN")), "repo": os.environ.get("GH_REPO"),
        "cwd": os.getcwd(), "time": time.time()}

def opt(name, default=None):
    for i, a in enumerate(args):
        if a == name and i + 1 < len(args):
            return args[i + 1]
        if a.startswith(name + "="):
            return a.split("=", 1)[1]
    return default

def body():
    f = opt("--body-file")
    if f is not None:
        return sys.stdin.read() if f == "-" else open(f, encoding="utf-8").read()
    return opt("--body", opt("-b"))

status, out = 0, ""
cmd = args[:2]
if not call["gh_token_set"]:
    status, out = 4, "gh: not logged in (GH_TOKEN unset)\n"
elif cmd == ["label", "create"]:
    name = args[2]
    if name in state["labels"] and "--force" not in args:
        status, out = 1, "label %s already exists\n" % name
    else:
        state["labels"][name] = {"color": opt("--color"), "description": opt("--description")}
elif cmd == ["issue", "list"]:
    label, st = opt("--label"), opt("--state", "open")
    search = opt("--search", "")
    found = [i for i in state["issues"]
             if (label is None or label in i["labels"]) and (st == "all" or i["state"] == st)]
    if "in:title" in search and '"' in search:
        term = search.split('"')[1]
        found = [i for i in found if term.lower() in i["title"].lower()]
    fields = (opt("--json") or "number,title").split(",")
    data = [{k: i.get(k) for k in fields} for i in found]
    jq = opt("--jq", opt("-q"))
    if jq:
        r = subprocess.run(["jq", "-r", jq], input=json.dumps(data), capture_output=True, text=True)
        status, out = r.returncode, r.stdout
    else:
        out = json.dumps(data) + "\n"
elif cmd == ["issue", "create"]:
    labels = [v for i, v in enumerate(args) if i and args[i - 1] in ("--label", "-l")]
    missing = [l for l in labels if l not in state["labels"]]
    if missing:
        status, out = 1, "could not add label: '%s' not found\n" % missing[0]
    else:
        n = 1 + max([i["number"] for i in state["issues"]] or [0])
        issue = {"number": n, "title": opt("--title", opt("-t")), "labels": labels, "state": "open",
                 "body": body(), "comments": []}
        state["issues"].append(issue)
        call["body"] = issue["body"]
        call["number"] = n
        out = "https://github.com/%s/issues/%d\n" % (os.environ.get("GH_REPO", "OWNER/REPO"), n)
elif cmd == ["issue", "comment"]:
    n = int(args[2])
    issue = [i for i in state["issues"] if i["number"] == n]
    if not issue:
        status, out = 1, "issue %d not found\n" % n
    else:
        call["body"] = body()
        call["number"] = n
        issue[0]["comments"].append(call["body"])
        out = "https://github.com/%s/issues/%d#issuecomment-%d\n" % (os.environ.get("GH_REPO", "OWNER/REPO"), n,
                                                                    len(issue[0]["comments"]))
else:
    status, out = 1, "gh stand-in: %s is not stood in for\n" % " ".join(args)
call["status"] = status
json.dump(state, open(state_file, "w"), indent=1)
with open(log, "a", encoding="utf-8") as f:
    f.write(json.dumps(call) + "\n")
(sys.stdout if status == 0 else sys.stderr).write(out)
sys.exit(status)
'''

# ---------------------------------------------------------------- the runner


def kv(text, what):
    if "=" not in text:
        raise SystemExit("run-workflow.py: %s needs NAME=VALUE, got %r" % (what, text))
    return text.split("=", 1)


def snapshot(source, work, files):
    """A commit of the source tree in a bare repository: the job's origin."""
    tree = os.path.join(work, "snapshot")
    shutil.rmtree(tree, ignore_errors=True)
    os.makedirs(tree)
    listed = subprocess.run(["git", "-C", source, "ls-files", "-z", "-co", "--exclude-standard"],
                            capture_output=True, check=True).stdout.decode().split("\0")
    for rel in filter(None, listed):
        src = os.path.join(source, rel)
        if not os.path.lexists(src) or os.path.isdir(src) and not os.path.islink(src):
            continue  # deleted in the working tree, or a submodule
        dst = os.path.join(tree, rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copy2(src, dst, follow_symlinks=False)
    for rel, src in files:
        dst = os.path.join(tree, rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copyfile(src, dst)
    git = ["git", "-c", "user.name=run-workflow", "-c", "user.email=run-workflow@localhost", "-C", tree]
    subprocess.run(git + ["init", "-q", "-b", "main"], check=True)
    subprocess.run(git + ["add", "-A"], check=True)
    subprocess.run(git + ["commit", "-q", "-m", "snapshot for run-workflow.py"], check=True)
    origin = os.path.join(work, "origin.git")
    shutil.rmtree(origin, ignore_errors=True)
    subprocess.run(["git", "clone", "-q", "--bare", tree, origin], check=True)
    sha = subprocess.run(git + ["rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
    return origin, sha


def parse_github_file(path):
    values = {}
    if not os.path.exists(path):
        return values
    lines = open(path, encoding="utf-8").read().splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        m = re.match(r"^([^=<]+)<<(.+)$", line)
        if m:
            end, buf = m.group(2), []
            i += 1
            while i < len(lines) and lines[i] != end:
                buf.append(lines[i])
                i += 1
            values[m.group(1)] = "\n".join(buf)
        elif "=" in line:
            k, v = line.split("=", 1)
            values[k] = v
        i += 1
    return values


def main():
    ap = argparse.ArgumentParser(prog="run-workflow.py", description=__doc__.split("\n\n")[0],
                                 epilog=__doc__.split("\n\n", 1)[1],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("workflow")
    ap.add_argument("--job", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--matrix", action="append", default=[])
    ap.add_argument("--event", default="workflow_dispatch")
    ap.add_argument("--input", action="append", default=[])
    ap.add_argument("--env", action="append", default=[])
    ap.add_argument("--file", action="append", default=[])
    ap.add_argument("--link", action="append", default=[])
    ap.add_argument("--state")
    ap.add_argument("--source")
    a = ap.parse_args()

    wf_path = os.path.abspath(a.workflow)
    source = os.path.abspath(a.source or os.path.dirname(os.path.dirname(os.path.dirname(wf_path))))
    doc = yaml.safe_load(open(wf_path, encoding="utf-8"))
    on = doc.get("on", doc.get(True)) or {}
    jobs = doc.get("jobs") or {}
    if a.job not in jobs:
        print("run-workflow.py: no job %r (jobs: %s)" % (a.job, ", ".join(jobs)), file=sys.stderr)
        return 2
    job = jobs[a.job]
    work = os.path.abspath(a.work)
    record_dir = os.path.join(work, "record")
    shutil.rmtree(record_dir, ignore_errors=True)
    os.makedirs(os.path.join(record_dir, "logs"))
    state_dir = os.path.abspath(a.state or os.path.join(work, "state"))
    os.makedirs(state_dir, exist_ok=True)

    # inputs: declared ones only, typed, defaults for workflow_dispatch
    declared = ((on.get("workflow_dispatch") or {}).get("inputs") or {}) if isinstance(on, dict) else {}
    inputs = {}
    given = dict(kv(x, "--input") for x in a.input)
    for name in given:
        if name not in declared:
            print("run-workflow.py: input %r is not declared" % name, file=sys.stderr)
            return 2
    if a.event == "workflow_dispatch":
        for name, spec in declared.items():
            raw = given.get(name, spec.get("default"))
            if spec.get("type") == "boolean":
                raw = raw if isinstance(raw, bool) else str(raw).lower() == "true"
            if spec.get("type") == "choice" and raw is not None and raw not in spec.get("options", []):
                print("run-workflow.py: input %s=%s is not one of %s" % (name, raw, spec["options"]),
                      file=sys.stderr)
                return 2
            inputs[name] = raw
    elif given:
        print("run-workflow.py: --input needs --event workflow_dispatch", file=sys.stderr)
        return 2

    # the matrix row
    try:
        rows = matrix_rows(job.get("strategy"))
    except ExprError as e:
        print("run-workflow.py: %s" % e, file=sys.stderr)
        return 2
    want = dict(kv(x, "--matrix") for x in a.matrix)
    chosen = [r for r in rows if all(to_str(r.get(k)) == v for k, v in want.items())]
    if len(chosen) != 1:
        print("run-workflow.py: the matrix of %s has %d rows matching %s (rows: %s)" %
              (a.job, len(chosen), want or "{}", json.dumps(rows)), file=sys.stderr)
        return 2
    matrix = chosen[0]

    origin, sha = snapshot(source, work, [kv(x, "--file") for x in a.file])
    workspace = os.path.join(work, "workspace")
    shutil.rmtree(workspace, ignore_errors=True)
    os.makedirs(workspace)
    standins = os.path.join(work, "standins")
    os.makedirs(standins, exist_ok=True)
    gh = os.path.join(standins, "gh")
    with open(gh, "w") as f:
        f.write(GH_STANDIN)
    os.chmod(gh, 0o755)
    gh_log = os.path.join(record_dir, "gh.jsonl")
    runner_temp = os.path.join(work, "runner-temp")
    os.makedirs(runner_temp, exist_ok=True)

    event_inputs = {k: to_str(v) for k, v in inputs.items()}
    github = {"event_name": a.event, "repository": "local/gst-bitnet", "repository_owner": "local",
              "ref": "refs/heads/main", "ref_name": "main", "sha": sha, "run_id": "1", "run_number": "1",
              "run_attempt": "1", "actor": "run-workflow", "server_url": "https://github.com", "workspace": workspace,
              "workflow": doc.get("name", ""), "job": a.job, "event": {"inputs": event_inputs}}
    secrets = {"GITHUB_TOKEN": "stand-in-token"}
    ctx = {"github": github, "inputs": inputs, "matrix": matrix, "secrets": secrets, "env": {},
           "steps": {}, "needs": {}, "vars": {}, "runner": {"os": "Linux", "arch": "X64", "temp": runner_temp},
           "job": {"status": "success"}, "strategy": {"fail-fast": False}}
    status = {"failed": False}
    funcs = {
        "success": lambda: not status["failed"],
        "failure": lambda: status["failed"],
        "always": lambda: True,
        "cancelled": lambda: False,
        "contains": lambda h, n: (to_str(n).lower() in to_str(h).lower()) if not isinstance(h, list)
        else any(loose_eq(x, n) for x in h),
        "startsWith": lambda s, p: to_str(s).lower().startswith(to_str(p).lower()),
        "endsWith": lambda s, p: to_str(s).lower().endswith(to_str(p).lower()),
        "format": lambda f, *xs: re.sub(r"\{(\d+)\}", lambda m: to_str(xs[int(m.group(1))]), f),
        "fromJSON": lambda s: json.loads(s),
        "toJSON": lambda v: json.dumps(v),
    }

    record = {"workflow": os.path.relpath(wf_path, source), "job": a.job, "event": a.event, "inputs": inputs,
              "matrix": matrix, "env_overrides": dict(kv(x, "--env") for x in a.env), "files": a.file,
              "commit": sha, "steps": [], "gh": [], "artifacts": [], "caches": []}

    def save():
        with open(os.path.join(record_dir, "record.json"), "w", encoding="utf-8") as f:
            json.dump(record, f, indent=1)

    cond = job.get("if")
    if cond is not None and not truthy(interpolate(cond if "${{" in str(cond) else "${{ %s }}" % cond, ctx, funcs)):
        record["conclusion"] = "skipped"
        save()
        print("job %s skipped (if: %s)" % (a.job, cond))
        return 0

    env = {}
    for scope in (doc.get("env") or {}, job.get("env") or {}):
        for k, v in scope.items():
            env[k] = to_str(interpolate(v, dict(ctx, env=env), funcs))
    env.update(record["env_overrides"])
    run_defaults = ((doc.get("defaults") or {}).get("run") or {})
    run_defaults.update(((job.get("defaults") or {}).get("run") or {}))
    base_path = standins + os.pathsep + os.environ.get("PATH", "/usr/bin:/bin")
    summary = os.path.join(record_dir, "step-summary.md")

    for index, step in enumerate(job.get("steps") or [], 1):
        name = step.get("name") or step.get("uses") or "step %d" % index
        entry = {"index": index, "name": name, "id": step.get("id"),
                 "kind": "run" if "run" in step else "uses", "uses": step.get("uses")}
        ectx = dict(ctx, env=env)
        cond = step.get("if", "success()")
        text = str(cond)
        try:
            go = truthy(interpolate(text if "${{" in text else "${{ %s }}" % text, ectx, funcs))
        except ExprError as e:
            print("run-workflow.py: step %s: if: %s" % (name, e), file=sys.stderr)
            return 2
        if not go:
            entry["outcome"] = "skipped"
            record["steps"].append(entry)
            if step.get("id"):
                ctx["steps"][step["id"]] = {"outputs": {}, "outcome": "skipped", "conclusion": "skipped"}
            print("--- [%d] %s: skipped (if: %s)" % (index, name, cond))
            continue
        step_env = dict(env)
        for k, v in (step.get("env") or {}).items():
            step_env[k] = to_str(interpolate(v, ectx, funcs))
        outputs = {}
        start = time.time()
        log = os.path.join(record_dir, "logs", "%02d.log" % index)
        print("--- [%d] %s" % (index, name), flush=True)
        rc = 0
        if "run" in step:
            script = interpolate(str(step["run"]), dict(ectx, env=step_env), funcs)
            shell = step.get("shell") or run_defaults.get("shell") or "bash"
            if shell != "bash":
                print("run-workflow.py: shell %s is not supported" % shell, file=sys.stderr)
                return 2
            path = os.path.join(runner_temp, "step-%02d.sh" % index)
            with open(path, "w", encoding="utf-8") as f:
                f.write(script)
            files = {n: os.path.join(runner_temp, "%s-%02d" % (n.lower(), index))
                     for n in ("GITHUB_OUTPUT", "GITHUB_ENV", "GITHUB_PATH")}
            for p in files.values():
                open(p, "w").close()
            full = dict(os.environ)
            full.update(step_env)
            full.update(files)
            full.update({"GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": workspace, "GITHUB_STEP_SUMMARY": summary,
                         "GITHUB_EVENT_NAME": a.event, "GITHUB_REF": github["ref"],
                         "GITHUB_REF_NAME": github["ref_name"], "GITHUB_SHA": sha,
                         "GITHUB_REPOSITORY": github["repository"], "GITHUB_RUN_ID": github["run_id"],
                         "GITHUB_ACTOR": github["actor"], "RUNNER_TEMP": runner_temp, "RUNNER_OS": "Linux",
                         "PATH": base_path, "BN_GH_STATE": os.path.join(state_dir, "github.json"),
                         "BN_GH_LOG": gh_log})
            cwd = os.path.join(workspace, step.get("working-directory", ""))
            timeout = 60 * float(step.get("timeout-minutes") or job.get("timeout-minutes") or 360)
            with open(log, "w", encoding="utf-8") as out:
                p = subprocess.Popen(["bash", "--noprofile", "--norc", "-eo", "pipefail", path], cwd=cwd,
                                     env=full, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                     errors="replace", start_new_session=True)
                timer = threading.Timer(timeout, lambda: os.killpg(p.pid, signal.SIGKILL))
                timer.start()
                for line in p.stdout:
                    out.write(line)
                    sys.stdout.write("    " + line)
                rc = p.wait()
                expired = not timer.is_alive() and rc == -signal.SIGKILL
                timer.cancel()
                if expired:
                    out.write("run-workflow.py: the step ran past %g minutes and was killed\n" % (timeout / 60))
                    rc = 124
            outputs = parse_github_file(files["GITHUB_OUTPUT"])
            env.update(parse_github_file(files["GITHUB_ENV"]))
            added = [l for l in open(files["GITHUB_PATH"]).read().splitlines() if l]
            if added:
                base_path = os.pathsep.join(reversed(added)) + os.pathsep + base_path
            entry["exit_status"] = rc
            entry["log"] = os.path.relpath(log, record_dir)
        else:
            uses = str(step["uses"])
            action = uses.split("@")[0]
            with_ = {k: interpolate(v, ectx, funcs) for k, v in (step.get("with") or {}).items()}
            entry["with"] = with_
            if action == "actions/checkout":
                subprocess.run(["git", "clone", "-q", origin, workspace], check=True)
                for rel, target in (kv(x, "--link") for x in a.link):
                    os.symlink(os.path.abspath(target), os.path.join(workspace, rel))
                entry["emulated"] = "clone of %s (commit %s)" % (origin, sha[:12])
            elif action == "actions/upload-artifact":
                art = {"name": to_str(with_.get("name")), "path": to_str(with_.get("path")),
                       "retention_days": with_.get("retention-days"), "files": []}
                dest = os.path.join(record_dir, "artifacts", art["name"])
                for pattern in [p.strip() for p in art["path"].splitlines() if p.strip()]:
                    excluded = pattern.startswith("!")
                    for hit in glob.glob(os.path.join(workspace, pattern.lstrip("!")), recursive=True):
                        paths = [hit]
                        if os.path.isdir(hit):
                            paths = [os.path.join(d, f) for d, _, fs in os.walk(hit) for f in fs]
                        for pth in paths:
                            rel = os.path.relpath(pth, workspace)
                            if excluded:
                                art["files"] = [x for x in art["files"] if not fnmatch.fnmatch(x, rel)]
                            elif rel not in art["files"]:
                                art["files"].append(rel)
                for rel in art["files"]:
                    os.makedirs(os.path.dirname(os.path.join(dest, rel)), exist_ok=True)
                    shutil.copyfile(os.path.join(workspace, rel), os.path.join(dest, rel))
                if not art["files"] and with_.get("if-no-files-found", "warn") == "error":
                    rc = 1
                record["artifacts"].append(art)
                entry["emulated"] = "%d files copied to artifacts/%s" % (len(art["files"]), art["name"])
            elif action == "actions/cache":
                record["caches"].append({"key": with_.get("key"), "path": with_.get("path"), "restored": False})
                entry["emulated"] = "cache miss (nothing is cached locally)"
                outputs = {"cache-hit": "false"}
            else:
                entry["emulated"] = "not stood in for: skipped"
            print("    (%s)" % entry["emulated"])
            entry["exit_status"] = rc
        entry["seconds"] = round(time.time() - start, 2)
        entry["outputs"] = outputs
        failed = rc != 0
        entry["outcome"] = "failure" if failed else "success"
        if failed and truthy(interpolate(step.get("continue-on-error", False), ectx, funcs)):
            entry["conclusion"] = "success"
        else:
            entry["conclusion"] = entry["outcome"]
            status["failed"] = status["failed"] or failed
        if step.get("id"):
            ctx["steps"][step["id"]] = {"outputs": outputs, "outcome": entry["outcome"],
                                        "conclusion": entry["conclusion"]}
        record["steps"].append(entry)
        if failed:
            print("    exit status %d" % rc)
        save()

    if os.path.exists(gh_log):
        record["gh"] = [json.loads(l) for l in open(gh_log, encoding="utf-8")]
    record["conclusion"] = "failure" if status["failed"] else "success"
    save()
    print("job %s: %s (record: %s)" % (a.job, record["conclusion"], os.path.join(record_dir, "record.json")))
    return 1 if status["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
