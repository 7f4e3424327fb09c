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

t_case bundled_demo_reproduces_the_brochure
"$QM" run "$QM_SOURCE_DIR/models/god_sagsbehandling/demo_data.lua" --db "$T_TMP/gs.db" --write >/dev/null || t_fail "demo"
t_run run "$M" --db "$T_TMP/gs.db" --report audit --format json
json "q={c['id']:c['rounds'] for t in d['themes'] for c in t['criteria']}; got=[(k,round(q[k]['foer']['share']*100),round(q[k]['med']['share']*100)) for k in ('borger_inddraget','begrundelse','formaal')]; assert got==[('borger_inddraget',15,91),('begrundelse',52,99),('formaal',51,98)], got"
t_run run "$M" --db "$T_TMP/gs.db" --report audit_prioritering --format json
json "assert d['themes'][0]['id']=='inddragelse', d['themes'][0]"

t_case checklists_cadence_and_soft_training_checks
t_run run "$M" --db "$T_TMP/gs.db" --format json
json "i={x['id']:x for x in d['indicators']}; f=i['tjekliste_forberedelse']; assert f['value']=='4 of 5' and 'koordinering' in f['reason'] and f['status']=='not achieved', f; e=i['erfaringsopsamling']; assert e['status']=='not achieved' and '56 days' in e['reason'], e; t=i['traening_varighed']; assert t['status']=='not achieved' and t['severity']=='warning', t"
t_run run "$M" --db "$T_TMP/gs.db" --as-of 2008-03-01 --format json
json "i={x['id']:x for x in d['indicators']}; e=i['erfaringsopsamling']; assert e['status']=='on track' and 'next due 2008-03-24 to 2008-04-07' in e['reason'], e"

t_case activity_plan_with_owners
t_run run "$M" --report plan --as-of 2008-03-01 --format json
json "a={x['id']:x for x in d['actions']}; assert a[1]['owner']=='Topledelsen' and a[1]['status']=='due' and a[2]['status']=='on track' and a[3]['time_kind']=='recurrence', a"

t_case reports_in_every_format
for f in text markdown csv json; do t_run run "$M" --db "$T_TMP/gs.db" --report audit --format $f; expect_exit 0; done

t_done
