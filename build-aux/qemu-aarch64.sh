#!/bin/sh
# Runs an aarch64 program on this machine under qemu-user: the exe_wrapper of
# build-aux/cross/aarch64-linux-gnu.ini, and what tests and scripts of an
# aarch64 build use to start its programs (docs/platforms.md).
#
#   build-aux/qemu-aarch64.sh PROGRAM [ARG...]
#
# It sets BN_EMULATOR (read by bn_machine_emulated(), which marks every run
# record and receipt `emulated`) to the emulator's name, and QEMU_CPU to max
# unless set (a CPU with dotprod; QEMU_CPU=cortex-a57 emulates one without).
# The arm64 dynamic loader and libraries come from Debian multiarch
# (/lib/ld-linux-aarch64.so.1 with libc6:arm64); without them, from the
# cross toolchain's folder (QEMU_LD_PREFIX=/usr/aarch64-linux-gnu).
# SPDX-License-Identifier: LGPL-2.1-or-later
set -eu

qemu=
for q in qemu-aarch64 qemu-aarch64-static; do
  if command -v "$q" >/dev/null 2>&1; then qemu=$q; break; fi
done
if [ -z "$qemu" ]; then
  echo "qemu-aarch64.sh: qemu-aarch64 is not installed (Debian package qemu-user)" >&2
  exit 127
fi
if [ -z "${QEMU_LD_PREFIX:-}" ] && [ ! -e /lib/ld-linux-aarch64.so.1 ] && [ -d /usr/aarch64-linux-gnu ]; then
  export QEMU_LD_PREFIX=/usr/aarch64-linux-gnu
fi
export QEMU_CPU="${QEMU_CPU:-max}"
export BN_EMULATOR="$qemu"
exec "$qemu" "$@"
