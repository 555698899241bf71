#!/bin/sh
# Honesty check of regression-analyzer: is it quiet on noise and does it catch a
# real slowdown? A benchmark that prints rates, not a unit test (nothing here
# asserts a timing). It measures, PAIRS times on this machine:
#
#   A/A     the same build and settings twice: a WARNING or CRITICAL is a false alarm;
#   A/B     the candidate with a known slowdown (SLOW, by default n-prompt=128: every
#           decode step attends over 16 times more keys, ~15% slower decode here):
#           a WARNING or CRITICAL on decode throughput is a detection;
#
# each compared two ways: against a baseline stored by baseline-sink in an
# earlier process (the CI flow), and side by side in one pipeline. The same
# A/A data are also judged with per-token latency samples, without the
# busy-machine guard (min-cpu-share=0), and by the seed's naive rule (median
# change past the warning threshold, no interval), to show what each costs in
# false alarms.
#
#   tests/elements/regression/honesty.sh                 # from a build in ./build
#   BUILD=/tmp/b PAIRS=20 THREADS=2 SLOW="n-prompt=64" tests/elements/regression/honesty.sh
#
# Needs python3 for the tally. Takes about PAIRS x 5 s with the defaults.
set -eu

BUILD=${BUILD:-build}
BN_LAUNCH=${BN_LAUNCH:-$BUILD/gst-bitnet/tools/bn-launch}
export BN_PLUGIN_PATH="${BN_PLUGIN_PATH:-$BUILD/elements:$BUILD/elements/regression}"
export BN_PLUGIN_SYSTEM_PATH="${BN_PLUGIN_SYSTEM_PATH:-}"
PAIRS=${PAIRS:-10}
ITERATIONS=${ITERATIONS:-8}
SIZE=${SIZE:-small}
THREADS=${THREADS:-1}
TOKENS=${TOKENS:-64}
SLOW=${SLOW:-n-prompt=128}
KEEP=${KEEP:-}

