-- construct.build reads a node's own fields raw (rawget) when it applies `required` and
-- `default`: that reads the same as node[name] only while no declared field is named like
-- something an element or a model answers through its metatable (a method, a collection).
-- This test keeps it so, and checks defaults and required fields as a model sees them.
-- Runs in the engine's own state (qm_engine_test).
local t = require "testing"
local schema = require "qm.lang.schema"
local model = require "qm.lang.model"
local construct = require "qm.lang.construct"

t.test("no declared field is named like an element's or a model's method or collection", function()
  local e = model.new("theme", { kind = "theme", id = "e", children = {} })
  local m = model.new("model", { kind = "model", id = "m", children = {} })
  for kind, decl in pairs(schema.constructs) do
    for _, f in ipairs(decl.fields) do
      t.eq(e[f.name], nil, kind .. "." .. f.name .. " is not answered by an element")
      t.eq(m[f.name], nil, kind .. "." .. f.name .. " is not answered by a model")
    end
  end
end)

t.test("defaults are set and required fields are reported, in the declared order", function()
  local run = {}
  local ind = construct.build(run, "indicator", "i", { title = "x" }, "m.lua:3")
  t.eq(ind.type, "value")
  t.eq(ind.inclusive, true)
  t.eq(ind.hard, true)
  t.eq(run.problems, nil)
  local given = construct.build(run, "indicator", "j", { type = "share", hard = false }, "m.lua:4")
  t.eq(given.type, "share")
  t.eq(given.hard, false)
  local q = construct.build(run, "question", "1.1", {}, "m.lua:5")
  t.eq(#run.problems, 1)
  t.eq(run.problems[1].msg, 'question "1.1": text is required (the question as participants read it)')
  t.eq(run.problems[1].where, "m.lua:5")
  t.eq(q.text, nil)
  local c = construct.build(run, "column", "c", {}, "m.lua:6")
  t.eq(c.required, false)
  t.eq(run.problems[2].msg, 'column "c": type is required (the type of the column\'s values (the types are listed in docs/import.md))')
end)

-- construct.where_of as it was written in Lua (debug.getinfo per call): sandbox.where must
-- give the same "file:line" at every level, through C frames and for every kind of chunk name
local function frame(level, what)
  local l = level + 2
  local info = debug.getinfo(l, what .. "S")
  while info and info.what == "C" do
    l = l + 1
    info = debug.getinfo(l, what .. "S")
  end
  return info
end
local function where_of_lua(level)
  local info = frame(level, "l")
  if not info or info.currentline <= 0 then return "?" end
  local file = info.source:sub(1, 1) == "@" and info.source:sub(2) or info.short_src
  return file .. ":" .. info.currentline
end

t.test("where_of gives the position debug.getinfo gives, through C frames too", function()
  local function both(level) return { construct.where_of(level), where_of_lua(level) } end
  local seen = {}
  local function check(pair, what)
    t.eq(pair[1], pair[2], what)
    seen[#seen + 1] = pair[1]
  end
  for _, name in ipairs({ "@/some/long/path/with spaces/a model file that is named at length.lua", "=stdin", "a chunk of text" }) do
    local chunk = assert(load("local both = ...\n\nreturn both(1), both(2), both(3), both(50)", name))
    local r = { chunk(both) }
    for i, pair in ipairs(r) do check(pair, name .. " level " .. i) end
    -- through C frames: pcall, and a comparator table.sort calls
    local through = assert(load("local both = ...\nlocal ok, a = pcall(both, 1)\nlocal out\n"
      .. "table.sort({ 2, 1 }, function(x, y) out = out or both(1) return x < y end)\nreturn a, out", name))
    local a, b = through(both)
    check(a, name .. " through pcall")
    check(b, name .. " through sort")
  end
  t.eq(seen[2], "/some/long/path/with spaces/a model file that is named at length.lua:3")
  t.eq(construct.where_of(500), "?")
end)

t.test("a scoring rule made in a model's file knows the file:line it was made at", function()
  local scoring = require "qm.rules.scoring"
  local env = setmetatable({ scoring = require("qm.sandbox").freeze(scoring) }, { __index = _G })
  local chunk = assert(load("local a = scoring.mean()\n\nlocal b = scoring.efqm { points = { x = 1 } }\nreturn a, b", "@dir with space/m.lua", "t", env))
  local a, b = chunk()
  t.eq(a.where, "dir with space/m.lua:1", "through the frozen library's guard")
  t.eq(b.where, "dir with space/m.lua:3")
end)

t.done()
