#!/usr/bin/env bash
# Hostile model scripts: each escape attempt, runaway loop and memory bomb must end with the
# right exit code and a message naming what was tried, at the script's own line — never a
# crash, and no file written.
source "$(dirname "$0")/lib.sh"
src="$QM_SOURCE_DIR/tests/e2e/hostile"
work="$T_TMP/work"

# hostile NAME EXIT MESSAGE [qm options...]: runs the script in a scratch copy of the folder
hostile() {
  local name=$1 code=$2 msg=$3; shift 3
  t_case "hostile_${name}_is_stopped"
  rm -rf "$work"; cp -r "$src" "$work"
  local before; before=$(cd "$work" && find . | sort)
  (cd "$work" && "$QM" run "$@" "$name.lua" >"$T_OUT" 2>"$T_ERR" </dev/null); T_RC=$?
  expect_exit "$code"
  expect_stderr_has "$msg"
  expect_no_crash
  local after; after=$(cd "$work" && find . | sort)
  [ "$before" = "$after" ] || t_fail "files changed: $(diff <(echo "$before") <(echo "$after") | tr '\n' ' ')"
}

hostile os_execute 1 "os_execute.lua:1: os.execute is not allowed in a model"
hostile os_exit 1 "os_exit.lua:1: os.exit is not allowed in a model"
hostile os_remove 1 "os_remove.lua:1: os.remove is not allowed in a model"
hostile os_rename 1 "os_rename.lua:1: os.rename is not allowed in a model"
hostile getenv 1 "getenv.lua:1: os.getenv is not allowed in a model"
hostile io_popen 1 "io_popen.lua:1: io is not available in a model"
hostile io_open 1 "io_open.lua:1: io is not available in a model"
hostile dofile 1 "dofile.lua:1: dofile is not available in a model"
hostile loadfile 1 "loadfile.lua:1: loadfile is not available in a model"
hostile package_loadlib 1 "package_loadlib.lua:1: package is not available in a model"
hostile require_c_module 1 'require_c_module.lua:1: module "socket.core" not found'
hostile require_escape 1 'require_escape.lua:1: module name "..secret" is not valid'
hostile qm_host 1 'qm_host.lua:1: module "qm.host" is internal to qm'
hostile stats_formulas 1 'stats_formulas.lua:1: module "qm.stats.formulas" is internal to qm'
hostile debug_lib 1 "debug_lib.lua:1: debug is not available in a model"
hostile string_dump 1 "string_dump.lua:1: string.dump is not allowed in a model"
hostile string_dump_method 1 "string_dump_method.lua:2: attempt to call a nil value (field 'dump')"
hostile binary_chunk 1 "binary_chunk.lua:2: binary chunks are not allowed"
hostile binary_chunk_default 1 "attempt to load a binary chunk (mode is 't')"
hostile modify_string 1 "modify_string.lua:1: cannot change string.rep: shared library tables are read-only"
hostile string_metatable 1 "string_metatable.lua:2: attempt to index a boolean value"
hostile rawset_frozen 1 "rawset_frozen.lua:1: rawset is not available in a model"
hostile collectgarbage_stop 1 'collectgarbage_stop.lua:1: collectgarbage("stop") is not allowed'
hostile callback_context 1 "callback_context.lua:4: attempt to index a nil value (field 'opts')" --report status
hostile register_report 1 'register_report.lua:2: module "qm.lang" is internal to qm'
hostile require_registry 1 'require_registry.lua:1: module "qm.engine.reports" is internal to qm'
hostile infinite_loop 4 "time limit of 0.3 s reached" --timeout 0.3
hostile infinite_loop_pcall 4 "time limit of 0.3 s reached" --timeout 0.3
hostile coroutine_loop 4 "time limit of 0.3 s reached" --timeout 0.3
hostile error_tostring_loop 4 "time limit of 0.3 s reached" --timeout 0.3
# stuck inside one C call the hook never sees: the watchdog ends qm 2 s after the deadline
hostile pattern_backtracking 4 "time limit of 1 s reached (raise it with --timeout); the command was stuck inside one call" --timeout 1
hostile memory_string_rep 4 "memory limit of 64 MB reached" --max-memory 64M
hostile memory_table_growth 4 "memory limit of 64 MB reached" --max-memory 64M
hostile memory_pcall 4 "memory limit of 64 MB reached" --max-memory 64M
hostile deep_recursion 1 "stack overflow"
hostile coroutine_before_deadline 4 "time limit of 0.3 s reached" --timeout 0.3
# finalizers: hooks do not run inside __gc, the watchdog ends one that never returns
# (the collector may run it during the command or when the state closes: either way, stopped)
hostile gc_loop 4 "a finalizer (__gc)" --timeout 1
hostile gc_error 1 "qm: error in __gc (gc_error.lua:1: finalizer failed)"
# ... and an object still alive when the run ends: qm then closes the state under the limit
hostile gc_loop_at_exit 4 "a finalizer (__gc)" --timeout 1
hostile gc_error_at_exit 1 "qm: error in __gc (gc_error_at_exit.lua:2: finalizer failed at exit)"

