#!/usr/bin/env bash
# Reports a model declares (report "id" { section ... }): rendered in every format, listed by
# --report list beside the bundled reports that apply to the model (and only those), an
# unknown name a usage error with "did you mean", qm check's findings (unknown fields, SQL at
# its line, parameters, columns), the model's capabilities only (a read-only database, the
# view), and the bundled case-audit report "forbedring" (criteria ranked by improvement).
source "$(dirname "$0")/lib.sh"
M="$QM_SOURCE_DIR/models"
R="$(dirname "$0")/reports"
read_xlsx="$(dirname "$0")/xlsx_read.py"
python3 - "$T_TMP/own.db" "$R/own.sql" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1]); c.executescript(open(sys.argv[2]).read()); c.commit()
PY
"$QM" run "$M/god_sagsbehandling/demo_data.lua" --db "$T_TMP/gs.db" --write >/dev/null || exit 1
"$QM" run "$M/kik/demo_data.lua" --db "$T_TMP/kik.db" --write >/dev/null || exit 1
gs() { t_run run "$M/god_sagsbehandling/god_sagsbehandling.lua" --db "$T_TMP/gs.db" --report forbedring "$@"; }
own() { t_run run "$R/own.lua" --db "$T_TMP/own.db" --report scorer "$@"; }

# ---------------------------------------------------------------- the bundled model report
t_case forbedring_ranks_the_criteria_by_improvement_with_their_words
gs
expect_exit 0
expect_stdout_has "Kriterier efter forbedring mellem auditrunderne"
# the brochure's figures: citizen involvement 15% -> 91%, the largest improvement, first (in
# Danish as Danish writes a percent: "15 %")
sed -n '/^Kriterium  /,/^$/p' "$T_OUT" | sed -n 3p | grep -qE '^Borgerinddragelse +15 % +91 % +76 % +100 +100$' \
  || t_fail "first row: $(sed -n '/^Kriterium  /,/^$/p' "$T_OUT" | sed -n 3p)"
sed -n '/^Kriterium  /,/^$/p' "$T_OUT" | grep -v '^$' | tail -1 | grep -q '^Dokumenteret henvendelse/ansøgning' \
  || t_fail "the least improved criterion is not last"
expect_stdout_lacks "borger_inddraget"

t_case forbedring_takes_its_rounds_from_params_and_the_command_line
gs --param fra=med --param til=foer
expect_exit 0
sed -n '/^Kriterium  /,/^$/p' "$T_OUT" | sed -n 3p | grep -qE '^Dokumenteret henvendelse/ansøgning +100 % +96 % +-4 %' \
  || t_fail "reversed rounds: $(sed -n '/^Kriterium  /,/^$/p' "$T_OUT" | sed -n 3p)"

t_case forbedring_json_keeps_ids_and_unrounded_shares
gs --format json
expect_exit 0
python3 - "$T_OUT" <<'PY' || t_fail "json: $(head -c 600 "$T_OUT")"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["model"] == "god_sagsbehandling" and d["report"] == "forbedring", d
assert d["params"] == {"fra": "foer", "til": "med"}, d["params"]
rows = d["sections"][0]["rows"]
assert rows[0]["kriterium"] == "borger_inddraget" and rows[0]["foer"] == 0.15 and rows[0]["efter"] == 0.91, rows[0]
assert isinstance(rows[0]["sager_foer"], int), rows[0]
assert [r["forbedring"] for r in rows] == sorted((r["forbedring"] for r in rows), reverse=True)
PY

t_case forbedring_csv_is_the_data_markdown_and_html_are_for_people
gs --format csv
expect_exit 0
[ "$(head -1 "$T_OUT")" = $'kriterium,foer,efter,forbedring,sager_foer,sager_efter\r' ] || t_fail "csv header: $(head -1 "$T_OUT")"
expect_stdout_has "borger_inddraget,0.15,0.91,0.76,100,100"
gs --format markdown
expect_stdout_has "| Borgerinddragelse | 15 % | 91 % | 76 % | 100 | 100 |"
expect_stdout_has "**Før og efter**"
gs --format html --out "$T_TMP/gs.html"
expect_exit 0
grep -q '<figure class="chart"' "$T_TMP/gs.html" || t_fail "no chart in the HTML"
grep -q '<svg' "$T_TMP/gs.html" || t_fail "no SVG in the HTML"
grep -q '<td>Borgerinddragelse</td><td class="n">15 %</td>' "$T_TMP/gs.html" || t_fail "the table's row in HTML"

