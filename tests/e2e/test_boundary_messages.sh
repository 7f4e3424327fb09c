#!/usr/bin/env bash
# A model's mistakes in the API it is given read as its own: at its file and line, never naming
# an engine file (stdlib/qm/...), the engine's SQL or one of its parameters (issue 9's quality
# bar for the capability surface: the public modules' functions and `store`).
source "$(dirname "$0")/lib.sh"
M="$T_TMP/m"; mkdir -p "$M"
"$QM" run "$QM_SOURCE_DIR/models/kik/demo_data.lua" --db "$T_TMP/d.db" --write >/dev/null 2>&1 \
  || t_fail "the demo database was not made"

t_case a_public_function_failing_inside_the_engine_names_the_models_line
# before: pcall(time.after, ...) gave "stdlib/qm/eval/time.lua:739: ..." to the model
cat >"$M/pub.lua" <<'LUA'
local ok, e = pcall(function() return time.after("x") end)
print(e)
print(select(2, pcall(function() return require("qm.json").decode(nil) end)))
print(select(2, pcall(time.days_between, "2025-01-01")))
print(time.after == time.after, time.after == require("qm.time").after)
local ok2, e2 = pcall(function() return yaml.load_file("/etc/passwd") end)
print(e2.class)
LUA
t_run run "$M/pub.lua"
expect_exit 0
expect_stdout_has 'pub.lua:1: "x" is not a date (write it as YYYY-MM-DD)'
expect_stdout_has "pub.lua:3: "
expect_stdout_has "expected a date like 2016-10-01, got nil"
expect_stdout_has $'true\ttrue'
expect_stdout_has "io"
expect_stdout_lacks "stdlib/"

t_case the_guard_passes_yields_and_limits_through
# the guard around a public function calls it protected: a coroutine may still yield across it
# (json.encode calling the model's iterator), and a limit's error passes unchanged (exit 4)
cat >"$M/co.lua" <<'LUA'
local json = require("qm.json")
local co = coroutine.wrap(function()
  local s = json.stream(function() local i = 0 return function() i = i + 1 if i <= 3 then coroutine.yield(i) return i end end end)
  return json.encode({ s })
end)
print(co(), co(), co(), co())
LUA
t_run run "$M/co.lua"
expect_exit 0
expect_stdout_is $'1\t2\t3\t[[1,2,3]]'
cat >"$M/lim.lua" <<'LUA'
local json = require("qm.json")
print(pcall(json.encode, { json.stream(function() return function() while true do end end end) }))
LUA
t_run run --timeout 0.5 "$M/lim.lua"
expect_exit 4
expect_stderr_has "qm: time limit of 0.5 s reached (raise it with --timeout)"

t_case changing_a_callbacks_view_says_it_is_read_only_not_a_library
# before: "cannot change opts: shared library tables are read-only" for the view of a callback
cat >"$M/view.lua" <<'LUA'
model "x" { title = "x", theme "t" { title = "t", indicator "i" { title = "i",
  data = function(view, p) print(select(2, pcall(function() view.opts = {} end))) return {} end } } }
LUA
t_run run "$M/view.lua" --report status
expect_exit 0
expect_stdout_has "view.lua:2: cannot change opts: the tables qm gives a model are read-only"
expect_stdout_lacks "shared library"

t_case every_public_function_called_wrongly_names_no_engine_file
# every function of every global and public module, called with wrong arguments
cat >"$M/sweep.lua" <<'LUA'
local args = { {}, { 1 }, { "x" }, { {} }, { true }, { "x", "y" }, { 1, {} }, { function() end },
  { { 1, 2, 3 } }, { "2025-13-45" }, { -1e308 } }
local seen, calls, bad = {}, 0, 0
local function try(name, f)
  for _, a in ipairs(args) do
    calls = calls + 1
    local ok, err = pcall(f, table.unpack(a, 1, 3))
    local m = tostring(err)
    if not ok and (m:find("stdlib/", 1, true) or m:find("%?%d") or m:find("qm_%a")) then
      bad = bad + 1
      print(name, m)
    end
  end
end
local function walk(prefix, t, depth)
  if depth > 2 or seen[t] then return end
  seen[t] = true
  for k, v in pairs(t) do
    if type(v) == "function" then try(prefix .. "." .. tostring(k), v)
    elseif type(v) == "table" then walk(prefix .. "." .. tostring(k), v, depth + 1) end
  end
end
for _, g in ipairs { "time", "yaml", "scale", "scoring", "consensus", "prioritise", "store" } do
  walk(g, _G[g], 0)
end
for _, m in ipairs { "qm.time", "qm.stats", "qm.scale", "qm.scoring", "qm.consensus",
  "qm.prioritise", "qm.json", "qm.yaml", "qm.db" } do walk(m, require(m), 0) end
print("calls", calls > 300, "bad", bad)
LUA
t_run run "$M/sweep.lua" --db "$T_TMP/d.db" --write
expect_exit 0
expect_stdout_has $'calls\ttrue\tbad\t0'

t_case store_mistakes_name_the_field_not_the_engines_sql
cat >"$M/store.lua" <<'LUA'
for _, c in ipairs {
  function() store.round {} end,
  function() store.round { id = "zz", unit = "aeblet" } end,
  function() store.participant() end,
  function() store.participant("nope", { code = "P1" }) end,
  function() store.response {} end,
  function() store.consensus { question = "1.1" } end,
  function() store.area { round = "2025-aeblet" } end,
  function() store.group {} end,
  function() store.action { round = "2025-aeblet" } end,
  function() store.update_action() end,
  function() store.measurement {} end,
  function() store.transaction() end,
} do print(select(2, pcall(c))) end
LUA
t_run run "$M/store.lua" --db "$T_TMP/d.db" --write
expect_exit 0
expect_stdout_has "store.lua:2: store.round: id is required, like store.round { id = ..., model = ..., unit = ... }"
expect_stdout_has "store.lua:3: store.round: model is required"
expect_stdout_has "store.lua:4: store.participant needs a round id and a table"
expect_stdout_has 'store.lua:5: store.participant: round "nope" does not exist'
expect_stdout_has "store.lua:6: store.response: round is required"
expect_stdout_has "store.lua:7: store.consensus: round is required"
expect_stdout_has "store.lua:8: store.area: text is required"
expect_stdout_has "store.lua:9: store.group: round is required"
expect_stdout_has "store.lua:10: store.action: title is required"
expect_stdout_has "store.lua:11: store.update_action needs an action's id"
expect_stdout_has "store.lua:12: store.measurement: indicator is required"
expect_stdout_has "store.lua:13: store.transaction needs a function"
expect_stdout_lacks "?1"
expect_stdout_lacks "INSERT INTO"
expect_stdout_lacks "qm_"
expect_stdout_lacks "stdlib/"
expect_stdout_lacks "store.lua:2: store.lua:2:"

t_done
