#!/usr/bin/env bash
# The command line as a newcomer meets it (issue 14): a data script given to qm check, print
# with --out, a --db that is not a database, bundled models by name, misspelt rules — each
# answered with the user's file and line and what to do, never an engine file.
source "$(dirname "$0")/lib.sh"
M="$QM_SOURCE_DIR/models"

t_case check_on_a_data_script_says_it_declares_no_model_and_how_to_run_it
t_run check "$M/kik/demo_data.lua"
expect_exit 1
line=$(grep -n '^store\.' "$M/kik/demo_data.lua" | head -1 | cut -d: -f1)
expect_stdout_has "$M/kik/demo_data.lua: declares no model: it is a script that uses store ($M/kik/demo_data.lua:$line), which needs a database."
expect_stdout_has "qm run $M/kik/demo_data.lua --db FILE --write"
expect_stdout_lacks "attempt to index a nil value"
expect_stdout_lacks "ok:"

t_case check_on_a_script_without_a_model_says_there_is_nothing_to_check
printf 'local x = 1 + 1\n' >"$T_TMP/plain.lua"
t_run check "$T_TMP/plain.lua"
expect_exit 0
expect_stdout_has "plain.lua: note: declares no model, so there is nothing to check"
expect_stdout_lacks "ok:"

t_case check_of_a_model_that_reads_data_while_loading_names_its_line
printf 'model "m" { title = "M",\n  theme "t" { title = db:scalar("SELECT 1") } }\n' >"$T_TMP/reads.lua"
t_run check "$T_TMP/reads.lua"
expect_exit 1
expect_stdout_has "$T_TMP/reads.lua:2: db.scalar needs a database, and qm check runs without one (give --db FILE to check against data)"

t_case print_goes_to_the_output_file_with_out
printf 'print("hej", 42)\nprint("anden linje")\n' >"$T_TMP/hello.lua"
t_run run "$T_TMP/hello.lua" --out "$T_TMP/hello.txt"
expect_exit 0
expect_stdout_is ""
[ "$(cat "$T_TMP/hello.txt")" = $'hej\t42\nanden linje' ] || t_fail "hello.txt: $(cat "$T_TMP/hello.txt")"
t_run run "$T_TMP/hello.lua"
expect_stdout_is $'hej\t42\nanden linje'

t_case out_in_a_folder_that_is_not_there_names_the_folder_not_a_tmp_file
t_run run "$T_TMP/hello.lua" --out "$T_TMP/nope/hello.txt"
expect_exit 3
expect_stderr_has "qm: cannot write $T_TMP/nope/hello.txt: no folder $T_TMP/nope"
expect_stderr_lacks ".tmp"
[ ! -e "$T_TMP/nope" ] || t_fail "the folder was made"

t_case print_in_a_model_run_comes_before_its_report_in_the_same_file
printf 'print("note from the model")\nmodel "m" { title = "M", scale = scale.points { 0, 100 }, theme "t" { title = "T", question "1" { text = "?" } } }\n' >"$T_TMP/pm.lua"
t_run run "$T_TMP/pm.lua" --out "$T_TMP/pm.txt"
expect_exit 0
[ "$(head -1 "$T_TMP/pm.txt")" = "note from the model" ] || t_fail "first line: $(head -1 "$T_TMP/pm.txt")"
grep -q "Spørgsmål\|question\|T" "$T_TMP/pm.txt" || t_fail "the report is missing from the file"

t_case a_db_that_is_not_a_database_is_named_without_engine_files
printf 'this is not sqlite\n' >"$T_TMP/notdb.db"
t_run run "$T_TMP/hello.lua" --db "$T_TMP/notdb.db"
expect_exit 3
expect_stderr_has "cannot open database $T_TMP/notdb.db: file is not a database (--db must be an SQLite database file)"
expect_stderr_lacks "stdlib/"
# qm check --db too: the database's error (exit 3), not a finding in the model (exit 1)
t_run check "$M/kik/kik.lua" --db "$T_TMP/notdb.db"
expect_exit 3
expect_stderr_has "cannot open database $T_TMP/notdb.db: file is not a database"
t_run run "$T_TMP/hello.lua" --db "$T_TMP"
expect_exit 3
expect_stderr_has "cannot open database $T_TMP: is a folder (--db must be an SQLite database file)"
t_run check "$M/kik/kik.lua" --db "$T_TMP/missing.db"
expect_exit 3
expect_stderr_has "cannot open database $T_TMP/missing.db: no such file"
expect_stdout_is ""

