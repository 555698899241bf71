#!/bin/sh
# The seed's scripts (scripts/) on the tiny fixture: --help, bad flags and
# real runs, each in a scratch directory. Prints TAP.
# Usage: test-scripts.sh SRCDIR   (BUILDDIR: the build; python3 with PyGObject as PYTHON)
set -u
src=${1:?source root}
S=$src/scripts
# PYTHON empty: no Python with PyGObject for this build (none installed, no
# introspection, or a sanitized build): the cases that run the .py scripts
# on real files are skipped, saying so; their --help still runs.
PY=${PYTHON-python3}
HELP_PY=${PY:-python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
n=0 failed=0
ok () { n=$((n + 1)); echo "ok $n - $1"; }
nok () { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; sed 's/^/# /' "$work/out" | tail -15; }
# expect STATUS NAME CMD...: runs CMD, output in $work/out, checks the status
expect () {
  want=$1 name=$2; shift 2
  "$@" > "$work/out" 2>&1
  got=$?
  if [ "$got" = "$want" ]; then ok "$name"; else echo "# status $got, expected $want" >> "$work/out"; nok "$name"; fi
}
# has TEXT NAME: the last output contains TEXT
has () { if grep -qF -- "$1" "$work/out"; then ok "$2"; else echo "# no «$1» in the output" >> "$work/out"; nok "$2"; fi; }
file () { if [ -s "$1" ]; then ok "$2"; else echo "# $1 missing" > "$work/out"; nok "$2"; fi; }
nofile () { if [ ! -e "$1" ]; then ok "$2"; else echo "# $1 exists" > "$work/out"; nok "$2"; fi; }

echo "1..61"
tiny="--size tiny --iterations 6 --tokens 8"

# every script: --help (exit 0, lists its exit statuses) and an unknown flag (exit 2)
for s in setup-perf-env.sh run-performance-benchmarks.sh generate-performance-baselines.sh; do
  expect 0 "$s --help" sh "$S/$s" --help; has "Exit status" "$s --help documents exit statuses"
  expect 2 "$s rejects an unknown flag" sh "$S/$s" --no-such-flag; has 'unknown option "--no-such-flag"' "$s names the bad flag"
done
for s in detect-performance-regression.py validate-performance-receipts.py benchmark_comparison.py compare-builds.py; do
  expect 0 "$s --help" "$HELP_PY" "$S/$s" --help; has "Exit status" "$s --help documents exit statuses"
  expect 2 "$s rejects an unknown flag" "$HELP_PY" "$S/$s" --no-such-flag x
done

# bad values
expect 2 "run-performance-benchmarks.sh --iterations needs a number" sh "$S/run-performance-benchmarks.sh" --iterations many
has '--iterations needs a positive whole number, got "many"' "the message names flag and value"
expect 2 "run-performance-benchmarks.sh --quantization checks its choices" sh "$S/run-performance-benchmarks.sh" --quantization q4
expect 5 "a foreign --target is refused, not relabelled" sh "$S/run-performance-benchmarks.sh" --target aarch64-apple-darwin
has "cannot run on this" "the refusal says why"

# setup: fixtures and the determinism report (packages and build already there)
expect 0 "setup-perf-env.sh --skip-cpp" sh "$S/setup-perf-env.sh" --skip-cpp --fixtures-dir fx
has "determinism of this machine" "setup reports determinism"
file fx/tiny.gguf "setup wrote the tiny fixture"

# baselines for this platform (a foreign one is reported with exit 5)
here=$(sh -c ". '$S/bn-env.sh'; bn_platform")
expect 5 "generate-performance-baselines.sh measures here, refuses a foreign platform" \
  sh "$S/generate-performance-baselines.sh" $tiny --platforms "$here,plan9-mips"
has "cannot measure plan9-mips" "the foreign platform is named"
file crossval/baselines.json "the baseline of this platform was written"

# the whole flow
expect 0 "run-performance-benchmarks.sh on the tiny fixture" sh "$S/run-performance-benchmarks.sh" $tiny --skip-cpp
for f in benchmark-results/performance-report.json benchmark-results/performance-report.md \
         benchmark-results/system-info.json benchmark-results/gst-bitnet-results.json ci/inference.json; do
  file "$f" "run-performance-benchmarks.sh wrote $f"
done
has "Overall:" "the run printed a verdict"

if [ -n "$PY" ]; then
# the detector reads the report and the receipt
expect 0 "detect-performance-regression.py on the report" "$PY" "$S/detect-performance-regression.py" \
  benchmark-results/performance-report.json
has "Overall:" "the detector printed a verdict"
expect 0 "detect-performance-regression.py --format json --output" "$PY" "$S/detect-performance-regression.py" \
  ci/inference.json --format json --output analysis.json
file analysis.json "the JSON analysis was written"
expect 1 "detect-performance-regression.py on a malformed report" sh -c "echo '{' > bad.json; '$PY' '$S/detect-performance-regression.py' bad.json"
# a stored baseline 100x faster than today (a drifted machine, exaggerated so
# that no CPU share can explain it): CRITICAL; re-measured interleaved against
# the baseline's build (here the same build) it is not confirmed
"$PY" -c "import json
d = json.load(open('crossval/baselines.json'))
for impls in d['baselines'].values():
    for e in impls.values():
        e['throughput_tokens_per_second'] *= 100
        e['samples']['throughput_tokens_per_second'] = [x * 100 for x in e['samples']['throughput_tokens_per_second']]
json.dump(d, open('inflated.json', 'w'))"
expect 3 "detect-performance-regression.py: a 100x inflated baseline is CRITICAL" "$PY" \
  "$S/detect-performance-regression.py" ci/inference.json --baselines inflated.json --fail-on-regression
expect 0 "--confirm-with re-measures both builds interleaved and does not confirm it" "$PY" \
  "$S/detect-performance-regression.py" ci/inference.json --baselines inflated.json --fail-on-regression \
  --confirm-with "$BUILDDIR" --confirm-args "--size tiny --tokens 4 --min-pairs 8 --max-pairs 8 --warning 800 --critical 900"
has "not confirmed" "the report says the interleaved verdict did not confirm it"
has "Against the stored baseline: 🚨 CRITICAL" "the report shows the stored verdict too"
expect 2 "--confirm-with and --confirm-commit together are refused" "$PY" "$S/detect-performance-regression.py" \
  ci/inference.json --confirm-with x --confirm-commit

# receipts are validated strictly whatever the environment
expect 0 "validate-performance-receipts.py passes a real receipt" env BITNET_STRICT_MODE=0 \
  "$PY" "$S/validate-performance-receipts.py" ci/inference.json
# a build named by BUILDDIR alone, as .ci/perf-gate.sh runs it (build-ci, no
# build/ beside scripts/: a copy of scripts/ in a tree without one)
mkdir -p nobuild && cp -R "$S" "$src/pipelines" nobuild/
expect 0 "validate-performance-receipts.py finds the build through BUILDDIR" \
  env -u GI_TYPELIB_PATH -u BN_BUILDDIR -u LD_LIBRARY_PATH -u BN_SCRIPTS_UNINSTALLED BUILDDIR="${BUILDDIR:?}" \
  "$PY" nobuild/scripts/validate-performance-receipts.py ci/inference.json
# two builds interleaved (here the same build twice: A/A), pair by pair
expect 0 "compare-builds.py A/A on the tiny fixture" "$PY" "$S/compare-builds.py" "$BUILDDIR" "$BUILDDIR" \
  --size tiny --tokens 4 --min-pairs 8 --max-pairs 8 --warning 800 --critical 900 --output cmp.json
expect 0 "compare-builds.py kept 8 alternating pairs and one look at 95%" "$PY" -c "import json, sys
d = json.load(open('cmp.json'))
orders = [p['order'][0] for p in d['pairs']]
sys.exit(not (len(d['pairs']) == 8 and orders == ['base', 'candidate'] * 4 and len(d['looks']) == 1
              and d['looks'][0]['level'] == 0.95 and d['verdict'] in ('STABLE', 'INCONCLUSIVE', 'WARNING',
              'IMPROVEMENT', 'CRITICAL')))"
expect 2 "compare-builds.py refuses --min-pairs above --max-pairs" "$PY" "$S/compare-builds.py" "$BUILDDIR" \
  "$BUILDDIR" --min-pairs 9 --max-pairs 8
has "--min-pairs 9 is above --max-pairs 8" "the refusal names both"
"${BN_LAUNCH:?}" -q loader fixture=tiny ! quantizer format=i2s ! mock-executor ! receipt-sink location=mock.json >/dev/null 2>&1
expect 4 "validate-performance-receipts.py refuses a mock receipt without BITNET_STRICT_MODE" env -u BITNET_STRICT_MODE \
  "$PY" "$S/validate-performance-receipts.py" mock.json
else
  for name in "detect-performance-regression.py on the report" "the detector printed a verdict" \
              "detect-performance-regression.py --format json --output" "the JSON analysis was written" \
              "detect-performance-regression.py on a malformed report" \
              "detect-performance-regression.py: a 100x inflated baseline is CRITICAL" \
              "--confirm-with re-measures both builds interleaved and does not confirm it" \
              "the report says the interleaved verdict did not confirm it" \
              "the report shows the stored verdict too" "--confirm-with and --confirm-commit together are refused" \
              "validate-performance-receipts.py passes a real receipt" \
              "validate-performance-receipts.py finds the build through BUILDDIR" \
              "compare-builds.py A/A on the tiny fixture" "compare-builds.py kept 8 alternating pairs and one look at 95%" \
              "compare-builds.py refuses --min-pairs above --max-pairs" "the refusal names both" \
              "validate-performance-receipts.py refuses a mock receipt without BITNET_STRICT_MODE"; do
    n=$((n + 1)); echo "ok $n - $name # SKIP no Python with PyGObject for this build (see tests/meson.build)"
  done
fi

# timeouts: status 124 and no receipt
rm -rf ci benchmark-results
expect 124 "run-performance-benchmarks.sh --timeout 2 on a long run" sh "$S/run-performance-benchmarks.sh" \
  --size tiny --iterations 100000 --tokens 64 --timeout 2
nofile ci/inference.json "a timed-out run leaves no receipt"

exit 0
