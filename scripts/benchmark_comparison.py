#!/usr/bin/env python3
# The seed's benchmark_comparison.py: ours against llama.cpp end to end, over
# the toolkit through GObject introspection. It runs pipelines/crossval.bnp
# (the same graph `bn-launch -f pipelines/crossval.bnp` runs): one GGUF file
# through our engine and through llama.cpp's C API, interleaved, comparing
# logits, greedy tokens and speed.
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Compares gst-bitnet with llama.cpp: correctness and speed.

Correctness: per-step logits cosine, max |diff|, MSE and top-k agreement, and
the greedy tokens. Speed: decode and prefill tok/s ratios (ours / llama.cpp)
with 95% intervals, at two thread counts. The result goes to
comparison-results.json (docs/crossval.md). llama.cpp comes from
`make crossval-deps`; BITNET_GGUF names your own model (architecture `bitnet`,
TQ2_0/TQ1_0 weights), else a fixture of --size is written and used.

Exit status: 0 both agree within tolerance; 1 a tolerance was broken or a
run failed; 2 usage error; 5 llama.cpp is not installed here; 124 --timeout
expired; 130 interrupted.
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bn_toolkit  # noqa: E402


def positive(text):
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("needs a positive whole number, got %s" % text)
    return value


def main():
    p = argparse.ArgumentParser(prog="benchmark_comparison.py", description=__doc__.split("\n\n")[0],
                                epilog=__doc__.split("\n\n", 1)[1],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--size", choices=("tiny", "small", "medium", "2b"), default="2b",
                   help="fixture shape when BITNET_GGUF is unset (default 2b)")
    p.add_argument("--tokens", type=positive, default=32, help="generated tokens per run (default 32)")
    p.add_argument("--iterations", type=positive, default=3, help="timed runs per side and round (default 3)")
    p.add_argument("--prompt-tokens", type=positive, default=128, help="prompt length (default 128)")
    p.add_argument("--output", default="benchmark-results/comparison-results.json", metavar="FILE",
                   help="where the comparison goes (default benchmark-results/comparison-results.json)")
    p.add_argument("--timeout", type=float, metavar="S", help="cancel after S seconds (exit 124)")
    args = p.parse_args()
    if args.timeout is not None and args.timeout <= 0:
        p.error("--timeout needs a positive number of seconds")

    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    llama = os.environ.get("BN_LLAMA_CPP_DIR") or os.path.join(cache, "gst-bitnet", "llama.cpp", "3.22.1")
    if not os.path.exists(os.path.join(llama, "lib", "libllama.so")):
        print("benchmark_comparison.py: llama.cpp is not installed in %s: run `make crossval-deps` "
              "(or scripts/setup-perf-env.sh)" % llama, file=sys.stderr)
        return bn_toolkit.EXIT_UNAVAILABLE

    Bn, BnBench, GLib = bn_toolkit.load()
    variables = {"SIZE": args.size, "TOKENS": args.tokens, "ITERATIONS": args.iterations,
                 "PROMPT_TOKENS": args.prompt_tokens, "OUT": args.output}
    try:
        pipeline = bn_toolkit.pipeline_from_file(Bn, "crossval.bnp", variables)
    except GLib.Error as e:
        print("benchmark_comparison.py: %s" % e.message, file=sys.stderr)
        return bn_toolkit.EXIT_FAILED
    status = bn_toolkit.run(Bn, BnBench, GLib, pipeline, timeout=args.timeout)
    if status == bn_toolkit.EXIT_OK:
        with open(args.output, encoding="utf-8") as f:
            result = json.load(f)
        verdict = result.get("status") or result.get("verdict") or "written"
        print("benchmark_comparison.py: comparison %s: %s" % (verdict, args.output))
    return status


if __name__ == "__main__":
    sys.exit(main())
