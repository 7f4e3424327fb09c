#!/usr/bin/env bash
# The national benchmark at a tiny scale: it generates, runs the three passes, agrees on the
# number of questions and prints qm's peak memory; the import benchmark likewise. (Figures:
# bench/README.md.)
source "$(dirname "$0")/lib.sh"
: "${QM_BUILD_DIR:?}"
t_case benchmark_runs_at_small_scale
# the data folder is made when missing (bench/data is not in git)
"$QM_BUILD_DIR/qm_bench" --scale 0.004 --db "$T_TMP/data/n.db" >"$T_OUT" 2>"$T_ERR"; T_RC=$?
expect_exit 0
expect_stdout_has "generated 39200 responses"
expect_stdout_has "questions (round x question): 3920"
expect_stdout_has "qm: 3920 questions"
expect_stdout_has "qm peak memory"
t_case statistik_report_streams_every_question
t_run run "$QM_SOURCE_DIR/models/kik/kik.lua" --db "$T_TMP/data/n.db" --report statistik --format csv
expect_exit 0
[ "$(wc -l <"$T_OUT")" -eq 3921 ] || t_fail "expected 3920 rows and a header"
t_case import_benchmark_runs_at_small_scale
# bench/import.py with 4000 answers; against the sqlite3 shell when it is installed
base=(--answers 4000 --qm "$QM" --data "$T_TMP/import")
command -v sqlite3 >/dev/null || base+=(--no-baseline)
python3 "$QM_SOURCE_DIR/bench/import.py" "${base[@]}" >"$T_OUT" 2>"$T_ERR"; T_RC=$?
expect_exit 0
expect_stdout_has "bench=import case=qm rows=4000 seconds="
command -v sqlite3 >/dev/null && expect_stdout_has "bench=import case=ratio rows=4000"
t_case the_one_benchmark_command_runs_every_target_at_small_scale
# bench/run.py on tiny data: each target measured against its floor or peers, the table printed
args=(--repeat 1 --national-scale 0.004 --citizens 300 --answers 4000 --startup-runs 2 --data "$T_TMP/run"
      --qm "$QM" --qm-bench "$QM_BUILD_DIR/qm_bench")
command -v sqlite3 >/dev/null || args+=(--only national,startup,jobcentre)
python3 "$QM_SOURCE_DIR/bench/run.py" "${args[@]}" >"$T_OUT" 2>"$T_ERR"; T_RC=$?
expect_exit 0
expect_stdout_has "bench=statistik result ratio="
expect_stdout_has "bench=national result ratio="
expect_stdout_has "bench=startup-check result seconds="
expect_stdout_has "bench=startup-konsensusrapport result seconds="
for r in progression-csv stagnation-csv completeness-csv coverage-csv indsatser-csv fokus-csv borger-citizen=B0007-text \
         borger-caseworker=sb03-csv borger-csv borger-text; do
  expect_stdout_has "bench=jobcentre-$r result ratio="
done
command -v sqlite3 >/dev/null && expect_stdout_has "bench=import result ratio="
expect_stdout_has "statistik report, CSV to a file"
expect_stdout_has "qm peak"
t_done
