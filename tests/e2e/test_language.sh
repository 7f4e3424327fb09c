#!/usr/bin/env bash
# Reports in one language, and small groups protected (docs/reports.md): --lang, Danish
# numbers and dates, the question's words, a model's own wording, JSON and CSV the same in
# both languages; a roll-up with a unit of three respondents (suppressed, left out of every
# figure); the svarrapport's answers in score order without labels unless the model asks.
source "$(dirname "$0")/lib.sh"
E="$QM_SOURCE_DIR/tests/e2e/language"
db="$T_TMP/s.db"
"$QM" run "$E/data.lua" --db "$db" --write >/dev/null || { echo "data.lua failed"; exit 1; }
M="$E/model.lua"

t_case lang_chooses_the_report_language_danish_by_default
t_run run "$M" --db "$db" --report konsensusrapport --round stor-r1
expect_exit 0
expect_stdout_has "Konsensusrapport — Lille model"
expect_stdout_has "Samlet score: 56,2"
t_run run "$M" --db "$db" --report konsensusrapport --round stor-r1 --lang en
expect_exit 0
expect_stdout_has "Consensus report — Lille model"
expect_stdout_has "Overall score: 56.2"
t_run run "$M" --db "$db" --report konsensusrapport --round stor-r1 --lang de
expect_exit 2
expect_stderr_has "--lang de: no such report language (use da or en)"

t_case the_html_page_has_the_reports_language
t_run run "$M" --db "$db" --report konsensusrapport --round stor-r1 --format html
expect_stdout_has '<html lang="da">'
expect_stdout_has '>Indhold</h2>'
t_run run "$M" --db "$db" --report konsensusrapport --round stor-r1 --format html --lang en
expect_stdout_has '<html lang="en">'
expect_stdout_has '>Contents</h2>'

t_case json_and_csv_are_the_same_in_both_languages
for r in konsensusrapport konsensus svarrapport rollup; do
  for f in json csv; do
    "$QM" run "$M" --db "$db" --report $r --round stor-r1 --format $f >"$T_TMP/da.$f" 2>/dev/null
    "$QM" run "$M" --db "$db" --report $r --round stor-r1 --format $f --lang en >"$T_TMP/en.$f" 2>/dev/null
    [ -s "$T_TMP/da.$f" ] || t_fail "$r $f is empty"
    cmp -s "$T_TMP/da.$f" "$T_TMP/en.$f" || t_fail "$r --format $f differs between --lang da and --lang en"
  done
done

t_case the_agenda_shows_the_questions_words_wrapped
t_run run "$M" --db "$db" --report konsensus --round stor-r1
expect_exit 0
# question 1's text is long: wrapped under the question column, the other columns aligned
grep -qE '^ *[0-9]+  1 Hvor godt følger vi op på vores mål for +[0-9]' "$T_OUT" || t_fail "question 1 with its words on the first line"
grep -qE '^ +arbejdet med brugerne i hverdagen\?$' "$T_OUT" || t_fail "the rest of question 1's words on the next line"
expect_stdout_has "! spændet 50 er større end 30"
t_run run "$M" --db "$db" --report konsensus --round stor-r1 --format markdown
expect_stdout_has "| 1 Hvor godt følger vi op på vores mål for arbejdet med brugerne i hverdagen? |"

t_case a_model_changes_a_word_and_qm_check_checks_its_wording
mkdir -p "$T_TMP/ord"
sed 's/^  target = 75,/  target = 75, wording = { da = { ["konsensusrapport.title"] = "Vores konsensus — {model}", ["col.theme"] = "Område" } },/' "$M" >"$T_TMP/ord/model.lua"
t_run check "$T_TMP/ord/model.lua"
expect_exit 0
t_run run "$T_TMP/ord/model.lua" --db "$db" --report konsensusrapport --round stor-r1
expect_exit 0
expect_stdout_has "Vores konsensus — Lille model"
expect_stdout_has "Område"
t_run check "$E/badwording.lua"
expect_exit 1
expect_stdout_has 'badwording.lua:2: error: model "lille_fejl": wording.da: no message "konsensusrapport.titel" in the report catalogue (did you mean "konsensusrapport.title"?)'
expect_stdout_has 'wording.da["col.theme"]: {enhed} is not filled by this message'
expect_stdout_has 'wording: no report language "dk" (did you mean "da"?)'

