#!/usr/bin/env bash
# update-golden.sh — rewrites the golden reports in tests/golden/ from the current build
# (tests/golden/cases.sh lists them). The golden files are the reviewed contract of what the
# bundled reports print, not a snapshot: after running this, read `git diff tests/golden/`
# line by line and commit only what you meant to change (docs/reports.md, "Golden files").
# Usage: scripts/update-golden.sh [BUILD_DIR]   (default build/; needs BUILD_DIR/qm)
set -euo pipefail
QM_SOURCE_DIR=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$QM_SOURCE_DIR/build}
QM=$(cd "$build" && pwd)/qm
[ -x "$QM" ] || { echo "update-golden.sh: no qm in $build (build it first: scripts/build.sh $build)" >&2; exit 2; }
export QM QM_SOURCE_DIR
# shellcheck source=../tests/golden/cases.sh
source "$QM_SOURCE_DIR/tests/golden/cases.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/qm-golden.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/db" "$work/out"
golden_dbs "$work/db"
golden_render "$work/db" "$work/out"
golden="$QM_SOURCE_DIR/tests/golden"
find "$golden" -maxdepth 1 -type f \( -name '*.txt' -o -name '*.md' -o -name '*.html' -o -name '*.json' -o -name '*.csv' \) -delete
for entry in "${GOLDEN_CASES[@]}"; do
  name=${entry%%|*}
  for lang in "${GOLDEN_LANGS[@]}"; do
    for ext in txt md html; do cp "$work/out/$name.$lang.$ext" "$golden/$name.$lang.$ext"; done
    for ext in json csv; do
      # language-neutral: one file, from Danish; the test checks every language gives the same
      [ "$lang" = da ] && cp "$work/out/$name.da.$ext" "$golden/$name.$ext"
      cmp -s "$work/out/$name.$lang.$ext" "$work/out/$name.da.$ext" || echo "warning: $name.$ext differs between --lang da and --lang $lang" >&2
    done
  done
done
echo "wrote $(find "$golden" -maxdepth 1 -type f ! -name '*.sh' ! -name '*.py' ! -name README.md | wc -l) golden files to tests/golden/; review them: git diff tests/golden/"
