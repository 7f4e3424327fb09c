#!/usr/bin/env bash
# A whole self-assessment round through qm as a process: units, responses (CSV, YAML, the
# per-participant form), bad imports that change nothing, svarrapport, the consensus agenda,
# recorded consensus with history and locking, konsensusrapport, prioritisation, actions,
# follow-up against the previous round, roll-up, and the statistics against Python.
source "$(dirname "$0")/lib.sh"
S="$T_TMP/s"; cp -r "$QM_SOURCE_DIR/tests/e2e/selfassess" "$S"
db="$T_TMP/sa.db"; M="$S/model.lua"
dump() { python3 -c "import sqlite3,sys; c=sqlite3.connect('$db'); print('\n'.join(str(r) for t in ['qm_units','qm_rounds','qm_participants','qm_responses','qm_consensus'] for r in c.execute('select * from '+t+' order by 1,2')))"; }

t_case import_units_then_responses_creates_the_round
t_run import --db "$db" --write --what units "$S/units.csv"
expect_exit 0
expect_stdout_has "imported 4 units"
t_run import --db "$db" --write --model "$M" --round r1 --unit u1 --started 2025-03-01 "$S/responses_u1.csv"
expect_exit 0
expect_stdout_has "imported 12 responses into round r1 (4 new participants)"

t_case bad_import_lists_every_bad_row_and_writes_nothing
before=$(dump)
t_run import --db "$db" --write --model "$M" --round r1 "$S/bad.csv"
expect_exit 1
expect_stderr_has 'bad.csv:2:3: score: question "1": 120 is outside the scale 0-100 in steps of 5'
expect_stderr_has 'bad.csv:3:2: question: unknown question "9" (not in model mini)'
expect_stderr_has 'bad.csv:4:2: question: participant P2 has already answered question 2 in round r1'
expect_stderr_has 'bad.csv:6:3: score: question "1": "abc" is not a number'
expect_stderr_has 'P5 would be participant number 6, but model mini allows at most 4'
expect_stderr_has "nothing was imported"
[ "$before" = "$(dump)" ] || t_fail "the database changed"

t_case import_without_write_is_a_usage_error
t_run import --db "$db" --model "$M" --round r1 "$S/responses_u1.csv"
expect_exit 2
expect_stderr_has "give --write"

t_case svarrapport_is_anonymised_with_statistics
t_run run "$M" --db "$db" --report svarrapport --round r1
expect_exit 0
expect_stdout_has "Svarrapport"
expect_stdout_lacks "P1"   # anonymised: no labels a reader could follow across questions
expect_stdout_has "ved ikke"
expect_stdout_has "Klarere mål, tak"
expect_stdout_has "n 3, ved ikke 1, gennemsnit 55, median 55"
t_run run "$M" --db "$db" --report svarrapport --round r1 --param anonymise=false --format csv
expect_stdout_has "theme,question,participant,score"

t_case agenda_puts_most_disagreement_first
t_run run "$M" --db "$db" --report konsensus --round r1 --format json
expect_exit 0
python3 - "$T_OUT" <<'PY' || t_fail "agenda order or statistics wrong"
import json, statistics, sys
d = json.load(open(sys.argv[1]))
a = d["agenda"]
assert [x["question"] for x in a] == ["2", "1", "3"], [x["question"] for x in a]
q2 = a[0]
assert q2["flag"] is True and "range 70" in q2["reason"], q2
s = q2["stats"]; v = [20, 90, 50, 80]
assert abs(s["mean"] - statistics.mean(v)) < 0.01 and abs(s["median"] - statistics.median(v)) < 0.01
assert abs(s["sd"] - round(statistics.stdev(v), 2)) < 0.01, s
qs = statistics.quantiles(v, n=4, method="inclusive"); assert abs(s["iqr"] - round(qs[2] - qs[0], 2)) < 0.01, s
assert a[1]["stats"]["dontknow"] == 1 and a[1]["stats"]["n"] == 3
assert a[0]["proposal"] == 65, a[0]["proposal"]   # median 65 on the 5-point grid
PY

