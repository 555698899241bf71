# The sides of scripts/compare-builds.py: a gst-bitnet build, llama-bench of
# any llama.cpp build, or any command printing run records as JSON lines
# (docs/schemas/run-records-jsonl.md). Each side yields one run per process;
# the readers refuse malformed output with the line and the command that
# printed it (docs/design/0023-foreign-sides.md).
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Sides of an interleaved comparison, and the readers of their output."""

import json
import math
import os
import selectors
import shlex
import signal
import subprocess
import time

# what one process may print before it is refused: a run is a few KiB
MAX_OUTPUT = 64 << 20
MAX_LINE = 1 << 20
MAX_RECORDS = 10000

# the members of a JSON-lines run record (the bench/run record's names,
# docs/schemas/bench-run.md) that the comparison reads, with their kind
NUMBERS = ("decode_tokens_per_second", "prefill_tokens_per_second", "first_token_latency_ms",
           "cpu_utilization_percent", "threads", "tokens_generated", "injected_slowdown")
STRINGS = ("compute_path", "backend", "executor", "model_fingerprint", "weight_format")

# --metric: name in the report, whether higher is better, whether it needs per-token latencies
METRICS = {
    "decode": ("decode_tokens_per_second", True, False),
    "p50": ("latency_p50_ms", False, True),
    "p10": ("latency_p10_ms", False, True),
    "min": ("latency_min_ms", False, True),
}
QUANTILES = {"p50": 0.5, "p10": 0.1, "min": 0.0}


class SideError(RuntimeError):
    """A side's run failed or printed something the reader refuses."""


def quantile(values, q):
    """The q quantile by linear interpolation between order statistics, as
    bn_stats_quantile() computes it (R type 7); q = 0 is the minimum."""
    s = sorted(values)
    pos = q * (len(s) - 1)
    lo = int(math.floor(pos))
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


def _reject_constant(name):
    raise ValueError("%s is not a JSON number" % name)


def _loads(text):
    # NaN and Infinity are not JSON; a deep nesting is refused, not a crash
    return json.loads(text, parse_constant=_reject_constant)


def _is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _lines(data, where):
    """The text of @data (bytes) split into (line number, line), refusing
    what is not UTF-8 text of bounded lines."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[:e.start].count(b"\n") + 1
        raise SideError("%s: line %d is not UTF-8 text" % (where, line))
    out = []
    for number, line in enumerate(text.split("\n"), 1):
        if len(line) > MAX_LINE:
            raise SideError("%s: line %d is longer than %d bytes" % (where, number, MAX_LINE))
        if line.strip():
            out.append((number, line))
    if len(out) > MAX_RECORDS:
        raise SideError("%s: more than %d lines" % (where, MAX_RECORDS))
    return out


def _object(line, number, where):
    try:
        value = _loads(line)
    except (ValueError, RecursionError) as e:
        raise SideError("%s: line %d is not JSON: %s" % (where, number, str(e)[:200]))
    if not isinstance(value, dict):
        raise SideError("%s: line %d is not a JSON object" % (where, number))
    return value


def parse_jsonl_records(data, where):
    """Run records from JSON-lines output (docs/schemas/run-records-jsonl.md).
    Returns the records that are not warm-ups; raises SideError naming the
    line of the first one refused."""
    records = []
    for number, line in _lines(data, where):
        r = _object(line, number, where)
        at = "%s: line %d" % (where, number)
        for key in NUMBERS:
            if key in r and not _is_number(r[key]):
                raise SideError("%s: %s must be a finite number" % (at, key))
        for key in STRINGS:
            if key in r and not isinstance(r[key], str):
                raise SideError("%s: %s must be a string" % (at, key))
        if "warmup" in r and not isinstance(r["warmup"], bool):
            raise SideError("%s: warmup must be true or false" % at)
        if r.get("mock") is not False and "mock" in r:
            raise SideError("%s: a mock record (mock: %s) measures nothing" % (at, json.dumps(r["mock"])[:40]))
        path = r.get("compute_path")
        if path is None:
            raise SideError("%s: no compute_path: a record says \"compute_path\": \"real\" when real inference ran"
                            % at)
        if path != "real":
            raise SideError("%s: compute_path is %s, not real: only real inference is compared"
                            % (at, json.dumps(path)[:60]))
        lat = r.get("decode_latency_ms")
        if lat is not None:
            if not isinstance(lat, list) or not lat or not all(_is_number(x) and x > 0 for x in lat):
                raise SideError("%s: decode_latency_ms must be a non-empty array of positive numbers" % at)
        tps = r.get("decode_tokens_per_second")
        if tps is not None and not tps > 0:
            raise SideError("%s: decode_tokens_per_second must be positive" % at)
        if tps is None and lat is None:
            raise SideError("%s: neither decode_tokens_per_second nor decode_latency_ms: nothing to compare" % at)
        if r.get("warmup"):
            continue
        run = {k: r[k] for k in NUMBERS + STRINGS if k in r}
        run["decode_tokens_per_second"] = tps if tps is not None else 1000.0 * len(lat) / sum(lat)
        if lat is not None:
            run["decode_latency_ms"] = [float(x) for x in lat]
        run["line"] = number
        records.append(run)
    if not records:
        raise SideError("%s: no run record (one JSON object per line on standard output; warm-ups do not count)"
                        % where)
    return records


def _median(values):
    return quantile(values, 0.5)


def parse_llama_bench(data, where):
    """The generation test of llama-bench output (-o json: an array of
    results; -o jsonl: one result per line), as one run record: decode tok/s
    is the median of its repetitions' samples_ts, and decode_latency_ms holds
    each repetition's mean time per token (samples_ns / n_gen)."""
    items = _lines(data, where)
    if items and items[0][1].lstrip().startswith("["):
        try:
            value = _loads(data.decode("utf-8"))
        except (ValueError, RecursionError) as e:
            raise SideError("%s: not llama-bench JSON: %s" % (where, str(e)[:200]))
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise SideError("%s: llama-bench -o json prints an array of objects" % where)
        results = [("result %d" % (i + 1), v) for i, v in enumerate(value)]
    else:
        results = [("line %d" % number, _object(line, number, where)) for number, line in items]
    gen = []
    for at, r in results:
        at = "%s: %s" % (where, at)
        for key in ("n_prompt", "n_gen"):
            if not (isinstance(r.get(key), int) and not isinstance(r.get(key), bool) and r[key] >= 0):
                raise SideError("%s: %s must be a whole number (is this llama-bench output?)" % (at, key))
        ns = r.get("samples_ns", [r.get("avg_ns")] if "avg_ns" in r else None)
        if not isinstance(ns, list) or not ns or not all(_is_number(x) and x > 0 for x in ns):
            raise SideError("%s: samples_ns (or avg_ns) must hold positive numbers" % at)
        if r["n_gen"] > 0 and r["n_prompt"] == 0:
            gen.append((at, r, ns))
    if not gen:
        raise SideError("%s: no generation test (n_prompt 0, n_gen > 0): give llama-bench -p 0 -n N" % where)
    if len(gen) > 1:
        raise SideError("%s: %d generation tests (%s): one configuration per side"
                        % (where, len(gen), ", ".join(a.split(": ")[-1] for a, _, _ in gen)))
    at, r, ns = gen[0]
    per_token = [x / r["n_gen"] / 1e6 for x in ns]
    run = {"compute_path": "real", "backend": "llama.cpp", "executor": "llama-bench",
           "decode_tokens_per_second": _median([1000.0 / x for x in per_token]),
           "decode_latency_ms": per_token, "latency_granularity": "repetition",
           "tokens_generated": r["n_gen"], "repetitions": len(ns)}
    if _is_number(r.get("n_threads")):
        run["threads"] = r["n_threads"]
    if isinstance(r.get("build_commit"), str):
        run["build_commit"] = r["build_commit"][:64]
    return [run]


