#!/usr/bin/env bash
# Start-up loads only what a command needs (QM_STDLIB_TRACE lists every stdlib module as it
# loads): qm --version the runner alone, qm check no report and no database code, one report
# its own module and not the other reports; a model's db opens only when it is used. At exit
# qm closes its databases but does not free the Lua state (qmH_exit): nothing is left open.
source "$(dirname "$0")/lib.sh"
kik="$QM_SOURCE_DIR/models/kik/kik.lua"
loaded() { sed -n 's/^qm: stdlib \([^:]*\): .*/\1/p' "$T_ERR" | sort | tr '\n' ' '; }

t_case version_loads_only_the_runner
QM_STDLIB_TRACE=1 t_run --version
expect_exit 0
[ "$(loaded)" = "qm.engine.cli qm.engine.runner " ] || t_fail "loaded: $(loaded)"

t_case check_loads_no_report_and_no_store
QM_STDLIB_TRACE=1 t_run check "$kik"
expect_exit 0
expect_stderr_has "qm: stdlib qm.lang.dsl: "
expect_stderr_lacks "qm: stdlib qm.reports."
expect_stderr_lacks "qm: stdlib qm.engine.store:"
expect_stderr_lacks "qm: stdlib qm.engine.reports:"

t_case check_of_a_model_without_times_loads_no_time_code_and_no_tokenizer
# KIK has no deadline, window or baseline: qm.eval.time and qm.eval.indicator (the time
# readers) stay unloaded, and so does the tokenizer that places findings (there are none)
QM_STDLIB_TRACE=1 t_run check "$kik"
expect_exit 0
expect_stdout_is "ok: $kik"
# nor the code for what KIK does not have: extends, reports of its own
for m in qm.eval.time qm.eval.indicator qm.engine.source qm.lang.extends qm.lang.reports; do
  expect_stderr_lacks "qm: stdlib $m:"
done

