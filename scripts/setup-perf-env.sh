#!/bin/sh
# The seed's environment set-up: installs what is missing, builds, writes the
# test fixtures, fetches llama.cpp, and reports how deterministic this machine
# is for benchmarking (changing what it may with --tune).
# SPDX-License-Identifier: LGPL-2.1-or-later
set -u
. "$(dirname "$0")/bn-env.sh"

usage () {
  cat <<USAGE
Usage: $BN_PROG [OPTION]...
Prepares this machine for benchmarking:
  1. installs the Debian packages the build needs (as root; else prints the command);
  2. builds the toolkit (BUILDDIR, default build/; a new build is configured
     with buildtype=release, an existing one is only brought up to date);
  3. writes the tiny, small and medium fixtures to crossval/fixtures/ (--fixtures-dir);
  4. fetches the pinned llama.cpp build for cross-validation (not with --skip-cpp);
  5. reports the determinism of the machine: CPU frequency governor, turbo,
     ASLR, SMT, other load; with --tune (as root) sets the governor to
     performance and turns turbo off, and says what it could not change.

Options:
  --features cpu|gpu        gpu configures the CUDA kernels (needs nvcc)
  --cross --target T        prepare for target T; only this machine's own
    [--use-cross]           platform is available (others: exit 5)
  --skip-cpp                do not fetch llama.cpp
  --fixtures-dir DIR        where the fixtures go (default crossval/fixtures)
  --tune                    change the frequency governor and turbo (root)
  -h, --help                this help

Exit status: 0 ready; 1 a step failed (the message says which); 2 usage
error; 5 a feature or target this machine cannot provide.
USAGE
}

features=cpu cross= target= use_cross= cpp=yes fixtures=crossval/fixtures tune=
while [ $# -gt 0 ]; do
  case $1 in
    -h|--help) usage; exit 0 ;;
    --features) bn_need_value "$1" "${2-}"; bn_one_of "$1" "$2" cpu gpu; features=$2; shift ;;
    --cross) cross=yes ;;
    --target) bn_need_value "$1" "${2-}"; target=$2; shift ;;
    --use-cross) use_cross=yes ;;
    --skip-cpp) cpp=no ;;
    --fixtures-dir) bn_need_value "$1" "${2-}"; fixtures=$2; shift ;;
    --tune) tune=yes ;;
    *) bn_usage_error "unknown option \"$1\"" ;;
  esac
  shift
done
[ -n "$cross" ] && [ -z "$target" ] && bn_usage_error "--cross needs --target T"
[ -n "$use_cross" ] && [ -z "$target" ] && bn_usage_error "--use-cross needs --target T"
bn_target_check "$target" "$use_cross"

# 1. packages
bn_say "checking Debian packages"
sh "$BN_SRCDIR/build-aux/install-deps.sh" || bn_die $BN_EXIT_FAILED "missing packages (see above)"

# 2. build
b=${BUILDDIR:-build}
case $b in /*) ;; *) b=$BN_SRCDIR/$b ;; esac
if [ ! -f "$b/build.ninja" ]; then
  bn_say "configuring $b (buildtype=release)"
  meson setup "$b" "$BN_SRCDIR" --buildtype=release -Dintrospection=enabled \
    || bn_die $BN_EXIT_FAILED "meson setup failed"
fi
if [ "$features" = gpu ]; then
  command -v nvcc >/dev/null 2>&1 \
    || bn_die $BN_EXIT_UNAVAILABLE "--features gpu: nvcc (the CUDA compiler) is not installed; --features cpu needs none"
  meson configure "$b" -Dcuda=enabled || bn_die $BN_EXIT_FAILED "cannot enable CUDA in $b"
fi
bn_say "building in $b ($(meson introspect "$b" --buildoptions 2>/dev/null | python3 -c 'import json,sys; print([o["value"] for o in json.load(sys.stdin) if o["name"]=="buildtype"][0])' 2>/dev/null || echo "?"))"
meson compile -C "$b" >/dev/null || bn_die $BN_EXIT_FAILED "the build failed: run meson compile -C $b to see why"
BUILDDIR=$b
bn_find_toolkit

# 3. fixtures
bn_say "writing fixtures to $fixtures"
bn_launch -q -f "$BN_SRCDIR/pipelines/gen-fixtures.bnp" -D DIR="$fixtures" \
  || bn_die $BN_EXIT_FAILED "could not write the fixtures to $fixtures"
ls "$fixtures"/*.gguf | sed 's/^/  /'

# 4. llama.cpp
if [ "$cpp" = yes ]; then
  sh "$BN_SRCDIR/build-aux/fetch-llama-cpp.sh" || bn_die $BN_EXIT_FAILED "could not fetch llama.cpp (--skip-cpp to go without)"
else
  bn_say "llama.cpp: skipped (--skip-cpp); --include-cpp benchmarks need it"
fi

# 5. determinism
bn_say "determinism of this machine:"
sys=/sys/devices/system/cpu
report () { printf '  %-18s %s\n' "$1" "$2"; }
gov=$(cat $sys/cpu0/cpufreq/scaling_governor 2>/dev/null || true)
if [ -z "$gov" ]; then
  report "governor" "not exposed (a virtual machine or container): cannot be checked or set"
elif [ "$gov" = performance ]; then
  report "governor" "performance (good)"
elif [ -n "$tune" ]; then
  if for g in $sys/cpu*/cpufreq/scaling_governor; do echo performance > "$g" || exit 1; done 2>/dev/null; then
    report "governor" "was $gov, changed to performance"
  else
    report "governor" "$gov: could not change it to performance (needs root and a writable $sys)"
  fi
else
  report "governor" "$gov: figures drift with the clock; --tune (as root) sets performance"
fi
turbo_file=
[ -f $sys/intel_pstate/no_turbo ] && turbo_file=$sys/intel_pstate/no_turbo turbo_off=1
[ -f $sys/cpufreq/boost ] && turbo_file=$sys/cpufreq/boost turbo_off=0
if [ -z "$turbo_file" ]; then
  report "turbo" "not exposed: cannot be checked or set"
elif [ "$(cat $turbo_file)" = "$turbo_off" ]; then
  report "turbo" "off (good)"
elif [ -n "$tune" ] && echo "$turbo_off" > "$turbo_file" 2>/dev/null; then
  report "turbo" "was on, turned off"
else
  report "turbo" "on: clocks depend on temperature and load${tune:+; could not turn it off}${tune:-; --tune (as root) turns it off}"
fi
aslr=$(cat /proc/sys/kernel/randomize_va_space 2>/dev/null || echo "?")
case $aslr in
  0) report "ASLR" "off" ;;
  "?") report "ASLR" "not exposed" ;;
  *) report "ASLR" "on ($aslr): left as it is (a security setting); BITNET_DETERMINISTIC=1 makes results independent of it" ;;
esac
smt=$(cat $sys/smt/active 2>/dev/null || echo "?")
case $smt in
  1) report "SMT" "on: threads may share a core; BITNET_NUM_THREADS at most the core count" ;;
  0) report "SMT" "off (good)" ;;
  *) report "SMT" "not exposed" ;;
esac
load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo "?")
ncpu=$(nproc 2>/dev/null || echo 1)
report "load" "$load over the last minute on $ncpu CPUs$(awk -v l="$load" -v n="$ncpu" 'BEGIN { if (l + 0 > n / 4) print ": other work is running, expect noisy figures" }')"
bn_say "ready: BITNET_STRICT_MODE=1 scripts/run-performance-benchmarks.sh"
exit 0
