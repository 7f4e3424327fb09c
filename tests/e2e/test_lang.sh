#!/usr/bin/env bash
# The model language through qm check and qm run: errors with file:line, YAML structure,
# reuse with extends, the bundled models, and indicators evaluated to a status as of a date.
source "$(dirname "$0")/lib.sh"
L="$T_TMP/lang"
cp -r "$QM_SOURCE_DIR/tests/e2e/lang" "$L"

t_case check_reports_every_problem_at_its_line
t_run check "$L/errors.lua"
expect_exit 1
expect_stdout_has 'errors.lua:4: error: theme "ledelse": unknown field "titel" (did you mean "title"?)'
expect_stdout_has 'errors.lua:6: error: duplicate id "1.1": question "1.1" at'
expect_stdout_has 'errors.lua:5: warning: question "1.1": weight 2 given but theme "ledelse" scores by mean, which ignores weights'
expect_stdout_has 'errors.lua:8: warning: theme "tom" has no questions'
expect_stdout_has 'errors.lua:9: error: question "2.1": scale must be a scale'
expect_stdout_has 'errors.lua:10: error: theme "y": scoring must be a rule'
expect_stdout_has 'errors.lua:11: error: indicator "i1": deadline: cannot read "engang i fremtiden"'
expect_stdout_has 'errors.lua:12: warning: indicator "i2": deadline "ultimo" has no year'

t_case a_target_outside_the_scale_is_an_error_at_its_line
cat >"$T_TMP/target.lua" <<'LUA'
model "t" {
  title = "T", scale = scale.points { 0, 100, step = 5 }, target = 150,
  theme "ledelse" { title = "Ledelse",
    question "1.1" { text = "Q", target = 120 },
    question "1.2" { text = "Q", target = 75 },
  },
}
LUA
t_run check "$T_TMP/target.lua"
expect_exit 1
expect_stdout_has 'target.lua:4: error: theme "ledelse": question "1.1": target 120 is outside the scale 0-100 in steps of 5'
# the line that gives the target (the model's own line is 1)
expect_stdout_has 'target.lua:2: error: model "t": target 150 is outside the scale 0-100 in steps of 5'
expect_stdout_lacks '"1.2"'

t_case run_refuses_a_model_with_errors
t_run run "$L/errors.lua"
expect_exit 1
expect_stderr_has "errors in the model: nothing was run"

t_case a_question_without_a_scale_is_an_error
t_run check "$L/noscale.lua"
expect_exit 1
expect_stdout_has 'noscale.lua:3: error: question "1" has no scale'

t_case yaml_structure_errors_point_into_the_yaml_file
t_run check "$L/fromyaml.lua"
expect_exit 1
expect_stdout_has 'structure.yaml:11: error: question "1.2": weight must be a number, got "to"'
expect_stdout_has 'structure.yaml:16: error: question "2.1": unknown field "txt" (did you mean "text"?)'

t_case yaml_structure_keeps_ids_exact_and_order
t_run run "$L/goodyaml.lua" --format json
expect_exit 0
expect_stdout_has '"id": "1.10"'
expect_stdout_has '"id": "1.1"'
expect_stdout_has '"weight": 2'

t_case use_and_structure_work_from_a_folder_deeper_than_lua_short_names
# Lua cuts a chunk's short name to 60 characters; paths must come from the full name
DEEP="$T_TMP/a_folder_with_a_rather_long_name/and_another_level_below_it/and_one_more_level"
mkdir -p "$DEEP/models" && cp -r "$QM_SOURCE_DIR/models/kik" "$DEEP/models/kik"
mkdir -p "$DEEP/x/y/z" && cp "$L/extends.lua" "$DEEP/x/y/z/" && cp -r "$QM_SOURCE_DIR/models/kik" "$DEEP/x/y/z/kik" && cp "$L/goodyaml.lua" "$L/goodyaml.yaml" "$DEEP/"
t_run check "$DEEP/x/y/z/extends.lua"
expect_exit 0
t_run run "$DEEP/goodyaml.lua" --format json
expect_exit 0
expect_stdout_has '"id": "1.10"'
cp "$L/errors.lua" "$DEEP/x/y/z/"
t_run check "$DEEP/x/y/z/errors.lua"
expect_exit 1
expect_stdout_has "$DEEP/x/y/z/errors.lua:4: error: theme \"ledelse\""

t_case bundled_models_check_clean
t_run check "$QM_SOURCE_DIR/models/kik/kik.lua" "$QM_SOURCE_DIR/models/caf2020/caf2020.lua"
expect_exit 0

t_case kik_has_8_themes_on_two_sides_and_20_questions
t_run run "$QM_SOURCE_DIR/models/kik/kik.lua"
expect_exit 0
expect_stdout_has "Temaer:          8"
expect_stdout_has "Spørgsmål:       20"
expect_stdout_has "Højst deltagere: 10"
[ "$(grep -cE '^tema .* indsats *$' "$T_OUT")" -eq 4 ] || t_fail "expected 4 indsats themes"
[ "$(grep -cE '^tema .* resultater *$' "$T_OUT")" -eq 4 ] || t_fail "expected 4 resultater themes"

