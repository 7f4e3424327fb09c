#!/usr/bin/env bash
# qm check compiles a model's SQL without running it: syntax without --db, tables and columns
# with --db (each reported at the line that names it), the columns each indicator kind reads;
# --format json gives file, line, column, severity, message and suggestion in a stable order.
source "$(dirname "$0")/lib.sh"
M="$QM_SOURCE_DIR/models"
line_of() { grep -n -- "$2" "$1" | head -1 | cut -d: -f1; }

t_case every_bundled_model_checks_clean_against_its_demo_database
for m in kik caf2020 efqm2020 maalaftale god_sagsbehandling videndeling resultatbaseret_styring; do
  "$QM" run "$M/$m/demo_data.lua" --db "$T_TMP/$m.db" --write >/dev/null 2>&1 || t_fail "demo data of $m"
done
for m in kik caf2020 efqm2020 maalaftale god_sagsbehandling videndeling; do
  t_run check "$M/$m/$m.lua" --db "$T_TMP/$m.db"
  expect_exit 0
  expect_stdout_has "ok: $M/$m/$m.lua"
  expect_stdout_lacks "error:"
done
t_run check "$M/resultatbaseret_styring/vejle.lua" "$M/resultatbaseret_styring/esbjerg.lua" --db "$T_TMP/resultatbaseret_styring.db"
expect_exit 0
expect_stdout_lacks "error:"

t_case a_missing_table_and_a_missing_column_are_errors_at_the_sql_that_names_them
cp "$T_TMP/kik.db" "$T_TMP/broken.db"
python3 - "$T_TMP/broken.db" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("DROP TABLE kik_klager")
c.execute("ALTER TABLE kik_venteliste RENAME COLUMN dato TO datum")
c.commit()
PY
before=$(sha256sum <"$T_TMP/broken.db")
t_run check "$M/kik/kik.lua" --db "$T_TMP/broken.db"
expect_exit 1
klager=$(line_of "$M/kik/kik.lua" "FROM kik_klager")
venteliste=$(line_of "$M/kik/kik.lua" "FROM kik_venteliste")
expect_stdout_has "kik.lua:$klager: error: indicator \"klager_medhold\": table \"kik_klager\" does not exist in the database"
expect_stdout_has "kik.lua:$venteliste: error: indicator \"venteliste\": column \"dato\" does not exist in the tables the query reads"
expect_stdout_has "warning: dataset \"kik_klager\": the database has no table kik_klager yet"
expect_stdout_has "error: dataset \"kik_venteliste\": table kik_venteliste in the database has no column dato"
# nothing was written: the database file is byte for byte what it was
[ "$(sha256sum <"$T_TMP/broken.db")" = "$before" ] || t_fail "qm check changed the database"

