# Sourced by the shell scripts in scripts/: where the toolkit is, the exit
# statuses they share, and small helpers. Not a program of its own.
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Exit statuses (every script's --help lists those it uses):
#   0   success
#   1   a run failed (the message names the element)
#   2   usage error: unknown flag, missing or bad value
#   3   a regression gate failed (CRITICAL with --fail-on-regression)
#   4   strict validation failed
#   5   not available here: a platform, target or feature this machine cannot run
#   124 --timeout expired: the run was cancelled, nothing claiming success written
#   130 interrupted
BN_EXIT_OK=0
BN_EXIT_FAILED=1
BN_EXIT_USAGE=2
BN_EXIT_UNAVAILABLE=5

BN_SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
BN_PROG=$(basename "$0")

# The build: BUILDDIR (relative to the source tree or absolute), else build/.
# An installed bn-launch on PATH serves when there is no build.
bn_find_toolkit () {
  b=${BUILDDIR:-build}
  case $b in /*) ;; *) b=$BN_SRCDIR/$b ;; esac
  if [ -n "${BN_LAUNCH:-}" ]; then
    :
  elif [ -x "$b/gst-bitnet/tools/bn-launch" ]; then
    BN_LAUNCH=$b/gst-bitnet/tools/bn-launch
    BN_PLUGIN_PATH=${BN_PLUGIN_PATH:-$b/elements}
    BN_PLUGIN_SYSTEM_PATH=${BN_PLUGIN_SYSTEM_PATH-}
    export BN_PLUGIN_PATH BN_PLUGIN_SYSTEM_PATH
  elif command -v bn-launch >/dev/null 2>&1; then
    BN_LAUNCH=bn-launch
  else
    bn_die $BN_EXIT_FAILED "bn-launch not found: run scripts/setup-perf-env.sh (or make) first"
  fi
  BN_BUILD=$b
}

bn_say () { printf '%s: %s\n' "$BN_PROG" "$*"; }
bn_die () { code=$1; shift; printf '%s: error: %s\n' "$BN_PROG" "$*" >&2; exit "$code"; }
bn_usage_error () {
  printf '%s: %s\nRun %s --help for usage.\n' "$BN_PROG" "$*" "$BN_PROG" >&2
  exit $BN_EXIT_USAGE
}

# bn_need_value FLAG VALUE: a flag's value is present and not another flag
bn_need_value () {
  case ${2-} in
    ''|-*) bn_usage_error "$1 needs a value" ;;
  esac
}
# bn_positive_int FLAG VALUE
bn_positive_int () {
  case $2 in
    ''|*[!0-9]*|0) bn_usage_error "$1 needs a positive whole number, got \"$2\"" ;;
  esac
}
# bn_seconds FLAG VALUE: a positive number of seconds
bn_seconds () {
  case $2 in
    ''|*[!0-9.]*|.|*.*.*) bn_usage_error "$1 needs a number of seconds, got \"$2\"" ;;
  esac
}
# bn_one_of FLAG VALUE CHOICE...
bn_one_of () {
  f=$1; v=$2; shift 2
  for c in "$@"; do [ "$v" = "$c" ] && return 0; done
  bn_usage_error "$f must be one of: $*; got \"$v\""
}

# This machine's platform name, as the baselines file spells it (os-arch).
bn_platform () {
  os=$(uname -s | tr '[:upper:]' '[:lower:]')
  [ "$os" = darwin ] && os=macos
  arch=$(uname -m)
  [ "$arch" = arm64 ] && arch=aarch64
  printf '%s-%s\n' "$os" "$arch"
}

# The platform the toolkit's programs see: this machine's, or another
# architecture's when the build (BUILDDIR, or BN_LAUNCH) is an aarch64 cross
# build that runs here under qemu-user (docs/platforms.md). Read from the
# ELF header of bn-launch (e_machine: 0xb7 aarch64, 0x3e x86_64).
bn_toolkit_platform () {
  here=$(bn_platform)
  b=${BUILDDIR:-build}
  case $b in /*) ;; *) b=$BN_SRCDIR/$b ;; esac
  exe=${BN_LAUNCH:-$b/gst-bitnet/tools/bn-launch}
  arch=
  if [ -f "$exe" ]; then
    case $(od -An -tx1 -j18 -N2 "$exe" | tr -d ' \n') in
      b700) arch=aarch64 ;; 3e00) arch=x86_64 ;;
    esac
  fi
  if [ -n "$arch" ] && [ "${here#*-}" != "$arch" ]; then
    printf '%s-%s\n' "${here%%-*}" "$arch"
  else
    printf '%s\n' "$here"
  fi
}

# bn_emulate PLATFORM: run the toolkit of another architecture under
# qemu-user (build-aux/qemu-aarch64.sh), its runs marked emulated
bn_emulate () {
  case $1 in
    *-aarch64) BN_LAUNCH_WRAPPER=$BN_SRCDIR/build-aux/qemu-aarch64.sh ;;
    *) bn_die $BN_EXIT_UNAVAILABLE "no emulator for $1 here" ;;
  esac
}

# bn_target_check TARGET USE_CROSS: the seed's --target (a Rust triple such as
# aarch64-unknown-linux-gnu, or a platform name such as linux-aarch64) must be
# this machine; anything else is reported, never measured here and relabelled.
bn_target_check () {
  [ -z "$1" ] && return 0
  here=$(bn_platform)
  arch=${1%%-*}
  case $1 in
    *linux*) os=linux ;; *apple*|*darwin*|*macos*) os=macos ;; *windows*) os=windows ;; *) os=unknown ;;
  esac
  if [ "$os-$arch" = "$here" ]; then
    [ -n "$2" ] && bn_say "--use-cross: $1 is this machine's own platform; building natively"
    return 0
  fi
  bn_die $BN_EXIT_UNAVAILABLE "target $1 ($os-$arch) cannot run on this $here machine, and figures measured here must not be labelled $os-$arch; run this script on a $os-$arch machine"
}

# bn_launch ARGS...: bn-launch, its exit status passed through
bn_launch () {
  if [ -n "${BN_LAUNCH_WRAPPER:-}" ]; then
    "$BN_LAUNCH_WRAPPER" "$BN_LAUNCH" "$@"
  else
    "$BN_LAUNCH" "$@"
  fi
}
