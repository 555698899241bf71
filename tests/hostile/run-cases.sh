#!/bin/sh
# Runs hostile cases against the built tools and prints TAP.
#
#   run-cases.sh CASES-FILE...
#
# Each line of a cases file is one case:
#
#   family/name :: EXIT :: PATTERN :: COMMAND :: what it checks
#
# COMMAND is shell run in a fresh empty directory, with these helpers:
#   L ARGS...       runs bn-launch (killed after $T seconds, default 60);
#                   sets RC and writes its output to out.txt
#   must TEST...    a post-condition (e.g. must test -p fifo)
#   skip WHY        the case cannot run here (e.g. mknod needs root)
#   receipt FILE    copies a real receipt of 6 runs (made once per run)
#   baselines FILE  copies a baselines file made from that receipt
#   jset FILE EXPR  edits a JSON file: python's EXPR on r, then written back
#   deadpid         prints the id of a process that has exited
# EXIT is the expected status of the last L (0, 1, 2, 3, 4, or "fail" for any
# of 1-4). A case passes when the status matches, PATTERN (grep -E; "-" for
# none) is found in the output, no signal or timeout ended bn-launch, and
# every post-condition holds. With CAMPAIGN_OUT=FILE, one line per case is
# appended to FILE: "family outcome" (refused, accepted, failed, skipped).
set -u
: "${BN_LAUNCH:?BN_LAUNCH must name the bn-launch binary}"
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/bn-hostile-XXXXXX")
trap 'rm -rf "$WORK"' EXIT
export LC_ALL=C

L () {
  timeout -k 5 "${T:-60}" "$BN_LAUNCH" "$@" >out.txt 2>&1
  RC=$?
}
must () {
  "$@" || POST="$POST; post-condition failed: $*"
}
skip () {
  SKIP=$1
}
receipt () {
  cp "$WORK/good-receipt.json" "$1"
}
baselines () {
  cp "$WORK/good-baselines.json" "$1"
}
jset () {
  python3 - "$1" "$2" <<'EOF'
import json, sys
with open(sys.argv[1]) as f:
    r = json.load(f)
exec(sys.argv[2])
with open(sys.argv[1], "w") as f:
    f.write(json.dumps(r, allow_nan=True))
EOF
}
deadpid () {
  sh -c 'echo $$'
}

# one real receipt and baselines file, shared by the cases that read them
(cd "$WORK" && "$BN_LAUNCH" fixture-src size=tiny ! kernel-executor tokens=4 iterations=6 \
   ! tee name=t t. ! receipt-sink location=good-receipt.json \
   t. ! baseline-sink location=good-baselines.json platform=linux-test >setup.txt 2>&1) || {
  echo "Bail out! cannot make the shared receipt:"; sed 's/^/# /' "$WORK/setup.txt"; exit 1; }
export ROOT

n=0
cases=$(mktemp "$WORK/cases-XXXXXX")
cat "$@" | grep -v '^#' | grep -v '^[[:space:]]*$' >"$cases"
total=$(wc -l <"$cases")
echo "1..$total"
while IFS= read -r line; do
  n=$((n + 1))
  id=${line%% :: *}; rest=${line#* :: }
  want=${rest%% :: *}; rest=${rest#* :: }
  pattern=${rest%% :: *}; rest=${rest#* :: }
  cmd=${rest%% :: *}; what=${rest#* :: }
  dir="$WORK/case-$n"
  mkdir -p "$dir"
  RC=none POST= SKIP=
  (cd "$dir" && eval "$cmd"; echo "RC=$RC" >"$dir/.rc"; printf '%s' "$POST" >"$dir/.post"; printf '%s' "$SKIP" >"$dir/.skip") \
    </dev/null >/dev/null 2>"$dir/.stderr"
  RC=$(sed -n 's/^RC=//p' "$dir/.rc" 2>/dev/null); POST=$(cat "$dir/.post" 2>/dev/null); SKIP=$(cat "$dir/.skip" 2>/dev/null)
  family=${id%%/*}
  why=
  if [ -n "$SKIP" ]; then
    echo "ok $n - $id # SKIP $SKIP"
    [ -n "${CAMPAIGN_OUT:-}" ] && echo "$family skipped" >>"$CAMPAIGN_OUT"
    continue
  fi
  case "$RC" in
    none|'') why="bn-launch was not run" ;;
    124|137) why="timed out (status $RC)" ;;
    *) if [ "$RC" -gt 4 ]; then why="ended by a signal or crashed (status $RC)"; fi ;;
  esac
  if [ -z "$why" ]; then
    case "$want" in
      fail) [ "$RC" -ge 1 ] && [ "$RC" -le 4 ] || why="status $RC, expected a refusal (1-4)" ;;
      *) [ "$RC" = "$want" ] || why="status $RC, expected $want" ;;
    esac
  fi
  if [ -z "$why" ] && [ "$pattern" != - ] && ! grep -Eq -- "$pattern" "$dir/out.txt" 2>/dev/null; then
    why="no match for /$pattern/ in the output"
  fi
  [ -z "$why" ] && [ -n "$POST" ] && why=${POST#; }
  if [ -z "$why" ]; then
    echo "ok $n - $id: $what"
    outcome=accepted
    [ "$RC" != 0 ] && outcome=refused
  else
    echo "not ok $n - $id: $what ($why)"
    sed 's/^/#   /' "$dir/out.txt" 2>/dev/null | tail -n 8
    sed 's/^/#   stderr: /' "$dir/.stderr" | tail -n 4
    outcome=failed
  fi
  [ -n "${CAMPAIGN_OUT:-}" ] && echo "$family $outcome" >>"$CAMPAIGN_OUT"
  rm -rf "$dir"
done <"$cases"
exit 0