t_case recording_consensus_keeps_history_and_locks_responses
t_run consensus --db "$db" --write --model "$M" --round r1 --question 2 --score 60 --by Gruppen
expect_exit 0
t_run consensus --db "$db" --write --model "$M" --round r1 --question 2 --score 65
expect_exit 2
expect_stderr_has "needs --comment"
t_run consensus --db "$db" --write --model "$M" --round r1 --question 2 --score 55 --comment "efter drøftelse" --by Gruppen
expect_exit 0
expect_stdout_has "(was 60"
t_run consensus --db "$db" --write --model "$M" --round r1 --question 1 --score 55 --improvements "Mere opfølgning"
t_run consensus --db "$db" --write --model "$M" --round r1 --question 3 --score 101
expect_exit 1
expect_stderr_has "101 is outside the scale"
t_run consensus --db "$db" --write --model "$M" --round r1 --question 3 --score 70
[ "$(python3 -c "import sqlite3; print(sqlite3.connect('$db').execute(\"select count(*) from qm_consensus_history where question='2'\").fetchone()[0])")" = 2 ] || t_fail "history"
t_run import --db "$db" --write --model "$M" --round r1 "$S/form_p1.yaml"
expect_exit 1
expect_stderr_has 'round "r1" is locked'

t_case konsensusrapport_shows_agreed_scores_spread_and_theme_scores
t_run run "$M" --db "$db" --report konsensusrapport --round r1 --format json
expect_exit 0
python3 - "$T_OUT" <<'PY' || t_fail "konsensusrapport json"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["themes"][0]["score"] == 55.0, d["themes"][0]["score"]     # mean of 55 and 55
assert d["themes"][1]["score"] == 70, d["themes"][1]["score"]
q2 = d["themes"][0]["questions"][1]
assert q2["agreed"] == 55 and q2["comment"] == "efter drøftelse" and q2["spread"]["range"] == 70, q2
assert abs(d["score"] - 62.5) < 0.01, d["score"]
PY
t_run run "$M" --db "$db" --report konsensusrapport --round r1 --format markdown
expect_stdout_has "# Konsensusrapport"

t_case prioritisation_orders_by_gap_with_focus
t_run run "$M" --db "$db" --report prioritering --round r1 --format json
expect_exit 0
python3 - "$T_OUT" <<'PY' || t_fail "prioritering"
import json, sys
a = json.load(open(sys.argv[1]))["areas"]
assert [x["question"] for x in a] == ["1", "2", "3"], a
assert [x["in_focus"] for x in a] == [True, True, False]
assert a[0]["reason"] == "gap 20 to target 75", a[0]["reason"]
PY

t_case actions_and_overdue_as_of_a_date
t_run action --db "$db" --write --round r1 --add "Opfølgningsmøder" --owner Leder --deadline 2025-06-30
expect_exit 0
t_run action --db "$db" --write --round r1 --add "Måltavle" --owner "P2" --deadline 2025-12-31
t_run action --db "$db" --write --id 2 --status started --comment "i gang" --by Leder
expect_exit 0
t_run action --db "$db" --write --round r1 --add "X" --deadline 31/12
expect_exit 2
t_run run "$M" --db "$db" --report handleplan --round r1 --as-of 2025-09-01
expect_exit 0
expect_stdout_has "Overskredne: 1"
grep -qE '^1 +Opfølgningsmøder +Leder +2025-06-30 +planlagt +ja' "$T_OUT" || t_fail "the overdue action is planlagt and overskredet"
grep -qE '^2 +Måltavle +P2 +2025-12-31 +i gang *$' "$T_OUT" || t_fail "the started action is i gang, not overdue"
t_run run "$M" --db "$db" --report handleplan --round r1 --as-of 2025-09-01 --format csv
expect_stdout_has "1,Opfølgningsmøder,Leder,,2025-06-30,planned,yes,"
# an action's themes: their titles for people (a question: its id and text), the ids in CSV
t_run action --db "$db" --write --id 1 --themes "a,1" --comment "temaer" --by Leder
expect_exit 0
t_run run "$M" --db "$db" --report handleplan --round r1 --as-of 2025-09-01
grep -qE '^1 +Opfølgningsmøder .* Tema A, 1 ' "$T_OUT" || t_fail "themes in words: $(grep Opfølgningsmøder "$T_OUT")"
expect_stdout_lacks " a,1"
t_run run "$M" --db "$db" --report handleplan --round r1 --as-of 2025-09-01 --format csv
expect_stdout_has "1,Opfølgningsmøder,Leder,,2025-06-30,planned,yes,\"a,1\""

t_case follow_up_compares_with_the_previous_round
python3 -c "import sqlite3; c=sqlite3.connect('$db'); c.execute(\"update qm_rounds set started='2024-03-01' where id='r1'\"); c.commit()"
t_run import --db "$db" --write --model "$M" --round r2 --unit u1 --started 2026-03-01 "$S/form_p1.yaml"
expect_exit 0
t_run consensus --db "$db" --write --model "$M" --round r2 --question 1 --score 65
t_run consensus --db "$db" --write --model "$M" --round r2 --question 2 --score 40
t_run run "$M" --db "$db" --report opfoelgning --round r2 --format json
expect_exit 0
python3 - "$T_OUT" <<'PY' || t_fail "opfoelgning"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["previous"] == "r1", d
q = {x["question"]: x for x in d["questions"]}
assert q["1"]["change"] == 10 and q["2"]["change"] == -15, q
assert d["actions_before"] == 2
PY

t_case rollup_gives_units_and_theme_distribution_without_participants
t_run import --db "$db" --write --model "$M" --round u2r1 --unit u2 "$S/responses_u2.yaml"
expect_exit 0
for q in 1 2 3; do "$QM" consensus --db "$db" --write --model "$M" --round u2r1 --question $q --score 85 >/dev/null; done
t_run run "$M" --db "$db" --report rollup --unit center --format json --min-group 1
expect_exit 0
expect_stdout_lacks "P1"
python3 - "$T_OUT" <<'PY' || t_fail "rollup"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["units"] == 2, d["units"]
t = {x["theme"]: x for x in d["themes"]}
assert t["a"]["units"] == 2 and t["b"]["units"] == 1 and t["b"]["max"] == 85, t
PY

t_case form_round_trip_through_import
t_run run "$M" --report skema
expect_exit 0
expect_stdout_has 'participant: P?'
sed -e 's/participant: P?/participant: F1/' -e 's/score: ,/score: 55,/' "$T_OUT" >"$T_TMP/filled.yaml"
t_run import --db "$db" --write --model "$M" --round formround --unit u2 "$T_TMP/filled.yaml"
expect_exit 0
expect_stdout_has "imported 3 responses into round formround (1 new participants)"

t_case areas_with_groups_feed_prioritisation
t_run area --db "$db" --write --round u2r1 --add "Fælles mødestruktur" --question 1 --group Samarbejde --impact 4 --effort 2
expect_exit 0
t_run area --db "$db" --write --round u2r1 --add "Ny måltavle" --question 2 --group Mål --depends-on Samarbejde --impact 2 --effort 4
expect_exit 0
t_run area --db "$db" --write --round u2r1 --add "X" --moscow maybe
expect_exit 2
t_run run "$M" --db "$db" --report prioritering --round u2r1 --format json
expect_exit 0
expect_stdout_has '"group": "Samarbejde"'
expect_stdout_has '"text": "Ny måltavle"'

t_case reports_are_deterministic
"$QM" run "$M" --db "$db" --report konsensusrapport --round r1 --format json >"$T_TMP/a.json"
"$QM" run "$M" --db "$db" --report konsensusrapport --round r1 --format json >"$T_TMP/b.json"
cmp -s "$T_TMP/a.json" "$T_TMP/b.json" || t_fail "two runs differ"

t_case without_round_a_report_about_one_round_takes_the_latest_and_says_so
t_run run "$M" --db "$db" --report konsensusrapport --format json
expect_exit 0
expect_stdout_has '"round": "r2"'
expect_stderr_has "no --round given: reporting on round r2"
expect_stderr_has "started 2026-03-01), the latest of 4; others: r1, formround, u2r1 (choose with --round ID)"
t_run run "$M" --db "$db" --report konsensusrapport --format json --quiet
expect_exit 0
expect_stderr_lacks "no --round given"

t_case read_only_run_cannot_write_engine_tables_from_the_model
printf 'db:exec("DELETE FROM qm_responses")\n' >"$S/evil.lua"
t_run run "$S/evil.lua" --db "$db" --write
expect_exit 1
expect_stderr_has "belongs to the engine"

t_case caf2020_rounds_in_classical_and_fine_tuned_scoring
C="$QM_SOURCE_DIR/models/caf2020"
"$QM" run "$C/demo_data.lua" --db "$T_TMP/caf.db" --write >/dev/null || t_fail "caf demo"
t_run run "$C/caf2020.lua" --db "$T_TMP/caf.db" --report konsensusrapport --unit afd1 --format json
expect_exit 0
python3 -c "
import json; d=json.load(open('$T_OUT'))
assert len(d['themes'])==9 and sum(len(t['questions']) for t in d['themes'])==28
assert all(0<=q['agreed']<=5 for t in d['themes'] for q in t['questions'] if isinstance(q.get('agreed'),(int,float)))
" || t_fail "classical CAF konsensusrapport"
"$QM" run "$C/demo_data.lua" --db "$T_TMP/caff.db" --write --param scoring=fine >/dev/null || t_fail "fine demo"
t_run run "$C/caf2020.lua" --param scoring=fine --db "$T_TMP/caff.db" --report svarrapport --unit afd2 --format json
expect_exit 0
printf 'participant: Z1\nanswers:\n  "1.1": { score: { plan: 80, do: 60, check: 40, act: 20 } }\n  "6.1": { score: { trends: 70, targets: 50 } }\n' >"$T_TMP/fine.yaml"
"$QM" import --db "$T_TMP/caff.db" --write --what units "$S/units.csv" >/dev/null
t_run import --db "$T_TMP/caff.db" --write --model "$C/caf2020.lua" --param scoring=fine --round f1 --unit u1 "$T_TMP/fine.yaml"
expect_exit 0
[ "$(python3 -c "import sqlite3; print(sqlite3.connect('$T_TMP/caff.db').execute(\"select group_concat(score) from (select score from qm_responses where round_id='f1' order by question)\").fetchone()[0])")" = "50.0,60.0" ] || t_fail "fine-tuned parts not averaged"
printf 'participant: Z2\nanswers:\n  "1.1": { score: { plan: 80 } }\n' >"$T_TMP/bad_fine.yaml"
t_run import --db "$T_TMP/caff.db" --write --model "$C/caf2020.lua" --param scoring=fine --round f1 "$T_TMP/bad_fine.yaml"
expect_exit 1
expect_stderr_has "the DO score is missing"

t_case scores_entering_through_lua_are_checked_like_imports
L="$T_TMP/lua.db"
t_run import --db "$L" --write --what units "$S/units.csv"
expect_exit 0
cat >"$T_TMP/entry.lua" <<LUA
local m = use "$S/model.lua"
store.round { id = "L1", model = "mini", unit = "u1" }
store.participant("L1", { code = "P1" })
store.response { round = "L1", participant = "P1", question = "1", score = 70 }
store.response { round = "L1", participant = "P1", question = "2", dontknow = true }
local function try(what, x)
  local ok, err = pcall(function() local _ = store[what](x) end)
  print(ok and "accepted" or err)
end
try("response", { round = "L1", participant = "P1", question = "3", score = 120 })
try("response", { round = "L1", participant = "P1", question = "9", score = 50 })
try("response", { round = "L1", participant = "P7", question = "3", score = 50 })
try("response", { round = "L1", participant = "P1", question = "1", score = 75 })
try("response", { round = "L1", participant = "P1", question = "3", score = 50, dontknow = true })
try("consensus", { round = "L1", question = "1", score = 70, by = "gruppen" })
try("response", { round = "L1", participant = "P1", question = "3", score = 50 })
try("consensus", { round = "L1", question = "1", score = 65 })
try("consensus", { round = "L1", question = "1", score = 65, comment = "efter drøftelse" })
try("consensus", { round = "L9", question = "1", score = 65 })
LUA
(cd "$T_TMP" && "$QM" run entry.lua --db "$L" --write >"$T_OUT" 2>"$T_ERR"); T_RC=$?
expect_exit 0
expect_stdout_is 'entry.lua:7: store.response: question "3": 120 is outside the scale 0-100 in steps of 5
entry.lua:7: store.response: model mini has no question "9"
entry.lua:7: store.response: "P7" is not a participant of round "L1" (add it with store.participant)
entry.lua:7: store.response: participant P1 has already answered question 1 in round L1
entry.lua:7: store.response: question "3": give a score or dontknow, not both
accepted
entry.lua:7: store.response: round "L1" is locked: consensus has started, so individual responses cannot change
entry.lua:7: store.consensus: question 1 already has an agreed score (70.0): changing it needs a comment saying why
accepted
entry.lua:7: store.consensus: round "L9" does not exist'
# the model must be loaded for its scores to be checked
printf 'store.round { id = "L2", model = "mini", unit = "u2" }\nstore.participant("L2", { code = "P1" })\nstore.response { round = "L2", participant = "P1", question = "1", score = 70 }\n' >"$T_TMP/noload.lua"
t_run run "$T_TMP/noload.lua" --db "$L" --write
expect_exit 1
expect_stderr_has 'noload.lua:3: store.response: round "L2" belongs to model "mini", which is not loaded: load it first'
# in the REPL an error names the analyst's line, not the REPL's own code
t_run_stdin 'store.consensus { round = "L1", question = "2", score = 7, comment = "x" }' repl --db "$L" --write "$S/model.lua"
expect_exit 1
expect_stderr_has 'stdin:1: store.consensus: question "2": 7 is not on the scale 0-100 in steps of 5'
python3 -c "import sqlite3; c=sqlite3.connect('$L'); r=list(c.execute('select question, score, dontknow from qm_responses order by 2')); assert r==[('2',None,1),('1',70.0,0)], r; h=list(c.execute('select old_score, new_score, comment from qm_consensus_history order by changed_at, rowid')); assert h==[(None,70.0,None),(70.0,65.0,'efter drøftelse')], h" || t_fail "database contents"

t_done
