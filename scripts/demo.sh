#!/usr/bin/env bash
# demo.sh — installs what is missing, builds qm, generates the bundled KIK demo data
# (deterministic) and runs a complete KIK round on it: konsensusrapport and action plan.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/build.sh" "$root/build"
qm="$root/build/qm"
demo="$root/build/demo"
mkdir -p "$demo"
rm -f "$demo/kik.db"
"$qm" run "$root/models/kik/demo_data.lua" --db "$demo/kik.db" --write >/dev/null
"$qm" run "$root/models/kik/kik.lua" --db "$demo/kik.db" --report demo --as-of 2025-10-01 "$@"
