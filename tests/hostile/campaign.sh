#!/bin/sh
# The hostile campaign (issue 21): generates some 2,000 hostile cases and runs
# them against the built tools, then prints a table of what happened.
#
#   tests/hostile/campaign.sh [BUILDDIR]        (default: build)
#   make hostile                                 (the same, BUILDDIR=build)
#   meson test -C BUILDDIR --suite hostile-campaign
#
# Families (tests/hostile/campaign-cases.py generates them; the same inputs
# give the same cases in the same order):
#   props     every writable property of every element (bn-inspect --json)
#             set to hostile values: negative, 2^64, 1e308, nan, inf, empty,
#             words, 100 KB strings, control bytes; where the property is a
#             path: device nodes, FIFOs, directories, symlinks (dangling, to
#             a file, to /proc/self/fd/1), missing parents, names too long;
#             integers at their range's maximum
#   gguf      the tiny fixture mutated field by field (tests/hostile/
#             gguf-mutate.py): truncations at every boundary, header counts,
#             versions, key and string lengths, value types, every numeric
#             hyper-parameter to 0 / 2^32-1 / nan / inf, tensor offsets past
#             EOF, tensor types out of range, dimensions, NaN/inf weights
#   gguf-py   files written by llama.cpp's own gguf-py with odd metadata,
#             through both engines and crossval (needs numpy; gguf-py comes
#             from the pinned llama.cpp npm package, or BN_GGUF_PY=DIR)
#   json      receipts and baselines with every member set to each wrong
#             JSON type, numbers JSON cannot hold, and whole-file damage
#             (BOM, NUL, deep nesting, 10 MB strings, 70 MB files,
#             truncations), through receipt-src ! strict-validator !
#             receipt-sink, baseline-sink and regression-analyzer
#   scripts   scripts/validate-performance-receipts.py and
#             detect-performance-regression.py on damaged files and options;
#             compare-builds.py --probe on damaged JSON-lines and llama-bench
#             output (FIFOs, 70 MB, binary, BOM, deep nesting...)
#   parse     the description language: quotes, escapes, NUL, nested and
#             recursive defaults, bad names, unknown elements and
#             properties, links that cannot be made
#   writer    every writer into device nodes (made with mknod in the case's
#             own directory, never a system node), FIFOs, sockets,
#             directories, symlinks, hard links, read-only files and
#             folders, stale and live temporaries, a full disk (a 16 KiB
#             tmpfs of the case's own; skipped where mount is refused)
#   merge     concurrent writers of one file; baseline-sink merges
#   signal    SIGINT and SIGTERM at several moments of a run; kill -9, then
#             the same run again
#
# Every case runs in its own temporary directory under a timeout (run-cases.sh).
# A case fails on: a crash or signal, a timeout, a wrong exit status, a GLib
# critical or a Python traceback, data destroyed (a node, link or file the
# case made is not as it was), invalid output (a JSON file that is not
# strict JSON: NaN, Infinity, nan.0) or a temporary of ours left behind.
# Refusing a hostile input with exit 1-4 and a message is clean; so is
# running it, where that is right (a read-only folder is writable by root).
#
# Environment: CAMPAIGN_FAMILIES=props,gguf,... runs only those families;
# CAMPAIGN_LOG=FILE keeps the TAP log (default BUILDDIR/hostile-campaign.log).
# It takes about 15 minutes on two cores. It is not part of `make check`:
# that runs tests/hostile/cases.txt, where each fixed campaign failure stays.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILDDIR=${1:-${BUILDDIR:-build}}
case "$BUILDDIR" in /*) ;; *) BUILDDIR=$(cd "$BUILDDIR" 2>/dev/null && pwd) || { echo "campaign: no build folder $1" >&2; exit 2; } ;; esac
BN_LAUNCH=${BN_LAUNCH:-$BUILDDIR/gst-bitnet/tools/bn-launch}
BN_INSPECT=${BN_INSPECT:-$BUILDDIR/gst-bitnet/tools/bn-inspect}
[ -x "$BN_LAUNCH" ] && [ -x "$BN_INSPECT" ] || { echo "campaign: build first (no $BN_LAUNCH)" >&2; exit 2; }
export BN_LAUNCH BN_INSPECT
if [ -z "${BN_PLUGIN_PATH:-}" ]; then
  BN_PLUGIN_PATH=$(find "$BUILDDIR/elements" -name 'libbn*.so' -exec dirname {} \; | sort -u | tr '\n' ':')$BUILDDIR/tests
fi
export BN_PLUGIN_PATH BN_PLUGIN_SYSTEM_PATH=
export LC_ALL=C.UTF-8 LANGUAGE=
# a GLib critical is a failure, not a line in a log
export G_DEBUG=fatal-criticals
LOG=${CAMPAIGN_LOG:-$BUILDDIR/hostile-campaign.log}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/bn-campaign-XXXXXX")
[ -n "${CAMPAIGN_KEEP:-}" ] || trap 'rm -rf "$WORK"' EXIT

# a Python with numpy for gguf-py (the system's, when a pyenv shadows it)
PY=python3
for p in /usr/bin/python3 python3; do
  if "$p" -c 'import json' 2>/dev/null; then PY=$p; break; fi
done
mkdir -p "$WORK/bin"
ln -s "$(command -v "$PY")" "$WORK/bin/python3"
PATH="$WORK/bin:$PATH"
export PATH

# llama.cpp's gguf-py: BN_GGUF_PY, else from the pinned npm package's source bundle
have_gguf_py=no
GGUF_PY=${BN_GGUF_PY:-}
if [ -z "$GGUF_PY" ] && command -v npm >/dev/null 2>&1; then
  pin=$(sed -n 's/^PIN=//p' "$ROOT/build-aux/fetch-llama-cpp.sh")
  commit=$(sed -n 's/^COMMIT=//p' "$ROOT/build-aux/fetch-llama-cpp.sh")
  if (cd "$WORK" && npm pack --prefer-offline --silent "node-llama-cpp@$pin" >/dev/null 2>&1 \
      && tar -xzf "node-llama-cpp-$pin.tgz" package/llama/gitRelease.bundle \
      && git clone -q --no-checkout package/llama/gitRelease.bundle src 2>/dev/null \
      && git -C src archive "$commit" gguf-py | tar -x -C "$WORK") 2>/dev/null; then
    GGUF_PY=$WORK/gguf-py
  fi
fi
if [ -n "$GGUF_PY" ] && PYTHONPATH=$GGUF_PY python3 -c 'import gguf, numpy' 2>/dev/null; then
  have_gguf_py=yes
  PYTHONPATH=$GGUF_PY${PYTHONPATH:+:$PYTHONPATH}
  export PYTHONPATH
else
  echo "campaign: gguf-py or numpy unavailable: the gguf-py family is skipped" >&2
fi

# may this user mount a small tmpfs (for a full disk)?
can_mount=no
mkdir "$WORK/m"
if mount -t tmpfs -o size=16k tmpfs "$WORK/m" 2>/dev/null; then
  umount "$WORK/m" && can_mount=yes
fi

# the inputs the generator reads: every element's properties, the fixture's
# layout, a receipt and a baselines file like run-cases.sh's
(cd "$WORK" \
  && "$BN_LAUNCH" fixture-src size=tiny location=model.gguf ! kernel-executor tokens=4 iterations=6 \
       ! tee name=t t. ! receipt-sink location=receipt.json \
       t. ! baseline-sink location=baselines.json platform=linux-test >setup.txt 2>&1) \
  || { echo "campaign: cannot make the inputs:" >&2; cat "$WORK/setup.txt" >&2; exit 1; }
{
  echo "["
  sep=
  for e in $("$BN_INSPECT" | sed -n 's/^[a-z]*:  \([a-z0-9-]*\):.*/\1/p'); do
    printf '%s' "$sep"; "$BN_INSPECT" --json "$e"; sep=,
  done
  echo "]"
} >"$WORK/inspect.json"
python3 "$HERE/gguf-mutate.py" layout "$WORK/model.gguf" >"$WORK/layout.json"
python3 "$HERE/campaign-cases.py" "$WORK/inspect.json" "$WORK/layout.json" "$WORK/receipt.json" \
  "$WORK/baselines.json" "$have_gguf_py" "$can_mount" "${CAMPAIGN_FAMILIES:-}" >"$WORK/cases.txt" || exit 1