# SQL: one budget for Lua and SQLite (--max-memory), temporary files twice that on disk
python3 -c "
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.executescript('CREATE TABLE my_audit(a); CREATE TABLE qm_consensus_history(x); INSERT INTO qm_consensus_history VALUES (1);')
c.commit()" "$T_TMP/h.db"
hostile sql_printf_bomb 4 "memory limit of 64 MB reached inside SQLite" --db "$T_TMP/h.db" --max-memory 64M
hostile sql_group_concat_bomb 4 "memory limit of 16 MB reached inside SQLite" --db "$T_TMP/h.db" --max-memory 16M
hostile sql_median_one_group 4 "memory limit of 16 MB reached inside SQLite" --db "$T_TMP/h.db" --max-memory 16M
hostile sql_temp_table_bomb 4 "temporary-file limit of 16 MB reached by SQLite's temporary files" --db "$T_TMP/h.db" --max-memory 8M
# the engine's tables are the engine's
hostile sql_trigger 1 "sql_trigger.lua:3: SQL error: triggers cannot be created from a model" --db "$T_TMP/h.db" --write
hostile sql_user_version 1 "sql_user_version.lua:2: SQL error: PRAGMA user_version belongs to the engine" --db "$T_TMP/h.db" --write
hostile sql_pragma_case 1 "sql_pragma_case.lua:1: SQL error: PRAGMA TRUSTED_SCHEMA is not available to a model" --db "$T_TMP/h.db"

t_case ctrl_c_twice_ends_a_command_stuck_in_one_call
# (a background job starts with SIGINT ignored until qm installs its handler: give it a second)
(cd "$src" && exec "$QM" run --timeout 30 pattern_backtracking.lua >"$T_OUT" 2>"$T_ERR" </dev/null) &
pid=$!
sleep 1; kill -INT "$pid"; sleep 1.2
kill -0 "$pid" 2>/dev/null || t_fail "the first Ctrl-C alone ended qm"
kill -INT "$pid"
wait "$pid"; T_RC=$?
expect_exit 130
expect_stderr_has "interrupted (the running command did not stop, so qm ended)"

t_case ctrl_c_once_stops_a_lua_loop_cleanly
(cd "$src" && exec "$QM" run --timeout 30 infinite_loop.lua >"$T_OUT" 2>"$T_ERR" </dev/null) &
pid=$!
sleep 1; kill -INT "$pid"
wait "$pid"; T_RC=$?
expect_exit 130
expect_stderr_has "interrupted"
expect_stderr_lacks "did not stop"

t_case binary_file_as_model_is_refused
printf '\033Lua\124\000' >"$T_TMP/bin.lua"
t_run run "$T_TMP/bin.lua"
expect_exit 1
expect_stderr_has "binary chunks are not allowed"
expect_no_crash

t_case traceback_shows_only_model_frames
cat >"$T_TMP/tb.lua" <<'LUA'
local function inner() error("boom") end
local function outer() inner() end
outer()
LUA
t_run run "$T_TMP/tb.lua"
expect_exit 1
expect_stderr_has "tb.lua:1: boom"
expect_stderr_has "traceback (model code):"
expect_stderr_has "tb.lua:2: in "
expect_stderr_lacks "[C]"
expect_stderr_lacks "stdlib/"

t_case syntax_error_points_at_line
printf 'local x = 1\nlocal y = = 2\n' >"$T_TMP/syn.lua"
t_run run "$T_TMP/syn.lua"
expect_exit 1
expect_stderr_has "syn.lua:2: unexpected symbol near '='"

t_case require_from_model_folder_works_and_shares_env
mkdir -p "$T_TMP/m"
printf 'local M = {}\nfunction M.twice(x) return 2 * x end\nreturn M\n' >"$T_TMP/m/helper.lua"
printf 'local h = require "helper"\nprint(h.twice(21))\nprint(require("helper") == h)\n' >"$T_TMP/m/main.lua"
t_run run "$T_TMP/m/main.lua"
expect_exit 0
expect_stdout_is $'42\ntrue'

t_case stdlib_modules_are_frozen_for_models
printf 'local j = require "qm.json"\nj.encode = nil\n' >"$T_TMP/fz.lua"
t_run run "$T_TMP/fz.lua"
expect_exit 1
expect_stderr_has "fz.lua:2: cannot change"

t_case model_globals_do_not_leak_between_files
printf 'x = 1\nprint(_G.x, rawget(_G, "x"))\n' >"$T_TMP/g.lua"
t_run run "$T_TMP/g.lua"
expect_exit 0
expect_stdout_is $'1\t1'

t_case ctrl_c_stops_a_running_model
printf 'while true do end\n' >"$T_TMP/loop.lua"
"$QM" run "$T_TMP/loop.lua" >"$T_OUT" 2>"$T_ERR" </dev/null &
pid=$!
sleep 0.5
kill -INT $pid
wait $pid; T_RC=$?
expect_exit 130
expect_stderr_has "interrupted"
expect_no_crash

t_done
