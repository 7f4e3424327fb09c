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

# what to try next, with paths as the user would type them from where they are
here=""
[ "$(pwd -P)" = "$(cd "$root" && pwd -P)" ] || here="$root/"
cat <<EOF

What to try next (the demo database is ${here}build/demo/kik.db):
  ${here}build/qm run ${here}models/kik/kik.lua --report list            # the reports a model has
  ${here}build/qm run ${here}models/kik/kik.lua --db ${here}build/demo/kik.db --report konsensusrapport --round 2025-aeblet --format markdown
  ${here}build/qm repl --db ${here}build/demo/kik.db ${here}models/kik/kik.lua   # Lua and SQL: kik:themes(), SELECT * FROM qm_rounds;
  ${here}build/qm check ${here}models/kik/kik.lua                         # check a model you changed
Guides: docs/tutorial.md (your own model), docs/repl.md (the shell), docs/cli.md (every command).
EOF
