#!/bin/sh
# The sides of compare-builds.py other than a gst-bitnet build: llama-bench
# (real outputs of llama.cpp's llama-bench, tests/scripts/data/README.md) and
# commands printing JSON-lines run records (docs/schemas/run-records-jsonl.md):
# figures against hand-computed values, malformed output refused with its
# line and command, never a traceback; then comparisons that need the
# toolkit's statistics (PYTHON with PyGObject; skipped, saying so, without).
# Prints TAP. Usage: test-sides.sh SRCDIR (BN_LAUNCH: bn-launch of the build)
set -u
src=${1:?source root}
C=$src/scripts/compare-builds.py
D=$src/tests/scripts/data
PY=${PYTHON-python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
n=0
ok () { n=$((n + 1)); echo "ok $n - $1"; }
nok () { n=$((n + 1)); echo "not ok $n - $1"; sed 's/^/# /' "$work/out" | tail -15; }
expect () {
  want=$1 name=$2; shift 2
  "$@" > "$work/out" 2>&1
  got=$?
  if [ "$got" = "$want" ] && ! grep -q Traceback "$work/out"; then ok "$name"
  else echo "# status $got, expected $want" >> "$work/out"; nok "$name"; fi
}
has () { if grep -qF -- "$1" "$work/out"; then ok "$2"; else echo "# no «$1» in the output" >> "$work/out"; nok "$2"; fi; }
# probe NAME METRIC EXPECTED BASE CANDIDATE: both sides read, the figure of each is EXPECTED (to 1e-9 relative)
probe () {
  pname=$1 metric=$2 figure=$3; shift 3
  expect 0 "$pname" python3 "$C" --probe --metric "$metric" "$@"
  python3 - "$work/out" "$figure" <<'PY' > "$work/check" 2>&1 && ok "$pname: figure $figure" || { cp "$work/check" "$work/out"; nok "$pname: figure $figure"; }
import json, sys
d = json.load(open(sys.argv[1]))
want = float(sys.argv[2])
for role in ("base", "candidate"):
    got = [v for k, v in d[role].items() if k.startswith(("latency_", "decode_"))][0]
    if abs(got - want) > 1e-9 * want:
        sys.exit("%s: %r, expected %r" % (role, got, want))
PY
}
# refuse NAME TEXT SIDE...: --probe of the side fails with exit 1 and TEXT in the message
refuse () {
  rname=$1 text=$2; shift 2
  expect 1 "$rname" python3 "$C" --probe --run-timeout 2 "$@" "jsonl:cat $D/engine-runs.jsonl"
  has "$text" "$rname: the message says «$text»"
}

echo "1..74"
LB="llama-bench:sh $D/replay.sh"

# llama-bench, real outputs: -o json and -o jsonl, the one generation test
probe "llama-bench -o json: decode tok/s is the median repetition's" decode 1429.2286185165501 \
  "$LB $D/llama-bench-tg.json" "$LB $D/llama-bench-tg.json -o json"
probe "llama-bench: min of the repetitions' time per token" min 0.2968378125 \
  "$LB $D/llama-bench-tg.json" "$LB $D/llama-bench-tg.json"
probe "llama-bench: p10 of the repetitions' time per token (type 7)" p10 0.36570316249999996 \
  "$LB $D/llama-bench-tg.json" "$LB $D/llama-bench-tg.json"
probe "llama-bench -o jsonl: the generation line, not the prompt one" decode 2085.556297376344 \
  "$LB $D/llama-bench-pp-tg.jsonl" "$LB $D/llama-bench-pp-tg.jsonl"
expect 1 "llama-bench with two configurations is refused" python3 "$C" --probe \
  "$LB $D/llama-bench-two-threads.json" "$LB $D/llama-bench-tg.json"
has "2 generation tests (result 2, result 4): one configuration per side" "the refusal names the results"

# JSON lines: a real engine's records (a warm-up line skipped), hand-computed quantiles
probe "jsonl: decode tok/s of the run line" decode 8101.851851851852 \
  "jsonl:cat $D/engine-runs.jsonl" "jsonl:cat $D/engine-runs.jsonl"
probe "jsonl: p50 of the run's per-token latencies" p50 0.122 \
  "jsonl:cat $D/engine-runs.jsonl" "jsonl:cat $D/engine-runs.jsonl"
probe "jsonl: p10 (0.11 + 0.6 x 0.01)" p10 0.116 "jsonl:cat $D/engine-runs.jsonl" "jsonl:cat $D/engine-runs.jsonl"
probe "jsonl: min" min 0.11 "jsonl:cat $D/engine-runs.jsonl" "jsonl:cat $D/engine-runs.jsonl"

# malformed JSON lines: refused with the line and the command
good='{"compute_path": "real", "decode_tokens_per_second": 10}'
bad () { printf '%s\n\n%s\n' "$good" "$1" > "$work/$2.jsonl"; }
bad '{"compute_path": "real", "decode_tokens_per_second": NaN}' nan
refuse "NaN is not JSON" "jsonl:cat $work/nan.jsonl: line 3 is not JSON" "jsonl:cat $work/nan.jsonl"
bad '[1, 2]' array
refuse "a line that is not an object" "line 3 is not a JSON object" "jsonl:cat $work/array.jsonl"
bad '{"compute_path": "real", "decode_tokens_per_second": 10, "mock": true}' mock
refuse "a mock record" "line 3: a mock record (mock: true) measures nothing" "jsonl:cat $work/mock.jsonl"
bad '{"compute_path": "mock", "decode_tokens_per_second": 10}' mockpath
refuse "compute_path mock" 'line 3: compute_path is "mock", not real' "jsonl:cat $work/mockpath.jsonl"
bad '{"decode_tokens_per_second": 10}' nopath
refuse "no compute_path" "line 3: no compute_path" "jsonl:cat $work/nopath.jsonl"
bad '{"compute_path": "real", "decode_latency_ms": [0.1, "fast"]}' latstr
refuse "a latency that is a string" "line 3: decode_latency_ms must be a non-empty array of positive numbers" \
  "jsonl:cat $work/latstr.jsonl"
bad '{"compute_path": "real", "decode_tokens_per_second": true}' boolnum
refuse "true is not a number" "line 3: decode_tokens_per_second must be a finite number" "jsonl:cat $work/boolnum.jsonl"
bad '{"compute_path": "real", "decode_tokens_per_second": -3}' negative
refuse "a negative throughput" "line 3: decode_tokens_per_second must be positive" "jsonl:cat $work/negative.jsonl"
bad '{"compute_path": "real", "threads": 1}' nofigure
refuse "a record with no figure" "line 3: neither decode_tokens_per_second nor decode_latency_ms" \
  "jsonl:cat $work/nofigure.jsonl"
bad '{"compute_path": "real", "decode_tokens_per_second": 10' truncated
refuse "a truncated line" "line 3 is not JSON" "jsonl:cat $work/truncated.jsonl"
printf '%s\n\377\376\n' "$good" > "$work/binary.jsonl"
refuse "bytes that are not UTF-8" "line 2 is not UTF-8 text" "jsonl:cat $work/binary.jsonl"
python3 -c "print('[' * 100000)" > "$work/deep.jsonl"
refuse "a nesting 100000 deep" "line 1 is not JSON" "jsonl:cat $work/deep.jsonl"
python3 -c "print('{\"compute_path\": \"real\", \"x\": \"' + 'a' * (1 << 20) + '\"}')" > "$work/long.jsonl"
refuse "a line over 1 MiB" "line 1 is longer than 1048576 bytes" "jsonl:cat $work/long.jsonl"
printf '{"compute_path": "real", "decode_tokens_per_second": 10, "warmup": true}\n' > "$work/warm.jsonl"
refuse "warm-ups only" "no run record" "jsonl:cat $work/warm.jsonl"
refuse "no output" "no run record" "jsonl:true"
refuse "a failing command" "failed (exit 3)" "jsonl:sh -c 'echo broken >&2; exit 3'"
has "broken" "the failure shows the command's standard error"
refuse "a command that is not there" "cannot run" "jsonl:/nonexistent/engine --bench"
refuse "a command that hangs" "no result after 2 s (--run-timeout)" "jsonl:sleep 30"
printf '[{"n_prompt": 0, "n_gen": 16}]\n' > "$work/lb-nosamples.json"
refuse "llama-bench output without samples" "result 1: samples_ns (or avg_ns) must hold positive numbers" \
  "$LB $work/lb-nosamples.json"
head -c 700 "$D/llama-bench-tg.json" > "$work/lb-cut.json"
refuse "truncated llama-bench JSON" "not llama-bench JSON" "$LB $work/lb-cut.json"
refuse "jsonl run records are not llama-bench output" "line 1: n_prompt must be a whole number" \
  "$LB $D/engine-runs.jsonl"
expect 2 "a side that is neither a build nor a command" python3 "$C" --probe /nonexistent "jsonl:true"
has "nor llama-bench:COMMAND or jsonl:COMMAND" "the usage error lists the kinds of side"
expect 2 "jsonl: with no command" python3 "$C" --probe "jsonl:" "jsonl:true"
has "no command after jsonl:" "the usage error says what is missing"

# the live tool, when build-aux/build-llama-bench.sh built it (or BN_LLAMA_BENCH names one):
# llama.cpp on the tiny fixture written by model-sink, read as the stored outputs are
LLAMA_BENCH=${BN_LLAMA_BENCH:-${BN_LLAMA_CPP_DIR:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/gst-bitnet/llama.cpp/3.22.1}/tools/llama-bench}
if [ -x "$LLAMA_BENCH" ] && "${BN_LAUNCH:?}" -q fixture-src size=tiny arch=bitnet weights=tq2_0 ! \
     model-sink location="$work/tiny.gguf" >/dev/null 2>&1; then
  live="llama-bench:$LLAMA_BENCH -m $work/tiny.gguf -p 0 -n 8 -r 3 -t 1"
  expect 0 "the live llama-bench, -o jsonl and -o json" python3 "$C" --probe --metric p10 "$live" "$live -o json"
  cp "$work/out" "$work/live.json"
  expect 0 "it ran llama.cpp's generation test with 3 repetitions" python3 - "$work/live.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for role in ("base", "candidate"):
    r = d[role]["runs"][0]
    assert r["executor"] == "llama-bench" and r["repetitions"] == 3 and r["tokens_generated"] == 8, r
    assert len(r["decode_latency_ms"]) == 3 and d[role]["latency_p10_ms"] > 0, r
PY
else
  for name in "the live llama-bench, -o jsonl and -o json" "it ran llama.cpp's generation test with 3 repetitions"; do
    n=$((n + 1)); echo "ok $n - $name # SKIP no llama-bench (build-aux/build-llama-bench.sh, or BN_LLAMA_BENCH)"
  done
fi

# comparisons (the paired statistics come from the toolkit through PyGObject)
if [ -n "$PY" ]; then
  python3 - "$D/engine-runs.jsonl" "$work/slower.jsonl" <<'PY'
import json, sys
# the same run, every token 30% slower: a ratio known exactly
with open(sys.argv[1]) as f, open(sys.argv[2], "w") as o:
    for line in f:
        r = json.loads(line)
        r["decode_latency_ms"] = [x * 1.3 for x in r["decode_latency_ms"]]
        r["decode_tokens_per_second"] /= 1.3
        o.write(json.dumps(r) + "\n")
PY
  expect 3 "jsonl sides, every token 30% slower: CRITICAL on p10" "$PY" "$C" --metric p10 --min-pairs 8 \
    --max-pairs 8 "jsonl:cat $D/engine-runs.jsonl" "jsonl:cat $work/slower.jsonl" --output cmp.json
  has "candidate/base 1.3000 [1.3000, 1.3000]" "the ratio is the injected one"
  expect 0 "the report names the metric, the sides and their kinds" "$PY" -c "import json, sys
d = json.load(open('cmp.json'))
sys.exit(not (d['metric'] == 'latency_p10_ms' and d['kinds'] == ['jsonl', 'jsonl'] and d['verdict'] == 'CRITICAL'
              and d['higher_is_better'] is False and d['candidate'].startswith('jsonl:cat ')))"
  expect 0 "llama-bench sides, the same output: STABLE on min" "$PY" "$C" --metric min --min-pairs 8 --max-pairs 8 \
    "$LB $D/llama-bench-tg.json" "$LB $D/llama-bench-tg.json -o json" --output lb.json
  has "Verdict: STABLE (latency_min_ms, +0.0% after 8 pairs" "the verdict line names the metric"
  expect 0 "a real engine as two jsonl sides, A/A, 8 pairs" "$PY" "$C" --min-pairs 8 --max-pairs 8 \
    --warning 800 --critical 900 "jsonl:sh $D/bn-engine-jsonl.sh 4" "jsonl:sh $D/bn-engine-jsonl.sh 4" --output aa.json
  has "pairs  8: candidate/base" "the comparison looked after 8 pairs"
else
  for name in "jsonl sides, every token 30% slower: CRITICAL on p10" "the ratio is the injected one" \
              "the report names the metric, the sides and their kinds" \
              "llama-bench sides, the same output: STABLE on min" "the verdict line names the metric" \
              "a real engine as two jsonl sides, A/A, 8 pairs" "the comparison looked after 8 pairs"; do
    n=$((n + 1)); echo "ok $n - $name # SKIP no Python with PyGObject for this build (see tests/meson.build)"
  done
fi
echo "# $n cases"
exit 0
