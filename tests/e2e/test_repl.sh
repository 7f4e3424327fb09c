#!/usr/bin/env bash
# The REPL fed on standard input (golden output): Lua values, locals across lines, multi-line
# Lua and SQL, every output mode, dot-commands, errors, and the exit code.
source "$(dirname "$0")/lib.sh"
db="$T_TMP/r.db"
python3 - "$db" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.executescript("""CREATE TABLE enheder(id TEXT, navn TEXT, score REAL);
INSERT INTO enheder VALUES ('a', 'Æblet', 72.5), ('b', 'Solsikken', NULL), ('c', 'Tab'||char(9)||'here', 60);""")
c.commit()
PY
M="$QM_SOURCE_DIR/models/kik/kik.lua"

golden() {  # golden NAME INPUT EXPECTED
  t_case "$1"
  t_run_stdin "$2" repl --db "$db" "$M"
  [ "$(cat "$T_OUT")" = "$3" ] || t_fail "output differs:
--- expected
$3
--- got
$(cat "$T_OUT")"
}

golden expressions_print_without_return $'1 + 1\n"tekst"\n{ b = 2, a = { 1, 2 } }' \
$'2\n"tekst"\n{ a = { 1, 2 }, b = 2 }'

golden locals_survive_across_lines $'local x = 20\nlocal function twice(n) return 2 * n end\ntwice(x) + 2' '42'

golden multi_line_lua_continues $'function f(n)\n  if n > 1 then\n    return n * f(n - 1)\n  end\n  return 1\nend\nf(5)' '120'

golden multi_line_sql_ends_at_semicolon $'SELECT id,\n       navn\n  FROM enheder\n WHERE score > 65;' \
$'id  navn\n--  -----\na   Æblet'

golden mode_csv $'.mode csv\nSELECT * FROM enheder ORDER BY id;' \
$'id,navn,score\na,Æblet,72.5\nb,Solsikken,\nc,Tab\there,60'

golden mode_json_writes_null_for_null $'.mode json\nSELECT id, score FROM enheder WHERE id IN (\'a\', \'b\') ORDER BY id;' \
$'[\n  {\n    "id": "a",\n    "score": 72.5\n  },\n  {\n    "id": "b",\n    "score": null\n  }\n]'

# the reports' Markdown (one table renderer): cells unpadded, numbers right-aligned by the rule
golden mode_markdown $'.mode markdown\nSELECT id, score FROM enheder ORDER BY id;' \
$'| id | score |\n| --- | ---: |\n| a | 72.5 |\n| b |  |\n| c | 60 |'

golden mode_line $'.mode line\nSELECT id, navn FROM enheder WHERE id = \'a\';' \
$'  id = a\nnavn = Æblet'

golden mode_box_lines_up_danish_letters $'.mode box\nSELECT navn FROM enheder WHERE id IN (\'a\',\'b\') ORDER BY id;' \
$'┌───────────┐\n│ navn      │\n├───────────┤\n│ Æblet     │\n│ Solsikken │\n└───────────┘'

golden mode_table_is_ascii_like_sqlite3 $'.mode table\nSELECT id, score FROM enheder ORDER BY id;' \
$'+----+-------+\n| id | score |\n+----+-------+\n| a  |  72.5 |\n| b  |       |\n| c  |    60 |\n+----+-------+'


golden arrays_of_records_print_as_tables $'{ {id = 1, navn = "a"}, {id = 2, navn = "b"} }' \
$'id  navn\n--  ----\n 1  a\n 2  b'

golden models_are_there_by_id $'kik\nkik:find("ledelse")\n.models' \
$'<model kik: 8 themes, 20 questions, 5 indicators>\n<theme ledelse: 3 questions>\n<model kik: 8 themes, 20 questions, 5 indicators>  Den Kommunale Kvalitetsmodel (KIK)'

golden tables_and_schema $'.tables\n.schema enheder' $'enheder\nCREATE TABLE enheder(id TEXT, navn TEXT, score REAL);'

golden sql_mode_toggle $'.sql\nSELECT count(*) AS n\nFROM enheder;\n.sql\n1 + 2' $'SQL mode: input is SQL until .sql\nn\n-\n3\nLua mode\n3'

t_case errors_print_and_the_repl_goes_on
t_run_stdin $'error("boom")\nSELECT * FROM nope;\n.frob\n1 + 1' repl --db "$db"
expect_exit 1
expect_stdout_is "2"
expect_stderr_has "stdin:1: boom"
expect_stderr_has "no such table: nope"
expect_stderr_has "unknown command .frob"

t_case sandbox_applies_in_the_repl
t_run_stdin $'io.open("/etc/passwd")\nos.execute("true")' repl
expect_exit 1
expect_stderr_has "io is not available in a model"
expect_stderr_has "os.execute is not allowed in a model"

t_case once_and_output_redirect
t_run_stdin ".once $T_TMP/once.txt"$'\nSELECT id FROM enheder WHERE id = \'a\';\n1 + 1\n'".output $T_TMP/out.txt"$'\n3 * 3\n.output\n4' repl --db "$db"
expect_exit 0
expect_stdout_is $'2\n4'
[ "$(cat "$T_TMP/once.txt")" = $'id\n--\na' ] || t_fail "once file: $(cat "$T_TMP/once.txt")"
[ "$(cat "$T_TMP/out.txt")" = "9" ] || t_fail "output file"

