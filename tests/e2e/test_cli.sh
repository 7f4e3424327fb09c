#!/usr/bin/env bash
# The command line contract: help, version, usage errors, exit codes, --param, --out.
source "$(dirname "$0")/lib.sh"

t_case help_lists_commands_options_and_exit_codes
t_run --help
expect_exit 0
expect_stdout_has "run FILE [ARGS...]"
expect_stdout_has "check FILE..."
expect_stdout_has "--max-memory SIZE"
expect_stdout_has "exit codes:"
expect_stdout_has "4    memory or time limit reached"
expect_stdout_has "143  stopped by SIGTERM (129: by SIGHUP)"

t_case help_for_one_command
t_run help run
expect_exit 0
expect_stdout_has "usage: qm run FILE [ARGS...]"
t_run run --help
expect_exit 0
expect_stdout_has "usage: qm run FILE [ARGS...]"

t_case version_prints_version
t_run --version
expect_exit 0
expect_stdout_has "qm 0."

t_case unknown_command_is_a_usage_error
t_run frobnicate
expect_exit 2
expect_stderr_has 'qm: unknown command "frobnicate"'

t_case unknown_option_is_a_usage_error
t_run run --frob x.lua
expect_exit 2
expect_stderr_has "qm: unknown option --frob"

t_case format_and_language_names_are_taken_in_any_case
t_run run kik --format csv
expect_exit 0
cp "$T_OUT" "$T_TMP/lower.csv"
t_run run kik --format CSV
expect_exit 0
cmp -s "$T_OUT" "$T_TMP/lower.csv" || t_fail "--format CSV wrote other output than --format csv"
t_run run kik --lang EN
expect_exit 0
expect_stdout_has "Model kik"
t_run run kik --lang en
cp "$T_OUT" "$T_TMP/en.txt"
t_run run kik --lang En
cmp -s "$T_OUT" "$T_TMP/en.txt" || t_fail "--lang En wrote other output than --lang en"
t_run run kik --lang XX
expect_exit 2
expect_stderr_has "--lang xx: no such report language"

t_case a_misspelt_command_or_option_gets_the_one_meant
t_run runn x.lua
expect_exit 2
expect_stderr_has 'qm: unknown command "runn" (did you mean run?) (commands: run, check,'
t_run run x.lua --rpeort list
expect_exit 2
expect_stderr_has "qm: unknown option --rpeort (did you mean --report?) (see qm --help)"
t_run import --db x.db --tabel t x.csv
expect_exit 2
expect_stderr_has "qm: unknown option --tabel (did you mean --table?)"
t_run run x.lua --max-memroy 64M
expect_stderr_has "qm: unknown option --max-memroy (did you mean --max-memory?)"
t_run run --frob x.lua
expect_stderr_lacks "did you mean"
t_run help chek
expect_exit 2
expect_stderr_has 'qm: no command "chek" (did you mean check?) (see qm --help)'
t_run help help
expect_exit 0
expect_stdout_has "commands:"

t_case run_without_file_is_a_usage_error
t_run run
expect_exit 2
expect_stderr_has "qm run needs a FILE"

t_case run_of_missing_file_is_an_io_error
t_run run "$T_TMP/nope.lua"
expect_exit 3
expect_stderr_has "cannot open $T_TMP/nope.lua"

t_case bad_limit_values_are_usage_errors
t_run --max-memory lots run x.lua
expect_exit 2
expect_stderr_has "--max-memory lots"
t_run run x.lua --timeout=-1
expect_exit 2
expect_stderr_has "--timeout -1"

t_case bad_format_is_a_usage_error
t_run run x.lua --format pdf
expect_exit 2
expect_stderr_has "--format pdf: expected one of text, json, csv, markdown, html"

t_case params_reach_the_model_typed
printf 'print(params.year, math.type(params.year), params.name)\n' >"$T_TMP/p.lua"
t_run run "$T_TMP/p.lua" --param year=2026 --param name=Æblet
expect_exit 0
expect_stdout_is $'2026\tinteger\tÆblet'

t_case bad_param_is_a_usage_error
t_run run "$T_TMP/p.lua" --param year
expect_exit 2
expect_stderr_has "--param year: expected NAME=VALUE"

t_case script_arguments_are_passed_as_varargs
printf 'print(select("#", ...), ...)\n' >"$T_TMP/a.lua"
t_run run "$T_TMP/a.lua" one two
expect_exit 0
expect_stdout_is $'2\tone\ttwo'

t_case out_file_is_written_only_when_the_run_succeeds
printf 'error("half way")\n' >"$T_TMP/fail.lua"
t_run run "$T_TMP/fail.lua" --out "$T_TMP/out.txt"
expect_exit 1
expect_no_file "$T_TMP/out.txt"
expect_no_file "$T_TMP/out.txt.tmp"

t_case double_dash_ends_options
printf 'print(...)\n' >"$T_TMP/dd.lua"
t_run run "$T_TMP/dd.lua" -- --not-an-option
expect_exit 0
expect_stdout_is "--not-an-option"

t_case stdlib_path_overrides_embedded_stdlib
mkdir -p "$T_TMP/std/qm"
cp -r "$QM_SOURCE_DIR/stdlib/." "$T_TMP/std/"
printf 'return { hello = "from the source tree" }\n' >"$T_TMP/std/qm/eval/stats.lua"
printf 'print(require("qm.stats").hello)\n' >"$T_TMP/probe.lua"
QM_STDLIB_PATH="$T_TMP/std" t_run run "$T_TMP/probe.lua"
expect_exit 0
expect_stdout_is "from the source tree"

t_case a_broken_stdlib_module_is_reported_not_hidden
mkdir -p "$T_TMP/broken/qm"
cp -r "$QM_SOURCE_DIR/stdlib/." "$T_TMP/broken/"
printf 'return {\n' >"$T_TMP/broken/qm/rules/scoring.lua"
printf 'model "x" { title = "x" }\n' >"$T_TMP/m.lua"
QM_STDLIB_PATH="$T_TMP/broken" t_run check "$T_TMP/m.lua"
expect_exit 1
expect_stderr_has "stdlib/qm/rules/scoring.lua"
expect_stdout_lacks "ok:"

t_done
