#!/bin/sh
# gst-bitnet: cross-compile the kernels and their tests for aarch64 and run
# them under qemu-user, so the NEON paths (with and without dotprod) are
# tested for real on an x86 machine.
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Usage: tests/kernels/run-aarch64-qemu.sh [BUILD_DIR]
#
# Needs gcc-aarch64-linux-gnu, libc6-dev-arm64-cross and qemu-user (Debian):
# installs them with
# apt-get when they are missing and we run as root, else prints the
# command and exits 77 (skip). No meson: the kernels are plain C and are
# compiled directly. Prints one TAP stream: every test program runs twice,
# on an emulated CPU with dotprod (-cpu max) and one without
# (-cpu cortex-a57). Exits non-zero when a test fails.

set -eu

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${1:-${TMPDIR:-/tmp}/bn-kernels-aarch64}
CC=${CROSS_CC:-aarch64-linux-gnu-gcc}
PACKAGES="gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user"

find_qemu () {
  for q in qemu-aarch64 qemu-aarch64-static; do
    if command -v "$q" >/dev/null 2>&1; then
      echo "$q"
      return 0
    fi
  done
  return 1
}

# the compiler alone is not enough: it also needs the target's libc headers
can_cross_compile () {
  command -v "$CC" >/dev/null 2>&1 &&
    printf '#include <stdint.h>\nint main (void) { return 0; }\n' |
    "$CC" -static -x c -o /dev/null - >/dev/null 2>&1
}

if ! can_cross_compile || ! find_qemu >/dev/null; then
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "1..0 # SKIP missing $CC, its libc or qemu-aarch64; install with:"
    echo "#   sudo apt-get install -y $PACKAGES"
    exit 77
  fi
  echo "# installing $PACKAGES" >&2
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y --no-install-recommends $PACKAGES >&2; then
    apt-get update >&2
    apt-get install -y --no-install-recommends $PACKAGES >&2
  fi
fi
QEMU=$(find_qemu)

mkdir -p "$OUT"
CFLAGS="-O2 -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror \
  -Wno-unused-parameter -Wno-missing-field-initializers -ffp-contract=off"

# generic, forward-pass and NEON sources (kernels/x86/ is for another
# architecture); the subfolders find the shared headers in kernels/
objs=""
for src in "$ROOT"/kernels/*.c "$ROOT"/kernels/forward/*.c "$ROOT"/kernels/arm/*.c; do
  base=$(basename "$src" .c)
  case "$base" in
    *-neondot) march="-march=armv8.2-a+dotprod" ;;
    *) march="-march=armv8-a" ;;
  esac
  $CC $CFLAGS $march -I"$ROOT/kernels" -c "$src" -o "$OUT/$base.o"
  objs="$objs $OUT/$base.o"
done

tests=""
for src in "$ROOT"/tests/kernels/test-*.c; do
  name=$(basename "$src" .c)
  $CC $CFLAGS -march=armv8-a -I"$ROOT" -static -o "$OUT/$name" "$src" $objs \
    -lm -lpthread
  tests="$tests $name"
done

# Run everything, renumbering the TAP lines into one stream.
. "$ROOT/tests/kernels/ktap.sh"
for cpu in max cortex-a57; do
  for name in $tests; do
    log="$OUT/$name.$cpu.tap"
    rc=0
    "$QEMU" -cpu "$cpu" "$OUT/$name" >"$log" 2>&1 || rc=$?
    echo "# $name on qemu-aarch64 -cpu $cpu (exit $rc)"
    ktap_merge "$log" "$rc" "$name" "aarch64 $cpu"
  done
done
echo "1..$n"
[ "$failed" -eq 0 ]
