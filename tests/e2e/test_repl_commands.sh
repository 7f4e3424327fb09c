#!/usr/bin/env bash
# The REPL's dot-commands and output modes, fed on standard input (golden output, reviewed by
# eye): wide and combining characters aligned, control characters escaped, NULL in every
# mode, .headers, .nullvalue, .parameter, .dump, .indexes, .bail, .echo, .timer, .show,
# .open :memory:, the in-memory database without --db, and errors at the script's own line.
source "$(dirname "$0")/lib.sh"
db="$T_TMP/r.db"
python3 - "$db" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.executescript("""CREATE TABLE enheder(id TEXT PRIMARY KEY, navn TEXT, score REAL);
INSERT INTO enheder VALUES ('a', 'Æblet', 72.5), ('b', 'Solsikken', NULL), ('c', 'Tab'||char(9)||'her', 60);
CREATE INDEX enheder_navn ON enheder(navn);
CREATE TABLE tekst(k TEXT, v INTEGER);
INSERT INTO tekst VALUES ('漢字', 1), ('e'||char(769), 2), ('æøå', 3), ('a|b', 4);""")
c.commit()
PY

golden() {  # golden NAME INPUT EXPECTED [qm options...]
  local name=$1 input=$2 want=$3; shift 3
  t_case "$name"
  t_run_stdin "$input" repl --db "$db" "$@"
  [ "$(cat "$T_OUT")" = "$want" ] || t_fail "output differs:
--- expected
$want
--- got
$(cat "$T_OUT")"
  ! grep -q "stdlib/" "$T_ERR" || t_fail "an engine file in the error: $(cat "$T_ERR")"
}

golden box_aligns_cjk_combining_and_danish_letters $'.mode box\nSELECT k, v FROM tekst WHERE v < 4 ORDER BY v;' \
$'┌──────┬───┐
│ k    │ v │
├──────┼───┤
│ 漢字 │ 1 │
│ e\xcc\x81    │ 2 │
│ æøå  │ 3 │
└──────┴───┘'

golden box_shows_tabs_and_line_breaks_escaped $'.mode box\nSELECT navn FROM enheder WHERE id = \'c\' UNION ALL SELECT \'to\'||char(10)||\'linjer\';' \
$'┌────────────┐
│ navn       │
├────────────┤
│ Tab\\x09her │
│ to\\nlinjer │
└────────────┘'

golden table_without_headers $'.mode table\n.headers off\nSELECT * FROM enheder ORDER BY id;' \
$'+---+------------+------+
| a | Æblet      | 72.5 |
| b | Solsikken  |      |
| c | Tab\\x09her |   60 |
+---+------------+------+'

golden csv_carries_the_data_as_it_is_headers_and_nullvalue $'.mode csv\n.nullvalue NA\nSELECT * FROM enheder ORDER BY id;\n.headers off\nSELECT id FROM enheder WHERE id = \'b\';' \
$'id,navn,score\na,Æblet,72.5\nb,Solsikken,NA\nc,Tab\ther,60\nb'

golden column_with_nullvalue $'.nullvalue NULL\nSELECT * FROM enheder ORDER BY id;' \
$'id  navn        score
--  ----------  -----
a   Æblet        72.5
b   Solsikken    NULL
c   Tab\\x09her     60'

golden line_shows_null_as_nothing_by_default $'.mode line\nSELECT * FROM enheder WHERE id IN (\'a\', \'b\') ORDER BY id;' \
$'   id = a
 navn = Æblet
score = 72.5

   id = b
 navn = Solsikken
score = '

golden markdown_escapes_pipes $'.mode markdown\nSELECT k, v FROM tekst WHERE v IN (3, 4) ORDER BY v;' \
$'| k | v |\n| --- | ---: |\n| æøå | 3 |\n| a\\|b | 4 |'

# Markdown is text, never markup (as in a report's Markdown): emphasis, code, HTML escaped
golden markdown_escapes_emphasis_code_and_html $'.mode markdown\nSELECT \'*fed* `kode` <b>x</b>\' AS t;' \
$'| t |\n| --- |\n| \\*fed\\* \\`kode\\` &lt;b&gt;x&lt;/b&gt; |'