if ! grep -q '^QM_HAVE_XLSX_BUILT:INTERNAL=0' "${QM_BUILD_DIR:-/nonexistent}/CMakeCache.txt" 2>/dev/null; then
  t_case forbedring_xlsx_has_the_shares_as_numbers_formatted_as_percent
  gs --format xlsx --out "$T_TMP/gs.xlsx"
  expect_exit 0
  python3 "$read_xlsx" "$T_TMP/gs.xlsx" >"$T_TMP/gs.json" || t_fail "not a readable xlsx"
  python3 - "$T_TMP/gs.json" <<'PY' || t_fail "xlsx content"
import json, sys
sheets = json.load(open(sys.argv[1]))
names = [s["name"] for s in sheets]
assert names == ["Forbedring pr. kriterium", "Før og efter"], names
cells = {c["ref"]: c for c in sheets[0]["cells"]}
assert cells["A6"]["value"] == "Borgerinddragelse", cells["A6"]
assert cells["B6"]["type"] == "n" and float(cells["B6"]["value"]) == 0.15, cells["B6"]
assert sheets[0]["frozen"]
PY
fi

# ---------------------------------------------------------------- every chart, SQL and Lua
t_case a_model_report_renders_in_every_format
for f in text markdown csv json html; do
  own --format "$f"
  [ "$T_RC" -eq 0 ] || t_fail "--format $f: exit $T_RC: $(cat "$T_ERR")"
  [ -s "$T_OUT" ] || t_fail "--format $f wrote nothing"
  ! grep -q "stdlib/" "$T_OUT" "$T_ERR" || t_fail "--format $f names an engine file"
done
own --format html
[ "$(grep -o '<svg' "$T_OUT" | wc -l)" -eq 4 ] || t_fail "HTML: expected 4 charts (dots, radar, lights, lines)"
for kind in dots radar lights lines; do grep -q "qm-chart[^\"]*$kind\|chart-$kind\|class=\"qm-chart" "$T_OUT" || t_fail "no $kind chart"; done

t_case a_model_report_shows_element_titles_decimals_and_its_empty_text
own
expect_exit 0
expect_stdout_has "Scorer pr. spørgsmål"
expect_stdout_has "Fra tabellen scores"
sed -n '/^Spørgsmål     Middel/,/^$/p' "$T_OUT" | grep -qE '^Retning +52,5 +2$' || t_fail "Retning's mean: $(cat "$T_OUT")"
expect_stdout_has "Ingen scorer over 1000."
# the chart's data table takes the section's column titles
expect_stdout_has "Spørgsmål         alle  Middel"

t_case a_model_report_writes_numbers_in_the_report_language
# Danish (the default) above: 52,5 and "15 %"; English: 52.5 and "15%", the chart's table too
own --lang en
expect_exit 0
sed -n '/^Spørgsmål     Middel/,/^$/p' "$T_OUT" | grep -qE '^Retning +52\.5 +2$' || t_fail "English mean: $(cat "$T_OUT")"
gs --lang en
expect_exit 0
sed -n '/^Kriterium  /,/^$/p' "$T_OUT" | sed -n 3p | grep -qE '^Borgerinddragelse +15% +91% +76% +100 +100$' \
  || t_fail "English shares: $(sed -n '/^Kriterium  /,/^$/p' "$T_OUT" | sed -n 3p)"
expect_stdout_has "+76%"
gs
expect_stdout_has "+76 %"
own --format markdown
expect_stdout_has "| Retning | 52,5 | 2 |"
# the chart's words no column gives (the radar's target, the bars' change) in the language too
own
expect_stdout_has "tema        middel  Mål"
expect_stdout_lacks "target"
own --lang en
expect_stdout_has "tema        middel  Target"
gs
sed -n '/^Før og efter:/,/^$/p' "$T_OUT" | sed -n 2p | grep -qE ' Forbedring$' || t_fail "bars' change column: $(sed -n '/^Før og efter:/,/^$/p' "$T_OUT")"

