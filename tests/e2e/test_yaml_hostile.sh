#!/usr/bin/env bash
# test_yaml_hostile.sh — hostile YAML through `qm run`: a billion-laughs file in the model's
# folder, a model reading /etc/passwd, and a deeply nested document. Each must end with the
# right exit code and a message naming the limit or the rule, fast, without a crash.
source "$(dirname "$0")/lib.sh"

M="$T_TMP/model"
mkdir -p "$M"

# billion laughs: nine levels of nine aliases (9^10 nodes if it were expanded)
{
  echo 'l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]'
  for i in 1 2 3 4 5 6 7 8 9; do
    p=$((i - 1))
    echo "l$i: &l$i [*l$p, *l$p, *l$p, *l$p, *l$p, *l$p, *l$p, *l$p, *l$p]"
  done
} >"$M/laughs.yaml"
cat >"$M/bomb.lua" <<'LUA'
local doc = yaml.load_file(MODEL_DIR .. "/laughs.yaml")
print("loaded", doc)
LUA
sed -i "s|MODEL_DIR|\"$M\"|" "$M/bomb.lua"

t_case yaml_alias_bomb_fails_fast_naming_the_limit
start=$(date +%s%N)
t_run run "$M/bomb.lua"
took_ms=$(( ($(date +%s%N) - start) / 1000000 ))
expect_exit 1
expect_no_crash
expect_stderr_has "laughs.yaml:5:10: "
expect_stderr_has "document too large after alias expansion (limit 10000 nodes)"
expect_stdout_lacks "loaded"
[ "$took_ms" -lt 1000 ] || t_fail "took ${took_ms} ms"

t_case yaml_load_file_outside_the_model_folder_is_refused
cat >"$M/passwd.lua" <<'LUA'
local doc = yaml.load_file("/etc/passwd")
print("read", doc)
LUA
t_run run "$M/passwd.lua"
expect_exit 3
expect_no_crash
expect_stderr_has "passwd.lua:1:"
expect_stderr_has "a model may only read files in its own folder"
expect_stdout_lacks "read"

t_case yaml_deep_nesting_hits_the_depth_limit
{
  for i in $(seq 0 199); do printf '%*sk:\n' "$i" ''; done
} >"$M/deep.yaml"
cat >"$M/deep.lua" <<LUA
local doc = yaml.load_file("$M/deep.yaml")
print("loaded", doc)
LUA
t_run run "$M/deep.lua"
expect_exit 1
expect_no_crash
expect_stderr_has "deep.yaml:65:65: nesting too deep (limit 64 levels)"
expect_stdout_lacks "loaded"

t_case yaml_syntax_error_reports_file_line_column
printf 'name: x\nlist: [1, 2\nother: 3\n' >"$M/broken.yaml"
cat >"$M/broken.lua" <<LUA
yaml.load_file("$M/broken.yaml")
LUA
t_run run "$M/broken.lua"
expect_exit 1
expect_no_crash
expect_stderr_has "broken.yaml:3:6: did not find expected ',' or ']'"

t_done
