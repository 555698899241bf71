#!/bin/sh
# Stands in for llama-bench in tests: prints a real llama-bench output kept
# here (README.md) whatever the flags after it (compare-builds adds -o jsonl).
# Usage: replay.sh FILE [llama-bench flags...]
exec cat "${1:?a llama-bench output}"