echo "campaign: $(wc -l <"$WORK/cases.txt") cases; TAP log in $LOG"
# CAMPAIGN_JOBS runners share the cases (default 2: a case mostly waits on
# process start-up); the merge and signal families, whose timing matters,
# run alone afterwards
JOBS=${CAMPAIGN_JOBS:-2}
grep -Ev '^(merge|signal)/' "$WORK/cases.txt" >"$WORK/parallel.txt"
grep -E '^(merge|signal)/' "$WORK/cases.txt" >"$WORK/alone.txt"
start=$(date +%s)
i=0
while [ "$i" -lt "$JOBS" ]; do
  awk -v n="$JOBS" -v i="$i" 'NR % n == i' "$WORK/parallel.txt" >"$WORK/shard-$i.txt"
  : >"$WORK/outcomes-$i"
  T=${T:-20} CAMPAIGN_OUT="$WORK/outcomes-$i" sh "$HERE/run-cases.sh" "$WORK/shard-$i.txt" >"$WORK/log-$i" 2>&1 &
  i=$((i + 1))
done
wait
: >"$WORK/outcomes-alone"
[ -s "$WORK/alone.txt" ] && T=${T:-20} CAMPAIGN_OUT="$WORK/outcomes-alone" sh "$HERE/run-cases.sh" "$WORK/alone.txt" >"$WORK/log-alone" 2>&1
end=$(date +%s)
cat "$WORK"/log-* >"$LOG"
cut -d/ -f1 "$WORK/cases.txt" | uniq >"$WORK/families"
cat "$WORK"/outcomes-* >"$WORK/outcomes"

