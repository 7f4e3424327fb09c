#!/usr/bin/env bash
# Case audits: shares of applicable cases (not applicable left out), rounds compared, themes
# prioritised from the baseline; checklists, cadence, soft training checks; the bundled model
# reproduces the brochure's figures.
source "$(dirname "$0")/lib.sh"
M="$QM_SOURCE_DIR/models/god_sagsbehandling/god_sagsbehandling.lua"
json() { python3 -c "import json,sys; d=json.load(open('$T_OUT')); $1" || t_fail "check failed: $1"; }

t_case shares_leave_not_applicable_out_of_the_denominator
db="$T_TMP/h.db"
python3 - "$db" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.executescript("""CREATE TABLE gs_audit(round, case_id, criterion, answer);
INSERT INTO gs_audit VALUES ('foer',1,'tilsyn_aftalt',1),('foer',2,'tilsyn_aftalt',0),('foer',3,'tilsyn_aftalt',NULL),
 ('foer',1,'begrundelse',0),('foer',2,'begrundelse',0),('med',1,'begrundelse',1),('med',2,'begrundelse',1),
 ('foer',1,'formaal',1),('foer',2,'formaal',0),('med',1,'formaal',1),('med',2,'formaal',1);""")
c.commit()
PY
t_run run "$M" --db "$db" --report audit --format json
expect_exit 0
json "t={x['id']:x for x in d['themes']}; c={q['id']:q for q in t['tilsyn']['criteria']}['tilsyn_aftalt']['rounds']['foer']; assert (c['share'],c['applicable'],c['not_applicable'])==(0.5,2,1), c; a=t['afgoerelsen']['rounds']; assert a['foer']['share']==0.25 and a['med']['share']==1.0, a"
t_run run "$M" --db "$db" --report audit_prioritering --format json
json "assert [x['id'] for x in d['themes']]==['afgoerelsen','tilsyn'], d"

t_case audits_import_from_a_wide_sheet_and_a_long_file
a="$T_TMP/imp.db"
printf 'case_id,borger_inddraget,begrundelse,formaal\n1,ja,nej,ikke relevant\n2,nej,ja,\n3,ja,ja,ja\n' >"$T_TMP/wide.csv"
t_run import --db "$a" --write --what audit --model "$M" --round med "$T_TMP/wide.csv"
expect_exit 0
expect_stdout_has "imported 9 answers for 3 audited cases into gs_audit"
cat >"$T_TMP/long.yaml" <<'Y'
audit:
  - { round: foer, case_id: 7, criterion: borger_inddraget, answer: nej }
  - { round: foer, case_id: 8, criterion: borger_inddraget, answer: "yes" }
  - { round: foer, case_id: 8, criterion: tilsyn_aftalt, answer: n/a }
Y
t_run import --db "$a" --write --what audit --model "$M" "$T_TMP/long.yaml"
expect_exit 0
expect_stdout_has "imported 3 answers for 2 audited cases"
t_run run "$M" --db "$a" --report audit --format json
expect_exit 0
json "q={c['id']:c['rounds'] for t in d['themes'] for c in t['criteria']}; assert abs(q['borger_inddraget']['med']['share']-2/3)<0.001 and q['borger_inddraget']['foer']['share']==0.5, q['borger_inddraget']; f=q['formaal']['med']; assert (f['applicable'],f['not_applicable'],f['share'])==(1,2,1.0), f; t=q['tilsyn_aftalt']['foer']; assert t['applicable']==0 and t['not_applicable']==1, t"

