#!/bin/sh
# A stand-in for "an engine that prints its own run records" (a compare-builds
# jsonl: side, docs/schemas/run-records-jsonl.md): gst-bitnet's engine on the
# tiny fixture, one warm-up line and one run line, each the run record cut
# down to the JSON-lines members. Usage: bn-engine-jsonl.sh [TOKENS]
# (BN_LAUNCH: bn-launch of the build).
set -eu
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"${BN_LAUNCH:?}" -q loader fixture=tiny ! quantizer format=i2s ! \
  kernel-executor iterations=2 warmup=0 tokens="${1:-8}" n-prompt=4 threads=1 ! \
  summary-sink silent=true location="$out" >/dev/null
python3 - "$out" <<'PY'
import json, sys
keep = ("compute_path", "decode_tokens_per_second", "decode_latency_ms", "threads", "tokens_generated",
        "cpu_utilization_percent", "executor", "model_fingerprint", "weight_format")
runs = [r["result"] for r in json.load(open(sys.argv[1]))["results"] if r.get("type") == "bench/run"]
for i, r in enumerate(runs):
    line = {k: r[k] for k in keep if k in r}
    if i == 0:
        line["warmup"] = True
    print(json.dumps(line))
PY