t_case timer_prints_run_time
t_run_stdin $'.timer on\n1' repl
expect_stdout_has "Run Time: real "
expect_stdout_has " user "
expect_stdout_has " sys "

t_case read_runs_a_file_of_commands
printf 'local y = 5\ny * 3\n.mode csv\nSELECT 1 AS one;\n' >"$T_TMP/cmds.txt"
t_run_stdin ".read $T_TMP/cmds.txt" repl --db "$db"
expect_stdout_is $'15\none\n1'

t_case run_runs_a_model_inside_the_repl
t_run_stdin ".run '$M' --format csv" repl
expect_exit 0
expect_stdout_has "kind,id,title,side,scale"

t_case run_follows_output_and_once
t_run_stdin ".output '$T_TMP/run.csv'"$'\n'".run '$M' --format csv"$'\n.output\n'".once '$T_TMP/run2.csv'"$'\n'".run '$M' --format csv"$'\n7 * 6' repl
expect_exit 0
expect_stdout_lacks "kind,id,title,side,scale"
expect_stdout_has "42"
grep -q "^kind,id,title,side,scale" "$T_TMP/run.csv" || t_fail ".run did not write to the .output file"
grep -q "^kind,id,title,side,scale" "$T_TMP/run2.csv" || t_fail ".run did not write to the .once file"

t_case open_switches_database_and_help_explains
t_run_stdin ".open $db"$'\n.tables\n.help mode' repl
expect_stdout_has "opened $db"
expect_stdout_has "enheder"
expect_stdout_has ".mode MODE"

t_case load_makes_a_model_available
t_run_stdin ".load '$QM_SOURCE_DIR/models/caf2020/caf2020.lua'"$'\n#caf2020:questions()' repl
expect_stdout_has "<model caf2020: 9 themes, 28 questions, 0 indicators>"
expect_stdout_has "28"

t_case quoted_arguments_keep_spaces_in_file_names
mkdir -p "$T_TMP/Kvalitet 2026"
cat >"$T_TMP/Kvalitet 2026/lille model.lua" <<'LUA'
model "lille" { title = "Lille", scale = scale.points { 0, 100 },
  theme "t" { title = "T", question "1" { text = "Q" } } }
LUA
t_run_stdin ".load '$T_TMP/Kvalitet 2026/lille model.lua'"$'\n#lille:questions()\n'".load \"$T_TMP/Kvalitet 2026/lille model.lua\""$'\n.output "'"$T_TMP/Kvalitet 2026/ud.txt"$'"\n6 * 7\n.output' repl
expect_exit 0
expect_stdout_has "<model lille: 1 themes, 1 questions, 0 indicators>"
grep -qx 42 "$T_TMP/Kvalitet 2026/ud.txt" || t_fail ".output with a quoted path did not write the file"
t_run_stdin ".load '$T_TMP/Kvalitet 2026/lille model.lua" repl
expect_stderr_has "unterminated ' quote"

t_case limits_apply_per_command_and_the_state_survives
t_run_stdin $'x = 1\nwhile true do end\nx + 1' --timeout 1 repl
expect_exit 1
expect_stderr_has "time limit of 1 s reached"
expect_stdout_is "2"

golden semicolons_in_strings_and_comments_do_not_split_sql $'SELECT \'a;b\' AS x; -- a comment; still a comment\n/* lead; */ SELECT 2 AS y;\nSELECT 3 AS z; /* only a comment */ ;' \
$'x\n---\na;b\ny\n-\n2\nz\n-\n3'

t_case a_query_of_millions_of_rows_streams_in_constant_memory
printf '.mode box\nWITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 150000) SELECT i, printf("%%0*d", i %% 30, i) AS s FROM c;\n.mode csv\nWITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 150000) SELECT i, i * 2 AS j FROM c;\n' >"$T_TMP/big.sql"
"$QM" repl --db "$db" --max-memory 8M <"$T_TMP/big.sql" >"$T_OUT" 2>"$T_ERR"; T_RC=$?
expect_exit 0
[ "$(grep -c '^│' "$T_OUT")" = 150001 ] || t_fail "box rows: $(grep -c '^│' "$T_OUT")"
expect_stdout_has "│ 1000 │ 0000001000                    │"
expect_stdout_has "│ 149980 │ 0000149980                    │"
expect_stdout_has "│ 1019 │ 00000000000000000000000001019 │"
expect_stdout_has "150000,300000"
[ "$(tail -1 "$T_OUT")" = "150000,300000" ] || t_fail "csv did not end with the last row"

t_case waiting_for_input_is_not_timed
{ sleep 1.5; echo 'x = 20'; sleep 1.5; echo 'x + 1'; } | "$QM" repl --timeout 0.5 >"$T_OUT" 2>"$T_ERR"; T_RC=$?
expect_exit 0
expect_stdout_is "21"

t_case a_command_stuck_in_one_call_ends_the_session_with_the_time_limit
t_run_stdin $'1 + 1\nstring.find(string.rep("a", 200000), ".-.-.-.-b")\n2 + 2' repl --timeout 1
expect_exit 4
expect_stdout_is "2"
expect_stderr_has "time limit of 1 s reached (raise it with --timeout); the command was stuck inside one call"

t_case incomplete_input_at_the_end_is_reported
t_run_stdin $'function f()' repl
expect_exit 1
expect_stderr_has "incomplete input at the end"

t_case bare_qm_without_a_terminal_reads_stdin
t_run_stdin '6 * 7'
expect_exit 0
expect_stdout_is "42"

t_done
