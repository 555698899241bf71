#!/bin/sh
# Every source file with translatable strings is listed in po/POTFILES.in,
# which is sorted and names only files that exist. Prints TAP.
set -u
src=${1:?source root}
cd "$src" || exit 1
listed=$(grep -v '^#' po/POTFILES.in | grep -v '^$')
found=$(grep -l -E '(^|[^A-Za-z0-9_])N?_ ?\("' gst-bitnet/*.c gst-bitnet/*/*.c elements/*/*.c 2>/dev/null | sort)
echo "1..3"
if [ "$listed" = "$(printf '%s\n' "$listed" | LC_ALL=C sort)" ]; then echo "ok 1 - POTFILES.in is sorted"; else echo "not ok 1 - POTFILES.in is not sorted"; fi
missing=$(printf '%s\n' "$found" | while read -r f; do printf '%s\n' "$listed" | grep -qx "$f" || echo "$f"; done)
if [ -z "$missing" ]; then echo "ok 2 - every file with _() is listed"; else echo "not ok 2 - not in po/POTFILES.in: $missing"; fi
gone=$(printf '%s\n' "$listed" | while read -r f; do [ -f "$f" ] || echo "$f"; done)
if [ -z "$gone" ]; then echo "ok 3 - every listed file exists"; else echo "not ok 3 - listed but missing: $gone"; fi
