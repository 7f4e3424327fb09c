#!/usr/bin/env bash
# The data contract (issue 11): what every indicator kind reads is declared and checked on
# every run. For each kind a missing column, a wrong type and an out-of-domain value give
# "not evaluable" with the column, what was expected and what came, a warning at the
# indicator's line, and exit 1 with --strict; a missing table names the table; an extended
# KIK model runs on a database without the demo tables; qm check knows the fields' domains;
# extends merges settings; the audit honours a theme's scoring; target groups may be lists.
source "$(dirname "$0")/lib.sh"
C="$QM_SOURCE_DIR/tests/e2e/contract"
python3 -c "import sqlite3; sqlite3.connect('$T_TMP/empty.db').execute('CREATE TABLE t(x)')"

t_case every_kind_missing_column_wrong_type_and_out_of_domain_are_not_evaluable_with_the_reason
t_run run "$C/kinds.lua" --db "$T_TMP/empty.db" --as-of 2017-01-01 --format json
expect_exit 0
python3 - "$T_OUT" >"$T_TMP/kinds.txt" 2>&1 <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
s = {i["id"]: i for i in d["indicators"]}
# kind -> (column left out, column with the wrong type, column out of its domain)
cols = {
  "value": ("value", "value", "date"), "target": ("value", "value", "date"), "documentation": ("value", "date", "date"),
  "direction": ("period or date", "value", "period"), "completion": ("done", "done", "unit_id"),
  "frequency": ("date", "date", "date"), "max_gap": ("date", "date", "date"), "share": ("met", "met", "met"),
  "checklist": ("done", "done", "item"), "judgement": ("verdict", "date", "verdict"), "prepost": ("phase", "value", "phase"),
  "conditional": ("decided", "decided", "done"),
}
bad = []
for kind, (missing, wrong, outside) in cols.items():
    ok = s[kind + "_ok"]
    if ok["status"] == "not evaluable" and kind != "documentation" or "problem" in ok:
        bad.append(f"{kind}_ok: {ok['status']}: {ok.get('reason')}")
    for case, col in (("missing", missing), ("type", wrong), ("domain", outside)):
        r = s[f"{kind}_{case}"]
        p = r.get("problem") or {}
        if r["status"] != "not evaluable" or p.get("column") != col:
            bad.append(f"{kind}_{case}: {r['status']}, problem {p}: {r.get('reason')}")
            continue
        if case == "missing":
            want = f'column "{col}" is missing' if col != "period or date" else "needs a column period or date"
            if want not in r["reason"] or p["kind"] != "column" or not p.get("got"):
                bad.append(f"{kind}_{case}: reason {r['reason']!r}, problem {p}")
        else:
            if not r["reason"].startswith(f'column "{col}", row 1') or " expected " not in r["reason"] or " got " not in r["reason"]:
                bad.append(f"{kind}_{case}: reason {r['reason']!r}")
            if p["kind"] != "value" or p["row"] != 1 or not p.get("expected") or not p.get("got"):
                bad.append(f"{kind}_{case}: problem {p}")
# what came is shown as it came
assert s["share_type"]["problem"]["got"] == 'the text "2016-01-01"', s["share_type"]["problem"]
assert s["frequency_type"]["problem"]["got"] == "the whole number 20160201", s["frequency_type"]["problem"]
assert s["checklist_domain"]["problem"]["expected"] == "one of the items (a, b)", s["checklist_domain"]["problem"]
# the structured fields of the results that could be judged
assert [p["status"] for p in s["frequency_ok"]["periods"]] == ["met"] * 4, s["frequency_ok"]
assert s["completion_ok"]["deadlines"] == [{"date": "2016-12-31", "phrase": "ultimo 2016", "status": "achieved", "done": 1, "units": 1, "open": []}], s["completion_ok"]["deadlines"]
assert s["share_ok"]["yes"] == 2 and s["share_ok"]["applicable"] == 3 and s["share_ok"]["threshold"] == 0.5, s["share_ok"]
assert s["checklist_ok"]["done"] == ["a", "b"] and s["checklist_ok"]["open"] == [], s["checklist_ok"]
assert s["direction_ok"]["baseline"] == {"value": 5.1, "at": "2013", "from": "baseline", "phrase": "ultimo 2013"}, s["direction_ok"]
assert s["judgement_ok"]["judgement"]["verdict"] == "opfyldt", s["judgement_ok"]
assert s["conditional_ok"]["status"] == "on track" and s["conditional_ok"]["decided"] == "2016-03-01", s["conditional_ok"]
print("\n".join(bad)); sys.exit(1 if bad else 0)
PY
[ $? -eq 0 ] || t_fail "$(cat "$T_TMP/kinds.txt")"
line=$(grep -n 'indicators\[#indicators + 1\] = indicator' "$C/kinds.lua" | cut -d: -f1)
expect_stderr_has "kinds.lua:$line: warning: indicator \"value_missing\" is not evaluable: column \"value\" is missing"
expect_stderr_has "warning: indicator \"checklist_domain\" is not evaluable: column \"item\", row 1: expected one of the items (a, b), got the text \"c\""
n=$(grep -c "is not evaluable" "$T_ERR")
[ "$n" -eq 36 ] || t_fail "expected 36 warnings (12 kinds x 3 cases), got $n"

