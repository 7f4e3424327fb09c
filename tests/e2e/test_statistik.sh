#!/usr/bin/env bash
# The statistik report (every question of every round, written by the C row writer) and the
# landsoversigt (the same pass without rows): the output in every format is the one the Lua
# writer gave before (golden files made with it; Markdown now escapes a round id's | _ *; text
# and Markdown in Danish, the default language, checked against the English ones cell by cell),
# per-question scales, answers to a question the model no longer has, other models' rounds
# left out, don't-know-only questions, and rules decided in C and in Lua alike.
source "$(dirname "$0")/lib.sh"
S="$QM_SOURCE_DIR/tests/e2e/statistik"
db="$T_TMP/st.db"

t_case setup_writes_the_edge_cases
t_run run "$S/setup.lua" --db "$db" --write
expect_exit 0

for f in csv json markdown text; do
  t_case "statistik_${f}_is_the_golden_output"
  t_run run "$S/report.lua" --db "$db" --report statistik --format "$f"
  expect_exit 0
  cmp -s "$T_OUT" "$S/expected.$f" || { diff "$S/expected.$f" "$T_OUT" | head -20 >&2; t_fail "differs from expected.$f"; }
done

t_case statistik_counts_on_stderr_for_people_only
t_run run "$S/report.lua" --db "$db" --report statistik --format text --lang en
expect_stderr_has "30 questions, 12 flagged for discussion"
t_run run "$S/report.lua" --db "$db" --report statistik --format text
expect_stderr_has "30 spørgsmål, 12 markeret til drøftelse"
t_run run "$S/report.lua" --db "$db" --report statistik --format text --quiet
expect_stderr_lacks "markeret"

t_case statistik_in_english_has_its_decimal_point_and_words
t_run run "$S/report.lua" --db "$db" --report statistik --format markdown --lang en
expect_exit 0
expect_stdout_has "| round | question | n | dk | mean |"
# the text columns (round, question, the yes/no flag) are not right-aligned, the numbers are
sed -n '/^| round /{n;p;}' "$T_OUT" | grep -qx '| --- | --- |\( ---: |\)\{17\} --- |' \
  || t_fail "alignment row: $(sed -n '/^| round /{n;p;}' "$T_OUT")"
expect_stdout_has "| =r3 | q1 | 6 | 0 | 56.67 | 57.5 | 57.5 | 6.831 | 46.67 | 55 | 60 | 5 | 45 | 65 | 20 | 5 | 0.6667 | 21 | 0.9491 | no |"
expect_stdout_has "| =r3 | q2 | 0 | 6 |  |  |  |  |  |  |  |  |  |  |  | 5 |  | 21 |  | yes |"

t_case statistik_to_a_file_is_the_same
t_run run "$S/report.lua" --db "$db" --report statistik --format csv --out "$T_TMP/s.csv"
expect_exit 0
cmp -s "$T_TMP/s.csv" "$S/expected.csv" || t_fail "--out differs from stdout"

t_case a_plain_function_rule_is_called_for_every_question
t_run run "$S/lua_rule.lua" --db "$db" --report statistik --format csv
expect_exit 0
# flagged exactly where one person scored: q5 (not in this model) in each of the 6 rounds
[ "$(grep -c $',1\r$' "$T_OUT")" -eq 6 ] || t_fail "expected 6 flagged rows"
[ "$(grep ',q5,' "$T_OUT" | grep -c $',1\r$')" -eq 6 ] || t_fail "q5 is the one-score question"

t_case a_flag_function_of_the_model_adds_to_the_built_in_test
t_run run "$S/flag_rule.lua" --db "$db" --report statistik --format text
expect_exit 0
# the range test flags q2 (nobody) and q4 (wide); the function adds q5 (5 don't know)
expect_stderr_has "30 spørgsmål, 18 markeret til drøftelse"

t_case a_model_without_a_scale_of_its_own_takes_each_question_on_its_scale
t_run run "$S/own_scales.lua" --db "$db" --report statistik --format csv
expect_exit 0
expect_stdout_has $'r6,q3,5,1,3,3,3,1,1,2,4,2,2,4,2,1,1,5,0.5,0\r'
# q5 is not in this model and the model has no scale: no countable set, so rwg is empty
expect_stdout_has $'r6,q5,1,5,75,75,75,,,75,75,0,75,75,0,1,1,,,0\r'

t_case landsoversigt_counts_the_same_flags_per_unit
t_run run "$S/report.lua" --db "$db" --report landsoversigt --format csv
expect_exit 0
expect_stdout_is $'unit,name,rounds,questions,flagged,share\r\nu,Enheden,6,30,12,40.0%\r'

t_case landsoversigt_by_a_unit_kind_and_in_json
t_run run "$S/report.lua" --db "$db" --report landsoversigt --param kind=land --format json
expect_exit 0
expect_stdout_has '"by": "land"'
expect_stdout_has '"unit": null'
expect_stdout_has '"flagged": 12'

t_case landsoversigt_for_people_in_both_languages
t_run run "$S/report.lua" --db "$db" --report landsoversigt
expect_exit 0
expect_stdout_has "Andel til drøftelse:           40 %"
grep -qE '^u +Enheden +6 +30 +12 +40 %$' "$T_OUT" || t_fail "the unit's row in Danish"
t_run run "$S/report.lua" --db "$db" --report landsoversigt --param kind=land --format markdown --lang en
expect_stdout_has "| (no unit of kind land) |  | 6 | 30 | 12 | 40% |"
expect_stdout_has "- **Share for discussion:** 40%"

t_case landsoversigt_uses_the_model_rule
t_run run "$S/flag_rule.lua" --db "$db" --report landsoversigt --format csv
expect_exit 0
expect_stdout_has "u,Enheden,6,30,18,60.0%"

t_done
