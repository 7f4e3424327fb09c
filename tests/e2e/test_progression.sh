#!/usr/bin/env bash
# Resultatbaseret styring on hand-made data where the right answers are known, and the
# bundled Vejle and Esbjerg models on their demo data.
source "$(dirname "$0")/lib.sh"
db="$T_TMP/p.db"
python3 -c "import sqlite3; c=sqlite3.connect('$db'); c.executescript(open('$QM_SOURCE_DIR/tests/e2e/progression/fixture.sql').read()); c.commit()"
V="$QM_SOURCE_DIR/models/resultatbaseret_styring/vejle.lua"
E="$QM_SOURCE_DIR/models/resultatbaseret_styring/esbjerg.lua"
json() { python3 -c "import json,sys; d=json.load(open('$T_OUT')); $1" || t_fail "check failed: $1"; }

t_case progression_counts_forward_backward_unchanged_with_hidden_scores
t_run run "$V" --db "$db" --as-of 2025-12-31 --format json
expect_exit 0
json "r={x['indicator']:x for x in d['rows']}['motivation']; p=r['since_previous']; assert (r['citizens'],p['forward'],p['backward'],p['unchanged'])==(3,1,1,1), r; assert abs(p['mean_change']+0.333)<0.001, p; assert r['distribution']==[0,1,1,1,0], r; assert r['hidden']==1, r; assert r['since_first']['forward']==1 and r['since_first']['mean_change']==0.0, r"

t_case as_of_hides_later_conversations
t_run run "$V" --db "$db" --as-of 2026-03-01 --format json
json "r={x['indicator']:x for x in d['rows']}['motivation']; assert r['since_previous']['backward']==2, r"

t_case progression_per_team
t_run run "$V" --db "$db" --as-of 2025-12-31 --param level=team --format json
json "g={(x['group'],x['indicator']):x['citizens'] for x in d['rows']}; assert g[('t1','motivation')]==2 and g[('t2','motivation')]==1, g"

t_case no_progression_over_the_window_is_flagged_but_not_at_the_top
t_run run "$V" --db "$db" --as-of 2025-12-31 --param window=1 --report stagnation --format json
json "c=sorted((x['citizen_id'],x['indicator']) for x in d['citizens']); assert c==[('B','motivation'),('C','motivation')], c"

t_case completeness_counts_conversations_with_every_indicator
t_run run "$V" --db "$db" --as-of 2025-12-31 --report completeness --format json
json "assert d['conversations']==7 and d['complete']==0 and d['indicators']==6, d"

t_case coverage_is_strictly_more_than_half_a_year
t_run run "$V" --db "$db" --as-of 2025-12-31 --report coverage --format json
json "assert (d['eligible'],d['covered'],d['status'])==(3,2,'not achieved'), d"
t_run run "$V" --db "$db" --as-of 2025-12-30 --report coverage --format json
json "assert d['eligible']==3, d"

t_case coverage_subtitle_reads_in_prose_and_a_recurrence_is_refused
t_run run "$V" --db "$db" --as-of 2025-12-31 --report coverage
expect_exit 0
expect_stdout_has "Borgere i jobcentret mere end et halvt år (strengt: startet før 1. juli 2025) pr. 31. december 2025"
t_run run "$V" --db "$db" --as-of 2025-12-31 --report coverage --lang en
expect_stdout_has "(strictly: started before 1 July 2025) as of 31 December 2025"
# "hvert kvartal" is a recurrence, not a length of time: "mere end hvert kvartal" means nothing
mkdir -p "$T_TMP/kv"
cp "$V" "$T_TMP/kv/vejle.lua"
sed 's/coverage = "et halvt år"/coverage = "hvert kvartal"/' "$V" >"$T_TMP/kv/kvartal.lua"
grep -q 'coverage = "hvert kvartal"' "$T_TMP/kv/kvartal.lua" || t_fail "the test's model did not get its coverage"
t_run check "$T_TMP/kv/kvartal.lua"
expect_exit 1
cat "$T_OUT" "$T_ERR" | grep -qF 'kvartal.lua:17: error: model "vejle": progression.coverage: "hvert kvartal" is not a length of time' || t_fail "check: $(cat "$T_OUT" "$T_ERR")"
t_run run "$T_TMP/kv/kvartal.lua" --db "$db" --as-of 2025-12-31 --report coverage
[ "$T_RC" -ne 0 ] || t_fail "a recurrence as coverage ran"
expect_stdout_lacks "hvert kvartal"

t_case target_group_predicate
t_run run "$V" --db "$db" --as-of 2025-12-31 --param target_group=sdp --report coverage --format json
json "assert (d['eligible'],d['covered'],d['status'])==(2,2,'achieved'), d"

