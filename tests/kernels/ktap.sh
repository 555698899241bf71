# Sourced by tests/kernels/run-*.sh: merges the TAP output of several test
# programs into one stream, numbered from 1 (the shell twin of ktap.h).
# SPDX-License-Identifier: LGPL-2.1-or-later
n=0
failed=0

# ktap_merge LOG RC NAME TAG: the TAP lines of LOG renumbered and tagged
# [TAG]; a program that exited with RC != 0 without a failing case counts
# as one failure.
ktap_merge () {
  while IFS= read -r line; do
    case "$line" in
      "ok "*|"not ok "*)
        n=$((n + 1))
        status=${line%% [0-9]*}
        rest=${line#* - }
        echo "$status $n - $rest [$4]"
        [ "$status" = "ok" ] || failed=$((failed + 1))
        ;;
      "1.."*) ;;
      "#"*) echo "$line" ;;
      *) echo "# $line" ;;
    esac
  done <"$1"
  if [ "$2" -ne 0 ] && ! grep -q "^not ok" "$1"; then
    n=$((n + 1))
    echo "not ok $n - $3 exited with $2 [$4]"
    failed=$((failed + 1))
  fi
}
