#!/usr/bin/env bash
# The goal agreement: every kind of indicator and milestone in the source, evaluated as of a
# date to the status vocabulary, with the Danish deadline phrases as written.
source "$(dirname "$0")/lib.sh"
M="$QM_SOURCE_DIR/models/maalaftale/maalaftale.lua"
db="$T_TMP/cpp.db"
json() { python3 -c "import json,sys; d=json.load(open('$T_OUT')); s={i['id']:i for i in d['indicators']}; $1" || t_fail "check failed: $1"; }

t_case check_warns_about_the_deadline_whose_year_was_lost
t_run check "$M"
expect_exit 0
expect_stdout_has 'warning: indicator "evaluering": deadline "ultimo" has no year'
# the completions' and the condition's tables are declared as the indicators read them
expect_stdout_lacks 'comes from dataset'
[ "$(grep -c warning: "$T_OUT")" -eq 1 ] || t_fail "more warnings than the lost year"

t_case a_completion_done_that_is_yes_without_a_date_is_refused_at_the_import_not_at_every_run
# "ja" says nothing about the deadline: before, the import took it and every run then said
# the indicator was not evaluable; now the file's line says what to write
printf 'center;done\r\nborger;ja\r\nborn;01-05-2016\r\n' >"$T_TMP/lus.csv"
t_run import --db "$T_TMP/lus.db" --write --model "$M" --table cpp_lus "$T_TMP/lus.csv"
expect_exit 1
expect_stderr_has 'lus.csv:2:2: done: "ja" is not a date'
expect_no_file "$T_TMP/lus.db"
printf 'center;done\r\nborger;\r\nborn;01-05-2016\r\n' >"$T_TMP/lus.csv"
t_run import --db "$T_TMP/lus.db" --write --model "$M" --table cpp_lus "$T_TMP/lus.csv"
expect_exit 0
t_run run "$M" --db "$T_TMP/lus.db" --as-of 2016-10-01 --format json
expect_exit 0
json "assert s['lus']['status'] == 'on track' and s['lus']['open'] == ['borger'], s['lus']"

"$QM" run "$QM_SOURCE_DIR/models/maalaftale/demo_data.lua" --db "$db" --write >/dev/null || t_fail "demo data"

t_case every_status_occurs_as_of_1_october_2016
t_run run "$M" --db "$db" --as-of 2016-10-01 --format json
expect_exit 0
json "st={v['status'] for v in s.values()}; assert st=={'achieved','on track','not achieved','pending','not evaluable'}, st"
json "assert s['personaleomsaetning']['status']=='not evaluable' and 'no data' in s['personaleomsaetning']['reason']"
json "assert s['evaluering']['status']=='not evaluable' and 'deadline has no year' in s['evaluering']['reason']"
json "assert s['samskabelsesplan']['status']=='pending' and 'inactive until recorded' in s['samskabelsesplan']['reason']"
json "assert s['indmelding']['status']=='not achieved', s['indmelding']"
json "assert s['ledertrivsel']['status']=='not achieved' and '2016-09-30' in s['ledertrivsel']['reason'], s['ledertrivsel']"
json "assert s['tilmeldte']['status']=='achieved', s['tilmeldte']"
json "u={x['unit']:x['status'] for x in s['sygefravaer']['units']}; assert s['sygefravaer']['status']=='achieved' and u['born']=='not achieved' and u['borger']=='achieved', u"
json "assert s['lirk_ad2']['status']==s['lirk']['status'] and 'shared with lirk' in s['lirk_ad2']['reason']"
json "assert s['erfa']['status']=='not achieved'"

t_case soft_and_hard_targets_differ
t_run run "$M" --db "$db" --as-of 2017-01-10 --format json
json "assert s['kurser_udgangspunkt']['status']=='not achieved' and s['kurser_udgangspunkt']['severity']=='soft', s['kurser_udgangspunkt']; assert s['kurser_minimum']['status'] in ('on track','achieved'), s['kurser_minimum']"