t_case a_lua_rows_function_gets_the_view_and_the_parameters
own --param min=50 --as-of 2025-03-01
expect_exit 0
expect_stdout_has "1.2        ikke opfyldt  2025-03-01   50"

t_case a_model_report_json_streams_the_query_rows_with_every_column
own --format json
python3 - "$T_OUT" <<'PY' || t_fail "json: $(head -c 800 "$T_OUT")"
import json, sys
d = json.load(open(sys.argv[1]))
secs = {s["id"]: s for s in d["sections"]}
assert list(secs) == ["tabel", "radar", "lys", "forloeb", "tom"], list(secs)
r = secs["tabel"]["rows"][0]
assert list(r) == ["question", "avg", "alle", "n"] or list(r) == ["question", "middel", "alle", "n"], r
assert r["question"] == "2.1" and r["middel"] == 80, r
assert secs["tom"]["rows"] == [], secs["tom"]
assert secs["lys"]["rows"][0]["status"] == "achieved", secs["lys"]
PY

t_case a_chart_the_rows_cannot_make_is_a_data_error_at_the_section
python3 - "$T_TMP/two.db" "$R/own.sql" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1]); c.executescript(open(sys.argv[2]).read()); c.execute("DELETE FROM scores WHERE tema = 'resultater'"); c.commit()
PY
t_run run "$R/own.lua" --db "$T_TMP/two.db" --report scorer
expect_exit 1
expect_stderr_has 'own.lua:29: report "scorer": section "radar": the chart cannot be drawn from these rows'
expect_stderr_has "three axes"
expect_stderr_lacks "stdlib/"

t_case a_report_that_reads_the_database_needs_db
t_run run "$R/own.lua" --report scorer
expect_exit 2
expect_stderr_has 'the report "scorer" reads the database (section "tabel" has sql): give --db FILE'

t_case an_sql_error_while_a_report_runs_names_the_section_not_an_engine_file
cat >"$T_TMP/err.lua" <<'LUA'
model "e" {
  scale = scale.points { 0, 100 },
  theme "t" { question "q" { text = "?" } },
  report "sqlfejl" { section "s" { sql = [[SELECT median(tema) FROM scores]] } },
  report "mangler" { section "s" { sql = [[SELECT * FROM nosuch]] } },
  report "luafejl" { section "s" { rows = function(view) return view.db:rows("SELECT * FROM nosuch") end } },
}
LUA
t_run run "$T_TMP/err.lua" --db "$T_TMP/own.db" --report sqlfejl
expect_no_crash
[ "$T_RC" -ne 0 ] || t_fail "exit 0"
expect_stderr_has "err.lua:4: report \"sqlfejl\": section \"s\": SQL error: median(): value 'ledelse' is not a number"
expect_stderr_lacks "stdlib/"
t_run run "$T_TMP/err.lua" --db "$T_TMP/own.db" --report mangler --format json
[ "$T_RC" -ne 0 ] || t_fail "exit 0"
expect_stderr_has 'err.lua:5: report "mangler": section "s": SQL error: no such table: nosuch'
expect_stderr_lacks "stdlib/"
t_run run "$T_TMP/err.lua" --db "$T_TMP/own.db" --report luafejl
[ "$T_RC" -ne 0 ] || t_fail "exit 0"
expect_stderr_has 'err.lua:6: SQL error: no such table: nosuch'
expect_stderr_lacks "stdlib/"

# ---------------------------------------------------------------- --report list and names
t_case report_list_shows_the_model_reports_and_only_the_bundled_ones_that_apply
t_run run "$M/god_sagsbehandling/god_sagsbehandling.lua" --db "$T_TMP/gs.db" --report list
expect_exit 0
expect_stdout_has "forbedring           the criteria ranked by their improvement between two audit rounds (--param fra=, til=) (the model's own)"
expect_stdout_has "audit                case audits"
expect_stdout_has "plan                 the model's action plan"
expect_stdout_lacks "konsensusrapport"   # no assessment rounds of this model in its database
expect_stdout_lacks "progression"
t_run run "$M/kik/kik.lua" --db "$T_TMP/kik.db" --report list
expect_exit 0
expect_stdout_has "konsensusrapport"
expect_stdout_has "svarrapport"
expect_stdout_has "landsoversigt"
for r in audit audit_prioritering progression stagnation completeness fokus indsatser borger coverage plan daekning prioriteter forbedring; do
  grep -q "^$r " "$T_OUT" && t_fail "KIK lists $r, which does not apply to it"
