#!/usr/bin/env bash
# test_fuzz_findings.sh — what fuzzing found (fuzz/, docs/fuzzing.md), reproduced through qm
# itself: each case is a finding's input made into a model, and checks the fixed behaviour.
source "$(dirname "$0")/lib.sh"

t_case "a recurrence given as a deadline and a backwards window are check errors at the model's line"
cat >"$T_TMP/m.lua" <<'LUA'
model "m" {
  scale = scale.ordinal { 1, 5 },
  theme "t" {
    indicator "trivsel" { title = "Trivsel", type = "completion",
      deadline = "hver anden måned", sql = [[SELECT unit_id, done FROM trivsel]] },
    indicator "erfa" { title = "Erfa", type = "max_gap", max_gap = "hver anden måned",
      window = "fra 2017 til udgangen af 2016", sql = [[SELECT date FROM erfa]] },
  },
}
LUA
t_run check "$T_TMP/m.lua"
expect_exit 1
expect_stdout_has "$T_TMP/m.lua:4: error: indicator \"trivsel\": deadline: \"hver anden måned\" is a recurrence, not a deadline"
expect_stdout_has "$T_TMP/m.lua:6: error: indicator \"erfa\": window: \"fra 2017 til udgangen af 2016\" ends before it starts"
# qm run refuses the model too, instead of failing inside the engine while evaluating it
t_run run "$T_TMP/m.lua" --as-of 2017-01-01
expect_exit 1
expect_stderr_has "2 errors in the model: nothing was run"
expect_stderr_lacks "stdlib/"
expect_stderr_lacks "attempt to"

t_case "use of a file that cannot be opened names the line of the use"
printf 'local base = use "missing.lua"\n' >"$T_TMP/u.lua"
t_run check "$T_TMP/u.lua"
expect_exit 1
expect_stdout_has "$T_TMP/u.lua:1: use \"missing.lua\": no such file"
expect_no_crash

t_case "YAML structure items that are not mappings are check errors at their line, not engine errors"
cat >"$T_TMP/y.lua" <<'LUA'
model "m" {
  structure = "y.yaml",
  scale = scale.ordinal { 1, 5 },
}
LUA
cat >"$T_TMP/y.yaml" <<'YAML'
title: Fra YAML
themes:
  -
  - just text
  - [a, b]
  - id: [x]
  - id: ok
    questions:
      - id: "1.1"
        text: Hvor godt?
        !!int 5: x
YAML
t_run check "$T_TMP/y.lua"
expect_exit 1
expect_stdout_has "$T_TMP/y.yaml:3: error: theme: expected a mapping like \"- id: ...\", got nothing"
expect_stdout_has "$T_TMP/y.yaml:4: error: theme: expected a mapping like \"- id: ...\", got \"just text\""
expect_stdout_has "$T_TMP/y.yaml:5: error: theme: expected a mapping like \"- id: ...\", got a list"
expect_stdout_has "$T_TMP/y.yaml:6: error: theme: the id must be text, like id: ledelse"
expect_stdout_has "$T_TMP/y.yaml:11: error: question \"1.1\": field names must be words, got 5"
expect_stdout_lacks "stdlib/"
expect_stdout_lacks "bad argument"
printf 'themes:\n  ledelse:\n    title: Ledelse\n' >"$T_TMP/y.yaml"
t_run check "$T_TMP/y.lua"
expect_exit 1
expect_stdout_has "$T_TMP/y.yaml:2: error: themes must be a list, one \"- id: ...\" item a line"
printf -- '- a\n- b\n' >"$T_TMP/y.yaml"
t_run check "$T_TMP/y.lua"
expect_exit 1
expect_stdout_has "$T_TMP/y.yaml:1: error: expected a mapping with themes"

t_case "a scoring rule called with something other than items is an error at the model's line"
cat >"$T_TMP/s.lua" <<'LUA'
model "m" {
  scale = scale.points { 0, 100, step = 5 },
  theme "y" { title = "Y",
    question "1" { text = "A", weight = scoring.median()"compleM-Ntion" },
  },
}
LUA
t_run check "$T_TMP/s.lua"
expect_exit 1
expect_stdout_has "$T_TMP/s.lua:4: scoring median: expected a list of items like { { value = 3, weight = 2 } }, got string"
expect_stdout_lacks "stdlib/"
printf 'print(scoring.median()({ { value = 1 }, { value = 4 } }), scoring.weighted_mean()({ { value = 1 }, { value = 4, weight = 3 } }), scoring.mean()({}))\nprint(pcall(scoring.sum(), { { value = "x" } }))\n' >"$T_TMP/s2.lua"
t_run run "$T_TMP/s2.lua"
expect_exit 0
expect_stdout_has "2.5	3.25	nil"
expect_stdout_has "scoring sum: item 1 needs a number value, like { value = 3 }"

t_case "a model text nested too deeply to be read names its file and says why"
python3 -c "print('x = ' + '{' * 300 + '}' * 300)" >"$T_TMP/deep.lua"
t_run check "$T_TMP/deep.lua"
expect_exit 1
expect_stdout_is "$T_TMP/deep.lua: the text nests too deeply to be read (more than about 200 levels of tables, calls or blocks inside each other)"
t_run run "$T_TMP/deep.lua"
expect_exit 1
expect_stderr_has "$T_TMP/deep.lua: the text nests too deeply to be read"
expect_stderr_lacks "C stack overflow"
expect_no_crash

t_done
