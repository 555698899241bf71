#!/bin/sh
# Renders the history report (index.html) in headless Chromium and checks
# what it rendered: the summary, the change-point rows and every plot
# decoded (the page's own check in #render-status), and no script error in
# the console. Keeps a screenshot as an artifact: $G_TEST_BUILDDIR/history-report.png.
# TAP; skips (exit 77) when Chromium is not installed (.ci/run installs it).
set -u
browser=""
for b in chromium chromium-browser google-chrome; do
  if command -v "$b" >/dev/null 2>&1; then browser=$b; break; fi
done
echo "1..1"
if [ -z "$browser" ]; then
  echo "ok 1 /history/browser # SKIP no chromium on PATH (Debian package chromium; .ci/run installs it)"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "not ok 1 /history/browser: $*"; exit 1; }

# a history of 6 commits x 6 runs; commits 2 and 3 are 25% slower
for c in 0 1 2 3 4 5; do
  python3 - "$work/r$c.json" "$c" <<'PY' || fail "cannot write receipts"
import json, sys
path, c = sys.argv[1], int(sys.argv[2])
tps = 75.0 if c in (2, 3) else 100.0
runs = [{"compute_path": "real", "weight_format": "i2s", "threads": 2, "tokens_requested": 8,
         "decode_tokens_per_second": tps * (1 + 0.01 * ((i * 7 + 3) % 5 - 2)),
         "ceiling_tokens_per_second": 400.0} for i in range(6)]
json.dump({"schema_version": "1.0.0", "timestamp": "2026-12-01T00:00:00Z", "compute_path": "real",
           "backend": "cpu", "kernels": [], "deterministic": True,
           "performance_baseline": {"tokens_generated": 8, "total_time_ms": 10, "tokens_per_second": tps,
                                    "first_token_latency_ms": 1, "average_token_latency_ms": 1,
                                    "memory_usage_mb": 1},
           "gst_bitnet": {"runs": runs}}, open(path, "w"))
PY
  "$BN_LAUNCH" -q receipt-src location="$work/r$c.json" ! history-sink location="$work/h.db" \
    commit="commit$c" commit-date="2026-11-1${c}T00:00:00Z" platform=browser-test >/dev/null \
    || fail "history-sink failed"
done
"$BN_LAUNCH" -q history-src location="$work/h.db" ! changepoint-analyzer silent=true \
  ! trend-sink directory="$work/report" markdown= baselines= >/dev/null || fail "trend report failed"

url="file://$work/report/index.html"
flags="--headless --no-sandbox --disable-gpu --no-first-run --allow-file-access-from-files --virtual-time-budget=5000"
# shellcheck disable=SC2086
timeout 120 "$browser" $flags --enable-logging=stderr --v=0 --dump-dom "$url" >"$work/dom.html" 2>"$work/console.txt" \
  || fail "$browser --dump-dom failed: $(tail -n 5 "$work/console.txt")"
shot="${G_TEST_BUILDDIR:-.}/history-report.png"
# shellcheck disable=SC2086
timeout 120 "$browser" $flags --window-size=1000,1600 --screenshot="$shot" "$url" >/dev/null 2>&1 \
  || fail "$browser --screenshot failed"

grep -q 'data-rendered="complete"' "$work/dom.html" || fail "the page's script did not see every plot decoded: $(grep -o 'render-status">[^<]*' "$work/dom.html")"
grep -q 'render-status">rendered: 1 plots' "$work/dom.html" || fail "render status: $(grep -o 'render-status">[^<]*' "$work/dom.html")"
grep -q '<p id="summary">36 runs in 1 series' "$work/dom.html" || fail "summary missing"
[ "$(grep -c '<tr class="regression">' "$work/dom.html")" -eq 1 ] || fail "expected one regression row"
[ "$(grep -c '<tr class="improvement">' "$work/dom.html")" -eq 1 ] || fail "expected one improvement row"
if grep -Ei 'Uncaught|SyntaxError|TypeError|ReferenceError' "$work/console.txt"; then fail "script error in the console"; fi
[ -s "$shot" ] || fail "no screenshot"
echo "ok 1 /history/browser (screenshot: $shot)"
