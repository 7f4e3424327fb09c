#!/usr/bin/env bash
# One table renderer (qm.reports.tables) for the REPL and the reports: the same query printed
# by the REPL in a mode and by a model's report in the matching format gives the same table,
# line for line (column = text, markdown, html, csv apart from the report's CRLF), and a long
# streamed table keeps memory flat in both.
source "$(dirname "$0")/lib.sh"
db="$T_TMP/r.db"
python3 - "$db" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.executescript("""CREATE TABLE t(k TEXT, v REAL, n INTEGER, e TEXT);
INSERT INTO t VALUES ('Æblet', 72.5, 3, NULL), ('漢字 a|b', 60, 12345, NULL), ('*x* <b>', NULL, -1, NULL);""")
c.commit()
PY
sql='SELECT k, v, n, e FROM t ORDER BY n'
cat >"$T_TMP/m.lua" <<QM
model "m" {
  scale = scale.points { 0, 100 },
  theme "t" { question "q" { text = "?" } },
  report "tabel" { section "s" { sql = [[$sql]] } },
}
QM
# (--lang en: a Danish report writes 72,5 and 12.345 — docs/reports.md, "Language")
report() { "$QM" run "$T_TMP/m.lua" --db "$db" --report tabel --format "$1" --lang en >"$T_TMP/report.$1" 2>"$T_ERR" || t_fail "report --format $1: $(cat "$T_ERR")"; }
repl() { printf '.mode %s\n%s;\n' "$1" "$sql" | "$QM" repl --db "$db" >"$T_TMP/repl.$1" 2>"$T_ERR" || t_fail "repl .mode $1: $(cat "$T_ERR")"; }

t_case text_and_column_mode_are_the_same_table
report text; repl column
# the report's table: from its header line to the blank line after it
sed -n '/^k  /,/^$/p' "$T_TMP/report.text" | sed '/^$/d' >"$T_TMP/a"
diff "$T_TMP/a" "$T_TMP/repl.column" >"$T_TMP/d" || t_fail "text and column differ: $(cat "$T_TMP/d")"
grep -q '^k         ' "$T_TMP/a" || t_fail "no table found: $(cat "$T_TMP/report.text")"

t_case markdown_is_the_same_in_both
report markdown; repl markdown
grep '^|' "$T_TMP/report.markdown" >"$T_TMP/a"
diff "$T_TMP/a" "$T_TMP/repl.markdown" >"$T_TMP/d" || t_fail "markdown differs: $(cat "$T_TMP/d")"
grep -qF '| \*x\* &lt;b&gt; |' "$T_TMP/a" || t_fail "markdown not escaped: $(cat "$T_TMP/a")"

t_case html_table_is_the_same_in_both
report html; repl html
sed -n '/<div class="table-wrap">/,/<\/table><\/div>/p' "$T_TMP/report.html" >"$T_TMP/a"
diff "$T_TMP/a" "$T_TMP/repl.html" >"$T_TMP/d" || t_fail "html differs: $(cat "$T_TMP/d")"
grep -q '<th scope="col" class="n">n</th>' "$T_TMP/a" || t_fail "numbers not right-aligned: $(cat "$T_TMP/a")"

t_case csv_is_the_same_but_for_the_reports_line_ends
report csv; repl csv
tr -d '\r' <"$T_TMP/report.csv" >"$T_TMP/a"
diff "$T_TMP/a" "$T_TMP/repl.csv" >"$T_TMP/d" || t_fail "csv differs: $(cat "$T_TMP/d")"
grep -q $'\r$' "$T_TMP/report.csv" || t_fail "the report's CSV lost its CRLF"

t_case a_long_table_streams_in_both_with_flat_memory
# 200 000 rows, streamed: the REPL's column mode and a model report's text
big="WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 200000) SELECT i, printf('rad %d', i) AS t FROM s"
cat >"$T_TMP/big.lua" <<QM
model "b" {
  scale = scale.points { 0, 100 },
  theme "t" { question "q" { text = "?" } },
  report "lang" { section "s" { sql = [[$big]] } },
}
QM
"$QM" --max-memory 48M run "$T_TMP/big.lua" --db "$db" --report lang --lang en >"$T_TMP/big.txt" 2>"$T_ERR" || t_fail "report: $(cat "$T_ERR")"
[ "$(grep -c '^ *[0-9]* *rad ' "$T_TMP/big.txt")" -eq 200000 ] || t_fail "report rows: $(grep -c 'rad ' "$T_TMP/big.txt")"
printf '%s;\n' "$big" | "$QM" --max-memory 48M repl --db "$db" >"$T_TMP/big.repl" 2>"$T_ERR" || t_fail "repl: $(cat "$T_ERR")"
[ "$(grep -c 'rad ' "$T_TMP/big.repl")" -eq 200000 ] || t_fail "repl rows: $(grep -c 'rad ' "$T_TMP/big.repl")"
tail -1 "$T_TMP/big.repl" | grep -q '^200000  rad 200000$' || t_fail "repl's last row: $(tail -1 "$T_TMP/big.repl")"

t_done