# a .mode html table is the one a report's HTML page has: numbers right-aligned, text escaped
golden html_writes_the_reports_table $'.mode html\nSELECT id, score, navn FROM enheder WHERE id IN (\'a\', \'b\') ORDER BY id;' \
$'<div class="table-wrap"><table>\n<thead><tr><th scope="col">id</th><th scope="col" class="n">score</th><th scope="col">navn</th></tr></thead><tbody>\n<tr><td>a</td><td class="n">72.5</td><td>Æblet</td></tr>\n<tr><td>b</td><td class="n"></td><td>Solsikken</td></tr>\n</tbody></table></div>'

# a column of numbers has its header over the numbers; a column of only NULLs is text
golden column_aligns_numeric_headers_right_and_empty_columns_left $'SELECT 1234567 AS n, NULL AS tom, \'x\' AS t;' \
$'      n  tom  t\n-------  ---  -\n1234567       x'


golden json_keeps_types_and_writes_null $'.mode json\nSELECT id, score, length(navn) AS n FROM enheder WHERE id IN (\'a\', \'b\') ORDER BY id;' \
$'[
  {
    "id": "a",
    "score": 72.5,
    "n": 5
  },
  {
    "id": "b",
    "score": null,
    "n": 9
  }
]'

golden db_rows_prints_columns_in_select_order $'db:rows("SELECT score, navn, id FROM enheder WHERE id <> \'c\' ORDER BY id")' \
$'score  navn       id
-----  ---------  --
 72.5  Æblet      a
       Solsikken  b'

golden db_first_prints_its_record_in_select_order $'db:first("SELECT score, navn, id FROM enheder WHERE id = \'a\'")\nlocal r = db:first("SELECT 2 AS zeta, 1 AS alpha")\nr.extra = 0\nr\n{ zeta = 2, alpha = 1 }' \
$'{ score = 72.5, navn = "Æblet", id = "a" }\n{ zeta = 2, alpha = 1, extra = 0 }\n{ alpha = 1, zeta = 2 }'

golden indexes_of_the_database_and_of_a_table $'.indexes\n.indexes tekst\n.indexes enheder' \
$'enheder_navn\nsqlite_autoindex_enheder_1\nenheder_navn\nsqlite_autoindex_enheder_1'