t_case a_data_function_gets_a_view_made_for_it_not_the_engines_run_context
cat >"$T_TMP/cb.lua" <<'EOF'
model "cb" { title = "CB", theme "t" { title = "T",
  indicator "cb" { type = "target", min = 1, data = function(c, p)
    local ok = c.as_of == "2017-01-01" and c.params.x == 5 and c.opts == nil and c.database == nil
      and p.as_of == "2017-01-01" and p.year == 2017 and p.x == 5
    return { { value = ok and 1 or 0 } }
  end },
  indicator "bad" { type = "target", min = 1, data = function() return { 1, 2 } end },
  indicator "tabel" { type = "target", min = 1, data = function() return { { value = { 3 } } } end },
  indicator "lua_ja" { type = "checklist", items = { "a", "b" }, data = function()
    return { { item = "a", done = true }, { item = "b", done = false } } end } } }
EOF
t_run run "$T_TMP/cb.lua" --db "$T_TMP/empty.db" --as-of 2017-01-01 --param x=5 --format json
expect_exit 0
python3 -c "
import json; s = {i['id']: i for i in json.load(open('$T_OUT'))['indicators']}
assert s['cb']['status'] == 'achieved', s['cb']
assert s['bad']['status'] == 'not evaluable' and 'row 1 is number' in s['bad']['reason'], s['bad']
# a table where a value belongs is named, never taken for NULL (no data)
assert s['tabel']['status'] == 'not evaluable' and s['tabel']['reason'] == 'column \"value\", row 1: expected a number, got a table', s['tabel']
# Lua's own true and false are yes and no
assert s['lua_ja']['status'] == 'on track' and s['lua_ja']['done'] == ['a'] and s['lua_ja']['open'] == ['b'], s['lua_ja']
" || t_fail "data callback"

t_case strict_turns_the_warnings_into_exit_1_and_quiet_silences_them
t_run run "$C/kinds.lua" --db "$T_TMP/empty.db" --as-of 2017-01-01 --strict
expect_exit 1
expect_stdout_has "value_missing"
expect_stderr_has "36 indicators are not evaluable because of the data (--strict)"
t_run run "$C/kinds.lua" --db "$T_TMP/empty.db" --as-of 2017-01-01 --quiet
expect_exit 0
expect_stderr_lacks "warning"
t_run run "$C/kinds.lua" --db "$T_TMP/empty.db" --as-of 2017-01-01 --strict --out "$T_TMP/strict.txt"
expect_exit 1
expect_no_file "$T_TMP/strict.txt"

t_case a_text_done_column_counts_only_the_accepted_yes_words_as_done
python3 - "$T_TMP/done.db" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.executescript("""CREATE TABLE cl(item TEXT, done TEXT);
INSERT INTO cl VALUES ('a','0'),('b','nej'),('c','no'),('d','false'),('e','1');
CREATE TABLE cl2(item TEXT, done TEXT); INSERT INTO cl2 VALUES ('a', ''), ('b', 'måske');""")
c.commit()
PY
cat >"$T_TMP/done.lua" <<'EOF'
model "done" { title = "Done",
  theme "t" { title = "T",
    indicator "cl" { type = "checklist", items = { "a", "b", "c", "d", "e" }, sql = [[SELECT item, done FROM cl]] },
    indicator "cl2" { type = "checklist", items = { "a", "b" }, sql = [[SELECT item, DONE AS Done FROM cl2]] },
  },
}
EOF
t_run run "$T_TMP/done.lua" --db "$T_TMP/done.db" --as-of 2017-01-01 --format json
expect_exit 0
python3 -c "
import json; s = {i['id']: i for i in json.load(open('$T_OUT'))['indicators']}
assert s['cl']['value'] == '1 of 5' and s['cl']['open'] == ['a', 'b', 'c', 'd'] and s['cl']['status'] == 'on track', s['cl']
assert s['cl2']['status'] == 'not evaluable' and s['cl2']['problem']['got'] == 'the text \"\"', s['cl2']
" || t_fail "TEXT done column"

