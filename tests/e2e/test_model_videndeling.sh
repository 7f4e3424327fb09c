#!/usr/bin/env bash
# The learning-organisation model: characteristics not scored, trin 1 per unit, recurring
# events, the action plan's kinds of time, coverage of characteristics and the recorded
# prioritisation beside the survey-based one.
source "$(dirname "$0")/lib.sh"
M="$QM_SOURCE_DIR/models/videndeling/videndeling.lua"
db="$T_TMP/dlo.db"
json() { python3 -c "import json,sys; d=json.load(open('$T_OUT')); $1" || t_fail "check failed: $1"; }

t_case model_checks_clean_with_11_characteristics
t_run check "$M"
expect_exit 0
expect_stdout_is "ok: $M"
t_run run "$M" --format json
json "k=d['children'][0]; assert k['id']=='karakteristika' and len(k['children'])==11, k"

"$QM" run "$QM_SOURCE_DIR/models/videndeling/demo_data.lua" --db "$db" --write >/dev/null || t_fail "demo data"

t_case trin1_is_judged_per_unit_and_overall
t_run run "$M" --db "$db" --as-of 2010-06-30 --format json
expect_exit 0
json "i={x['id']:x for x in d['indicators']}; t=i['trin1_kriterier']; assert t['status']=='on track' and t['value']=='4 of 6 units', t; u={x['unit']:x['status'] for x in t['units']}; assert u['aeldre']=='on track' and u['borger']=='achieved', u"

t_case recurring_events_twice_a_year_and_yearly
json "i={x['id']:x for x in d['indicators']}; assert i['velkomstmesse']['status']=='on track', i['velkomstmesse']; assert i['kernevidenskortlaegning']['status']=='on track'"
t_run run "$M" --db "$db" --as-of 2011-01-15 --format json
json "i={x['id']:x for x in d['indicators']}; assert i['velkomstmesse']['status']=='not achieved', i['velkomstmesse']; assert i['kernevidenskortlaegning']['status']=='not achieved', i['kernevidenskortlaegning']"

t_case plan_knows_each_kind_of_time
t_run run "$M" --report plan --as-of 2010-06-30 --format json
expect_exit 0
json "k={a['id']:a['time_kind'] for a in d['actions']}; assert (k[1],k[2],k[3],k[4],k[5],k[6],k[10])==('window','recurrence','ongoing','none','recurrence','window','window'), k; s={a['id']:a['status'] for a in d['actions']}; assert s[1]=='due' and s[3]=='ongoing', s"

t_case coverage_counts_actions_per_characteristic
t_run run "$M" --report daekning --format json
json "c={e['id']:e['actions'] for e in d['elements']}; assert c['5']==6 and c['10']==5 and c['1']==0 and d['uncovered']==4, c"

t_case prioritisation_recorded_with_reasons_and_survey_alternative
t_run run "$M" --db "$db" --report prioriteter --format json
json "assert [p['id'] for p in d['recorded']]==['10','5','11','9']; assert d['recorded'][0]['reason'].startswith('Allerede'); assert len(d['by_survey'])==11 and d['by_survey'][0]['mean']<=d['by_survey'][-1]['mean']"

t_case reports_in_text_and_markdown
for r in status plan daekning prioriteter; do
  t_run run "$M" --db "$db" --report $r --format markdown
  expect_exit 0
done

t_done
