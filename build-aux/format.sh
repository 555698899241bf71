#!/bin/sh
# Formats the C sources with .clang-format, then glues the gettext macros to
# their string (_("...") as xgettext and GLib code write it; clang-format
# puts a space before every parenthesis). With --check, changes nothing and
# lists the files that differ (exit 1), as GStreamer's pre-commit check does.
# Usage: build-aux/format.sh [--check] [FILE...]   (default: every tracked .c/.h)
set -eu
cd "$(dirname "$0")/.."
check=0
if [ "${1:-}" = "--check" ]; then check=1; shift; fi
command -v clang-format >/dev/null || { echo "format.sh: clang-format is not installed (Debian clang-format)" >&2; exit 2; }
if [ $# -eq 0 ]; then set -- $(git ls-files '*.c' '*.h' '*.cu' '*.cuh'); fi
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
bad=0
for f in "$@"; do
  clang-format --style=file "$f" | sed -E 's/(^|[^A-Za-z0-9_])(N?C?_) \("/\1\2("/g' > "$tmp"
  if ! cmp -s "$tmp" "$f"; then
    if [ $check -eq 1 ]; then echo "not formatted: $f"; bad=1; else cat "$tmp" > "$f"; fi
  fi
done
if [ $bad -ne 0 ]; then echo "format.sh: run build-aux/format.sh to format these files" >&2; fi
exit $bad