golden dump_writes_sql_that_rebuilds_a_table $'.dump enheder' \
$'PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE enheder(id TEXT PRIMARY KEY, navn TEXT, score REAL);
INSERT INTO enheder VALUES(\'a\',\'Æblet\',72.5);
INSERT INTO enheder VALUES(\'b\',\'Solsikken\',NULL);
INSERT INTO enheder VALUES(\'c\',\'Tab\ther\',60.0);
CREATE INDEX enheder_navn ON enheder(navn);
COMMIT;'

t_case dump_and_read_round_trip_into_an_in_memory_database
t_run_stdin ".output '$T_TMP/dump.sql'"$'\n.dump\n.output' repl --db "$db"
expect_exit 0
printf '.read %s\n.mode csv\nSELECT * FROM enheder ORDER BY id;\nSELECT k, v, length(k) FROM tekst ORDER BY v;\nSELECT name FROM sqlite_schema WHERE type = %s;\n' \
  "'$T_TMP/dump.sql'" "'index'" >"$T_TMP/load.txt"
"$QM" repl <"$T_TMP/load.txt" >"$T_OUT" 2>"$T_ERR"; T_RC=$?
expect_exit 0
expect_stdout_is $'id,navn,score\na,Æblet,72.5\nb,Solsikken,\nc,Tab\ther,60\nk,v,length(k)\n漢字,1,2\ne\xcc\x81,2,2\næøå,3,3\na|b,4,3\nname\nsqlite_autoindex_enheder_1\nenheder_navn'

t_case dump_of_a_qm_database_restores_to_the_same_reports
# the schema version (PRAGMA user_version) is part of the dump: without it the restored
# database read as 'no qm data yet'
"$QM" run "$QM_SOURCE_DIR/models/kik/demo_data.lua" --db "$T_TMP/kik.db" --write >/dev/null || t_fail "demo data"
t_run_stdin $'.dump' repl --db "$T_TMP/kik.db"
expect_exit 0
v=$(python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("PRAGMA user_version").fetchone()[0])' "$T_TMP/kik.db")
[ "${v:-0}" -gt 0 ] || t_fail "the demo database has no schema version"
expect_stdout_has $'BEGIN TRANSACTION;\nPRAGMA user_version='"$v"$';\n'
python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.executescript(open(sys.argv[2], encoding="utf-8").read())' \
  "$T_TMP/restored.db" "$T_OUT" || t_fail "the dump does not restore"
"$QM" run kik --db "$T_TMP/kik.db" --report konsensusrapport --round 2025-aeblet >"$T_TMP/a.txt" 2>&1
t_run run kik --db "$T_TMP/restored.db" --report konsensusrapport --round 2025-aeblet
expect_exit 0
[ -s "$T_TMP/a.txt" ] && cmp -s "$T_TMP/a.txt" "$T_OUT" || t_fail "the restored database reports differently: $(head -3 "$T_ERR")"
t_run_stdin $'.dump enheder' repl --db "$db"
expect_stdout_lacks "user_version"

golden parameters_are_set_listed_used_and_cleared $'.parameter set min 65\n.parameter set navn \'42\'\n.parameter list\nSELECT id FROM enheder WHERE score > :min;\nSELECT typeof(:navn) AS t, typeof(@min) AS u;\n.parameter clear navn\n.parameter list' \
$':min = 65\n:navn = \'42\'\nid\n--\na\nt     u\n----  -------\ntext  integer\n:min = 65'

golden param_on_the_command_line_is_a_parameter $'SELECT id FROM enheder WHERE score < :max;' $'id\n--\nc' --param max=70

t_case a_parameter_not_set_names_the_line
t_run_stdin $'SELECT 1;\nSELECT :nope;' repl
expect_exit 1
expect_stderr_has "stdin:2: parameter :nope not given"

t_case bail_stops_a_script_at_the_first_error
t_run_stdin $'.bail on\n1 + 1\nerror("stop")\n2 + 2' repl
expect_exit 1
expect_stdout_is "2"
expect_stderr_has "stdin:3: stop"

t_case without_bail_a_script_goes_on_and_fails_at_the_end
t_run_stdin $'1 + 1\nerror("stop")\n2 + 2' repl
expect_exit 1
expect_stdout_is $'2\n4'

golden echo_prints_each_command_before_its_output $'.echo on\n1 + 1\nSELECT 3 AS x;' $'1 + 1\n2\nSELECT 3 AS x;\nx\n-\n3'

t_case timer_shows_real_user_and_sys
t_run_stdin $'.timer on\nSELECT 1 AS x;\n.timer off\nSELECT 2 AS y;' repl
expect_exit 0
grep -qE '^Run Time: real [0-9]+\.[0-9]{3} user [0-9]+\.[0-9]{6} sys [0-9]+\.[0-9]{6}$' "$T_OUT" || t_fail "no Run Time line: $(cat "$T_OUT")"
[ "$(grep -c '^Run Time' "$T_OUT")" = 1 ] || t_fail "the timer ran for dot-commands or after .timer off"

golden show_lists_the_settings $'.mode csv\n.headers off\n.nullvalue -\n.show' \
$'      mode: csv
   headers: off
 nullvalue: "-"
     timer: off
      bail: off
      echo: off
    output: stdout
  database: '"$db"

t_case without_db_sql_runs_on_an_in_memory_database
t_run_stdin $'CREATE TABLE t(x);\nINSERT INTO t VALUES (1), (2);\nSELECT sum(x) AS s FROM t;\ndb:scalar("SELECT count(*) FROM t")\n.show' repl
expect_exit 0
expect_stdout_has $'s\n-\n3\n2'
expect_stdout_has "database: in memory"

t_case open_memory_starts_an_empty_database
t_run_stdin $'.open :memory:\n.tables\nCREATE TABLE n(x);\n.tables' repl --db "$db"
expect_exit 0
expect_stdout_is $'opened an in-memory database\nn'

t_case help_explains_every_dot_command
t_run_stdin '.help' repl
expect_exit 0
names=$(grep -oE '^\.[a-z]+' "$T_OUT" | sort -u)
[ "$(wc -l <<<"$names")" -ge 20 ] || t_fail "too few commands in .help: $names"
for d in dump indexes headers nullvalue parameter bail echo timer show; do
  grep -qx ".$d" <<<"$names" || t_fail ".help lacks .$d"
done
input=""
for n in $names; do input+=".help ${n#.}"$'\n'; done
t_run_stdin "$input" repl
expect_exit 0
[ "$(grep -c '^\.[a-z]' "$T_OUT")" = "$(wc -l <<<"$names")" ] || t_fail "not every .help NAME answered"

t_case unknown_dot_command_suggests_the_one_meant
t_run_stdin $'.tabels' repl
expect_exit 1
expect_stderr_has "unknown command .tabels, did you mean .tables? (see .help)"

t_case script_errors_name_the_scripts_own_line
printf '1 + 1\nx = 2\n\nerror("fejl på linje 4")\nSELECT *\n  FROM nope;\nSELEC * FROM enheder;\nfunction f()\n  return nil .. 1\nend\nf()\n' >"$T_TMP/script.txt"
"$QM" repl --db "$db" <"$T_TMP/script.txt" >"$T_OUT" 2>"$T_ERR"; T_RC=$?
expect_exit 1
expect_stdout_is "2"
expect_stderr_has "stdin:4: fejl på linje 4"
expect_stderr_has "stdin:5: SQL error: no such table: nope"
expect_stderr_has 'stdin:7: SQL error: near "SELEC": syntax error'
expect_stderr_has "(did you mean SELECT?)"
expect_stderr_has "stdin:9: attempt to concatenate a nil value"
expect_stderr_lacks "stdlib/"
expect_stderr_lacks "syntax error near '*'"

t_case several_statements_on_lines_of_their_own_each_name_their_line
t_run_stdin $'SELECT 1 AS a;\nSELECT 2 AS b; SELECT\n  * FROM nope;' repl
expect_exit 1
expect_stderr_has "stdin:2: SQL error: no such table: nope"

t_case read_reports_errors_at_the_files_line_and_goes_on
printf 'SELECT 1 AS a;\n\nerror("i filen")\nSELECT 2 AS b;\n' >"$T_TMP/cmds.sql"
t_run_stdin ".read '$T_TMP/cmds.sql'"$'\nSELECT 3 AS c;' repl
expect_exit 1
expect_stdout_is $'a\n-\n1\nb\n-\n2\nc\n-\n3'
expect_stderr_has "$T_TMP/cmds.sql:3: i filen"

t_case read_with_bail_stops_at_the_first_error
t_run_stdin $'.bail on\n'".read '$T_TMP/cmds.sql'"$'\nSELECT 3 AS c;' repl
expect_exit 1
expect_stdout_is $'a\n-\n1'

t_case incomplete_input_at_the_end_names_its_line
t_run_stdin $'1 + 1\nfunction g()\n  return 1' repl
expect_exit 1
expect_stderr_has "stdin:2: incomplete input at the end"

t_case sql_after_a_comment_line_is_sql
t_run_stdin $'-- the units\nSELECT count(*) AS n FROM enheder;' repl --db "$db"
expect_exit 0
expect_stdout_is $'n\n-\n3'

t_case a_rule_typed_with_a_typo_names_the_input_line
t_run_stdin $'x = 1\nr = prioritise.impact_effort { treshold = 3 }\nc = consensus.mediun' repl
expect_exit 1
expect_stderr_has "stdin:2: prioritise.impact_effort: unknown option treshold (did you mean threshold?)"
expect_stderr_has "stdin:3: consensus.mediun: no such consensus rule (did you mean consensus.median?)"

t_case import_reads_a_danish_excel_file_like_qm_import
printf '\xef\xbb\xbfEnhed;Navn;Procent;Kode\r\naeblet;Æblet;4,5;007\r\nsol;"Sol; og sommer";;12\r\n' >"$T_TMP/fravaer.csv"
t_run_stdin ".import '$T_TMP/fravaer.csv' fravaer"$'\n.mode csv\nSELECT Enhed, Navn, Procent, typeof(Procent), Kode, typeof(Kode) FROM fravaer;' repl
expect_exit 0
expect_stdout_is $'imported 2 rows into fravaer\nEnhed,Navn,Procent,typeof(Procent),Kode,typeof(Kode)\naeblet,Æblet,4.5,real,007,text\nsol,Sol; og sommer,,null,12,integer'

t_case import_keeps_quoted_commas_and_line_breaks_and_fills_a_table_by_column_name
printf 'a,b\n1,"x, y"\n2,"linje1\nlinje2"\n' >"$T_TMP/c.csv"
printf 'NAVN,X\nq,5\n' >"$T_TMP/e.csv"
t_run_stdin ".import '$T_TMP/c.csv' cc"$'\n.mode json\nSELECT * FROM cc;\nCREATE TABLE e(x INTEGER, navn TEXT);\n'".import '$T_TMP/e.csv' e"$'\nSELECT * FROM e;' repl
expect_exit 0
expect_stdout_is $'imported 2 rows into cc\n[\n  {\n    "a": 1,\n    "b": "x, y"\n  },\n  {\n    "a": 2,\n    "b": "linje1\\nlinje2"\n  }\n]\nimported 1 row into e\n[\n  {\n    "x": 5,\n    "navn": "q"\n  }\n]'

t_case import_writes_nothing_when_a_row_is_bad
printf 'a,b\n1,2\n3,4,5\n' >"$T_TMP/bad.csv"
printf 'Navne,x\nq,5\n' >"$T_TMP/e2.csv"
t_run_stdin $'CREATE TABLE t(a, b);\nCREATE TABLE e(x, navn);\n'".import '$T_TMP/bad.csv' t"$'\nSELECT count(*) AS n FROM t;\n'".import '$T_TMP/e2.csv' e"$'\n'".import '$T_TMP/bad.csv' nyt"$'\n.tables' repl
expect_exit 1
expect_stdout_is $'n\n-\n0\ne\nt'
expect_stderr_has "$T_TMP/bad.csv:3: 3 fields, but the header names 2 columns"
expect_stderr_has "$T_TMP/e2.csv:1:1: e has no column Navne, did you mean navn? (its columns: x, navn)"

t_case import_refuses_text_that_is_not_utf8_and_a_read_only_database
printf 'navn\n\xe6ble\n' >"$T_TMP/latin1.csv"
t_run_stdin ".import '$T_TMP/latin1.csv' x" repl
expect_exit 1
expect_stderr_has "latin1.csv:2"
expect_stderr_has "UTF-8"
t_run_stdin ".import '$T_TMP/c.csv' cc" repl --db "$db"
expect_exit 1
expect_stderr_has "the database is open read-only: .import needs qm started with --write"


t_case dot_command_errors_in_a_script_name_the_scripts_line
printf 'SELECT 1 AS a;\n.mode foo\n\n.import\n.nosuch\n' >"$T_TMP/dots.sql"
t_run_stdin $'SELECT 1 AS a;\n.mode foo\n\n.import\n.nosuch\n'".read '$T_TMP/dots.sql'"$'\n.open \''"$T_TMP"$'/nope.db\'' repl
expect_exit 1
expect_stderr_has "stdin:2: unknown mode foo (modes:"
expect_stderr_has "stdin:4: usage: .import FILE TABLE"
expect_stderr_has "stdin:5: unknown command .nosuch"
expect_stderr_has "$T_TMP/dots.sql:2: unknown mode foo"
expect_stderr_has "$T_TMP/dots.sql:4: usage: .import FILE TABLE"
expect_stderr_has "stdin:7: cannot open $T_TMP/nope.db: no such file"
expect_stderr_lacks "qm: "

t_case read_output_and_once_name_the_file_and_why_in_qms_words
mkdir -p "$T_TMP/mappe"
t_run_stdin ".read '$T_TMP/nofile.sql'"$'\n'".output '$T_TMP/nope/x.txt'"$'\n'".once '$T_TMP/nope/y.txt'"$'\n'".read '$T_TMP/mappe'"$'\n'".output '$T_TMP/mappe'"$'\n1 + 1' repl
expect_exit 1
expect_stdout_is "2"
expect_stderr_has "stdin:1: cannot read $T_TMP/nofile.sql: no such file"
expect_stderr_has "stdin:2: cannot write $T_TMP/nope/x.txt: no folder $T_TMP/nope"
expect_stderr_has "stdin:3: cannot write $T_TMP/nope/y.txt: no folder $T_TMP/nope"
expect_stderr_has "stdin:4: cannot read $T_TMP/mappe: is a folder"
expect_stderr_has "stdin:5: cannot write $T_TMP/mappe: is a folder"
expect_stderr_lacks "stdlib/"
expect_stderr_lacks "No such file or directory"

t_case import_refuses_a_row_with_fewer_fields_than_the_header_as_qm_import_does
printf 'a;b;c\n1;2;3\n4;5\n' >"$T_TMP/short.csv"
t_run_stdin ".import '$T_TMP/short.csv' kort"$'\n.tables' repl
expect_exit 1
expect_stdout_is ""
expect_stderr_has "$T_TMP/short.csv:3: 2 fields, but the header names 3 columns"


t_case pairs_over_a_rule_library_lists_its_rules_and_it_stays_read_only
t_run_stdin $'local n = {}\nfor k in pairs(consensus) do n[#n + 1] = k end\ntable.sort(n)\ntable.concat(n, " ")\nconsensus.median = nil' repl
expect_exit 1
expect_stdout_has "median"
expect_stdout_has "percent_agreement"
expect_stdout_has "mode_rule"
expect_stderr_has "stdin:5: cannot change consensus.median"


golden column_mode_is_set_back_after_another $'.mode csv\nSELECT 1 AS a, \'x\' AS b;\n.mode column\nSELECT 1 AS a, \'x\' AS b;' \
$'a,b\n1,x\na  b\n-  -\n1  x'

t_case quit_ends_a_script_there_with_exit_0
t_run_stdin $'1 + 1\n.quit\n2 + 2\nerror("not reached")' repl
expect_exit 0
expect_stdout_is "2"
expect_stderr_lacks "not reached"


t_case load_of_a_name_that_is_neither_a_file_nor_a_bundled_model_lists_the_bundled_ones
t_run_stdin $'.load kiik' repl
expect_exit 1
expect_stderr_has "stdin:1: cannot open kiik: no such file, and no bundled model of that name (did you mean kik?) (bundled: caf2020,"
t_run repl nope
expect_exit 3
expect_stderr_has "cannot open nope: no such file, and no bundled model of that name (bundled: caf2020,"


t_case a_misspelt_sql_word_without_a_semicolon_gets_a_hint_with_luas_error
t_run_stdin $'SELEC * FROM enheder\nfoo bar' repl
expect_exit 1
expect_stderr_has "stdin:1: syntax error near '*' (if this is SQL: did you mean SELECT? SQL ends with ;)"
expect_stderr_has "stdin:2: syntax error near 'bar'"
expect_stderr_lacks "stdin:2: syntax error near 'bar' (if"


t_case import_reads_a_tab_separated_file_with_decimal_commas
printf 'Enhed\tProcent\naeblet\t4,5\nsol\t12\n' >"$T_TMP/tab.csv"
t_run_stdin ".import '$T_TMP/tab.csv' tab"$'\n.mode csv\nSELECT Enhed, Procent, typeof(Procent) FROM tab;' repl
expect_exit 0
expect_stdout_is $'imported 2 rows into tab\nEnhed,Procent,typeof(Procent)\naeblet,4.5,real\nsol,12,integer'

t_done
