#!/usr/bin/env bash
# The README's main job: demo data generated deterministically, and a KIK round's
# konsensusrapport and prioritised action plan printed from it — the same every time.
source "$(dirname "$0")/lib.sh"

t_case demo_data_is_deterministic
t_run run "$QM_SOURCE_DIR/models/kik/demo_data.lua" --db "$T_TMP/a.db" --write
expect_exit 0   # generating a
t_run run "$QM_SOURCE_DIR/models/kik/demo_data.lua" --db "$T_TMP/b.db" --write
expect_exit 0   # generating b
a=$(python3 -c "import sqlite3; c=sqlite3.connect('$T_TMP/a.db'); print(list(c.execute('select * from qm_responses order by 1,2,3')))")
b=$(python3 -c "import sqlite3; c=sqlite3.connect('$T_TMP/b.db'); print(list(c.execute('select * from qm_responses order by 1,2,3')))")
[ "$a" = "$b" ] || t_fail "two generations differ"
n=$(python3 -c "import sqlite3; c=sqlite3.connect('$T_TMP/a.db'); print(c.execute('select count(distinct participant) from qm_responses where round_id=\"2025-aeblet\"').fetchone()[0])")
[ "$n" = 10 ] || t_fail "expected ten participants, got $n"

t_case demo_report_prints_konsensusrapport_and_action_plan
t_run run "$QM_SOURCE_DIR/models/kik/kik.lua" --db "$T_TMP/a.db" --report demo --as-of 2025-10-01
expect_exit 0
expect_stdout_has "Konsensusrapport"
expect_stdout_has "Prioriterede forbedringsområder"
expect_stdout_has "Handleplan (pr. 1. oktober 2025)"
expect_stdout_has "Samlet billede for alle enheder"
"$QM" run "$QM_SOURCE_DIR/models/kik/kik.lua" --db "$T_TMP/b.db" --report demo --as-of 2025-10-01 --format json >"$T_TMP/1.json"
"$QM" run "$QM_SOURCE_DIR/models/kik/kik.lua" --db "$T_TMP/a.db" --report demo --as-of 2025-10-01 --format json >"$T_TMP/2.json"
cmp -s "$T_TMP/1.json" "$T_TMP/2.json" || t_fail "demo JSON differs between identical databases"

t_case kik_indicators_read_the_demo_tables
t_run run "$QM_SOURCE_DIR/models/kik/kik.lua" --db "$T_TMP/a.db" --report status --param year=2025 --as-of 2025-10-01
expect_exit 0
expect_stdout_has "klager_medhold"
expect_stdout_has "sygefravaer"

t_done
