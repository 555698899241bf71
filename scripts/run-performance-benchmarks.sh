#!/bin/sh
# The seed's benchmark runner: runs pipelines/benchmark.bnp (benchmark, strict
# validation, receipt, reports, regression verdict) and, with --include-cpp,
# pipelines/crossval.bnp against llama.cpp. `make bench` runs it.
# SPDX-License-Identifier: LGPL-2.1-or-later
set -u
. "$(dirname "$0")/bn-env.sh"

usage () {
  cat <<USAGE
Usage: $BN_PROG [OPTION]...
Runs the benchmark and writes the seed's result set:
  RESULTS/performance-report.json  machine-readable report (runs, medians, 95% intervals, verdicts)
  RESULTS/performance-report.md    the same for people
  RESULTS/system-info.json         machine and build
  RESULTS/gst-bitnet-results.json  the engine's detailed results (the seed's rust-results.json)
  RESULTS/comparison-results.json  ours against llama.cpp (with --include-cpp)
  ci/inference.json                the receipt
RESULTS is benchmark-results/ unless --output-dir says otherwise.

Options:
  --features cpu|gpu          where inference runs (gpu needs a CUDA build)
  --quantization i2s|tl1|tl2  kernel format of the ternary layers (default i2s)
  --iterations N              timed iterations (default 3)
  --tokens N                  generated tokens per iteration (default 64)
  --timeout S                 cancel the whole run after S seconds (exit 124)
  --include-cpp               also compare with llama.cpp (make crossval-deps)
  --skip-cpp                  do not compare with llama.cpp (the default)
  --target T [--use-cross]    only this machine's own platform can be measured
  --size tiny|small|medium|2b model shape when BITNET_GGUF is unset (default 2b)
  --output-dir DIR            where the reports go (default benchmark-results)
  --fail-on-regression        exit 3 when the verdict is CRITICAL
  -h, --help                  this help

Environment: BITNET_GGUF (your model), BITNET_STRICT_MODE and the other
BITNET_STRICT_* variables (strict gates), BITNET_DETERMINISTIC, BITNET_SEED,
BITNET_NUM_THREADS, BUILDDIR (the build to use, default build/).

Exit status: 0 success; 1 a run failed; 2 usage error; 3 CRITICAL regression
with --fail-on-regression; 4 strict validation failed; 5 a feature or target
this machine cannot run; 124 --timeout expired (nothing written); 130 interrupted.
USAGE
}

features=cpu quant=i2s iterations=3 tokens=64 timeout= cpp=no target= use_cross=
size=2b results=benchmark-results fail=false
while [ $# -gt 0 ]; do
  case $1 in
    -h|--help) usage; exit 0 ;;
    --features) bn_need_value "$1" "${2-}"; bn_one_of "$1" "$2" cpu gpu; features=$2; shift ;;
    --quantization) bn_need_value "$1" "${2-}"; bn_one_of "$1" "$2" i2s tl1 tl2; quant=$2; shift ;;
    --iterations) bn_need_value "$1" "${2-}"; bn_positive_int "$1" "$2"; iterations=$2; shift ;;
    --tokens) bn_need_value "$1" "${2-}"; bn_positive_int "$1" "$2"; tokens=$2; shift ;;
    --timeout) bn_need_value "$1" "${2-}"; bn_seconds "$1" "$2"; timeout=$2; shift ;;
    --include-cpp) cpp=yes ;;
    --skip-cpp) cpp=no ;;
    --target) bn_need_value "$1" "${2-}"; target=$2; shift ;;
    --use-cross) use_cross=yes ;;
    --size) bn_need_value "$1" "${2-}"; bn_one_of "$1" "$2" tiny small medium 2b; size=$2; shift ;;
    --output-dir) bn_need_value "$1" "${2-}"; results=$2; shift ;;
    --fail-on-regression) fail=true ;;
    *) bn_usage_error "unknown option \"$1\"" ;;
  esac
  shift
done
[ -n "$use_cross" ] && [ -z "$target" ] && bn_usage_error "--use-cross needs --target T"
bn_target_check "$target" "$use_cross"
bn_find_toolkit

device=cpu
if [ "$features" = gpu ]; then
  device=cuda
  if ! bn_launch -q fixture-src size=tiny ! kernel-executor device=cuda iterations=1 tokens=1 warmup=0 \
       ! fakesink >/dev/null 2>&1; then
    bn_die $BN_EXIT_UNAVAILABLE "--features gpu: this build cannot run on a GPU here (configure with -Dcuda=enabled on a machine with nvcc and an NVIDIA GPU); --features cpu runs on the CPU"
  fi
fi
if [ "$cpp" = yes ]; then
  lib=${BN_LLAMA_CPP_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/gst-bitnet/llama.cpp/3.22.1}/lib/libllama.so
  [ -e "$lib" ] || bn_die $BN_EXIT_UNAVAILABLE "--include-cpp: llama.cpp is not installed ($lib); run make crossval-deps or scripts/setup-perf-env.sh, or use --skip-cpp"
fi

receipt=${RECEIPT:-ci/inference.json}
set -- -D SIZE="$size" -D FORMAT="$quant" -D ITERATIONS="$iterations" -D TOKENS="$tokens" \
       -D RESULTS="$results" -D RECEIPT="$receipt" -D FAIL="$fail" -D DEVICE="$device"
[ -n "${BITNET_NUM_THREADS:-}" ] && set -- "$@" -D THREADS="$BITNET_NUM_THREADS"
[ -n "$timeout" ] && set -- --timeout "$timeout" "$@"
bn_say "benchmark: $quant, $iterations iterations of $tokens tokens on ${BITNET_GGUF:-a $size fixture} (${features})"
bn_launch -f "$BN_SRCDIR/pipelines/benchmark.bnp" "$@"
status=$?
if [ $status -ne 0 ] && [ $status -ne 3 ]; then
  bn_say "the benchmark stopped with status $status; no report claims success"
  exit $status
fi

if [ "$cpp" = yes ]; then
  set -- -D SIZE="$size" -D ITERATIONS="$iterations" -D TOKENS="$tokens" \
         -D OUT="$results/comparison-results.json"
  [ -n "$timeout" ] && set -- --timeout "$timeout" "$@"
  bn_say "cross-validation against llama.cpp"
  bn_launch -f "$BN_SRCDIR/pipelines/crossval.bnp" "$@"
  cstatus=$?
  [ $cstatus -ne 0 ] && exit $cstatus
fi

echo
bn_say "files written:"
for f in "$receipt" "$results/performance-report.json" "$results/performance-report.md" \
         "$results/system-info.json" "$results/gst-bitnet-results.json" "$results/comparison-results.json"; do
  [ -f "$f" ] && printf '  %s\n' "$f"
done
exit $status
