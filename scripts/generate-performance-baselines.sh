#!/bin/sh
# The seed's baseline generator: measures this machine with
# pipelines/baseline.bnp and merges its baseline into the baselines file.
# Other platforms are measured only on machines of that platform: figures
# from here are never relabelled. The one exception is an aarch64 build
# (BUILDDIR=build-aarch64) run here under qemu-user: its baseline is filed
# under linux-aarch64, the platform the emulated programs see, and says
# emulated: true, so that its timings are never compared with native ones
# (a correctness baseline: tokens, logits digests, kernels; docs/platforms.md).
# SPDX-License-Identifier: LGPL-2.1-or-later
set -u
. "$(dirname "$0")/bn-env.sh"

usage () {
  cat <<USAGE
Usage: $BN_PROG [OPTION]...
Measures this machine's baseline and merges it into the baselines file
(default crossval/baselines.json; the previous file is kept as .bak), and
writes the receipt of the runs it is made of.

Options:
  --platforms a,b,c         platforms to make baselines for (default: this one, $(bn_toolkit_platform));
                            another platform cannot be measured here and is reported
                            (with BUILDDIR naming an aarch64 build: linux-aarch64, emulated)
  --iterations N            timed runs (default 10; at least 6 for a 95% interval)
  --timeout S               cancel the measurement after S seconds (exit 124, nothing written)
  --tokens N                generated tokens per run (default 64)
  --size tiny|small|medium|2b  model shape when BITNET_GGUF is unset (default small)
  --quantization i2s|tl1|tl2   kernel format (default i2s)
  --baselines FILE          the baselines file (default crossval/baselines.json)
  -h, --help                this help

Exit status: 0 success; 1 a run failed; 2 usage error; 4 the runs were refused
(mock or incomplete runs, fewer than 6); 5 a platform asked for cannot be
measured on this machine (this machine's own, when asked for, was still
measured); 124 --timeout expired (the baselines file is untouched); 130 interrupted.
USAGE
}

platforms= iterations=10 timeout= tokens=64 size=small quant=i2s baselines=${BASELINES:-crossval/baselines.json}
while [ $# -gt 0 ]; do
  case $1 in
    -h|--help) usage; exit 0 ;;
    --platforms) bn_need_value "$1" "${2-}"; platforms=$2; shift ;;
    --iterations) bn_need_value "$1" "${2-}"; bn_positive_int "$1" "$2"; iterations=$2; shift ;;
    --timeout) bn_need_value "$1" "${2-}"; bn_seconds "$1" "$2"; timeout=$2; shift ;;
    --tokens) bn_need_value "$1" "${2-}"; bn_positive_int "$1" "$2"; tokens=$2; shift ;;
    --size) bn_need_value "$1" "${2-}"; bn_one_of "$1" "$2" tiny small medium 2b; size=$2; shift ;;
    --quantization) bn_need_value "$1" "${2-}"; bn_one_of "$1" "$2" i2s tl1 tl2; quant=$2; shift ;;
    --baselines) bn_need_value "$1" "${2-}"; baselines=$2; shift ;;
    *) bn_usage_error "unknown option \"$1\"" ;;
  esac
  shift
done
here=$(bn_toolkit_platform)
[ -z "$platforms" ] && platforms=$here

measure=no unavailable=
for p in $(printf '%s\n' "$platforms" | tr ',' ' '); do
  if [ "$p" = "$here" ]; then
    measure=yes
  else
    unavailable="$unavailable $p"
  fi
done
for p in $unavailable; do
  printf '%s: cannot measure %s on this %s machine: run %s there (figures from here would not be %s figures)\n' \
    "$BN_PROG" "$p" "$here" "$BN_PROG" "$p" >&2
done

status=0
if [ $measure = yes ]; then
  bn_find_toolkit
  if [ "$here" != "$(bn_platform)" ]; then
    bn_emulate "$here"
    bn_say "the build is for $here: measured under emulation on this $(bn_platform) machine (emulated: true)"
  fi
  set -- -D SIZE="$size" -D FORMAT="$quant" -D ITERATIONS="$iterations" -D TOKENS="$tokens" \
         -D BASELINES="$baselines"
  [ -n "$timeout" ] && set -- --timeout "$timeout" "$@"
  bn_say "measuring the $here baseline: $iterations runs of $tokens tokens, $quant, ${BITNET_GGUF:-a $size fixture}"
  bn_launch -f "$BN_SRCDIR/pipelines/baseline.bnp" "$@"
  status=$?
  [ $status -eq 0 ] && bn_say "baseline for $here written to $baselines"
fi
[ $status -ne 0 ] && exit $status
[ -n "$unavailable" ] && exit $BN_EXIT_UNAVAILABLE
exit 0
