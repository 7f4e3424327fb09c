#!/usr/bin/env bash
# Issue 9, points 11 and 12: an error carries its class and the exit code comes from the
# class (never from the message's text); a deep coroutine recursion reports its location once.
source "$(dirname "$0")/lib.sh"
M="$T_TMP/m"; mkdir -p "$M"

t_case a_model_error_quoting_an_io_error_is_a_model_error
# before: the text of the last I/O error was searched for in later errors, so this exited 3
cat >"$M/quote.lua" <<'LUA'
local ok, e = pcall(yaml.load_file, "/etc/passwd")
error("my own check failed after: " .. tostring(e))
LUA
t_run run "$M/quote.lua"
expect_exit 1
expect_stderr_has "my own check failed after:"

t_case a_model_error_with_the_same_text_as_an_io_error_is_a_model_error
cat >"$M/same.lua" <<'LUA'
local ok, e = pcall(yaml.load_file, "/etc/passwd")
error(e.message, 0)
LUA
t_run run "$M/same.lua"
expect_exit 1
expect_stderr_has "a model may only read files in its own folder"

t_case an_io_error_rethrown_as_it_is_keeps_its_class
printf 'local ok, e = pcall(yaml.load_file, "/etc/passwd")\nprint(e.class, type(e), tostring(e):match("cannot read") ~= nil, e:find("cannot") ~= nil)\nerror(e)\n' >"$M/keep.lua"
t_run run "$M/keep.lua"
expect_exit 3
expect_stdout_is $'io\tuserdata\ttrue\ttrue'

t_case an_error_through_a_coroutine_keeps_its_class
printf 'local co = coroutine.wrap(function() yaml.load_file("/etc/passwd") end)\nco()\n' >"$M/co.lua"
t_run run "$M/co.lua"
expect_exit 3

t_case a_usage_error_is_exit_2_and_a_plain_error_after_it_is_exit_1
t_run run "$M/quote.lua" --format nonsense
expect_exit 2

t_case the_exit_code_is_not_chosen_by_text
# qm_errclass searched the message text; it is gone, the class decides
! grep -rnE "qm_errclass\b|errclass\.msg" "$QM_SOURCE_DIR/engine" >/dev/null || t_fail "text matching of errors is still in engine/"

t_case coroutine_recursion_names_its_location_once_not_201_times
printf 'local function f() return coroutine.wrap(f)() end\nf()\n' >"$M/corec.lua"
t_run run "$M/corec.lua"
expect_exit 1
expect_no_crash
expect_stderr_has "corec.lua:1: C stack overflow"
n=$(grep -o "corec.lua:1:" "$T_ERR" | wc -l)
[ "$n" -le 3 ] || t_fail "the location is printed $n times"

t_case a_repl_line_too_big_for_the_memory_limit_fails_and_the_repl_goes_on
# before: pushing the 6 MB line into Lua was outside a protected call, so the memory error
# ended the whole REPL with exit 4 and the next command never ran (point 10)
python3 -c "print('keep = string.rep(\"b\", 5000000)'); print('y = \"' + 'a'*6000000 + '\"'); print('print(42)')" >"$T_TMP/big.txt"
"$QM" repl --max-memory 10M <"$T_TMP/big.txt" >"$T_OUT" 2>"$T_ERR"; T_RC=$?
expect_exit 1
expect_no_crash
expect_stdout_is "42"
expect_stderr_has "memory limit of 10 MB reached"

t_done