awk -v secs=$((end - start)) -v machine="$(nproc) cores, $(uname -m), $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)" '
  NR == FNR { if (!($1 in order)) { order[$1] = ++nf; names[nf] = $1 }; next }
  { fam = $1; out = $2; n[fam]++; total++
    if (out == "failed") { f[fam]++; kind[fam] = kind[fam] (kind[fam] == "" ? "" : " ") $3; ft++; k[$3]++ }
    else { c[fam, out]++; t[out]++ } }
  END {
    printf "%-10s %6s %8s %9s %8s %8s  %s\n", "family", "cases", "refused", "accepted", "skipped", "failures", "kinds of failure"
    for (i = 1; i <= nf; i++) {
      fam = names[i]; kinds = ""
      split(kind[fam], ks, " "); delete cnt
      for (j in ks) cnt[ks[j]]++
      for (x in cnt) kinds = kinds (kinds == "" ? "" : ", ") cnt[x] " " x
      printf "%-10s %6d %8d %9d %8d %8d  %s\n", fam, n[fam], c[fam, "refused"], c[fam, "accepted"], c[fam, "skipped"], f[fam], kinds
    }
    kinds = ""
    for (x in k) kinds = kinds (kinds == "" ? "" : ", ") k[x] " " x
    printf "%-10s %6d %8d %9d %8d %8d  %s\n", "total", total, t["refused"], t["accepted"], t["skipped"], ft, kinds
    printf "\n%d s on %s\n", secs, machine
  }' "$WORK/families" "$WORK/outcomes"
grep '^not ok' "$LOG" | sed 's/^/  /'
grep -q '^not ok' "$LOG" && exit 1
exit 0
