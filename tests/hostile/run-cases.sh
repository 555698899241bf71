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
#   R CMD ARGS...   the same for any other command (a script of scripts/)
#   must TEST...    a post-condition (e.g. must test -p fifo)
#   intact TEST...  a post-condition saying what must survive (a failure is
#                   "data destroyed": must test -c node, must cmp a b)
#   notmp           no temporary of ours (*.bn-tmp.*) is left in the case's
#                   directory
#   jsonok FILE...  each FILE that exists is strict JSON (no NaN, Infinity
#                   or nan.0): a failure is "invalid output"
#   jsonsame F ORIG F is unchanged from ORIG, or strict JSON
#   skip WHY        the case cannot run here (e.g. mknod needs root)
#   receipt FILE    copies a real receipt of 6 runs (made once per run)
#   model FILE      copies the tiny fixture model those runs measured
#   baselines FILE  copies a baselines file made from that receipt
#   jset FILE EXPR  edits a JSON file: python's EXPR on r, then written back
#   deadpid         prints the id of a process that has exited
# EXIT is the expected status of the last L (0, 1, 2, 3, 4, "fail" for any of
# 1-4, "any" for any of 0-4, or alternatives such as "any|124" when a
# timeout that SIGTERM ends is what the case asked for). A case passes when
# the status matches, PATTERN (grep -E; "-" for none) is found in the
# output, no other signal or timeout ended the command, the output holds no
# GLib critical or warning and no Python traceback, and every post-condition
# holds. With CAMPAIGN_OUT=FILE, one line per case is appended to FILE:
# "family outcome" (refused, accepted, skipped, or "failed KIND" with KIND
# one of crash, timeout, status, message, destroyed, temporary, output,
# post; tests/hostile/campaign.sh makes its table from these lines).
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
R () {
  timeout -k 5 "${T:-60}" "$@" >out.txt 2>&1
  RC=$?
}
must () {
  "$@" || POST="$POST; [post] post-condition failed: $*"
}
intact () {
  "$@" || POST="$POST; [destroyed] not left intact: $*"
}
notmp () {
  left=$(find . -name '*.bn-tmp.*' 2>/dev/null | head -n 3)
  [ -z "$left" ] || POST="$POST; [temporary] temporaries left: $(echo $left)"
}
jsonok () {
  bad=$(python3 -c 'import json, os, sys
def bad(c):
    raise ValueError("non-finite number " + c)
for f in sys.argv[1:]:
    if os.path.isfile(f) and not os.path.islink(f):
        try:
            json.loads(open(f, "rb").read().decode("utf-8"), parse_constant=bad)
        except Exception:
            print(f)' "$@" 2>&1)
  [ -z "$bad" ] || POST="$POST; [output] not strict JSON: $(echo $bad)"
}
jsonsame () {
  # FILE is as it was (ORIG) or strict JSON: a refused input is left alone
  cmp -s "$1" "$2" || jsonok "$1"
}
model () {
  cp "$WORK/good-model.gguf" "$1"
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
(cd "$WORK" && "$BN_LAUNCH" fixture-src size=tiny location=good-model.gguf ! kernel-executor tokens=4 iterations=6 \
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
  # the statuses this case allows: "any|124" is 0-4 or 124
  allowed=
  for w in $(echo "$want" | tr '|' ' '); do
    case "$w" in
      fail) allowed="$allowed 1 2 3 4" ;;
      any) allowed="$allowed 0 1 2 3 4" ;;
      *) allowed="$allowed $w" ;;
    esac
  done
  kind=
  case " $allowed " in
    *" $RC "*) ;;
    *) case "$RC" in
         none|'') why="the command was not run" kind=post ;;
         124|137) why="timed out (status $RC)" kind=timeout ;;
         *) if [ "$RC" -gt 4 ]; then why="ended by a signal or crashed (status $RC)" kind=crash
            else why="status $RC, expected $want" kind=status; fi ;;
       esac ;;
  esac
  if [ -z "$why" ] && grep -Eq -- '-CRITICAL \*\*|GLib(-GObject)?-WARNING \*\*|^Traceback \(most recent' "$dir/out.txt" 2>/dev/null; then
    why="a GLib critical or warning, or a Python traceback, in the output" kind=crash
  fi
  if [ -z "$why" ] && [ "$pattern" != - ] && ! grep -Eq -- "$pattern" "$dir/out.txt" 2>/dev/null; then
    why="no match for /$pattern/ in the output" kind=message
  fi
  if [ -z "$why" ] && [ -n "$POST" ]; then
    why=${POST#; }
    kind=${why#\[}; kind=${kind%%\]*}
  fi
  if [ -z "$why" ]; then
    echo "ok $n - $id: $what"
    case "$RC" in 0|124) outcome=accepted ;; *) outcome=refused ;; esac
  else
    echo "not ok $n - $id: $what ($why)"
    sed 's/^/#   /' "$dir/out.txt" 2>/dev/null | tail -n 8
    sed 's/^/#   stderr: /' "$dir/.stderr" | tail -n 4
    outcome="failed $kind"
  fi
  [ -n "${CAMPAIGN_OUT:-}" ] && echo "$family $outcome" >>"$CAMPAIGN_OUT"
  rm -rf "$dir"
done <"$cases"
exit 0