t_case an_extended_kik_model_runs_its_status_report_on_its_own_database_without_the_demo_tables
mkdir -p "$T_TMP/egen"
python3 -c "
import sqlite3; c = sqlite3.connect('$T_TMP/egen/egen.db')
c.executescript(\"CREATE TABLE mine(unit_id TEXT, value REAL, date TEXT); INSERT INTO mine VALUES ('a', 3, '2025-01-01'), ('b', 7, '2025-02-01');\")
c.commit()"
cat >"$T_TMP/egen/egen.lua" <<EOF
local kik = use "$QM_SOURCE_DIR/models/kik/kik.lua"
model "kik_egen" { extends = kik, title = "KIK i Egen Kommune",
  theme "noegleresultater" { indicator "egen" { title = "Egen indikator", type = "target", max = 5,
    sql = [[SELECT unit_id, value, date FROM mine WHERE date <= :as_of]] } },
}
EOF
t_run run "$T_TMP/egen/egen.lua" --db "$T_TMP/egen/egen.db" --report status --as-of 2025-10-01 --format json
expect_exit 0
python3 -c "
import json; s = {i['id']: i for i in json.load(open('$T_OUT'))['indicators']}
for i, t in (('procedure_modtagelse', 'kik_procedurer'), ('klager_medhold', 'kik_klager'), ('sygefravaer', 'kik_sygefravaer')):
    assert s[i]['status'] == 'not evaluable' and s[i]['reason'] == 'table \"%s\" does not exist in the database' % t, s[i]
    assert s[i]['problem']['table'] == t, s[i]
e = s['egen']
assert e['status'] == 'not achieved' and [u['status'] for u in e['units']] == ['achieved', 'not achieved'], e
" || t_fail "statuses of the extended model"
expect_stderr_has "kik.lua:48: warning: indicator \"klager_medhold\" is not evaluable: table \"kik_klager\" does not exist in the database"
for f in "$T_OUT" "$T_ERR"; do
  ! grep -q "stdlib/" "$f" || t_fail "an engine file is named in $f"
  ! grep -qE ":as_of|:year|:tg" "$f" || t_fail "an internal parameter is named in $f"
done

t_case a_reports_query_is_checked_against_its_declaration_and_engine_errors_name_no_engine_file
cat >"$T_TMP/survey.lua" <<'EOF'
model "sv" { title = "S", survey_sql = "SELECT unit_id AS element, value AS points FROM mine",
  theme "t" { title = "T", question "q" { text = "?", scale = scale.ordinal { 1, 5 } } } }
EOF
t_run run "$T_TMP/survey.lua" --db "$T_TMP/egen/egen.db" --report prioriteter
expect_exit 1
expect_stderr_has "survey.lua:1: survey_sql gives no column score: the prioriteter report reads element, score (the query gives element, points)"
sed -i 's/value AS points FROM mine/value AS score FROM mine/' "$T_TMP/survey.lua"
t_run run "$T_TMP/survey.lua" --db "$T_TMP/egen/egen.db" --report prioriteter
expect_exit 1
expect_stderr_has 'survey.lua:1: survey_sql, column "element", row 1: expected the id of an element of the model, got the text "a"'
sed -i 's/FROM mine/FROM mine WHERE unit_id = :enhed/' "$T_TMP/survey.lua"
t_run run "$T_TMP/survey.lua" --db "$T_TMP/egen/egen.db" --report prioriteter
expect_exit 1
expect_stderr_has "survey.lua:1: survey_sql uses :enhed, which is not given: give --param enhed=VALUE"
expect_stderr_lacks "stdlib/"
t_run run "$T_TMP/survey.lua" --db "$T_TMP/egen/egen.db" --report prioriteter --param enhed=zz
expect_exit 0

t_case a_parameter_the_user_wrote_but_did_not_give_is_named_with_how_to_give_it
cat >"$T_TMP/param.lua" <<'EOF'
model "p" { title = "P", theme "t" { title = "T",
  indicator "x" { type = "target", min = 1, sql = [[SELECT value FROM mine WHERE unit_id = :enhed]] } } }
EOF
# (Markdown: the text report wraps a long reason in its column; English: the rule's words)
t_run run "$T_TMP/param.lua" --db "$T_TMP/egen/egen.db" --as-of 2025-10-01 --format markdown
expect_exit 0
expect_stdout_has "the query uses :enhed, which is not given: give --param enhed=VALUE"
t_run run "$T_TMP/param.lua" --db "$T_TMP/egen/egen.db" --as-of 2025-10-01 --param enhed=a --lang en
expect_stdout_has "3 meets the target ≥ 1"
t_run run "$T_TMP/param.lua" --db "$T_TMP/egen/egen.db" --as-of 2025-10-01 --param enhed=a
expect_stdout_has "3 når målet ≥ 1"

t_case a_query_that_cannot_run_on_the_data_is_not_evaluable_at_its_line_and_the_rest_runs
# it compiles (qm check --db passes) but fails while it runs: malformed JSON, an integer overflow
cat >"$T_TMP/runerr.lua" <<'EOF'
model "re" { title = "R", theme "t" { title = "T",
  indicator "j" { type = "target", min = 1, sql = [[SELECT json_extract('{x', '$.a') AS value]] },
  indicator "o" { type = "target", min = 1, sql = [[SELECT abs(-9223372036854775807 - 1) AS value]] },
  indicator "ok" { type = "target", min = 1, sql = [[SELECT 2 AS value]] } } }
EOF
t_run check "$T_TMP/runerr.lua" --db "$T_TMP/egen/egen.db"
expect_exit 0
t_run run "$T_TMP/runerr.lua" --db "$T_TMP/egen/egen.db" --as-of 2025-10-01 --format json
expect_exit 0
expect_stderr_has 'runerr.lua:2: warning: indicator "j" is not evaluable: the query cannot run: malformed JSON'
expect_stderr_has 'runerr.lua:3: warning: indicator "o" is not evaluable: the query cannot run: integer overflow'
python3 - "$T_OUT" <<'PY' || t_fail "statuses"
import json, sys
s = {i["id"]: i for i in json.load(open(sys.argv[1]))["indicators"]}
assert s["j"]["status"] == "not evaluable" and s["j"]["problem"]["where"].endswith("runerr.lua:2"), s["j"]
assert s["o"]["reason"] == "the query cannot run: integer overflow", s["o"]
assert s["ok"]["status"] == "achieved", s["ok"]
PY
t_run run "$T_TMP/runerr.lua" --db "$T_TMP/egen/egen.db" --as-of 2025-10-01 --strict
expect_exit 1
# a limit reached inside such a query still stops the run
sed -i "s/SELECT 2 AS value/WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT max(x) AS value FROM c/" "$T_TMP/runerr.lua"
t_run run "$T_TMP/runerr.lua" --db "$T_TMP/egen/egen.db" --as-of 2025-10-01 --timeout 1
expect_exit 4
expect_stderr_has "time limit of 1 s reached"

t_case a_column_named_like_one_the_kind_reads_is_a_warning_not_silently_left_out
# unitid for unit_id: left out, the target would be judged for the whole organisation on
# the latest row (achieved, 2) though unit A's value 0 misses it
python3 -c "import sqlite3; c = sqlite3.connect('$T_TMP/near.db'); c.executescript(\"CREATE TABLE v(unitid, value, dato); INSERT INTO v VALUES ('A', 0, '2016-01-01'), ('B', 2, '2016-02-01')\")"
cat >"$T_TMP/near.lua" <<'EOF'
model "near" { title = "N", theme "t" { title = "T",
  indicator "a" { type = "target", min = 1, sql = [[SELECT unitid, value FROM v]] },
  indicator "f" { type = "frequency", count = 1, per = "year", window = "2016", sql = [[SELECT dato FROM v]] },
  indicator "n" { type = "target", min = 1, sql = [[SELECT value, 'x' AS note, dato AS date FROM v]] } } }
EOF
t_run run "$T_TMP/near.lua" --db "$T_TMP/near.db" --as-of 2016-12-31
expect_exit 0
expect_stderr_has 'near.lua:2: warning: indicator "a": the query gives column unitid, which a target indicator does not read (did you mean unit_id?)'
expect_stderr_lacks 'indicator "n"'
t_run run "$T_TMP/near.lua" --db "$T_TMP/near.db" --as-of 2016-12-31 --strict
expect_exit 1
expect_stderr_has "1 indicator is not evaluable because of the data (--strict)"
expect_stderr_has "1 column an indicator does not read, named like one it reads (--strict)"
t_run check "$T_TMP/near.lua" --db "$T_TMP/near.db" --format json
expect_exit 1
python3 - "$T_OUT" <<'PY' || t_fail "findings"
import json, sys
f = json.load(open(sys.argv[1]))["findings"]
w = [x for x in f if x["severity"] == "warning"]
assert len(w) == 2 and w[0]["line"] == 2 and w[0]["suggestion"] == "unit_id" and "unitid" in w[0]["message"], f
# dato is the frequency's missing date: the error says so, and the warning points at it
assert w[1]["line"] == 3 and w[1]["suggestion"] == "date", f
e = [x for x in f if x["severity"] == "error"]
assert len(e) == 1 and e[0]["line"] == 3 and "no column date" in e[0]["message"], f
PY

t_case check_knows_thresholds_inclusive_time_phrases_baselines_and_settings
cat >"$T_TMP/bad.lua" <<'EOF'
model "bad" { title = "Bad", coverage_of = "ingen",
  progression = { windw = 3, coverage_goal = 50, target_group = { {} } },
  theme "t" { title = "T",
    indicator "s" { type = "share", threshold = 50, sql = "SELECT met FROM x" },
    indicator "f" { type = "frequency", count = 2, per = "year", window = "2016", inclusive = false, sql = "SELECT date FROM x" },
    indicator "d" { type = "direction", baseline = "hvert år", sql = "SELECT period, value FROM x" },
    indicator "g" { type = "max_gap", max_gap = "2 gange årligt", window = "2016", sql = "SELECT date FROM x" },
    indicator "v" { type = "target", min = 5, max = 3, sql = "SELECT value FROM x" },
    indicator "c" { type = "checklist", items = { "plan", "mål", "plan" }, sql = "SELECT item, done FROM x" },
    indicator "p" { type = "target", min = 1, params = { enheder = { "a", "b" }, aar = 2016 },
      sql = "SELECT value FROM x WHERE unit_id = :enheder AND year = :aar" },
  },
}
EOF
t_run check "$T_TMP/bad.lua"
expect_exit 1
expect_stdout_has 'indicator "s": threshold 50 is a share from 0 to 1: write 0.5 for 50 %'
expect_stdout_has 'indicator "f": inclusive has no meaning for a frequency indicator'
expect_stdout_has 'indicator "d": baseline: the baseline "hvert år" is a recurrence, not a period or a date'
expect_stdout_has 'indicator "g": max_gap: "2 gange årligt" is a count per period, not a longest gap'
expect_stdout_has 'indicator "v": min 5 is above max 3'
# an item listed twice would count twice ("0 of 3", "open: plan; mål; plan")
expect_stdout_has 'indicator "c": items must list each text once, not "plan" twice'
# a list where one value belongs passes no more (a run would make it not evaluable)
expect_stdout_has 'indicator "p": params.enheder is a table: a query parameter is one value'
expect_stdout_lacks 'params.aar'
expect_stdout_has 'progression: unknown field "windw" (did you mean "window"?)'
expect_stdout_has 'progression.coverage_goal must be at most 1, not 50'
expect_stdout_has 'progression.target_group must be a text or number, or a list of them'
expect_stdout_has 'coverage_of "ingen" is not an element of the model'
# qm check compiles each query (without running it): a kind's missing column is found before
# any run, at the indicator's SQL; a wrong value is the data's, found by the run
t_run check "$C/kinds.lua"
expect_exit 1
for k in value target documentation direction completion frequency max_gap share checklist judgement prepost conditional; do
  expect_stdout_has "indicator \"${k}_missing\": the query gives "
done
expect_stdout_lacks '_ok"'
expect_stdout_lacks '_type"'
expect_stdout_lacks '_domain"'

t_case extends_merges_settings_key_by_key_and_replace_replaces_a_whole_table
cat >"$T_TMP/ext.lua" <<EOF
local esb = use "$QM_SOURCE_DIR/models/resultatbaseret_styring/esbjerg.lua"
local a = model "a" { extends = esb, change = { progression = { window = 4 } } }
local b = model "b" { extends = esb, progression = { coverage_days = 200, tables = { scores = "mine" } } }
local c = model "c" { extends = esb, replace = { progression = { window = 5 } } }
print(a.progression.window, a.progression.focus_max, a.progression.coverage)
print(b.progression.window, b.progression.focus_max, b.progression.coverage_days, b.progression.tables.scores, b.progression.tables.citizens)
print(c.progression.window, c.progression.focus_max)
print(esb.progression.window, esb.progression.tables.scores)
EOF
t_run run "$T_TMP/ext.lua"
expect_exit 0
[ "$(head -4 "$T_OUT")" = "$(printf '4\t2\tet år\n3\t2\t200\tmine\tjc_citizens\n5\tnil\n3\tjc_scores')" ] || t_fail "merged settings"
cat >"$T_TMP/ext2.lua" <<EOF
local esb = use "$QM_SOURCE_DIR/models/resultatbaseret_styring/esbjerg.lua"
model "a" { extends = esb, change = { progression = { focus_max = 0 } } }
EOF
t_run check "$T_TMP/ext2.lua"
expect_exit 1
expect_stdout_has "change: progression.focus_max must be at least 1, not 0"

t_case the_audit_honours_a_themes_scoring_and_gives_the_change_between_rounds
python3 -c "import sqlite3; c = sqlite3.connect('$T_TMP/audit.db'); c.executescript(open('$C/audit.sql').read()); c.commit()"
t_run run "$C/audit.lua" --db "$T_TMP/audit.db" --report audit --format json
expect_exit 0
python3 -c "
import json; th = {t['id']: t for t in json.load(open('$T_OUT'))['themes']}
a, b = th['a'], th['b']
assert a['scoring'] == 'pooled' and a['rounds']['foer']['share'] == 0.4, a
assert b['scoring'] == 'mean' and b['rounds']['foer']['share'] == 0.625, b
assert a['change'] == {'from': 'foer', 'to': 'med', 'share': 0.6}, a['change']
assert b['change'] == {'from': 'foer', 'to': 'med', 'share': 0.375}, b['change']
assert b['criteria'][1]['change'] == {'from': 'foer', 'to': 'med', 'share': 0.75}, b['criteria'][1]
" || t_fail "audit shares"
t_run run "$C/audit.lua" --db "$T_TMP/audit.db" --report audit --lang en
expect_stdout_has "62% (mean)"
python3 -c "import sqlite3; c = sqlite3.connect('$T_TMP/audit.db'); c.execute(\"UPDATE svar SET answer = 'måske' WHERE rowid = 3\"); c.commit()"
t_run run "$C/audit.lua" --db "$T_TMP/audit.db" --report audit
expect_exit 1
expect_stderr_has 'audit.lua:3: table "svar" (audit.table), column "answer", row 3: expected yes/no'
python3 -c "import sqlite3; c = sqlite3.connect('$T_TMP/audit.db'); c.execute('DROP TABLE svar'); c.commit()"
t_run run "$C/audit.lua" --db "$T_TMP/audit.db" --report audit
expect_exit 1
expect_stderr_has 'the audit report reads table "svar" (audit.table), which does not exist in the database'
expect_stderr_lacks "stdlib/"

t_case a_target_group_list_works_and_a_missing_column_or_a_value_outside_its_domain_is_named
python3 -c "import sqlite3; c = sqlite3.connect('$T_TMP/jc.db'); c.executescript(open('$C/jobcentre.sql').read()); c.commit()"
cat >"$T_TMP/vt.lua" <<EOF
local vejle = use "$QM_SOURCE_DIR/models/resultatbaseret_styring/vejle.lua"
model "vt" { extends = vejle, change = { progression = { target_group = { "sygedagpenge", "kontanthjaelp" } } } }
EOF
t_run run "$T_TMP/vt.lua" --db "$T_TMP/jc.db" --report coverage --as-of 2011-01-01 --format json
expect_exit 0
python3 -c "
import json; d = json.load(open('$T_OUT'))
assert d['eligible'] == 2 and d['covered'] == 1, d
" || t_fail "coverage over a list of target groups"
expect_stderr_lacks "target group"
# a target group no citizen has (misspelt) is said, with the groups the table has
t_run run "$T_TMP/vt.lua" --db "$T_TMP/jc.db" --report coverage --as-of 2011-01-01 --param target_group=Sygedagpenge
expect_exit 0
expect_stderr_has 'warning: --param target_group "Sygedagpenge": no citizen in jc_citizens has this target group — did you mean "sygedagpenge"? (the table'"'"'s target groups: '
# values outside their domains, put there with SQL (not through the import), stop the
# report naming the table, column, row and value, instead of counting in its figures
jc_sql() { python3 -c "import sqlite3, sys; c = sqlite3.connect('$T_TMP/jc.db'); c.executescript(sys.argv[1]); c.commit()" "$1"; }
jc_sql "INSERT INTO jc_scores VALUES ('v1', 'tillid', 6, 0)"
t_run run "$T_TMP/vt.lua" --db "$T_TMP/jc.db" --report progression --as-of 2011-01-01
expect_exit 1
expect_stderr_has 'vt.lua:2: table "jc_scores" (progression.tables.scores), column "score", row 3: expected a score on the scale 1-5, got the whole number 6'
expect_stdout_lacks "Tillid"
jc_sql "UPDATE jc_scores SET score = 2 WHERE score = 6; UPDATE jc_scores SET hidden = 'x' WHERE rowid = 2"
t_run run "$T_TMP/vt.lua" --db "$T_TMP/jc.db" --report progression --as-of 2011-01-01
expect_exit 1
expect_stderr_has 'column "hidden", row 2: expected yes/no (1/0, ja/nej, yes/no, true/false), got the text "x"'
jc_sql "UPDATE jc_scores SET hidden = 'ja' WHERE rowid = 2; UPDATE jc_scores SET indicator = 'trivsel' WHERE rowid = 1"
t_run run "$T_TMP/vt.lua" --db "$T_TMP/jc.db" --report progression --as-of 2011-01-01
expect_exit 1
expect_stderr_has 'column "indicator", row 1: expected the id of a question of the model, got the text "trivsel"'
jc_sql "UPDATE jc_scores SET indicator = 'motivation' WHERE rowid = 1; UPDATE jc_conversations SET date = '2010-02-30' WHERE id = 'v3'"
t_run run "$T_TMP/vt.lua" --db "$T_TMP/jc.db" --report progression --as-of 2011-01-01
expect_exit 1
expect_stderr_has 'table "jc_conversations" (progression.tables.conversations), column "date", row 2: expected a date, got the text "2010-02-30"'
jc_sql "UPDATE jc_conversations SET date = '2010-06-01' WHERE id = 'v3'"
t_run run "$T_TMP/vt.lua" --db "$T_TMP/jc.db" --report progression --as-of 2011-01-01
expect_exit 0
# a value with a comma in it and a score off the scale's range are named with their row
jc_sql "UPDATE jc_scores SET indicator = 'tillid,motivation' WHERE rowid = 1"
t_run run "$T_TMP/vt.lua" --db "$T_TMP/jc.db" --report progression --as-of 2011-01-01
expect_exit 1
expect_stderr_has 'column "indicator", row 1: expected the id of a question of the model, got the text "tillid,motivation"'
jc_sql "UPDATE jc_scores SET indicator = 'motivation' WHERE rowid = 1; UPDATE jc_scores SET score = 9.5 WHERE rowid = 1"
t_run run "$T_TMP/vt.lua" --db "$T_TMP/jc.db" --report progression --as-of 2011-01-01
expect_exit 1
expect_stderr_has 'column "score", row 1: expected a score on the scale 1-5, got'
jc_sql "UPDATE jc_scores SET score = 3 WHERE rowid = 1"
t_run run "$T_TMP/vt.lua" --db "$T_TMP/jc.db" --report progression --as-of 2011-01-01
expect_exit 0
python3 -c "import sqlite3; c = sqlite3.connect('$T_TMP/jc.db'); c.execute('ALTER TABLE jc_scores RENAME COLUMN hidden TO skjult'); c.commit()"
t_run run "$T_TMP/vt.lua" --db "$T_TMP/jc.db" --report progression --as-of 2011-01-01
expect_exit 1
expect_stderr_has 'table "jc_scores" (progression.tables.scores) has no column hidden'
t_done

t_case one_citizens_report_checks_that_citizens_rows_and_a_bad_value_elsewhere_does_not_stop_it
# borger for one citizen checks the rows it reads (the citizen, the citizen's conversations and
# their scores); a value outside its domain in another citizen's rows does not stop it, one in
# the citizen's own rows does, named with its row in the table. Every other report, and
# borger for every citizen, still checks every row.
python3 -c "import sqlite3; c = sqlite3.connect('$T_TMP/one.db'); c.executescript(open('$C/jobcentre.sql').read()); c.commit()"
one_sql() { python3 -c "import sqlite3, sys; c = sqlite3.connect('$T_TMP/one.db'); c.executescript(sys.argv[1]); c.commit()" "$1"; }
printf 'local vejle = use "%s/models/resultatbaseret_styring/vejle.lua"\nmodel "vo" { extends = vejle }\n' \
  "$QM_SOURCE_DIR" >"$T_TMP/vo.lua"
t_run run "$T_TMP/vo.lua" --db "$T_TMP/one.db" --report borger --param citizen=c1 --as-of 2011-01-01 --format csv
expect_exit 0
good_c1=$(cat "$T_OUT")
expect_stdout_has "2010-06-01,v1,-,-,3,-,-,-"
# a score off the scale in c3's conversation: c1's report is the same, c3's stops at that row
one_sql "INSERT INTO jc_scores VALUES ('v3', 'tillid', 6, 0)"
t_run run "$T_TMP/vo.lua" --db "$T_TMP/one.db" --report borger --param citizen=c1 --as-of 2011-01-01 --format csv
expect_exit 0
[ "$(cat "$T_OUT")" = "$good_c1" ] || t_fail "c1's report changed by a bad value in c3's rows"
t_run run "$T_TMP/vo.lua" --db "$T_TMP/one.db" --report borger --param citizen=c3 --as-of 2011-01-01
expect_exit 1
expect_stderr_has 'vo.lua:2: table "jc_scores" (progression.tables.scores), column "score", row 3: expected a score on the scale 1-5, got the whole number 6'
expect_stdout_lacks "v3"
for r in "borger" "borger --param caseworker=cw" "progression"; do
  t_run run "$T_TMP/vo.lua" --db "$T_TMP/one.db" --report $r --as-of 2011-01-01
  expect_exit 1
  expect_stderr_has 'table "jc_scores" (progression.tables.scores), column "score", row 3: expected a score on the scale 1-5'
done
# the row named is the citizen's own: the same bad indicator in c3's row first, then in c1's
one_sql "UPDATE jc_scores SET score = 2, indicator = 'trivsel' WHERE rowid = 3; INSERT INTO jc_scores VALUES ('v1', 'trivsel', 2, 0)"
t_run run "$T_TMP/vo.lua" --db "$T_TMP/one.db" --report borger --param citizen=c1 --as-of 2011-01-01
expect_exit 1
expect_stderr_has 'table "jc_scores" (progression.tables.scores), column "indicator", row 4: expected the id of a question of the model, got the text "trivsel"'
t_run run "$T_TMP/vo.lua" --db "$T_TMP/one.db" --report borger --param citizen=c3 --as-of 2011-01-01
expect_exit 1
expect_stderr_has 'column "indicator", row 3: expected the id of a question of the model, got the text "trivsel"'
one_sql "DELETE FROM jc_scores WHERE rowid = 4; UPDATE jc_scores SET indicator = 'tillid' WHERE rowid = 3"
# a date that does not exist in c3's conversation, a start date that is no date in c3's row
one_sql "UPDATE jc_conversations SET date = '2010-02-30' WHERE id = 'v3'; UPDATE jc_citizens SET start_date = 'snart' WHERE id = 'c3'"
t_run run "$T_TMP/vo.lua" --db "$T_TMP/one.db" --report borger --param citizen=c1 --as-of 2011-01-01 --format csv
expect_exit 0
[ "$(cat "$T_OUT")" = "$good_c1" ] || t_fail "c1's report changed by bad dates in c3's rows"
t_run run "$T_TMP/vo.lua" --db "$T_TMP/one.db" --report borger --param citizen=c3 --as-of 2011-01-01
expect_exit 1
expect_stderr_has 'table "jc_citizens" (progression.tables.citizens), column "start_date", row 3: expected a date, got the text "snart"'
one_sql "UPDATE jc_citizens SET start_date = '2010-01-01' WHERE id = 'c3'"
t_run run "$T_TMP/vo.lua" --db "$T_TMP/one.db" --report borger --param citizen=c3 --as-of 2011-01-01
expect_exit 1
expect_stderr_has 'table "jc_conversations" (progression.tables.conversations), column "date", row 2: expected a date, got the text "2010-02-30"'
t_run run "$T_TMP/vo.lua" --db "$T_TMP/one.db" --report borger --as-of 2011-01-01
expect_exit 1
expect_stderr_has 'column "date", row 2: expected a date, got the text "2010-02-30"'
# the tables named in upper case are the same tables: still only c1's rows checked
printf 'local vejle = use "%s/models/resultatbaseret_styring/vejle.lua"\nmodel "vu" { extends = vejle, change = { progression = { tables = { conversations = "JC_CONVERSATIONS", scores = "JC_Scores" } } } }\n' \
  "$QM_SOURCE_DIR" >"$T_TMP/vu.lua"
t_run run "$T_TMP/vu.lua" --db "$T_TMP/one.db" --report borger --param citizen=c1 --as-of 2011-01-01 --format csv
expect_exit 0
[ "$(cat "$T_OUT")" = "$good_c1" ] || t_fail "c1's report through upper-case table names"
# a view has no rows to keep: the whole view is checked, as before
one_sql "CREATE VIEW jc_conversations_v AS SELECT * FROM jc_conversations"
printf 'local vejle = use "%s/models/resultatbaseret_styring/vejle.lua"\nmodel "vv" { extends = vejle, change = { progression = { tables = { conversations = "jc_conversations_v" } } } }\n' \
  "$QM_SOURCE_DIR" >"$T_TMP/vv.lua"
t_run run "$T_TMP/vv.lua" --db "$T_TMP/one.db" --report borger --param citizen=c1 --as-of 2011-01-01
expect_exit 1
expect_stderr_has 'table "jc_conversations_v" (progression.tables.conversations), column "date", row'
one_sql "UPDATE jc_conversations SET date = '2010-06-01' WHERE id = 'v3'"
t_run run "$T_TMP/vv.lua" --db "$T_TMP/one.db" --report borger --param citizen=c1 --as-of 2011-01-01 --format csv
expect_exit 0
[ "$(cat "$T_OUT")" = "$good_c1" ] || t_fail "c1's report through a view"
expect_stderr_lacks "stdlib/"
t_done
