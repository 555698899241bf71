#!/bin/sh
# Builds llama.cpp's llama-bench at the pinned commit against the pinned
# prebuilt libraries that build-aux/fetch-llama-cpp.sh installed, so that
# compare-builds.py's llama-bench: side is tested on the live tool
# (tests/scripts/test-sides.sh) and its test data can be made again
# (tests/scripts/data/README.md). Optional: without g++ it says so and exits 0.
#
# Source: the llama.cpp git bundle of node-llama-cpp (npm pack, SHA-256 and
# commit checked as fetch-llama-cpp.sh checks them), or BUNDLE when given.
# Compiled: tools/llama-bench/ and the four common/ files it needs
# (common.cpp, log.cpp, fit.cpp, json.cpp); the model download (-hf) and
# --list-devices, which need the rest of common/, answer "not built here".
# Result: $BN_LLAMA_CPP_DIR/tools/llama-bench (beside links to the ggml CPU
# backends, which llama-bench loads from its own directory).
# Usage: build-aux/build-llama-bench.sh [--force] [BUNDLE]
set -eu

here=$(cd "$(dirname "$0")" && pwd)
pin () { sed -n "s/^$1=//p" "$here/fetch-llama-cpp.sh" | head -n 1; }
PIN=$(pin PIN)
SHA_SRC=$(pin SHA_SRC)
COMMIT=$(pin COMMIT)
CACHE=${XDG_CACHE_HOME:-${HOME:-/root}/.cache}
DEST=${BN_LLAMA_CPP_DIR:-$CACHE/gst-bitnet/llama.cpp/$PIN}
OUT=$DEST/tools

say () { printf 'build-llama-bench: %s\n' "$*"; }
die () { printf 'build-llama-bench: error: %s\n' "$*" >&2; exit 1; }

force=false bundle=
for a in "$@"; do
  case "$a" in
    --force) force=true ;;
    -*) die "unknown option \"$a\" (usage: build-llama-bench.sh [--force] [BUNDLE])" ;;
    *) bundle=$a ;;
  esac
done
[ -e "$DEST/lib/libllama.so" ] && [ -f "$DEST/include/llama.h" ] \
  || die "no llama.cpp in $DEST: run build-aux/fetch-llama-cpp.sh (make crossval-deps) first"
if ! $force && [ -x "$OUT/llama-bench" ]; then
  say "llama-bench already built: $OUT/llama-bench"
  exit 0
fi
CXX=${CXX:-g++}
if ! command -v "$CXX" >/dev/null 2>&1; then
  say "no C++ compiler ($CXX): llama-bench not built; the tests that run it are skipped"
  exit 0
fi

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT INT TERM
if [ -z "$bundle" ]; then
  command -v npm >/dev/null 2>&1 || die "npm is missing (sudo apt-get install -y npm), or give BUNDLE"
  (cd "$WORK" && npm pack --silent "node-llama-cpp@$PIN" >/dev/null) || die "npm pack node-llama-cpp@$PIN failed"
  got=$(sha256sum "$WORK/node-llama-cpp-$PIN.tgz" | cut -d' ' -f1)
  [ "$got" = "$SHA_SRC" ] || die "node-llama-cpp-$PIN.tgz: SHA-256 $got, expected $SHA_SRC"
  tar -xzf "$WORK/node-llama-cpp-$PIN.tgz" -C "$WORK" package/llama/gitRelease.bundle
  bundle=$WORK/package/llama/gitRelease.bundle
fi
git clone -q --no-checkout "$bundle" "$WORK/src" 2>/dev/null || die "cannot clone $bundle"
[ "$(git -C "$WORK/src" rev-parse HEAD)" = "$COMMIT" ] || die "$bundle does not hold commit $COMMIT"
git -C "$WORK/src" archive "$COMMIT" tools/llama-bench common include src ggml/include vendor/nlohmann | tar -x -C "$WORK/src"

S=$WORK/src
sed -e 's/@LLAMA_BUILD_NUMBER@/0/' -e "s/@LLAMA_BUILD_COMMIT@/$(echo "$COMMIT" | cut -c1-7)/" \
  -e "s/@BUILD_COMPILER@/$CXX/" -e "s/@BUILD_TARGET@/$(uname -m)-linux-gnu/" \
  "$S/common/build-info.cpp.in" > "$WORK/build-info.cpp"
cat > "$WORK/not-built.cpp" <<'EOF'
// What llama-bench links from common/arg.cpp: the boolean spellings of its
// flags, and the model download and device listing, which are not built here.
#include "arg.h"
#include <cstdio>
#include <cstdlib>
static void not_built (const char *what) {
  fprintf (stderr, "llama-bench (gst-bitnet's test build): %s is not built here\n", what);
  exit (1);
}
bool common_arg_utils::is_truthy (const std::string &v) { return v == "on" || v == "enabled" || v == "true" || v == "1"; }
bool common_arg_utils::is_falsey (const std::string &v) { return v == "off" || v == "disabled" || v == "false" || v == "0"; }
bool common_arg_utils::is_autoy (const std::string &v) { return v == "auto" || v == "-1"; }
common_models_handler common_models_handler_init (const common_params &, llama_example) { not_built ("-hf"); return {}; }
void common_models_handler_apply (common_models_handler &, common_params &, common_download_callback *) { not_built ("-hf"); }
void common_print_available_devices () { not_built ("--list-devices"); }
EOF
say "compiling llama-bench at ${COMMIT%"${COMMIT#???????}"} with $CXX (a minute or two)"
flags="-std=c++17 -O2 -DNDEBUG -ffunction-sections -fdata-sections -I$S/common -I$S/include -I$S/ggml/include -I$S/vendor"
objs=
for f in "$S/tools/llama-bench/main.cpp" "$S/tools/llama-bench/llama-bench.cpp" "$S/common/common.cpp" \
         "$S/common/log.cpp" "$S/common/fit.cpp" "$S/common/json.cpp" "$WORK/build-info.cpp" "$WORK/not-built.cpp"; do
  o=$WORK/$(basename "$f" .cpp).o
  # shellcheck disable=SC2086
  "$CXX" $flags -c "$f" -o "$o" || die "cannot compile $(basename "$f")"
  objs="$objs $o"
done
mkdir -p "$WORK/out"
# shellcheck disable=SC2086
"$CXX" -o "$WORK/out/llama-bench" $objs -Wl,--gc-sections -L"$DEST/lib" -l:libllama.so \
  -l:"$(cd "$DEST/lib" && ls libggml.v*.so | head -n 1)" -l:libggml-base.so -Wl,-rpath,"$DEST/lib" -lpthread \
  || die "cannot link llama-bench against $DEST/lib"
for b in "$DEST"/lib/libggml-cpu-*.so; do ln -s "$b" "$WORK/out/"; done
"$WORK/out/llama-bench" --help >/dev/null 2>&1 || die "the llama-bench built does not start"
rm -rf "$OUT"
mv "$WORK/out" "$OUT"
say "built $OUT/llama-bench"
