#!/bin/sh
# gst-bitnet: the toolkit on aarch64, end to end under qemu-user
# (docs/platforms.md). Needs an aarch64 build made with
# build-aux/cross/aarch64-linux-gnu.ini and a native x86_64 build.
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Usage: tests/platforms/run-aarch64.sh NATIVE_BUILD AARCH64_BUILD [OUT]
#
#  1. the test suites of the aarch64 build (meson test, programs run through
#     the cross file's exe_wrapper; the children they start through
#     binfmt_misc), all but those that test no compiled code of this
#     architecture (BN_AARCH64_SKIP_SUITES, default: hostile scripts ci,
#     which hold the source checks, the shell-script and workflow tests and
#     the hostile-input corpus, run natively by make check);
#  2. pipelines/benchmark.bnp on the tiny and small fixtures with the NEON
#     kernels (BITNET_KERNEL=neon), strict mode on: every run record must
#     say emulated: true and name NEON kernels;
#  3. crossval across architectures: the x86_64 build writes a TQ2_0 and an
#     I2S GGUF file of each fixture, both builds dump the logits of the same
#     greedy run (bn-dump-logits), crossval-logits.py judges them with the
#     crossval element's tolerances.
# Prints 'aarch64 suites: ...', 'aarch64 benchmark SIZE: ...' and
# 'crossval aarch64 ...' lines, then one summary line; exits 1 when a part
# fails. Each part is timed.

set -u
NATIVE=${1:?usage: run-aarch64.sh NATIVE_BUILD AARCH64_BUILD [OUT]}
CROSS=${2:?usage: run-aarch64.sh NATIVE_BUILD AARCH64_BUILD [OUT]}
OUT=${3:-${TMPDIR:-/tmp}/bn-aarch64}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SKIP=${BN_AARCH64_SKIP_SUITES-hostile scripts ci}
STEPS=${BN_AARCH64_CROSSVAL_STEPS:-16}
mkdir -p "$OUT"
status=0
now () { date +%s; }

# qemu-aarch64 through binfmt_misc for the programs the tests start
sh "$ROOT/build-aux/install-deps.sh" --aarch64 >/dev/null 2>&1 || true
if [ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]; then
  echo "# binfmt_misc has no qemu-aarch64 handler: tests that start programs will fail"
fi
export BN_EMULATOR=qemu-aarch64 QEMU_CPU=${QEMU_CPU:-max}

echo "# 1. test suites under qemu (skipped suites: ${SKIP:-none})"
t0=$(now)
set --
for s in $SKIP; do set -- "$@" --no-suite "$s"; done
meson test -C "$CROSS" --no-rebuild --print-errorlogs --num-processes 2 --timeout-multiplier 3 "$@" \
  >"$OUT/meson-test.log" 2>&1 || status=1
# the cases that did not pass, once (meson repeats them in its summary)
grep -E '^ *[0-9]+/[0-9]+ ' "$OUT/meson-test.log" | grep -v ' OK ' | awk '!seen[$0]++' || true
suites=$(python3 "$ROOT/.ci/count-tests.py" aarch64 "$CROSS" | sed -n 1p)
echo "aarch64 suites: ${suites#aarch64: } ($(( $(now) - t0 )) s under qemu)"

echo "# 2. benchmark pipeline, NEON kernels, strict mode"
for size in tiny small; do
  t0=$(now)
  d=$OUT/bench-$size
  rm -rf "$d"; mkdir -p "$d"
  if BITNET_KERNEL=neon BITNET_STRICT_MODE=1 BN_PLUGIN_PATH="$CROSS/elements" BN_PLUGIN_SYSTEM_PATH= \
     "$ROOT/build-aux/qemu-aarch64.sh" "$CROSS/gst-bitnet/tools/bn-launch" -f "$ROOT/pipelines/benchmark.bnp" \
       -D SIZE=$size -D ITERATIONS=3 -D TOKENS=16 -D PROMPT_TOKENS=32 -D THREADS=2 -D RESULTS="$d" \
       -D RECEIPT="$d/inference.json" -D BASELINES="$d/baselines.json" >"$d/log.txt" 2>&1 &&
     line=$(python3 - "$d/inference.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
runs = r.get("gst_bitnet", r).get("runs") or r.get("runs") or []
emu = [x.get("emulated") for x in runs]
kern = sorted({k for x in runs for k in x.get("kernels", [])})
tps = sorted(x.get("decode_tokens_per_second", 0) for x in runs)
ok = runs and all(e is True for e in emu) and any("neon" in k for k in kern)
print(("ok" if ok else "bad"), f"{len(runs)} runs, emulated={set(emu)}, decode {tps[len(tps)//2]:.1f} tok/s (emulated),",
      "kernels", " ".join(k for k in kern if "neon" in k))
PY
     ) && [ "${line%% *}" = ok ]; then
    echo "aarch64 benchmark $size: PASS ${line#ok } ($(( $(now) - t0 )) s)"
  else
    echo "aarch64 benchmark $size: FAIL ${line:-} (log: $d/log.txt)"
    tail -n 5 "$d/log.txt" | sed 's/^/#   /'
    status=1
  fi
done

echo "# 3. crossval: the aarch64 engine against the x86_64 engine on the same file"
t0=$(now)
for size in tiny small; do
  for weights in tq2_0 i2s; do
    g=$OUT/$size-$weights.gguf
    case $weights in
      i2s) pipe="fixture-src size=$size arch=bitnet seed=42 ! quantizer format=i2s ! model-sink location=$g" ;;
      *) pipe="fixture-src size=$size arch=bitnet weights=$weights seed=42 location=$g ! fakesink" ;;
    esac
    # shellcheck disable=SC2086
    BN_PLUGIN_PATH="$NATIVE/elements" BN_PLUGIN_SYSTEM_PATH= "$NATIVE/gst-bitnet/tools/bn-launch" -q $pipe \
      >"$OUT/write-$size-$weights.log" 2>&1 || { echo "crossval aarch64 $size-$weights: FAIL writing $g"; status=1; continue; }
    "$NATIVE/tests/platforms/bn-dump-logits" "$g" "$OUT/$size-$weights-x86_64.f32" "$STEPS" 16 42 \
      >"$OUT/$size-$weights-x86_64.json" &&
    "$ROOT/build-aux/qemu-aarch64.sh" "$CROSS/tests/platforms/bn-dump-logits" "$g" "$OUT/$size-$weights-aarch64.f32" \
      "$STEPS" 16 42 >"$OUT/$size-$weights-aarch64.json" &&
    python3 "$ROOT/tests/platforms/crossval-logits.py" "$OUT/$size-$weights-x86_64.f32" \
      "$OUT/$size-$weights-x86_64.json" "$OUT/$size-$weights-aarch64.f32" "$OUT/$size-$weights-aarch64.json" \
      "$size-$weights" || status=1
  done
done
echo "# crossval took $(( $(now) - t0 )) s"
[ $status -eq 0 ] && echo "aarch64 end to end: PASS" || echo "aarch64 end to end: FAIL"
exit $status
