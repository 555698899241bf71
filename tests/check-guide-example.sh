#!/bin/sh
# docs/guide.md prints docs/examples/example-executor.c whole; the test
# compiles the file, so the printed copy must not drift from it. Prints TAP.
set -u
root=${1:?source root}
echo "1..1"
printed=$(awk '/^```c$/ { grab = 1; buf = ""; next } /^```$/ && grab { if (buf ~ /example_executor_class_init/) { printf "%s", buf; exit } grab = 0; next } grab { buf = buf $0 "\n" }' "$root/docs/guide.md")
if [ "$printed" = "$(cat "$root/docs/examples/example-executor.c")" ]; then
  echo "ok 1 - docs/guide.md prints docs/examples/example-executor.c as it is"
else
  echo "not ok 1 - docs/guide.md and docs/examples/example-executor.c differ: copy the file into the guide"
fi
