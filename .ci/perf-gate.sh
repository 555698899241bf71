#!/bin/sh
# The performance gate of .ci/run: a short strict benchmark of the small
# fixture and its regression verdict (docs/ci.md).
#
# Usage: .ci/perf-gate.sh BUILDDIR
#   BN_CI_PERF_BASELINES  the baselines file compared with (default
#                         ~/.cache/gst-bitnet/ci-perf-baselines.json, outside the tree);
#                         when it holds no baseline for this platform, one is
#                         measured first and kept there for later runs
#   BN_CI_PERF_UPDATE=1   measure and replace that baseline (after a change
#                         that is meant to alter performance)
#
# A WARNING or CRITICAL is confirmed by an interleaved re-measurement before it
# is printed (below). The last line is 'performance gate: VERDICT (...)'. The verdict never fails
# the build (one run on a shared machine is noise-prone): exit status 0 with any
# verdict; 1 when the benchmark crashed, strict validation refused the runs, the
# receipt failed validation or the report cannot be read.
# SPDX-License-Identifier: LGPL-2.1-or-later
set -u
src=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:?BUILDDIR}" && pwd) || exit 1
gate=$build/perf-gate
store=${BN_CI_PERF_BASELINES:-${XDG_CACHE_HOME:-$HOME/.cache}/gst-bitnet/ci-perf-baselines.json}
shape="--size small --iterations 6 --tokens 16"
rm -rf "$gate"
mkdir -p "$gate/crossval" "$(dirname "$store")" || exit 1
cd "$gate" || exit 1
# the workflow's strict environment; one thread, the baselines' prompt length
export BUILDDIR="$build" BITNET_STRICT_MODE=1 BITNET_CI_ENHANCED_STRICT=1 BITNET_DETERMINISTIC=1 BITNET_SEED=42 CI=1
export BITNET_NUM_THREADS=1 PROMPT_TOKENS=8
# the log's last lines first, so that the CI output shows why
broken () { tail -n 12 "$2" 2>/dev/null | sed 's/^/  | /'; echo "performance gate: BROKEN ($1; log: $2)"; exit 1; }

here=$(sh -c ". '$src/scripts/bn-env.sh'; bn_platform")
has_baseline=$(python3 - "$store" "$here" <<'PY'
import json, sys
try:
    print("yes" if "gst-bitnet" in json.load(open(sys.argv[1]))["baselines"][sys.argv[2]] else "no")
except (OSError, ValueError, KeyError, TypeError):
    print("no")
PY
)
origin="stored $store"
if [ "$has_baseline" = no ] || [ "${BN_CI_PERF_UPDATE:-0}" = 1 ]; then
  # shellcheck disable=SC2086
  sh "$src/scripts/generate-performance-baselines.sh" $shape --timeout 240 --baselines "$store" \
    > baseline.log 2>&1 || broken "the baseline run failed with status $?" "$gate/baseline.log"
  origin="measured now into $store"
fi
cp "$store" crossval/baselines.json || exit 1

# shellcheck disable=SC2086
sh "$src/scripts/run-performance-benchmarks.sh" $shape --timeout 240 > benchmark.log 2>&1
rc=$?
case $rc in
  0) ;;
  4) broken "strict validation refused the runs" "$gate/benchmark.log" ;;
  124) broken "the benchmark timed out" "$gate/benchmark.log" ;;
  *) broken "the benchmark failed with status $rc" "$gate/benchmark.log" ;;
esac
python3 "$src/scripts/validate-performance-receipts.py" ci/inference.json > validate.log 2>&1 \
  || broken "the receipt failed validation" "$gate/validate.log"
grep -E '^(Summary|Overall)' benchmark.log
# A WARNING or CRITICAL against the stored baseline is re-measured interleaved
# before it is printed (detect-performance-regression.py --confirm-with): against
# this build when the baseline was measured from the same commit (the code is the
# same, so only the machine moved), else against the baseline's commit built in a
# worktree (--confirm-commit). The verdict printed is the confirmed one.
status=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["regression"][0]["status"])' \
  benchmark-results/performance-report.json 2>/dev/null) || broken "cannot read the report" "$gate/benchmark.log"
confirm_note=""
case $status in
  CRITICAL | WARNING)
    base_commit=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["regression"][0].get("baseline", {}).get("build_commit", ""))' \
      benchmark-results/performance-report.json 2>/dev/null)
    head_commit=$(git -C "$src" rev-parse HEAD 2>/dev/null)
    if [ -z "$base_commit" ] || [ "$base_commit" = unknown ] || [ "$base_commit" = "$head_commit" ]; then
      how="--confirm-with $build"
    else
      how="--confirm-commit"
    fi
    # shellcheck disable=SC2086 # $how is an option and its argument
    if python3 "$src/scripts/detect-performance-regression.py" benchmark-results/performance-report.json \
      --baselines crossval/baselines.json --format json --output confirm.json $how --timeout 900 \
      --confirm-args "--size small --tokens 16 --metric p10 --max-pairs 30" > confirm.log 2>&1; then
      confirm_note=$(python3 - confirm.json <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
k = c.get("confirmation") or {}
print("%s|stored %s, interleaved re-measurement %s after %s pairs: %s" % (
    c["status"], k.get("stored_status"), k.get("verdict"), k.get("pairs"),
    "confirmed" if k.get("confirmed") else "not confirmed"))
PY
)
    else
      confirm_note="$status|the confirmation could not run (confirm.log: $(tail -n 1 confirm.log))"
    fi
    ;;
esac
python3 - benchmark-results/performance-report.json "$origin" "$confirm_note" <<'PY' || broken "cannot read the report" "$gate/benchmark.log"
import json, sys
report = json.load(open(sys.argv[1]))
verdict = report["regression"][0]
levels = {}
for alert in verdict.get("alerts", []):
    levels.setdefault(alert["level"], []).append(alert.get("label", alert["metric"]))
detail = "; ".join("%s: %s" % (k, ", ".join(v)) for k, v in sorted(levels.items()))
status = verdict["status"]
if sys.argv[3]:
    status, note = sys.argv[3].split("|", 1)
    detail = "%s; %s" % (detail, note)
print("performance gate: %s (small fixture, 6 strict runs; %s; baseline %s)" % (status, detail, sys.argv[2]))
PY