t_case bundled_models_are_used_by_name
mkdir -p "$T_TMP/mine"
printf 'local kik = use "kik"\nmodel "min" { extends = kik, title = "Min KIK" }\n' >"$T_TMP/mine/min.lua"
t_run check "$T_TMP/mine/min.lua"
expect_exit 0
expect_stdout_has "ok:"
t_run_stdin $'.load kik\n#kik:questions()\nlocal c = use "caf2020"\nc.id' repl
expect_exit 0
expect_stdout_has "<model kik: 8 themes, 20 questions, 5 indicators>"
expect_stdout_has "20"
expect_stdout_has '"caf2020"'

t_case bundled_models_are_named_on_the_command_line_too
# qm run/check NAME and --model NAME find a bundled model when there is no such file, as
# qm repl NAME and use "NAME" do; a name that is neither lists the bundled ones
cd "$T_TMP" || t_fail "no temporary folder"
t_run check kik
expect_exit 0
expect_stdout_has "ok: "
expect_stdout_has "kik/kik.lua"
t_run run kik --report list
expect_exit 0
expect_stdout_has "konsensusrapport"
t_run run "$M/kik/demo_data.lua" --db "$T_TMP/kik.db" --write
expect_exit 0
t_run consensus --db "$T_TMP/kik.db" --write --model kik --round 2025-aeblet --question 1.1 --score 60 --comment "Enige efter mødet" --by Teamet
expect_exit 0
t_run run kik --db "$T_TMP/kik.db" --report konsensusrapport --round 2025-aeblet --format csv
expect_exit 0
expect_stdout_has "ledelse,1.1,60,"
expect_stdout_has "Enige efter mødet"
t_run test kik
expect_exit 0
expect_stdout_has "tests: "
expect_stdout_has " passed, 0 failed"
t_run check kiik
expect_exit 3
expect_stderr_has "cannot open kiik: no such file, and no bundled model of that name (did you mean kik?) (bundled: caf2020,"
t_run run kiik
expect_exit 3
expect_stderr_has "cannot open kiik: no such file, and no bundled model of that name (did you mean kik?)"
t_run consensus --db "$T_TMP/kik.db" --write --model kiik --round 2025-aeblet --question 1.1 --score 55
expect_exit 3
expect_stderr_has "cannot open kiik: no such file, and no bundled model of that name (did you mean kik?)"
t_run run nope.lua
expect_exit 3
expect_stderr_has "cannot open nope.lua: no such file"
expect_stderr_lacks "bundled"
# a model's folder means the model in it (models/kik: models/kik/kik.lua); another folder is
# named as one (it was 'cannot read folder ' with no name)
t_run check "$M/kik"
expect_exit 0
expect_stdout_has "ok: $M/kik/kik.lua"
mkdir -p "$T_TMP/tom"
t_run run "$T_TMP/tom"
expect_exit 3
expect_stderr_has "cannot open $T_TMP/tom: is a folder (give a model file, like kik.lua, or a bundled model's name)"
t_run_stdin ".load '$T_TMP/tom'" repl
expect_exit 1
expect_stderr_has "stdin:1: cannot open $T_TMP/tom: is a folder"
expect_stderr_lacks "cannot read folder"
printf 'print("my own kik")\n' >"$T_TMP/kik"   # a file of that name comes first
t_run run kik
expect_exit 0
expect_stdout_is "my own kik"
cd - >/dev/null || true

t_case misspelt_rules_and_options_are_named_at_the_models_line_in_check_and_run
cat >"$T_TMP/rules.lua" <<'LUA'
model "r" {
  title = "R",
  scale = scale.points { 0, 100, step = 5 },
  prioritise = prioritise.impact_effort { treshold = 3 },
  theme "t" { title = "T", question "1" { text = "?" } },
}
LUA
t_run check "$T_TMP/rules.lua"
expect_exit 1
expect_stdout_has "$T_TMP/rules.lua:4: prioritise.impact_effort: unknown option treshold (did you mean threshold?)"
t_run run "$T_TMP/rules.lua"
expect_exit 1
expect_stderr_has "$T_TMP/rules.lua:4: prioritise.impact_effort: unknown option treshold (did you mean threshold?)"
sed -i 's/prioritise.impact_effort { treshold = 3 }/consensus.percentagreement { k = 10 }/; s/prioritise =/consensus =/' "$T_TMP/rules.lua"
t_run check "$T_TMP/rules.lua"
expect_exit 1
expect_stdout_has "$T_TMP/rules.lua:4: consensus.percentagreement: no such consensus rule (did you mean consensus.percent_agreement?)"
expect_stdout_lacks "attempt to call a nil value"