t_case time_loads_at_its_first_use_and_is_the_same_table_everywhere
cat >"$T_TMP/t.lua" <<'LUA'
local t2 = require "qm.time"
print(t2 == time, time.parse_date("2016-10-01") ~= nil, type(time.today))
local names = {}
for k in pairs(time) do names[#names + 1] = k end
table.sort(names)
print(#names > 10, table.concat(names, " "):find("parse_date", 1, true) ~= nil, #time)
print(pcall(function() time.today = nil end))
LUA
QM_STDLIB_TRACE=1 t_run run "$T_TMP/t.lua"
expect_exit 0
expect_stdout_has "true	true	function"
expect_stdout_has "true	true	0"
expect_stdout_has "false	"
expect_stdout_has "cannot change"
expect_stderr_has "qm: stdlib qm.eval.time:"

t_case an_error_in_time_loaded_late_is_still_at_the_models_line
printf 'local x = 1\nlocal d = time.parse_date("nope")\n' >"$T_TMP/terr.lua"
t_run run "$T_TMP/terr.lua"
expect_exit 1
expect_stderr_has 'terr.lua:2: "nope" is not a date (write it as YYYY-MM-DD)'
expect_stderr_lacks "stdlib/"

t_case a_model_with_times_loads_the_readers_and_checks_them
cat >"$T_TMP/times.lua" <<'LUA'
model "m" { scale = scale.points { 0, 100 },
  theme "t" { question "q" { text = "Q?" },
    indicator "i" { type = "completion", units = "enhed", deadline = "ultimo maj", sql = "SELECT 1 AS unit_id, 1 AS done" } } }
LUA
QM_STDLIB_TRACE=1 t_run check "$T_TMP/times.lua"
expect_stderr_has "qm: stdlib qm.eval.indicator:"
expect_stderr_has "qm: stdlib qm.eval.time:"
t_run check "$T_TMP/times.lua"
expect_stdout_has "times.lua:3: warning: indicator \"i\": deadline \"ultimo maj\" has no year"

t_case a_finding_is_still_placed_on_its_word
printf 'model "m" {\n  titel = "x",\n}\n' >"$T_TMP/bad.lua"
t_run check "$T_TMP/bad.lua" --format json
expect_exit 1
expect_stdout_has '"line": 2'
expect_stdout_has '"column": 3'
expect_stdout_has '"suggestion": "title"'

t_case one_report_loads_its_module_and_no_other_report
"$QM" run "$QM_SOURCE_DIR/models/kik/demo_data.lua" --db "$T_TMP/kik.db" --write >/dev/null
QM_STDLIB_TRACE=1 t_run run "$kik" --db "$T_TMP/kik.db" --report konsensusrapport --round 2025-aeblet
expect_exit 0
expect_stdout_has "Konsensusrapport"
expect_stderr_has "qm: stdlib qm.reports.selfassess: "
for other in progression audit status summary plan; do
  expect_stderr_lacks "qm: stdlib qm.reports.$other:"
done
# a model without problems loads no findings code, and evaluates no indicator for this report
expect_stderr_lacks "qm: stdlib qm.engine.findings:"
expect_stderr_lacks "qm: stdlib qm.eval.indicator:"
# as text it writes no JSON and reads no dates, statistics library or prioritisation: those
# modules load where a report uses them (below), and the English catalogue stays unloaded
for lazy in qm.eval.time qm.eval.stats qm.reports.json qm.reports.catalogue.en qm.reports.selfassess_more; do
  expect_stderr_lacks "qm: stdlib $lazy:"
done
expect_stderr_has "qm: stdlib qm.reports.catalogue.da:"

t_case reports_that_use_the_lazy_modules_load_them_and_work
# JSON: the writer and the statistics (round_stats' mode rule) are loaded at their first use
QM_STDLIB_TRACE=1 t_run run "$kik" --db "$T_TMP/kik.db" --report konsensusrapport --round 2025-aeblet --format json
expect_exit 0
expect_stdout_has '"round": "2025-aeblet"'
expect_stdout_has '"mode_rule_ok": '
expect_stderr_has "qm: stdlib qm.reports.json:"
expect_stderr_has "qm: stdlib qm.eval.stats:"
# the action plan reads deadlines with qm.eval.time, prioritering orders areas with the rule
QM_STDLIB_TRACE=1 t_run run "$kik" --db "$T_TMP/kik.db" --report handleplan --round 2025-aeblet --as-of 2026-06-01
expect_exit 0
expect_stderr_has "qm: stdlib qm.eval.time:"
expect_stderr_has "qm: stdlib qm.reports.selfassess_more:"
expect_stdout_has "Handleplan"
t_run run "$kik" --db "$T_TMP/kik.db" --report prioritering --round 2025-aeblet --format json
expect_exit 0
expect_stdout_has '"areas": ['
expect_stdout_has '"rank": 1'

t_case a_model_that_extends_and_declares_reports_loads_that_code
mkdir -p "$T_TMP/ext"
cp "$kik" "$T_TMP/ext/kik.lua"
cat >"$T_TMP/ext/x.lua" <<'LUA'
model "kik_x" { extends = use "kik.lua", change = { ["1.1"] = { text = "Ny tekst?" } },
  report "mine" { title = "Mine", section "s" { sql = "SELECT 1 AS a", columns = { { "b" } } } },
}
LUA
QM_STDLIB_TRACE=1 t_run check "$T_TMP/ext/x.lua"
expect_exit 1
expect_stderr_has "qm: stdlib qm.lang.extends:"
expect_stderr_has "qm: stdlib qm.lang.reports:"
expect_stdout_has 'x.lua:2: error: report "mine": section "s": columns names column "b", which the query does not give'

t_case report_list_still_finds_every_report
t_run run "$kik" --db "$T_TMP/kik.db" --report list
expect_exit 0
# every report module is loaded for the list, so each report that applies to KIK is found
for r in konsensusrapport statistik status summary svarrapport; do expect_stdout_has "$r "; done
expect_stdout_lacks "progression "   # a job-centre report: does not apply to KIK

t_case unknown_report_still_lists_every_report
t_run run "$kik" --db "$T_TMP/kik.db" --report nosuch
expect_exit 2
expect_stderr_has 'no report "nosuch"'
expect_stderr_has "konsensusrapport"

t_case a_model_that_uses_db_gets_it_on_first_use
cat >"$T_TMP/q.lua" <<'LUA'
print(tostring(db):match("%(read%-only%)") ~= nil)
print(db:scalar("SELECT count(*) FROM qm_rounds") > 0)
LUA
t_run run "$T_TMP/q.lua" --db "$T_TMP/kik.db"
expect_exit 0
expect_stdout_is "true
true"

t_case spreadsheets_library_is_not_loaded_at_start
# libxlsxwriter (and libcrypto, minizip, zlib behind it) is opened by the first workbook
# (engine/xlsx_lua.c), so no other command pays for loading it
objdump -p "$QM" >"$T_OUT" 2>&1 || t_fail "objdump failed"
expect_stdout_has "NEEDED"
expect_stdout_lacks "libxlsxwriter"
expect_stdout_lacks "libcrypto"

t_case lua_and_sqlite_are_linked_in_not_loaded_at_start
# with QM_STATIC_DEPS (the default) Lua, SQLite, libyaml and the line editor come from their
# Debian archives: the dynamic loader then has only the C library to map and resolve
if grep -q '^QM_STATIC_LINKED_BUILT:INTERNAL=.*LUA' "${QM_BUILD_DIR:-/nonexistent}/CMakeCache.txt" 2>/dev/null; then
  objdump -p "$QM" >"$T_OUT" 2>&1 || t_fail "objdump failed"
  expect_stdout_has "NEEDED"
  expect_stdout_lacks "liblua"
  expect_stdout_lacks "libsqlite3"
  expect_stdout_lacks "libyaml"
  expect_stdout_lacks "libreadline"
  expect_stdout_lacks "libedit"
  # and the Lua inside is the one the embedded bytecode was compiled for
  t_run --version
  expect_exit 0
  expect_stdout_has "Lua 5.4"
  expect_stdout_has "stdlib: bytecode"
fi

t_case exit_closes_every_database_connection
# a written database in WAL mode keeps its -wal and -shm files only while a connection is open
cat >"$T_TMP/dangling.lua" <<'LUA'
for r in db:query("SELECT id FROM qm_rounds") do break end
local st = db:prepare("SELECT count(*) FROM qm_rounds")
print(st:scalar() > 0)
LUA
"$QM" run "$QM_SOURCE_DIR/models/kik/demo_data.lua" --db "$T_TMP/w.db" --write >/dev/null
t_run run "$T_TMP/dangling.lua" --db "$T_TMP/w.db" --write
expect_exit 0
expect_stdout_is "true"
expect_file "$T_TMP/w.db"
expect_no_file "$T_TMP/w.db-wal"
expect_no_file "$T_TMP/w.db-shm"

t_done
