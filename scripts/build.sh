#!/usr/bin/env bash
# build.sh [DIR [cmake options...]] — configures (once) and builds qm in DIR (default build/).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-"$root/build"}; shift || true
"$root/scripts/setup.sh"
if [ ! -f "$dir/CMakeCache.txt" ]; then
  cmake -S "$root" -B "$dir" "$@" >/dev/null
fi
# the build's own messages without the progress lines; a failed build fails here (the
# binary of an earlier build may still be there, and must not pass for this one)
status=0
cmake --build "$dir" -j"$(nproc)" 2>&1 | { grep -vE '^\[ *[0-9]+%\]|^-- ' || true; } || status=$?
if [ "$status" -ne 0 ]; then
  echo "build.sh: the build in $dir failed (exit $status)" >&2
  exit "$status"
fi
test -x "$dir/qm"