t_case due_next_and_parties_for_the_counterparty
t_run run "$M" --db "$db" --as-of 2016-10-01 --format json
python3 -c "import json; d=json.load(open('$T_OUT')); n=d['due_next']; assert n[0]['date']=='2016-12-31' and d['parties']['counterparty']=='Direktionen', d['due_next']" || t_fail "due next"
t_run run "$M" --db "$db" --as-of 2016-10-01
expect_stdout_has "Center for Politik & Personale ↔ Direktionen, aftalt 9. juni 2016"
expect_stdout_has "Næste frister"

t_case dependencies_and_contributions_in_the_status_report
t_run run "$M" --db "$db" --as-of 2016-10-01 --format json
python3 - "$T_OUT" <<'PY' || t_fail "dependencies/contributions"
import json, sys
d = json.load(open(sys.argv[1]))
deps = {(x['id'], x['relation'], x['other']): x.get('status') for x in d['dependencies']}
assert deps[('lederudvikling', 'depends_on', 'effektiv_topledelse')] == 'not evaluable', deps
assert deps[('effektiv_topledelse', 'related', 'lederudvikling')] == 'not achieved', deps
assert ('kommunikation_i_ledelseskaeden', 'depends_on', 'effektiv_topledelse') in deps, deps
c = d['contributions']
assert [x['to'] for x in c] == ['Center for Borger & Branding', 'Center for Borger & Branding', 'Center for Arbejdsmarked'], c
PY
t_run run "$M" --db "$db" --as-of 2016-10-01
expect_stdout_has "Bidrag til andre aftaler"
expect_stdout_has "Rammevilkår for uddannelse"

t_case check_finds_unknown_self_and_circular_dependencies
cat >"$T_TMP/deps.lua" <<'LUA'
model "deps" { title = "Afhængigheder",
  theme "a" { title = "A", depends_on = { "b" }, indicator "ia" { title = "ia", data = function() return 1 end } },
  theme "b" { title = "B", depends_on = { "c" }, indicator "ib" { title = "ib", data = function() return 1 end } },
  theme "c" { title = "C", depends_on = { "a" }, related = { "c" }, indicator "ic" { title = "ic", data = function() return 1 end } },
  theme "d" { title = "D", depends_on = "nowhere", indicator "id" { title = "id", data = function() return 1 end } },
  contributions = { { to = "Center X" }, { to = "Center Y", goal = "Mål", efforts = { "a", "zz" } } },
}
LUA
t_run check "$T_TMP/deps.lua"
expect_exit 1
expect_stdout_has 'depends_on goes round in a circle: a → b → c → a'
expect_stdout_has 'theme "c": related names itself'
expect_stdout_has 'theme "d": depends_on "nowhere", which the model does not have'
expect_stdout_has 'contributions[1]: goal must be a text'
expect_stdout_has 'contributions[2]: efforts names "zz", which the model does not have'

t_case aliases_find_the_same_effort
printf 'local m = use "%s"\nprint(m:find("aabent_dialog_og_samskabelse").id)\n' "$M" >"$T_TMP/alias.lua"
t_run run "$T_TMP/alias.lua"
expect_stdout_is "samskabelse"

t_case status_in_markdown_and_csv
t_run run "$M" --db "$db" --as-of 2016-10-01 --format markdown
expect_exit 0
t_run run "$M" --db "$db" --as-of 2016-10-01 --format csv
expect_stdout_has "theme,id,title,value,status,reason"

t_case a_shared_indicator_is_of_the_kind_of_the_one_it_shares
t_run run "$M" --db "$db" --as-of 2017-01-15 --format json
expect_exit 0
json "assert s['lirk_ad2']['kind'] == 'completion' and s['lirk_ad2']['shared_with'] == 'lirk' and s['lirk_ad2']['deadlines'] == s['lirk']['deadlines'], s['lirk_ad2']"

t_done