t_case a_bad_audit_file_lists_every_error_and_writes_nothing
before=$(python3 -c "import sqlite3; print(sqlite3.connect('$a').execute('select count(*) from gs_audit').fetchone()[0])")
printf 'round,case_id,criterion,answer\nfoer,1,borger_inddraget,ja\nfoer,1,borger_inddraget,nej\nefter,2,begrundelse,ja\nfoer,3,nope,ja\nfoer,,formaal,ja\nfoer,4,formaal,maaske\nfoer,7,borger_inddraget,ja\n' >"$T_TMP/bad.csv"
t_run import --db "$a" --write --what audit --model "$M" "$T_TMP/bad.csv"
expect_exit 1
expect_stderr_has "bad.csv:3:2: case_id: case 1 has two answers to borger_inddraget in round foer (first at"
expect_stderr_has 'bad.csv:4:1: round: unknown round "efter" (model god_sagsbehandling has rounds foer, med)'
expect_stderr_has 'bad.csv:5:3: criterion: unknown criterion "nope"'
expect_stderr_has "bad.csv:6:2: case_id: missing"
expect_stderr_has 'bad.csv:7:4: answer: criterion "formaal": maaske is not yes or no'
expect_stderr_has "bad.csv:8:2: case_id: case 7 already has an answer to borger_inddraget in round foer"
expect_stderr_has "6 errors in 7 rows: nothing was imported"
after=$(python3 -c "import sqlite3; print(sqlite3.connect('$a').execute('select count(*) from gs_audit').fetchone()[0])")
[ "$before" = "$after" ] || t_fail "rows written: $before -> $after"
printf 'case_id,borger_inddraget,begrundlese\n20,ja,ja\n21,nej,ja\n' >"$T_TMP/typo.csv"
t_run import --db "$a" --write --what audit --model "$M" --round med "$T_TMP/typo.csv"
expect_exit 1
expect_stderr_has 'typo.csv:1: column begrundlese: unknown criterion "begrundlese"'
expect_stderr_has "1 error in 2 rows: nothing was imported"
t_run import --db "$a" --write --what audit --model "$M" "$T_TMP/typo.csv"
expect_exit 1
expect_stderr_has "typo.csv:2: round: missing (add a round column or give --round R)"

t_case bundled_demo_reproduces_the_brochure
"$QM" run "$QM_SOURCE_DIR/models/god_sagsbehandling/demo_data.lua" --db "$T_TMP/gs.db" --write >/dev/null || t_fail "demo"
t_run run "$M" --db "$T_TMP/gs.db" --report audit --format json
json "q={c['id']:c['rounds'] for t in d['themes'] for c in t['criteria']}; got=[(k,round(q[k]['foer']['share']*100),round(q[k]['med']['share']*100)) for k in ('borger_inddraget','begrundelse','formaal')]; assert got==[('borger_inddraget',15,91),('begrundelse',52,99),('formaal',51,98)], got"
t_run run "$M" --db "$T_TMP/gs.db" --report audit_prioritering --format json
json "assert d['themes'][0]['id']=='inddragelse', d['themes'][0]"

t_case checklists_cadence_and_soft_training_checks
t_run run "$M" --db "$T_TMP/gs.db" --format json
json "i={x['id']:x for x in d['indicators']}; f=i['tjekliste_forberedelse']; assert f['value']=='4 of 5' and 'koordinering' in f['reason'] and f['status']=='not achieved', f; e=i['erfaringsopsamling']; assert e['status']=='not achieved' and '56 days' in e['reason'], e; t=i['traening_varighed']; assert t['status']=='not achieved' and t['severity']=='soft', t"
t_run run "$M" --db "$T_TMP/gs.db" --as-of 2008-03-01 --format json
json "i={x['id']:x for x in d['indicators']}; e=i['erfaringsopsamling']; assert e['status']=='on track' and 'next due 2008-03-24 to 2008-04-07' in e['reason'], e"

t_case activity_plan_with_owners
t_run run "$M" --report plan --as-of 2008-03-01 --format json
json "a={x['id']:x for x in d['actions']}; assert a[1]['owner']=='Topledelsen' and a[1]['status']=='due' and a[2]['status']=='on track' and a[3]['time_kind']=='recurrence', a"

t_case reports_in_every_format
for f in text markdown csv json; do t_run run "$M" --db "$T_TMP/gs.db" --report audit --format $f; expect_exit 0; done

t_done
