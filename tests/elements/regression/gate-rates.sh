#!/bin/sh
# The regression gate's error rates on this machine, every mode on the same
# runs: a benchmark that prints a table, not a unit test (nothing here
# asserts a rate). One kernel-executor interleaves unslowed runs with runs
# slowed on purpose (inject-schedule=0,0.1,0,0.25); a tee hands the same
# runs to one regression-calibrator per (thresholds, pair metric), which
# counts, for A/A and for each injected slowdown:
#
#   stored before              block against the block measured just before it
#   stored before, confirmed   its alarms re-judged on the pairs measured after
#   interleaved pairs          compare-builds.py's sequential paired rule
#   the seed's rule            the median moved past the warning threshold
#
# and the time each verdict took (docs/regression.md, "Measured error rates").
#
#   tests/elements/regression/gate-rates.sh                       # small, quiet
#   LOAD=busy tests/elements/regression/gate-rates.sh             # other cores spinning
#   SIZE=2b TOKENS=8 ITERATIONS=2400 RUNS=6 tests/elements/regression/gate-rates.sh
#
# Variables: BUILD (build directory, default build), SIZE (fixture, small),
# TOKENS (32), PROMPT_TOKENS (8), ITERATIONS (16000: 8000 unslowed runs, 400 stored A/A
# comparisons of 10 runs per side), RUNS (10), THREADS (1), LOAD (quiet, or
# busy: one spinning process per CPU the executor does not use), PAIR_METRICS
# ("decode p10"), OUT (directory for the calibrations, default
# gate-rates-SIZE-LOAD). Thresholds: the seed's (throughput -8% / -15%, latency
# +15% / +25%) and tight ones (5% / 10% both, compare-builds.py's defaults).
set -eu

BUILD=${BUILD:-build}
BN_LAUNCH=${BN_LAUNCH:-$BUILD/gst-bitnet/tools/bn-launch}
export BN_PLUGIN_PATH="${BN_PLUGIN_PATH:-$BUILD/elements}"
export BN_PLUGIN_SYSTEM_PATH="${BN_PLUGIN_SYSTEM_PATH:-}"
SIZE=${SIZE:-small}
TOKENS=${TOKENS:-32}
PROMPT_TOKENS=${PROMPT_TOKENS:-8}
ITERATIONS=${ITERATIONS:-16000}
RUNS=${RUNS:-10}
THREADS=${THREADS:-1}
LOAD=${LOAD:-quiet}
PAIR_METRICS=${PAIR_METRICS:-decode p10}
OUT=${OUT:-gate-rates-$SIZE-$LOAD}

[ -x "$BN_LAUNCH" ] || { echo "gate-rates.sh: no bn-launch at $BN_LAUNCH (set BUILD or BN_LAUNCH)" >&2; exit 2; }
case $LOAD in quiet | busy) ;; *) echo "gate-rates.sh: LOAD=$LOAD: expected quiet or busy" >&2; exit 2 ;; esac
mkdir -p "$OUT"

printf '{"thresholds": {"warning": {"throughput_decrease_percent": 8, "latency_increase_percent": 15},
  "critical": {"throughput_decrease_percent": 15, "latency_increase_percent": 25}}}\n' >"$OUT/seed.json"
printf '{"thresholds": {"warning": {"throughput_decrease_percent": 5, "latency_increase_percent": 5},
  "critical": {"throughput_decrease_percent": 10, "latency_increase_percent": 10}}}\n' >"$OUT/tight.json"

spinners=""
stop_spinners() {
  for p in $spinners; do kill "$p" 2>/dev/null || true; done
}
trap stop_spinners EXIT INT TERM
if [ "$LOAD" = busy ]; then
  cpus=$(getconf _NPROCESSORS_ONLN)
  n=$((cpus - THREADS))
  [ "$n" -ge 1 ] || n=1
  for _ in $(seq "$n"); do
    sh -c 'while :; do :; done' &
    spinners="$spinners $!"
  done
fi

branches=""
for th in seed tight; do
  for m in $PAIR_METRICS; do
    branches="$branches t. ! regression-calibrator runs=$RUNS location=$OUT/$th.json store=false silent=true"
    branches="$branches pair-metric=$m output=$OUT/calibration-$th-$m.json"
  done
done

start=$(date +%s)
# shellcheck disable=SC2086 # the branches are words of the description
"$BN_LAUNCH" -q loader fixture="$SIZE" ! quantizer format=i2s \
  ! kernel-executor tokens="$TOKENS" n-prompt="$PROMPT_TOKENS" iterations="$ITERATIONS" warmup=2 threads="$THREADS" \
  inject-schedule=0,0.1,0,0.25 ! tee name=t $branches
took=$(($(date +%s) - start))
stop_spinners

{
  echo "gate-rates: $SIZE, $PROMPT_TOKENS-token prompt, $TOKENS tokens, $ITERATIONS runs, $RUNS runs per side, $THREADS thread(s), $LOAD machine," \
    "measured in $took s on $(uname -m), $(getconf _NPROCESSORS_ONLN) CPUs, $(date -u +%Y-%m-%dT%H:%MZ)"
  for th in seed tight; do
    for m in $PAIR_METRICS; do
      echo
      echo "== thresholds: $th, pair metric: $m"
      python3 - "$OUT/calibration-$th-$m.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
n = c["noise"].get("decode_tokens_per_second", {})
print("noise: decode %.2f tok/s, CV %.2f%%; pairs: %s, %d looks at %.4f" % (
    n.get("median", float("nan")), n.get("cv_percent", float("nan")), c["pairs"]["metric"], c["pairs"]["looks"],
    c["pairs"]["level_per_look"]))
print("%-38s %13s %7s %6s %6s %9s %9s %7s" % ("comparison", "alarms", "rate", "incon", "stable", "seed rule",
                                               "s/verdict", "pairs"))
def row(label, t, key):
    seed = t.get("seed_rule") if label.find("confirmed") < 0 and label.find("pairs") < 0 else None
    print("%-38s %5d / %-5d %6.1f%% %6d %6d %9s %9.2f %7s" % (
        label, t.get(key, 0), t["comparisons"], 100 * t["rate"], t["inconclusive"],
        t["called_stable_or_improvement"], "-" if seed is None else "%d (%.1f%%)" % (
            seed, 100.0 * seed / max(t["comparisons"], 1)),
        t.get("seconds_to_verdict", 0), "%.1f" % t["pairs_to_verdict"] if "pairs_to_verdict" in t else "-"))
for key, label in (("false_alarms", "A/A, stored before"), ("false_alarms_confirmed", "A/A, stored, confirmed"),
                   ("false_alarms_pairs", "A/A, interleaved pairs")):
    row(label, c[key], "alarms")
for d in c["detection"]:
    for key, label in (("interleaved", "interleaved blocks"), ("preceding", "stored before"),
                       ("preceding_confirmed", "stored, confirmed"), ("pairs", "interleaved pairs")):
        row("%.0f%% slower, %s" % (d["slowdown_percent"], label), d[key], "detected")
PY
    done
  done
} | tee "$OUT/table.txt"
