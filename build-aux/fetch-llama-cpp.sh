#!/bin/sh
# Fetches the pinned llama.cpp build that cross-validation compares against
# (`make crossval-deps`). Nothing it fetches enters the source tree.
#
# From the npm registry, with `npm pack` (docs/crossval.md, docs/facts.md section 4):
#   @node-llama-cpp/linux-x64  a CPU build of libllama + libggml* (one ggml CPU
#                              backend per x86-64 level, chosen at run time)
#   node-llama-cpp             the matching llama.cpp source as a git bundle,
#                              from which llama.h, the ggml headers and gguf-py
#                              (llama.cpp's GGUF writer in Python, for tests) come
# Both tarballs are checked against the SHA-256 sums recorded below, the
# libraries are loaded once (backends found, system info printed), and the
# struct layouts reference-executor relies on are checked against llama.h.
#
# Result, in $BN_LLAMA_CPP_DIR (default ${XDG_CACHE_HOME:-~/.cache}/gst-bitnet/llama.cpp/3.22.1):
#   lib/libllama.so (-> libllama.v0.5.0.so), lib/libggml*.so
#   include/llama.h, include/ggml*.h, include/gguf.h
#   gguf-py/gguf  (PYTHONPATH=.../gguf-py; needs numpy and yaml)
#   VERSION  key=value lines: package version, llama.cpp commit, ggml version...
#
# Idempotent: exits 0 at once when VERSION is there and matches the pin.
# As root, installs nodejs/npm with apt-get when npm is missing.
# Usage: build-aux/fetch-llama-cpp.sh [--force]
set -eu

PIN=3.22.1
LIBLLAMA=libllama.v0.5.0.so
# SHA-256 of the tarballs `npm pack` gave for $PIN (checked 2025 on Debian 12)
SHA_BINS=0d953e1503d5ab4608d8ed5b739132308c81ac05ffeb760d2a7f30e08a9f90e0
SHA_SRC=a0d9dd80eacd2ab1cfe71aee57ac8a806487fd70b3d2a38fbec637752d9e5c5f
# the llama.cpp commit the source bundle of node-llama-cpp $PIN carries
COMMIT=de3ff815ea7d559ee917f063901b8986f038abc6

CACHE=${XDG_CACHE_HOME:-${HOME:-/root}/.cache}
DEST=${BN_LLAMA_CPP_DIR:-$CACHE/gst-bitnet/llama.cpp/$PIN}
FORCE=${1:-}

say () { printf 'fetch-llama-cpp: %s\n' "$*"; }
die () { printf 'fetch-llama-cpp: error: %s\n' "$*" >&2; exit 1; }

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) ;;
  *) die "the pinned build is for Linux x86-64 only; on $(uname -s)-$(uname -m) build llama.cpp yourself and give reference-executor library=/path/to/libllama.so" ;;
esac

if [ "$FORCE" != "--force" ] && [ -f "$DEST/VERSION" ] && grep -q "^package_version=$PIN\$" "$DEST/VERSION" \
   && [ -e "$DEST/lib/libllama.so" ] && [ -f "$DEST/include/llama.h" ] && [ -f "$DEST/gguf-py/gguf/__init__.py" ]; then
  say "llama.cpp $PIN already present in $DEST"
  say "library: $DEST/lib/libllama.so"
  exit 0
fi

# --- tools -----------------------------------------------------------------
if ! command -v npm >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing nodejs and npm with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends nodejs npm
  else
    die "npm is missing; install it (sudo apt-get install -y nodejs npm) and run again"
  fi
fi
for t in git tar sha256sum; do
  command -v "$t" >/dev/null 2>&1 || die "$t is missing (sudo apt-get install -y $t)"
done

# --- fetch into a scratch directory next to the destination ----------------
mkdir -p "$(dirname "$DEST")"
WORK=$(mktemp -d "$(dirname "$DEST")/.fetch-$PIN.XXXXXX")
trap 'rm -rf "$WORK"' EXIT INT TERM

say "npm pack @node-llama-cpp/linux-x64@$PIN node-llama-cpp@$PIN"
(cd "$WORK" && npm pack --silent "@node-llama-cpp/linux-x64@$PIN" "node-llama-cpp@$PIN" >/dev/null) \
  || die "npm pack failed (is the npm registry reachable? proxy settings: npm config get proxy)"

BINS_TGZ=$WORK/node-llama-cpp-linux-x64-$PIN.tgz
SRC_TGZ=$WORK/node-llama-cpp-$PIN.tgz
check_sha () {
  got=$(sha256sum "$1" | cut -d' ' -f1)
  [ "$got" = "$2" ] || die "$(basename "$1"): SHA-256 $got, expected $2 (registry content changed; refusing it)"
}
check_sha "$BINS_TGZ" "$SHA_BINS"
check_sha "$SRC_TGZ" "$SHA_SRC"
say "tarball checksums verified"

STAGE=$WORK/stage
mkdir -p "$STAGE/lib" "$STAGE/include" "$WORK/x"
tar -xzf "$BINS_TGZ" -C "$WORK/x" package/bins/linux-x64 package/LICENSE
for f in "$WORK"/x/package/bins/linux-x64/libllama.v*.so "$WORK"/x/package/bins/linux-x64/libggml*.so; do
  cp "$f" "$STAGE/lib/"
