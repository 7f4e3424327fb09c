#!/usr/bin/env bash
# Issue 9, point 2: what a model may read is fixed per folder when its environment is made.
# `use` finds files in the model's folder and bundled models, and never widens what may be read;
# yaml.load_file, db.open, require and structure files stay inside the model's folder (and
# the files named on the command line).
source "$(dirname "$0")/lib.sh"
M="$T_TMP/m"; mkdir -p "$M/sub" "$T_TMP/outside"
printf 'secret: 1\n' >"$T_TMP/outside/secret.yaml"
printf 'return "outside module"\n' >"$T_TMP/outside/evil.lua"
printf 'a: 1\n' >"$M/ok.yaml"

t_case use_of_the_root_does_not_allow_reading_outside_the_folder
cat >"$M/widen.lua" <<LUA
pcall(use, "/./x")
pcall(use, "/")
pcall(use, "$T_TMP/outside/secret.yaml")
print(yaml.load_file("ok.yaml").a)
yaml.load_file("$T_TMP/outside/secret.yaml")
LUA
t_run run "$M/widen.lua"
expect_exit 3
expect_stdout_is "1"
expect_stderr_has "widen.lua:5: cannot read \"$T_TMP/outside/secret.yaml\": a model may only read files in its own folder"

t_case db_open_outside_the_folder_is_refused_even_after_use
printf 'pcall(use, "/")\nlocal h = require("qm.db").open("%s/outside/x.db")\n' "$T_TMP" >"$M/dbopen.lua"
t_run run "$M/dbopen.lua"
expect_exit 3
expect_stderr_has "dbopen.lua:2: cannot read"

t_case a_symlink_in_the_folder_does_not_lead_out_of_it
ln -s "$T_TMP/outside/secret.yaml" "$M/link.yaml"
ln -s "$T_TMP/outside/evil.lua" "$M/evil.lua"
printf 'print(pcall(yaml.load_file, "link.yaml"))\nprint(pcall(require, "evil"))\n' >"$M/links.lua"
t_run run "$M/links.lua"
expect_exit 0
expect_stdout_has "false"
expect_stdout_has "may only read files in its own folder"
expect_stdout_has 'module "evil" not found'
expect_stdout_lacks "secret"
expect_stdout_lacks "outside module"

t_case a_chunk_name_does_not_move_the_folder_relative_paths_start_from
# a relative path is relative to the model's folder, whatever chunk name load was given
printf 'local f = load("return yaml.load_file(\\"secret.yaml\\")", "@%s/outside/x.lua")\nprint(pcall(f))\n' "$T_TMP" >"$M/spoof.lua"
t_run run "$M/spoof.lua"
expect_exit 0
expect_stdout_has "false"
expect_stdout_lacks "secret: 1"
expect_stdout_lacks "true"

t_case a_structure_file_outside_the_folder_is_refused
printf 'model "s" { title = "s", scale = scale.points { 0, 100 }, structure = "%s/outside/secret.yaml" }\n' "$T_TMP" >"$M/struct.lua"
t_run check "$M/struct.lua"
expect_exit 1
expect_stdout_has "may only read files in its own folder"

t_case a_subfolder_model_reads_only_its_own_subfolder
printf 'a: 2\n' >"$M/sub/mine.yaml"
printf 'model "sub" { title = "sub", scale = scale.points { 0, 100 }, theme "t" { title = "t", question "1" { text = "?" } } }\nprint(pcall(yaml.load_file, "../ok.yaml"))\nprint(yaml.load_file("mine.yaml").a)\n' >"$M/sub/sub.lua"
printf 'local s = use "sub/sub.lua"\nprint(s.id)\n' >"$M/parent.lua"
t_run run "$M/parent.lua"
expect_exit 0
expect_stdout_has "may only read files in its own folder"
expect_stdout_has "2"
expect_stdout_has "sub"

t_case use_finds_a_bundled_model_by_name
printf 'print((use "kik").id)\nprint((use "kik/kik.lua").id)\nprint((use "caf2020").id)\n' >"$M/bundled.lua"
t_run run "$M/bundled.lua"
expect_exit 0
expect_stdout_is $'kik\nkik\ncaf2020'

t_case use_of_a_file_outside_the_folder_names_what_it_tried
printf 'use "../outside/evil.lua"\n' >"$M/useout.lua"
t_run run "$M/useout.lua"
expect_exit 1
expect_stderr_has 'useout.lua:1: use "../outside/evil.lua": no such file in the model'"'"'s folder'
expect_stderr_lacks "outside module"

t_case the_database_named_on_the_command_line_may_be_opened
"$QM" run /dev/null --db "$T_TMP/outside/data.db" --write >/dev/null 2>&1
printf 'local h = require("qm.db").open("%s/outside/data.db")\nprint(h:readonly())\n' "$T_TMP" >"$M/dbok.lua"
t_run run "$M/dbok.lua" --db "$T_TMP/outside/data.db"
expect_exit 0
expect_stdout_is "true"

t_done