t_case rollup_suppresses_a_unit_of_three_respondents_and_leaves_it_out_of_every_figure
t_run run "$M" --db "$db" --report rollup
expect_exit 0
grep -qE '^Enhed lille +lille-r1 +3 +–¹$' "$T_OUT" || t_fail "the small unit's score is – with a footnote"
grep -qE '^Enhed stor +stor-r1 +6 +56,2$' "$T_OUT" || t_fail "a unit of six is shown"
expect_stdout_has "¹ 1 enhed har færre end 5 svarpersoner"
# the small unit scored 100 and 95: no figure of the report may show or imply them
expect_stdout_lacks "100"
expect_stdout_lacks "97,5"
t_run run "$M" --db "$db" --report rollup --format json
python3 - "$T_OUT" <<'PY' || t_fail "suppressed in JSON"
import json, statistics, sys
d = json.load(open(sys.argv[1]))
assert d["min_group"] == 5 and d["suppressed_units"] == 1, d
u = {x["unit"]: x for x in d["unit_scores"]}
assert u["lille"]["score"] is None and u["lille"]["suppressed"] is True and u["lille"]["reason"] == "fewer than 5 respondents", u["lille"]
assert u["lille"]["respondents"] == 3
# every aggregate is over the two units shown: the total's median, each theme's figures, the
# common areas' counts (the small unit's question 3 is 100, above the target: not counted either way)
assert d["median_total"] == statistics.median([u["stor"]["score"], u["mellem"]["score"]]), d["median_total"]
t = {x["theme"]: x for x in d["themes"]}
assert t["a"]["units"] == 2 and t["a"]["max"] == 52.5 and t["b"]["max"] == 75, t
c = {x["question"]: x["units"] for x in d["common_areas"]}
assert c == {"1": 2, "2": 2, "3": 1}, c
PY

t_case min_group_from_the_command_line_and_the_model
t_run run "$M" --db "$db" --report rollup --min-group 3 --format json
python3 -c "
import json; d = json.load(open('$T_OUT'))
assert d['suppressed_units'] == 0 and d['min_group'] == 3, d
t = {x['theme']: x for x in d['themes']}; assert t['a']['units'] == 3 and t['a']['max'] == 97.5, t" || t_fail "--min-group 3 shows all three"
t_run run "$M" --db "$db" --report rollup --min-group 6
expect_stdout_has "¹ 2 enheder har færre end 6 svarpersoner"
mkdir -p "$T_TMP/mg"
sed 's/^  target = 75,/  target = 75, min_group = 3,/' "$M" >"$T_TMP/mg/model.lua"
t_run run "$T_TMP/mg/model.lua" --db "$db" --report rollup --format json
python3 -c "import json; d = json.load(open('$T_OUT')); assert d['min_group'] == 3 and d['suppressed_units'] == 0, d" || t_fail "the model's min_group"
t_run run "$T_TMP/mg/model.lua" --db "$db" --report rollup --format json --min-group 4
python3 -c "import json; d = json.load(open('$T_OUT')); assert d['min_group'] == 4 and d['suppressed_units'] == 1, d" || t_fail "--min-group wins over the model's"
t_run run "$M" --db "$db" --report rollup --min-group 0
expect_exit 2
expect_stderr_has "--min-group 0: give a whole number of at least 1"
sed 's/^  target = 75,/  target = 75, min_group = 0,/' "$M" >"$T_TMP/mg/model.lua"
t_run check "$T_TMP/mg/model.lua"
expect_exit 1
expect_stdout_has 'min_group must be at least 1'

t_case svarrapport_answers_in_score_order_without_labels
t_run run "$M" --db "$db" --report svarrapport --round stor-r1
expect_exit 0
expect_stdout_lacks "P1"
expect_stdout_has "Svarene står for hvert spørgsmål i rækkefølge efter point"
# participant 1 scored 90 on question 1 and 10 on question 2: last in one list, first in the other
awk '/^1  Hvor godt/{q=1} /^2  Spørgsmål to/{q=2} /^3  Spørgsmål tre/{q=3} /^ +[0-9]+( |$)/{print q, $1}' "$T_OUT" >"$T_TMP/order"
[ "$(grep '^1 ' "$T_TMP/order" | cut -d' ' -f2 | tr '\n' ' ')" = "40 50 55 60 65 90 " ] || t_fail "question 1 in score order: $(cat "$T_TMP/order")"
[ "$(grep '^2 ' "$T_TMP/order" | cut -d' ' -f2 | tr '\n' ' ')" = "10 45 50 55 60 70 " ] || t_fail "question 2 in score order"
t_run run "$M" --db "$db" --report svarrapport --round stor-r1 --format json
python3 - "$T_OUT" <<'PY' || t_fail "anonymised JSON"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["anonymised"] is True and d["labels"] == "none", d
for th in d["themes"]:
    for q in th["questions"]:
        assert all(a["participant"] is None for a in q["answers"]), q
        s = [a["score"] for a in q["answers"]]
        assert s == sorted(s), s
PY

