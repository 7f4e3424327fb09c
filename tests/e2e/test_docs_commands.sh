#!/usr/bin/env bash
# Every command shown in README.md and docs/ (```sh blocks), and the commands the demo
# suggests at its end, runs against the bundled demo data and succeeds, so the README and
# the guides cannot drift from qm. The conventions (no-test, needs-xlsx, <!-- file: PATH -->)
# are described in tests/e2e/docs_commands.py and docs/architecture.md.
source "$(dirname "$0")/lib.sh"
python3 "$QM_SOURCE_DIR/tests/e2e/docs_commands.py"