def figure(run, metric):
    """One run's figure for --metric."""
    if metric == "decode":
        return float(run["decode_tokens_per_second"])
    lat = run.get("decode_latency_ms") or []
    if not lat:
        raise SideError("a run has no per-token latencies (--metric %s needs decode_latency_ms; with a "
                        "gst-bitnet build, --tokens 2 or more)" % metric)
    return quantile(lat, QUANTILES[metric])


def side_figure(runs, metric):
    """The figure of one process of a side: its run's, or the median over the
    runs it printed."""
    return _median([figure(r, metric) for r in runs])


class Side:
    """One side: how to run it once and read what it printed."""

    def __init__(self, spec):
        self.spec = spec
        if spec.startswith("llama-bench:") or spec.startswith("jsonl:"):
            self.kind, _, rest = spec.partition(":")
            try:
                self.argv = shlex.split(rest)
            except ValueError as e:
                raise ValueError("%s: %s" % (spec, e))
            if not self.argv:
                raise ValueError("%s: no command after %s:" % (spec, self.kind))
            if self.kind == "llama-bench" and not any(a in ("-o", "--output") for a in self.argv):
                self.argv += ["-o", "jsonl"]
            self.path = self.argv[0]
        else:
            self.kind = "build"
            launch = os.path.join(spec, "gst-bitnet", "tools", "bn-launch")
            if not os.access(launch, os.X_OK):
                raise ValueError("%s is not a gst-bitnet build directory (no gst-bitnet/tools/bn-launch), nor "
                                 "llama-bench:COMMAND or jsonl:COMMAND" % spec)
            self.path = os.path.abspath(spec)

    def describe(self):
        return self.path if self.kind == "build" else "%s:%s" % (self.kind, shlex.join(self.argv))

    def run_command(self, env, timeout):
        """Runs the side's command once; returns its standard output (bytes),
        at most MAX_OUTPUT of it: a command that prints more is killed."""
        where = self.describe()
        try:
            p = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, env=env, start_new_session=True)
        except OSError as e:
            raise SideError("%s: cannot run: %s" % (where, e.strerror))
        chunks = {p.stdout: [], p.stderr: []}
        size = {p.stdout: 0, p.stderr: 0}
        deadline = time.monotonic() + timeout
        why = None
        with selectors.DefaultSelector() as sel:
            for f in chunks:
                sel.register(f, selectors.EVENT_READ)
            while sel.get_map() and why is None:
                left = deadline - time.monotonic()
                if left <= 0:
                    why = "no result after %g s (--run-timeout)" % timeout
                    break
                for key, _ in sel.select(left):
                    data = os.read(key.fd, 65536)
                    if not data:
                        sel.unregister(key.fileobj)
                        continue
                    size[key.fileobj] += len(data)
                    if size[key.fileobj] > MAX_OUTPUT:
                        why = "printed more than %d bytes" % MAX_OUTPUT
                        break
                    chunks[key.fileobj].append(data)
        if why:
            os.killpg(p.pid, signal.SIGKILL)
        p.wait()
        p.stdout.close()
        p.stderr.close()
        if why:
            raise SideError("%s: %s" % (where, why))
        if p.returncode != 0:
            err = b"".join(chunks[p.stderr]).decode("utf-8", "replace").strip()[-400:]
            raise SideError("%s failed (exit %d): %s" % (where, p.returncode, err))
        return b"".join(chunks[p.stdout])

    def read(self, out):
        if self.kind == "llama-bench":
            return parse_llama_bench(out, self.describe())
        return parse_jsonl_records(out, self.describe())