done
[ "$(wc -l <"$T_OUT")" -eq 13 ] || t_fail "KIK lists $(wc -l <"$T_OUT") reports: $(cat "$T_OUT")"

t_case report_list_without_db_says_which_reports_need_one
t_run run "$M/kik/kik.lua" --report list
expect_exit 0
expect_stdout_has "konsensusrapport     agreed scores, strengths and improvement areas per theme, with the spread (needs --db)"
expect_stdout_has "summary              the model's structure: themes, questions, indicators and scales"
expect_stdout_lacks "summary              the model's structure: themes, questions, indicators and scales (needs"

t_case every_bundled_report_listed_for_kik_runs_on_its_database
t_run run "$M/kik/kik.lua" --db "$T_TMP/kik.db" --report list
awk '{print $1}' "$T_OUT" >"$T_TMP/kik_reports"
while read -r r; do
  "$QM" run "$M/kik/kik.lua" --db "$T_TMP/kik.db" --report "$r" --round 2025-aeblet >/dev/null 2>"$T_TMP/err" \
    || t_fail "$r is listed for KIK but fails: $(head -3 "$T_TMP/err")"
done <"$T_TMP/kik_reports"

t_case a_misspelt_report_is_a_usage_error_with_did_you_mean
t_run run "$M/kik/kik.lua" --report konsensusraport
expect_exit 2
expect_stderr_has 'no report "konsensusraport" — did you mean "konsensusrapport"?'
expect_stderr_has '(reports for model "kik": demo, handleplan,'
expect_stderr_lacks "borger"
t_run run "$M/god_sagsbehandling/god_sagsbehandling.lua" --report FORBEDRING
expect_exit 2
expect_stderr_has 'did you mean "forbedring"?'

t_case a_report_that_does_not_apply_says_why
t_run run "$M/kik/kik.lua" --report audit
expect_exit 2
expect_stderr_has 'the report "audit" does not apply to model "kik": the model has no audit = { ... }'
t_run run "$M/god_sagsbehandling/god_sagsbehandling.lua" --db "$T_TMP/gs.db" --report konsensusrapport
expect_exit 2
expect_stderr_has 'the database has no assessment rounds of model "god_sagsbehandling"'

t_case a_model_that_extends_another_keeps_its_reports
cp "$M/god_sagsbehandling/god_sagsbehandling.lua" "$T_TMP/god_sagsbehandling.lua"
printf 'local base = use "god_sagsbehandling.lua"\nmodel "gs2" { extends = base, title = "GS2" }\n' >"$T_TMP/ext.lua"
t_run run "$T_TMP/ext.lua" --db "$T_TMP/gs.db" --report forbedring
expect_exit 0
expect_stdout_has "Borgerinddragelse"