t_case stable_labels_keep_one_label_per_participant
mkdir -p "$T_TMP/st"
sed 's/^  target = 75,/  target = 75, stable_labels = true,/' "$M" >"$T_TMP/st/model.lua"
t_run run "$T_TMP/st/model.lua" --db "$db" --report svarrapport --round stor-r1 --format json
python3 - "$T_OUT" <<'PY' || t_fail "stable labels"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["labels"] == "stable", d["labels"]
qs = {q["id"]: {a["participant"]: a["score"] for a in q["answers"]} for th in d["themes"] for q in th["questions"]}
assert qs["1"]["P1"] == 90 and qs["2"]["P1"] == 10, qs
PY
t_run run "$T_TMP/st/model.lua" --db "$db" --report svarrapport --round stor-r1
expect_stdout_has "(anonymiseret, faste deltagernumre)"
expect_stdout_has "P1"

t_case progression_per_caseworker_hides_a_caseload_of_three_and_one_more_in_its_team
jc="$T_TMP/jc.db"
"$QM" run "$QM_SOURCE_DIR/models/resultatbaseret_styring/demo_data.lua" --db "$jc" --write --param citizens=400 >/dev/null
# caseworker sb01 (team1) keeps three citizens; the others go to sb02
python3 -c "
import sqlite3; c = sqlite3.connect('$jc')
c.execute(\"update jc_citizens set caseworker_id = 'sb02' where caseworker_id = 'sb01' and id not in (select id from jc_citizens where caseworker_id = 'sb01' order by id limit 3)\")
c.commit()"
V="$QM_SOURCE_DIR/models/resultatbaseret_styring/vejle.lua"
t_run run "$V" --db "$jc" --report progression --param level=caseworker --as-of 2025-12-31 --format json
expect_exit 0
python3 - "$T_OUT" "$jc" <<'PY' || t_fail "suppressed per caseworker"
import json, sqlite3, sys
d = json.load(open(sys.argv[1]))
team = dict(sqlite3.connect(sys.argv[2]).execute("select id, parent_id from qm_units"))
assert d["min_group"] == 5, d["min_group"]
rows = d["rows"]
for r in rows:
    if r["group"] == "sb01":
        assert r["suppressed"] == "primary" and r["citizens"] == 3 and r["since_previous"] is None and r["distribution"] is None, r
        assert r["reason"] == "fewer than 5 citizens", r
# per indicator, team1's hidden rows hold at least 5 citizens together, and exactly one more
# caseworker of team1 (the smallest) is hidden with sb01; no row of another team is hidden
for ind in {r["indicator"] for r in rows}:
    hidden = [r for r in rows if r["indicator"] == ind and r.get("suppressed")]
    assert all(team[r["group"]] == "team1" for r in hidden), hidden
    assert len(hidden) == 2 and sum(r["citizens"] for r in hidden) >= 5, hidden
    second = [r for r in hidden if r["suppressed"] == "secondary"][0]
    shown = [r["citizens"] for r in rows if r["indicator"] == ind and team[r["group"]] == "team1" and not r.get("suppressed")]
    assert second["citizens"] <= min(shown), (second, shown)
PY
t_run run "$V" --db "$jc" --report progression --param level=caseworker --as-of 2025-12-31
grep -qE '^sb01 ¹ +Mødestabilitet +3 +– +–' "$T_OUT" || t_fail "sb01's figures are – with a footnote mark"
expect_stdout_has "¹ 12 rækker vises ikke: grupper på færre end 5 borgere"
t_run run "$V" --db "$jc" --report progression --param level=caseworker --as-of 2025-12-31 --min-group 3 --format json
python3 -c "import json; d = json.load(open('$T_OUT')); assert d['suppressed'] == 0, d['suppressed']" || t_fail "--min-group 3 hides nothing"
t_run run "$V" --db "$jc" --report progression --param level=team --as-of 2025-12-31 --format json
python3 -c "import json; d = json.load(open('$T_OUT')); assert d['suppressed'] == 0, d['suppressed']" || t_fail "teams are large enough"

t_case a_model_declared_report_writes_numbers_in_the_reports_language
mkdir -p "$T_TMP/decl"
cat >"$T_TMP/decl/m.lua" <<'QM'
model "m" {
  scale = scale.points { 0, 100 },
  theme "t" { question "q" { text = "?" } },
  report "tal" { title = "Tal", section "s" { title = "Afsnit", sql = [[SELECT 64.94 AS v, 12345 AS n]] } },
}
QM
t_run run "$T_TMP/decl/m.lua" --db "$db" --report tal
expect_exit 0
grep -qE '^64,94 +12\.345$' "$T_OUT" || t_fail "Danish numbers in a model's report"
t_run run "$T_TMP/decl/m.lua" --db "$db" --report tal --lang en
grep -qE '^64\.94 +12345$' "$T_OUT" || t_fail "English numbers in a model's report"
t_run run "$T_TMP/decl/m.lua" --db "$db" --report tal --format html
expect_stdout_has '<html lang="da">'

t_done
