#!/usr/bin/env bash
# Crafted YAML must fail fast with a clear error naming the limit, never crash or hang, and a
# model may not read YAML outside its own folder.
source "$(dirname "$0")/lib.sh"
m="$T_TMP/model"; mkdir -p "$m"
cp "$QM_SOURCE_DIR/tests/lua/fixtures/bomb.yaml" "$m/bomb.yaml"

t_case billion_laughs_fails_fast_with_the_limit
printf 'local d = yaml.load_file("bomb.yaml")\nprint(#d)\n' >"$m/bomb.lua"
start=$(date +%s%N)
t_run run "$m/bomb.lua"
elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
expect_exit 1
expect_stderr_has "bomb.yaml:"
expect_stderr_has "document too large after alias expansion (limit 100000 nodes)"
expect_no_crash
[ "$elapsed" -lt 1000 ] || t_fail "took ${elapsed} ms"

t_case reading_outside_the_model_folder_is_refused
printf 'local d = yaml.load_file("/etc/passwd")\n' >"$m/escape.lua"
t_run run "$m/escape.lua"
expect_exit 3
expect_stderr_has 'escape.lua:1: cannot read "/etc/passwd": a model may only read files in its own folder'

t_case relative_escape_is_refused
printf 'local d = yaml.load_file("../../etc/passwd")\n' >"$m/escape2.lua"
t_run run "$m/escape2.lua"
expect_exit 3
expect_stderr_has "a model may only read files in its own folder"

t_case deep_nesting_hits_the_depth_limit
python3 -c 'print("a: " + "[" * 5000 + "]" * 5000)' >"$m/deep.yaml"
printf 'yaml.load_file("deep.yaml")\n' >"$m/deep.lua"
t_run run "$m/deep.lua"
expect_exit 1
expect_stderr_has "nesting deeper than the limit of 64 levels"
expect_no_crash

t_case yaml_syntax_error_names_file_line_and_column
printf 'themes:\n  - id: a\n   - id: b\n' >"$m/bad.yaml"
printf 'yaml.load_file("bad.yaml")\n' >"$m/bad.lua"
t_run run "$m/bad.lua"
expect_exit 1
expect_stderr_has "bad.yaml:3:"

t_done