[ -x "$BN_LAUNCH" ] || { echo "honesty.sh: no bn-launch at $BN_LAUNCH (set BUILD or BN_LAUNCH)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "honesty.sh: python3 is needed for the tally" >&2; exit 2; }
WORK=$(mktemp -d "${TMPDIR:-/tmp}/bn-honesty-XXXXXX")
[ -n "$KEEP" ] || trap 'rm -rf "$WORK"' EXIT

model="loader fixture=$SIZE ! quantizer"
exe="kernel-executor threads=$THREADS tokens=$TOKENS iterations=$ITERATIONS"
launch () { "$BN_LAUNCH" -q "$@" >/dev/null; }
# $1: output name, $2: receipt of the current runs, $3: baselines file, $4...: more properties
analyze () {
  out=$1 cur=$2 base=$3
  shift 3
  launch receipt-src location="$cur" ! regression-analyzer baselines="$base" format=json silent=true \
         output="$WORK/$out.json" "$@"
}

echo "honesty check: $PAIRS pairs, fixture=$SIZE, threads=$THREADS, $ITERATIONS runs of $TOKENS tokens per side;"
echo "injected slowdown: $SLOW; machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
start=$(date +%s)
i=1
while [ "$i" -le "$PAIRS" ]; do
  # stored baseline, then the same build (A/A) and the slowed one (A/B) in later processes
  launch $model ! $exe ! tee name=t \
         t. ! baseline-sink location="$WORK/base$i.json" t. ! receipt-sink location="$WORK/base$i-receipt.json"
  launch $model ! $exe ! receipt-sink location="$WORK/aa$i-receipt.json"
  launch $model ! $exe $SLOW ! receipt-sink location="$WORK/ab$i-receipt.json"
  analyze "aa-stored-$i" "$WORK/aa$i-receipt.json" "$WORK/base$i.json"
  analyze "aa-stored-token-$i" "$WORK/aa$i-receipt.json" "$WORK/base$i.json" latency-samples=per-token
  analyze "aa-stored-noguard-$i" "$WORK/aa$i-receipt.json" "$WORK/base$i.json" min-cpu-share=0
  analyze "ab-stored-$i" "$WORK/ab$i-receipt.json" "$WORK/base$i.json"
  # side by side: both branches in one process, one after the other
  # (two analyzers on the same branches: with and without the busy-machine guard)
  launch $model ! tee name=m m. ! $exe ! tee name=b b. ! ra.baseline b. ! rb.baseline \
         m. ! $exe ! tee name=c c. ! ra.candidate c. ! rb.candidate \
         regression-analyzer name=ra baselines="$WORK/none.json" format=json silent=true output="$WORK/aa-sbs-$i.json" \
         regression-analyzer name=rb baselines="$WORK/none.json" format=json silent=true min-cpu-share=0 \
                             output="$WORK/aa-sbs-noguard-$i.json"
  launch $model ! tee name=m m. ! $exe ! ra.baseline m. ! $exe $SLOW ! ra.candidate \
         regression-analyzer name=ra baselines="$WORK/none.json" format=json silent=true output="$WORK/ab-sbs-$i.json"
  printf '.'
  i=$((i + 1))
done
echo " $(( $(date +%s) - start )) s"

python3 - "$WORK" "$PAIRS" "$SLOW" <<'EOF'
import json, sys, statistics
work, pairs, slow = sys.argv[1], int(sys.argv[2]), sys.argv[3]
ALARM = ("WARNING", "CRITICAL")
TP, LAT = "throughput_tokens_per_second", "latency_p50_ms"

def load(kind, i):
    with open(f"{work}/{kind}-{i}.json") as f:
        return json.load(f)

def alert(r, metric):
    return next((a for a in r["alerts"] if a["metric"] == metric), None)

def naive(r):
    # the seed's rule: the median moved past the warning threshold, no interval
    t = r["thresholds"]["warning"]
    tp, lat = alert(r, TP), alert(r, LAT)
    return (tp and tp["change_percent"] is not None and tp["change_percent"] < -t["throughput_decrease_percent"]) or \
           (lat and lat["change_percent"] is not None and lat["change_percent"] > t["latency_increase_percent"])

rows = [("A/A, stored baseline (CI flow)", "aa-stored", "false alarm"),
        ("A/A, stored, per-token latency samples", "aa-stored-token", "false alarm"),
        ("A/A, stored, no busy-machine guard", "aa-stored-noguard", "false alarm"),
        ("A/A, side by side", "aa-sbs", "false alarm"),
        ("A/A, side by side, no busy-machine guard", "aa-sbs-noguard", "false alarm"),
        (f"A/B {slow}, stored baseline", "ab-stored", "detection"),
        (f"A/B {slow}, side by side", "ab-sbs", "detection")]
METRICS = [(TP, "decode tok/s"), (LAT, "token p50"), ("first_token_latency_ms", "first token")]

def counts(rs, metric):
    lv = [(alert(r, metric) or {}).get("level") for r in rs]
    return (sum(l in ALARM for l in lv), sum(l == "INCONCLUSIVE" for l in lv), sum(l == "STABLE" for l in lv),
            sum(l == "IMPROVEMENT" for l in lv))

def med(rs, metric):
    ch = [alert(r, metric)["change_percent"] for r in rs if alert(r, metric) and alert(r, metric)["change_percent"] is not None]
    return f"{statistics.median(ch):+.1f}% [{min(ch):+.1f}, {max(ch):+.1f}]" if ch else "-"

print()
print("Per metric, as alarms (WARNING or CRITICAL) / INCONCLUSIVE / STABLE / IMPROVEMENT out of", pairs, "comparisons,")
print("with the median change and its range over the comparisons:")
print(f"{'experiment':42} {'metric':13} {'alarm':>6} {'inc.':>5} {'stable':>6} {'impr.':>6}  {'change: median [range]':26}")
for label, kind, what in rows:
    rs = [load(kind, i) for i in range(1, pairs + 1)]
    for j, (metric, name) in enumerate(METRICS):
        a, inc, st, imp = counts(rs, metric)
        print(f"{label if j == 0 else '':42} {name:13} {a:>6} {inc:>5} {st:>6} {imp:>6}  {med(rs, metric):26}")
    busy = sum(r.get("cpu_share", {}).get("disturbed", False) for r in rs)
    overall = sum(r["status"] in ALARM for r in rs)
    nv = sum(bool(naive(r)) for r in rs)
    print(f"{'':42} overall: {overall} {what}s, {busy} with a busy machine (CPU share below {rs[0]['cpu_share']['minimum']:.0%}); "
          f"the seed's naive rule: {nv} {what}s")

def rate(kind, metrics):
    rs = [load(kind, i) for i in range(1, pairs + 1)]
    return sum(any((alert(r, m) or {}).get("level") in ALARM for m in metrics) for r in rs)

print()
print("Summary (decode throughput and token latency p50; first-token latency is left out because the")
print("injected slowdown lengthens the prompt, which moves it by construction):")
for label, kind, what in rows:
    n = rate(kind, [TP, LAT])
    print(f"  {label:42} {what} rate {n}/{pairs} = {100 * n / pairs:.0f}%")
EOF