done
[ -f "$STAGE/lib/$LIBLLAMA" ] || die "$LIBLLAMA is not in the package"
ln -s "$LIBLLAMA" "$STAGE/lib/libllama.so"
RELEASE=$(sed -n 's/.*"release":"\([^"]*\)".*/\1/p' "$WORK/x/package/bins/linux-x64/_nlcBuildMetadata.json")

tar -xzf "$SRC_TGZ" -C "$WORK/x" package/llama/gitRelease.bundle
git clone -q --no-checkout "$WORK/x/package/llama/gitRelease.bundle" "$WORK/src" 2>/dev/null \
  || die "cannot clone the llama.cpp bundle of node-llama-cpp $PIN"
head=$(git -C "$WORK/src" rev-parse HEAD)
[ "$head" = "$COMMIT" ] || die "the bundle holds commit $head, expected $COMMIT"
git -C "$WORK/src" archive "$COMMIT" include/llama.h ggml/include gguf-py/gguf gguf-py/LICENSE | tar -x -C "$WORK/src"
cp "$WORK/src/include/llama.h" "$WORK"/src/ggml/include/*.h "$STAGE/include/"
cp -R "$WORK/src/gguf-py" "$STAGE/gguf-py"
cp "$WORK/x/package/LICENSE" "$STAGE/LICENSE.node-llama-cpp"
git -C "$WORK/src" show "$COMMIT:LICENSE" > "$STAGE/LICENSE.llama.cpp"

# --- verify: the library loads, finds a CPU backend, and our layouts hold ---
PROBE_OUT=$WORK/probe.txt
if command -v python3 >/dev/null 2>&1; then
  python3 - "$STAGE/lib" > "$PROBE_OUT" <<'EOF' || die "the fetched libllama does not load (see above)"
import ctypes, sys
d = sys.argv[1]
l = ctypes.CDLL(d + "/libllama.so")
l.ggml_backend_load_all_from_path(d.encode())
l.llama_backend_init()
for f in ("llama_print_system_info", "ggml_version", "ggml_commit"):
    getattr(l, f).restype = ctypes.c_char_p
l.ggml_backend_reg_count.restype = ctypes.c_size_t
n = l.ggml_backend_reg_count()
if n < 1:
    sys.exit("no ggml backend could be loaded from " + d)
print("ggml_version=" + l.ggml_version().decode())
print("ggml_commit=" + l.ggml_commit().decode())
print("system_info=" + l.llama_print_system_info().decode().strip())
EOF
else
  die "python3 is needed to check that the library loads (sudo apt-get install -y python3)"
fi

# reference-executor declares llama_context_params as 'n_ctx, n_batch,
# n_ubatch first, the rest opaque in at most 1024 bytes'; check it here.
CC=${CC:-cc}
if command -v "$CC" >/dev/null 2>&1; then
  cat > "$WORK/layout.c" <<'EOF'
#include <stddef.h>
#include <stdio.h>
#include "llama.h"
int main (void) {
  printf ("context_params_size=%zu\n", sizeof (struct llama_context_params));
  printf ("model_params_size=%zu\n", sizeof (struct llama_model_params));
  printf ("batch_size=%zu\n", sizeof (struct llama_batch));
  return !(offsetof (struct llama_context_params, n_ctx) == 0 &&
           offsetof (struct llama_context_params, n_batch) == 4 &&
           offsetof (struct llama_context_params, n_ubatch) == 8 &&
           sizeof (struct llama_context_params) <= 1024 &&
           sizeof (struct llama_model_params) <= 1024 &&
           offsetof (struct llama_batch, logits) == 48 && sizeof (struct llama_batch) == 56);
}
EOF
  "$CC" -I"$STAGE/include" -o "$WORK/layout" "$WORK/layout.c" \
    || die "cannot compile the layout check against the fetched llama.h"
  "$WORK/layout" >> "$PROBE_OUT" || die "llama.h's struct layouts differ from what reference-executor assumes"
else
  say "no C compiler: struct layout check skipped"
fi

{
  echo "package=@node-llama-cpp/linux-x64"
  echo "package_version=$PIN"
  echo "llama_cpp_release=$RELEASE"
  echo "llama_cpp_commit=$COMMIT"
  echo "library=$LIBLLAMA"
  echo "sha256_linux_x64_tgz=$SHA_BINS"
  echo "sha256_node_llama_cpp_tgz=$SHA_SRC"
  cat "$PROBE_OUT"
  echo "fetched=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
} > "$STAGE/VERSION"

# --- move into place ---------------------------------------------------------
rm -rf "$DEST.old"
[ -e "$DEST" ] && mv "$DEST" "$DEST.old"
mv "$STAGE" "$DEST"
rm -rf "$DEST.old"

say "llama.cpp $PIN (commit ${COMMIT%"${COMMIT#???????}"}) installed in $DEST"
say "library: $DEST/lib/libllama.so"
say "headers: $DEST/include/llama.h"
sed 's/^/fetch-llama-cpp:   /' "$DEST/VERSION"
