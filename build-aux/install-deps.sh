#!/bin/sh
# Installs the Debian packages the build needs, when they are missing.
# As root it runs apt-get; otherwise it prints the exact command and fails.
# Usage: build-aux/install-deps.sh [extra-package...]
set -eu

# gobject-introspection and libgirepository1.0-dev build the GIR and typelibs;
# python3-gi, gir1.2-glib-2.0 and gir1.2-json-1.0 run the Python scripts and tests.
# libsodium-dev signs receipts and hashes models (Ed25519, BLAKE2b);
# libsqlite3-dev, libpq-dev and libcairo2-dev build the history plugin
# (history database on SQLite or PostgreSQL, trend plots).
# yamllint, python3-yaml and jq test the CI workflow (tests/ci: its lint, and
# the local runner whose gh stand-in evaluates --jq with jq).
PACKAGES="meson ninja-build pkg-config gcc libglib2.0-dev libjson-glib-dev libsodium-dev gettext python3
  gobject-introspection libgirepository1.0-dev python3-gi gir1.2-glib-2.0 gir1.2-json-1.0
  libsqlite3-dev libpq-dev libcairo2-dev yamllint python3-yaml jq $*"

missing=""
for p in $PACKAGES; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "Missing Debian packages:$missing" >&2
  echo "Install them with:" >&2
  echo "  sudo apt-get install -y$missing" >&2
  exit 1
fi
echo "Installing:$missing"
export DEBIAN_FRONTEND=noninteractive
# An old or empty package list makes apt-get miss packages: refresh it first.
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing
