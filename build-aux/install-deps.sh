#!/bin/sh
# Installs the Debian packages the build needs, when they are missing.
# As root it runs apt-get; otherwise it prints the exact command and fails.
# Usage: build-aux/install-deps.sh [--aarch64] [--wasm] [extra-package...]
#   --aarch64  the aarch64 cross build (docs/platforms.md): Debian's cross
#              compiler, qemu-user with its binfmt handler (registered here
#              when the kernel's binfmt_misc allows it), and the arm64
#              builds of the libraries through multiarch (arm64 is added to
#              dpkg's architectures). libpq-dev:arm64 is not among them:
#              Debian 12's libpq-dev is not Multi-Arch: same, and installing
#              it would remove the build machine's own.
#   --wasm     the WebAssembly kernels: clang, lld, wasi-libc, the wasm32
#              compiler runtime and Node.js (its WASI runs the tests).
set -eu

AARCH64_PACKAGES="gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user qemu-user-binfmt
  libglib2.0-dev:arm64 libjson-glib-dev:arm64 libsodium-dev:arm64 libsqlite3-dev:arm64 libcairo2-dev:arm64"
WASM_PACKAGES="clang lld wasi-libc libclang-rt-14-dev-wasm32 nodejs"
extra=""
aarch64=false
for a in "$@"; do
  case "$a" in
    --aarch64) aarch64=true; extra="$extra $AARCH64_PACKAGES" ;;
    --wasm) extra="$extra $WASM_PACKAGES" ;;
    *) extra="$extra $a" ;;
  esac
done

# qemu-user-binfmt ships the handler in /usr/lib/binfmt.d; systemd-binfmt
# registers it at boot, which a container never does: register it here, so
# that aarch64 programs an emulated program starts (a test's subprocess)
# run under qemu too.
register_binfmt () {
  conf=/usr/lib/binfmt.d/qemu-aarch64.conf
  [ -f "$conf" ] && [ "$(id -u)" -eq 0 ] || return 0
  if [ ! -f /proc/sys/fs/binfmt_misc/register ]; then
    mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc 2>/dev/null || true
  fi
  if [ -f /proc/sys/fs/binfmt_misc/register ] && [ ! -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ]; then
    cat "$conf" >/proc/sys/fs/binfmt_misc/register 2>/dev/null ||
      echo "install-deps: could not register qemu-aarch64 with binfmt_misc" >&2
  fi
}

# gobject-introspection and libgirepository1.0-dev build the GIR and typelibs;
# python3-gi, gir1.2-glib-2.0 and gir1.2-json-1.0 run the Python scripts and tests.
# libsodium-dev signs receipts and hashes models (Ed25519, BLAKE2b);
# libsqlite3-dev, libpq-dev and libcairo2-dev build the history plugin
# (history database on SQLite or PostgreSQL, trend plots).
# python3-numpy runs llama.cpp's gguf-py in the crossval tests (a GGUF file
# written by llama.cpp's own writer).
# yamllint, python3-yaml and jq test the CI workflow (tests/ci: its lint, and
# the local runner whose gh stand-in evaluates --jq with jq).
PACKAGES="meson ninja-build pkg-config gcc libglib2.0-dev libjson-glib-dev libsodium-dev gettext python3
  gobject-introspection libgirepository1.0-dev python3-gi gir1.2-glib-2.0 gir1.2-json-1.0
  libsqlite3-dev libpq-dev libcairo2-dev yamllint python3-yaml python3-numpy jq $extra"

missing=""
for p in $PACKAGES; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done
if [ -z "$missing" ]; then
  if $aarch64; then register_binfmt; fi
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "Missing Debian packages:$missing" >&2
  echo "Install them with:" >&2
  echo "  sudo apt-get install -y$missing" >&2
  exit 1
fi
echo "Installing:$missing"
export DEBIAN_FRONTEND=noninteractive
if $aarch64 && ! dpkg --print-foreign-architectures | grep -qx arm64; then
  dpkg --add-architecture arm64
fi
# An old or empty package list makes apt-get miss packages: refresh it first.
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
if $aarch64; then register_binfmt; fi