# ---------------------------------------------------------------- qm check
t_case qm_check_finds_unknown_fields_needs_and_chart_fields_with_did_you_mean
cat >"$T_TMP/bad.lua" <<'LUA'
model "m" {
  scale = scale.points { 0, 100, step = 5 },
  theme "t" { question "q1" { text = "?" } },
  report "r1" {
    titel = "x",
    needs = { "audits" },
    section "s1" {
      sql = [[SELECT question, count(*) AS n FROM qm_responses GROUP BY question]],
      columns = { { "question", "Q", fromat = "percent" }, { "nn", "N" } },
      chart = { type = "bars", label = "question", value = { "n" } },
    },
    section "s2" {
      title = "to",
      sql = [[
        SELECT question,
               count(*) AS n
        FROM qm_responses
        WHERE nosuch > 1
        GROUP BY question]],
    },
    section "s3" { sql = [[SELECT :round AS r]], rows = function() return {} end },
    section "s4" { sql = [[SELEC 1]] },
  },
  report "r2" { title = "no sections" },
}
LUA
t_run check "$T_TMP/bad.lua"
expect_exit 1
expect_stdout_has 'bad.lua:5: error: report "r1": unknown field "titel" (did you mean "title"?)'
expect_stdout_has 'bad.lua:6: error: report "r1": needs "audits" is not something a report can need (did you mean "audit"?)'
expect_stdout_has 'bad.lua:9: error: report "r1": section "s1": columns: item 1: unknown field fromat (did you mean "format"?)'
expect_stdout_has 'bad.lua:10: error: report "r1": section "s1": chart: unknown field value for a bars chart (did you mean "values"?)'
expect_stdout_has 'bad.lua:10: error: report "r1": section "s1": chart: a bars chart needs values'
expect_stdout_has 'bad.lua:21: error: report "r1": section "s3": give sql or rows, not both'
expect_stdout_has 'bad.lua:21: error: report "r1": section "s3": the query uses :round, which the report does not give'
expect_stdout_has 'bad.lua:22: error: report "r1": section "s4": the SQL does not compile: near "SELEC": syntax error'
expect_stdout_has 'bad.lua:24: error: report "r2" has no sections'
expect_stdout_lacks "nosuch"    # without --db a missing column is not a finding
t_run check --db "$T_TMP/kik.db" "$T_TMP/bad.lua"
expect_exit 1
expect_stdout_has 'bad.lua:18: error: report "r1": section "s2": column "nosuch" does not exist in the tables the query reads'
expect_stdout_has 'bad.lua:9: error: report "r1": section "s1": columns names column "nn", which the query does not give — did you mean "n"? (it gives question, n)'

t_case qm_check_passes_the_bundled_report_and_the_fixture
t_run check --db "$T_TMP/gs.db" "$M/god_sagsbehandling/god_sagsbehandling.lua"
expect_exit 0
t_run check --db "$T_TMP/own.db" "$R/own.lua"
expect_exit 0
t_run check --db "$T_TMP/kik.db" "$M/god_sagsbehandling/god_sagsbehandling.lua"
expect_exit 1
expect_stdout_has 'section "kriterier": table "gs_audit" does not exist in the database'

# ---------------------------------------------------------------- the model's capabilities only
t_case a_model_report_reads_through_a_read_only_connection_even_with_write
cp "$T_TMP/own.db" "$T_TMP/rw.db"
cat >"$T_TMP/writes.lua" <<'LUA'
model "w" {
  scale = scale.points { 0, 100 },
  theme "t" { question "q" { text = "?" } },
  report "sql" { section "s" { sql = [[DELETE FROM scores RETURNING question]] } },
  report "lua" { section "s" {
    rows = function(view) view.db:exec("DELETE FROM scores") return {} end, columns = { { "x", "X" } } } },
  report "reach" { section "s" {
    rows = function(view)
      local seen = {}
      for _, k in ipairs({ "db", "params", "as_of", "warn", "opts", "out", "models", "output", "database" }) do
        if rawget(view, k) ~= nil or pcall(function() return view[k] end) and view[k] ~= nil then seen[#seen + 1] = k end
      end
      return { { x = table.concat(seen, " "), io = tostring(pcall(function() return io.open end)),
                 os = tostring((pcall(os.execute, "true"))) } }
    end } },
}
LUA
t_run run "$T_TMP/writes.lua" --db "$T_TMP/rw.db" --write --report sql
expect_exit 1
expect_stderr_lacks "stdlib/"
t_run run "$T_TMP/writes.lua" --db "$T_TMP/rw.db" --write --report lua
expect_exit 1
expect_stderr_lacks "stdlib/"
[ "$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from scores').fetchone()[0])" "$T_TMP/rw.db")" = 8 ] \
  || t_fail "a model report changed the database"
t_run run "$T_TMP/writes.lua" --db "$T_TMP/rw.db" --report reach --format json
expect_exit 0
python3 - "$T_OUT" <<'PY' || t_fail "the view: $(cat "$T_OUT") $(cat "$T_ERR")"
import json, sys
r = json.load(open(sys.argv[1]))["sections"][0]["rows"][0]
assert r["x"] == "db params as_of warn", r
assert r["io"] == "false" and r["os"] == "false", r
PY

t_done