t_case an_indicators_kind_written_as_kind_points_to_type
# the guides speak of an indicator's kind; spelling alone suggested "min"
printf 'model "m" { title = "M",\n  theme "t" { title = "T",\n    indicator "i" { title = "I", kind = "value", sql = "SELECT 1 AS value" } } }\n' >"$T_TMP/kind.lua"
t_run check "$T_TMP/kind.lua"
expect_exit 1
expect_stdout_has "$T_TMP/kind.lua:3: error: indicator \"i\": unknown field \"kind\" (did you mean \"type\"?)"

t_case rule_errors_in_check_json_point_at_the_misspelt_word_and_carry_the_word_meant
printf 'model "r" { title = "R",\n  consensus = consensus.percentagreement { k = 10 } }\n' >"$T_TMP/name.lua"
printf 'model "r" { title = "R",\n  prioritise = prioritise.impact_effort { treshold = 3 } }\n' >"$T_TMP/opt.lua"
for f in name opt; do
  t_run check --format json "$T_TMP/$f.lua"
  expect_exit 1
  python3 - "$T_OUT" "$f" <<'PY' || t_fail "$f.lua: $(cat "$T_OUT")"
import json, sys
f = json.load(open(sys.argv[1]))["findings"]
assert len(f) == 1, f
want = {"name": (25, 41, "percent_agreement"), "opt": (43, 51, "threshold")}[sys.argv[2]]
got = (f[0]["line"], f[0]["column"], f[0]["end_column"], f[0]["suggestion"])
assert got == (2,) + want, got
PY
done

t_case a_rule_given_something_but_a_table_names_the_models_line_not_an_engine_file
for call in 'consensus.median(5)' 'prioritise.impact_effort(3)' 'scoring.mean(1)' 'scale.yesno(1)' 'scale.caf_fine("x")'; do
  printf 'local r = %s\nmodel "x" { title = "X" }\n' "$call" >"$T_TMP/notable.lua"
  t_run check "$T_TMP/notable.lua"
  expect_exit 1
  expect_stdout_has "$T_TMP/notable.lua:1: ${call%%(*}: takes a table of options, like ${call%%.*}."
  expect_stdout_lacks "stdlib/"
  expect_stdout_lacks "attempt to index"
done

t_case a_rule_value_without_a_name_is_an_error_not_ignored
printf 'local c = consensus.median { 5 }\nmodel "x" { title = "X" }\n' >"$T_TMP/pos.lua"
t_run check "$T_TMP/pos.lua"
expect_exit 1
expect_stdout_has "$T_TMP/pos.lua:1: consensus.median: options are named (max_range, k, flag): 5 has no name"
printf 'local s = scale.points { 0, 100, 5 }\nmodel "x" { title = "X" }\n' >"$T_TMP/pos.lua"
t_run check "$T_TMP/pos.lua"
expect_exit 1
expect_stdout_has "$T_TMP/pos.lua:1: scale.points: takes the minimum and the maximum first, then options by name (min, max, step, labels): 5 is item 3"
printf 'local s = scale.points { 0, 100, step = 5 }\nlocal b = scoring.bands { {0, 10, points = 0}, {11, 30, points = 1} }\nmodel "x" { title = "X" }\n' >"$T_TMP/pos.lua"
t_run check "$T_TMP/pos.lua"
expect_exit 0


t_case an_error_inside_a_library_function_names_the_line_that_called_it
printf 'local x = 1\nlocal r = require("qm.json").decode(5)\n' >"$T_TMP/lib.lua"
t_run run "$T_TMP/lib.lua"
expect_exit 1
expect_stderr_has "$T_TMP/lib.lua:2: attempt to index a number value"
expect_stderr_lacks "qm: attempt"
expect_stderr_lacks "stdlib/"
t_run_stdin $'x = 1\nrequire("qm.json").decode(5)' repl
expect_exit 1
expect_stderr_has "stdin:2: attempt to index a number value"
expect_stderr_lacks "qm: attempt"

t_done
