#!/bin/sh
# The layers depend only downwards (docs/design/0008-library-split.md):
# the core (gst-bitnet/*.c, *.h) includes no header of the model or bench
# library and uses none of their symbols; kernels/ is plain C and includes
# no GLib header. Prints TAP.
set -u
src=${1:?source root}
cd "$src" || exit 1
core=$(ls gst-bitnet/*.c gst-bitnet/*.h 2>/dev/null)
upper_headers=$(ls gst-bitnet/model/*.h gst-bitnet/bench/*.h 2>/dev/null)
echo "1..3"
if [ -z "$core" ] || [ -z "$upper_headers" ] || [ ! -d kernels ]; then
  echo "Bail out! $src does not hold gst-bitnet/, gst-bitnet/model/, gst-bitnet/bench/ and kernels/"
  exit 1
fi

# 1. includes: by path (model/, bench/) or by the name of one of their headers
names=$(for h in $upper_headers; do basename "$h"; done | sed 's/\./\\./g' | paste -sd '|' -)
bad=$(grep -nE "^[[:space:]]*#[[:space:]]*include[[:space:]]*[<\"]([^>\"]*/)?(model/|bench/|$names)" $core)
if [ -z "$bad" ]; then echo "ok 1 - the core includes no model or bench header"
else echo "not ok 1 - the core includes a model or bench header:"; echo "$bad" | sed 's/^/# /'; fi

# 2. symbols declared by the model and bench headers: functions after the
# export macro, the types they define and the macros they #define
syms=$(mktemp)
trap 'rm -f "$syms"' EXIT
{
  sed -nE 's/^BN_(MODEL|BENCH)_API .*[^a-z0-9_](_?bn_[a-z0-9_]+) ?\(.*/\2/p' $upper_headers
  sed -nE 's/^BN_(MODEL|BENCH)_API G_DECLARE_[A-Z_]+ \((Bn[A-Za-z0-9]+), ([a-z0-9_]+),.*/\2\n\3_get_type/p' $upper_headers
  sed -nE 's/^\} (Bn[A-Za-z0-9]+);.*/\1/p; s/^typedef struct _?[A-Za-z0-9]* (Bn[A-Za-z0-9]+);.*/\1/p' $upper_headers
  sed -nE 's/^#define (BN_[A-Z0-9_]+).*/\1/p' $upper_headers
} | sort -u > "$syms"
bad=$(grep -nwF -f "$syms" $core)
if [ -z "$bad" ]; then echo "ok 2 - the core uses no model or bench symbol ($(wc -l < "$syms") checked)"
else echo "not ok 2 - the core uses model or bench symbols:"; echo "$bad" | sed 's/^/# /'; fi

# 3. kernels/: no GLib, GObject, GIO, GModule or json-glib header, nothing of gst-bitnet
bad=$(find kernels -name '*.[ch]' -exec grep -nHE \
  '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"](glib|gio/|gobject/|gmodule|json-glib/|gst-bitnet/)' {} +)
if [ -z "$bad" ]; then echo "ok 3 - kernels/ includes no GLib header"
else echo "not ok 3 - kernels/ includes GLib headers:"; echo "$bad" | sed 's/^/# /'; fi
