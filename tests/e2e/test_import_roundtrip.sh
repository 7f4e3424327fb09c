#!/usr/bin/env bash
# Each bundled model's data round-trips through qm import: the demo database is exported to
# CSV (plain and Danish-Excel style) and YAML files, imported into a fresh database, and the
# two compared table by table (tests/e2e/import/roundtrip.py): KIK's units, rounds, responses,
# consensus with history, action plan and documentation tables; CAF 2020's fine-tuned
# answers with their parts; EFQM 2020's RADAR percentages; the goal agreement's, the case
# audit's and the learning organisation's tables; both job-centre models' citizens, conversations, scores, focus
# points and interventions.
source "$(dirname "$0")/lib.sh"
for m in kik caf2020 efqm2020 maalaftale god_sagsbehandling videndeling vejle esbjerg; do
  t_case "${m}_demo_data_round_trips_through_import"
  python3 "$QM_SOURCE_DIR/tests/e2e/import/roundtrip.py" "$QM" "$QM_SOURCE_DIR" "$T_TMP/rt" "$m" >"$T_OUT" 2>"$T_ERR"
  T_RC=$?
  expect_exit 0
  expect_stdout_has "ok $m ("
done
t_done