t_case esbjerg_allows_two_open_focus_points
t_run run "$E" --db "$db" --as-of 2025-12-31 --report fokus --format json
json "assert d['max_open']==2 and [x['citizen_id'] for x in d['over_max']]==['A'], d; assert d['closed_by_reason'][0]['reason']=='nået' and d['renewed']==1, d"
# the citizens with open focus points are counted in SQLite, only those over the maximum listed
json "assert d['citizens_with_focus']==2 and d['over_max'][0]['open']==3 and d['over_max'][0]['indicators']=='misbrug, netvaerk, privatoekonomi', d"

t_case interventions_with_progression
t_run run "$V" --db "$db" --as-of 2025-12-31 --report indsatser --format json
json "i={x['intervention']:x for x in d['interventions']}; assert i['mentor']['mean_change']==1.0 and i['praktik']['mean_change']==-2.0, i"

t_case one_citizen_conversations_and_progression_per_indicator
t_run run "$V" --db "$db" --as-of 2025-12-31 --report borger --param citizen=A --format json
expect_exit 0
json "i={x['indicator']:x for x in d['indicators']}; mo=i['motivation']; assert (mo['conversations'],mo['first'],mo['previous'],mo['latest'],mo['since_previous'],mo['since_first'],mo['latest_date'])==(3,2,3,4,1,2,'2025-04-01'), mo; h=i['helbred']; assert (h['conversations'],h['since_previous'],h['since_first'])==(2,0,0), h; assert [c['id'] for c in d['conversations']]==['A1','A2','A3'], d['conversations']; assert 'helbred' not in d['conversations'][1]['scores']; assert d['caseworker_id']=='sb1' and len(d['focus'])==3 and d['interventions'][0]['intervention']=='mentor', d"
t_run run "$V" --db "$db" --as-of 2026-03-01 --report borger --param citizen=A --format json
json "mo={x['indicator']:x for x in d['indicators']}['motivation']; assert (mo['latest'],mo['since_previous'],mo['since_first'])==(1,-3,-1), mo"
t_run run "$V" --db "$db" --as-of 2025-12-31 --report borger --param citizen=B
expect_exit 0
expect_stdout_has "3*"
t_run run "$V" --db "$db" --as-of 2025-12-31 --report borger --param citizen=A --format csv
expect_stdout_has "date,conversation,moedestabilitet,arbejdsidentitet,motivation,tillid,helbred,traening"
expect_stdout_has "2025-03-01,A2,-,-,3,-,-,-"
t_run run "$V" --db "$db" --as-of 2025-12-31 --report borger --param citizen=Z
expect_exit 1
expect_stderr_has "--param citizen=Z: no such citizen in jc_citizens"

t_case a_single_conversation_has_no_previous_score
cp "$db" "$T_TMP/one.db"
python3 -c "import sqlite3; c=sqlite3.connect('$T_TMP/one.db'); c.executescript(\"INSERT INTO jc_citizens VALUES ('E','sb1','sdp','2025-01-01',NULL); INSERT INTO jc_conversations VALUES ('E1','E','2025-05-01'); INSERT INTO jc_scores VALUES ('E1','tillid',4,0);\"); c.commit()"
t_run run "$V" --db "$T_TMP/one.db" --as-of 2025-12-31 --report borger --param citizen=E --format json
expect_exit 0
json "r=d['indicators'][0]; assert r['previous'] is None and r['since_previous'] is None and r['since_first']==0 and r['conversations']==1, r"

t_case a_caseload_lists_every_citizen_and_indicator
t_run run "$V" --db "$db" --as-of 2025-12-31 --report borger --param caseworker=sb2 --format json
expect_exit 0
json "r=[(x['citizen_id'],x['indicator'],x['since_previous'],x['since_first']) for x in d['rows']]; assert r==[('C','motivation',-2,-2)], r"
t_run run "$V" --db "$db" --as-of 2025-12-31 --report borger --format json
json "assert [(x['citizen_id'],x['indicator']) for x in d['rows']]==[('A','motivation'),('A','helbred'),('B','motivation'),('C','motivation')], d['rows']; b=d['rows'][2]; assert b['hidden']==1 and b['previous']==3, b"

t_case bad_window_and_demo_size_are_refused_clearly
t_run run "$V" --db "$db" --as-of 2025-12-31 --param window=40 --report stagnation
expect_exit 2
expect_stderr_has "the window can be at most 31 conversations"
t_run run "$QM_SOURCE_DIR/models/resultatbaseret_styring/demo_data.lua" --db "$T_TMP/zero.db" --write --param citizens=0
expect_exit 1
expect_stderr_has "--param citizens must be a whole number above 0"
t_run run "$QM_SOURCE_DIR/models/resultatbaseret_styring/demo_data.lua" --db "$T_TMP/small.db" --write --param citizens=50
expect_exit 0
expect_stdout_has "demo data written (vejle): 50 citizens"

t_case esbjerg_marks_the_unnamed_focus_points
t_run run "$E" --format json
expect_exit 0
expect_stdout_has '"title": "Privatøkonomi"'
[ "$(grep -c '(udfyldes af kommunen)' "$T_OUT")" = 8 ] || t_fail "expected 8 focus points to be filled in"

