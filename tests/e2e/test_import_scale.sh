#!/usr/bin/env bash
# qm import into a municipality's existing job-centre tables that have no index on their
# key (as the demo data's and many a municipality's own): the checks over the whole import
# (a key given twice, focus points over the maximum) are one join each, which SQLite
# indexes once, not a scan of the whole table per imported row. Before, 40 000 scores took
# about 75 s and 32 000 focus points over 2 minutes (quadratic); now about a second each,
# so the time limit below only trips when the checks are quadratic again. The same for case
# audits answered before (a lookup per row in a gs_audit without an index: 22 000 answers
# into 24 000 took 64 s). The checks still find what they are for.
source "$(dirname "$0")/lib.sh"
VEJLE="$QM_SOURCE_DIR/models/resultatbaseret_styring/vejle.lua"
ESBJERG="$QM_SOURCE_DIR/models/resultatbaseret_styring/esbjerg.lua"
db="$T_TMP/jc.db"
python3 - "$T_TMP" "$db" <<'PY'
import os, sqlite3, sys
d, db = sys.argv[1], sys.argv[2]
c = sqlite3.connect(db)
# the tables as a municipality (and the bundled demo) has them: no key, no index on it
c.executescript("""
CREATE TABLE jc_citizens (id TEXT PRIMARY KEY, caseworker_id TEXT, target_group TEXT, start_date TEXT, end_date TEXT);
CREATE TABLE jc_conversations (id TEXT PRIMARY KEY, citizen_id TEXT, date TEXT);
CREATE TABLE jc_scores (conversation_id TEXT, indicator TEXT, score INTEGER, hidden INTEGER NOT NULL DEFAULT 0);
CREATE TABLE jc_focus (citizen_id TEXT, indicator TEXT, opened TEXT, closed TEXT, reason TEXT);
""")
N = 10000
c.executemany("INSERT INTO jc_citizens VALUES (?, NULL, 'syg', '2024-01-01', NULL)", [(f"B{i}",) for i in range(N)])
c.executemany("INSERT INTO jc_conversations VALUES (?, ?, '2024-02-01')", [(f"S{i}", f"B{i}") for i in range(N)])
c.commit()
areas = ["moedestabilitet", "arbejdsidentitet", "motivation", "tillid"]
with open(os.path.join(d, "scores.csv"), "w") as f:
    f.write("conversation_id;indicator;score\n")
    f.write("".join(f"S{i};{a};{(i + k) % 5 + 1}\n" for i in range(N) for k, a in enumerate(areas)))
points = ["privatoekonomi", "netvaerk", "misbrug", "joberfaring"]
with open(os.path.join(d, "focus.csv"), "w") as f:
    f.write("citizen_id;indicator;opened;closed\n")
    # two open at a time, the other two opened as the first two close: never more than 2
    f.write("".join(f"B{i};{points[0]};2024-02-01;2024-03-01\nB{i};{points[1]};2024-02-01;2024-03-01\n"
                    f"B{i};{points[2]};2024-03-01;\nB{i};{points[3]};2024-03-01;\n" for i in range(N)))
PY

t_case scores_import_into_a_table_without_a_key_index_in_time
t_run --timeout 30 import --db "$db" --write --model "$VEJLE" --what scores "$T_TMP/scores.csv"
expect_exit 0
expect_stdout_has "imported 40000 rows into jc_scores"

t_case a_score_given_again_is_still_found_with_the_first_rows_place
printf 'samtale;indikator;point\nS7;helbred;3\nS7;tillid;2\n' >"$T_TMP/again.csv"
t_run --timeout 30 import --db "$db" --write --model "$VEJLE" --what scores "$T_TMP/again.csv"
expect_exit 1
expect_stderr_has '/again.csv:3:1: samtale: the key (conversation_id, indicator) = (S7, tillid) is given twice (also in table jc_scores before this import)'
expect_stderr_lacks 'again.csv:2'

t_case focus_points_import_into_a_table_without_an_index_in_time
t_run --timeout 30 import --db "$db" --write --model "$ESBJERG" --what focus "$T_TMP/focus.csv"
expect_exit 0
expect_stdout_has "imported 40000 rows into jc_focus"
expect_stderr_lacks "warning"

t_case a_third_open_focus_point_is_still_found
printf 'borger;fokuspunkt;åbnet\nB42;uddannelse;2024-04-01\n' >"$T_TMP/third.csv"
t_run --timeout 30 import --db "$db" --write --model "$ESBJERG" --what focus "$T_TMP/third.csv"
expect_exit 0
expect_stderr_has "warning: $T_TMP/third.csv:2:3: åbnet: citizen B42 has 3 focus points open from 2024-04-01, more than the model's focus_max 2"

t_case audit_answers_import_into_a_table_without_an_index_in_time
GS="$QM_SOURCE_DIR/models/god_sagsbehandling/god_sagsbehandling.lua"
gs="$T_TMP/gs.db"
python3 - "$T_TMP" "$gs" <<'PY'
import os, sqlite3, sys
d, db = sys.argv[1], sys.argv[2]
crit = ["henvendelse", "funktionsvurdering", "helhedsvurdering", "relevante_oplysninger", "borger_inddraget",
        "vejledning", "begrundelse", "formaal", "formaal_leverandoer", "ressourcer_leverandoer", "tilsyn_aftalt"]
c = sqlite3.connect(db)
c.execute("CREATE TABLE gs_audit (round TEXT, case_id INTEGER, criterion TEXT, answer INTEGER)")
c.executemany("INSERT INTO gs_audit VALUES ('foer', ?, ?, 1)", [(i, q) for i in range(2000) for q in crit])
c.commit()
with open(os.path.join(d, "med.csv"), "w") as f:
    f.write("sag;" + ";".join(crit) + "\n" + "".join(f"{i};" + ";".join("ja" for q in crit) + "\n" for i in range(2000)))
PY
t_run --timeout 30 import --db "$gs" --write --model "$GS" --what audit --round med "$T_TMP/med.csv"
expect_exit 0
expect_stdout_has "imported 22000 answers for 2000 audited cases into gs_audit"

t_case an_audit_answer_the_table_has_is_still_found
# case 7 written as text in the file, stored as a number in the table: the same case
printf 'case_id;criterion;answer\n7;vejledning;nej\n' >"$T_TMP/again_audit.csv"
t_run import --db "$gs" --write --model "$GS" --what audit --round foer "$T_TMP/again_audit.csv"
expect_exit 1
expect_stderr_has "again_audit.csv:2:1: case_id: case 7 already has an answer to vejledning in round foer"

t_done
