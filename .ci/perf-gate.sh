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
# The last line is 'performance gate: VERDICT (...)'. The verdict never fails
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
python3 - benchmark-results/performance-report.json "$origin" <<'PY' || broken "cannot read the report" "$gate/benchmark.log"
import json, sys
report = json.load(open(sys.argv[1]))
verdict = report["regression"][0]
levels = {}
for alert in verdict.get("alerts", []):
    levels.setdefault(alert["level"], []).append(alert.get("label", alert["metric"]))
detail = "; ".join("%s: %s" % (k, ", ".join(v)) for k, v in sorted(levels.items()))
print("performance gate: %s (small fixture, 6 strict runs; %s; baseline %s)" % (verdict["status"], detail, sys.argv[2]))
PY