t_case demo_runs_in_every_format
t_run run "$QM_SOURCE_DIR/models/resultatbaseret_styring/demo_data.lua" --db "$T_TMP/demo.db" --write
expect_exit 0   # demo data
for f in text markdown json csv; do
  t_run run "$V" --db "$T_TMP/demo.db" --as-of 2025-12-31 --format $f
  expect_exit 0
done
for f in text markdown json csv; do
  t_run run "$V" --db "$T_TMP/demo.db" --as-of 2025-12-31 --report borger --param citizen=B0001 --format $f
  expect_exit 0
done
expect_stdout_has "2024-07-13,B0001-0,2,2,2,2,2,1"
t_run run "$V" --db "$T_TMP/demo.db" --as-of 2025-12-31 --report stagnation --format csv
expect_stdout_has "caseworker_id,citizen_id,indicator,since,score_then,score_now"

t_case long_lists_stream_in_a_few_megabytes_of_lua_memory
# 16 269 citizen rows and 5 000 stagnation rows: streamed from SQLite to the output, so the
# Lua state stays small (before, the whole list was built in memory: more than 32 MB).
# JSON (json.stream) and text (widths from the first rows) cover both streaming paths.
# --max-memory covers SQLite's memory too (its page caches and sorts), hence 8M, not less.
t_run run "$V" --db "$T_TMP/demo.db" --as-of 2025-12-31 --report borger --format json --max-memory 8M
expect_exit 0
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d["rows"]) > 16000' "$T_OUT" || t_fail "JSON lacks rows or does not parse"
# a limit hit while a streamed report is written to --out leaves no file behind. The limit
# is found, not fixed (what qm needs before the first row changes as the stdlib does): the
# first that stops the report after its first rows, as the run to stdout shows
limit="" ok_at=""
for k in $(seq 1200 200 12000); do   # SQLite's memory counts too (docs/sandbox.md)
  t_run run "$V" --db "$T_TMP/demo.db" --as-of 2025-12-31 --report borger --format text --max-memory "${k}K"
  if [ "$T_RC" -eq 4 ] && [ "$(grep -c . "$T_OUT")" -gt 100 ]; then limit="${k}K"; break; fi
  [ "$T_RC" -eq 0 ] && { ok_at=$k; break; }
done
# the window between "stops before the first row" and "runs to the end" can be narrower than
# the 200K steps above (and the collector's timing makes it ragged: a limit that stops after
# some rows can lie just above one that ran whole): look just below the first limit that ran
# the whole report, then just above it, in 10K steps
if [ -z "$limit" ] && [ -n "$ok_at" ]; then
  for k in $(seq $((ok_at - 10)) -10 $((ok_at - 600))) $(seq $((ok_at + 10)) 10 $((ok_at + 1500))); do
    t_run run "$V" --db "$T_TMP/demo.db" --as-of 2025-12-31 --report borger --format text --max-memory "${k}K"
    if [ "$T_RC" -eq 4 ] && [ "$(grep -c . "$T_OUT")" -gt 100 ]; then limit="${k}K"; break; fi
  done
fi
[ -n "$limit" ] || t_fail "no memory limit stops the borger report after its first rows"
# the same limit with --out may still run the report whole (the window is ragged: the
# collector's timing differs from run to run), so step down from it until one stops
k=${limit%K}
for _ in $(seq 1 30); do
  rm -f "$T_TMP/half.txt"
  t_run run "$V" --db "$T_TMP/demo.db" --as-of 2025-12-31 --report borger --format text --max-memory "${k:-1000}K" --out "$T_TMP/half.txt"
  [ "$T_RC" -ne 0 ] && break
  k=$((k - 10))
done
expect_exit 4
expect_stderr_has "raise it with --max-memory"   # memory or its temporary files, whichever first
expect_no_file "$T_TMP/half.txt"
expect_no_file "$T_TMP/half.txt.tmp"
# ...but a FILE.tmp qm never opened is not its to remove
echo "mine" >"$T_TMP/mine.txt.tmp"
printf 'error("stopped before any output")\n' >"$T_TMP/stops.lua"
t_run run "$T_TMP/stops.lua" --out "$T_TMP/mine.txt"
expect_exit 1
expect_file "$T_TMP/mine.txt.tmp"
t_run run "$V" --db "$T_TMP/demo.db" --as-of 2025-12-31 --report stagnation --format text --max-memory 8M
expect_exit 0
n=$(grep -oP 'Borger-indikatorer uden fremgang: *\K[0-9]+' "$T_OUT")
[ "${n:-0}" -gt 1000 ] || t_fail "expected more than 1000 stagnation rows, got ${n:-none}"
[ "$(grep -cE '^sb[0-9]+ ' "$T_OUT")" = "$n" ] || t_fail "the summary count ($n) differs from the rows listed"

t_done
