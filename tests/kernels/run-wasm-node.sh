#!/bin/sh
# gst-bitnet: build the kernels and their tests for wasm32-wasi with the
# SIMD128 variant (kernels/wasm/) and run them under Node.js's WASI, so the
# same bit-exact parity tests as on x86 and aarch64 hold in WebAssembly;
# then print the kernel throughput of bn-wasm-probe, marked as a
# WebAssembly engine's figure.
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Usage: tests/kernels/run-wasm-node.sh [BUILD_DIR]
#
# Needs clang, lld, wasi-libc, libclang-rt-14-dev-wasm32 and nodejs
# (Debian 12; build-aux/install-deps.sh --wasm installs them): when one is
# missing it prints the command and exits 77 (skip). No meson: kernels/ is
# plain C. BN_WASM_PROBE_SECONDS (default 0.2) times each probe figure; 0
# skips the probe. Prints one TAP stream; exits non-zero when a test fails.
# kernels/bn-threads.c (pthreads: wasi-libc has none) and the forward pass
# that needs it are left out: the tests do not use them.

set -eu

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${1:-${TMPDIR:-/tmp}/bn-kernels-wasm}
CC=${WASM_CC:-clang}
WASI_LIBDIR=${WASI_LIBDIR:-/usr/lib/wasm32-wasi}
WASI_INCDIR=${WASI_INCDIR:-/usr/include/wasm32-wasi}
NODE=${NODE:-node}
PACKAGES="clang lld wasi-libc libclang-rt-14-dev-wasm32 nodejs"

if ! command -v "$CC" >/dev/null 2>&1 || ! command -v "$NODE" >/dev/null 2>&1 ||
   ! command -v wasm-ld >/dev/null 2>&1 || [ ! -f "$WASI_LIBDIR/libc.a" ]; then
  echo "1..0 # SKIP missing clang, wasm-ld, wasi-libc or node; install with:"
  echo "#   sudo apt-get install -y $PACKAGES"
  exit 77
fi

# Debian keeps wasi-libc's headers and libraries in multiarch folders; a
# sysroot of two links gives clang exactly those and none of the build
# machine's headers.
mkdir -p "$OUT/sysroot/lib"
ln -sfn "$WASI_INCDIR" "$OUT/sysroot/include"
ln -sfn "$WASI_LIBDIR" "$OUT/sysroot/lib/wasm32-wasi"

CFLAGS="--target=wasm32-wasi --sysroot=$OUT/sysroot -msimd128 -O2 -std=gnu11 -D_GNU_SOURCE
  -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers -ffp-contract=off"

objs=""
for src in "$ROOT"/kernels/*.c "$ROOT"/kernels/wasm/*.c; do
  base=$(basename "$src" .c)
  [ "$base" = bn-threads ] && continue
  # shellcheck disable=SC2086
  $CC $CFLAGS -I"$ROOT/kernels" -c "$src" -o "$OUT/$base.o"
  objs="$objs $OUT/$base.o"
done

tests=""
for src in "$ROOT"/tests/kernels/test-*.c; do
  name=$(basename "$src" .c)
  # shellcheck disable=SC2086
  $CC $CFLAGS -I"$ROOT" -o "$OUT/$name.wasm" "$src" $objs -lm
  tests="$tests $name"
done
# shellcheck disable=SC2086
$CC $CFLAGS -I"$ROOT" -I"$ROOT/kernels/bench" -o "$OUT/bn-wasm-probe.wasm" "$ROOT/kernels/bench/bn-wasm-probe.c" $objs -lm

. "$ROOT/tests/kernels/ktap.sh"
for name in $tests; do
  log="$OUT/$name.tap"
  rc=0
  "$NODE" --no-warnings "$ROOT/tests/kernels/wasi-run.mjs" "$OUT/$name.wasm" >"$log" 2>&1 || rc=$?
  echo "# $name on wasm32-wasi (node $("$NODE" --version), exit $rc)"
  ktap_merge "$log" "$rc" "$name" wasm32
done

seconds=${BN_WASM_PROBE_SECONDS:-0.2}
if [ "$seconds" != 0 ]; then
  "$NODE" --no-warnings "$ROOT/tests/kernels/wasi-run.mjs" "$OUT/bn-wasm-probe.wasm" "$seconds" 2>&1 |
    sed 's/^/# /'
fi
echo "1..$n"
[ "$failed" -eq 0 ]