t_case caf2020_has_9_criteria_and_28_subcriteria_in_both_scorings
t_run run "$QM_SOURCE_DIR/models/caf2020/caf2020.lua" --lang en
expect_exit 0
expect_stdout_has "Themes:           9"
expect_stdout_has "Questions:        28"
expect_stdout_has "CAF classical (enablers) 0-5"
t_run run "$QM_SOURCE_DIR/models/caf2020/caf2020.lua" --param scoring=fine --lang en
expect_stdout_has "CAF fine-tuned (enablers): plan, do, check, act each 0-100, averaged"
expect_stdout_has "CAF fine-tuned (results): trends, targets each 0-100, averaged"
t_run run "$QM_SOURCE_DIR/models/caf2020/caf2020.lua" --param scoring=fine
expect_stdout_has "CAF finjusteret (indsats): plan, do, check, act hver 0-100, gennemsnit"

t_case extends_adapts_a_model_without_copying
mkdir -p "$T_TMP/ext/tests/e2e/lang" "$T_TMP/ext/models"
cp -r "$QM_SOURCE_DIR/models/kik" "$T_TMP/ext/models/"
cp "$QM_SOURCE_DIR/tests/e2e/lang/extends.lua" "$T_TMP/ext/tests/e2e/lang/"
t_run run "$T_TMP/ext/tests/e2e/lang/extends.lua" --format json
expect_exit 0
expect_stdout_has '"id": "kik_vejle"'
expect_stdout_has '"text": "Vejles egen formulering"'
expect_stdout_has '"text": "Erstattet spørgsmål"'
expect_stdout_has '"text": "Tilføjet spørgsmål"'
expect_stdout_has '"id": "lokalt"'
expect_stdout_lacks '"id": "1.3"'

t_case summary_in_markdown_and_csv
t_run run "$QM_SOURCE_DIR/models/kik/kik.lua" --format markdown
expect_stdout_has "| Slags | Id | Titel | Side | Skala |"
t_run run "$QM_SOURCE_DIR/models/kik/kik.lua" --format csv
expect_stdout_has "kind,id,title,side,scale"

t_case indicators_evaluate_to_statuses_as_of_a_date
python3 -c "import sqlite3,sys; c=sqlite3.connect('$T_TMP/ind.db'); c.executescript(open('$L/indicators.sql').read()); c.commit()"
t_run run "$L/indicators.lua" --db "$T_TMP/ind.db" --as-of 2016-10-01 --format json
expect_exit 0
python3 - "$T_OUT" >"$T_TMP/ind.txt" 2>&1 <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
s = {i["id"]: (i["status"], i.get("reason", ""), i.get("severity")) for i in d["indicators"]}
want = {
 "kursister": "achieved", "kurser": "not achieved", "sygefravaer": "achieved", "personaleomsaetning": "not evaluable",
 "trivsel": "not achieved", "forloeb": "on track", "erfa": "not achieved", "gufi": "on track",
 "evaluering": "achieved", "plan": "pending", "udbytte": "achieved", "inden": "not achieved",
 "uden_aar": "not evaluable", "andel": "not achieved"}
bad = [f"{k}: got {s[k]}, want {v}" for k, v in want.items() if s[k][0] != v]
assert s["kurser"][2] == "soft", s["kurser"]
assert "needs a column period or date" in s["personaleomsaetning"][1], s["personaleomsaetning"]
assert "deadline has no year" in s["uden_aar"][1]
assert "inactive until recorded" in s["plan"][1]
units = {u["unit"]: u["status"] for i in d["indicators"] if i["id"] == "sygefravaer" for u in i["units"]}
assert units == {"C1": "not achieved", "C2": "not evaluable"}, units
print("\n".join(bad)); sys.exit(1 if bad else 0)
PY
[ $? -eq 0 ] || t_fail "$(cat "$T_TMP/ind.txt")"

t_case as_of_changes_what_is_known
t_run run "$L/indicators.lua" --db "$T_TMP/ind.db" --as-of 2016-06-01 --format json
expect_exit 0
python3 -c "
import json; d = json.load(open('$T_OUT')); s = {i['id']: i['status'] for i in d['indicators']}
assert s['kursister'] == 'not achieved', s['kursister']   # only the 12 from May is known
assert s['trivsel'] == 'on track', s['trivsel']
assert s['inden'] == 'on track', s['inden']
" || t_fail "as-of 2016-06-01 statuses"

t_case status_report_as_text
t_run run "$L/indicators.lua" --db "$T_TMP/ind.db" --as-of 2016-10-01
expect_exit 0
expect_stdout_has "Status pr. 1. oktober 2016"
expect_stdout_has "ikke opfyldt (advarsel)"
t_run run "$L/indicators.lua" --db "$T_TMP/ind.db" --as-of 2016-10-01 --lang en
expect_exit 0
expect_stdout_has "Status as of 1 October 2016"
expect_stdout_has "not achieved (warning)"

t_case bad_as_of_is_a_usage_error
t_run run "$L/indicators.lua" --db "$T_TMP/ind.db" --as-of 1.10.2016
expect_exit 2
expect_stderr_has "--as-of 1.10.2016: give a date like 2016-10-01"

t_case report_list_names_the_reports_for_the_model
t_run run "$QM_SOURCE_DIR/models/kik/kik.lua" --report list
expect_exit 0
expect_stdout_has "konsensusrapport     agreed scores"
expect_stdout_has "status               every indicator's status"
expect_stdout_lacks "borger"

t_case unknown_report_is_a_usage_error
t_run run "$QM_SOURCE_DIR/models/kik/kik.lua" --report nope
expect_exit 2
expect_stderr_has 'no report "nope"'

t_done