t_case every_bundled_model_with_sql_names_a_missing_table_and_column_at_the_line_that_reads_it
# model, demo database, a table to drop, a column to rename (table.column), and the lines
# the findings belong at (found by text in the model, so the test follows the model's edits)
broke() {
  cp "$T_TMP/$2.db" "$T_TMP/broke-$1.db"
  python3 - "$T_TMP/broke-$1.db" "$3" "$4" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute(f"DROP TABLE {sys.argv[2]}")
t, col = sys.argv[3].split(".")
c.execute(f"ALTER TABLE {t} RENAME COLUMN {col} TO {col}_x")
c.commit()
PY
}
f="$M/maalaftale/maalaftale.lua"; broke maalaftale maalaftale cpp_erfa cpp_lus.done
t_run check "$f" --db "$T_TMP/broke-maalaftale.db"
expect_exit 1
expect_stdout_has "maalaftale.lua:$(line_of "$f" "FROM cpp_erfa"): error: indicator \"erfa\": table \"cpp_erfa\" does not exist in the database"
expect_stdout_has "maalaftale.lua:$(line_of "$f" "FROM cpp_lus"): error: indicator \"lus\": column \"done\" does not exist in the tables the query reads"
f="$M/god_sagsbehandling/god_sagsbehandling.lua"; broke gs god_sagsbehandling gs_training gs_audit.answer
t_run check "$f" --db "$T_TMP/broke-gs.db"
expect_exit 1
expect_stdout_has "god_sagsbehandling.lua:$(line_of "$f" "AS value FROM gs_training"): error: indicator \"traening_varighed\": table \"gs_training\" does not exist in the database"
expect_stdout_has "god_sagsbehandling.lua:$(line_of "$f" "audit = {"): error: model \"god_sagsbehandling\": table \"gs_audit\" (audit.table) has no column answer"
f="$M/videndeling/videndeling.lua"; broke vd videndeling dlo_events dlo_trin1.item
t_run check "$f" --db "$T_TMP/broke-vd.db"
expect_exit 1
expect_stdout_has "videndeling.lua:$(line_of "$f" "action = 'workshop'"): error: indicator"
expect_stdout_has "table \"dlo_events\" does not exist in the database"
expect_stdout_has "videndeling.lua:$(line_of "$f" "FROM dlo_trin1"): error: indicator"
expect_stdout_has "column \"item\" does not exist in the tables the query reads"
f="$M/resultatbaseret_styring/esbjerg.lua"; broke jc resultatbaseret_styring jc_focus jc_scores.hidden
t_run check "$f" --db "$T_TMP/broke-jc.db"
expect_exit 1
expect_stdout_has "esbjerg.lua:$(line_of "$f" "progression = {"): error: model \"esbjerg\": table \"jc_scores\" (progression.tables.scores) has no column hidden"
# focus points are optional for the progression reports, but the fokus report stops without
# them: a warning, not "ok"
expect_stdout_has "esbjerg.lua:$(line_of "$f" "progression = {"): warning: model \"esbjerg\": table \"jc_focus\" (progression.tables.focus) does not exist in the database: the fokus report needs it"

t_case a_dataset_column_whose_type_the_kind_reading_it_refuses_is_a_warning_at_the_indicator
cat >"$T_TMP/types.lua" <<'LUA'
model "typer" {
  title = "Typer",
  theme "t" { title = "T",
    indicator "trivsel" { type = "completion", deadline = "ultimo 2016", sql = [[SELECT unit_id, done FROM trivsel]] },
    indicator "omdoebt" { type = "completion", deadline = "ultimo 2016", sql = [[SELECT unit_id, udfoert AS Done FROM trivsel]] },
    indicator "dato" { type = "completion", deadline = "ultimo 2016", sql = [[SELECT unit_id, dato AS done FROM trivsel]] },
    indicator "tjek" { type = "checklist", items = { "a" }, sql = [[SELECT item, done FROM tjek]] },
    indicator "andel" { type = "share", threshold = 0.5, sql = [[SELECT dato AS met FROM trivsel]] },
    indicator "beregnet" { type = "completion", deadline = "ultimo 2016", sql = [[SELECT unit_id, nullif(done, 0) AS done FROM trivsel]] },
  },
  dataset "trivsel" {
    column "unit_id" { type = "text", required = true },
    column "done" { type = "done" }, column "udfoert" { type = "done" }, column "dato" { type = "date" },
  },
  dataset "tjek" { column "item" { type = "text" }, column "done" { type = "done" } },
}
LUA
t_run check "$T_TMP/types.lua"
expect_exit 0
expect_stdout_has 'types.lua:4: warning: indicator "trivsel": column "done" comes from dataset trivsel, whose column done is type = "done" (a date or yes/no), but a completion indicator reads a date there'
expect_stdout_has '(declare it type = "date")'
expect_stdout_has 'types.lua:5: warning: indicator "omdoebt": column "done" comes from dataset trivsel, whose column udfoert is type = "done"'
expect_stdout_has 'types.lua:8: warning: indicator "andel": column "met" comes from dataset trivsel, whose column dato is type = "date" (a date), but a share indicator reads yes/no'
expect_stdout_lacks 'indicator "dato"'
expect_stdout_lacks 'indicator "tjek"'
expect_stdout_lacks 'indicator "beregnet"'

t_case the_same_errors_in_json_with_columns_at_the_names
t_run check "$M/kik/kik.lua" --db "$T_TMP/broken.db" --format json
expect_exit 1
python3 - "$T_OUT" "$klager" "$venteliste" "$M/kik/kik.lua" <<'PY' || t_fail "json findings"
import json, sys
doc = json.load(open(sys.argv[1]))
klager, venteliste, path = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
lines = open(path, encoding="utf-8").read().split("\n")
assert doc["errors"] == 3 and doc["warnings"] == 1, doc
f = {x["message"].split(":")[0]: x for x in doc["findings"]}
k = [x for x in doc["findings"] if "kik_klager\" does not exist" in x["message"]][0]
assert k["line"] == klager and lines[klager - 1][k["column"] - 1:k["end_column"] - 1] == "kik_klager", k
v = [x for x in doc["findings"] if "column \"dato\"" in x["message"]][0]
assert v["line"] == venteliste and lines[venteliste - 1][v["column"] - 1:v["end_column"] - 1] == "dato", v
for x in doc["findings"]:
    assert set(x) == {"file", "line", "column", "end_column", "severity", "message", "suggestion"}, x
    assert x["severity"] in ("error", "warning"), x
order = [(x["file"], x["line"], x["column"]) for x in doc["findings"]]
assert order == sorted(order), order
PY
cp "$T_OUT" "$T_TMP/first.json"
t_run check "$M/kik/kik.lua" --db "$T_TMP/broken.db" --format json
cmp -s "$T_OUT" "$T_TMP/first.json" || t_fail "two runs gave different JSON"

cat >"$T_TMP/sql.lua" <<'LUA'
model "sql" {
  title = "SQL", scale = scale.points { 0, 100 },
  theme "t" { title = "T",
    question "1" { text = "?" },
    indicator "stavefejl" { type = "value", max = 2,
      sql = [[SELECT unit_id, count(*) AS value
              FORM klager GROUP BY unit_id]] },
    indicator "ukendt_tabel" { type = "value", max = 2, sql = [[SELECT unit_id, antal AS value FROM findes_ikke]] },
    indicator "funktion" { type = "value", max = 2, sql = [[SELECT medain(2) AS value]] },
    indicator "kolonner" { type = "completion", deadline = "2026-12-31", sql = [[SELECT 'a' AS unit_id, '2026-01-01' AS dato]] },
    indicator "parameter" { type = "value", max = 2, sql = [[SELECT 1 AS value WHERE :region = 'nord']] },
    indicator "to" { type = "value", max = 2, sql = [[SELECT 1 AS value; SELECT 2 AS value]] },
  },
}
LUA

t_case without_db_sql_syntax_is_checked_and_a_missing_table_is_no_finding
t_run check "$T_TMP/sql.lua"
expect_exit 1
expect_stdout_has 'sql.lua:7: error: indicator "stavefejl": the SQL does not compile: near "FORM": syntax error'
expect_stdout_lacks "ukendt_tabel"
expect_stdout_has 'sql.lua:9: error: indicator "funktion": the SQL does not compile: no such function: medain'
expect_stdout_has 'sql.lua:10: error: indicator "kolonner": the query gives no column done: a completion indicator reads unit_id, done (the query gives unit_id, dato)'
expect_stdout_has 'sql.lua:11: warning: indicator "parameter": the query uses :region, which a run does not give: give --param region=VALUE'
expect_stdout_has 'sql.lua:12: error: indicator "to": the SQL does not compile: more than one statement'

t_case a_param_on_the_command_line_is_a_parameter_a_run_gives
t_run check "$T_TMP/sql.lua" --param region=nord
expect_stdout_lacks ":region"

t_case with_db_a_missing_table_is_an_error_at_its_line
"$QM" run /dev/stdin --db "$T_TMP/empty.db" --write </dev/null >/dev/null 2>&1
t_run check "$T_TMP/sql.lua" --db "$T_TMP/empty.db"
expect_exit 1
expect_stdout_has 'sql.lua:8: error: indicator "ukendt_tabel": table "findes_ikke" does not exist in the database'

t_case json_gives_the_suggestion_of_a_misspelt_field
cat >"$T_TMP/typo.lua" <<'LUA'
model "typo" {
  title = "T", scale = scale.points { 0, 100 },
  theme "t" { titel = "T", question "1" { text = "?" } },
}
LUA
t_run check "$T_TMP/typo.lua" --format json
expect_exit 1
python3 - "$T_OUT" <<'PY' || t_fail "json suggestion"
import json, sys
doc = json.load(open(sys.argv[1]))
[f] = doc["findings"]
assert f["line"] == 3 and f["column"] == 15 and f["end_column"] == 20, f
assert f["severity"] == "error" and f["suggestion"] == "title", f
assert f["message"] == 'theme "t": unknown field "titel" (did you mean "title"?)', f
PY

t_case json_of_a_file_that_stops_gives_its_line_and_a_clean_file_no_findings
printf 'model "x" {\n  title = "a"\n  scale = 1,\n}\n' >"$T_TMP/syntax.lua"
t_run check "$T_TMP/syntax.lua" "$M/kik/kik.lua" --format json
expect_exit 1
python3 - "$T_OUT" <<'PY' || t_fail "json syntax error"
import json, sys
doc = json.load(open(sys.argv[1]))
assert len(doc["files"]) == 2 and doc["errors"] == 1, doc
[f] = doc["findings"]
assert f["line"] == 3 and f["column"] == 3 and "'}' expected" in f["message"], f
PY

t_case check_refuses_formats_it_does_not_write
t_run check "$M/kik/kik.lua" --format csv
expect_exit 2
expect_stderr_has "qm check writes text or json"

t_done
